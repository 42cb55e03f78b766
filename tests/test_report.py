import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import bansos_cli.report.xlsx as xlsx_mod
from bansos_cli.report import ReportSheet, write_report


def _fill(cell) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill and cell.fill.fill_type else ""


def test_report_summary_sheet_and_table(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "baris": [5, 6, 7],
            "nama": ['=HYPERLINK("x")', "SITI", None],
            "tgl": [dt.date(1980, 1, 2), None, dt.date(2001, 12, 31)],
            "status": ["error", "ok", "warning"],
        }
    )
    hl = pl.DataFrame(
        {
            "frame_row": [0, 0, 2, 9],
            "column": ["nama", "nama", "tgl", "nama"],
            "severity": ["warning", "error", "warning", "error"],
        }
    )
    path = write_report(
        tmp_path / "report.xlsx",
        [ReportSheet("Data/asli: [1]", frame, title="Data asli", highlight=hl)],
        summary=[("Baris dibaca", 3), ("Berkas", "a.xlsx"), ("Masked", True)],
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Ringkasan", "Data_asli_ _1_"]
    summary = book["Ringkasan"]
    assert [summary.cell(r, 1).value for r in (3, 4, 5)] == ["Baris dibaca", "Berkas", "Masked"]
    assert summary.cell(3, 2).value == 3
    assert summary.cell(5, 2).value == "ya"
    ws = book["Data_asli_ _1_"]
    assert ws.cell(1, 1).value == "Data asli"
    # bansos's columns and the canonical ones: their label; others as named
    assert [c.value for c in ws[2]] == ["baris", "NAMA", "tgl", "STATUS"]
    # formulas are never evaluated: the text is kept as text
    assert ws.cell(3, 2).value == '=HYPERLINK("x")'
    assert ws.cell(3, 2).data_type == "s"
    assert ws.cell(3, 3).value == "02-01-1980"
    # the worst severity wins for a cell, other cells stay plain
    assert _fill(ws.cell(3, 2)) == "FFC7CE"
    assert _fill(ws.cell(5, 3)) == "FFEB9C"
    assert _fill(ws.cell(4, 2)) == ""
    assert ws.max_row == 5


def test_report_truncates_at_excel_row_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_mod, "EXCEL_MAX_ROWS", 10)
    frame = pl.DataFrame({"x": list(range(20))})
    path = write_report(tmp_path / "r.xlsx", [ReportSheet("data", frame)])
    ws = openpyxl.load_workbook(path)["data"]
    assert ws.max_row == 10
    assert "8 dari 20 baris" in ws.cell(1, 1).value
    assert ws.cell(2, 1).value == "x"
    assert [ws.cell(r, 1).value for r in range(3, 11)] == list(range(8))


def test_report_duplicate_and_long_sheet_names(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1]})
    path = write_report(
        tmp_path / "r.xlsx",
        [
            ReportSheet("x" * 40, frame),
            ReportSheet("x" * 40, frame),
            ReportSheet("ringkasan", frame),
        ],
        title="Ringkasan",
    )
    names = openpyxl.load_workbook(path).sheetnames
    assert names == ["Ringkasan", "x" * 31, "x" * 27 + " (2)", "ringkasan (2)"]
    assert all(len(n) <= 31 for n in names)


def test_report_nested_and_empty_frames(tmp_path: Path) -> None:
    frame = pl.DataFrame({"rows": [[1, 2]], "nan": [float("nan")]})
    empty = pl.DataFrame(schema={"a": pl.String})
    path = write_report(tmp_path / "r.xlsx", [ReportSheet("n", frame), ReportSheet("e", empty)])
    book = openpyxl.load_workbook(path)
    assert book["n"].cell(2, 1).value == "1; 2"
    assert book["n"].cell(2, 2).value is None
    assert book["e"].max_row == 1
