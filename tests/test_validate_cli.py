import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from bansos_cli.cli import app
from conftest import invoke_assert_code

runner = CliRunner()
HEADER = "NIK,NO KK,NAMA,JENIS KELAMIN,TANGGAL LAHIR,KECAMATAN,DESIL\n"
CLEAN = "3201014102800001,3201012001150003,SITI AMINAH,P,01-02-1980,Cibinong,3\n"
WARN = "3201010102800002,3201012001150003,BUDI,P,01-02-1980,Cibinong,2\n"  # NIK says man
BAD = "3.20101E+15,3201012001150003,ALM. AHMAD,L,31-02-1980,Cibinong,11\n"


def _csv(tmp_path: Path, *lines: str, name: str = "daftar.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _invoke(*args: str):
    result = runner.invoke(app, ["validate", *args, "--as-of", "2025-07-01"])
    assert "Traceback" not in result.output
    return result


def test_clean_file_exit_0_and_outputs(tmp_path: Path) -> None:
    src = _csv(tmp_path, CLEAN)
    out = tmp_path / "out"
    result = _invoke(str(src), "--out", str(out), "--format", "both")
    assert result.exit_code == 0, result.output
    assert "Baris dibaca: 1" in result.stdout
    assert "Tidak ada temuan." in result.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".bansos-set",  # the list of the set (docs/security.md)
        "findings.csv",
        "findings.parquet",
        "records.csv",
        "records.parquet",
        "report.xlsx",
        "summary.json",
        "valid.csv",
        "valid.parquet",
    ]
    records = pl.read_parquet(out / "records.parquet")
    assert records.columns[:4] == ["source", "sheet", "row", "status"]
    assert records["status"].to_list() == ["ok"]


def test_errors_exit_1_summary_masks_nik(tmp_path: Path) -> None:
    src = _csv(tmp_path, CLEAN, WARN, BAD)
    out = tmp_path / "out"
    result = _invoke(str(src), "--out", str(out))
    assert result.exit_code == 1
    stdout = result.stdout
    assert "OK: 1" in stdout and "peringatan: 1" in stdout and "kesalahan: 1" in stdout
    assert "NIK_NOTASI_ILMIAH" in stdout and "NIK_JK_BEDA" in stdout
    assert "3201010102800002" not in stdout  # NIKs are masked in the terminal
    findings = pl.read_parquet(out / "findings.parquet")
    assert findings.filter(pl.col("code") == "NIK_JK_BEDA")["value"].to_list() == ["P"]
    valid = pl.read_parquet(out / "valid.parquet")
    assert valid["row"].to_list() == [2, 3]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["by_status"] == {"ok": 1, "warning": 1, "error": 1}
    assert summary["by_code"]["DESIL_RENTANG"] == {"severity": "error", "count": 1, "rows": 1}


def test_report_xlsx_highlights_bad_cells(tmp_path: Path) -> None:
    src = _csv(tmp_path, CLEAN, BAD)
    out = tmp_path / "out"
    assert _invoke(str(src), "--out", str(out), "--quiet").exit_code == 1
    book = openpyxl.load_workbook(out / "report.xlsx")
    assert book.sheetnames == ["Ringkasan", "Temuan", "Data"]
    data = book["Data"]
    header = [c.value for c in data[3]]  # under the title and the file's column letters
    assert header[:5] == ["BARIS", "STATUS", "NIK", "NAMA", "MASALAH"]
    bad_row = [c for c in data[5]]
    assert bad_row[0].value == 3 and bad_row[1].value == "kesalahan"
    nik_cell = bad_row[header.index("NIK", 5)]  # the file's own NIK column
    assert nik_cell.fill.fgColor.rgb.endswith("FFC7CE")
    name_cell = bad_row[header.index("NAMA", 5)]
    assert name_cell.fill.fgColor.rgb.endswith("FFEB9C")
    findings = book["Temuan"]
    assert [c.value for c in findings[2]][:6] == [
        "BERKAS",
        "SHEET",
        "BARIS",
        "KOLOM",
        "NILAI",
        "KODE",
    ]


@pytest.mark.parametrize(
    ("fail_on", "lines", "code"),
    [
        ("error", (CLEAN, WARN), 0),
        ("warning", (CLEAN, WARN), 1),
        ("never", (CLEAN, BAD), 0),
        ("warning", (CLEAN,), 0),
    ],
)
def test_fail_on(tmp_path: Path, fail_on: str, lines: tuple[str, ...], code: int) -> None:
    src = _csv(tmp_path, *lines)
    result = _invoke(
        str(src), "--out", str(tmp_path / "o"), "--fail-on", fail_on, "--quiet", "--no-report"
    )
    assert result.exit_code == code
    assert result.stdout == ""


def test_json_output_only_json(tmp_path: Path) -> None:
    src = _csv(tmp_path, CLEAN, BAD)
    result = _invoke(
        str(src), "--out", str(tmp_path / "o"), "--json", "--no-report", "--lang", "en"
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["by_status"] == {"ok": 1, "warning": 0, "error": 1}
    assert data["lang"] == "en"
    assert data["as_of"] == "2025-07-01"


def test_mask_option_masks_written_files(tmp_path: Path) -> None:
    src = _csv(tmp_path, CLEAN, BAD)
    out = tmp_path / "o"
    _invoke(str(src), "--out", str(out), "--mask", "--no-report", "--quiet")
    records = pl.read_parquet(out / "records.parquet")
    assert records["nik"].to_list()[0] == "3201**********01"
    findings = pl.read_parquet(out / "findings.parquet")
    assert findings.filter(pl.col("column") == "nik")["value"].to_list() == ["3.20*****15"]


def test_english_messages(tmp_path: Path) -> None:
    src = _csv(tmp_path, BAD)
    out = tmp_path / "o"
    result = _invoke(str(src), "--out", str(out), "--lang", "en", "--no-report")
    assert "Rows read: 1" in result.stdout
    findings = pl.read_parquet(out / "findings.parquet")
    assert "Decile must be 1 to 10" in findings["message"].to_list()


def test_default_out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _csv(tmp_path, CLEAN, name="desa.csv")
    monkeypatch.chdir(tmp_path)
    assert _invoke(str(src), "--quiet", "--no-report").exit_code == 0
    assert (tmp_path / "bansos-out" / "desa" / "summary.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "xlsx"],
            "--format tidak menerima 'xlsx' (pilih salah satu: parquet, csv, both)",
        ),
        (
            ["--fail-on", "sometimes"],
            "--fail-on tidak menerima 'sometimes' (pilih salah satu: error, warning, never)",
        ),
        (
            ["--as-of", "01-07-2025"],
            "--as-of harus berbentuk YYYY-MM-DD, bukan '01-07-2025' (mis. 2025-07-01)",
        ),
        (
            ["--delimiter", "ab"],
            "--delimiter harus satu karakter, bukan 'ab' (pakai , ; tab atau |)",
        ),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    src = _csv(tmp_path, CLEAN)
    result = invoke_assert_code(["validate", str(src), "--out", str(tmp_path / "o"), *args], 2)
    assert result.stderr == f"bansos: kesalahan: {message}\n"
    assert result.stdout == ""
    assert not (tmp_path / "o").exists()


def test_missing_file_and_missing_nik_column_exit_2(tmp_path: Path) -> None:
    result = _invoke(str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    no_nik = tmp_path / "x.csv"
    no_nik.write_text("NAMA,ALAMAT\nSITI,JL MAWAR\n", encoding="utf-8")
    result = _invoke(str(no_nik), "--out", str(tmp_path / "o"), "--lang", "en")
    assert result.exit_code == 2
    assert "no NIK column found" in result.output
    assert not (tmp_path / "o").exists()


def test_input_notices_are_shown_in_the_chosen_language(tmp_path: Path) -> None:
    src = tmp_path / "daftar.csv"
    src.write_bytes((HEADER + CLEAN).replace("SITI", "SÍTI").encode("cp1252"))
    out = tmp_path / "out"
    result = _invoke(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "! daftar.csv: berkas bukan UTF-8; dibaca sebagai cp1252" in result.stderr
    assert "(BERKAS_BUKAN_UTF8)" in result.stderr
    result = _invoke(str(src), "--out", str(out), "--lang", "en")
    assert "! daftar.csv: file is not UTF-8; read as cp1252" in result.stderr
    quiet = _invoke(str(src), "--out", str(out), "--quiet")
    assert quiet.stderr == ""


def test_inputs_line_shortens_many_sheets() -> None:
    from bansos_cli.cli.validate_cmd import _inputs_line

    inputs = [{"path": "x/kec.xlsx", "sheet": f"DESA {c}"} for c in "ABCDE"]
    inputs.append({"path": "b.csv", "sheet": None})
    assert _inputs_line(inputs) == "kec.xlsx [5 sheet: DESA A, DESA B, DESA C, ...], b.csv"
    assert _inputs_line(inputs[:2]) == "kec.xlsx [DESA A, DESA B]"


def test_report_summary_lists_the_input_notices(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_data" / "blt_dd_desa.xlsx"
    out = tmp_path / "out"
    result = _invoke(str(sample), "--out", str(out), "--quiet")
    assert result.exit_code == 1
    sheet = openpyxl.load_workbook(out / "report.xlsx").worksheets[0]
    cells = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    notices = [r for r in cells if r and str(r[0]).startswith("Perhatian: blt_dd_desa.xlsx")]
    assert [str(r[1]).rsplit(" (", 1)[1] for r in notices] == [
        "BLOK_PENUTUP_DILEWATI)",
        "ID_TERSIMPAN_ANGKA)",
    ]
    assert "dilewati" in str(notices[0][1])
