"""Totals of a reconciliation: per category, per region, per program.

The difference between the right and the left total (rows and rupiah) is the sum of the
per-category differences, so the ``by_category`` table *explains* the gap: what is missing
(``hanya_kiri``), what was added (``hanya_kanan``), what changed (``cocok_beda``), what could
not be decided (``ambigu``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bansos_cli.reconcile.compare import AMOUNT_LEFT, AMOUNT_RIGHT
from bansos_cli.reconcile.keys import text_key_expr
from bansos_cli.reconcile.model import CATEGORIES, LEFT_PREFIX, RIGHT_PREFIX

CATEGORY = "kategori"
LEFT_IDX = "_idx_l"
RIGHT_IDX = "_idx_r"


def _sums() -> list[pl.Expr]:
    rp_left = pl.col(AMOUNT_LEFT).fill_null(0).sum()
    rp_right = pl.col(AMOUNT_RIGHT).fill_null(0).sum()
    return [
        pl.len().alias("baris"),
        pl.col(LEFT_IDX).is_not_null().sum().cast(pl.Int64).alias("baris_kiri"),
        pl.col(RIGHT_IDX).is_not_null().sum().cast(pl.Int64).alias("baris_kanan"),
        rp_left.cast(pl.Int64).alias("rp_kiri"),
        rp_right.cast(pl.Int64).alias("rp_kanan"),
        (rp_right - rp_left).cast(pl.Int64).alias("selisih_rp"),
    ]


def by_category(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per category (all of them, zeros included), in the documented order."""
    all_categories = pl.DataFrame({CATEGORY: list(CATEGORIES)})
    counted = frame.group_by(CATEGORY).agg(_sums())
    return (
        all_categories.join(counted, on=CATEGORY, how="left", maintain_order="left")
        .with_columns(pl.exclude(CATEGORY).fill_null(0))
        .with_columns(pl.col("baris").cast(pl.Int64))
    )


def by_group(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame | None:
    """Totals per value of ``columns`` (the left value, else the right one), with category counts.

    Values are compared case- and space-insensitively so ``Cibinong`` and ``CIBINONG `` are
    one group. ``None`` when none of the columns is in the frame.
    """
    present = [
        c for c in columns if LEFT_PREFIX + c in frame.columns or RIGHT_PREFIX + c in frame.columns
    ]
    if not present:
        return None
    # Region and program names repeat: sum per category and pair of values as written
    # first, then normalise those few values and add the partial sums up.
    left_cols = [LEFT_PREFIX + c for c in present]
    right_cols = [RIGHT_PREFIX + c for c in present]
    partial = frame.group_by([CATEGORY, *left_cols, *right_cols]).agg(_sums())
    keys = [
        pl.coalesce(text_key_expr(pl.col(left)), text_key_expr(pl.col(right))).alias(c)
        for c, left, right in zip(present, left_cols, right_cols, strict=True)
    ]
    added = [
        pl.col(c).sum().cast(pl.Int64)
        for c in ("baris", "baris_kiri", "baris_kanan", "rp_kiri", "rp_kanan", "selisih_rp")
    ]
    per_category = [
        pl.col("baris").filter(pl.col(CATEGORY) == cat).sum().cast(pl.Int64).alias(f"n_{cat}")
        for cat in CATEGORIES
    ]
    return (
        partial.with_columns(keys)
        .group_by(present)
        .agg(*added, *per_category)
        .sort(present, nulls_last=True)
    )
