"""bansos reconcile: exit codes, outputs, JSON, the sample decree vs disbursement truth."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.pipeline.reconcile import reconcile
from bansos_cli.reconcile import ReconcileOptions

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "reconcile"
SK, SALUR = str(FIXTURES / "sk.csv"), str(FIXTURES / "salur.csv")
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def invoke(*args: str):
    result = runner.invoke(app, ["reconcile", *args])
    assert "Traceback" not in result.output
    return result


def test_summary_exit_code_and_outputs(tmp_path: Path) -> None:
    result = invoke(SK, SALUR, "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 1
    assert "hanya_kiri" in result.stdout
    assert "-Rp 600,000" in result.stdout  # EKO not paid (English number format)
    assert "3201010101900001" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "reconciliation.parquet",
        "report.xlsx",
        "summary.json",
    ]
    frame = pl.read_parquet(tmp_path / "reconciliation.parquet")
    assert frame["category"].to_list() == [
        "cocok", "cocok", "cocok_beda", "cocok_beda", "hanya_kiri", "hanya_kanan"
    ]  # fmt: skip
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["total"] == {"rp_left": 3_000_000, "rp_right": 2_700_000,
                                "difference_rp": -300_000}  # fmt: skip
    assert [p["program"] for p in summary["by_program"]] == ["BPNT", "PKH"]
    assert summary["categories"]["hanya_kanan"] == {
        "rows": 1, "rows_left": 0, "rows_right": 1,
        "rp_left": 0, "rp_right": 600_000, "difference_rp": 600_000,
    }  # fmt: skip
    assert summary["explanation"][3] == {"category": "hanya_kiri", "difference_rp": -600_000}
    book = load_workbook(tmp_path / "report.xlsx", read_only=True)
    # --lang en: the report follows the language
    assert book.sheetnames == ["Summary", "Reconciliation", "Per category", "Per region",
                               "Per program"]  # fmt: skip


def test_fail_on_and_json() -> None:
    result = invoke(SK, SALUR, "--fail-on", "none", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["failing_rows"] == 0
    assert {k: v["rows"] for k, v in data["categories"].items()} == {
        "cocok": 2, "cocok_beda": 2, "ambigu": 0, "hanya_kiri": 1, "hanya_kanan": 1
    }  # fmt: skip
    only_missing = invoke(SK, SALUR, "--fail-on", "hanya_kiri", "--json")
    assert only_missing.exit_code == 1
    assert json.loads(only_missing.stdout)["failing_rows"] == 1
    clean = invoke(SK, SK, "--quiet")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_tolerance_ignore_and_mask(tmp_path: Path) -> None:
    result = invoke(SK, SALUR, "--tolerance", "300000", "--ignore", "nama", "--json",
                    "--out", str(tmp_path), "--mask-ids", "--no-report")  # fmt: skip
    data = json.loads(result.stdout)
    assert data["categories"]["cocok"]["rows"] == 4
    frame = pl.read_parquet(tmp_path / "reconciliation.parquet")
    assert frame["nik_left"].drop_nulls().str.contains(r"^\d{4}\*{10}\d{2}$").all()
    assert not frame["nik_right"].str.contains(r"\d{5}").any()  # "3201 0145 ..." as written
    assert frame["key"].drop_nulls().str.contains(r"^\d{4}\*{10}\d{2}$").all()
    assert not (tmp_path / "report.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key", "nkk"], "key column 'nkk' is not in the left list"),
        (["--fail-on", "lost"], "--fail-on: unknown category 'lost'"),
        (["--rename", "jumlah"], "--rename 'jumlah' is not RIGHT_COLUMN=LEFT_COLUMN"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    result = invoke(SK, SALUR, *args, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = invoke(SK, str(tmp_path / "nothing.xlsx"))
    assert result.exit_code == 2
    assert "nothing.xlsx" in result.stderr


@pytest.mark.skipif(not (SAMPLE / "rekonsiliasi.truth.parquet").exists(), reason="no sample")
def test_sample_decree_vs_disbursement_matches_truth() -> None:
    run = reconcile(
        [SAMPLE / "sk_penerima.xlsx"],
        [SAMPLE / "laporan_penyaluran.xlsx"],
        options=ReconcileOptions(fuzzy=True),
    )
    frame = run.result.frame
    truth = pl.read_parquet(SAMPLE / "rekonsiliasi.truth.parquet")

    def rows(df: pl.DataFrame, column: str) -> set[int]:
        return set(df[column].drop_nulls().to_list())

    def truth_rows(problem_filter: pl.Expr) -> set[int]:
        return rows(truth.filter(problem_filter), "decree_row")

    missing = rows(truth.filter(pl.col("status") == "missing"), "decree_row")
    extra = rows(truth.filter(pl.col("status") == "extra"), "disbursement_row")
    assert rows(frame.filter(pl.col("category") == "hanya_kiri"), "row_left") == missing
    assert rows(frame.filter(pl.col("category") == "hanya_kanan"), "row_right") == extra
    amount = truth_rows(pl.col("problems").list.contains("amount_changed"))
    assert rows(frame.filter(pl.col("nominal_differs")), "row_left") == amount
    names = truth_rows(
        pl.col("problems").list.eval(pl.element().str.starts_with("name_")).list.any()
    )
    assert rows(frame.filter(pl.col("nama_differs")), "row_left") == names
    # Excel-truncated NIKs on the bank's side are found by the fuzzy fallback, marked so.
    damaged = truth_rows(pl.col("problems").list.contains("nik_excel_truncated"))
    fuzzy = frame.filter(pl.col("match_method") == "fuzzy")
    assert rows(fuzzy, "row_left") == damaged
    assert fuzzy["fuzzy_evidence"].unique().to_list() == ["nik_mirip"]
    # Every row of both files is accounted for, and the money adds up.
    assert len(rows(frame, "row_left")) == run.result.left.rows == frame["row_left"].count()
    assert len(rows(frame, "row_right")) == run.result.right.rows
    paid = truth["paid_amount"].fill_null(0).sum()
    assert run.result.right.amount_total == paid
