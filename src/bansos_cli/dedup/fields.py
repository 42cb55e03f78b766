"""Turn any text table into the comparison fields of the duplicate search.

The input follows the ingest contract (text columns plus ``_source``/``_sheet``/``_row``);
:class:`~bansos_cli.dedup.config.FieldMap` says which column holds which field. Birth dates
are parsed leniently here (the validate stage owns the full parser with its findings; dedup
only needs a date or null).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bansos_cli.core import names
from bansos_cli.core.columns import ROW, SHEET, SOURCE, canonical_for, passthrough_name
from bansos_cli.core.errors import OptionError
from bansos_cli.core.nik import clean_id, is_id_shape
from bansos_cli.dedup.config import DedupConfig, FieldMap

RID = "_rid"
"""0-based position of a record in the input frame: the identity used in pairs/clusters."""

_MONTHS = {
    "JANUARI": "01", "JANUARY": "01", "JAN": "01", "FEBRUARI": "02", "FEBRUARY": "02",
    "FEB": "02", "PEB": "02", "MARET": "03", "MARCH": "03", "MAR": "03", "APRIL": "04",
    "APR": "04", "MEI": "05", "MAY": "05", "JUNI": "06", "JUNE": "06", "JUN": "06",
    "JULI": "07", "JULY": "07", "JUL": "07", "AGUSTUS": "08", "AUGUST": "08", "AGU": "08",
    "AGS": "08", "AUG": "08", "SEPTEMBER": "09", "SEP": "09", "SEPT": "09", "OKTOBER": "10",
    "OCTOBER": "10", "OKT": "10", "OCT": "10", "NOVEMBER": "11", "NOV": "11", "NOPEMBER": "11",
    "NOP": "11", "DESEMBER": "12", "DECEMBER": "12", "DES": "12", "DEC": "12",
}  # fmt: skip


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


def birth_date_expr(expr: pl.Expr) -> pl.Expr:
    """Lenient birth date: ISO, ``dd-mm-yyyy``, ``dd/mm/yyyy``, month names, Excel serials."""
    text = expr.str.strip_chars().str.to_uppercase()
    # "17 AGUSTUS 1945", "17-AGU-45": month names to numbers (longest names first).
    words = sorted(_MONTHS, key=len, reverse=True)
    text = text.str.replace_many(words, [f"-{_MONTHS[w]}-" for w in words])
    text = text.str.replace_all(r"[\s./]+", "-").str.replace_all(r"-+", "-").str.strip_chars("-")
    # Drop a time part ("1980-05-01T00:00:00", "1980-05-01 00:00:00").
    text = text.str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})T?.*$", "${1}")
    serial = text.cast(pl.Int64, strict=False)
    from_serial = pl.when(serial.is_between(61, 80_000)).then(
        pl.lit("1899-12-30").str.to_date() + pl.duration(days=serial)
    )
    # "22-01-87": a two-digit year is 19xx (chrono would read it as year 87).
    text = text.str.replace(r"^(\d{1,2}-\d{1,2}-)(\d{2})$", "${1}19${2}")
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%d-%m-%Y", strict=False),
        text.str.to_date("%Y%m%d", strict=False),
        from_serial,
    )


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


def _sex_expr(expr: pl.Expr) -> pl.Expr:
    value = expr.str.strip_chars().str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    return (
        pl.when(value.is_in(["L", "LK", "1", "LAKILAKI", "PRIA", "LAKI", "M", "MALE"]))
        .then(pl.lit("L"))
        .when(value.is_in(["P", "PR", "2", "PEREMPUAN", "WANITA", "W", "F", "FEMALE"]))
        .then(pl.lit("P"))
    )


def _head_expr(expr: pl.Expr) -> pl.Expr:
    value = expr.str.strip_chars().str.to_uppercase()
    return (value.is_in(["1", "01", "KK", "KRT"]) | value.str.contains("KEPALA")).fill_null(False)


def prepare(frame: pl.DataFrame, config: DedupConfig) -> pl.DataFrame:
    """The comparison fields of every record, one row per input row in input order.

    Columns: ``_rid``, ``nik``, ``kk``, ``name_key``, ``given_key``, ``tokens`` (folded),
    ``initials``, ``has_initial``, ``full_key`` (for abbreviations), ``name_info``,
    ``deceased``, ``dob`` (date), ``dob_default``, ``sex``, ``mother_key``,
    ``place_key``, ``kab_key``, ``kec_key``, ``desa_key``, ``is_head``, ``job_key``
    (occupation, upper case without punctuation).
    """
    fields: FieldMap = config.fields
    col = {name: resolve_column(frame, getattr(fields, name)) for name in FieldMap.model_fields}
    if col["nama"] is None:
        raise OptionError(
            f"no name column {fields.nama!r} in the data",
            hint="map it in dedup.yaml under fields.nama",
        )
    raw = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(RID),
        _text(frame, col["nik"]).alias("_nik"),
        _text(frame, col["no_kk"]).alias("_kk"),
        pl.col(col["nama"]).cast(pl.String).alias("_nama"),
        _text(frame, col["nama_ibu_kandung"]).alias("_ibu"),
        _text(frame, col["tanggal_lahir"]).alias("_lahir"),
        _sex_expr(_text(frame, col["jenis_kelamin"])).alias("sex"),
        _text(frame, col["tempat_lahir"]).alias("_tempat"),
        _text(frame, col["kabupaten"]).alias("_kab"),
        _text(frame, col["kecamatan"]).alias("_kec"),
        _text(frame, col["desa"]).alias("_desa"),
        _head_expr(_text(frame, col["hubungan_keluarga"])).alias("is_head"),
        _text(frame, col["pekerjaan"]).alias("_kerja"),
    )
    raw = raw.with_columns(
        _clean_ids(raw, "_nik").alias("nik"),
        _clean_ids(raw, "_kk").alias("kk"),
        *(
            _per_distinct(raw, source, _upper_key(pl.col(source))).alias(target)
            for source, target in (
                ("_kab", "kab_key"),
                ("_kec", "kec_key"),
                ("_desa", "desa_key"),
                ("_kerja", "job_key"),
            )
        ),
    )
    # Names, dates and places repeat a lot: normalise each distinct value once, then join.
    by_name = names.name_parts(_distinct(raw, "_nama"), "_nama")
    by_mother = _distinct(raw, "_ibu").with_columns(
        names.name_key_expr(pl.col("_ibu")).alias("mother_key")
    )
    by_date = _distinct(raw, "_lahir").with_columns(birth_date_expr(pl.col("_lahir")).alias("dob"))
    by_place = _distinct(raw, "_tempat").with_columns(
        names.fold_spelling_expr(_upper_key(pl.col("_tempat"))).alias("place_key")
    )
    prepared = (
        raw.join(by_name, on="_nama", how="left", nulls_equal=True, maintain_order="left")
        .join(by_mother, on="_ibu", how="left", nulls_equal=True, maintain_order="left")
        .join(by_date, on="_lahir", how="left", nulls_equal=True, maintain_order="left")
        .join(by_place, on="_tempat", how="left", nulls_equal=True, maintain_order="left")
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
        )  # fmt: skip
        .with_columns(
            pl.col("deceased").fill_null(False),
            _default_date_expr(pl.col("dob"), config.default_dates).alias("dob_default"),
        )
    )
    return _with_name_info(prepared)


def _per_distinct(frame: pl.DataFrame, column: str, expr: pl.Expr) -> pl.Series:
    """``expr`` (of ``column``) computed once per distinct value, aligned with ``frame``."""
    values = _distinct(frame, column).with_columns(expr.alias("_value"))
    return frame.select(column).join(
        values, on=column, how="left", nulls_equal=True, maintain_order="left"
    )["_value"]


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


def _with_name_info(prepared: pl.DataFrame) -> pl.DataFrame:
    """Add ``name_info``: the summed evidence weight of a record's name tokens."""
    weights = names.token_weights(prepared["tokens"])
    info = (
        prepared.select(RID, "tokens")
        .explode("tokens")
        .join(weights.select(pl.col("token").alias("tokens"), "weight"), on="tokens", how="left")
        .group_by(RID)
        .agg(pl.col("weight").sum().alias("name_info"))
    )
    return prepared.join(info, on=RID, how="left", maintain_order="left").with_columns(
        pl.col("name_info").fill_null(0.0)
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
