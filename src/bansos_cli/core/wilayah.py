"""Kemendagri region tables shipped with the package (see ``data/wilayah/README.md``).

Every loader returns a small polars frame with text codes (no dots, leading zeros kept) and is
cached, so checks can join on code columns instead of looping in Python.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

_DATA = "bansos_cli.data.wilayah"
_VINTAGES = ("2016", "2018", "2020", "2022", "2023", "2025")


def data_path(name: str) -> Path:
    """Path of a shipped region table file."""
    return Path(str(resources.files(_DATA).joinpath(name)))


def _read(name: str, code_columns: tuple[str, ...]) -> pl.DataFrame:
    return pl.read_csv(data_path(name), schema_overrides={c: pl.String for c in code_columns})


@cache
def provinces() -> pl.DataFrame:
    """Current (2025) provinces: ``kode`` (2 digits), ``nama``."""
    return _read("kemendagri_2025_provinces.csv", ("kode",))


@cache
def regencies() -> pl.DataFrame:
    """Current regencies/cities: ``kode`` (4), ``kode_provinsi``, ``jenis``, ``nama``."""
    return _read("kemendagri_2025_regencies.csv", ("kode", "kode_provinsi"))


@cache
def districts() -> pl.DataFrame:
    """Current kecamatan: ``kode`` (6 digits = NIK prefix), ``kode_kabkota``, ``nama``, ..."""
    return _read("kemendagri_2025_districts.csv", ("kode", "kode_kabkota", "kode_provinsi"))


@cache
def villages() -> pl.DataFrame:
    """Current villages: ``kode`` (10), ``kode_kecamatan``, ``jenis``, ``nama``."""
    return _read("kemendagri_2025_villages.csv.gz", ("kode", "kode_kecamatan"))


def _history(name: str) -> pl.DataFrame:
    frame = _read(name, ("kode",))
    latest = pl.coalesce([pl.col(f"nama_{v}") for v in reversed(_VINTAGES)])
    return frame.with_columns(
        pl.col("first_seen").cast(pl.Int16),
        pl.col("last_seen").cast(pl.Int16),
        pl.col("in_2025").cast(pl.String).str.to_lowercase().eq("true"),
        latest.alias("nama"),
    )


@cache
def province_history() -> pl.DataFrame:
    """Every province code of any vintage 2016-2025 with ``in_2025`` and latest ``nama``."""
    return _history("kemendagri_province_codes_2016_2025.csv")


@cache
def regency_history() -> pl.DataFrame:
    """Every regency code of any vintage 2016-2025 with ``in_2025``, ``nama`` and successor."""
    recode = (
        recodes()
        .filter(pl.col("level") == "kabkota")
        .select(pl.col("kode_lama").alias("kode"), pl.col("kode_baru").alias("kode_pengganti"))
    )
    return _history("kemendagri_regency_codes_2016_2025.csv").join(recode, on="kode", how="left")


@cache
def district_history() -> pl.DataFrame:
    """Every kecamatan code of any vintage 2016-2025 with ``in_2025``, ``nama`` and successor."""
    recode = (
        recodes()
        .filter(pl.col("level") == "kecamatan")
        .select(pl.col("kode_lama").alias("kode"), pl.col("kode_baru").alias("kode_pengganti"))
    )
    return _history("kemendagri_district_codes_2016_2025.csv").join(recode, on="kode", how="left")


@cache
def recodes() -> pl.DataFrame:
    """Retired Papua codes -> current codes: ``level``, ``kode_lama``, ``kode_baru``, names."""
    return _read("kemendagri_papua_recode_2022_2025.csv", ("kode_lama", "kode_baru"))


@cache
def bps_crosswalk() -> pl.DataFrame:
    """BPS 2014 regency codes <-> Kemendagri 2025 regency codes (a different code system)."""
    return _read(
        "bps2014_vs_kemendagri2025_regency_crosswalk.csv",
        ("kode_bps_2014", "kode_kemendagri_2025"),
    )
