"""Write officer-facing Excel workbooks.

xlsxwriter lays out the workbook (summary sheet, titles, header rows, column widths, frozen
panes, filters, cell formats); the data rows of each table sheet are then generated in
batches by :mod:`bansos_cli.report.sheetxml` and streamed into the xlsx zip, so a sheet of
hundreds of thousands of rows takes seconds. Cells are never interpreted as formulas or URLs
(a name like ``=HYPERLINK(...)`` stays text).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from bansos_cli.core.files import atomic_path
from bansos_cli.core.messages import DEFAULT_LANG, column_label
from bansos_cli.report.sheetxml import column_letter, rows_xml, text_ready

EXCEL_MAX_ROWS = 1_048_576
"""Rows in an Excel sheet (header and title rows included)."""
_MAX_COL_WIDTH = 60
_BATCH = 20_000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_STYLE = "__style_"

SEVERITY_FILL = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
"""Background colour of a highlighted cell by finding severity."""
_SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
_LEGEND = {
    "error": "kesalahan / error",
    "warning": "peringatan / warning",
    "info": "informasi / info",
}


@dataclass
class ReportSheet:
    """One table sheet of a report workbook."""

    name: str
    """Sheet name (made Excel-safe: at most 31 characters, no ``[]:*?/\\``)."""
    frame: pl.DataFrame
    """What to show (identifiers already masked by the caller if masking is on)."""
    title: str | None = None
    """Optional title row above the header."""
    highlight: pl.DataFrame | None = None
    """Cells to colour: ``frame_row`` (0-based row in ``frame``), ``column``, ``severity``."""


@dataclass
class _Planned:
    xml_name: str
    frame: pl.DataFrame
    first_row: int
    """Excel row (1-based) of the first data row."""
    shown: int
    cells: pl.DataFrame | None
    """``frame_row``, ``col_idx``, ``severity`` of highlighted cells (worst per cell)."""


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _widths(frame: pl.DataFrame, labels: list[str]) -> list[int]:
    """Column widths: the longest value of the first rows, and at least the longest word of
    the header shown (headers wrap between words, never inside one)."""
    sample = frame.head(500)
    widths = []
    for name, label in zip(frame.columns, labels, strict=True):
        col = sample.get_column(name)
        longest = col.cast(pl.String).str.len_chars().max() if col.len() else 0
        longest_int = int(longest) if isinstance(longest, int | float) else 0
        word = max((len(w) for w in label.split()), default=0)
        widths.append(min(_MAX_COL_WIDTH, max(len(name), word, longest_int, 6) + 2))
    return widths


def _highlight_cells(
    highlight: pl.DataFrame | None, columns: list[str], limit: int
) -> pl.DataFrame | None:
    """Worst severity per highlighted cell, with the column's index."""
    if highlight is None or highlight.is_empty():
        return None
    index = pl.DataFrame(
        {"column": columns, "col_idx": list(range(len(columns)))},
        schema={"column": pl.String, "col_idx": pl.Int64},
    )
    cells = (
        highlight.select(
            pl.col("frame_row").cast(pl.Int64),
            pl.col("column").cast(pl.String),
            pl.col("severity").cast(pl.String),
        )
        .filter(pl.col("frame_row") < limit)
        .join(index, on="column", how="inner")
        .with_columns(pl.col("severity").replace_strict(_SEVERITY_RANK, default=0).alias("_rank"))
        .filter(pl.col("_rank") > 0)
        .sort("_rank", descending=True)
        .unique(["frame_row", "col_idx"], keep="first")
        .select("frame_row", "col_idx", "severity")
    )
    return cells if cells.height else None


def _layout_table_sheet(
    book: xlsxwriter.Workbook,
    sheet: ReportSheet,
    name: str,
    formats: dict[str, Any],
    lang: str,
) -> _Planned:
    ws = book.add_worksheet(name)
    frame = text_ready(sheet.frame)
    columns = frame.columns
    row = 0
    if sheet.title:
        ws.write_string(row, 0, sheet.title, formats["title"])
        row += 1
    capacity = EXCEL_MAX_ROWS - (row + 2)  # a possible notice row + the header row
    shown = min(frame.height, capacity)
    if frame.height > capacity:
        ws.write_string(
            row,
            0,
            f"Catatan: sheet ini hanya memuat {shown:,} dari {frame.height:,} baris "
            f"(batas Excel {EXCEL_MAX_ROWS:,} baris); data lengkap ada di berkas Parquet/CSV. "
            f"Note: only {shown:,} of {frame.height:,} rows fit in an Excel sheet.",
            formats["notice"],
        )
        row += 1
    header_row = row
    labels = [column_label(col, lang) for col in columns]
    for j, label in enumerate(labels):
        ws.write_string(header_row, j, label, formats["header"])
    for j, width in enumerate(_widths(frame, labels)):
        ws.set_column(j, j, width)
    if columns:
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, header_row + max(shown, 1), len(columns) - 1)
    # xlsxwriter numbers worksheets in creation order: sheet1.xml, sheet2.xml, ...
    xml_name = f"xl/worksheets/sheet{len(book.worksheets())}.xml"
    return _Planned(
        xml_name=xml_name,
        frame=frame.head(shown),
        first_row=header_row + 2,
        shown=shown,
        cells=_highlight_cells(sheet.highlight, columns, shown),
    )


def _write_summary(
    book: xlsxwriter.Workbook, name: str, summary: Sequence[tuple[str, object]], formats: dict
) -> None:
    ws = book.add_worksheet(name)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, name, formats["title"])
    row = 2
    for row, (key, value) in enumerate(summary, start=2):
        ws.write_string(row, 0, str(key), formats["key"])
        if value is None:
            ws.write_blank(row, 1, None)
        elif isinstance(value, bool):
            ws.write_string(row, 1, "ya" if value else "tidak")
        elif isinstance(value, int | float):
            ws.write_number(row, 1, value)
        elif isinstance(value, dt.datetime | dt.date):
            ws.write_string(row, 1, value.isoformat())
        else:
            ws.write_string(row, 1, str(value))
    # colour legend (also gives the highlight formats their style indexes)
    row += 2
    ws.write_string(row, 0, "Warna sel / cell colours", formats["key"])
    for offset, (severity, label) in enumerate(_LEGEND.items(), start=1):
        ws.write_string(row + offset, 0, label, formats[severity])


def _sheet_xml_parts(xml: str) -> tuple[str, str]:
    if "</sheetData>" not in xml:
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    head, _, tail = xml.partition("</sheetData>")
    return head, "</sheetData>" + tail


def _styles_for(plan: _Planned, start: int, stop: int, xf: dict[str, int]) -> pl.DataFrame | None:
    if plan.cells is None:
        return None
    part = plan.cells.filter(pl.col("frame_row").is_between(start, stop - 1))
    if part.is_empty():
        return None
    wide = part.with_columns(
        pl.col("severity").replace_strict(xf, return_dtype=pl.Int64).alias("xf"),
        (pl.lit(_STYLE) + pl.col("col_idx").cast(pl.String)).alias("key"),
    ).pivot(on="key", index="frame_row", values="xf")
    rows = pl.DataFrame({"frame_row": pl.int_range(start, stop, dtype=pl.Int64, eager=True)})
    return rows.join(wide, on="frame_row", how="left", maintain_order="left").drop("frame_row")


def _fill_sheet(
    out: zipfile.ZipFile, xml: str, plan: _Planned, xf: dict[str, int], name: str
) -> None:
    head, tail = _sheet_xml_parts(xml)
    ncols = max(len(plan.frame.columns), 1)
    last_row = max(plan.first_row - 1 + plan.shown, 1)
    head = re.sub(
        r'<dimension ref="[^"]*"/>',
        f'<dimension ref="A1:{column_letter(ncols - 1)}{last_row}"/>',
        head,
        count=1,
    )
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with out.open(info, "w", force_zip64=True) as stream:
        stream.write(head.encode("utf-8"))
        for start in range(0, plan.shown, _BATCH):
            stop = min(start + _BATCH, plan.shown)
            styles = _styles_for(plan, start, stop, xf)
            batch = plan.frame.slice(start, stop - start)
            stream.write(rows_xml(batch, plan.first_row + start, styles, _STYLE).encode("utf-8"))
        stream.write(tail.encode("utf-8"))


def write_report(
    path: Path,
    sheets: Sequence[ReportSheet],
    summary: Sequence[tuple[str, object]] = (),
    title: str = "Ringkasan",
    lang: str = DEFAULT_LANG,
) -> Path:
    """Write an Excel report: a ``title`` key/value summary sheet, then one sheet per table.

    Column headers are the labels of bansos's own columns in ``lang`` (``row`` -> ``BARIS``),
    the officer's columns as they are. Written atomically. A table longer than Excel's
    1,048,576 rows is truncated with a notice at the top of its sheet (the full data is in
    the Parquet/CSV outputs).
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        layout = tmp.with_name(tmp.name + ".layout")
        try:
            book = xlsxwriter.Workbook(
                str(layout),
                {
                    "strings_to_numbers": False,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                },
            )
            formats: dict[str, Any] = {
                "title": book.add_format({"bold": True, "font_size": 13}),
                "notice": book.add_format({"bold": True, "font_color": "#9C0006"}),
                "header": book.add_format(
                    {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
                ),
                "key": book.add_format({"bold": True}),
            }
            for severity, colour in SEVERITY_FILL.items():
                formats[severity] = book.add_format({"bg_color": colour})
            taken: set[str] = set()
            _write_summary(book, _sheet_name(title, taken), summary, formats)
            plans = [
                _layout_table_sheet(book, sheet, _sheet_name(sheet.name, taken), formats, lang)
                for sheet in sheets
            ]
            book.close()
            xf = {sev: int(formats[sev].xf_index) for sev in SEVERITY_FILL}
            by_name = {plan.xml_name: plan for plan in plans}
            with (
                zipfile.ZipFile(layout) as src,
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
            ):
                for info in src.infolist():
                    data = src.read(info.filename)
                    plan = by_name.get(info.filename)
                    if plan is None:
                        out.writestr(info, data)
                    else:
                        _fill_sheet(out, data.decode("utf-8"), plan, xf, info.filename)
        finally:
            layout.unlink(missing_ok=True)
    return path


__all__ = ["EXCEL_MAX_ROWS", "SEVERITY_FILL", "ReportSheet", "write_report"]
