"""Two-row headers: grouped columns under a merged cell, as government templates draw them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest_builders import write_csv

from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.validate import run_validate

NIK_A, KK = "3201014102800001", "3201012001150003"
NIK_B = "3201010102800002"
EXPECTED = [
    "no",
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "rt",
    "rw",
    "jenis_kelamin",
]
DATA = [
    ["1", NIK_A, KK, "SITI AMINAH", "BOGOR", "01-02-1980", "001", "002", "P"],
    ["2", NIK_B, KK, "BUDI", "BOGOR", "01-02-1980", "001", "002", "L"],
]


def _grouped_below(path: Path, *, column_numbers: bool = False) -> Path:
    """Title on row 1, headers on rows 3-4: KELAHIRAN over TEMPAT/TANGGAL, ALAMAT over RT/RW."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DATA"
    sheet["A1"] = "DAFTAR PENERIMA BPNT KECAMATAN CIBINONG"
    sheet.merge_cells("A1:I1")
    top = ["NO", "NIK", "NO KK", "NAMA", "KELAHIRAN", None, "ALAMAT", None, "JENIS KELAMIN"]
    sub = [None, None, None, None, "TEMPAT", "TANGGAL", "RT", "RW", None]
    for col, value in enumerate(top, start=1):
        sheet.cell(3, col, value)
    for col, value in enumerate(sub, start=1):
        sheet.cell(4, col, value)
    for letter in "ABCDI":
        sheet.merge_cells(f"{letter}3:{letter}4")
    sheet.merge_cells("E3:F3")
    sheet.merge_cells("G3:H3")
    row = 5
    if column_numbers:
        for col in range(1, 10):
            sheet.cell(row, col, f"({col})")
        row += 1
    for values in DATA:
        for col, value in enumerate(values, start=1):
            sheet.cell(row, col, value)
        row += 1
    book.save(path)
    return path


def test_grouped_headers_below_are_joined(tmp_path: Path) -> None:
    result = read_inputs([_grouped_below(tmp_path / "bpnt.xlsx")])
    info = result.sources[0]
    assert [c.column for c in info.columns] == EXPECTED
    assert info.header_row == 3
    assert result.frame.get_column("row").to_list() == [5, 6]
    assert result.frame.get_column("tanggal_lahir").to_list() == ["01-02-1980"] * 2
    assert result.frame.get_column("rw").to_list() == ["002", "002"]
    assert [n.code for n in info.notices] == ["JUDUL_DUA_BARIS"]
    assert "3-4" in info.notices[0].text("en")


def test_column_number_row_under_a_two_row_header_is_skipped(tmp_path: Path) -> None:
    result = read_inputs([_grouped_below(tmp_path / "bpnt.xlsx", column_numbers=True)])
    assert [c.column for c in result.sources[0].columns] == EXPECTED
    assert result.frame.get_column("row").to_list() == [6, 7]
    assert [n.code for n in result.sources[0].notices] == [
        "JUDUL_DUA_BARIS",
        "BARIS_NOMOR_KOLOM_DILEWATI",
    ]


def test_group_row_above_the_best_header_row(tmp_path: Path) -> None:
    top = ["NO", "IDENTITAS", "", "", "ALAMAT", ""]
    sub = ["", "NIK", "NO KK", "NAMA", "RT", "RW"]
    rows = [[r[0], r[1], r[2], r[3], r[6], r[7]] for r in DATA]
    path = write_csv(tmp_path / "desa.csv", [top, sub, *rows])
    result = read_inputs([path])
    info = result.sources[0]
    assert [c.column for c in info.columns] == ["no", "nik", "no_kk", "nama", "rt", "rw"]
    assert info.header_row == 1
    assert result.frame.get_column("row").to_list() == [3, 4]
    assert result.frame.get_column("no").to_list() == ["1", "2"]


def test_a_data_row_under_the_header_is_not_taken_for_a_sub_header(tmp_path: Path) -> None:
    header = ["NO", "NIK", "NAMA", "DESA", "KETERANGAN"]
    missing_nik = ["", "", "SITI AMINAH", "CIBINONG", "PINDAH"]
    path = write_csv(
        tmp_path / "a.csv", [header, missing_nik, ["2", NIK_B, "BUDI", "CIBINONG", ""]]
    )
    result = read_inputs([path])
    assert [c.column for c in result.sources[0].columns] == [
        "no",
        "nik",
        "nama",
        "desa",
        "keterangan",
    ]
    assert result.frame.get_column("nama").to_list() == ["SITI AMINAH", "BUDI"]
    assert result.sources[0].notices == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_validate_reads_a_two_row_header_export_cleanly(tmp_path: Path, fmt: str) -> None:
    if fmt == "xlsx":
        path = _grouped_below(tmp_path / "bpnt.xlsx")
    else:
        top = ["NO", "NIK", "NO KK", "NAMA", "KELAHIRAN", "", "ALAMAT", "", "JENIS KELAMIN"]
        sub = ["", "", "", "", "TEMPAT", "TANGGAL", "RT", "RW", ""]
        path = write_csv(tmp_path / "bpnt.csv", [top, sub, *DATA])
    run = run_validate([path], out_dir=tmp_path / "out", as_of=dt.date(2025, 7, 1), report=False)
    assert run.summary["rows"] == 2
    # NIK_B is a man's NIK (day 01) on a row marked L: the file is clean
    assert run.findings.height == 0, run.findings
    assert run.records.get_column("tanggal_lahir").to_list() == [dt.date(1980, 2, 1)] * 2


def test_a_short_title_line_above_a_csv_header_is_harmless(tmp_path: Path) -> None:
    header = ["NO", "NIK", "NO KK", "NAMA"]
    path = write_csv(tmp_path / "a.csv", [["DAFTAR PENERIMA"], header, DATA[0][:4]])
    result = read_inputs([path])
    assert [c.column for c in result.sources[0].columns] == ["no", "nik", "no_kk", "nama"]
    assert result.frame.get_column("row").to_list() == [3]
    assert result.sources[0].notices == []


def test_sex_tick_columns_under_jenis_kelamin_become_one_column(tmp_path: Path) -> None:
    top = ["NO", "NIK", "NAMA", "JENIS KELAMIN", ""]
    sub = ["", "", "", "L", "P"]
    rows = [
        ["1", NIK_A, "SITI AMINAH", "", "V"],
        ["2", NIK_B, "BUDI", "✓", ""],
        ["3", "3201014102800003", "NUR", "1", "1"],
        ["4", "3201014102800004", "SRI", "", ""],
    ]
    path = write_csv(tmp_path / "posyandu.csv", [top, sub, *rows])
    result = read_inputs([path])
    frame = result.frame
    assert frame.get_column("jenis_kelamin").to_list() == ["P", "L", "L+P", None]
    assert frame.get_column("row").to_list() == [3, 4, 5, 6]
    assert {"jenis_kelamin_l", "jenis_kelamin_p"} <= set(frame.columns)
    assert [n.code for n in result.sources[0].notices] == ["JUDUL_DUA_BARIS", "JK_CENTANG_DIGABUNG"]
    run = run_validate([path], out_dir=tmp_path / "out", as_of=dt.date(2025, 7, 1), report=False)
    found = run.findings.select("row", "column", "code").rows()
    assert (5, "jenis_kelamin", "JK_TIDAK_DIKENAL") in found
    assert not any(r == 3 for r, _c, _code in found)  # SITI: a woman's NIK, ticked P


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ABCDEFGHIJKLMNOPRSTUWY ./"), max_size=12),
        min_size=6,
        max_size=6,
    )
)
def test_a_text_only_first_data_row_is_never_joined_to_a_full_header(cells: list[str]) -> None:
    """Under a header with every cell filled, the first data row stays data, whatever text
    it holds (a sub-header row only joins where it names more, or header-less, columns)."""
    import tempfile

    header = ["NO", "NIK", "NAMA", "DESA", "KETERANGAN", "PEKERJAAN"]
    second = ["2", NIK_B, "BUDI", "CIBINONG", "", "PETANI"]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "a.csv", [header, cells, second])
        result = read_inputs([path])
    columns = [c.column for c in result.sources[0].columns]
    assert columns == ["no", "nik", "nama", "desa", "keterangan", "pekerjaan"]
    assert "JUDUL_DUA_BARIS" not in [n.code for n in result.sources[0].notices]
    assert result.frame.get_column("nik").to_list()[-1] == NIK_B


def test_a_data_row_that_would_name_a_column_is_still_data(tmp_path: Path) -> None:
    # "PADAN" under KETERANGAN would make "KETERANGAN PADAN" (status_padan): still data
    header = ["NAMA", "DESA", "KETERANGAN", "PEKERJAAN", "NIK"]
    first = ["", "", "PADAN", "", ""]  # a row with only its KETERANGAN filled in
    path = write_csv(tmp_path / "a.csv", [header, first, ["BUDI", "X", "", "", NIK_B]])
    result = read_inputs([path])
    assert [c.column for c in result.sources[0].columns][2] == "keterangan"
    assert result.frame.get_column("keterangan").to_list() == ["PADAN", None]


def test_a_units_row_under_the_header_is_skipped(tmp_path: Path) -> None:
    header = ["NO", "NIK", "NAMA", "JENIS KELAMIN", "TANGGAL LAHIR", "NOMINAL"]
    units = ["", "", "", "(L/P)", "(dd-mm-yyyy)", "(Rp)"]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    row = ["1", NIK_A, "SITI AMINAH", "P", "01-02-1980", "600000"]
    result = read_inputs([write_csv(tmp_path / "a.csv", [header, units, numbers, row])])
    assert result.frame.get_column("row").to_list() == [4]
    assert [n.code for n in result.sources[0].notices] == [
        "BARIS_SATUAN_DILEWATI",
        "BARIS_NOMOR_KOLOM_DILEWATI",
    ]
    # one bracketed cell is not enough: a data row may hold one remark in brackets
    lone = ["", "", "", "", "", "(belum)"]
    again = read_inputs([write_csv(tmp_path / "b.csv", [header, lone, row])])
    assert again.frame.height == 2 and again.sources[0].notices == []


def test_a_header_without_data_rows_gets_a_notice(tmp_path: Path) -> None:
    result = read_inputs([write_csv(tmp_path / "kosong.csv", [["NO", "NIK", "NAMA"]])])
    assert result.frame.height == 0
    assert [n.code for n in result.sources[0].notices] == ["TANPA_BARIS_DATA"]
    assert "row 1" in result.sources[0].notices[0].text("en")


def test_header_rows_repeated_on_every_page_are_skipped(tmp_path: Path) -> None:
    header = ["NO", "NIK", "NAMA", "DESA"]
    rows = [
        header,
        ["1", NIK_A, "SITI", "SUKAMAJU"],
        ["NO", "NIK", "NAMA", "DESA"],  # page 2 starts with the header again
        ["2", NIK_B, "BUDI", "SUKAMAJU"],
        ["no", " nik ", "Nama", ""],  # a sloppier copy still counts
        ["3", "3201014102800003", "NAMA", "DESA"],  # a real NIK: data, whatever else it says
    ]
    result = read_inputs([write_csv(tmp_path / "halaman.csv", rows)])
    assert result.frame.get_column("row").to_list() == [2, 4, 6]
    notice = result.sources[0].notices[0]
    assert notice.code == "JUDUL_BERULANG_DILEWATI"
    assert "(rows 3, 5)" in notice.text("en")
