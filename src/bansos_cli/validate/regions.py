"""Region code and region name lookups against the shipped Kemendagri tables (joins only)."""

from __future__ import annotations

from functools import cache

import polars as pl

from bansos_cli.core import wilayah

OK = "ok"
PROVINCE_UNKNOWN = "prov"
ZERO = "00"
RETIRED = "lama"
UNKNOWN = "unknown"
STATUS_ENUM = pl.Enum([OK, PROVINCE_UNKNOWN, ZERO, RETIRED, UNKNOWN])

_NAME_PREFIX = (
    r"^(KABUPATEN|KAB|KOTA ADMINISTRASI|KOTA ADM|KOTA|KECAMATAN|KEC|DISTRIK|DESA|KELURAHAN|"
    r"KEL|PROVINSI|PROV|PROPINSI)\b\.?\s*"
)


def name_key(expr: pl.Expr) -> pl.Expr:
    """Fold a region name for comparison: no type word (KAB./KOTA/KEC.), letters only."""
    s = expr.str.normalize("NFKC").str.to_uppercase().str.strip_chars()
    s = s.str.replace(_NAME_PREFIX, "")
    return s.str.replace_all(r"[^A-Z0-9]", "")


def prefix_status(prefixes: pl.Series) -> pl.DataFrame:
    """For unique 6-digit prefixes: ``_pfx``, ``_status`` (see module constants), ``_detail``.

    ``_detail`` is the code to show: the unknown province code, the successor of a retired
    code, or the unknown regency/kecamatan code.
    """
    provs = wilayah.province_history().select(
        pl.col("kode").alias("_prov"), pl.lit(True).alias("_p")
    )
    regs = wilayah.regency_history().select(
        pl.col("kode").alias("_kab"),
        pl.lit(True).alias("_r"),
        pl.col("in_2025").alias("_r25"),
        pl.col("kode_pengganti").alias("_rsucc"),
    )
    dists = wilayah.district_history().select(
        pl.col("kode").alias("_pfx"),
        pl.lit(True).alias("_d"),
        pl.col("in_2025").alias("_d25"),
        pl.col("kode_pengganti").alias("_dsucc"),
    )
    frame = (
        pl.DataFrame({"_pfx": prefixes.cast(pl.String)})
        .unique()
        .with_columns(
            pl.col("_pfx").str.slice(0, 2).alias("_prov"),
            pl.col("_pfx").str.slice(0, 4).alias("_kab"),
        )
        .join(provs, on="_prov", how="left")
        .join(regs, on="_kab", how="left")
        .join(dists, on="_pfx", how="left")
    )
    p = pl.col("_p").fill_null(False)
    r = pl.col("_r").fill_null(False)
    d = pl.col("_d").fill_null(False)
    zero = (pl.col("_pfx").str.slice(2, 2) == "00") | (pl.col("_pfx").str.slice(4, 2) == "00")
    status = (
        pl.when(~p)
        .then(pl.lit(PROVINCE_UNKNOWN))
        .when(zero)
        .then(pl.lit(ZERO))
        .when(d & pl.col("_d25"))
        .then(pl.lit(OK))
        .when(d)
        .then(pl.lit(RETIRED))
        .when(r & ~pl.col("_r25"))
        .then(pl.lit(RETIRED))
        .otherwise(pl.lit(UNKNOWN))
    )
    detail = (
        pl.when(~p)
        .then(pl.col("_prov"))
        .when(d & ~pl.col("_d25").fill_null(True))
        .then(pl.coalesce(pl.col("_dsucc"), pl.col("_rsucc"), pl.lit("?")))
        .when(d)
        .then(pl.lit(None, dtype=pl.String))
        .when(r & ~pl.col("_r25").fill_null(True))
        .then(pl.coalesce(pl.col("_rsucc"), pl.lit("?")))
        .when(r)
        .then(pl.col("_pfx"))
        .otherwise(pl.col("_kab"))
    )
    return frame.select("_pfx", status.cast(STATUS_ENUM).alias("_status"), detail.alias("_detail"))


@cache
def _names(level: str) -> pl.DataFrame:
    table = wilayah.district_history() if level == "kec" else wilayah.regency_history()
    cols = [c for c in table.columns if c.startswith("nama")]
    long = table.select("kode", *cols).unpivot(index="kode", value_name="_nama").drop_nulls("_nama")
    if level == "kec":
        extra = wilayah.districts().select("kode", "nama")
    else:
        extra = wilayah.regencies().select("kode", "nama")
    return (
        pl.concat([long.select("kode", pl.col("_nama").alias("nama")), extra])
        .select(pl.col("kode"), name_key(pl.col("nama")).alias("_key"))
        .unique()
        .with_columns(pl.lit(True).alias("_match"))
    )


def names_match(pairs: pl.DataFrame, level: str) -> pl.DataFrame:
    """For unique ``kode``/``_key`` pairs, add ``_match``: the name is one of the code's names.

    ``level`` is ``kec`` (6-digit codes) or ``kab`` (4-digit codes). Every vintage's name
    counts, so an old spelling is not a mismatch.
    """
    return pairs.join(_names(level), on=["kode", "_key"], how="left").with_columns(
        pl.col("_match").fill_null(False)
    )
