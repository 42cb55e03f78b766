"""The output rows of a reconciliation: which rows, in which order, with which columns.

Everything is decided on narrow frames of row numbers (``_idx_l``, ``_idx_r``, the position of
the pair, a category rank and a sort key); the wide columns of both sides are then gathered
once, directly in the final order. No wide frame is joined, concatenated or sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from bansos_cli.core.vocabulary import CATEGORY
from bansos_cli.reconcile import match
from bansos_cli.reconcile.model import Scheme

LEFT_IDX = "_idx_l"
RIGHT_IDX = "_idx_r"
PAIR_POS = "_pi"
RANK = "_rank"
SORT_KEY = "_sk"

_NO_KEY = 2**61 - 1
"""Sorts after every integer key (at most 19 digits below 2e18) within one category."""


def _singles(
    status: pl.DataFrame, paired: pl.Series, sort_key: pl.Series, role: pl.Series, left: bool
) -> pl.DataFrame:
    """The rows of one side that are in no pair, in input order, with their role as rank."""
    mask = np.ones(status.height, dtype=bool)
    mask[paired.to_numpy()] = False
    keep = pl.Series(mask)
    idx = pl.col(match.IDX)
    none = pl.lit(None, dtype=pl.Int64)
    return (
        pl.DataFrame([status[match.IDX], role.alias(RANK), sort_key])
        .filter(keep)
        .select(
            (idx if left else none).alias(LEFT_IDX),
            (none if left else idx).alias(RIGHT_IDX),
            none.alias(PAIR_POS),
            pl.col(RANK).cast(pl.Int8),
            pl.col(SORT_KEY),
        )
    )


def output_order(
    pairs: pl.DataFrame,
    differs: pl.Series,
    left: pl.DataFrame,
    right: pl.DataFrame,
    left_status: pl.DataFrame,
    right_status: pl.DataFrame,
    left_role: pl.Series,
    right_role: pl.Series,
    ordered: bool,
) -> pl.DataFrame:
    """``_idx_l``, ``_idx_r``, ``_pi`` (row of ``pairs``) and ``_rank`` (the role, see
    ``model``) of every output row, ordered by role, then key, then left row, then right row
    (nulls last).

    ``pairs`` (``_idx_l``, ``_idx_r``) must have no two rows with one key unless they are in
    left-row order; ``differs`` tells which pairs have a difference. ``left_role`` and
    ``right_role`` are the role of every row of each side when it is in no pair.
    ``left``/``right`` carry ``_key`` and ``_jk``; when ``ordered``, ``_jk`` is an integer
    that sorts like ``_key``."""
    key = match.JOIN_KEY if ordered else match.KEY
    pair_rows = pairs.select(
        pl.col(LEFT_IDX), pl.col(RIGHT_IDX), pl.int_range(pl.len(), dtype=pl.Int64).alias(PAIR_POS)
    ).with_columns(
        pl.Series(RANK, differs).cast(pl.Int8),  # the roles PAIR_SAME (0), PAIR_DIFFERENT (1)
        left[key].gather(pairs[LEFT_IDX]).alias(SORT_KEY),
    )
    rows = pl.concat(
        [
            pair_rows,
            _singles(left_status, pairs[LEFT_IDX], left[key].alias(SORT_KEY), left_role, True),
            _singles(right_status, pairs[RIGHT_IDX], right[key].alias(SORT_KEY), right_role, False),
        ]
    )
    # The rows are built in left-row, then right-row order, so a stable sort on (category,
    # key) gives the documented order; ties (one ambiguous key) keep that order.
    if ordered:
        step, no_key = pl.lit(_NO_KEY + 1, dtype=pl.UInt64), pl.lit(_NO_KEY, dtype=pl.UInt64)
        packed = pl.col(RANK).cast(pl.UInt64) * step + pl.col(SORT_KEY).fill_null(no_key)
        rows = rows.sort(packed, maintain_order=True)
    else:
        rows = rows.sort([RANK, SORT_KEY], nulls_last=True, maintain_order=True)
    return rows.drop(SORT_KEY)


def gather(
    frame: pl.DataFrame, idx: pl.Series, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Rows ``idx`` of ``frame`` (null index -> null row)."""
    selected = frame if columns is None else frame.select(columns)
    return selected.select(pl.all().gather(idx))


def category_names(rank: pl.Series, scheme: Scheme) -> pl.Series:
    """Category codes of ``scheme`` from the roles."""
    return pl.Series(CATEGORY, scheme.codes_by_role(), dtype=pl.String).gather(rank)
