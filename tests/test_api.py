"""The Python API (bansos_cli.api): one function per command, one result protocol."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import subprocess
import sys
import typing
from pathlib import Path

import polars as pl
import pytest

from bansos_cli import api
from bansos_cli.core import vocabulary as V
from bansos_cli.core.errors import BansosError
from bansos_cli.pipeline.summaries import SUMMARIES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
AS_OF = dt.date(2025, 7, 1)
KEY = b"k" * 32


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty folder, to see that nothing is written there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _call(name: str) -> api.Result:
    calls = {
        "validate": lambda: api.validate(SAMPLE, as_of=AS_OF),
        "dedup": lambda: api.dedup(SAMPLE),
        "check": lambda: api.check(SAMPLE, as_of=AS_OF),
        "reconcile": lambda: api.reconcile(
            ROOT / "sample_data" / "sk_penerima.xlsx",
            ROOT / "sample_data" / "laporan_penyaluran.xlsx",
        ),
        "run": lambda: api.run(SAMPLE, as_of=AS_OF),
        "inspect": lambda: api.inspect(SAMPLE),
        "pseudonymise": lambda: api.pseudonymise(SAMPLE, key=KEY),
    }
    return calls[name]()


@pytest.mark.parametrize("name", api.COMMANDS)
def test_out_dir_none_writes_nothing_and_returns_the_tables(name: str, elsewhere: Path) -> None:
    result = _call(name)
    assert list(elsewhere.iterdir()) == []
    assert result.command == name and result.outputs == {}
    assert result.summary["command"] == name and result.summary["outputs"] == {}
    tables = {t.name: t for t in V.TABLES.get(name, ())}
    for frame_name, frame in result.frames.items():
        assert isinstance(frame, pl.DataFrame)
        if frame_name in tables:
            schema = {k: str(v) for k, v in frame.schema.items()}
            assert tables[frame_name].problems(schema) == [], frame_name
    assert set(tables) <= set(result.frames)


@pytest.mark.parametrize("name", api.COMMANDS)
def test_summary_keys_are_the_declared_ones(name: str) -> None:
    """Every key the TypedDict requires is there, and there is no undeclared key."""
    result = _call(name)
    declared = SUMMARIES[name]
    hints = typing.get_type_hints(declared)
    assert declared.__required_keys__ <= set(result.summary)
    assert set(result.summary) <= set(hints)
    json.dumps(result.summary, default=str)  # JSON-ready


def test_every_command_takes_the_same_keywords_for_the_same_things() -> None:
    shared = {"out_dir", "sheet", "header_row", "mapping", "encoding", "delimiter", "formats"}
    for name in ("validate", "dedup", "check", "inspect", "pseudonymise"):
        params = inspect.signature(getattr(api, name)).parameters
        wanted = shared - ({"out_dir", "formats"} if name == "inspect" else set())
        assert wanted <= set(params), name
    for name in ("validate", "check", "run"):
        params = inspect.signature(getattr(api, name)).parameters
        assert "as_of" in params and params["as_of"].default is None, name
        assert not [p for p in params if "reference" in p], name


def test_written_files_equal_the_returned_frames(tmp_path: Path) -> None:
    result = api.validate(SAMPLE, as_of=AS_OF, out_dir=tmp_path, report=False)
    assert sorted(result.outputs) == ["findings", "records", "summary", "valid"]
    for name in ("records", "valid", "findings"):
        written = pl.read_parquet(tmp_path / f"{name}.parquet")
        assert written.equals(result.frames[name]), name
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["outputs"]["records"] == [str(tmp_path / "records.parquet")]
    assert summary["as_of"] == "2025-07-01" and summary["command"] == "validate"


def test_exit_codes_follow_fail_on() -> None:
    assert api.validate(SAMPLE, as_of=AS_OF).exit_code == 1
    assert api.validate(SAMPLE, as_of=AS_OF, fail_on="never").exit_code == 0
    with pytest.raises(BansosError):
        api.validate(SAMPLE, as_of=AS_OF, fail_on="sometimes")
    assert api.check(SAMPLE, as_of=AS_OF, fail_on="never").exit_code == 0


def test_a_missing_file_raises_a_user_error_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(BansosError) as caught:
        api.validate(tmp_path / "tidak_ada.xlsx", as_of=AS_OF)
    assert "tidak_ada.xlsx" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_importing_the_package_loads_no_data_library() -> None:
    code = (
        "import sys, bansos_cli, bansos_cli.api; "
        "print(sorted(m for m in ('polars', 'numpy', 'pandera', 'xlsxwriter', 'fastexcel') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
