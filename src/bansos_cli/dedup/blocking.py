"""Candidate pairs by blocking: only records that share a key are compared.

Each key pairs every two records of a block. A block bigger than ``max_block_size`` is not
paired all-to-all (that is quadratic); it is sorted by name key and every record is paired
with the next ``window`` records (sorted neighbourhood), and a notice says so. Nothing is
dropped silently: the block report lists, per key, the blocks, the biggest block and how
many rows were in capped blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from bansos_cli.core import names
from bansos_cli.dedup.config import Blocking
from bansos_cli.dedup.fields import RID

KEY_DESCRIPTIONS: dict[str, str] = {
    "nik": "same NIK",
    "nik_prefix_lahir": "same NIK region (first 6 digits) and birth date",
    "nama_lahir": "same name key and birth date",
    "token_lahir": "one informative name token in common and same birth date",
    "nama_tahun": "same name key and birth year",
    "no_kk": "same KK number",
    "nama_kecamatan": "same name key and kecamatan (or NIK region when no kecamatan)",
    "ibu_lahir": "same mother's name key and birth date",
    "nama_kk": "same name key and KK number",
    "kepala_kk": "same KK number, both heads of family",
}
KEY_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(KEY_DESCRIPTIONS)}


@dataclass(frozen=True)
class BlockStats:
    """How one blocking key split the records."""

    key: str
    description: str
    blocks: int
    """Blocks with at least two records."""
    rows: int
    """Records in those blocks."""
    largest: int
    capped_blocks: int
    """Blocks above ``max_block_size`` paired by sorted neighbourhood only."""
    capped_rows: int
    pairs: int
    """Distinct pairs this key proposed."""


def _key_frame(prepared: pl.DataFrame, key: str) -> pl.DataFrame:
    """``(_rid, block, sort)`` rows for one blocking key; null keys are left out."""
    dob = pl.col("dob").dt.strftime("%Y%m%d")
    region = pl.coalesce(
        pl.concat_str([pl.col("kab_key"), pl.col("kec_key")], separator="|"),
        pl.col("nik").str.slice(0, 6),
    )
    exprs: dict[str, pl.Expr] = {
        "nik": pl.col("nik"),
        "nik_prefix_lahir": pl.concat_str([pl.col("nik").str.slice(0, 6), dob], separator="|"),
        "nama_lahir": pl.concat_str([pl.col("name_key"), dob], separator="|"),
        "nama_tahun": pl.concat_str(
            [pl.col("name_key"), pl.col("dob").dt.year().cast(pl.String)], separator="|"
        ),
        "no_kk": pl.col("kk"),
        "nama_kecamatan": pl.concat_str([pl.col("name_key"), region], separator="|"),
        "ibu_lahir": pl.concat_str([pl.col("mother_key"), dob], separator="|"),
        "nama_kk": pl.concat_str([pl.col("name_key"), pl.col("kk")], separator="|"),
        # Two heads on one KK: the family is listed twice (keluarga_ganda).
        "kepala_kk": pl.when(pl.col("is_head")).then(pl.col("kk")),
    }
    if key == "token_lahir":
        low = list(names.low_information_tokens())
        return (
            prepared.select(RID, pl.col("tokens"), dob.alias("d"), pl.col("name_key").alias("sort"))
            .explode("tokens")
            .filter(
                pl.col("tokens").is_not_null()
                & pl.col("d").is_not_null()
                & pl.col("tokens").is_in(low).not_()
                & (pl.col("tokens").str.len_chars() > 1)
            )
            .select(RID, pl.concat_str(["tokens", "d"], separator="|").alias("block"), "sort")
        )
    return prepared.select(RID, exprs[key].alias("block"), pl.col("name_key").alias("sort")).filter(
        pl.col("block").is_not_null()
    )


def _pairs_for_key(keyed: pl.DataFrame, settings: Blocking) -> tuple[pl.DataFrame, dict[str, int]]:
    sizes = keyed.group_by("block").agg(pl.len().alias("size")).filter(pl.col("size") > 1)
    keyed = keyed.join(sizes, on="block", how="inner")
    small = keyed.filter(pl.col("size") <= settings.max_block_size).select(RID, "block")
    joined = (
        small.join(small, on="block", suffix="_r")
        .filter(pl.col(RID) < pl.col(f"{RID}_r"))
        .select(pl.col(RID).alias("i"), pl.col(f"{RID}_r").alias("j"))
    )
    big = keyed.filter(pl.col("size") > settings.max_block_size).sort("block", "sort", RID)
    windowed = [
        big.select(
            pl.col(RID).alias("a"), pl.col(RID).shift(-step).over("block").alias("b")
        ).drop_nulls()
        for step in range(1, settings.window + 1)
    ]
    parts = [joined]
    if big.height:
        both = pl.concat(windowed)
        parts.append(
            both.select(
                pl.min_horizontal("a", "b").alias("i"), pl.max_horizontal("a", "b").alias("j")
            ).filter(pl.col("i") != pl.col("j"))
        )
    pairs = pl.concat(parts).unique()
    capped = sizes.filter(pl.col("size") > settings.max_block_size)
    stats = {
        "blocks": sizes.height,
        "rows": int(sizes["size"].sum() or 0),
        "largest": int(sizes["size"].cast(pl.Int64).max() or 0) if sizes.height else 0,  # type: ignore[arg-type]
        "capped_blocks": capped.height,
        "capped_rows": int(capped["size"].sum() or 0),
    }
    return pairs, stats


def candidate_pairs(
    prepared: pl.DataFrame, settings: Blocking
) -> tuple[pl.DataFrame, list[BlockStats]]:
    """Distinct candidate pairs ``(i, j)`` with ``i < j`` and ``keys`` (bitmask of KEY_BITS)."""
    unknown = [k for k in settings.keys if k not in KEY_DESCRIPTIONS]
    if unknown:
        # Config validation lists allowed keys; this guards library callers.
        raise ValueError(f"unknown blocking keys: {unknown}")
    parts = []
    report = []
    for key in settings.keys:
        pairs, stats = _pairs_for_key(_key_frame(prepared, key), settings)
        report.append(
            BlockStats(key=key, description=KEY_DESCRIPTIONS[key], pairs=pairs.height, **stats)
        )
        parts.append(pairs.with_columns(pl.lit(KEY_BITS[key], pl.UInt16).alias("keys")))
    if not parts:
        empty = pl.DataFrame(schema={"i": pl.UInt32, "j": pl.UInt32, "keys": pl.UInt16})
        return empty, report
    combined = (
        pl.concat(parts).group_by("i", "j").agg(pl.col("keys").sum().cast(pl.UInt16)).sort("i", "j")
    )
    return combined, report
