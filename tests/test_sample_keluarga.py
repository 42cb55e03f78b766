"""The village family-list sample: every layout trait read back exactly as the truth says.

``sample_data/daftar_keluarga.xlsx`` has a two-row header (JENIS KELAMIN over L/P tick
columns), NO KK and ALAMAT merged over each family's rows, a TEMPAT, TANGGAL LAHIR column
and a blank row in the data. Read back, every row must carry its own family number, sex and
birth date, at the Excel row the truth gives.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.validate import run_validate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "daftar_keluarga.xlsx"
TRUTH = ROOT / "sample_data" / "daftar_keluarga.truth.parquet"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("keluarga")
    return run_validate([SAMPLE], out_dir=out, as_of=dt.date(2025, 7, 1), report=False)


def test_the_workbook_really_has_the_layout_traits() -> None:
    sheet = openpyxl.load_workbook(SAMPLE)["DATA KELUARGA"]
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert "F4:G4" in merged  # JENIS KELAMIN over L and P
    assert any(r.startswith("B") and r.split(":")[0] != r.split(":")[1] for r in merged[3:])
    assert sheet["E4"].value == "TEMPAT, TANGGAL LAHIR"


def test_read_back_notices() -> None:
    info = read_inputs([SAMPLE]).sources[0]
    codes = {n.code for n in info.notices}
    assert {"JUDUL_DUA_BARIS", "SEL_GABUNGAN_DIISI", "TTL_DIPISAH", "JK_CENTANG_DIGABUNG"} <= codes
    assert info.header_row == 4


def test_every_row_has_its_family_sex_and_birth_date(run) -> None:
    truth = pl.read_parquet(TRUTH)
    records = run.records.select(
        pl.col("row").alias("row"), "no_kk", "jenis_kelamin", "tanggal_lahir"
    )
    assert records.height == truth.height == 800
    joined = truth.join(records, on="row", how="left", suffix="_read")
    clean = joined.filter(pl.col("problems").list.len() == 0)
    assert clean.height > 600
    for column in ("no_kk", "jenis_kelamin", "tanggal_lahir"):
        assert (clean[column] == clean[f"{column}_read"]).all(), column
    # families of several members really were merged cells in the file
    assert clean.group_by("no_kk").len().filter(pl.col("len") > 1).height > 100


def test_no_finding_on_clean_rows_and_none_about_the_layout(run) -> None:
    truth = pl.read_parquet(TRUTH).select("row", "problems")
    codes = run.findings.group_by("row").agg(pl.col("code"))
    joined = truth.join(codes, on="row", how="left").with_columns(
        pl.col("code").fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )
    clean = joined.filter(pl.col("problems").list.len() == 0).with_columns(
        pl.col("code").list.set_difference(["NIK_GANDA"])
    )
    assert clean.filter(pl.col("code").list.len() > 0).height == 0
    # empty cells only where the truth put them: a merged NO KK or an L/P tick read wrongly
    # would give KK_KOSONG / JK_TIDAK_DIKENAL, a sub-header row read as data WAJIB_KOSONG
    empty = run.findings.filter(
        pl.col("code").is_in(["KK_KOSONG", "JK_TIDAK_DIKENAL", "WAJIB_KOSONG"])
    ).join(truth, on="row", how="left")
    assert empty.height > 0
    assert empty.get_column("problems").to_list() == [["nik_missing"]] * empty.height
