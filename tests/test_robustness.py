"""Messy inputs pushed through the library and the CLI: bad data is a finding, never a crash.

Three promises are checked on hand-made and generated inputs:

* only :class:`BansosError` escapes the library, and the CLI exits 0, 1 or 2 without a
  traceback;
* every non-empty input row is in ``records.parquet`` (its Excel row kept in ``row``);
* no full 16-digit NIK from the input is printed in the terminal.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from bansos_cli import api as bansos_api
from bansos_cli.cli import app
from bansos_cli.core.errors import BansosError
from bansos_cli.ingest import source_labels
from bansos_cli.pipeline.config import RunConfig

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
AS_OF = "2025-07-01"
runner = CliRunner()

HEADER = ["NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "DESIL", "DESA/KELURAHAN"]
GOOD = ["3201010101800001", "3201010202100003", "SITI AMINAH", "01-01-1980", "P", "1", "Cibinong"]

# Cells officers (and Excel) really produce, and some they should not.
MESSY = [
    "",
    " ",
    "\t",
    "=SUM(A1)",
    '=HYPERLINK("x")',
    "31/02/2020",
    "00-00-0000",
    "9999-99-99",
    "0",
    "-1",
    "99999999",
    "1e308",
    "NaN",
    "DESIL 11",
    "-3",
    "3.5",
    "l",
    "Laki-Laki",
    "pEREMPUAN",
    "x",
    "3.20101010180000E+15",
    "'3201010101800001",
    "３２０１０１０１０１８０００１",
    "\u200b3201010101800001\u00a0",
    "3201010101800001\n3201010101800002",
    "#N/A",
    "#REF!",
    "NULL",
    "-",
    "K" * 3000,
    "9" * 40,
]

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=24
) | st.text(alphabet="0123456789 -/.,'\t\r\n\x00\x07\x1b\u00a0\u3000", max_size=20)
CELL = st.sampled_from(MESSY) | _TEXT | st.integers(-(10**20), 10**20).map(str)


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _run_api(paths: list[Path], out: Path) -> bansos_api.Result | None:
    config = RunConfig(report=False, lang="en")
    try:
        return bansos_api.run(paths, config, as_of=dt.date(2025, 7, 1), out_dir=out)
    except BansosError as exc:
        assert "\n" not in str(exc), str(exc)
        return None


def _records_rows(out: Path) -> list[int]:
    records = pl.read_parquet(out / "records.parquet")
    assert records.select("source", "sheet", "row").is_unique().all()
    return sorted(records.get_column("row").to_list())


def _cli(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def _no_full_nik(output: str, rows: Sequence[Sequence[object]]) -> None:
    """No 16-digit number from a NIK or NO KK column (header in ``rows[0]``) is printed."""
    header = [str(h) for h in rows[0]]
    ids = [i for i, h in enumerate(header) if h in ("NIK", "NO KK")]
    niks = {
        d
        for row in rows[1:]
        for i in ids
        if i < len(row)
        for d in re.findall(r"(?<!\d)\d{16}(?!\d)", str(row[i]))
    }
    # A number that also sits in another column (a NIK typed into DESA) may be shown there.
    elsewhere = " ".join(str(c) for row in rows[1:] for i, c in enumerate(row) if i not in ids)
    leaked = [n for n in niks if n in output and n not in elsewhere]
    assert not leaked, leaked


def _nonblank_rows(rows: list[list[str]], first_row: int) -> list[int]:
    return [
        first_row + i
        for i, row in enumerate(rows)
        if any(str(c).strip(" \t\r\n\u00a0\u3000") for c in row)
    ]


# --- generated data -----------------------------------------------------------------------


@st.composite
def messy_table(draw: st.DrawFn) -> list[list[str]]:
    width = len(HEADER)
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=5))
    # A valid row at the top keeps the header recognisable and the file a list of people.
    return [HEADER, GOOD, *rows]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=messy_table())
def test_generated_messy_cells_are_findings_not_crashes(
    table: list[list[str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    path = _write_csv(folder / "daftar.csv", table)
    result = _run_api([path], folder / "out")
    assert result is not None, "a file with a valid header and rows must be read"
    (source,) = result.sources
    # Data rows start on line 2; blank rows and the reported layout rows (notes, header
    # copies, family lines) are the only rows left out.
    data_rows = set(_nonblank_rows(table[1:], 2)) - set(source.skipped_rows)
    # csv.writer quotes embedded newlines, so a record is one row in Excel and in `row`.
    assert set(_records_rows(folder / "out")) == data_rows
    assert result.summary["validate"]["rows"] == len(data_rows)


# --- hand-made inputs ---------------------------------------------------------------------


def _csv_case(tmp_path: Path, rows: list[list[str]]) -> Path:
    return _write_csv(tmp_path / "daftar.csv", rows)


@pytest.mark.parametrize("command", ["validate", "dedup", "check", "run"])
def test_bad_dates_desil_and_codes_are_findings(tmp_path: Path, command: str) -> None:
    rows = [
        HEADER,
        ["3201010101800001", "3201010202100003", "A", "31/02/2020", "l", "DESIL 11", "d"],
        ["3201010101800002", "3201010202100003", "B", "00-00-0000", "Laki", "-3", "d"],
        ["3201010101800003", "3201010202100003", "C", "9999-99-99", "pEREMPUAN", "3.5", "d"],
        ["3201010101800004", "3201010202100003", "D", "0", "X", "0", "d"],
        ["3201010101800005", "3201010202100003", "E", "-1", "", "", "d"],
        ["3201010101800006", "3201010202100003", "F", "99999999", "P", "1", "d"],
        ["=SUM(A1)", "=1+1", '=HYPERLINK("x")', "1e308", "\x07", "NaN", "K" * 5000],
    ]
    path = _csv_case(tmp_path, rows)
    out = tmp_path / "out"
    args = [command, str(path), "--out", str(out)]
    if command in ("check", "run"):
        args += ["--as-of", AS_OF]
    if command == "check":
        args += ["--rules", str(RULES)]
    result = _cli(*args)
    # No duplicates here and every eligibility is PERLU_VERIFIKASI (below the default
    # --fail-on TIDAK_LAYAK), so dedup and check pass; validate and run fail on the rows.
    assert result.exit_code == (1 if command in ("validate", "run") else 0), result.output
    _no_full_nik(result.output, rows)
    if command in ("validate", "run"):
        assert _records_rows(out) == list(range(2, 9))
        findings = pl.read_parquet(out / "findings.parquet")
        # Every damaged birth date is a finding on its own Excel row.
        dated = set(findings.filter(pl.col("column") == "tanggal_lahir").get_column("row"))
        assert {2, 3, 4, 8} <= dated


def test_only_a_header_gives_empty_outputs(tmp_path: Path) -> None:
    path = _csv_case(tmp_path, [HEADER])
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert _records_rows(out) == []
    assert (out / "report.xlsx").is_file()


@pytest.mark.parametrize("command", ["validate", "run"])
def test_no_nik_column_is_one_line_message(tmp_path: Path, command: str) -> None:
    path = _csv_case(tmp_path, [["NAMA", "DESIL"], ["A", "1"], ["B", "2"]])
    args = [command, str(path), "--out", str(tmp_path / "out")]
    if command == "run":
        args += ["--as-of", AS_OF]
    result = _cli(*args)
    assert result.exit_code == 2
    assert "no NIK column" in result.output or "kolom NIK" in result.output
    assert not (tmp_path / "out" / "records.parquet").exists()


@pytest.mark.parametrize("filler", ["", "abc", "=SUM(A1)", "0"])
def test_nik_column_entirely_empty_or_garbage(tmp_path: Path, filler: str) -> None:
    rows = [HEADER] + [[filler, filler, f"NAMA {i}", "", "", "", ""] for i in range(4)]
    path = _csv_case(tmp_path, rows)
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert _records_rows(out) == [2, 3, 4, 5]
    findings = pl.read_parquet(out / "findings.parquet")
    assert set(findings.filter(pl.col("column") == "nik").get_column("row")) == {2, 3, 4, 5}


def test_numbers_in_every_column(tmp_path: Path) -> None:
    # Decreasing numbers: an increasing row right under the header would be read as the
    # "(1) (2) (3)" column-number row of government templates.
    rows = [HEADER] + [[str(99 - i * 7 - j) for j in range(len(HEADER))] for i in range(5)]
    out = tmp_path / "out"
    result = _cli("run", str(_csv_case(tmp_path, rows)), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert _records_rows(out) == [2, 3, 4, 5, 6]


def test_duplicate_headers_keep_both_columns(tmp_path: Path) -> None:
    rows = [["NIK", "NIK", "NAMA", "NAMA"], ["3201010101800001", "3201010101800002", "A", "B"]]
    out = tmp_path / "out"
    result = _cli("run", str(_csv_case(tmp_path, rows)), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.get_column("row").to_list() == [2]
    assert {"nik", "nik_2", "nama", "nama_2"} <= set(records.columns)
    _no_full_nik(result.output, rows)


def test_empty_columns_and_blank_rows(tmp_path: Path) -> None:
    rows = [
        ["NIK", "", "NAMA", ""],
        ["3201010101800001", "", "A", ""],
        ["", "", "", ""],
        ["  ", "\t", "", ""],
        ["3201010101800002", "", "B", ""],
    ]
    out = tmp_path / "out"
    result = _cli("run", str(_csv_case(tmp_path, rows)), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    assert _records_rows(out) == [2, 5]


def test_quoted_newlines_keep_one_record_per_row(tmp_path: Path) -> None:
    text = (
        "NIK,NAMA,DESIL\n"
        '3201010101800001,"SITI\nAMINAH",1\n'
        "3201010101800002\n"
        "3201010101800003,BUDI,2\n"
    )
    path = tmp_path / "daftar.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    assert _records_rows(out) == [2, 3, 4]


def test_ragged_rows_keep_their_extra_cells(tmp_path: Path) -> None:
    path = tmp_path / "daftar.csv"
    path.write_text(
        "NIK,NAMA,DESIL\n3201010101800001,A,1\n3201010101800002\n"
        "3201010101800003,C,2,extra,more\n3201010101800004,D,3,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _cli("validate", str(path), "--out", str(out), "--lang", "en")
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.select("row", "nama", "kolom_4", "kolom_5").rows() == [
        (2, "A", None, None),
        (3, None, None, None),
        (4, "C", "extra", "more"),
        (5, "D", None, None),
    ]
    inspect = _cli("inspect", str(path), "--lang", "en")
    assert inspect.exit_code == 0
    assert "BARIS_SEL_BERLEBIH" in inspect.output and "first: row 4" in inspect.output


def test_xlsx_formula_cells_and_merged_header(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [
        ["DAFTAR PENERIMA"],
        ["IDENTITAS", None, "PRIBADI", None, None, None, None],
        HEADER,
        ["=1+1", 3201010101800001, "=SUM(A1)", 0, "L", -1, "x"],
        [3201010101800002, '=A2&"x"', "B", 99999999, "P", 3.5, "y"],
        [None] * 7,
        ["3201010101800003", None, "C", -1, "l", "DESIL 11", None],
    ]
    path = _write_xlsx(tmp_path / "daftar.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.merge_cells("A1:G1")
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:G2")
    book.save(path)
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert _records_rows(out) == [4, 5, 7]
    _no_full_nik(result.output, rows)


def test_batch_of_files_with_different_columns(tmp_path: Path) -> None:
    first = _csv_case(tmp_path, [HEADER, GOOD])
    second = _write_csv(
        tmp_path / "desa.csv",
        [["NIK", "NAMA", "PEKERJAAN", "NOMINAL"], ["3201014505900002", "BUDI", "TANI", "x"]],
    )
    third = _write_xlsx(
        tmp_path / "bank.xlsx",
        [["No", "NIK", "Nama Penerima", "RT"], [1, 3201015212850003, "NUR", "001"]],
    )
    out = tmp_path / "out"
    result = _cli("run", str(first), str(second), str(third), "--out", str(out), "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert sorted(records.select("source", "row").rows()) == [
        ("bank.xlsx", 2),
        ("daftar.csv", 2),
        ("desa.csv", 2),
    ]


def test_excel_unicode_text_export_is_read_as_utf16(tmp_path: Path) -> None:
    path = tmp_path / "daftar.txt"
    text = "NIK\tNAMA\tDESIL\r\n3201010101800001\tSITI ÄMINAH\t1\r\n3201014505900002\tBUDI\t2\r\n"
    path.write_bytes(text.encode("utf-16"))  # Excel "Unicode Text": UTF-16 with a BOM
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF, "--lang", "en")
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.select("row", "nik", "nama").rows() == [
        (2, "3201010101800001", "SITI ÄMINAH"),
        (3, "3201014505900002", "BUDI"),
    ]
    summary = pl.read_parquet(out / "findings.parquet")
    assert "NIK_KARAKTER" not in set(summary.get_column("code"))


def test_huge_cell_is_data_not_a_crash(tmp_path: Path) -> None:
    # Longer than the csv module's 131072-character field limit used while sniffing.
    path = _csv_case(
        tmp_path, [["NIK", "NAMA", "ALAMAT"], ["3201010101800001", "A", "K" * 200_000]]
    )
    out = tmp_path / "out"
    result = _cli("run", str(path), "--out", str(out), "--as-of", AS_OF, "--no-report")
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.get_column("row").to_list() == [2]
    assert records.get_column("alamat").str.len_chars().to_list() == [200_000]


def test_quoted_newline_above_the_header_keeps_the_header(tmp_path: Path) -> None:
    # The title cell spans two lines of the file but is one row in Excel: the header is
    # Excel row 3 (file line 4) and the data rows are Excel rows 4 and 5.
    path = tmp_path / "daftar.csv"
    path.write_text(
        '"DAFTAR\nPENERIMA BLT",,\n\nNIK,NAMA,DESIL\n3201010101800001,A,1\n3201010101800002,B,2\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _cli("validate", str(path), "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.select("row", "nik", "nama").rows() == [
        (4, "3201010101800001", "A"),
        (5, "3201010101800002", "B"),
    ]


def test_files_of_the_same_name_in_different_folders_stay_apart(tmp_path: Path) -> None:
    for folder, nik in (("kec_a", "3201010101800001"), ("kec_b", "3201014505900002")):
        (tmp_path / folder).mkdir()
        _write_csv(tmp_path / folder / "daftar.csv", [["NIK", "NAMA"], [nik, folder]])
    out = tmp_path / "out"
    result = _cli(
        "run",
        str(tmp_path / "kec_a" / "daftar.csv"),
        str(tmp_path / "kec_b"),
        "--out",
        str(out),
        "--as-of",
        AS_OF,
        "--no-report",
    )
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    assert records.select("source", "row", "nama").rows() == [
        ("kec_a/daftar.csv", 2, "kec_a"),
        ("kec_b/daftar.csv", 2, "kec_b"),
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(f["path"], f["rows"]) for f in summary["per_file"]] == [
        ("kec_a/daftar.csv", 1),
        ("kec_b/daftar.csv", 1),
    ]
    # A batch of distinct names keeps the plain file names.
    assert source_labels([Path("a/x.csv"), Path("a/y.csv")]) == ["x.csv", "y.csv"]
