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
from collections.abc import Sequence

import polars as pl

from bansos_cli.core.redact import (
    ID_RUN_DIGITS,
    KEEP_HEAD,
    KEEP_TAIL,
    mask_digit_runs,
    mask_id,
    mask_text,
)

__all__ = [
    "KEEP_HEAD",
    "KEEP_TAIL",
    "identifier_columns",
    "mask_digit_runs",
    "mask_frame",
    "mask_id",
    "mask_id_expr",
    "mask_id_runs_expr",
    "mask_text",
    "masked_names",
    "pseudonymise",
    "pseudonymise_series",
]


_STARS = "*" * 1024
"""Stars a masked value is cut from (a slice of one literal is several times faster than
building a list of stars per row); a value longer than this keeps this many."""


def mask_id_expr(expr: pl.Expr) -> pl.Expr:
    """The vectorised form of :func:`mask_id` for a text column."""
    n = expr.str.len_chars()
    stars = pl.lit(_STARS)
    masked = pl.concat_str(
        [
            expr.str.slice(0, KEEP_HEAD),
            stars.str.slice(0, (n - KEEP_HEAD - KEEP_TAIL).clip(0)),
            expr.str.slice(-KEEP_TAIL, KEEP_TAIL),
        ]
    )
    return (
        pl.when(expr.is_null())
        .then(None)
        .when(n <= KEEP_HEAD + KEEP_TAIL)
        .then(stars.str.slice(0, n))
        .otherwise(masked)
    )


# -- masking by content: identifiers wherever they stand ----------------------------------------

ID_RUN = r"([0-9]{4})[0-9]{10,}([0-9]{2})"
"""A run of 16 or more ASCII digits inside a text value: a NIK or KK number (or more than one
written together). The regular expression matches a whole run: it starts at the run's first
digit (leftmost match) and runs to its last (greedy), so no look-around is needed."""
_ID_RUN_MASKED = "${1}**********${2}"

_ID_SEPARATORS = r"[\s.\-'`]"
_ID_LIKE = r"^(1[1-9]|[2-9][0-9])(0[1-9]|[1-9][0-9])[0-9]{12}$"
"""16 digits whose province (11-99) and regency (01-99) codes could be real: the structure
of a NIK or KK number (DOMAIN.md §2-3), after spaces, dots, dashes and apostrophes."""
ID_COLUMN_SHARE = 0.5
"""A text column is an identifier column when at least this share of its values look like a
NIK or KK number (``NIK IBU``, ``NIK KEPALA KELUARGA``, ``NOMOR KTP LAMA``)."""
ID_COLUMN_SAMPLE = 2000
"""Values (the first non-empty ones among the first :data:`ID_SAMPLE_ROWS` rows) looked at
per column to decide."""
ID_SAMPLE_ROWS = 50_000
_RUN_PRESENT = r"[0-9]{16}"


def mask_id_runs_expr(expr: pl.Expr) -> pl.Expr:
    """Every run of 16+ digits inside a text value masked like an identifier:
    ``pindah dari NIK 3201014102800077`` -> ``pindah dari NIK 3201**********77``."""
    return expr.str.replace_all(ID_RUN, _ID_RUN_MASKED)


def looks_like_id_expr(expr: pl.Expr) -> pl.Expr:
    """True where a text value has the structure of a NIK or KK number (see :data:`_ID_LIKE`)."""
    return expr.str.replace_all(_ID_SEPARATORS, "").str.contains(_ID_LIKE)


def identifier_columns(
    frame: pl.DataFrame, known: Sequence[str] = (), *, exclude: Sequence[str] = ()
) -> list[str]:
    """The columns of ``frame`` that hold identifiers: ``known`` ones present, then every text
    column whose values mostly look like a NIK or KK number (:data:`ID_COLUMN_SHARE` of its
    first :data:`ID_COLUMN_SAMPLE` non-empty values), whatever its header says."""
    found = [c for c in known if c in frame.columns]
    candidates = [
        c
        for c, dtype in frame.schema.items()
        if dtype == pl.String and c not in found and c not in exclude
    ]
    if not candidates or frame.is_empty():
        return found
    sample = frame.head(ID_SAMPLE_ROWS)
    shares = sample.select(
        looks_like_id_expr(
            pl.col(c).drop_nulls().filter(pl.col(c).drop_nulls() != "").head(ID_COLUMN_SAMPLE)
        )
        .mean()
        .alias(c)
        for c in candidates
    ).row(0)
    found += [
        c for c, share in zip(candidates, shares, strict=True) if (share or 0) >= ID_COLUMN_SHARE
    ]
    return found


def mask_frame(
    frame: pl.DataFrame, known: Sequence[str] = (), *, exclude: Sequence[str] = ()
) -> pl.DataFrame:
    """``frame`` with its identifiers masked by content, not by header: the identifier columns
    (:func:`identifier_columns`) value by value (:func:`mask_id_expr`), every 16+ digit run in
    the other text columns (:func:`mask_id_runs_expr`), and a column *name* holding such a run
    (a data row read as the header). Columns in ``exclude`` and non-text columns stay."""
    ids = set(identifier_columns(frame, known, exclude=exclude))
    exprs = [mask_id_expr(pl.col(c).cast(pl.String)).alias(c) for c in frame.columns if c in ids]
    exprs += [
        mask_id_runs_expr(pl.col(c)).alias(c) for c in text_with_runs(frame, {*ids, *exclude})
    ]
    out = frame.with_columns(exprs) if exprs else frame
    return out.rename(masked_names(out.columns))


def text_with_runs(frame: pl.DataFrame, skip: set[str] | Sequence[str] = ()) -> list[str]:
    """The text columns of ``frame`` that hold a 16+ digit run somewhere. Cheap first: a
    column whose longest value is shorter than 16 characters cannot, and the regular
    expression search (one pass, all columns in parallel) is faster than a replacement, so
    only the columns that need it are rewritten."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String and c not in skip]
    if not text or frame.is_empty():
        return []
    longest = frame.select(pl.col(c).str.len_bytes().max() for c in text).row(0)
    long = [c for c, n in zip(text, longest, strict=True) if (n or 0) >= ID_RUN_DIGITS]
    if not long:
        return []
    hits = frame.select(pl.col(c).str.contains(_RUN_PRESENT).any() for c in long).row(0)
    return [c for c, hit in zip(long, hits, strict=True) if hit]


def masked_names(names: Sequence[str]) -> dict[str, str]:
    """``old -> new`` for the names that hold a 16+ digit run (:func:`mask_text`), kept
    distinct (``_2``, ...): a data row read as the header."""
    renamed: dict[str, str] = {}
    taken = set(names)
    for name in names:
        new = mask_text(name)
        if new == name:
            continue
        base, n = new, 2
        while new in taken:
            new, n = f"{base}_{n}", n + 1
        taken.add(new)
        renamed[name] = new
    return renamed


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
