"""Workbooks with one sheet per desa: every sheet with the same columns is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from tests.ingest_builders import CANONICAL, HEADER, ROWS

from bansos_cli.ingest import ReadOptions, read_inputs
from bansos_cli.pipeline.validate import run_validate


def _per_desa(path: Path, *, hidden_copy: bool = False, other_layout: bool = False) -> Path:
    """REKAP, then DESA A (rows 1-2 of ROWS, title row above the header), DESA B (rows 3-4)."""
    book = openpyxl.Workbook()
    rekap = book.active
    rekap.title = "REKAP"
    rekap.append(["KECAMATAN", "DESA", "JUMLAH KPM"])
    rekap.append(["CIBINONG", "A", 2])
    a = book.create_sheet("DESA A")
    a.append(["DAFTAR PENERIMA DESA A"])
    a.append(HEADER)
    for row in ROWS[:2]:
        a.append(row)
    b = book.create_sheet("DESA B")
    b.append(HEADER)
    for row in ROWS[2:]:
        b.append(row)
    if other_layout:
        notes = book.create_sheet("CATATAN")
        notes.append(["NO", "NIK", "KETERANGAN"])
        notes.append(["1", ROWS[0][1], "pindah"])
    if hidden_copy:
        old = book.create_sheet("LAMA")
        old.append(HEADER)
        old.append(ROWS[0])
        old.sheet_state = "hidden"
    book.save(path)
    return path


def test_every_sheet_with_the_same_columns_is_read(tmp_path: Path) -> None:
    path = _per_desa(tmp_path / "per_desa.xlsx", hidden_copy=True, other_layout=True)
    result = read_inputs([path])
    frame = result.frame
    # nothing lost: all four rows, each with its own sheet and Excel row number
    assert frame.select("sheet", "row").rows() == [
        ("DESA A", 3),
        ("DESA A", 4),
        ("DESA B", 2),
        ("DESA B", 3),
    ]
    assert frame.get_column("nik").to_list() == [r[1] for r in ROWS]
    assert [s.sheet for s in result.sources] == ["DESA A", "DESA B"]
    assert [s.header_row for s in result.sources] == [2, 1]
    assert all([c.column for c in s.columns] == CANONICAL for s in result.sources)
    first = result.sources[0]
    assert [n.code for n in first.notices] == ["SHEET_BANYAK"]
    assert "DESA A, DESA B" in first.notices[0].text("en")
    assert "--sheet" in first.notices[0].text("id")
    assert {s.sheet_reason for s in result.sources} == {
        "one of several sheets with the same columns"
    }


def test_sheet_option_reads_only_that_sheet(tmp_path: Path) -> None:
    path = _per_desa(tmp_path / "per_desa.xlsx")
    result = read_inputs([path], ReadOptions(sheet="DESA B"))
    assert result.frame.get_column("sheet").unique().to_list() == ["DESA B"]
    assert result.frame.height == 2
    assert result.sources[0].notices == []


def test_a_single_data_sheet_gives_no_notice(tmp_path: Path) -> None:
    path = _per_desa(tmp_path / "per_desa.xlsx")
    book = openpyxl.load_workbook(path)
    del book["DESA B"]
    book.save(path)
    result = read_inputs([path])
    assert [s.sheet for s in result.sources] == ["DESA A"]
    assert result.sources[0].notices == []


@pytest.fixture()
def duplicate_across_sheets(tmp_path: Path) -> Path:
    path = _per_desa(tmp_path / "per_desa.xlsx")
    book = openpyxl.load_workbook(path)
    book["DESA B"].append(["5", ROWS[0][1], "3201010202100003", "SITI AMINAH", "01-01-1980", "P"])
    book.save(path)
    return path


def test_validate_points_at_sheet_and_row(duplicate_across_sheets: Path, tmp_path: Path) -> None:
    run = run_validate(
        [duplicate_across_sheets],
        out_dir=tmp_path / "out",
        as_of=dt.date(2025, 7, 1),
        report=True,
    )
    assert run.summary["rows"] == 5
    dup = run.findings.filter(pl.col("code") == "NIK_GANDA").sort("sheet", "row")
    assert dup.select("sheet", "row").rows() == [("DESA A", 3), ("DESA B", 4)]
    assert (
        dup.get_column("message").to_list()
        == ["NIK yang sama muncul di 2 baris: DESA A!3, DESA B!4"] * 2
    )
    records = pl.read_parquet(tmp_path / "out" / "records.parquet")
    assert records.select("sheet", "row").height == 5
    # the report's data sheet keeps the sheet of every row
    data = pl.read_excel(
        tmp_path / "out" / "report.xlsx", sheet_name="Data", read_options={"header_row": 2}
    )
    assert data.get_column("SHEET").to_list() == ["DESA A", "DESA A", "DESA B", "DESA B", "DESA B"]


def test_inspect_previews_each_sheet_read(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bansos_cli.cli import app
    from bansos_cli.pipeline.inspect import inspect_inputs

    path = _per_desa(tmp_path / "per_desa.xlsx")
    report = inspect_inputs([path])
    tails = {
        info.sheet: [nik[-2:] for nik in report.preview(info).get_column("nik").to_list()]
        for info in report.result.sources
    }
    assert tails == {
        "DESA A": [r[1][-2:] for r in ROWS[:2]],
        "DESA B": [r[1][-2:] for r in ROWS[2:]],
    }
    result = CliRunner().invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("← dipilih") == 4  # both read sheets, in both sections
