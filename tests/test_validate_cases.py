"""Data-driven finding cases: each code is triggered by one change of a clean row, and valid
variants must give no finding at all (false positives matter as much as misses)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import yaml

from bansos_cli.validate import CATALOGUE, validate_frame

FIXTURE = Path(__file__).parent / "fixtures" / "validate" / "cases.yml"
SPEC = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
REFERENCE = dt.date(2025, 7, 1)


def frame_for(changes: dict[str, str], num_nik: bool = False, num_no_kk: bool = False):
    row = {**SPEC["base"], **changes}
    data = {k: [v] for k, v in row.items()}
    data |= {"source": ["a.xlsx"], "sheet": ["DATA"], "row": [7]}
    data |= {"_num_nik": [num_nik], "_num_no_kk": [num_no_kk]}
    return pl.DataFrame(data)


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["id"] for c in SPEC["cases"]])
def test_case(case: dict) -> None:
    frame = frame_for(case["set"], case.get("num_nik", False), case.get("num_no_kk", False))
    result = validate_frame(frame, as_of=REFERENCE)
    assert sorted(result.findings.get_column("code").to_list()) == sorted(case["expect"])
    # every finding points at the officer's Excel row and sheet
    assert set(result.findings.get_column("row").to_list()) <= {7}
    assert set(result.findings.get_column("sheet").to_list()) <= {"DATA"}
    worst = {CATALOGUE[c].severity for c in case["expect"]}
    expected_status = "error" if "error" in worst else "warning" if "warning" in worst else "ok"
    assert result.records.get_column("status").to_list() == [expected_status]


def test_every_code_has_a_triggering_case() -> None:
    triggered = {code for case in SPEC["cases"] for code in case["expect"]}
    # NIK_GANDA and TGL_LAHIR_AMBIGU need several rows: see test_validate.py
    assert set(CATALOGUE) - triggered == {"NIK_GANDA", "TGL_LAHIR_AMBIGU"}
