"""Normalised match keys and comparable values, as polars expressions.

Everything here is vectorised: the functions take and return ``pl.Expr`` so the same code
runs eagerly, lazily, or on another query engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bansos_cli.core import casts, names, nik
from bansos_cli.core.columns import ID_COLUMNS

KEY_SEPARATOR = "|"
"""Joins the parts of a composite key (``--key nik,periode``)."""

DATE_COLUMNS: tuple[str, ...] = ("tanggal_lahir", "tanggal_salur")
"""Canonical columns holding dates: compared as dates whatever their format."""


def id_key_expr(expr: pl.Expr) -> pl.Expr:
    """NIK/KK as a match key: ASCII digits only, or null when the cell holds no usable number.

    Drops the trailing ``.0`` Excel adds to number cells, then uses the shared identifier
    cleaning (:func:`bansos_cli.core.nik.clean_id`: spaces, dots, dashes and apostrophes
    removed, full-width and Arabic-Indic digits folded). Anything that still is not all digits
    (``3.20101E+15``, ``-``, ``TIDAK ADA``) gives null: such rows cannot be matched on the key
    and are reported as unmatched (or found by the fuzzy fallback), never wrongly paired.
    """
    text = nik.clean_id(expr.cast(pl.String).str.strip_chars().str.replace(r"\.0$", ""))
    return pl.when(nik.is_digits(text)).then(text).otherwise(None)


def text_key_expr(expr: pl.Expr, *, insensitive: bool = True) -> pl.Expr:
    """A text cell for comparison: empty -> null; optionally upper case with spaces collapsed."""
    text = expr.cast(pl.String)
    if insensitive:
        text = text.str.replace_all(r"[\s\u00a0]+", " ").str.strip_chars().str.to_uppercase()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def key_part_expr(column: str, *, insensitive: bool = True) -> pl.Expr:
    """The normalised form of one key column (identifier rules for NIK/KK, text otherwise)."""
    if column in ID_COLUMNS:
        return id_key_expr(pl.col(column))
    return text_key_expr(pl.col(column), insensitive=insensitive)


def composite_key_expr(columns: Sequence[str], *, insensitive: bool = True) -> pl.Expr:
    """One key string from several columns; null when any part is missing."""
    parts = [key_part_expr(c, insensitive=insensitive) for c in columns]
    if len(parts) == 1:
        return parts[0]
    # concat_str gives null as soon as one part is null: a half key must not match.
    return pl.concat_str(parts, separator=KEY_SEPARATOR)


def number_expr(expr: pl.Expr) -> pl.Expr:
    """Parse a number as Indonesian lists write it (Float64); unreadable -> null.

    Accepts ``Rp 1.200.000``, ``1.200.000,00``, ``Rp1.200.000,-``, ``1200000``,
    ``1,200,000.00``, ``1200000.0`` (a number cell), ``1.2E+06``, ``2,5`` and ``(1.200)``
    (negative). Dots followed by exactly three digits are thousands separators (the
    Indonesian convention); a comma or dot followed by one or two digits at the end is the
    decimal mark.
    """
    text = (
        expr.cast(pl.String)
        .str.to_uppercase()
        .str.replace_all(r"[\s\u00a0]+", "")
        .str.replace(r"^(RP\.?|IDR)", "")
        .str.replace(r"[,.]-+$", "")
    )
    negative = text.str.contains(r"^-|^\(.*\)$")
    body = text.str.replace(r"^-", "").str.replace(r"^\((.*)\)$", "$1")
    dot_thousands = body.str.contains(r"^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
    comma_thousands = body.str.contains(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
    comma_decimal = body.str.contains(r"^[0-9]+,[0-9]{1,2}$")
    plain = body.str.contains(r"^[0-9]+(\.[0-9]+)?$")
    scientific = body.str.contains(r"^[0-9]+(\.[0-9]+)?E[+-]?[0-9]+$")
    canonical = (
        pl.when(dot_thousands)
        .then(body.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(comma_thousands)
        .then(body.str.replace_all(",", ""))
        .when(comma_decimal)
        .then(body.str.replace(",", "."))
        .when(plain | scientific)
        .then(body)
        .otherwise(None)
    )
    value = canonical.cast(pl.Float64, strict=False)
    return pl.when(negative).then(-value).otherwise(value)


def amount_expr(expr: pl.Expr) -> pl.Expr:
    """Parse an Indonesian money amount to whole rupiah (Int64); unreadable -> null.

    :func:`number_expr` rounded to whole rupiah (cents are rounded).
    """
    return number_expr(expr).round(0).cast(pl.Int64, strict=False)


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """A name for comparison: upper case, punctuation dropped, spaces collapsed.

    ``MA'RUF`` -> ``MARUF``, ``Siti  Aminah.`` -> ``SITI AMINAH``. Never used to rewrite the
    officer's data, only to compare.
    """
    text = (
        expr.cast(pl.String)
        .str.to_uppercase()
        .str.replace_all(r"[.,'`\u2019\u2018]", "")
        .str.replace_all(r"[\s\u00a0\-]+", " ")
        .str.strip_chars()
    )
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def folded_name_expr(expr: pl.Expr) -> pl.Expr:
    """The spelling-class key of a name (:func:`bansos_cli.core.names.name_key_expr`):
    titles and degrees dropped, ``SOEKARNO``/``SUKARNO`` folded, tokens sorted."""
    return names.name_key_expr(expr.cast(pl.String))


def id_key_series(values: pl.Series) -> pl.Series:
    """:func:`id_key_expr` applied to a column, fast for the common case.

    Cells that already are plain ASCII digits are their own key; the full cleaning (Unicode
    normalisation, separators) only runs on the other cells. Same result, a fraction of the
    time on million-row lists.
    """
    values = values.cast(pl.String)
    clean = values.str.contains(r"^[0-9]+$").fill_null(False)
    dirty = (~clean).arg_true()
    if dirty.len() == 0:
        return values
    fixed = values.gather(dirty).to_frame("v").select(id_key_expr(pl.col("v"))).to_series()
    return values.scatter(dirty, fixed)


def map_unique(values: pl.Series, expr: pl.Expr) -> pl.Series:
    """Evaluate ``expr`` (written on ``pl.col("v")``) once per distinct value of ``values``.

    Amounts, names and region names repeat heavily in beneficiary lists, so this turns an
    expensive per-row expression into a cheap join.
    """
    distinct = values.unique().to_frame("v").with_columns(expr.alias("out"))
    return (
        values.to_frame("v")
        .join(distinct, on="v", how="left", maintain_order="left", nulls_equal=True)
        .get_column("out")
    )


def date_key_series(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Dates as ``YYYY-MM-DD`` whatever their format (DOMAIN.md §4; the normalised text
    itself when it is not a readable date), and the parsed date (null when unreadable).
    Each distinct text is parsed once."""
    parsed = casts.parse_date(values, reference=None)["date"]
    text = map_unique(values, text_key_expr(pl.col("v")))
    iso = pl.select(pl.coalesce(parsed.dt.strftime("%Y-%m-%d"), text)).to_series()
    return iso, parsed
