"""Masking of personal identifiers (NIK, KK) for terminal output and shared files.

NIKs and KK numbers are personal data (UU 27/2022). Nothing that reaches a terminal, a log or
an error message may carry a full identifier; use :func:`mask_id` / :func:`mask_id_expr`.
"""

from __future__ import annotations

import hashlib
import hmac

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


def pseudonymise(value: str, key: bytes) -> str:
    """Keyed pseudonym (HMAC-SHA256, 16 hex chars) of one identifier: stable for one key."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
