"""The KTP occupation reference: official labels and common variants, with categories.

Exclusions name categories (``ASN``, ``TNI``, ``POLRI``...), never spellings: the table
``data/occupations/`` (its README names the source) maps every official label and the
variants seen in exports to a category. Values are compared after upper-casing and turning
every character other than a letter or digit into a space; an unmatched value containing a
telling word (``PNS``, ``TNI``...) still gets that category; anything else has none (null).
"""

from __future__ import annotations

import functools
from importlib import resources

import polars as pl

_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"^(PENSIUNAN|PURNAWIRAWAN)\b.*\b(PNS|ASN|TNI|POLRI|POLISI)\b", "PENSIUNAN_ASN"),
    (r"\b(PNS|ASN|PPPK|CPNS)\b", "ASN"),
    (r"\bTNI\b", "TNI"),
    (r"\bPOLRI\b", "POLRI"),
    (r"\bBUMN\b", "BUMN"),
    (r"\bBUMD\b", "BUMD"),
    (r"\b(DPR|DPRD|DPD)\b", "PEJABAT_NEGARA"),
)
"""Categories of values that are neither a label nor a variant, tried in this order."""


def normalise(expr: pl.Expr) -> pl.Expr:
    """Upper case, every non-alphanumeric character a space, spaces collapsed."""
    return (
        expr.str.normalize("NFKC")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z0-9]+", " ")
        .str.strip_chars()
    )


@functools.cache
def table() -> pl.DataFrame:
    """``key`` (normalised label or variant) -> ``category``; labels first."""
    folder = resources.files("bansos_cli.data").joinpath("occupations")
    labels = pl.read_csv(
        folder.joinpath("ktp_occupations.csv").read_bytes(), schema_overrides={"code": pl.Int64}
    )
    variants = pl.read_csv(folder.joinpath("occupation_variants.csv").read_bytes())
    both = pl.concat(
        [
            labels.select(pl.col("label").alias("text"), "category"),
            variants.select(pl.col("variant").alias("text"), "category"),
        ]
    )
    return both.select(normalise(pl.col("text")).alias("key"), "category").unique(
        "key", keep="first", maintain_order=True
    )


def labels() -> pl.DataFrame:
    """The official labels (``code``, ``label``, ``category``)."""
    folder = resources.files("bansos_cli.data").joinpath("occupations")
    return pl.read_csv(folder.joinpath("ktp_occupations.csv").read_bytes())


def categorise(values: pl.Series) -> pl.Series:
    """The category of every value (null: empty or not recognised), one lookup per distinct."""
    distinct = values.cast(pl.String).unique().to_frame("text").drop_nulls()
    keyed = distinct.with_columns(normalise(pl.col("text")).alias("key"))
    found = keyed.join(table(), on="key", how="left")
    fallback = pl.lit(None, dtype=pl.String)
    for pattern, category in reversed(_KEYWORDS):
        fallback = (
            pl.when(pl.col("key").str.contains(pattern)).then(pl.lit(category)).otherwise(fallback)
        )
    found = found.with_columns(
        pl.when(pl.col("key") == "")
        .then(None)
        .otherwise(pl.coalesce("category", fallback))
        .alias("category")
    )
    return values.cast(pl.String).replace_strict(
        found["text"], found["category"], default=None, return_dtype=pl.String
    )


__all__ = ["categorise", "labels", "normalise", "table"]
