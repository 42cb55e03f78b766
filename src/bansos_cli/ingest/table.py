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


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a text cell is null or only white space."""
    # An anchored regex fails at the first visible character and allocates nothing, unlike
    # strip_chars(), which would copy every cell of the file.
    return expr.is_null() | expr.str.contains(r"^\s*$")


_SPACES = (" ", "\t", "\r", "\n", "\u00a0", "\u3000")


def _may_be_blank(expr: pl.Expr) -> pl.Expr:
    """Cheap pre-test: a blank cell is null, empty or starts with white space."""
    starts = [expr.str.starts_with(space) for space in _SPACES]
    return expr.is_null() | (expr.str.len_bytes() == 0) | pl.any_horizontal(starts)


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
    """Name columns from the header row, number the rows, drop (and count) blank rows."""
    frame = raw.frame
    headers = list(frame.row(raw.header_index)) if frame.height else []
    info.header_row = raw.first_row_number + raw.header_index
    info.header_reason = (
        "given with --header-row" if header_forced else "best match with known column names"
    )
    start = raw.header_index + 1
    headers, start = _two_row_header(raw, headers, start, info, mapping)
    if start < frame.height and is_annotation_row(frame.row(start)):
        info.notices.append(Notice("BARIS_SATUAN_DILEWATI", {"row": raw.first_row_number + start}))
        start += 1
    if start < frame.height and is_column_number_row(frame.row(start)):
        info.notices.append(
            Notice("BARIS_NOMOR_KOLOM_DILEWATI", {"row": raw.first_row_number + start})
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
        before = data.height
        data = _drop_blank_rows(data, names)
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
    texts = [cell_text(headers[i]) for i in keep]
    data = _drop_repeated_headers(data, names, texts, info)
    data = _drop_footer(data, names, info)
    info.rows = data.height
    if data.is_empty():
        info.notices.append(Notice("TANPA_BARIS_DATA", {"row": info.header_row}))
    return data


def _two_row_header(
    raw: RawTable,
    headers: list[object],
    start: int,
    info: SourceInfo,
    mapping: dict[str, str],
) -> tuple[list[object], int]:
    """Headers and first data index after joining a sub-header row below (or a group row
    above) the detected header row, when that names more known columns."""
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
        return list(names), start + 1 if sub is not headers else start
    return headers, start


def _drop_repeated_headers(
    data: pl.DataFrame, names: list[str], texts: list[str], info: SourceInfo
) -> pl.DataFrame:
    """Drop copies of the header row inside the data (a printed report turned back into a
    sheet repeats the header on every page) with a notice naming their rows.

    A row is a copy when at least half of the header's cells (and two or more) equal it.
    One column is compared first, so only the few candidate rows are compared in full.
    """
    pairs = [(n, t.upper()) for n, t in zip(names, texts, strict=True) if t]
    if len(pairs) < 2 or data.is_empty():
        return data
    probe = next(((n, t) for n, t in pairs if n == "nik"), pairs[0])
    same = [
        (pl.col(n).str.strip_chars().str.to_uppercase() == t).fill_null(False) for n, t in pairs
    ]
    candidates = data.filter(pl.col(probe[0]).str.strip_chars().str.to_uppercase() == probe[1])
    if candidates.is_empty():
        return data
    needed = max(2, (len(pairs) + 1) // 2)
    copies = candidates.filter(pl.sum_horizontal(same) >= needed).get_column(ROW)
    if copies.is_empty():
        return data
    rows = copies.to_list()
    shown = ", ".join(str(r) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")
    info.notices.append(Notice("JUDUL_BERULANG_DILEWATI", {"count": len(rows), "rows": shown}))
    return data.filter(~pl.col(ROW).is_in(copies.implode()))


FOOTER_MAX_ROWS = 15


def _marks_record(column: str) -> pl.Expr:
    filled = ~blank(pl.col(column))
    if column == "no":
        return filled & pl.col(column).str.contains(r"^\s*\d+\s*$")
    return filled


_TOTAL_WORDS = ("JUMLAH", "TOTAL", "SUB TOTAL", "SUBTOTAL")


def _drop_footer(data: pl.DataFrame, names: list[str], info: SourceInfo) -> pl.DataFrame:
    """Drop a signature / totals block under the data ("Mengetahui, Kepala Desa ...").

    Only trailing rows qualify, at most :data:`FOOTER_MAX_ROWS`, none with a NIK or KK, each
    with at most two filled cells, and the block must be set apart by a blank row or start
    with a JUMLAH/TOTAL row. Dropped rows are listed in ``info.footer_rows`` and a notice.
    """
    if data.height < 2 or not names:
        return data
    tail = data.tail(FOOTER_MAX_ROWS + 1)
    # A row with an identifier or a running number ("NO") is a record, never a footer line.
    ids: list[str] = [c for c in ("nik", "no_kk") if c in names]
    if "no" in names:
        ids.append("no")
    filled = tail.select(
        pl.col(ROW),
        pl.sum_horizontal([(~blank(pl.col(n))).cast(pl.Int32) for n in names]).alias("n"),
        (pl.any_horizontal([_marks_record(c) for c in ids]) if ids else pl.lit(False)).alias(
            "has_id"
        ),
        pl.coalesce([pl.col(n) for n in names]).alias("first"),
    ).rows()
    # Walk up from the last row while rows look like footer lines (a handful, not a hot path).
    start = len(filled)
    while start > 1 and filled[start - 1][1] <= 2 and not filled[start - 1][2]:
        start -= 1
    if start == len(filled) or start == 0:
        return data
    block = filled[start:]
    separated = block[0][0] - filled[start - 1][0] > 1
    first_text = str(block[0][3] or "").strip().upper()
    if not (separated or first_text.startswith(_TOTAL_WORDS)):
        return data
    rows = [r[0] for r in block]
    info.footer_rows = rows
    info.notices.append(
        Notice("BLOK_PENUTUP_DILEWATI", {"first": rows[0], "last": rows[-1], "count": len(rows)})
    )
    return data.head(data.height - len(rows))
