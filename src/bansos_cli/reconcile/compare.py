"""Per-field comparison of matched pairs.

Works on a frame of pairs whose left and right values sit in ``<field>_left`` and
``<field>_right`` columns, and adds ``<field>_differs`` (Boolean) for every compared field,
the name score, the amount difference and ``differences`` (the differing fields,
comma-separated).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.vocabulary import (
    DIFFERENCE_RP,
    DIFFERENCES,
    LEFT,
    NAME_SCORE,
    NAME_STATUS,
    RIGHT,
    RP,
    differs_column,
    sided,
)
from bansos_cli.reconcile.keys import (
    folded_name_expr,
    id_key_expr,
    map_unique,
    name_key_expr,
    text_key_expr,
)
from bansos_cli.reconcile.model import (
    NAME_DIFFERENT,
    NAME_SAME,
    NAME_VARIANT,
    ReconcileOptions,
)

AMOUNT_LEFT = sided(RP, LEFT)
AMOUNT_RIGHT = sided(RP, RIGHT)

KEY_LEFT = "_kl_"
KEY_RIGHT = "_kr_"
"""Prefixes of the normalised key parts the engine puts beside each pair."""


def _comparable(field: str, options: ReconcileOptions, column: str) -> pl.Expr:
    col = pl.col(column)
    if field in ID_COLUMNS:
        # Formatting (spaces, dots, '.0') is not a difference; a different number is.
        return pl.coalesce(id_key_expr(col), text_key_expr(col))
    if field == options.name and options.case_insensitive:
        return name_key_expr(col)
    return text_key_expr(col, insensitive=options.case_insensitive)


def _text_differs(pairs: pl.DataFrame, field: str, options: ReconcileOptions) -> pl.Series:
    """Raw cells first (cheap); only cells that differ as written are normalised and compared."""
    left, right = pairs[sided(field, LEFT)], pairs[sided(field, RIGHT)]
    differs = left.ne_missing(right)
    todo = differs.arg_true()
    if todo.len() == 0:
        return differs
    # Normalise each distinct spelling once (lists repeat names of places and programs).
    comparable = _comparable(field, options, "v")
    left_norm = map_unique(left.gather(todo), comparable)
    right_norm = map_unique(right.gather(todo), comparable)
    return differs.scatter(todo, left_norm.ne_missing(right_norm))


def compare_pairs(
    pairs: pl.DataFrame, fields: Sequence[str], options: ReconcileOptions
) -> pl.DataFrame:
    """Add the difference columns to a frame of pairs (see the module docstring).

    Key fields are compared on the normalised key parts (``_kl_<key>``/``_kr_<key>``): equal
    by construction for pairs found on the key, different for a fuzzy pair with a mistyped NIK.
    """
    columns: list[pl.Series | pl.Expr] = []
    for field in fields:
        name = differs_column(field)
        if field == options.amount:
            diff = pl.col(AMOUNT_RIGHT) - pl.col(AMOUNT_LEFT)
            columns.append(
                pl.when(pl.col(AMOUNT_LEFT).is_null() | pl.col(AMOUNT_RIGHT).is_null())
                .then(pl.col(AMOUNT_LEFT).is_null() != pl.col(AMOUNT_RIGHT).is_null())
                .otherwise(diff.abs() > options.amount_tolerance)
                .alias(name)
            )
        elif field in options.keys:
            columns.append(
                pl.col(KEY_LEFT + field).ne_missing(pl.col(KEY_RIGHT + field)).alias(name)
            )
        else:
            columns.append(_text_differs(pairs, field, options).alias(name))
    out = pairs.with_columns(columns)
    if options.amount in fields:
        out = out.with_columns((pl.col(AMOUNT_RIGHT) - pl.col(AMOUNT_LEFT)).alias(DIFFERENCE_RP))
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
    return out


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
