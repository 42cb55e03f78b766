"""Read Parquet: map column names, turn every column into text, keep bansos row numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS, ROW, SHEET, SOURCE
from bansos_cli.core.errors import InputFileError
from bansos_cli.core.privacy import mask_digit_runs
from bansos_cli.ingest.header import name_columns
from bansos_cli.ingest.model import Notice, SourceInfo

_INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def _holds_binary(dtype: Any) -> bool:
    """Is there a Binary anywhere in this (possibly nested) type?"""
    if isinstance(dtype, pl.Binary):
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return _holds_binary(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_holds_binary(f.dtype) for f in dtype.fields)
    return False


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col
    if isinstance(dtype, pl.Binary):
        return col.cast(pl.String)  # UTF-8 bytes; other bytes: see _binary_as_text
    if dtype.is_nested():
        # lists, arrays, maps and structs as their JSON text: ["a","b"], {"x":1}
        encoded = pl.struct(col.alias("v")).struct.json_encode()
        return pl.when(col.is_null()).then(None).otherwise(encoded.str.slice(5).str.head(-1))
    if dtype in (pl.Float32, pl.Float64):
        # Whole floats print as digits (3201010101010000), never as 3.20101e15.
        whole = col.is_finite() & (col == col.round(0)) & (col.abs() < 1e18)
        return (
            pl.when(whole)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    if dtype == pl.Datetime:
        return col.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(r" 00:00:00$", "")
    return col.cast(pl.String, strict=False)


def _binary_as_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A Binary column as text: its UTF-8 text when every value is UTF-8, else every value
    as ``0x`` and hex digits (shown, never dropped; one rule for the whole column)."""
    try:
        frame.get_column(name).cast(pl.String)
    except pl.exceptions.PolarsError:
        return pl.lit("0x") + pl.col(name).bin.encode("hex")
    return pl.col(name).cast(pl.String)


def read_parquet(path: Path, *, mapping: dict[str, str]) -> tuple[pl.DataFrame, SourceInfo]:
    """Read a Parquet file (see :func:`bansos_cli.ingest.read_inputs`)."""
    info = SourceInfo(path=str(path), format="parquet")
    try:
        frame = pl.read_parquet(path, glob=False)  # "[" in a file name is not a pattern
    except Exception as exc:  # pyarrow/polars raise several types for broken files
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputFileError.of(
            "PARQUET_UNREADABLE", path=str(path), reason=mask_digit_runs(first[:160])
        ) from None
    # A file written by bansos keeps the row numbers and sources of the original export.
    # (all three row-key columns, so that a user's own column named "source" stays data)
    carried = list(META_COLUMNS) if set(META_COLUMNS) <= set(frame.columns) else []
    data_columns = [c for c in frame.columns if c not in carried and not c.startswith("_")]
    maps = name_columns(data_columns, list(range(len(data_columns))), mapping, excel=False)
    info.columns = maps
    schema = frame.schema
    numeric_ids = {
        m.column
        for c, m in zip(data_columns, maps, strict=True)
        if m.column in ID_COLUMNS
        and (schema[c] in _INTEGER or schema[c] in (pl.Float32, pl.Float64))
    }
    exprs = [
        (_binary_as_text(frame, c) if schema[c] == pl.Binary else _as_text(c, schema[c])).alias(
            m.column
        )
        for c, m in zip(data_columns, maps, strict=True)
    ]
    if ROW in carried:
        exprs.insert(0, pl.col(ROW).cast(pl.Int64))
    else:
        exprs.insert(0, pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW))
    extra = [pl.col(c).cast(pl.String) for c in (SOURCE, SHEET) if c in carried]
    for c in data_columns:
        if schema[c].is_nested() and _holds_binary(schema[c]):
            # polars cannot write raw bytes inside a list or struct as JSON text
            raise InputFileError.of(
                "PARQUET_COLUMN_TYPE",
                path=str(path),
                column=mask_digit_runs(c),
                dtype=str(schema[c]),
            )
    try:
        out = frame.select([*exprs, *extra])
    except pl.exceptions.PolarsError:
        out = None
    if out is None:
        for c, expr in zip(data_columns, exprs[1:], strict=True):
            try:
                frame.head(1000).select(expr)
            except pl.exceptions.PolarsError:
                raise InputFileError.of(
                    "PARQUET_COLUMN_TYPE",
                    path=str(path),
                    column=mask_digit_runs(c),
                    dtype=str(schema[c]),
                ) from None
        out = frame.select([*exprs, *extra])
    for m in maps:
        if m.column in ID_COLUMNS:
            flag = pl.lit(m.column in numeric_ids)
            out = out.with_columns(
                pl.when(pl.col(m.column).is_null())
                .then(None)
                .otherwise(flag)
                .alias(f"_num_{m.column}")
            )
            if m.column in numeric_ids:
                info.number_cells[m.column] = int(out.get_column(m.column).is_not_null().sum())
                info.notices.append(
                    Notice(
                        "ID_TERSIMPAN_ANGKA",
                        {"count": info.number_cells[m.column], "column": m.column},
                    )
                )
    info.rows = out.height
    info.header_reason = "Parquet column names"
    return out, info
