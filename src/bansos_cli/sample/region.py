"""The region a sample is drawn from: villages with their kecamatan, regency and province."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from bansos_cli.core import wilayah
from bansos_cli.core.errors import OptionError

DEFAULT_REGION = "3201"
"""Kabupaten Bogor: a large regency with both desa and kelurahan."""


@dataclass(frozen=True)
class Region:
    """The villages of a chosen region, with names of every level (uppercase)."""

    code: str
    villages: pl.DataFrame
    """``kode_desa``, ``jenis``, ``desa``, ``kode_kecamatan``, ``kecamatan``, ``kode_kabkota``,
    ``kabupaten``, ``kode_provinsi``, ``provinsi`` (one row per village)."""
    regency_districts: pl.DataFrame
    """Every current kecamatan of the regencies in the region: ``kode``, ``kode_kabkota``."""
    retired_codes: pl.DataFrame
    """Retired kecamatan codes: ``kode`` (old) and ``kode_pengganti`` (current successor)."""

    @property
    def province(self) -> str:
        return str(self.villages["kode_provinsi"][0])

    @property
    def local_retired(self) -> pl.DataFrame:
        """Retired codes whose successor lies in the region (people registered before a split)."""
        return self.retired_codes.filter(
            pl.col("kode_pengganti").is_in(self.villages["kode_kecamatan"].unique().implode())
        )


def resolve_region(region: str | None) -> Region:
    """Load the villages of a Kemendagri code of 2, 4, 6 or 10 digits (dots allowed)."""
    code = re.sub(r"[.\s-]", "", region or DEFAULT_REGION)
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{10}", code):
        raise OptionError.of("REGION_NOT_A_CODE", region=region)
    villages = wilayah.villages().filter(pl.col("kode").str.starts_with(code))
    if villages.is_empty():
        raise OptionError.of("REGION_NO_VILLAGE", region=region)
    districts = wilayah.districts().select(
        pl.col("kode").alias("kode_kecamatan"),
        pl.col("nama").str.to_uppercase().alias("kecamatan"),
        "kode_kabkota",
    )
    regencies = wilayah.regencies().select(
        pl.col("kode").alias("kode_kabkota"),
        pl.col("nama").str.to_uppercase().alias("kabupaten"),
        "kode_provinsi",
    )
    provinces = wilayah.provinces().select(
        pl.col("kode").alias("kode_provinsi"), pl.col("nama").str.to_uppercase().alias("provinsi")
    )
    table = (
        villages.select(
            pl.col("kode").alias("kode_desa"),
            "jenis",
            pl.col("nama").str.to_uppercase().alias("desa"),
            "kode_kecamatan",
        )
        .join(districts, on="kode_kecamatan", how="left")
        .join(regencies, on="kode_kabkota", how="left")
        .join(provinces, on="kode_provinsi", how="left")
        .sort("kode_desa")
    )
    regency_codes = table["kode_kabkota"].unique().implode()
    regency_districts = (
        wilayah.districts()
        .filter(pl.col("kode_kabkota").is_in(regency_codes))
        .select("kode", "kode_kabkota")
        .sort("kode")
    )
    retired = (
        wilayah.district_history()
        .filter(~pl.col("in_2025") & pl.col("kode_pengganti").is_not_null())
        .select("kode", "kode_pengganti")
        .sort("kode")
    )
    return Region(code, table, regency_districts, retired)
