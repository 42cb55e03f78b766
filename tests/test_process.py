"""The console script's own process: pandera without its pandas half, and a fast exit.

The cases that need the console script run it in a fresh interpreter; the packages pandera
would load are replaced there by stand-ins that fail loudly when imported, so a passing run
proves they were never imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bansos_cli.core import process

NIK = "3201066603166080"


def _tripwires(folder: Path) -> Path:
    """Stand-in ``pandas`` and ``hypothesis`` packages whose import raises."""
    for name in process.LEFT_OUT_OF_PANDERA:
        package = folder / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"raise RuntimeError('{name} was imported')\n", encoding="utf-8"
        )
    return folder


def _console(args: list[str], cwd: Path, pythonpath: Path | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANSOS_", "_BANSOS"))}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(pythonpath), *filter(None, [env.get("PYTHONPATH")])]
        )
    return subprocess.run(
        [sys.executable, "-m", "bansos_cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "daftar.csv"
    path.write_text(
        "NIK,NAMA,TANGGAL LAHIR\n"
        f"{NIK},SRI WAHYUNI,26-03-2016\n"
        "32010666031660,BUDI,01-01-1980\n",  # 14 digits: an error
        encoding="utf-8",
    )
    return path


def test_the_console_script_validates_without_pandas_or_hypothesis(
    tmp_path: Path, small_csv: Path
) -> None:
    wires = _tripwires(tmp_path / "wires")
    out = tmp_path / "hasil"
    proc = _console(
        ["validate", str(small_csv), "--out", str(out), "--as-of", "2025-07-01", "--quiet"],
        tmp_path,
        wires,
    )
    assert "was imported" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr  # one row with an error, --fail-on error
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == 2 and summary["by_status"]["error"] == 1
    assert {p.name for p in out.iterdir()} >= {
        "records.parquet",
        "valid.parquet",
        "findings.parquet",
        "summary.json",
        "report.xlsx",
    }


def test_exit_codes_and_messages_survive_the_fast_exit(tmp_path: Path, small_csv: Path) -> None:
    ok = _console(["--version"], tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("bansos ")
    missing = _console(["validate", str(tmp_path / "tidak-ada.csv"), "--quiet"], tmp_path)
    assert missing.returncode == 2
    assert "tidak-ada.csv" in missing.stderr and "Traceback" not in missing.stderr
    never = _console(
        ["validate", str(small_csv), "--out", str(tmp_path / "o"), "--fail-on", "never"],
        tmp_path,
    )
    assert never.returncode == 0, never.stderr
    assert never.stdout.strip(), "the summary printed before the exit reaches the pipe"


def test_a_library_caller_keeps_the_whole_of_pandera(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside the console script the block changes nothing, not even sys.meta_path."""
    monkeypatch.setitem(process._state, "owned", False)
    before = list(sys.meta_path)
    with process.pandera_alone():
        assert sys.meta_path == before


def test_in_the_console_script_pandas_imports_fail_only_inside_the_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(process._state, "owned", True)
    for name in ("pandera", *process.LEFT_OUT_OF_PANDERA):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with process.pandera_alone():
        with pytest.raises(ModuleNotFoundError, match="No module named 'pandas'"):
            __import__("pandas.core")
    assert not any(isinstance(f, process._LeaveOut) for f in sys.meta_path)


def test_exit_now_reads_codes_as_sys_exit_does(tmp_path: Path) -> None:
    script = (
        "import atexit, sys; from bansos_cli.core.process import exit_now; "
        "atexit.register(lambda: print('handlers ran')); exit_now({})"
    )
    for code, status, err in ((None, 0, ""), (3, 3, ""), ("boom", 1, "boom\n")):
        proc = subprocess.run(
            [sys.executable, "-c", script.format(repr(code))],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (proc.returncode, proc.stdout, proc.stderr) == (status, "handlers ran\n", err)
