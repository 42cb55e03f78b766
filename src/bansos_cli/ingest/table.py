"""Turn a raw grid of text cells (header somewhere inside) into the records frame."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from bansos_cli.core.columns import ROW
from bansos_cli.ingest.header import cell_text, is_column_number_row, name_columns
from bansos_cli.ingest.model import Notice, SourceInfo


@dataclass
class RawTable:
    frame: pl.DataFrame
    """Every cell as text, one column per source column, header row somewhere inside."""
    positions: list[int]
    """Absolute 0-based source column index of each frame column."""
    header_index: int
    """0-based index of the header row within ``frame``."""
    first_row_number: int
    """Excel row / file line number of ``frame`` row 0."""
    excel: bool


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a text cell is null or only white space."""
    # An anchored regex fails at the first visible character and allocates nothing, unlike
    # strip_chars(), which would copy every cell of the file.
    return expr.is_null() | expr.str.contains(r"^\s*$")


def finish_table(
    raw: RawTable, info: SourceInfo, mapping: dict[str, str], *, header_forced: bool
) -> pl.DataFrame:
    """Name columns from the header row, number the rows, drop (and count) blank rows."""
    frame = raw.frame
    headers = list(frame.row(raw.header_index)) if frame.height else []
    info.header_row = raw.first_row_number + raw.header_index
    info.header_reason = (
        "given with --header-row" if header_forced else "best match with known column names"
    )
    start = raw.header_index + 1
    if start < frame.height and is_column_number_row(frame.row(start)):
        info.notices.append(
            Notice(
                "COLUMN_NUMBER_ROW",
                f"row {raw.first_row_number + start} holds column numbers and was skipped",
            )
        )
        start += 1
    data = frame.slice(start).with_row_index(ROW, offset=raw.first_row_number + start)
    data = data.with_columns(pl.col(ROW).cast(pl.Int64))

    source_columns = frame.columns
    # Columns with neither a header nor any value are layout residue, not data.
    unnamed = [c for i, c in enumerate(source_columns) if not cell_text(headers[i])]
    filled: dict[str, bool] = {}
    if unnamed and data.height:
        filled = data.select([(~blank(pl.col(c))).any().alias(c) for c in unnamed]).row(
            0, named=True
        )
    keep = [
        i
        for i, column in enumerate(source_columns)
        if cell_text(headers[i]) or filled.get(column, False)
    ]
    maps = name_columns(
        [headers[i] for i in keep], [raw.positions[i] for i in keep], mapping, excel=raw.excel
    )
    info.columns = maps
    kept = [source_columns[i] for i in keep]
    data = data.select([ROW, *[pl.col(c).alias(m.column) for c, m in zip(kept, maps, strict=True)]])

    names = [m.column for m in maps]
    if names:
        empty = pl.all_horizontal([blank(pl.col(n)) for n in names])
        before = data.height
        data = data.filter(~empty)
        info.empty_rows = before - data.height
    else:
        info.empty_rows = data.height
        data = data.clear()
    if raw.excel and names:
        # Date cells come as "YYYY-MM-DD 00:00:00"; the time part of a date carries nothing.
        data = data.with_columns(
            pl.when(pl.col(n).str.ends_with(" 00:00:00") & (pl.col(n).str.len_bytes() == 19))
            .then(pl.col(n).str.slice(0, 10))
            .otherwise(pl.col(n))
            .alias(n)
            for n in names
        )
    info.rows = data.height
    return data
