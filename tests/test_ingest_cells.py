"""Cells calamine reads as empty: merged data cells (filled down) and Excel error cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl

from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.validate import run_validate

KK_A, KK_B = "3201012001150003", "3201012001150004"
ROWS = [
    ("1", KK_A, "3201014102800001", "SITI AMINAH", "ISTRI", "KP. SUKAMAJU RT 01"),
    ("2", None, "3201010102780002", "BUDI", "KEPALA KELUARGA", None),
    ("3", None, "3201011505100003", "ANI", "ANAK", None),
    ("4", KK_B, "3201014102820004", "NUR", "KEPALA KELUARGA", "KP. CIBEUREUM"),
]


def _family_workbook(path: Path, *, number_kk: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DATA"
    sheet.append(["DAFTAR KELUARGA PENERIMA"])
    sheet.merge_cells("A1:F1")
    sheet.append(["NO", "NO KK", "NIK", "NAMA", "HUBUNGAN KELUARGA", "ALAMAT"])
    for row in ROWS:
        sheet.append(list(row))
    if number_kk:
        sheet["B3"] = int(KK_A)
    sheet.merge_cells("B3:B5")  # family A's NO KK over its three members
    sheet.merge_cells("F3:F5")  # and its address
    sheet.merge_cells("E6:F6")  # a horizontal merge in the data: nothing to fill down
    book.save(path)
    return path


def test_merged_family_cells_reach_every_member(tmp_path: Path) -> None:
    result = read_inputs([_family_workbook(tmp_path / "keluarga.xlsx")])
    frame = result.frame
    assert frame.get_column("no_kk").to_list() == [KK_A, KK_A, KK_A, KK_B]
    assert frame.get_column("alamat").to_list() == ["KP. SUKAMAJU RT 01"] * 3 + [None]
    assert frame.get_column("row").to_list() == [3, 4, 5, 6]
    notice = result.sources[0].notices[-1]
    assert notice.code == "SEL_GABUNGAN_DIISI"
    assert "no_kk (2), alamat (2)" in notice.text("en")
    # the title merge (row 1) and the header are untouched
    assert [c.column for c in result.sources[0].columns][:2] == ["no", "no_kk"]


def test_number_cell_flag_follows_the_filled_value(tmp_path: Path) -> None:
    result = read_inputs([_family_workbook(tmp_path / "keluarga.xlsx", number_kk=True)])
    assert result.frame.get_column("_num_no_kk").to_list() == [True, True, True, False]


def test_validate_sees_one_family_not_missing_kk(tmp_path: Path) -> None:
    run = run_validate(
        [_family_workbook(tmp_path / "keluarga.xlsx")],
        out_dir=tmp_path / "out",
        as_of=dt.date(2025, 7, 1),
        report=False,
    )
    assert "KK_KOSONG" not in run.findings.get_column("code").to_list()
    assert run.records.filter(pl.col("no_kk") == KK_A).height == 3


def test_unmerged_blank_cells_stay_blank(tmp_path: Path) -> None:
    path = _family_workbook(tmp_path / "keluarga.xlsx")
    book = openpyxl.load_workbook(path)
    book["DATA"].unmerge_cells("B3:B5")
    book.save(path)
    result = read_inputs([path])
    assert result.frame.get_column("no_kk").to_list() == [KK_A, None, None, KK_B]
    assert "no_kk" not in result.sources[0].notices[-1].text("en")


def _vlookup_workbook(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DATA")
    sheet.write_row(0, 0, ["NO", "NIK", "NAMA", "DESIL"])
    sheet.write_row(1, 0, ["1", "3201014102800001", "SITI AMINAH", "3"])
    sheet.write_string(2, 0, "2")
    sheet.write_formula(2, 1, "=VLOOKUP(C3,DTKS!A:B,2,0)", None, "#N/A")
    sheet.write_string(2, 2, "BUDI")
    sheet.write_formula(2, 3, "=DTKS!#REF!", None, "#REF!")
    book.close()
    return path


def test_excel_error_cells_are_read_as_the_officer_sees_them(tmp_path: Path) -> None:
    result = read_inputs([_vlookup_workbook(tmp_path / "gabungan.xlsx")])
    assert result.frame.get_column("nik").to_list() == ["3201014102800001", "#N/A"]
    assert result.frame.get_column("desil").to_list() == ["3", "#REF!"]
    notice = result.sources[0].notices[-1]
    assert notice.code == "SEL_GALAT_EXCEL"
    assert notice.text("en").startswith("2 cell(s) hold an Excel error (#N/A, #REF!)")


def test_an_error_cell_is_a_finding_with_its_text_not_an_empty_cell(tmp_path: Path) -> None:
    run = run_validate(
        [_vlookup_workbook(tmp_path / "gabungan.xlsx")],
        out_dir=tmp_path / "out",
        as_of=dt.date(2025, 7, 1),
        report=False,
    )
    found = run.findings.select("row", "column", "value", "code").rows()
    assert (3, "nik", "#N/A", "NIK_KARAKTER") in found
    assert (3, "desil", "#REF!", "DESIL_RENTANG") in found
    assert "WAJIB_KOSONG" not in run.findings.get_column("code").to_list()
