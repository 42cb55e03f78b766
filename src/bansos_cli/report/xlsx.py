"""Write officer-facing Excel workbooks.

xlsxwriter lays out the workbook (summary sheet with its tables and charts, titles, header
rows, column widths, frozen panes, filters, cell formats, page setup); the data rows of each
table sheet, their cell notes and their links are then generated in batches by
:mod:`bansos_cli.report.sheetxml` and :mod:`bansos_cli.report.cellparts` and streamed into
the xlsx zip, so a sheet of hundreds of thousands of rows takes seconds. Cells are never
interpreted as formulas or URLs (a name like ``=HYPERLINK(...)`` stays text).

Every sheet prints on A4 landscape, one page wide, with its header rows repeated, gridlines,
and a footer naming the inputs, the sheet and the page. Nothing in the workbook depends on
the time it was written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from bansos_cli.core.files import FIXED_DOCUMENT_DATE, atomic_path
from bansos_cli.core.messages import DEFAULT_LANG, column_label, format_number
from bansos_cli.core.messages import text as T
from bansos_cli.report.cellparts import (
    MAX_LINKS,
    comments_xml,
    hyperlinks_xml,
    sheet_ref,
    vml_xml,
)
from bansos_cli.report.sheetxml import column_letter, rows_xml, text_ready, wrapped_lines

if TYPE_CHECKING:  # imported by write_report: a run without a report need not load it
    import xlsxwriter

EXCEL_MAX_ROWS = 1_048_576
"""Rows in an Excel sheet (header and title rows included)."""
_MAX_COL_WIDTH = 60
_BATCH = 20_000
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_STYLE = "__style_"

SEVERITY_FILL = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7", "ok": "#C6EFCE"}
"""Background colour of a highlighted cell by severity (``ok``: a good outcome)."""
_SEVERITY_RANK = {"error": 4, "warning": 3, "info": 2, "ok": 1}
_CHART_COLOUR = {"error": "#C0504D", "warning": "#F2C314", "info": "#4F81BD", "ok": "#9BBB59"}
CELL_STYLES = ("plain", "wrap", "link", "int", "rupiah")
"""Base formats a column can ask for (``ReportSheet.formats``); links get ``link``."""
_BASE_FORMATS: dict[str, dict[str, Any]] = {
    "plain": {"valign": "top"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "link": {"font_color": "#0563C1", "underline": 1, "valign": "top"},
    "int": {"num_format": "#,##0", "valign": "top"},
    "rupiah": {"num_format": '"Rp "#,##0', "valign": "top"},
}
_SUMMARY_WIDTHS = (34, 14, 12, 13, 50, 50)
"""Column widths of the summary sheet (label, value, and the columns of its tables)."""
_LINE_HEIGHT = 15.0


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
    headers: Sequence[str] | None = None
    """The header shown for each column (default: the catalogue label of bansos's columns,
    the name itself for others)."""
    band: Sequence[str | None] | None = None
    """An optional row right above the header (e.g. the input file's column letters)."""
    formats: Mapping[str, str] = field(default_factory=dict)
    """Column -> base format (:data:`CELL_STYLES`: ``wrap``, ``int``, ``rupiah`` ...)."""
    widths: Mapping[str, int] = field(default_factory=dict)
    """Column -> width in characters (default: from the first rows)."""
    freeze_columns: int = 0
    """Columns kept in view when scrolling right (the header rows always are)."""
    notes: pl.DataFrame | None = None
    """Cell notes: ``frame_row``, ``column``, ``text`` (one per cell)."""
    links: pl.DataFrame | None = None
    """Links to cells of another sheet: ``frame_row``, ``column`` (the cell holding the link),
    ``sheet`` (the target's :attr:`name`), ``target_row`` (a ``frame_row`` there) and
    ``target_column`` (a column there)."""


@dataclass
class SummaryChart:
    """A native bar chart of the first rows of a :class:`SummaryTable`."""

    title: str
    categories: str
    """The table column naming each bar."""
    values: Sequence[tuple[str, str]]
    """``(column, severity)``: the stacked series and the colour of each."""
    rows: int = 15


@dataclass
class SummaryTable:
    """A small table on the summary sheet (codes with their meaning, counts per region)."""

    title: str
    frame: pl.DataFrame
    headers: Sequence[str] | None = None
    highlight: pl.DataFrame | None = None
    """As :attr:`ReportSheet.highlight`."""
    formats: Mapping[str, str] = field(default_factory=dict)
    chart: SummaryChart | None = None


SummaryItem = tuple[str, object] | SummaryTable
"""A summary-sheet line (label, value) or a table."""


@dataclass
class _Planned:
    sheet: ReportSheet
    name: str
    xml_name: str
    frame: pl.DataFrame
    first_row: int
    """Excel row (1-based) of the first data row."""
    shown: int
    cells: pl.DataFrame | None
    """``frame_row``, ``col_idx``, ``severity`` of highlighted cells (worst per cell)."""
    base: dict[int, str]
    """Column index -> base format name."""
    widths: list[int]


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


def _widths(frame: pl.DataFrame, headers: Sequence[str], fixed: Mapping[str, int]) -> list[int]:
    """Column widths: as fixed, else the longest value of the first rows, and at least the
    longest word of the header shown (headers wrap between words, never inside one)."""
    sample = frame.head(500)
    widths = []
    for name, header in zip(frame.columns, headers, strict=True):
        if name in fixed:
            widths.append(fixed[name])
            continue
        col = sample.get_column(name)
        longest = col.cast(pl.String).str.len_chars().max() if col.len() else 0
        longest_int = int(longest) if isinstance(longest, int | float) else 0
        head = max((len(w) for w in header.split()), default=0)
        widths.append(min(_MAX_COL_WIDTH, max(min(len(header), 14), head, longest_int, 6) + 2))
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


class _Styles:
    """The workbook's formats: titles, headers, and every base format with every fill."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        add = book.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.subtitle = add({"italic": True, "font_color": "#404040"})
        self.notice = add({"bold": True, "font_color": "#9C0006", "text_wrap": True})
        self.header = add(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.band = add(
            {"italic": True, "font_color": "#595959", "align": "center", "bg_color": "#F2F2F2"}
        )
        self.key = add({"bold": True, "valign": "top"})
        self.section = add({"bold": True, "font_size": 12, "bottom": 1})
        self.cells: dict[tuple[str, str | None], Any] = {}
        for base, props in _BASE_FORMATS.items():
            self.cells[(base, None)] = add(props)
            for severity, colour in SEVERITY_FILL.items():
                self.cells[(base, severity)] = add({**props, "bg_color": colour})

    def cell(self, base: str = "plain", severity: str | None = None) -> Any:
        return self.cells[(base, severity)]

    def xf(self) -> dict[tuple[str, str | None], int]:
        """The style index of every cell format, as the streamed rows refer to them."""
        # A format gets its index when first used; the streamed cells use them without
        # xlsxwriter seeing them, so each is given its index here.
        return {key: int(fmt._get_xf_index()) for key, fmt in self.cells.items()}


def _page_setup(ws: Any, repeat: tuple[int, int] | None, footer: str) -> None:
    """A4 landscape, one page wide, gridlines, header rows on every page, a footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.set_footer(footer)


def _footer(label: str | None, lang: str) -> str:
    """``&L<inputs>&C<sheet>&RHalaman <p> dari <n>`` (``&`` in names doubled)."""
    left = (label or "").replace("&", "&&")
    right = T("REPORT_FOOTER_PAGE", lang)
    text = f"&L&8{left}&C&8&A&R&8{right}"
    if len(text) > 250:  # Excel's limit for a footer is 255 characters
        keep = 250 - (len(text) - len(left)) - 3
        text = f"&L&8{left[: max(keep, 0)]}...&C&8&A&R&8{right}"
    return text


def _layout_table_sheet(
    book: xlsxwriter.Workbook,
    sheet: ReportSheet,
    name: str,
    styles: _Styles,
    lang: str,
    footer: str,
) -> _Planned:
    ws = book.add_worksheet(name)
    frame = text_ready(sheet.frame)
    columns = frame.columns
    headers = (
        list(sheet.headers)
        if sheet.headers is not None
        else [column_label(c, lang) for c in columns]
    )
    if len(headers) != len(columns):
        raise ValueError(f"sheet {name!r}: {len(headers)} headers for {len(columns)} columns")
    row = 0
    if sheet.title:
        ws.write_string(row, 0, sheet.title, styles.title)
        row += 1
    band_rows = 1 if sheet.band is not None else 0
    capacity = EXCEL_MAX_ROWS - (row + 2 + band_rows)  # a possible notice row + the header
    shown = min(frame.height, capacity)
    if frame.height > capacity:
        ws.write_string(
            row,
            0,
            T(
                "REPORT_TRUNCATED",
                lang,
                shown=format_number(shown, lang),
                rows=format_number(frame.height, lang),
                limit=format_number(EXCEL_MAX_ROWS, lang),
            ),
            styles.notice,
        )
        row += 1
    first_repeat = row
    if sheet.band is not None:
        for j, value in enumerate(sheet.band):
            if value:
                ws.write_string(row, j, value, styles.band)
        row += 1
    header_row = row
    for j, header in enumerate(headers):
        ws.write_string(header_row, j, header, styles.header)
    base: dict[int, str] = {}
    linked = (
        set(sheet.links.get_column("column").unique().to_list())
        if sheet.links is not None and sheet.links.height
        else set()
    )
    for j, column in enumerate(columns):
        chosen = "link" if column in linked else sheet.formats.get(column, "plain")
        if chosen not in _BASE_FORMATS:
            raise ValueError(f"unknown cell format {chosen!r}")
        base[j] = chosen
    widths = _widths(frame, headers, sheet.widths)
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    if columns:
        ws.freeze_panes(header_row + 1, sheet.freeze_columns)
        ws.autofilter(header_row, 0, header_row + max(shown, 1), len(columns) - 1)
    if sheet.notes is not None and sheet.notes.height:
        # the plumbing of the sheet's notes; their content is generated (cellparts)
        ws.write_comment(header_row, 0, "-")
    _page_setup(ws, (first_repeat, header_row), footer)
    # xlsxwriter numbers worksheets in creation order: sheet1.xml, sheet2.xml, ...
    xml_name = f"xl/worksheets/sheet{len(book.worksheets())}.xml"
    return _Planned(
        sheet=sheet,
        name=name,
        xml_name=xml_name,
        frame=frame.head(shown),
        first_row=header_row + 2,
        shown=shown,
        cells=_highlight_cells(sheet.highlight, columns, shown),
        base=base,
        widths=widths,
    )


def _text_lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a cell ``width`` characters wide (an estimate)."""
    return sum(max(1, math.ceil(len(part) / max(width - 2, 1))) for part in text.split("\n"))


def _write_value(ws: Any, row: int, col: int, value: object, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "ya" if value else "tidak", fmt)
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_string(row, col, value.isoformat(), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _write_summary_table(
    book: xlsxwriter.Workbook,
    ws: Any,
    sheet_name: str,
    row: int,
    table: SummaryTable,
    styles: _Styles,
    lang: str,
) -> int:
    """Write ``table`` from ``row`` on; returns the next free row."""
    ws.write_string(row, 0, table.title, styles.section)
    row += 1
    frame = table.frame
    headers = (
        list(table.headers)
        if table.headers is not None
        else [column_label(c, lang) for c in frame.columns]
    )
    for j, header in enumerate(headers):
        ws.write_string(row, j, header, styles.header)
    header_row = row
    cells = _highlight_cells(table.highlight, frame.columns, frame.height)
    marks: dict[tuple[int, int], str] = {}
    if cells is not None:
        marks = {(r, c): s for r, c, s in cells.iter_rows()}  # a few summary rows
    widths = _SUMMARY_WIDTHS
    for i, values in enumerate(frame.rows()):  # a summary table: tens of rows at most
        height = 1
        for j, value in enumerate(values):
            base = table.formats.get(frame.columns[j], "plain")
            if isinstance(value, int) and base == "plain":
                base = "int"
            if (
                isinstance(value, str)
                and base == "plain"
                and len(value) > widths[min(j, len(widths) - 1)]
            ):
                base = "wrap"
            if base == "wrap" and isinstance(value, str):
                height = max(height, _text_lines(value, widths[min(j, len(widths) - 1)]))
            _write_value(ws, row + 1 + i, j, value, styles.cell(base, marks.get((i, j))))
        if height > 1:
            ws.set_row(row + 1 + i, _LINE_HEIGHT * height)
    row = header_row + 1 + frame.height
    chart = table.chart
    if chart is not None and frame.height:
        plotted = min(chart.rows, frame.height)
        first, last = header_row + 1, header_row + plotted
        cat = frame.columns.index(chart.categories)
        kind = book.add_chart({"type": "bar", "subtype": "stacked"})
        assert kind is not None
        for column, severity in chart.values:
            j = frame.columns.index(column)
            kind.add_series(
                {
                    "name": [sheet_name, header_row, j],
                    "categories": [sheet_name, first, cat, last, cat],
                    "values": [sheet_name, first, j, last, j],
                    "fill": {"color": _CHART_COLOUR.get(severity, "#4F81BD")},
                    "gap": 60,
                }
            )
        kind.set_title({"name": chart.title, "name_font": {"size": 11}})
        biggest = (
            frame.head(plotted)
            .select(pl.sum_horizontal([pl.col(c) for c, _ in chart.values]).max())
            .item()
        )
        # whole rows only: a unit of 1 or more, about eight gridlines
        step = max(1, math.ceil(float(biggest or 1) / 8))
        kind.set_x_axis({"min": 0, "major_unit": step, "num_format": "#,##0"})
        kind.set_y_axis({"reverse": True})  # the category axis of a bar chart: first on top
        kind.set_legend({"position": "bottom"})
        height = max(220, 60 + 22 * plotted)
        kind.set_size({"width": 760, "height": height})
        ws.insert_chart(row + 1, 0, kind, {"object_position": 1})
        row += 2 + math.ceil(height / 20)
    return row + 1


def _write_summary(
    book: xlsxwriter.Workbook,
    name: str,
    summary: Sequence[SummaryItem],
    styles: _Styles,
    lang: str,
    footer: str,
) -> None:
    ws = book.add_worksheet(name)
    for j, width in enumerate(_SUMMARY_WIDTHS):
        ws.set_column(j, j, width)
    ws.write_string(0, 0, name, styles.title)
    row = 2
    for item in summary:
        if isinstance(item, SummaryTable):
            row = _write_summary_table(book, ws, name, row + 1, item, styles, lang)
            continue
        key, value = item
        ws.write_string(row, 0, str(key), styles.key)
        if isinstance(value, str) and len(value) > _SUMMARY_WIDTHS[1]:
            # long text (files, notices) wraps over the other columns
            span = sum(_SUMMARY_WIDTHS[1:])
            ws.merge_range(row, 1, row, len(_SUMMARY_WIDTHS) - 1, value, styles.cell("wrap"))
            ws.set_row(row, _LINE_HEIGHT * max(_text_lines(value, span), _text_lines(key, 34)))
        else:
            base = "int" if isinstance(value, int) and not isinstance(value, bool) else "plain"
            _write_value(ws, row, 1, value, styles.cell(base))
        row += 1
    # colour legend
    row += 1
    ws.write_string(row, 0, T("REPORT_LEGEND", lang), styles.key)
    for offset, severity in enumerate(("error", "warning", "info"), start=1):
        ws.write_string(row + offset, 0, T(f"REPORT_LEGEND_{severity.upper()}", lang),
                        styles.cell("plain", severity))  # fmt: skip
    _page_setup(ws, None, footer)


def _sheet_xml_parts(xml: str) -> tuple[str, str]:
    if "</sheetData>" not in xml:
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    head, _, tail = xml.partition("</sheetData>")
    return head, "</sheetData>" + tail


def _styles_for(
    plan: _Planned, start: int, stop: int, xf: Mapping[tuple[str, str | None], int]
) -> pl.DataFrame | None:
    if plan.cells is None:
        return None
    part = plan.cells.filter(pl.col("frame_row").is_between(start, stop - 1))
    if part.is_empty():
        return None
    combined = {
        (j, severity): xf[(base, severity)]
        for j, base in plan.base.items()
        for severity in SEVERITY_FILL
    }
    keys = pl.DataFrame(
        {
            "col_idx": [k[0] for k in combined],
            "severity": [k[1] for k in combined],
            "xf": list(combined.values()),
        },
        schema={"col_idx": pl.Int64, "severity": pl.String, "xf": pl.Int64},
    )
    wide = (
        part.join(keys, on=["col_idx", "severity"], how="left")
        .with_columns((pl.lit(_STYLE) + pl.col("col_idx").cast(pl.String)).alias("key"))
        .pivot(on="key", index="frame_row", values="xf")
    )
    rows = pl.DataFrame({"frame_row": pl.int_range(start, stop, dtype=pl.Int64, eager=True)})
    return rows.join(wide, on="frame_row", how="left", maintain_order="left").drop("frame_row")


def _cells_of(
    plan: _Planned, part: pl.DataFrame, row_col: str = "frame_row", column_col: str = "column"
) -> pl.DataFrame:
    """``part`` with the 0-based cell (``row0``, ``col0``) of ``plan`` it points at; rows
    outside the sheet or naming no column of it are left out."""
    index = pl.DataFrame(
        {column_col: plan.frame.columns, "col0": list(range(len(plan.frame.columns)))},
        schema={column_col: pl.String, "col0": pl.Int64},
    )
    return (
        part.with_columns(pl.col(row_col).cast(pl.Int64), pl.col(column_col).cast(pl.String))
        .filter(pl.col(row_col).is_between(0, plan.shown - 1))
        .join(index, on=column_col, how="inner")
        .with_columns((pl.col(row_col) + plan.first_row - 1).alias("row0"))
    )


def _links_xml(plan: _Planned, targets: Mapping[str, _Planned]) -> str:
    links = plan.sheet.links
    if links is None or links.is_empty():
        return ""
    parts = []
    for sheet, group in links.group_by("sheet", maintain_order=True):
        target = targets.get(str(sheet[0]))
        if target is None:
            continue
        there = _cells_of(target, group, "target_row", "target_column").rename(
            {"row0": "t_row0", "col0": "t_col0"}
        )
        here = _cells_of(plan, there)
        if here.is_empty():
            continue
        ref = sheet_ref(target.name)
        letters = pl.DataFrame(
            {"t_col0": list(range(len(target.frame.columns)))},
            schema={"t_col0": pl.Int64},
        ).with_columns(
            pl.Series("t_letter", [column_letter(j) for j in range(len(target.frame.columns))])
        )
        display = plan.frame.select(pl.all().cast(pl.String))
        here = here.join(letters, on="t_col0", how="left").with_columns(
            pl.concat_str(
                [pl.lit(ref + "!"), pl.col("t_letter"), (pl.col("t_row0") + 1).cast(pl.String)]
            ).alias("location")
        )
        shown = []
        for j, name in enumerate(plan.frame.columns):
            sub = here.filter(pl.col("col0") == j)
            if sub.height:
                values = display.get_column(name).gather(sub.get_column("frame_row"))
                shown.append(sub.with_columns(values.alias("display")))
        parts.extend(shown)
    if not parts:
        return ""
    return hyperlinks_xml(pl.concat(parts).select("row0", "col0", "location", "display"))


def _insert_links(tail: str, links: str) -> str:
    """``<hyperlinks>`` goes after the filter and before the print settings."""
    if not links:
        return tail
    for marker in ("<printOptions", "<pageMargins", "<pageSetup", "<headerFooter", "<drawing",
                   "<legacyDrawing", "</worksheet>"):  # fmt: skip
        at = tail.find(marker)
        if at >= 0:
            return tail[:at] + links + tail[at:]
    return tail + links


_MAX_LINES = 12
"""A wrapped cell grows its row up to this many lines (the rest shows when selected)."""


def _heights(plan: _Planned, batch: pl.DataFrame) -> pl.Series | None:
    """Row heights for the wrapped columns of a batch (null where one line is enough)."""
    wrapped = [
        wrapped_lines(pl.col(batch.columns[j]), plan.widths[j])
        for j, base in plan.base.items()
        if base == "wrap"
    ]
    if not wrapped:
        return None
    lines = batch.select(pl.max_horizontal(wrapped).clip(1, _MAX_LINES).alias("n")).to_series()
    return (
        pl.select(pl.when(lines > 1).then(lines * _LINE_HEIGHT).otherwise(None).alias("h"))
        .to_series()
        .cast(pl.Float64)
    )


def _fill_sheet(
    out: zipfile.ZipFile,
    xml: str,
    plan: _Planned,
    xf: Mapping[tuple[str, str | None], int],
    name: str,
    links: str,
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
    # plain cells need no style: the workbook's default format is the plain one
    base = {j: xf[(b, None)] for j, b in plan.base.items() if b != "plain"}
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # a ZipInfo of our own is compressed at its own level, zlib's default 6 unless set: level 1
    # is 3x faster on sheet XML for a file a few per cent larger
    level = "compress_level" if hasattr(info, "compress_level") else "_compresslevel"  # 3.13
    setattr(info, level, 1)
    with (
        out.open(info, "w", force_zip64=True) as stream,
        ThreadPoolExecutor(max_workers=1) as writer,
    ):
        # zlib (in the writer thread, without the GIL) compresses a batch while polars
        # builds the next one
        pending = writer.submit(stream.write, head.encode("utf-8"))
        for start in range(0, plan.shown, _BATCH):
            stop = min(start + _BATCH, plan.shown)
            styles = _styles_for(plan, start, stop, xf)
            batch = plan.frame.slice(start, stop - start)
            heights = _heights(plan, batch)
            xml = rows_xml(batch, plan.first_row + start, styles, _STYLE, base, heights)
            data = xml.encode("utf-8")
            pending.result()
            pending = writer.submit(stream.write, data)
        pending.result()
        stream.write(_insert_links(tail, links).encode("utf-8"))


def _note_files(src: zipfile.ZipFile, sheet_xml: str) -> tuple[str, str] | None:
    """The comments part and VML drawing xlsxwriter linked to a worksheet."""
    folder, _, file = sheet_xml.rpartition("/")
    rels = f"{folder}/_rels/{file}.rels"
    if rels not in src.namelist():
        return None
    text = src.read(rels).decode("utf-8")
    comments = re.search(r'Target="\.\./(comments\d+\.xml)"', text)
    vml = re.search(r'Target="\.\./(drawings/vmlDrawing\d+\.vml)"', text)
    if comments is None or vml is None:
        return None
    return f"xl/{comments.group(1)}", f"xl/{vml.group(1)}"


def _notes_of(plan: _Planned) -> pl.DataFrame | None:
    notes = plan.sheet.notes
    if notes is None or notes.is_empty():
        return None
    cells = _cells_of(plan, notes).unique(["row0", "col0"], keep="first", maintain_order=True)
    return cells.select("row0", "col0", pl.col("text").cast(pl.String)) if cells.height else None


def write_report(
    path: Path,
    sheets: Sequence[ReportSheet],
    summary: Sequence[SummaryItem] = (),
    title: str = "Ringkasan",
    lang: str = DEFAULT_LANG,
    footer: str | None = None,
) -> Path:
    """Write an Excel report: a ``title`` summary sheet (lines and tables), then one sheet
    per table.

    Column headers are the labels of bansos's own columns in ``lang`` (``row`` -> ``BARIS``)
    unless a sheet gives its own, the officer's columns as they are. ``footer`` names the
    inputs on every printed page. Written atomically. A table longer than Excel's 1,048,576
    rows is cut with a notice at the top of its sheet (the full data is in the Parquet/CSV
    outputs); links beyond Excel's 65,530 per sheet are left out.
    """
    import xlsxwriter

    path = Path(path)
    page_footer = _footer(footer, lang)
    with atomic_path(path) as tmp:
        layout = tmp.with_name(tmp.name + ".layout")
        try:
            book = xlsxwriter.Workbook(
                str(layout),
                {
                    "strings_to_numbers": False,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                    "default_format_properties": {
                        "font_name": "Calibri",
                        "font_size": 11,
                        "valign": "top",
                    },
                },
            )
            # a fixed creation date: identical runs give byte-identical reports
            book.set_properties({"created": FIXED_DOCUMENT_DATE})
            styles = _Styles(book)
            taken: set[str] = set()
            _write_summary(book, _sheet_name(title, taken), summary, styles, lang, page_footer)
            plans = [
                _layout_table_sheet(
                    book, sheet, _sheet_name(sheet.name, taken), styles, lang, page_footer
                )
                for sheet in sheets
            ]
            xf = styles.xf()
            book.close()
            by_xml = {plan.xml_name: plan for plan in plans}
            targets: dict[str, _Planned] = {}
            for plan in plans:
                targets.setdefault(plan.sheet.name, plan)
            links = {plan.xml_name: _links_xml(plan, targets) for plan in plans}
            with zipfile.ZipFile(layout) as src:
                replaced = _generated_notes(src, plans)
                with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                    for info in src.infolist():
                        sheet_plan = by_xml.get(info.filename)
                        if sheet_plan is not None:
                            data = src.read(info.filename).decode("utf-8")
                            xml_links = links[sheet_plan.xml_name]
                            _fill_sheet(out, data, sheet_plan, xf, info.filename, xml_links)
                        elif info.filename in replaced:
                            out.writestr(info, replaced[info.filename])
                        else:
                            out.writestr(info, src.read(info.filename))
        finally:
            layout.unlink(missing_ok=True)
    return path


def _generated_notes(src: zipfile.ZipFile, plans: Sequence[_Planned]) -> dict[str, str]:
    """The notes parts of every sheet with notes, by part name."""
    replaced: dict[str, str] = {}
    block = 1
    for plan in plans:
        notes = _notes_of(plan)
        files = _note_files(src, plan.xml_name) if plan.sheet.notes is not None else None
        if files is None:
            continue
        if notes is None:  # every note fell outside the sheet: keep the parts valid
            notes = pl.DataFrame(
                {"row0": [plan.first_row - 2], "col0": [0], "text": ["-"]},
                schema={"row0": pl.Int64, "col0": pl.Int64, "text": pl.String},
            )
        comments, vml = files
        replaced[comments] = comments_xml(notes)
        replaced[vml], block = vml_xml(notes, block)
    return replaced


__all__ = [
    "CELL_STYLES",
    "EXCEL_MAX_ROWS",
    "MAX_LINKS",
    "SEVERITY_FILL",
    "ReportSheet",
    "SummaryChart",
    "SummaryItem",
    "SummaryTable",
    "write_report",
]
