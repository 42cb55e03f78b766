"""Totals of a reconciliation: per category, per region (or program), and the region cross table.

The difference between the right and the left total (rows and rupiah) is the sum of the
per-category differences, so the ``by_category`` table *explains* the gap: what is missing
(``hanya_kiri``), what was added (``hanya_kanan``), what changed (``cocok_beda``), who was
paid twice (``bayar_ganda``), what could not be decided (``ambigu``).

Per region, each side counts by its own region columns: a left row in the region the left list
gives it, a right row in the region the right list gives it. The right side's totals per desa
are therefore the bank file's own totals per desa, whatever the decree says; the pairs whose
two regions differ are listed in the cross table.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bansos_cli.core.vocabulary import (
    CATEGORY,
    DIFFERENCE_RP,
    LEFT,
    PAIR_COUNT,
    RIGHT,
    ROWS,
    RP,
    category_count_column,
    sided,
)
from bansos_cli.reconcile.keys import text_key_expr
from bansos_cli.reconcile.model import Scheme

LEFT_IDX = "_idx_l"
RIGHT_IDX = "_idx_r"

RP_LEFT, RP_RIGHT = sided(RP, LEFT), sided(RP, RIGHT)
ROWS_LEFT, ROWS_RIGHT = sided(ROWS, LEFT), sided(ROWS, RIGHT)
TOTALS: tuple[str, ...] = (ROWS, ROWS_LEFT, ROWS_RIGHT, RP_LEFT, RP_RIGHT, DIFFERENCE_RP)
"""The totals of every row of ``by_category``, in this order."""
GROUP_TOTALS: tuple[str, ...] = (ROWS_LEFT, ROWS_RIGHT, RP_LEFT, RP_RIGHT, DIFFERENCE_RP)
"""The totals of every row of ``by_group`` (then one ``n_<category>`` per category)."""


def _rp(column: str) -> pl.Expr:
    return pl.col(column).fill_null(0) if column in (RP_LEFT, RP_RIGHT) else pl.lit(0)


def _sums(frame: pl.DataFrame) -> list[pl.Expr]:
    rp_left = _rp(RP_LEFT).sum() if RP_LEFT in frame.columns else pl.lit(0)
    rp_right = _rp(RP_RIGHT).sum() if RP_RIGHT in frame.columns else pl.lit(0)
    return [
        pl.len().alias(ROWS),
        pl.col(LEFT_IDX).is_not_null().sum().cast(pl.Int64).alias(ROWS_LEFT),
        pl.col(RIGHT_IDX).is_not_null().sum().cast(pl.Int64).alias(ROWS_RIGHT),
        rp_left.cast(pl.Int64).alias(RP_LEFT),
        rp_right.cast(pl.Int64).alias(RP_RIGHT),
        (rp_right - rp_left).cast(pl.Int64).alias(DIFFERENCE_RP),
    ]


def by_category(frame: pl.DataFrame, scheme: Scheme) -> pl.DataFrame:
    """One row per category of ``scheme`` (all of them, zeros included), in output order."""
    all_categories = pl.DataFrame({CATEGORY: list(scheme.codes)})
    counted = frame.group_by(CATEGORY).agg(_sums(frame))
    return (
        all_categories.join(counted, on=CATEGORY, how="left", maintain_order="left")
        .with_columns(pl.exclude(CATEGORY).fill_null(0))
        .with_columns(pl.col(ROWS).cast(pl.Int64))
    )


def _normalised(columns: Sequence[str], names: Sequence[str]) -> list[pl.Expr]:
    return [text_key_expr(pl.col(c)).alias(n) for c, n in zip(columns, names, strict=True)]


def _one_side(
    partial: pl.DataFrame, present: Sequence[str], side: str, categories: Sequence[str]
) -> pl.DataFrame:
    """Rows and rupiah of one side's rows per (normalised) value of its own columns, with
    the rows of ``categories`` counted, from the partial sums of :func:`by_group`."""
    rows, rp = sided(ROWS, side), sided(RP, side)
    own = [sided(c, side) for c in present]
    counted = (
        partial.group_by([CATEGORY, *own])
        .agg(pl.col(rows).sum(), pl.col(rp).sum())
        .with_columns(_normalised(own, present))
    )
    counts = [
        pl.col(rows)
        .filter(pl.col(CATEGORY) == cat)
        .sum()
        .cast(pl.Int64)
        .alias(category_count_column(cat))
        for cat in categories
    ]
    return counted.group_by(present).agg(
        pl.col(rows).sum().cast(pl.Int64), pl.col(rp).sum().cast(pl.Int64), *counts
    )


def by_group(frame: pl.DataFrame, columns: Sequence[str], scheme: Scheme) -> pl.DataFrame | None:
    """Totals per value of ``columns``: each side's rows and rupiah by its own values, and
    per category the rows counted on their side (left rows; right rows for the categories
    without one). Values are compared case- and space-insensitively, so ``Cibinong`` and
    ``CIBINONG `` are one group. ``None`` when none of the columns is in the frame."""
    present = [
        c for c in columns if sided(c, LEFT) in frame.columns or sided(c, RIGHT) in frame.columns
    ]
    if not present:
        return None
    # Region and program names repeat: sum per category and pair of values as written
    # first (one pass over the rows), then normalise those few values and add up per side.
    left_cols = [sided(c, LEFT) for c in present]
    right_cols = [sided(c, RIGHT) for c in present]
    partial = frame.group_by([CATEGORY, *left_cols, *right_cols]).agg(
        pl.col(LEFT_IDX).is_not_null().sum().alias(ROWS_LEFT),
        pl.col(RIGHT_IDX).is_not_null().sum().alias(ROWS_RIGHT),
        _rp(RP_LEFT if RP_LEFT in frame.columns else "").sum().alias(RP_LEFT),
        _rp(RP_RIGHT if RP_RIGHT in frame.columns else "").sum().alias(RP_RIGHT),
    )
    right_counted = scheme.counted_on_right()
    left_counted = [c for c in scheme.codes if c not in right_counted]
    left = _one_side(partial, present, LEFT, left_counted)
    right = _one_side(partial, present, RIGHT, right_counted)
    joined = left.join(right, on=present, how="full", coalesce=True, nulls_equal=True)
    counts = [category_count_column(c) for c in scheme.codes]
    return (
        joined.with_columns(pl.exclude(present).fill_null(0))
        .filter((pl.col(ROWS_LEFT) > 0) | (pl.col(ROWS_RIGHT) > 0))
        .with_columns((pl.col(RP_RIGHT) - pl.col(RP_LEFT)).alias(DIFFERENCE_RP))
        .select(*present, *GROUP_TOTALS, *counts)
        .sort(present, nulls_last=True)
    )


def region_cross(
    frame: pl.DataFrame, columns: Sequence[str], pair_categories: Sequence[str]
) -> pl.DataFrame | None:
    """The pairs (one left row, one right row) whose regions differ, per pair of normalised
    regions: a region column both lists have, filled on both rows, with two values.
    ``None`` when the lists share no region column."""
    if not columns:
        return None
    left_cols = [sided(c, LEFT) for c in columns]
    right_cols = [sided(c, RIGHT) for c in columns]
    rp_left = _rp(RP_LEFT if RP_LEFT in frame.columns else "")
    rp_right = _rp(RP_RIGHT if RP_RIGHT in frame.columns else "")
    partial = (
        frame.filter(pl.col(CATEGORY).is_in(list(pair_categories)))
        .group_by([*left_cols, *right_cols])
        .agg(
            pl.len().alias(PAIR_COUNT),
            rp_left.sum().alias(RP_LEFT),
            rp_right.sum().alias(RP_RIGHT),
        )
        .with_columns(_normalised(left_cols, left_cols) + _normalised(right_cols, right_cols))
    )
    differs = pl.any_horizontal(
        [
            pl.col(a).is_not_null() & pl.col(b).is_not_null() & (pl.col(a) != pl.col(b))
            for a, b in zip(left_cols, right_cols, strict=True)
        ]
    )
    return (
        partial.filter(differs)
        .group_by([*left_cols, *right_cols])
        .agg(pl.col(PAIR_COUNT, RP_LEFT, RP_RIGHT).sum().cast(pl.Int64))
        .with_columns((pl.col(RP_RIGHT) - pl.col(RP_LEFT)).alias(DIFFERENCE_RP))
        .select(*left_cols, *right_cols, PAIR_COUNT, RP_LEFT, RP_RIGHT, DIFFERENCE_RP)
        .sort([*left_cols, *right_cols], nulls_last=True)
    )
