"""Masking and pseudonymisation of personal data (NIK, KK, names) for terminal and shared files.

NIKs and KK numbers are personal data (UU 27/2022). Nothing that reaches a terminal, a log or
an error message may carry a full identifier; use :func:`mask_id` / :func:`mask_id_expr`.
A file shared with another office can carry keyed pseudonyms instead
(:func:`pseudonymise_series`): the same NIK gives the same pseudonym under the same secret key,
so two offices holding the key can still match their lists, while the NIK cannot be read back.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

KEEP_HEAD = 4
KEEP_TAIL = 2


def mask_id(value: object) -> str:
    """Mask an identifier for display: ``3201234567890001`` -> ``3201**********01``.

    Short or empty values are masked entirely except their length, so that even a broken
    identifier never leaks.
    """
    if value is None:
        return ""
    text = str(value)
    if len(text) <= KEEP_HEAD + KEEP_TAIL:
        return "*" * len(text)
    return text[:KEEP_HEAD] + "*" * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


_DIGIT_RUN = re.compile(r"\d{6,}")


def mask_digit_runs(text: str) -> str:
    """Free text (a quoted row, an error message) with every run of six or more digits masked
    like an identifier: ``NIK 3201014102800001 salah`` -> ``NIK 3201**********01 salah``."""
    return _DIGIT_RUN.sub(lambda m: mask_id(m.group(0)), text)


def mask_id_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised form of :func:`mask_id` for a text column."""
    n = expr.str.len_chars()
    masked = pl.concat_str(
        [
            expr.str.slice(0, KEEP_HEAD),
            pl.lit("*").repeat_by(n - KEEP_HEAD - KEEP_TAIL).list.join(""),
            expr.str.slice(-KEEP_TAIL, KEEP_TAIL),
        ]
    )
    return (
        pl.when(expr.is_null())
        .then(None)
        .when(n <= KEEP_HEAD + KEEP_TAIL)
        .then(pl.lit("*").repeat_by(n).list.join(""))
        .otherwise(masked)
    )


MIN_KEY_BYTES = 16
"""Shortest secret key accepted for pseudonyms (a 128-bit secret)."""


def pseudonymise(value: str, key: bytes) -> str:
    """Keyed pseudonym (HMAC-SHA256, 16 hex chars) of one identifier: stable for one key."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise_series(values: pl.Series, key: bytes) -> pl.Series:
    """:func:`pseudonymise` of every text value, each distinct value hashed once; nulls stay.

    A keyed hash cannot be a polars expression, so it runs once per *distinct* value (lists
    repeat names, KK numbers and dates) and the results are spread back with a lookup.
    """
    text = values.cast(pl.String)
    distinct = text.drop_nulls().unique()
    tokens = pl.Series([pseudonymise(v, key) for v in distinct.to_list()], dtype=pl.String)
    return text.replace_strict(distinct, tokens, default=None, return_dtype=pl.String).alias(
        values.name
    )
