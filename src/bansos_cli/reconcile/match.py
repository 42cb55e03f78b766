"""Exact matching on a normalised key, with one-to-many detection.

A key found once on each side makes a pair. A key found on both sides but more than once on
either is *ambiguous*: no pair is guessed, every row involved is reported. Rows whose key is
missing or absent from the other side stay unmatched (and may go to the fuzzy fallback).

The keys of both sides are sorted together once (integer codes, numpy): group sizes per side
come from run lengths, and a one-to-one key is a run of exactly one left and one right row.
This is several times faster than counting with hash group-bys and joining the counts back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

IDX = "_idx"
KEY = "_key"
JOIN_KEY = "_jk"
"""What rows are joined on: ``_key`` itself, or an integer encoding of it (see engine)."""
N_SELF = "_n_self"
N_OTHER = "_n_other"
STATUS = "_status"

PAIR = "pair"
AMBIGUOUS = "ambiguous"
UNMATCHED = "unmatched"


@dataclass
class ExactMatch:
    """The outcome of matching two keyed frames (each with ``_idx`` and ``_key``)."""

    pairs: pl.DataFrame
    """``_idx_l``, ``_idx_r``, ``_key``: one row per one-to-one pair (in key order)."""
    left: pl.DataFrame
    """``_idx``, ``_key``, ``_n_self``, ``_n_other``, ``_status`` for every left row."""
    right: pl.DataFrame
    """The same for every right row (``_n_self`` counts right rows)."""


def _codes(left: pl.DataFrame, right: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the join keys of both sides (left rows first): equal codes mean
    equal keys. Returns the codes of the rows that have a key and their positions."""
    keys = pl.concat([left[JOIN_KEY], right[JOIN_KEY]])
    if not keys.dtype.is_integer():
        keys = keys.rank("dense")  # text keys: a dense rank is an exact integer code
    valid = keys.is_not_null()
    positions = valid.arg_true().cast(pl.Int64)
    return keys.filter(valid).cast(pl.UInt64).to_numpy(), positions.to_numpy()


def _status(frame: pl.DataFrame, n_self: np.ndarray, n_other: np.ndarray) -> pl.DataFrame:
    status = (
        pl.when(pl.col(KEY).is_null() | (pl.col(N_OTHER) == 0))
        .then(pl.lit(UNMATCHED))
        .when((pl.col(N_SELF) == 1) & (pl.col(N_OTHER) == 1))
        .then(pl.lit(PAIR))
        .otherwise(pl.lit(AMBIGUOUS))
    )
    return (
        frame.select(IDX, KEY)
        .with_columns(pl.Series(N_SELF, n_self), pl.Series(N_OTHER, n_other))
        .with_columns(status.alias(STATUS))
    )


def exact_match(left: pl.DataFrame, right: pl.DataFrame) -> ExactMatch:
    """Match rows whose key occurs exactly once on each side; flag the rest.

    Both frames carry ``_idx`` (the row number, 0..n-1), ``_key`` and ``_jk`` (the join key;
    equal ``_jk`` values mean equal ``_key`` values)."""
    n_left, n_right = left.height, right.height
    codes, positions = _codes(left, right)
    order = pl.Series(codes).arg_sort().to_numpy()
    sorted_codes, sorted_pos = codes[order], positions[order]
    starts = np.ones(len(sorted_codes), dtype=bool)
    starts[1:] = sorted_codes[1:] != sorted_codes[:-1]
    group = np.cumsum(starts) - 1
    is_left = sorted_pos < n_left
    n_all = np.bincount(group)
    n_l = np.bincount(group, weights=is_left).astype(np.int64)
    n_r = n_all - n_l
    per_row_l = np.zeros(n_left + n_right, dtype=np.int64)
    per_row_r = np.zeros(n_left + n_right, dtype=np.int64)
    per_row_l[sorted_pos] = n_l[group]
    per_row_r[sorted_pos] = n_r[group]

    # A one-to-one key is a run of two rows: the lower position is the left row.
    first = np.flatnonzero(starts)[(n_l == 1) & (n_r == 1)]
    idx_l = np.minimum(sorted_pos[first], sorted_pos[first + 1])
    idx_r = np.maximum(sorted_pos[first], sorted_pos[first + 1]) - n_left
    left_status = _status(left, per_row_l[:n_left], per_row_r[:n_left])
    right_status = _status(right, per_row_r[n_left:], per_row_l[n_left:])
    pairs = pl.DataFrame(
        {"_idx_l": idx_l, "_idx_r": idx_r}, schema={"_idx_l": pl.Int64, "_idx_r": pl.Int64}
    ).with_columns(left[KEY].gather(idx_l))
    return ExactMatch(pairs=pairs, left=left_status, right=right_status)
