"""Writing generated lists: xlsx layout and Excel rows, byte-identical files, sample_data, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.sample import generate, write_sample
from bansos_cli.sample.sample_data import build
from conftest import invoke_assert_code

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def siks_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame, object]:
    out = tmp_path_factory.mktemp("siks")
    result = generate(1500, 21, layout="siks_ng", error_rate=0.2)
    write_sample(result, out / "a.xlsx", out / "a.truth.parquet")
    return out, pl.read_parquet(out / "a.truth.parquet"), result


def test_xlsx_layout_like_siks_ng(siks_files) -> None:  # type: ignore[no-untyped-def]
    out, truth, result = siks_files
    book = openpyxl.load_workbook(out / "a.xlsx")
    assert book.sheetnames == ["REKAP", "DATA DTKS", "REF"]
    assert [ws.sheet_state for ws in book.worksheets] == ["visible", "visible", "hidden"]
    ws = book["DATA DTKS"]
    assert ws["A1"].value == "DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)"
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    header = result.data.header_row
    assert 4 <= header <= 6
    assert ws.cell(row=header - 1, column=1).value is None
    assert ws.cell(row=header, column=11).value == "NIK"
    # Each empty row sits exactly where the spec says.
    for pos in result.data.empty_before:
        excel_row = int(truth["row"][pos]) - 1
        assert all(c.value is None for c in ws[excel_row])


def test_truth_rows_point_at_the_right_excel_cells(siks_files) -> None:  # type: ignore[no-untyped-def]
    out, truth, result = siks_files
    ws = openpyxl.load_workbook(out / "a.xlsx")["DATA DTKS"]
    names = result.frame["NAMA"].to_list()
    niks = result.frame["NIK"].to_list()
    for i, row in enumerate(truth["row"].to_list()):
        assert ws.cell(row=row, column=12).value == names[i]
        cell = ws.cell(row=row, column=11).value
        problems = truth["problems"][i].to_list()
        if "nik_excel_truncated" in problems:
            assert isinstance(cell, int) and cell % 10 == 0 and str(cell) == niks[i]
        else:
            assert cell == niks[i]
            assert cell is None or isinstance(cell, str)


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        for lay, ext in (
            ("siks_ng", "xlsx"),
            ("blt_dd", "xlsx"),
            ("canonical", "parquet"),
            ("canonical", "csv"),
        ):
            r = generate(300, 3, layout=lay)
            write_sample(r, tmp_path / name / f"{lay}.{ext}", tmp_path / name / f"{lay}.t.parquet")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_csv_and_parquet_truth_rows_are_lines(tmp_path: Path) -> None:
    r = generate(200, 5, layout="siks_ng")
    write_sample(r, tmp_path / "x.csv", tmp_path / "x.truth.csv")
    truth = pl.read_csv(tmp_path / "x.truth.csv", infer_schema=False)
    assert truth["row"].cast(pl.Int64).to_list() == list(range(2, 202))
    lines = (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("ID DTKS,PROVINSI,")
    assert len(lines) == 201
    dup = truth.filter(pl.col("dup_of_row").is_not_null())
    assert dup["dup_of_row"].cast(pl.Int64).is_between(2, 201).all()


def test_sample_data_is_regenerated_byte_identically(tmp_path: Path) -> None:
    written = build(tmp_path)
    committed = ROOT / "sample_data"
    total = 0
    for path in written:
        total += path.stat().st_size
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name
    assert total < 5 * 2**20
    truth = pl.read_parquet(committed / "siks_ng_export.truth.parquet")
    assert 2500 <= truth.height <= 4000


def test_cli_sample_writes_file_and_truth_to_the_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "contoh"
    args = ["sample", "--rows", "300", "--seed", "4", "--layout", "siks_ng", "--out", str(out)]
    result = invoke_assert_code(args, 0)
    assert result.stdout.splitlines()[:3] == [
        "300 baris sintetis (siks_ng, seed 4) ditulis ke:",
        f"  {out / 'contoh_siks_ng.xlsx'}",
        f"  {out / 'contoh_siks_ng.truth.parquet'}",
    ]
    assert result.stderr == ""
    truth = pl.read_parquet(out / "contoh_siks_ng.truth.parquet")
    assert truth.height == 300
    named = invoke_assert_code([*args, "--name", "daftar.csv", "--json"], 0)
    assert json.loads(named.stdout)["files"] == [
        str(out / "daftar.csv"),
        str(out / "daftar.truth.csv"),
    ]


def test_cli_sample_out_as_a_file_still_works_with_a_notice(tmp_path: Path) -> None:
    """The file path of earlier releases (--out s.xlsx --truth t.parquet), for one release."""
    out = tmp_path / "s.xlsx"
    args = ["--rows", "300", "--seed", "4", "--layout", "siks_ng", "--out", str(out)]
    result = invoke_assert_code(["sample", *args, "--truth", str(tmp_path / "t.parquet")], 0)
    assert result.stderr.splitlines() == [
        f"! --out sekarang sebuah folder; '{out}' dibaca sebagai nama berkas (usang): "
        f"pakai --out {tmp_path} --name s.xlsx",
        "! --truth sudah usang: berkas kebenaran selalu ditulis di folder --out",
    ]
    assert pl.read_parquet(tmp_path / "t.parquet").height == 300
    assert out.exists()


def test_cli_sample_json_summary(tmp_path: Path) -> None:
    result = invoke_assert_code(
        ["sample", "--rows", "100", "--out", str(tmp_path), "--name", "x.csv", "--json",
         "--error-rate", "0", "--duplicate-rate", "0"],
        0,
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["rows"] == 100
    assert not any(k.startswith(("nik_typo", "dup_")) for k in data["problems"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "x.txt"], "cannot write .txt"),
        (["--name", "sub/x.csv"], "--name is a file name inside the --out folder, not a path"),
        (["--layout", "xls"], "unknown layout"),
        (["--region", "12345"], "not a Kemendagri code"),
        (["--rows", "0"], "rows must be"),
    ],
)
def test_cli_sample_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "o"
    result = invoke_assert_code(["sample", "--out", str(out), *args, "--lang", "en"], 2)
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_cli_sample_reconciliation_pair(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sample",
            "--layout",
            "rekonsiliasi",
            "--rows",
            "200",
            "--out",
            str(tmp_path),
            "--name",
            "sk.xlsx",
            "--paid-out",
            "lap.xlsx",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lap.xlsx", "sk.truth.parquet", "sk.xlsx"]
    truth = pl.read_parquet(tmp_path / "sk.truth.parquet")
    assert set(truth["status"]) == {"paid", "missing", "extra"}
    ws = openpyxl.load_workbook(tmp_path / "lap.xlsx")["LAPORAN"]
    paid = truth.filter(pl.col("status") != "missing")
    for row, name in paid.select("disbursement_row", "nama").head(50).iter_rows():
        assert ws.cell(row=row, column=3).value is not None
        del name
