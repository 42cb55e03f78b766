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
    assert "-600,000" in result.stdout  # EKO not paid (English number format)
    assert "3201010101900001" not in result.output
    assert "4 rows in --fail-on (cocok_beda 2, hanya_kiri 1, hanya_kanan 1)" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".bansos-set",  # the list of the set (docs/security.md)
        "column_stats.parquet",
        "reconciliation.parquet",
        "region_cross.parquet",
        "regions.parquet",
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
    explained = {e["category"]: e["difference_rp"] for e in summary["explanation"]}
    assert explained["hanya_kiri"] == -600_000 and explained["bayar_ganda"] == 0
    book = load_workbook(tmp_path / "report.xlsx", read_only=True)
    assert book.sheetnames == ["Summary", "Reconciliation", "Per category", "Per region",
                               "Across regions", "Column statistics", "Per program"]  # fmt: skip
    stats = pl.read_parquet(tmp_path / "column_stats.parquet")
    assert stats.select("column", "pairs", "equal", "unequal").rows() == [
        ("nik", 4, 4, 0), ("nama", 4, 3, 1), ("kecamatan", 4, 4, 0), ("program", 4, 4, 0),
        ("nominal", 4, 3, 1),
    ]  # fmt: skip


def test_the_report_is_in_the_language_of_the_run(tmp_path: Path) -> None:
    invoke(SK, SALUR, "--out", str(tmp_path))
    book = load_workbook(tmp_path / "report.xlsx", read_only=True)
    assert book.sheetnames == ["Ringkasan", "Rekonsiliasi", "Per kategori", "Per wilayah",
                               "Lintas wilayah", "Statistik kolom", "Per program"]  # fmt: skip
    labels = [row[0] for row in book["Ringkasan"].iter_rows(values_only=True)]
    assert "Jenis rekonsiliasi" in labels and "Baris bayar_ganda" in labels


def test_fail_on_and_json() -> None:
    result = invoke(SK, SALUR, "--fail-on", "none", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["failing_rows"] == 0
    assert {k: v["rows"] for k, v in data["categories"].items()} == {
        "cocok": 2, "cocok_beda": 2, "bayar_ganda": 0, "bayar_terpecah": 0,
        "bayar_terpecah_kurang": 0, "ambigu": 0, "hanya_kiri": 1, "hanya_kanan": 1,
    }  # fmt: skip
    assert data["mode"] == "sk" and "families" not in data
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
        (["--tolerance", "nominal=banyak"], "cannot read the tolerance 'banyak' of column"),
        (["--tolerance", "=5"], "cannot read the tolerance"),
        (["--period", "--fail-on", "hanya_kiri"], "--fail-on: unknown category 'hanya_kiri'"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    result = invoke(SK, SALUR, *args, "--lang", "en")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = invoke(SK, str(tmp_path / "nothing.xlsx"))
    assert result.exit_code == 2
    assert "nothing.xlsx" in result.stderr


def test_sample_decree_vs_disbursement_matches_truth() -> None:
    """sample_data/: every planted case lands in its category; fuzzy pairs are right."""
    run = reconcile(
        [SAMPLE / "sk_penerima.xlsx"],
        [SAMPLE / "laporan_penyaluran.xlsx"],
        options=ReconcileOptions(fuzzy=True),
    )
    frame = run.result.frame
    truth = pl.read_parquet(SAMPLE / "rekonsiliasi.truth.parquet")

    def rows(df: pl.DataFrame, column: str) -> set[int]:
        return set(df[column].drop_nulls().to_list())

    def has(code: str) -> pl.Expr:
        return pl.col("problems").list.contains(code)

    def category(name: str, column: str = "row_left") -> set[int]:
        return rows(frame.filter(pl.col("category") == name), column)

    transfers = truth.explode("disbursement_rows")
    assert category("bayar_ganda") == rows(truth.filter(has("paid_twice")), "decree_row")
    assert category("bayar_ganda", "row_right") == rows(
        transfers.filter(has("paid_twice")), "disbursement_rows"
    )
    assert category("bayar_terpecah") == rows(truth.filter(has("paid_split")), "decree_row")
    assert category("ambigu") == category("bayar_terpecah_kurang") == set()
    missing = rows(truth.filter(pl.col("status") == "missing"), "decree_row")
    extra = rows(truth.filter(pl.col("status") == "extra"), "disbursement_row")
    damaged = truth.filter(has("nik_excel_truncated") | has("nik_typo"))
    fuzzy = frame.filter(pl.col("match_method") == "fuzzy")
    unfound = damaged.filter(~pl.col("decree_row").is_in(fuzzy["row_left"].implode()))
    assert category("hanya_kiri") == missing | rows(unfound, "decree_row")
    assert category("hanya_kanan", "row_right") == extra | rows(unfound, "disbursement_row")
    # homonyms (same name and birth date, another NIK and village) stay unpaired, with a hint
    # when the birth date says something (not a default date: the 15th, 1 July, 31 December)
    homonyms = truth.filter(has("homonym"))
    rows_of = frame.filter(pl.col("row_right").is_in(homonyms["disbursement_row"].implode()))
    assert set(rows_of["category"]) == {"hanya_kanan"}
    born = rows_of["tanggal_lahir_right"].str.to_date("%d/%m/%Y")
    default = (
        (born.dt.day() == 15)
        | ((born.dt.day() == 1) & (born.dt.month() == 7))
        | ((born.dt.day() == 31) & (born.dt.month() == 12))
    )
    hints = rows_of["candidate_hint"].to_list()
    assert hints == [None if d else "kandidat" for d in default.to_list()]
    assert hints.count("kandidat") >= 2
    sources = truth.filter(pl.col("person_id").is_in(homonyms["homonym_of"].implode()))
    assert set(rows_of["row_candidate"].drop_nulls()) <= rows(sources, "decree_row")
    amount = rows(truth.filter(has("amount_changed")), "decree_row")
    assert rows(frame.filter(pl.col("nominal_differs")), "row_left") == amount
    renamed = pl.col("problems").list.eval(pl.element().str.starts_with("name_")).list.any()
    names = rows(truth.filter(renamed & ~has("paid_twice") & ~has("paid_split")), "decree_row")
    assert rows(frame.filter(pl.col("nama_differs")), "row_left") == names
    # mistyped and Excel-truncated NIKs are found by the fuzzy fallback, marked so; one
    # whose typo is in the region digits and whose birth date is a default one (1 July) has
    # one piece of evidence only: unpaired, pointing at its counterpart
    assert rows(fuzzy, "row_left") == rows(damaged, "decree_row") - rows(unfound, "decree_row")
    assert unfound.height <= 1
    hinted = frame.filter(pl.col("row_left").is_in(unfound["decree_row"].implode()))
    assert hinted["candidate_hint"].to_list() == ["kandidat"] * unfound.height
    assert set(hinted["row_candidate"]) == rows(unfound, "disbursement_row")
    # payees the bank lists in another village: in the cross table, not in their own region
    moved = truth.filter(has("region_moved")).height
    assert moved > 0 and run.result.region_cross is not None
    assert run.result.region_cross["pairs"].sum() == moved
    # Every row of both files is accounted for, and the money adds up.
    assert len(rows(frame, "row_left")) == run.result.left.rows == frame["row_left"].count()
    assert len(rows(frame, "row_right")) == run.result.right.rows == frame["row_right"].count()
    paid = truth["paid_amount"].fill_null(0).sum()
    assert run.result.right.amount_total == paid
    assert frame["difference_rp"].sum() == paid - truth["decree_amount"].fill_null(0).sum()


def test_period_mode_on_the_command_line(tmp_path: Path) -> None:
    lama, baru = SAMPLE / "periode_lama.xlsx", SAMPLE / "periode_baru.xlsx"
    result = invoke("--periode", str(lama), str(baru), "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 1
    assert "Families (KK): tetap" in result.stdout
    assert (tmp_path / "families.parquet").is_file()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["mode"] == "periode" and summary["options"]["period"] is True
    assert set(summary["categories"]) == {"tetap", "berubah", "ambigu", "keluar", "masuk"}
    assert set(summary["families"]) == {"tetap", "berubah", "keluar", "masuk"}
    # the English spelling is the same option; only entrants fail here
    only = invoke(str(lama), str(baru), "--period", "--fail-on", "masuk", "--json")
    data = json.loads(only.stdout)
    assert only.exit_code == 1 and data["failing_rows"] == data["categories"]["masuk"]["rows"]
    never = invoke(str(lama), str(baru), "--period", "--fail-on", "never", "--quiet")
    assert (never.exit_code, never.stdout) == (0, "")
