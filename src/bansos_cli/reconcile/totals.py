"""Totals of a reconciliation: per category, per region, per program.

The difference between the right and the left total (rows and rupiah) is the sum of the
per-category differences, so the ``by_category`` table *explains* the gap: what is missing
(``hanya_kiri``), what was added (``hanya_kanan``), what changed (``cocok_beda``), what could
not be decided (``ambigu``).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bansos_cli.core.vocabulary import (
    CATEGORY,
    DIFFERENCE_RP,
    LEFT,
    RIGHT,
    ROWS,
    RP,
    category_count_column,
    sided,
)
from bansos_cli.reconcile.keys import text_key_expr
from bansos_cli.reconcile.model import CATEGORIES

LEFT_IDX = "_idx_l"
RIGHT_IDX = "_idx_r"

RP_LEFT, RP_RIGHT = sided(RP, LEFT), sided(RP, RIGHT)
TOTALS: tuple[str, ...] = (
    ROWS, sided(ROWS, LEFT), sided(ROWS, RIGHT), RP_LEFT, RP_RIGHT, DIFFERENCE_RP
)  # fmt: skip
"""The totals of every row of ``by_category`` and ``by_group``, in this order."""


def _sums() -> list[pl.Expr]:
    rp_left = pl.col(RP_LEFT).fill_null(0).sum()
    rp_right = pl.col(RP_RIGHT).fill_null(0).sum()
    return [
        pl.len().alias(ROWS),
        pl.col(LEFT_IDX).is_not_null().sum().cast(pl.Int64).alias(sided(ROWS, LEFT)),
        pl.col(RIGHT_IDX).is_not_null().sum().cast(pl.Int64).alias(sided(ROWS, RIGHT)),
        rp_left.cast(pl.Int64).alias(RP_LEFT),
        rp_right.cast(pl.Int64).alias(RP_RIGHT),
        (rp_right - rp_left).cast(pl.Int64).alias(DIFFERENCE_RP),
    ]


def by_category(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per category (all of them, zeros included), in the documented order."""
    all_categories = pl.DataFrame({CATEGORY: list(CATEGORIES)})
    counted = frame.group_by(CATEGORY).agg(_sums())
    return (
        all_categories.join(counted, on=CATEGORY, how="left", maintain_order="left")
        .with_columns(pl.exclude(CATEGORY).fill_null(0))
        .with_columns(pl.col(ROWS).cast(pl.Int64))
    )


def by_group(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame | None:
    """Totals per value of ``columns`` (the left value, else the right one), with category counts.

    Values are compared case- and space-insensitively so ``Cibinong`` and ``CIBINONG `` are
    one group. ``None`` when none of the columns is in the frame.
    """
    present = [
        c for c in columns if sided(c, LEFT) in frame.columns or sided(c, RIGHT) in frame.columns
    ]
    if not present:
        return None
    # Region and program names repeat: sum per category and pair of values as written
    # first, then normalise those few values and add the partial sums up.
    left_cols = [sided(c, LEFT) for c in present]
    right_cols = [sided(c, RIGHT) for c in present]
    partial = frame.group_by([CATEGORY, *left_cols, *right_cols]).agg(_sums())
    keys = [
        pl.coalesce(text_key_expr(pl.col(left)), text_key_expr(pl.col(right))).alias(c)
        for c, left, right in zip(present, left_cols, right_cols, strict=True)
    ]
    added = [pl.col(c).sum().cast(pl.Int64) for c in TOTALS]
    per_category = [
        pl.col(ROWS)
        .filter(pl.col(CATEGORY) == cat)
        .sum()
        .cast(pl.Int64)
        .alias(category_count_column(cat))
        for cat in CATEGORIES
    ]
    return (
        partial.with_columns(keys)
        .group_by(present)
        .agg(*added, *per_category)
        .sort(present, nulls_last=True)
    )
