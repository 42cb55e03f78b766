"""Turn a raw grid of text cells (header somewhere inside) into the records frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from bansos_cli.core.columns import ROW
from bansos_cli.ingest.header import (
    cell_text,
    header_score,
    is_annotation_row,
    is_column_number_row,
    name_columns,
    two_row_header,
)
from bansos_cli.ingest.layout import COLUMN_NUMBERS, Preamble, apply_layout, report_layout
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
    above: Sequence[object] | None = None
    """The record just above ``frame`` row 0 when the frame starts at the header (text files),
    so that a group-header row above the header can still be joined."""
    preamble: list[tuple[int, Sequence[object]]] | None = None
    """Text files: the records just above the header, with their row numbers (Excel sheets
    are read whole, so the rows above the header are in ``frame``)."""


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a text cell is null or only white space."""
    # An anchored regex fails at the first visible character and allocates nothing, unlike
    # strip_chars(), which would copy every cell of the file.
    return expr.is_null() | expr.str.contains(r"^\s*$")


_SPACES = (" ", "\t", "\r", "\n", "\u00a0", "\u3000")


def _may_be_blank(expr: pl.Expr) -> pl.Expr:
    """Cheap pre-test: a blank cell is null, empty or starts with white space."""
    # one anchored character class (fails on the first byte of a typical cell) instead of
    # a starts_with pass per space character
    starts = expr.str.contains("^[" + "".join(_SPACES) + "]")
    return expr.is_null() | (expr.str.len_bytes() == 0) | starts


def _drop_blank_rows(data: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Drop rows whose every cell is null or white space.

    The exact test (a regular expression per cell) runs only on rows that pass a cheap
    byte-level pre-test, which on real exports are just the truly empty rows. The pre-test
    runs column by column, fullest column first, each on the rows still in question, so on
    a normal file only one column is tested on every row.
    """
    candidates = data.select(ROW, *names)
    for name in sorted(names, key=lambda n: data.get_column(n).null_count()):
        candidates = candidates.filter(_may_be_blank(pl.col(name)))
        if candidates.height == 0:
            return data
    exact = candidates.filter(pl.all_horizontal([blank(pl.col(n)) for n in names]))
    if exact.height == 0:
        return data
    return data.filter(~pl.col(ROW).is_in(exact.get_column(ROW).implode()))


def finish_table(
    raw: RawTable, info: SourceInfo, mapping: dict[str, str], *, header_forced: bool
) -> pl.DataFrame:
    """Name columns from the header row, number the rows, drop (and count) blank rows, and
    take out the rows that are not records (see :mod:`bansos_cli.ingest.layout`)."""
    frame = raw.frame
    headers = list(frame.row(raw.header_index)) if frame.height else []
    info.header_row = raw.first_row_number + raw.header_index
    info.header_reason = (
        "given with --header-row" if header_forced else "best match with known column names"
    )
    start = raw.header_index + 1
    written = [list(headers)]
    headers, start, joined_with = _two_row_header(raw, headers, start, info, mapping)
    if joined_with is not None:
        written.append(list(joined_with))
    if start < frame.height and is_annotation_row(frame.row(start)):
        info.notices.append(Notice("BARIS_SATUAN_DILEWATI", {"row": raw.first_row_number + start}))
        start += 1
    if start < frame.height and is_column_number_row(frame.row(start)):
        info.layout_rows.setdefault(COLUMN_NUMBERS, []).append(raw.first_row_number + start)
        start += 1
    data = frame.slice(start).with_row_index(ROW, offset=raw.first_row_number + start)
    data = data.with_columns(pl.col(ROW).cast(pl.Int64))

    source_columns = frame.columns
    maps = name_columns(headers, raw.positions, mapping, excel=raw.excel)
    data = data.select(
        [ROW, *[pl.col(c).alias(m.column) for c, m in zip(source_columns, maps, strict=True)]]
    )
    names = [m.column for m in maps]
    if names:
        before = data.height
        data = _drop_blank_rows(data, names)
        info.empty_rows = before - data.height
    else:
        info.empty_rows = data.height
        data = data.clear()
    if raw.excel and names and data.height:
        # Date cells come as "YYYY-MM-DD 00:00:00"; the time part of a date carries nothing.
        data = data.with_columns(
            pl.when(pl.col(n).str.ends_with(" 00:00:00") & (pl.col(n).str.len_bytes() == 19))
            .then(pl.col(n).str.slice(0, 10))
            .otherwise(pl.col(n))
            .alias(n)
            for n in names
        )
    texts = [[cell_text(h) for h in row] for row in (headers, *written)]
    top = info.header_row - raw.first_row_number
    data = apply_layout(data, maps, texts, _preamble(raw, top, len(names)), info)
    report_layout(info)
    # Columns with neither a header nor any value in a record are layout residue, not data.
    unnamed = [m.column for m in maps if not m.source_header]
    filled: dict[str, bool] = {}
    if unnamed and data.height:
        filled = data.select([(~blank(pl.col(c))).any().alias(c) for c in unnamed]).row(
            0, named=True
        )
    residue = [c for c in unnamed if not filled.get(c, False)]
    info.columns = [m for m in maps if m.column not in residue]
    data = data.drop(residue)
    info.rows = data.height
    if data.is_empty():
        info.notices.append(Notice("TANPA_BARIS_DATA", {"row": info.header_row}))
    return data


_PREAMBLE_ROWS = 3


def _preamble(raw: RawTable, top: int, width: int) -> Preamble:
    """The rows just above the header, in the frame's column order."""
    if raw.preamble is not None:
        rows = raw.preamble
    else:
        first = max(0, top - _PREAMBLE_ROWS)
        rows = [
            (raw.first_row_number + i, list(raw.frame.row(i))) for i in range(first, max(top, 0))
        ]
    padded = [(r, [*cells[:width], *[None] * (width - len(cells))]) for r, cells in rows]
    return Preamble([(r, [cell_text(c) for c in cells]) for r, cells in padded])


def _two_row_header(
    raw: RawTable,
    headers: list[object],
    start: int,
    info: SourceInfo,
    mapping: dict[str, str],
) -> tuple[list[object], int, Sequence[object] | None]:
    """Headers and first data index after joining a sub-header row below (or a group row
    above) the detected header row, when that names more known columns; and the row it was
    joined with."""
    frame = raw.frame
    base = header_score(headers, mapping)
    below = frame.row(start) if start < frame.height else None
    above = frame.row(raw.header_index - 1) if raw.header_index > 0 else raw.above
    if above is not None:  # a text record above the header may have fewer or more fields
        above = [*above[: len(headers)], *[None] * (len(headers) - len(above))]
    for top, sub, first in ((headers, below, raw.header_index), (above, headers, start - 2)):
        if top is None or sub is None:
            continue
        names = two_row_header(top, sub, mapping)
        if names is None:
            continue
        # joined only when that names more known columns, or (for a row below the header) as
        # many and columns that had no header at all (the P of an L/P pair under one merged
        # JENIS KELAMIN cell); a title row above never names a column by itself
        score = header_score(names, mapping)
        named = sub is not headers and sum(1 for n in names if n) > sum(
            1 for h in headers if cell_text(h)
        )
        if score < base or (score == base and not named):
            continue
        rows = f"{raw.first_row_number + first}-{raw.first_row_number + first + 1}"
        info.header_row = raw.first_row_number + first
        info.notices.append(Notice("JUDUL_DUA_BARIS", {"rows": rows}))
        other = sub if sub is not headers else top
        return list(names), start + 1 if sub is not headers else start, other
    return headers, start, None
