import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core import nik as N
from bansos_cli.core import wilayah
from bansos_cli.core.errors import InputFileError
from bansos_cli.ingest import read_inputs
from bansos_cli.validate import CATALOGUE, FINDINGS_COLUMNS, validate_frame

REF = dt.date(2025, 7, 1)


def frame(rows: list[dict], source: str = "a.csv") -> pl.DataFrame:
    data = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    return data.with_columns(
        pl.lit(source).alias("source"),
        pl.lit("").alias("sheet"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("row"),
    )


def test_findings_table_columns_and_messages() -> None:
    result = validate_frame(frame([{"nik": "3.20101E+15", "nama": "BUDI"}]), as_of=REF)
    assert tuple(result.findings.columns) == FINDINGS_COLUMNS
    assert result.findings.row(0, named=True) == {
        "source": "a.csv",
        "sheet": "",
        "row": 2,
        "column": "nik",
        "value": "3.20101E+15",
        "code": "NIK_NOTASI_ILMIAH",
        "severity": "error",
        "message": CATALOGUE["NIK_NOTASI_ILMIAH"].message_id,
        "hint": CATALOGUE["NIK_NOTASI_ILMIAH"].hint_id,
    }
    english = validate_frame(frame([{"nik": "3.20101E+15", "nama": "BUDI"}]), as_of=REF, lang="en")
    assert english.findings["message"].item() == CATALOGUE["NIK_NOTASI_ILMIAH"].message_en


def test_duplicate_nik_lists_the_other_rows() -> None:
    rows = [
        {"nik": "3201014102800001", "nama": "SITI"},
        {"nik": "3201010101800002", "nama": "BUDI"},
        {"nik": "3201 0141 0280 0001", "nama": "SITI A"},
        {"nik": "3201014102800001", "nama": "ANI"},
    ]
    result = validate_frame(frame(rows), as_of=REF)
    dup = result.findings.filter(pl.col("code") == "NIK_GANDA")
    assert dup["row"].to_list() == [2, 4, 5]
    assert set(dup["message"].to_list()) == {"NIK yang sama muncul di 3 baris: 2, 4, 5"}
    assert result.records["status"].to_list() == ["warning", "ok", "warning", "warning"]


def test_duplicate_across_files_names_the_file() -> None:
    both = pl.concat(
        [
            frame([{"nik": "3201014102800001", "nama": "SITI"}], "a.xlsx"),
            frame([{"nik": "3201014102800001", "nama": "SITI"}], "b.csv"),
        ]
    )
    result = validate_frame(both, as_of=REF, lang="en")
    assert set(result.findings["message"].to_list()) == {
        "The same NIK appears on 2 rows: a.xlsx:2, b.csv:2"
    }


def test_ambiguous_dates_only_when_the_column_mixes_orders() -> None:
    nik = "3201010304800001"  # 03-04-1980, man
    mixed = frame(
        [
            {"nik": nik, "nama": "A", "tanggal_lahir": "03/04/1980"},
            {"nik": "3201011304800002", "nama": "B", "tanggal_lahir": "04/13/1980"},
        ]
    )
    codes = validate_frame(mixed, as_of=REF).findings.select("row", "code").rows()
    assert codes == [(2, "TGL_LAHIR_AMBIGU"), (3, "TGL_LAHIR_TERTUKAR")]
    alone = frame([{"nik": nik, "nama": "A", "tanggal_lahir": "03/04/1980"}])
    assert validate_frame(alone, as_of=REF).findings.is_empty()


def test_mask_hides_identifiers_in_findings() -> None:
    rows = [{"nik": "3201014102800000", "no_kk": "3201014102800000", "nama": "X"}]
    result = validate_frame(frame(rows), as_of=REF, mask=True)
    values = set(result.findings.filter(pl.col("column") == "nik")["value"].to_list())
    assert values == {"3201**********00"}
    assert not result.findings["message"].str.contains("3201014102800000").any()


def test_typed_records() -> None:
    rows = [
        {
            "nik": "3201 0141 0280 0001",
            "nama": "  SITI   AMINAH ",
            "jenis_kelamin": "Perempuan",
            "tanggal_lahir": "1 Februari 1980",
            "desil": "DESIL 3",
            "rt": "003",
            "pbi_jkn": "YA",
            "catatan": "bebas",
        },
        {
            "nik": "3.2E+15",
            "nama": "B",
            "jenis_kelamin": "?",
            "tanggal_lahir": "x",
            "desil": "12",
            "rt": "RT 7",
            "pbi_jkn": "TIDAK",
            "catatan": None,
        },
    ]
    records = validate_frame(frame(rows), as_of=REF).records
    assert records.select(
        "nik",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "desil",
        "rt",
        "pbi_jkn",
        "catatan",
        "row",
        "status",
    ).rows() == [
        ("3201014102800001", "SITI AMINAH", "P", dt.date(1980, 2, 1), 3, 3, True, "bebas", 2, "ok"),
        ("3.2E+15", "B", None, None, None, 7, False, None, 3, "error"),
    ]
    assert records.schema["tanggal_lahir"] == pl.Date


def test_no_nik_column_is_an_input_error() -> None:
    with pytest.raises(InputFileError, match="no NIK column found"):
        validate_frame(frame([{"nama": "A"}]), as_of=REF)


DISTRICTS = wilayah.districts().get_column("kode").to_list()
person = st.tuples(
    st.sampled_from(DISTRICTS),
    st.dates(min_value=dt.date(1926, 1, 1), max_value=dt.date(2025, 6, 30)),
    st.sampled_from(["L", "P"]),
    st.integers(1, 9999),
)


@settings(max_examples=25, deadline=None)
@given(people=st.lists(person, min_size=1, max_size=30))
def test_well_formed_niks_give_no_nik_error(people: list) -> None:
    rows = [
        {
            "nik": N.encode_nik(kec, born, sex, serial),
            "nama": "WARGA",
            "jenis_kelamin": sex,
            "tanggal_lahir": born.strftime("%d-%m-%Y"),
        }
        for kec, born, sex, serial in people
    ]
    findings = validate_frame(frame(rows), as_of=REF).findings
    assert set(findings["code"].to_list()) <= {"NIK_GANDA"}


def _write_formats(rows: list[dict], tmp: Path) -> list[Path]:
    data = pl.DataFrame(rows, schema={k: pl.String for k in rows[0]})
    headers = ["NIK", "NO KK", "NAMA", "JENIS KELAMIN", "TANGGAL LAHIR", "DESIL"]
    data.columns = headers
    csv = tmp / "data.csv"
    data.write_csv(csv)
    parquet = tmp / "data.parquet"
    data.write_parquet(parquet)
    xlsx = tmp / "data.xlsx"
    book = xlsxwriter.Workbook(xlsx, {"strings_to_numbers": False})
    ws = book.add_worksheet("DATA")
    ws.write_row(0, 0, headers)
    for i, row in enumerate(data.iter_rows(), start=1):
        for j, value in enumerate(row):
            if value is not None:
                ws.write_string(i, j, value)
    book.close()
    return [csv, parquet, xlsx]


def test_xlsx_csv_parquet_give_identical_findings(tmp_path: Path) -> None:
    rows = [
        {
            "nik": "3201014102800001",
            "kk": "3201012001150003",
            "nama": "SITI",
            "jk": "P",
            "tgl": "01-02-1980",
            "desil": "3",
        },
        {
            "nik": "3.20101E+15",
            "kk": "3201012001150003",
            "nama": "ALM. BUDI",
            "jk": "L",
            "tgl": "12/25/1980",
            "desil": "11",
        },
        {
            "nik": "3201994102800001",
            "kk": "",
            "nama": "IBU",
            "jk": "X",
            "tgl": "31-02-1980",
            "desil": "DESIL 2",
        },
        {
            "nik": "3201014102800001",
            "kk": "3201012001150000",
            "nama": "SITI 2",
            "jk": "L",
            "tgl": "1 Februari 1980",
            "desil": "",
        },
    ]
    results = []
    for path in _write_formats(rows, tmp_path):
        ingest = read_inputs([path])
        found = validate_frame(ingest.frame, as_of=REF).findings
        results.append(found.drop("source", "sheet").sort("row", "code"))
    assert results[0].select("row", "code").rows() == [
        (2, "NIK_GANDA"),
        (2, "TGL_LAHIR_AMBIGU"),
        (3, "DESIL_RENTANG"),
        (3, "NAMA_ALMARHUM"),
        (3, "NIK_NOTASI_ILMIAH"),
        (3, "TGL_LAHIR_TERTUKAR"),
        (4, "JK_TIDAK_DIKENAL"),
        (4, "KK_KOSONG"),
        (4, "NAMA_GELAR_SAJA"),
        (4, "NIK_WILAYAH_TIDAK_DIKENAL"),
        (4, "TGL_LAHIR_FORMAT"),
        (5, "KK_SERIAL_0000"),
        (5, "NAMA_ANGKA"),
        (5, "NIK_GANDA"),
        (5, "NIK_JK_BEDA"),
    ]
    # csv and xlsx count the header line as row 1; parquet numbers records from 1 (so the
    # duplicate message, which lists rows, differs by that offset too)
    assert results[0].equals(results[2])
    assert (
        results[0]
        .drop("message")
        .equals(results[1].drop("message").with_columns(pl.col("row") + 1))
    )


def test_records_keep_only_input_columns_plus_status() -> None:
    rows = [
        {
            "nik": "3201014102800001",
            "no_kk": "3201012001150003",
            "nama": "SITI",
            "jenis_kelamin": "P",
            "tanggal_lahir": "01-02-1980",
            "desil": "3",
            "rt": "1",
            "bansos_pkh": "YA",
            "kecamatan": "Cibinong",
            "lain": "x",
        }
    ]
    source = frame(rows).with_columns(pl.lit(False).alias("_num_nik"))
    records = validate_frame(source, as_of=REF).records
    assert records.columns == [*source.columns, "status"]
