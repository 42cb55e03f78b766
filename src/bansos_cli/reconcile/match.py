"""Exact matching on a normalised key, with one-to-many detection.

A key found once on each side makes a pair. A key found on both sides but more than once on
either is *ambiguous*: no pair is guessed, every row involved is reported. Rows whose key is
missing or absent from the other side stay unmatched (and may go to the fuzzy fallback).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """``_idx_l``, ``_idx_r``, ``_key``: one row per one-to-one pair."""
    left: pl.DataFrame
    """``_idx``, ``_key``, ``_n_self``, ``_n_other``, ``_status`` for every left row."""
    right: pl.DataFrame
    """The same for every right row (``_n_self`` counts right rows)."""


def _key_counts(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col(JOIN_KEY).is_not_null()).group_by(JOIN_KEY).agg(pl.len().alias("_n"))


def _annotate(frame: pl.DataFrame, own: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    annotated = (
        frame.select(IDX, KEY, JOIN_KEY)
        .join(own.rename({"_n": N_SELF}), on=JOIN_KEY, how="left", maintain_order="left")
        .join(other.rename({"_n": N_OTHER}), on=JOIN_KEY, how="left", maintain_order="left")
        .with_columns(pl.col(N_SELF).fill_null(0), pl.col(N_OTHER).fill_null(0))
    )
    status = (
        pl.when(pl.col(KEY).is_null() | (pl.col(N_OTHER) == 0))
        .then(pl.lit(UNMATCHED))
        .when((pl.col(N_SELF) == 1) & (pl.col(N_OTHER) == 1))
        .then(pl.lit(PAIR))
        .otherwise(pl.lit(AMBIGUOUS))
    )
    return annotated.with_columns(status.alias(STATUS))


def exact_match(left: pl.DataFrame, right: pl.DataFrame) -> ExactMatch:
    """Match rows whose key occurs exactly once on each side; flag the rest.

    Both frames carry ``_idx``, ``_key`` and ``_jk`` (the join key; equal ``_jk`` values
    mean equal ``_key`` values)."""
    left_counts = _key_counts(left)
    right_counts = _key_counts(right)
    left_status = _annotate(left, left_counts, right_counts)
    right_status = _annotate(right, right_counts, left_counts)
    pairs = (
        left_status.filter(pl.col(STATUS) == PAIR)
        .select(pl.col(IDX).alias("_idx_l"), KEY, JOIN_KEY)
        .join(
            right_status.filter(pl.col(STATUS) == PAIR).select(
                pl.col(IDX).alias("_idx_r"), JOIN_KEY
            ),
            on=JOIN_KEY,
            how="inner",
        )
        .select("_idx_l", "_idx_r", KEY)
    )
    return ExactMatch(pairs=pairs, left=left_status, right=right_status)
