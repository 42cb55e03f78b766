"""The pieces the layout corpus (test_layouts.py) rests on, one rule at a time: header
spellings, family-line labels, and the messages for sheets without a header."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from tests.conftest import invoke_assert_code

from bansos_cli.core.columns import canonical_for, passthrough_name
from bansos_cli.core.errors import InputFileError
from bansos_cli.ingest import ReadOptions, read_inputs
from bansos_cli.ingest.header import is_column_number_row
from bansos_cli.ingest.layout import parse_labelled


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("NIK / Nomor KTP", "nik"),
        ("NO KTP", "nik"),
        ("NOMOR KTP", "nik"),
        ("No. NIK", "nik"),
        ("NIK (5)", "nik"),
        ("Provinsi (3)", "provinsi"),
        ("403 NIK", "nik"),
        ("402 Nama", "nama"),
        ("402. Nama", "nama"),
        ("namaLengkap", "nama"),
        ("noKK", "no_kk"),
        ("tanggallahir", "tanggal_lahir"),
        ("tempatlahir", "tempat_lahir"),
        ("Kelamin", "jenis_kelamin"),
        ("Nama Penduduk", "nama"),
        ("Nama Lengkap", "nama"),
        ("SHDK", "hubungan_keluarga"),
        ("HUB. KEL", "hubungan_keluarga"),
        ("Nomor KK", "no_kk"),
        ("NIK Ayah", "nik_ayah"),
        ("NIK Ibu", "nik_ibu"),
        ("Jenis Kelamin (L/P)", "jenis_kelamin"),
        ("TANGGAL LAHIR (dd-mm-yyyy)", "tanggal_lahir"),
        ("NAMA_LGKP", "nama"),
        ("JENIS_KLMIN", "jenis_kelamin"),
        ("Tgl/Bln/Th LAHIR", "tanggal_lahir"),
        ("STATUS HUBUNGAN DALAM RUMAH TANGGA", "hubungan_rumah_tangga"),
        ("NOMOR RUMAH TANGGA", "id_rumah_tangga"),
        ("kartu_nik", "nik"),
        ("status_dasar", "status_dasar"),
    ],
)
def test_header_spellings_seen_in_the_wild(header: str, canonical: str) -> None:
    assert canonical_for(header) == canonical


@pytest.mark.parametrize(
    "header", ["NIK / NO KK", "TANGGAL VAKSIN 1", "Kolom NIK wajib diisi", "NIK AYAH / NIK IBU"]
)
def test_headers_that_name_no_single_known_column(header: str) -> None:
    assert canonical_for(header) is None


def test_unknown_camel_case_headers_keep_their_words() -> None:
    assert [passthrough_name(h) for h in ("statusNikah", "sukuBangsa", "TANGGAL VAKSIN 1")] == [
        "status_nikah",
        "suku_bangsa",
        "tanggal_vaksin_1",
    ]


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("No. KK : 5202030102110012", [("no_kk", "5202030102110012")]),
        (
            "No. KK : 5202030102110012  Alamat : MERTAK PAOK, RT/RW : -/-",
            [
                ("no_kk", "5202030102110012"),
                ("alamat", "MERTAK PAOK"),
                ("rt", "-"),
                ("rw", "-"),
            ],
        ),
        (
            "Alamat : MERTAK PAOK, Nama Dusun : MERTAK PAOK, RT/RW : 003/001",
            [("alamat", "MERTAK PAOK"), ("dusun", "MERTAK PAOK"), ("rt", "003"), ("rw", "001")],
        ),
        (
            "DUSUN KERANDANGAN, RT:001, RW:002, Kodepos:83355,-",
            [("dusun", "KERANDANGAN"), ("rt", "001"), ("rw", "002"), (None, "83355,-")],
        ),
        (
            "DESA LUBUK BESAR RT/RW : 002/000 DUSUN : -",
            [("desa", "LUBUK BESAR"), ("rt", "002"), ("rw", "000"), ("dusun", "-")],
        ),
        ("RT 001 / RW 002", [("rt", "001"), ("rw", "002")]),
        # a label inside a value (KOTA in a village name) is not a label: no colon, no comma
        ("DESA KOTA BARU", [("desa", "KOTA BARU")]),
    ],
)
def test_family_line_labels(text: str, pairs: list[tuple[str | None, str]]) -> None:
    assert parse_labelled(text)[1] == pairs


def test_a_name_is_not_a_family_line() -> None:
    assert parse_labelled("SITI AMINAH") == ("SITI AMINAH", [])


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["(1)", "(2)", "(3)"], True),
        ([-1, -2, -3, -4], True),
        (["1", "2", "3"], True),
        (["KOLOM", "2", "3", "4"], True),
        (["1", "3", "2"], False),
        (["1", "2"], False),
        (["1", "SITI", "3"], False),
    ],
)
def test_column_number_rows(cells: list[object], expected: bool) -> None:
    assert is_column_number_row(cells) is expected


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_chosen_sheet_without_header_is_not_an_empty_workbook(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "a.xlsx",
        {"DATA": [["NIK", "NAMA"], ["3201010101800001", "A"]], "CATATAN": [["X", "Y"], ["1", "2"]]},
    )
    with pytest.raises(InputFileError) as caught:
        read_inputs([path], ReadOptions(sheet="CATATAN"))
    message = caught.value.render("en")
    assert "every sheet is empty" not in message
    assert "sheet 'CATATAN'" in message and "row 1: X | Y" in message
    assert "--sheet CATATAN --header-row 1" in message


def test_content_below_the_searched_rows_is_not_an_empty_workbook(tmp_path: Path) -> None:
    rows: list[list[object]] = [[None]] * 130 + [["NIK", "NAMA"], ["3201010101800001", "A"]]
    path = _workbook(tmp_path / "deep.xlsx", {"DATA": rows})
    with pytest.raises(InputFileError) as caught:
        read_inputs([path])
    message = caught.value.render("en")
    assert "every sheet is empty" not in message and "--header-row" in message
    # the officer's fix works
    assert read_inputs([path], ReadOptions(header_row=131)).frame.get_column("row").to_list() == [
        132
    ]


def test_refused_sheet_names_the_fix_in_bahasa_indonesia_by_default(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", {"Kegiatan": [["KODE", "URAIAN"], ["K01", "Timbang"]]})
    result = invoke_assert_code(["validate", str(path), "--out", str(tmp_path / "out")], 2)
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert "sheet 'Kegiatan'" in line and "--sheet Kegiatan --header-row 1" in line
    assert "tidak ada baris judul kolom" in line
