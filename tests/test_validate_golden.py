"""Golden test on the committed sample SIKS-NG export: pinned summary.json counts, and the
findings agree with the generator's ground truth (no finding on clean rows, every injected
structural problem found)."""

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from bansos_cli.pipeline.validate import run_validate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
TRUTH = ROOT / "sample_data" / "siks_ng_export.truth.parquet"
REF = dt.date(2025, 7, 1)

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample data not generated")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("golden")
    return run_validate([SAMPLE], out_dir=out, as_of=REF, report=False)


def test_summary_counts_pinned(run) -> None:
    summary = json.loads((run.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == 3000
    assert summary["empty_rows"] == 4
    assert summary["by_status"] == {"ok": 2684, "warning": 264, "error": 52}
    assert summary["by_severity"] == {"error": 52, "warning": 285, "info": 12}
    assert {k: v["count"] for k, v in summary["by_code"].items()} == {
        "NIK_GANDA": 149,
        "NIK_TGL_LAHIR_BEDA": 59,
        "NIK_JK_BEDA": 26,
        "NIK_ANGKA_NOL": 20,
        "NIK_NOTASI_ILMIAH": 19,
        "KK_ANGKA_NOL": 15,
        "NAMA_ALMARHUM": 10,
        "NIK_PANJANG": 10,
        "NIK_TGL_LAHIR_BAKU": 6,
        "NIK_PROVINSI": 6,
        "NIK_WILAYAH_LAMA": 6,
        "WAJIB_KOSONG": 6,
        "NIK_WILAYAH_TIDAK_DIKENAL": 5,
        "NIK_TANGGAL": 4,
        "NIK_ANGKA_EXCEL": 3,
        "NIK_SERIAL_0000": 2,
        "NIK_WILAYAH_00": 2,
        "KK_TANGGAL": 1,
    }
    assert summary["inputs"][0]["sheet"] == "DATA DTKS"


def _by_row(run) -> pl.DataFrame:
    truth = pl.read_parquet(TRUTH).select("row", "problems", "is_duplicate")
    codes = run.findings.group_by("row").agg(pl.col("code"))
    return truth.join(codes, on="row", how="left").with_columns(
        pl.col("code").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )


def test_no_finding_on_clean_rows(run) -> None:
    rows = _by_row(run).filter(pl.col("problems").list.len() == 0)
    extra = rows.with_columns(pl.col("code").list.set_difference(["NIK_GANDA"]))
    assert extra.filter(pl.col("code").list.len() > 0).height == 0


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        ("nik_scientific", "NIK_NOTASI_ILMIAH"),
        ("nik_missing", "WAJIB_KOSONG"),
        ("nik_retired_code", "NIK_WILAYAH_LAMA"),
        ("nik_excel_truncated", "NIK_ANGKA_NOL"),
        ("kk_excel_truncated", "KK_ANGKA_NOL"),
        ("name_deceased_marker", "NAMA_ALMARHUM"),
        ("nik_digit_dropped", "NIK_PANJANG"),
    ],
)
def test_injected_problem_is_found(run, problem: str, code: str) -> None:
    rows = _by_row(run).filter(pl.col("problems").list.contains(problem))
    assert rows.height > 0
    missed = rows.filter(~pl.col("code").list.contains(code))
    assert missed.height == 0, missed


def test_exact_duplicates_are_found(run) -> None:
    truth = pl.read_parquet(TRUTH)
    damaged = truth.filter(
        pl.col("problems").list.eval(pl.element().str.starts_with("nik_")).list.any()
    )["row"]
    rows = _by_row(run).join(truth.select("row", "dup_of_row"), on="row")
    rows = rows.filter(
        pl.col("problems").list.contains("dup_exact")
        & ~pl.col("row").is_in(damaged.to_list())
        & ~pl.col("dup_of_row").is_in(damaged.to_list())
    )
    code = "NIK_GANDA"
    assert rows.height > 0
    missed = rows.filter(~pl.col("code").list.contains(code))
    assert missed.height == 0, missed
