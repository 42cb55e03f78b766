"""Per-field comparison of matched pairs, and the column-level statistics of it.

Works on a frame of pairs whose left and right values sit in ``<field>_left`` and
``<field>_right`` columns, and adds ``<field>_differs`` (Boolean) for every compared field,
the name score and ``differences`` (the differing fields, comma-separated). Each field is
compared by its kind: identifiers on their normalised digits, the name with a similarity
score, the amount and every column given a tolerance as numbers (absolute and/or relative
tolerance, as datacompy does), everything else as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.vocabulary import (
    ABS_TOLERANCE,
    COLUMN,
    DIFFERENCES,
    EQUAL,
    KIND,
    LEFT,
    MATCH_RATE,
    MAX_DIFFERENCE,
    NAME_SCORE,
    NAME_STATUS,
    NULL_MISMATCHES,
    PAIR_COUNT,
    REL_TOLERANCE,
    RIGHT,
    RP,
    UNEQUAL,
    WITHIN_TOLERANCE,
    differs_column,
    sided,
)
from bansos_cli.reconcile.keys import (
    DATE_COLUMNS,
    date_key_series,
    folded_name_expr,
    id_key_expr,
    map_unique,
    name_key_expr,
    number_expr,
    text_key_expr,
)
from bansos_cli.reconcile.model import (
    NAME_DIFFERENT,
    NAME_SAME,
    NAME_VARIANT,
    ReconcileOptions,
)
from bansos_cli.reconcile.tolerance import Tolerance

AMOUNT_LEFT = sided(RP, LEFT)
AMOUNT_RIGHT = sided(RP, RIGHT)

KEY_LEFT = "_kl_"
KEY_RIGHT = "_kr_"
"""Prefixes of the normalised key parts the engine puts beside each pair."""

# Column kinds (column ``kind`` of column_stats): codes, like every value bansos writes.
KIND_ID = "identitas"
KIND_NAME = "nama"
KIND_NUMBER = "angka"
KIND_DATE = "tanggal"
KIND_TEXT = "teks"

STATS_SCHEMA = {
    COLUMN: pl.String,
    KIND: pl.String,
    PAIR_COUNT: pl.Int64,
    EQUAL: pl.Int64,
    UNEQUAL: pl.Int64,
    MATCH_RATE: pl.Float64,
    NULL_MISMATCHES: pl.Int64,
    WITHIN_TOLERANCE: pl.Int64,
    MAX_DIFFERENCE: pl.Float64,
    ABS_TOLERANCE: pl.Float64,
    REL_TOLERANCE: pl.Float64,
}
"""``column_stats`` (core.vocabulary.COLUMN_STATS), in this order."""


@dataclass
class Comparison:
    """The pairs with their difference columns, and one statistics row per field."""

    frame: pl.DataFrame
    stats: pl.DataFrame


def _kind(field: str, options: ReconcileOptions, tolerances: dict[str, Tolerance]) -> str:
    if field == options.amount or field in tolerances:
        return KIND_NUMBER
    if field in ID_COLUMNS or field in options.keys:
        return KIND_ID
    if field == options.name:
        return KIND_NAME
    if field in DATE_COLUMNS:
        return KIND_DATE
    return KIND_TEXT


def _comparable(field: str, options: ReconcileOptions, column: str) -> pl.Expr:
    col = pl.col(column)
    if field in ID_COLUMNS:
        # Formatting (spaces, dots, '.0') is not a difference; a different number is.
        return pl.coalesce(id_key_expr(col), text_key_expr(col))
    if field == options.name and options.case_insensitive:
        return name_key_expr(col)
    return text_key_expr(col, insensitive=options.case_insensitive)


def _falses(n: int) -> pl.Series:
    return pl.repeat(False, n, dtype=pl.Boolean, eager=True)


def _text_differs(
    pairs: pl.DataFrame, field: str, options: ReconcileOptions
) -> tuple[pl.Series, pl.Series]:
    """Whether each pair's cells differ, and whether one of them is empty and the other not.
    Raw cells first (cheap); only cells that differ as written are normalised and compared
    (a normalised value is null exactly when the cell is empty or blank)."""
    left, right = pairs[sided(field, LEFT)], pairs[sided(field, RIGHT)]
    differs = left.ne_missing(right)
    todo = differs.arg_true()
    if todo.len() == 0:
        return differs, _falses(left.len())
    if field in DATE_COLUMNS:  # 05-06-1970 and 1970-06-05 are one date
        left_norm = date_key_series(left.gather(todo))[0]
        right_norm = date_key_series(right.gather(todo))[0]
    else:
        # Normalise each distinct spelling once (lists repeat names of places and programs).
        comparable = _comparable(field, options, "v")
        left_norm = map_unique(left.gather(todo), comparable)
        right_norm = map_unique(right.gather(todo), comparable)
    empty = left_norm.is_null() != right_norm.is_null()
    return differs.scatter(todo, left_norm.ne_missing(right_norm)), _falses(left.len()).scatter(
        todo, empty
    )


def _null_differs(left: pl.Series, right: pl.Series) -> pl.Series:
    """One side empty (or blank), the other not; only cells that differ as written are looked
    at, each distinct text once."""
    todo = left.ne_missing(right).arg_true()
    flags = _falses(left.len())
    if todo.len() == 0:
        return flags

    def blank(values: pl.Series) -> pl.Series:
        return map_unique(
            values, pl.col("v").cast(pl.String).str.strip_chars().str.len_chars() == 0
        )

    left_blank = blank(left.gather(todo)).fill_null(True)
    right_blank = blank(right.gather(todo)).fill_null(True)
    return flags.scatter(todo, left_blank != right_blank)


@dataclass
class _Field:
    """One compared field: the differs flag and what its statistics need."""

    differs: pl.Series
    null_differs: pl.Series
    difference: pl.Series | None = None
    """Numbers: right - left (null where either side is not a number)."""
    tolerance: Tolerance | None = None


def _numeric(
    left: pl.Series, right: pl.Series, tolerance: Tolerance, text_differs: pl.Series | None
) -> _Field:
    """Numbers compared within ``tolerance``; where a side is not a number, ``text_differs``
    (or, without it, "one side missing") decides."""
    frame = pl.DataFrame({"l": left, "r": right})
    difference = frame.select((pl.col("r") - pl.col("l")).alias("d")).to_series()
    allowed = frame.select(tolerance.allows(pl.col("r") - pl.col("l"), pl.col("l"))).to_series()
    fallback = text_differs if text_differs is not None else left.is_null() != right.is_null()
    both = left.is_not_null() & right.is_not_null()
    differs = pl.select(
        pl.when(both).then(~allowed).otherwise(fallback).fill_null(False)
    ).to_series()
    return _Field(differs, left.is_null() != right.is_null(), difference, tolerance)


def compare_pairs(
    pairs: pl.DataFrame, fields: Sequence[str], options: ReconcileOptions
) -> Comparison:
    """Add the difference columns to a frame of pairs (see the module docstring) and count,
    per field, what datacompy's column statistics count.

    Key fields are compared on the normalised key parts (``_kl_<key>``/``_kr_<key>``): equal
    by construction for pairs found on the key, different for a fuzzy pair with a mistyped NIK.
    """
    tolerances = options.tolerances()
    results: dict[str, _Field] = {}
    for field in fields:
        if field == options.amount:
            left, right = pairs[AMOUNT_LEFT], pairs[AMOUNT_RIGHT]
            tolerance = tolerances.get(field, Tolerance())
            results[field] = _numeric(left, right, tolerance, None)
            results[field].null_differs = _null_differs(
                pairs[sided(field, LEFT)], pairs[sided(field, RIGHT)]
            )
        elif field in options.keys:
            left, right = pairs[KEY_LEFT + field], pairs[KEY_RIGHT + field]
            results[field] = _Field(left.ne_missing(right), left.is_null() != right.is_null())
        elif field in tolerances:
            raw_left, raw_right = pairs[sided(field, LEFT)], pairs[sided(field, RIGHT)]
            left = map_unique(raw_left, number_expr(pl.col("v")))
            right = map_unique(raw_right, number_expr(pl.col("v")))
            text, empty = _text_differs(pairs, field, options)
            results[field] = _numeric(left, right, tolerances[field], text)
            results[field].null_differs = empty
        else:
            results[field] = _Field(*_text_differs(pairs, field, options))
    out = pairs.with_columns([r.differs.alias(differs_column(f)) for f, r in results.items()])
    if options.name in fields:
        out = _name_scores(out, options)
    out = out.with_columns(
        pl.concat_str(
            [pl.when(pl.col(differs_column(f))).then(pl.lit(f)) for f in fields],
            separator=",",
            ignore_nulls=True,
        ).alias(DIFFERENCES)
        if fields
        else pl.lit("").alias(DIFFERENCES)
    )
    return Comparison(out, _stats(pairs.height, results, options, tolerances))


def _stats(
    n_pairs: int, results: dict[str, _Field], options: ReconcileOptions, tolerances: dict
) -> pl.DataFrame:
    rows = []
    for field, r in results.items():
        unequal = int(r.differs.sum())
        within = max_difference = None
        if r.difference is not None:
            moved = r.difference.fill_null(0) != 0
            within = int((moved & ~r.differs).sum())
            largest = r.difference.abs().max()
            max_difference = None if largest is None else float(largest)  # type: ignore[arg-type]
        tol = r.tolerance
        rows.append(
            {
                COLUMN: field,
                KIND: _kind(field, options, tolerances),
                PAIR_COUNT: n_pairs,
                EQUAL: n_pairs - unequal,
                UNEQUAL: unequal,
                MATCH_RATE: round((n_pairs - unequal) / n_pairs, 4) if n_pairs else None,
                NULL_MISMATCHES: int(r.null_differs.sum()),
                WITHIN_TOLERANCE: within if within is not None else 0,
                MAX_DIFFERENCE: max_difference,
                ABS_TOLERANCE: tol.absolute if tol is not None else None,
                REL_TOLERANCE: tol.relative if tol is not None else None,
            }
        )
    return pl.DataFrame(rows, schema=STATS_SCHEMA)


def _name_scores(pairs: pl.DataFrame, options: ReconcileOptions) -> pl.DataFrame:
    """``name_score``: 100 for equal names, else the better rapidfuzz ``WRatio`` of the plain
    names and of their spelling-class keys (titles dropped, ``SOEKARNO``/``SUKARNO`` folded,
    token order ignored); ``name_status``: ``sama``, ``varian`` (score >= threshold) or ``beda``.
    """
    assert options.name is not None
    left, right = pl.col(sided(options.name, LEFT)), pl.col(sided(options.name, RIGHT))
    differs = pl.col(differs_column(options.name))
    # Only pairs with two differing, non-empty names need rapidfuzz: the rest is 100 or null.
    todo = (
        pairs.with_row_index("_i")
        .filter(differs & left.is_not_null() & right.is_not_null())
        .select("_i", left.alias("_l"), right.alias("_r"))
    )
    scores = np.full(pairs.height, np.nan)
    if todo.height:
        # Score each distinct pair of names once (lists repeat names; core.names is costly).
        distinct = todo.select("_l", "_r").unique()
        spellings = pl.concat([distinct["_l"], distinct["_r"]]).unique()
        keys = pl.DataFrame({"_v": spellings}).with_columns(
            name_key_expr(pl.col("_v")).fill_null("").alias("_plain"),
            folded_name_expr(pl.col("_v")).fill_null("").alias("_folded"),
        )
        distinct = distinct.join(keys.rename(lambda c: c + "_l"), left_on="_l", right_on="_v_l")
        distinct = distinct.join(keys.rename(lambda c: c + "_r"), left_on="_r", right_on="_v_r")
        plain = process.cpdist(
            distinct["_plain_l"].to_list(),
            distinct["_plain_r"].to_list(),
            scorer=fuzz.WRatio,
            dtype=np.float64,
        )
        folded = process.cpdist(
            distinct["_folded_l"].to_list(),
            distinct["_folded_r"].to_list(),
            scorer=fuzz.WRatio,
            dtype=np.float64,
        )
        distinct = distinct.with_columns(pl.Series("_s", np.maximum(plain, folded)))
        scored = todo.join(distinct.select("_l", "_r", "_s"), on=["_l", "_r"], how="left")
        scores[scored["_i"].to_numpy()] = scored["_s"].to_numpy()
    both = left.is_not_null() & right.is_not_null()
    score = (
        pl.when(both & ~differs)
        .then(100.0)
        .when(both)
        .then(pl.Series(NAME_SCORE, scores).fill_nan(None).round(1))
        .otherwise(None)
        .alias(NAME_SCORE)
    )
    status = (
        pl.when(~differs)
        .then(pl.lit(NAME_SAME))
        .when(pl.col(NAME_SCORE) >= options.name_threshold)
        .then(pl.lit(NAME_VARIANT))
        .otherwise(pl.lit(NAME_DIFFERENT))
    )
    return pairs.with_columns(score).with_columns(status.alias(NAME_STATUS))
