"""Ingest: formats, header detection, sheet choice, Excel row numbers, number cells."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bansos_cli.core.columns import SYNONYMS, canonical_for, header_key
from bansos_cli.core.errors import ConfigError, InputFileError
from bansos_cli.ingest import ReadOptions, expand_inputs, read_inputs
from ingest_builders import (
    CANONICAL,
    HEADER,
    ROWS,
    date_cell_xlsx,
    plain_xlsx,
    siks_like_xlsx,
    write_csv,
)

DATA_COLUMNS = CANONICAL


def _values(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(DATA_COLUMNS)


def test_xlsx_title_rows_recap_and_hidden_sheet(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx")
    result = read_inputs([path])
    info = result.sources[0]
    assert info.sheet == "DATA"
    assert info.header_row == 5
    assert [s.name for s in info.sheets] == ["REKAP", "DATA", "lookup"]
    assert [s.visible for s in info.sheets] == [True, True, False]
    assert result.frame.get_column("row").to_list() == [6, 8, 9, 10]
    assert info.empty_rows == 1
    assert result.frame.get_column("sheet").unique().to_list() == ["DATA"]
    assert result.frame.get_column("source").unique().to_list() == ["export.xlsx"]
    assert [c.column for c in info.columns] == CANONICAL
    assert result.frame.get_column("nik").to_list() == [r[1] for r in ROWS]
    assert result.frame.get_column("nama").to_list()[2] == "Hj. NUR AINI, S.Pd"
    assert all(
        dtype == pl.String
        for name, dtype in result.frame.schema.items()
        if not name.startswith("_") and name != "row"
    )


def test_same_rows_as_xlsx_csv_parquet_give_the_same_frame(tmp_path: Path) -> None:
    xlsx = plain_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS])
    csv = write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    parquet = tmp_path / "a.parquet"
    pl.DataFrame(
        [list(c) for c in zip(*ROWS, strict=True)], schema=HEADER, orient="col"
    ).write_parquet(parquet)
    frames = [_values(read_inputs([p]).frame) for p in (xlsx, csv, parquet)]
    assert frames[0].equals(frames[1])
    assert frames[0].equals(frames[2])
    assert read_inputs([xlsx]).frame.get_column("row").to_list() == [2, 3, 4, 5]
    assert read_inputs([csv]).frame.get_column("row").to_list() == [2, 3, 4, 5]
    assert read_inputs([parquet]).frame.get_column("row").to_list() == [1, 2, 3, 4]


def test_number_cell_niks_are_flagged_per_cell(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx", number_nik_rows=(1, 3))
    result = read_inputs([path])
    frame = result.frame
    assert frame.get_column("_num_nik").to_list() == [False, True, False, True]
    assert frame.get_column("_num_no_kk").to_list() == [False, False, False, False]
    # The value is the 16 digits Excel kept, with the last one lost -- never a float repr.
    assert frame.get_column("nik").to_list()[1] == ROWS[1][1][:15] + "0"
    info = result.sources[0]
    assert info.number_cells == {"nik": 2}
    assert [n.code for n in info.notices] == ["ID_TERSIMPAN_ANGKA"]


def test_cp1252_semicolon_csv_with_title_line(tmp_path: Path) -> None:
    rows = [
        ["NIK", "NAMA", "ALAMAT"],
        ["3201010101800001", "JOSÉ MARÍA", "Jl. Kenanga №"],
        ["3201014505900002", "ÑOÑO", "Jl. Melati"],
    ]
    rows[1][2] = "Jl. Kenanga Ü"
    path = write_csv(
        tmp_path / "c.csv", rows, sep=";", encoding="cp1252", title_lines=("DAFTAR PENERIMA;;", "")
    )
    result = read_inputs([path])
    info = result.sources[0]
    assert info.encoding == "cp1252"
    assert info.delimiter == ";"
    assert info.header_row == 3
    assert [n.code for n in info.notices] == ["BERKAS_BUKAN_UTF8"]
    assert result.frame.get_column("nama").to_list() == ["JOSÉ MARÍA", "ÑOÑO"]
    assert result.frame.get_column("row").to_list() == [4, 5]


@pytest.mark.parametrize(("sep", "bom"), [("\t", False), ("|", False), (",", True)])
def test_delimiters_and_bom(tmp_path: Path, sep: str, bom: bool) -> None:
    path = write_csv(
        tmp_path / "d.txt", [HEADER, *ROWS], sep=sep, encoding="utf-8-sig" if bom else "utf-8"
    )
    result = read_inputs([path])
    assert result.sources[0].delimiter == sep
    assert result.frame.columns[3 : 3 + len(CANONICAL)] == CANONICAL
    assert result.frame.get_column("nik").to_list() == [r[1] for r in ROWS]


def test_blank_lines_in_csv_are_counted_and_line_numbers_kept(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("NIK,NAMA\n1,A\n\n2,B\n ,\n3,C\n", encoding="utf-8")
    result = read_inputs([path])
    assert result.frame.get_column("row").to_list() == [2, 4, 6]
    assert result.sources[0].empty_rows == 2


def test_column_number_row_under_header_is_skipped(tmp_path: Path) -> None:
    path = plain_xlsx(
        tmp_path / "n.xlsx",
        [HEADER, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"], *ROWS],
    )
    result = read_inputs([path])
    assert result.frame.get_column("row").to_list() == [3, 4, 5, 6]
    assert "BARIS_NOMOR_KOLOM_DILEWATI" in [n.code for n in result.sources[0].notices]


def test_duplicate_and_unknown_headers_are_kept(tmp_path: Path) -> None:
    path = plain_xlsx(
        tmp_path / "dup.xlsx",
        [
            ["NIK", "NAMA", "NIK", "Keterangan Lain", None, "NAMA KRT"],
            ["3201010101800001", "A", "3201010101800002", "x", "y", "B"],
        ],
    )
    result = read_inputs([path])
    columns = [(c.column, c.via) for c in result.sources[0].columns]
    assert columns == [
        ("nik", "synonym"),
        ("nama", "synonym"),
        ("nik_2", "duplicate"),
        ("keterangan_lain", "passthrough"),
        ("kolom_e", "passthrough"),
        ("nama_2", "duplicate"),
    ]
    assert result.sources[0].unmapped == ["NIK", "Keterangan Lain", "", "NAMA KRT"]
    assert result.frame.row(0, named=True)["kolom_e"] == "y"


def test_user_mapping_wins_over_synonyms(tmp_path: Path) -> None:
    path = plain_xlsx(
        tmp_path / "m.xlsx", [["NO IDENTITAS", "NAMA", "KK"], ["3201010101800001", "A", "z"]]
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  no identitas: nik\n  KK: catatan\n", encoding="utf-8")
    result = read_inputs([path], ReadOptions(mapping=mapping))
    assert [c.column for c in result.sources[0].columns] == ["nik", "nama", "catatan"]
    assert [c.via for c in result.sources[0].columns] == ["mapping", "synonym", "mapping"]


def test_header_row_and_sheet_overrides(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx")
    forced = read_inputs([path], ReadOptions(sheet=2, header_row=5))
    assert forced.sources[0].sheet == "DATA"
    assert forced.sources[0].header_reason == "given with --header-row"
    hidden = read_inputs([path], ReadOptions(sheet="LOOKUP"))
    assert hidden.sources[0].sheet == "lookup"
    assert hidden.frame.height == 0
    with pytest.raises(InputFileError, match=r"no sheet 'DATAX'.*sheets: REKAP, DATA, lookup"):
        read_inputs([path], ReadOptions(sheet="DATAX"))
    with pytest.raises(InputFileError, match="no sheet number 7"):
        read_inputs([path], ReadOptions(sheet=7))


def test_date_cells_become_iso_dates(tmp_path: Path) -> None:
    result = read_inputs([date_cell_xlsx(tmp_path / "d.xlsx")])
    assert result.frame.get_column("tanggal_lahir").to_list() == ["1980-01-01"]


def test_several_inputs_folder_and_glob(tmp_path: Path) -> None:
    folder = tmp_path / "kec"
    folder.mkdir()
    write_csv(folder / "b.csv", [HEADER, *ROWS[:2]])
    plain_xlsx(folder / "a.xlsx", [HEADER, *ROWS[2:]])
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / "notes.md").write_text("x")
    assert [p.name for p in expand_inputs([folder])] == ["a.xlsx", "b.csv"]
    assert [p.name for p in expand_inputs([str(folder / "*.csv")])] == ["b.csv"]
    result = read_inputs([folder])
    assert result.frame.height == 4
    assert result.frame.get_column("source").to_list() == ["a.xlsx", "a.xlsx", "b.csv", "b.csv"]
    assert result.frame.get_column("sheet").to_list() == ["Sheet1", "Sheet1", "", ""]


def test_parquet_numeric_nik_becomes_digits_and_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "n.parquet"
    pl.DataFrame(
        {"NIK": [3201010101800001, None], "NAMA": ["A", "B"], "NO KK": [3201010202100000.0, 1.5]}
    ).write_parquet(path)
    result = read_inputs([path])
    assert result.frame.get_column("nik").to_list() == ["3201010101800001", None]
    assert result.frame.get_column("no_kk").to_list() == ["3201010202100000", "1.5"]
    assert result.frame.get_column("_num_nik").to_list() == [True, None]
    assert result.sources[0].number_cells == {"nik": 1, "no_kk": 2}


def test_parquet_written_by_bansos_keeps_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "records.parquet"
    pl.DataFrame(
        {
            "source": ["x.xlsx"],
            "sheet": ["DATA"],
            "row": [17],
            "nik": ["1"],
            "nama": ["A"],
            "status": ["ok"],
        }
    ).write_parquet(path)
    frame = read_inputs([path]).frame
    assert frame.row(0, named=True) == {
        "source": "x.xlsx",
        "sheet": "DATA",
        "row": 17,
        "nik": "1",
        "nama": "A",
        "status_2": "ok",  # bansos's own status column, fed back in, is kept beside the new one
        "_num_nik": False,
    }


# --- bad input: one clear message naming the file -------------------------------------


def _error(paths: list[Path | str], **options: object) -> str:
    with pytest.raises(InputFileError) as info:
        read_inputs(paths, ReadOptions(**options))  # type: ignore[arg-type]
    return str(info.value)


def test_missing_path(tmp_path: Path) -> None:
    assert (
        _error([tmp_path / "nope.xlsx"])
        == f"{tmp_path / 'nope.xlsx'}: file not found (check the path and the spelling)"
    )


def test_folder_without_supported_files(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_text("x")
    assert "folder has no supported files" in _error([tmp_path])


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_text("x")
    assert "unsupported file type '.docx'" in _error([path])


@pytest.mark.parametrize("name", ["e.xlsx", "e.csv", "e.parquet", "e.xls"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert _error([path]) == f"{path}: file is empty (0 bytes) (export it again)"


def test_not_a_zip_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\x01\x02garbage\x00 that is neither a zip nor text")
    assert "not a valid Excel workbook" in _error([path])
    # delimited text under an .xlsx name is read as text (tests/test_ingest_disguised.py)
    text = tmp_path / "y.xlsx"
    text.write_text("NIK,NAMA\n3201014102800001,A\n")
    assert read_inputs([text]).sources[0].notices[0].code == "EXCEL_BERISI_TEKS"


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = siks_like_xlsx(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:2000])
    assert "cannot read workbook" in _error([bad])


def test_password_protected_xlsx(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = siks_like_xlsx(tmp_path / "plain.xlsx")
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as handle:
        out = io.BytesIO()
        OOXMLFile(handle).encrypt("rahasia", out)
    locked.write_bytes(out.getvalue())
    assert "workbook is password-protected" in _error([locked])


def test_workbook_without_data(tmp_path: Path) -> None:
    path = plain_xlsx(tmp_path / "empty.xlsx", [])
    assert "workbook has no data" in _error([path])


def test_no_recognisable_header_lists_what_it_saw(tmp_path: Path) -> None:
    path = plain_xlsx(tmp_path / "h.xlsx", [["LAPORAN"], ["KOLOM SATU", "KOLOM DUA"], ["1", "2"]])
    message = _error([path])
    assert (
        "sheet 'Sheet1': no recognisable header row in the first 100 rows (sheets examined: "
        "Sheet1); the row most like a header is row 2: KOLOM SATU | KOLOM DUA"
    ) in message
    assert "run with --sheet Sheet1 --header-row 2" in message and "--mapping" in message


def test_broken_mapping_yaml(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("NIK: [nik\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"map.yaml: mapping file is not valid YAML at line 2"):
        read_inputs([path], ReadOptions(mapping=mapping))


# --- the synonym table ------------------------------------------------------------------

KNOWN = [(canonical, header) for canonical, headers in SYNONYMS.items() for header in headers]


@given(st.sampled_from(KNOWN), st.sampled_from(["", " ", "_", ".", "-"]), st.booleans())
def test_headers_match_whatever_their_case_and_punctuation(
    known: tuple[str, str], glue: str, lower: bool
) -> None:
    canonical, header = known
    variant = header.replace(" ", glue) if glue else header
    variant = variant.lower() if lower else variant.title()
    assert header_key(variant) == header_key(header)
    assert canonical_for(variant) == canonical_for(header)
    assert canonical_for(header) is not None


def test_signature_block_under_the_data_is_skipped_with_a_notice(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        *ROWS,
        [],
        [None, None, None, None, "Cibinong, 1 Juli 2026"],
        [None, None, None, None, "Mengetahui,", None, "Ketua BPD"],
        [None, None, None, None, "Kepala Desa"],
        [],
        [None, None, None, None, "(....................)"],
    ]
    result = read_inputs([plain_xlsx(tmp_path / "blt.xlsx", rows)])
    info = result.sources[0]
    assert result.frame.get_column("row").to_list() == [2, 3, 4, 5]
    assert info.footer_rows == [7, 8, 9, 11]
    assert "BLOK_PENUTUP_DILEWATI" in [n.code for n in info.notices]


def test_last_record_with_few_cells_is_not_a_footer(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, *ROWS, [], ["5", None, None, "TANPA NIK"]]
    result = read_inputs([plain_xlsx(tmp_path / "last.xlsx", rows)])
    assert result.frame.get_column("row").to_list() == [2, 3, 4, 5, 7]
    assert result.sources[0].footer_rows == []


def test_non_utf8_byte_far_into_the_file_falls_back_to_cp1252(tmp_path: Path) -> None:
    rows = [["NIK", "NAMA"]] + [["3201010101800001", "SITI AMINAH"]] * 20_000
    rows.append(["3201014505900002", "JOSÉ"])
    path = write_csv(tmp_path / "late.csv", rows, sep=";", encoding="cp1252")
    assert path.stat().st_size > 256 * 1024
    result = read_inputs([path])
    assert result.sources[0].encoding == "cp1252"
    assert [n.code for n in result.sources[0].notices] == ["BERKAS_BUKAN_UTF8"]
    assert result.frame.get_column("nama").to_list()[-1] == "JOSÉ"
    assert result.frame.height == 20_001


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_xls_and_ods_read_like_xlsx_with_number_cells(tmp_path: Path, suffix: str) -> None:
    from ingest_builders import legacy_workbook

    rows: list[list[object]] = [["DAFTAR PENERIMA"], [], HEADER]
    for i, row in enumerate(ROWS):
        values: list[object] = list(row)
        if i == 1:
            values[1] = float(row[1][:15] + "0")
        rows.append(values)
    legacy = read_inputs([legacy_workbook(tmp_path / f"a{suffix}", rows)])
    modern = read_inputs([plain_xlsx(tmp_path / "a.xlsx", rows)])
    assert legacy.sources[0].format == suffix[1:]
    assert legacy.sources[0].header_row == 3
    assert _values(legacy.frame).equals(_values(modern.frame))
    assert legacy.frame.get_column("row").to_list() == [4, 5, 6, 7]
    assert legacy.frame.get_column("_num_nik").to_list() == [False, True, False, False]


def test_no_header_message_never_shows_a_full_nik(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("3201010101800001;SITI AMINAH;3201010202100003\n", encoding="utf-8")
    message = _error([path])
    assert "3201010101800001" not in message and "3201010202100003" not in message
    assert "line 1: 3201**********01 | SITI AMINAH | 3201**********03" in message


def test_number_cell_scan_reads_every_attribute_order(tmp_path: Path) -> None:
    import zipfile

    from bansos_cli.ingest.excel_cells import XlsxNumberScan

    cells = [
        '<c r="B2" s="3"><v>3201010101800000</v></c>',  # Excel: style only -> number
        '<c r="B3" t="s"><v>0</v></c>',  # shared string -> text
        '<c r="B4" t="n" s="1"><v>1</v></c>',  # LibreOffice order -> number
        '<c r="B5" s="2" t="inlineStr"><is><t>3201</t></is></c>',  # inline text
        '<c r="B6"><v>5</v></c>',  # no attributes -> number
        '<c r="B7" s="0" t="str"><f>A1</f><v>x</v></c>',  # formula text
        '<c r="BB8"><v>7</v></c>',  # another column
    ]
    xml = "<worksheet><sheetData>" + "".join(cells) + "</sheetData></worksheet>"
    path = tmp_path / "cells.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    rows = XlsxNumberScan(path, "xl/worksheets/sheet1.xml").rows({"nik": "B", "other": "BB"})
    assert rows["nik"].tolist() == [2, 4, 6]
    assert rows["other"].tolist() == [8]
