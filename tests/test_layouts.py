"""The layouts of real exports: every workbook in tests/fixtures/layouts/ is read as its
expected file says (the rows that are people, their NIK, the NO KK of their family), no
finding falls on a row that is not a person, and a refused file gets one line naming a fix.

The workbooks and expected files are written by tests/fixtures/layouts/build.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import fastexcel
import polars as pl
import pytest
import yaml
from tests.conftest import invoke_assert_code

from bansos_cli import api
from bansos_cli.ingest import ReadOptions, read_inputs

FOLDER = Path(__file__).resolve().parent / "fixtures" / "layouts"
CASES = sorted(FOLDER.glob("*.yaml"))
AS_OF = dt.date(2025, 7, 1)


def _spec(case: Path) -> dict[str, Any]:
    return yaml.safe_load(case.read_text(encoding="utf-8"))


def _options(spec: dict[str, Any]) -> ReadOptions:
    options = spec.get("options", [])
    header_row = int(options[options.index("--header-row") + 1]) if options else None
    return ReadOptions(header_row=header_row)


def _people(frame: pl.DataFrame) -> list[dict[str, Any]]:
    columns = ["sheet", "row", "nik", *(["no_kk"] if "no_kk" in frame.columns else [])]
    return frame.select(columns).to_dicts()


def _expected(spec: dict[str, Any], *, sheet: bool = True) -> list[dict[str, Any]]:
    out = []
    for p in spec["people"]:
        person = {"sheet": p["sheet"] if sheet else "", "row": p["row"], "nik": p["nik"]}
        if "no_kk" in p:
            person["no_kk"] = p["no_kk"]
        out.append(person)
    return out


def _comparable(got: list[dict[str, Any]], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """``got`` with NO KK only where the expected file names one."""
    with_kk = {p["row"] for p in spec["people"] if "no_kk" in p}
    return [
        {k: v for k, v in person.items() if k != "no_kk" or person["row"] in with_kk}
        for person in got
    ]


def test_there_are_at_least_twenty_layouts() -> None:
    assert len(CASES) >= 20
    assert all((FOLDER / _spec(case)["file"]).is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_layout_is_read_as_expected(case: Path, tmp_path: Path) -> None:
    spec = _spec(case)
    path = FOLDER / spec["file"]
    args = ["validate", str(path), "--out", str(tmp_path / "out"), *spec.get("options", [])]
    if spec.get("error"):
        result = invoke_assert_code([*args, "--lang", "en"], 2)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        for fragment in spec["error"]:
            assert fragment in lines[0], lines[0]
        assert "internal error" not in result.output
        return

    ingest = read_inputs([path], _options(spec))
    assert _comparable(_people(ingest.frame), spec) == _expected(spec)
    missing = [c for c in spec["columns"] if c not in ingest.frame.columns]
    assert not missing, (missing, ingest.frame.columns)
    codes = {n.code for info in ingest.sources for n in info.notices}
    assert set(spec["notices"]) <= codes, codes

    validation = api.validate([path], as_of=AS_OF)
    findings = validation.frames["findings"]
    people = {p["row"] for p in spec["people"]}
    stray = findings.filter(~pl.col("row").is_in(sorted(people)))
    assert stray.is_empty(), stray.select("row", "column", "value", "code")
    found = set(findings.select("row", "code").iter_rows())
    for expected in spec["findings"]:
        assert (expected["row"], expected["code"]) in found, expected
    assert not set(spec["absent"]) & set(findings.get_column("code")), findings.select(
        "row", "column", "value", "code"
    )

    # the command line reads it too: findings are exit 1 at most, never an internal error
    result = invoke_assert_code(args, 1 if findings.height and _fails(findings) else 0)
    assert "internal error" not in result.output and "kesalahan internal" not in result.output


def _fails(findings: pl.DataFrame) -> bool:
    return bool(findings.filter(pl.col("severity") == "error").height)


@pytest.mark.parametrize("case", [c for c in CASES if _spec(c).get("csv")], ids=lambda p: p.stem)
def test_layout_read_from_csv_gives_the_same_people(case: Path, tmp_path: Path) -> None:
    """The first sheet saved as CSV (Excel's "CSV UTF-8") is read like the workbook."""
    spec = _spec(case)
    sheet = spec["people"][0]["sheet"]
    frame = (
        fastexcel.read_excel(str(FOLDER / spec["file"]))
        .load_sheet(sheet, header_row=None, dtypes="string")
        .to_polars()
    )
    target = tmp_path / f"{case.stem}.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in frame.iter_rows():
            # a date cell reads as "1962-01-27 00:00:00", as Excel's CSV would not write it;
            # that form is one of the texts bansos reads, so it stays
            writer.writerow(["" if v is None else v for v in row])
    ingest = read_inputs([target])
    assert _comparable(_people(ingest.frame), spec) == _expected(spec, sheet=False)


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layouts_build", FOLDER / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_committed_fixtures_are_what_build_py_writes(tmp_path: Path) -> None:
    _builder().build(tmp_path)
    for case in CASES:
        assert (tmp_path / case.name).read_text(encoding="utf-8") == case.read_text(
            encoding="utf-8"
        ), f"{case.name} is stale: run python tests/fixtures/layouts/build.py"
        made = fastexcel.read_excel(str(tmp_path / _spec(case)["file"]))
        kept = fastexcel.read_excel(str(FOLDER / _spec(case)["file"]))
        assert made.sheet_names == kept.sheet_names
        for name in made.sheet_names:
            new = made.load_sheet(name, header_row=None, dtypes="string").to_polars()
            old = kept.load_sheet(name, header_row=None, dtypes="string").to_polars()
            assert new.equals(old), f"{case.stem}!{name} is stale: run build.py"
