"""Turn any text table into the comparison fields of the duplicate search.

The input follows the ingest contract (text columns plus ``_source``/``_sheet``/``_row``);
:class:`~bansos_cli.dedup.config.FieldMap` says which column holds which field. Birth dates
and sex codes are read with the shared lenient casts of :mod:`bansos_cli.core.casts` (a date
or null; two-digit years are read as 19yy, since there is no reference date here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from bansos_cli.core import casts, names
from bansos_cli.core.columns import ROW, SHEET, SOURCE, canonical_for, passthrough_name
from bansos_cli.core.errors import OptionError
from bansos_cli.core.nik import clean_id, is_id_shape
from bansos_cli.core.vocabulary import RID
from bansos_cli.dedup.config import DedupConfig, FieldMap

_WORKERS = 4
"""Threads building the independent keys of :func:`prepare` at once."""


def resolve_column(frame: pl.DataFrame, wanted: str | None) -> str | None:
    """The frame column for a mapped field: exact name, canonical synonym or snake_case form."""
    if wanted is None:
        return None
    if wanted in frame.columns:
        return wanted
    for candidate in (canonical_for(wanted), passthrough_name(wanted)):
        if candidate and candidate in frame.columns:
            return candidate
    return None


def _default_date_expr(dob: pl.Expr, defaults: Sequence[str]) -> pl.Expr:
    flags = [pl.lit(False)]
    for item in defaults:
        month, _, day = item.partition("-")
        cond = dob.dt.day() == int(day)
        if month != "*":
            cond = cond & (dob.dt.month() == int(month))
        flags.append(cond)
    return pl.any_horizontal(flags).fill_null(False)


def _text(frame: pl.DataFrame, column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit(None, pl.String)
    return pl.col(column).cast(pl.String)


def _upper_key(expr: pl.Expr) -> pl.Expr:
    key = (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}+", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z0-9]+", " ")
        .str.strip_chars()
    )
    return pl.when(key == "").then(None).otherwise(key)


def _address(frame: pl.DataFrame, col: dict[str, str | None]) -> pl.Expr:
    """The address cell, with RT and RW appended when the list has them as columns."""
    parts = [_text(frame, col["alamat"])]
    for label in ("rt", "rw"):
        if col[label] is not None:
            value = _text(frame, col[label]).str.strip_chars()
            parts.append(pl.when(value != "").then(pl.lit(label.upper() + " ") + value))
    joined = pl.concat_str(parts, separator=" ", ignore_nulls=True).str.strip_chars()
    return pl.when(joined == "").then(None).otherwise(joined)


def _address_key(expr: pl.Expr) -> pl.Expr:
    """Upper case, punctuation as spaces, numbers without leading zeros (``RT 001`` =
    ``RT 1``), ``JALAN``/``JLN`` as ``JL``."""
    key = (
        _upper_key(expr)
        .str.replace_all(r"\b0+(\d)", "${1}")
        .str.replace_all(r"\b(?:JALAN|JLN)\b", "JL")
        .str.replace_all(r"\b(?:NOMOR|NO)\b", "")
        .str.replace_all(r" +", " ")
        .str.strip_chars()
    )
    return pl.when(key == "").then(None).otherwise(key)


def _digits_key(expr: pl.Expr) -> pl.Expr:
    key = expr.str.replace_all(r"[^0-9]", "")
    return pl.when(key == "").then(None).otherwise(key)


def _id_key(expr: pl.Expr) -> pl.Expr:
    key = _upper_key(expr).str.replace_all(" ", "")
    return pl.when((key == "") | key.str.contains(r"^0+$")).then(None).otherwise(key)


def _head_expr(expr: pl.Expr) -> pl.Expr:
    value = expr.str.strip_chars().str.to_uppercase()
    return (value.is_in(["1", "01", "KK", "KRT"]) | value.str.contains("KEPALA")).fill_null(False)


def prepare(frame: pl.DataFrame, config: DedupConfig) -> pl.DataFrame:
    """The comparison fields of every record, one row per input row in input order.

    Columns: ``_rid``, ``nik``, ``kk``, ``name_key``, ``given_key``, ``tokens`` (folded),
    ``initials``, ``has_initial``, ``full_key`` (for abbreviations), ``name_info``,
    ``deceased``, ``dob`` (date), ``dob_default``, ``sex``, ``mother_key``,
    ``place_key``, ``kab_key``, ``kec_key``, ``desa_key``, ``is_head``, ``job_key``
    (occupation, upper case without punctuation), ``addr_key`` (address with RT/RW, numbers
    without leading zeros), ``pos_key`` (postcode digits), ``id_key`` (the generic
    identifier, letters and digits only), ``source`` (the input file, for linkage mode).
    """
    fields: FieldMap = config.fields
    col = {name: resolve_column(frame, getattr(fields, name)) for name in FieldMap.model_fields}
    if col["nama"] is None:
        raise OptionError.of("DEDUP_NO_NAME_COLUMN", column=fields.nama)
    # The names are the longest of the independent keys: they start from the two name
    # columns alone, beside the select of every other field (the address join, the casts).
    spelled = frame.select(
        pl.col(col["nama"]).cast(pl.String).alias("_nama"),
        _text(frame, col["nama_ibu_kandung"]).alias("_ibu"),
    )
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        # Each distinct name and mother's name is normalised once.
        by_name_job = pool.submit(
            lambda: _with_name_info(names.name_parts(_distinct(spelled, "_nama"), "_nama"), spelled)
        )
        by_mother_job = pool.submit(
            lambda: names.name_keys(_distinct(spelled, "_ibu"), "_ibu", "mother_key")
        )
        raw = frame.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias(RID),
            _text(frame, col["nik"]).alias("_nik"),
            _text(frame, col["no_kk"]).alias("_kk"),
            pl.col(col["nama"]).cast(pl.String).alias("_nama"),
            _text(frame, col["nama_ibu_kandung"]).alias("_ibu"),
            _text(frame, col["tanggal_lahir"]).alias("_lahir"),
            _text(frame, col["jenis_kelamin"]).alias("_jk"),
            _text(frame, col["tempat_lahir"]).alias("_tempat"),
            _text(frame, col["kabupaten"]).alias("_kab"),
            _text(frame, col["kecamatan"]).alias("_kec"),
            _text(frame, col["desa"]).alias("_desa"),
            _text(frame, col["hubungan_keluarga"]).alias("_hub"),
            _text(frame, col["pekerjaan"]).alias("_kerja"),
            _address(frame, col).alias("_alamat"),
            _text(frame, col["kode_pos"]).alias("_pos"),
            _text(frame, col["no_identitas"]).alias("_id"),
            (pl.col(SOURCE).cast(pl.String) if SOURCE in frame.columns else pl.lit("")).alias(
                "source"
            ),
        )
        # The keys below are independent of each other, and polars releases the GIL: they are
        # built side by side (most of this work runs on one core each).
        nik_job = pool.submit(_clean_ids, raw, "_nik")
        kk_job = pool.submit(_clean_ids, raw, "_kk")
        keys = _distinct_keys(raw)
        keyed = raw.with_columns(nik_job.result().alias("nik"), kk_job.result().alias("kk"), *keys)
        by_name = by_name_job.result()
        by_mother = by_mother_job.result()
    prepared = (
        keyed.join(by_name, on="_nama", how="left", nulls_equal=True, maintain_order="left")
        .join(by_mother, on="_ibu", how="left", nulls_equal=True, maintain_order="left")
        .select(
            RID,
            "nik",
            "kk",
            "name_key",
            "given_key",
            "tokens",
            "initials",
            "has_initial",
            "full_key",
            "deceased",
            "dob",
            "sex",
            "mother_key",
            "place_key",
            "kab_key",
            "kec_key",
            "desa_key",
            "is_head",
            "job_key",
            "addr_key",
            "pos_key",
            "id_key",
            "source",
            "name_info",
        )  # fmt: skip
        .with_columns(
            pl.col("deceased").fill_null(False),
            _default_date_expr(pl.col("dob"), config.default_dates).alias("dob_default"),
        )
        # name_info last, where the other stages expect it.
        .select(pl.exclude("name_info"), pl.col("name_info").fill_null(0.0))
    )
    return prepared


def _distinct_keys(raw: pl.DataFrame) -> pl.DataFrame:
    """Birth dates, sex codes, places, occupations, addresses, postcodes and identifiers.

    Dates, codes and places repeat a lot: each distinct value is read once.
    """
    return casts.per_distinct(
        raw,
        {
            "_lahir": casts.date_build(
                "_lahir", date_name="dob", state_name=None, reference=casts.TWENTIETH_CENTURY
            ),
            "_jk": _build("_jk", "sex", casts.parse_sex),
            "_tempat": _build(
                "_tempat", "place_key", lambda e: names.fold_spelling_expr(_upper_key(e))
            ),
            "_kab": _build("_kab", "kab_key", _upper_key),
            "_kec": _build("_kec", "kec_key", _upper_key),
            "_desa": _build("_desa", "desa_key", _upper_key),
            "_kerja": _build("_kerja", "job_key", _upper_key),
            "_hub": _build("_hub", "is_head", _head_expr),
            "_alamat": _build("_alamat", "addr_key", _address_key),
            "_pos": _build("_pos", "pos_key", _digits_key),
            "_id": _build("_id", "id_key", _id_key),
        },
    )


def _build(column: str, target: str, key: Callable[[pl.Expr], pl.Expr]) -> casts.Build:
    """A :data:`~bansos_cli.core.casts.Build` adding ``target`` = ``key(column)``."""

    def build(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.with_columns(key(pl.col(column)).alias(target))

    return build


def _clean_ids(frame: pl.DataFrame, column: str) -> pl.Series:
    """NIK/KK text cleaned (:func:`~bansos_cli.core.nik.clean_id`), null unless 16 digits.

    Most cells already hold 16 plain digits: only the others go through the cleaner.
    """
    text = pl.col(column)
    plain = is_id_shape(text).fill_null(False)
    odd = (
        frame.filter(plain.not_() & text.is_not_null())
        .select(text.unique())
        .with_columns(clean_id(text).alias("_clean"))
        .with_columns(pl.when(is_id_shape(pl.col("_clean"))).then(pl.col("_clean")))
    )
    return (
        frame.select(column)
        .join(odd, on=column, how="left", maintain_order="left")
        .select(pl.when(plain).then(text).otherwise(pl.col("_clean")))
        .to_series()
    )


def _distinct(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.select(pl.col(column).unique())


def _with_name_info(by_name: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Add ``name_info`` to the distinct names: the summed evidence weight of the name's
    tokens, each token weighed by the records (not the distinct names) that carry it."""
    records = raw.group_by("_nama").len()
    per_name = by_name.select("_nama", "tokens").join(
        records, on="_nama", how="left", nulls_equal=True, maintain_order="left"
    )
    weights = names.token_weights(per_name["tokens"], per_name["len"])
    index = pl.int_range(pl.len(), dtype=pl.UInt32).alias("_k")
    info = (
        per_name.select(index, "tokens")
        .explode("tokens")
        .join(weights.select(pl.col("token").alias("tokens"), "weight"), on="tokens", how="left")
        .group_by("_k")
        .agg(pl.col("weight").sum().alias("name_info"))
    )
    # A name without tokens (``ALMH.``: only a deceased marker) explodes to no row at all.
    return (
        by_name.with_columns(index)
        .join(info, on="_k", how="left", maintain_order="left")
        .drop("_k")
        .with_columns(pl.col("name_info").fill_null(0.0))
    )


def meta_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """``_source``, ``_sheet``, ``_row`` of every record (filled when the input lacks them)."""
    exprs = []
    for column, default in ((SOURCE, pl.lit("", pl.String)), (SHEET, pl.lit("", pl.String))):
        exprs.append(pl.col(column).cast(pl.String) if column in frame.columns else default)
    row = (
        pl.col(ROW).cast(pl.Int64, strict=False)
        if ROW in frame.columns
        else pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    return frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(RID),
        exprs[0].alias(SOURCE),
        exprs[1].alias(SHEET),
        row.alias(ROW),
    )
