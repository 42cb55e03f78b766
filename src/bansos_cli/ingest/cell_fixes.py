"""Cells that calamine reads as empty although the officer sees something in them.

**Merged data cells**: a value that Excel shows once over several rows belongs to each of them.
Village and kecamatan lists often merge the NO KK and ALAMAT cells of one family over the
rows of its members. The workbook stores the value in the top cell only, so read as it is,
every member but the first would have an empty NO KK. Here each merged range that spans
rows of the data area gives its value (and, for identifiers, its number-cell flag) to every
row it covers, in its first column.
"""

from __future__ import annotations

import polars as pl

from bansos_cli.core.columns import ROW
from bansos_cli.ingest.model import Notice, SourceInfo

Range = tuple[int, int, int, int]
"""``(first column, first row, last column, last row)``: 0-based column, 1-based rows."""


def fill_merged(frame: pl.DataFrame, ranges: list[Range], info: SourceInfo) -> pl.DataFrame:
    """``frame`` with the value of every vertical merge in the data area copied down to the
    rows it covers (only cells that are empty, as a merge leaves them)."""
    by_position = {c.position: c.column for c in info.columns}
    first_data = (info.header_row or 0) + 1
    spans = [
        (by_position[col], top, bottom)
        for col, top, _last, bottom in ranges
        if col in by_position and bottom > top >= first_data
    ]
    if not spans or frame.is_empty():
        return frame
    table = pl.DataFrame(
        spans, schema={"_column": pl.String, "_top": pl.Int64, "_bottom": pl.Int64}, orient="row"
    )
    filled: dict[str, int] = {}
    updates = []
    rows = frame.select(pl.col(ROW).cast(pl.Int64))
    for column, part in table.partition_by("_column", as_dict=True).items():
        name = str(column[0])
        # every covered row -> the top row of its merge
        cover = (
            part.select(pl.int_ranges("_top", pl.col("_bottom") + 1).alias(ROW), "_top")
            .explode(ROW)
            .filter(pl.col(ROW) != pl.col("_top"))
            .unique(ROW, keep="first")
        )
        carried = [name, *([f"_num_{name}"] if f"_num_{name}" in frame.columns else [])]
        tops = frame.select(pl.col(ROW).cast(pl.Int64).alias("_top"), *carried)
        source = (
            rows.join(cover, on=ROW, how="left", maintain_order="left")
            .join(tops, on="_top", how="left", maintain_order="left")
            .rename({c: f"_top_{c}" for c in carried})
        )
        empty = frame.get_column(name).is_null() | (frame.get_column(name).str.strip_chars() == "")
        take = empty & source.get_column(f"_top_{name}").is_not_null()
        count = int(take.sum())
        if not count:
            continue
        filled[name] = count
        for c in carried:
            updates.append(
                pl.when(take).then(source.get_column(f"_top_{c}")).otherwise(pl.col(c)).alias(c)
            )
    if not filled:
        return frame
    shown = ", ".join(f"{name} ({n})" for name, n in filled.items())
    info.notices.append(Notice("SEL_GABUNGAN_DIISI", {"columns": shown}))
    return frame.with_columns(updates)


def fill_errors(
    frame: pl.DataFrame, cells: list[tuple[int, int, str]], info: SourceInfo
) -> pl.DataFrame:
    """``frame`` with the text of every Excel error cell (``#N/A``) in its data cell."""
    by_position = {c.position: c.column for c in info.columns}
    hits = [(by_position[col], row, text) for col, row, text in cells if col in by_position]
    if not hits or frame.is_empty():
        return frame
    errors = pl.DataFrame(
        hits, schema={"_column": pl.String, ROW: pl.Int64, "_error": pl.String}, orient="row"
    )
    rows = frame.select(pl.col(ROW).cast(pl.Int64))
    updates = []
    total = 0
    for column, part in errors.partition_by("_column", as_dict=True).items():
        name = str(column[0])
        text = rows.join(part.select(ROW, "_error"), on=ROW, how="left", maintain_order="left")
        error = text.get_column("_error")
        total += int(error.is_not_null().sum())
        updates.append(pl.coalesce(pl.lit(error), pl.col(name)).alias(name))
    if not total:
        return frame
    kinds = ", ".join(sorted(errors.get_column("_error").unique().to_list()))
    info.notices.append(Notice("SEL_GALAT_EXCEL", {"count": total, "kinds": kinds}))
    return frame.with_columns(updates)
