"""Start-up: ``--version``, ``--help`` and shell completion load no data library.

Each case runs in a fresh interpreter (the test process has long imported polars) and reports
which of the heavy modules got imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bansos_cli import __version__

HEAVY = ("polars", "numpy", "pyarrow", "pandera", "fastexcel", "rapidfuzz", "xlsxwriter")
"""Data libraries a command imports when it runs, never to start."""

# the console script leaves through os._exit after running the exit handlers: the probe
# reports from one of them
_PROBE = """
import atexit, json, sys
args, names = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["bansos", *args]
def report():
    loaded = [m for m in names if m in sys.modules]
    sys.stderr.write("\\nPROBE " + json.dumps({"loaded": loaded}))
atexit.register(report)
from bansos_cli.cli import main
main()
"""


def _probe(args: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, object], str]:
    """Run ``bansos ARGS`` in a fresh interpreter: its exit code, the heavy modules it
    imported, and its stdout."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BANSOS_", "_BANSOS"))}
    environment.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    return {**json.loads(proc.stderr.rsplit("PROBE ", 1)[-1]), "code": proc.returncode}, proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["-V"],
        ["--help"],
        ["validate", "--help"],
        ["run", "--help"],
        ["rules", "lint", "--help"],
        ["sample", "-h", "--lang", "en"],
        ["validate"],  # a usage error: printed in the catalogue's words
        ["validate", "--bogus"],
    ],
    ids=" ".join,
)
def test_no_data_library_is_imported(args: list[str]) -> None:
    report, _ = _probe(args)
    assert report["loaded"] == [], report
    assert report["code"] in (None, 0, 2)


def test_version_and_its_short_alias() -> None:
    for flag in ("--version", "-V"):
        report, stdout = _probe([flag])
        assert report["code"] in (None, 0) and stdout == f"bansos {__version__}\n"


def test_shell_completion_imports_no_data_library() -> None:
    report, stdout = _probe(
        [],
        env={"_BANSOS_COMPLETE": "complete_bash", "COMP_WORDS": "bansos val", "COMP_CWORD": "1"},
    )
    assert report["loaded"] == [], report
    assert "validate" in stdout


def test_the_console_script_itself_starts_without_polars() -> None:
    """``python -X importtime -m bansos_cli --version``: no heavy module in the import log."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bansos_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout == f"bansos {__version__}\n"
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


def test_the_version_is_the_installed_one() -> None:
    """__init__.py holds the version (pyproject.toml reads it from there at build time)."""
    from importlib.metadata import version

    assert version("bansos-cli") == __version__
