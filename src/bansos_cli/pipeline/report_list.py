"""The report.xlsx sheets that speak the officer's file: *Data* and *Temuan*.

*Data* is the list as the officer knows it: their headers, in their order, with the values as
read and the column letters of their file in a row above the header; in front, bansos's
``BARIS`` (the row in their file), ``STATUS``, ``NIK`` and ``NAMA`` (kept in view when
scrolling right) and ``MASALAH`` (every finding of the row in one sentence each). Each bad
cell is coloured by severity and carries a note with its message and hint. Inputs with the
same columns share one Data sheet; inputs laid out differently get one each.

*Temuan* lists every finding with the column as the file names it plus its letter
(``TGL LAHIR (F)``), severity coloured, sorted by file and row, each row number a link to the
cell on the Data sheet.

Everything is built with polars expressions over the whole frame (no loop over rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS, excel_column_letter
from bansos_cli.core.messages import text as T
from bansos_cli.core.privacy import (
    identifier_columns,
    mask_id_expr,
    mask_id_runs_expr,
    mask_text,
)
from bansos_cli.core.vocabulary import (
    CODE,
    COLUMN,
    HINT,
    MESSAGE,
    ROW,
    SEVERITY,
    SHEET,
    SOURCE,
    VALUE,
    is_internal,
)
from bansos_cli.ingest import DERIVED_FROM, SourceInfo
from bansos_cli.report import ReportSheet

_KEY = [SOURCE, SHEET, ROW]
# the Data sheet's own columns (never an input column: those never start with "_")
D_SOURCE, D_SHEET, D_ROW, D_STATUS = "_d_source", "_d_sheet", "_d_row", "_d_status"
D_NIK, D_NAMA, D_PROBLEMS = "_d_nik", "_d_nama", "_d_problems"
F_COLUMN, F_SEVERITY = "_f_column", "_f_severity"
_IDENTITY = (("nik", D_NIK), ("nama", D_NAMA))
_EXCEL_LIKE = ("xlsx", "xlsm", "xls", "ods", "csv")
"""Formats whose columns have letters when opened in Excel (a CSV too)."""


@dataclass
class ExtraColumns:
    """Columns ``bansos run`` adds to the Data sheets after the file's own, one row per
    record of the frame: their values, headers, cell formats and highlighted cells
    (``frame_row`` = the record's position in the frame, ``column``, ``severity``)."""

    frame: pl.DataFrame
    headers: Mapping[str, str]
    formats: Mapping[str, str]
    highlight: pl.DataFrame | None = None


@dataclass
class Layout:
    """The inputs shown on one Data sheet (they have the same columns) and those columns."""

    name: str
    """The Data sheet's name (unique in the report)."""
    sources: list[tuple[str, str]]
    """``(source, sheet)`` of each input shown."""
    columns: list[str]
    """The frame columns of the file, in the file's order."""
    headers: list[str]
    """The file's header of each column."""
    letters: list[str]
    """The file's column letter of each column (empty for Parquet)."""


def _file_columns(info: SourceInfo, present: set[str]) -> list[tuple[str, str, str]]:
    """``(column, header, letter)`` of a source's own columns, in the file's order."""
    letters = info.format in _EXCEL_LIKE
    out = []
    for c in sorted(info.columns, key=lambda c: c.position):
        if c.column in present:
            letter = excel_column_letter(c.position) if letters else ""
            out.append((c.column, c.source_header or c.column, letter))
    return out


def layouts(frame: pl.DataFrame, sources: Sequence[SourceInfo], data_name: str) -> list[Layout]:
    """One layout per distinct set of file columns among ``sources``; records of no known
    source (bansos's own output read back, say) get a layout of the frame's columns."""
    present = {c for c in frame.columns if not is_internal(c) and c not in _KEY}
    groups: dict[tuple[tuple[str, str, str], ...], list[tuple[str, str]]] = {}
    for info in sources:
        key = tuple(_file_columns(info, present))
        groups.setdefault(key, []).append((info.source, info.sheet or ""))
    known = {pair for pairs in groups.values() for pair in pairs}
    pairs = frame.select(SOURCE, SHEET).unique(maintain_order=True).rows()
    strays = [(str(s), str(h or "")) for s, h in pairs if (s, h or "") not in known]
    if strays:
        plain = tuple((c, c, "") for c in frame.columns if c in present)
        groups.setdefault(plain, []).extend(strays)
    out: list[Layout] = []
    taken: set[str] = set()
    for columns, members in groups.items():
        if len(groups) == 1:
            name = data_name
        else:
            stem = Path(members[0][0]).stem or data_name
            name = f"{data_name} {stem}"[:28]
            n = 2
            while name.lower() in taken:
                name = f"{data_name} {stem}"[:24] + f" ({n})"
                n += 1
        taken.add(name.lower())
        out.append(
            Layout(
                name,
                members,
                [c for c, _, _ in columns],
                [h for _, h, _ in columns],
                [letter for _, _, letter in columns],
            )
        )
    return out


def _where(layout_list: Sequence[Layout], sources: Sequence[SourceInfo]) -> pl.DataFrame:
    """Per input and bansos column: the file column a finding on it points at (``target``),
    its header, letter and position. A column bansos split or joined from the file's points
    at the file's column it comes from (``tanggal_lahir`` -> ``TEMPAT, TANGGAL LAHIR``)."""
    rows: list[tuple[str, str, str, str, str, str, int]] = []
    by_pair = {pair: layout for layout in layout_list for pair in layout.sources}
    described = {(info.source, info.sheet or "") for info in sources}
    pairs = [(info.source, info.sheet or "") for info in sources]
    pairs += [p for p in by_pair if p not in described]  # records of no known input
    for pair in pairs:
        layout = by_pair.get(pair)
        if layout is None:
            continue
        named = zip(layout.columns, layout.headers, layout.letters, strict=True)
        spots = {c: (h, letter, i) for i, (c, h, letter) in enumerate(named)}
        for column, (header, letter, position) in spots.items():
            rows.append((*pair, column, column, header, letter, position))
        for column, origins in DERIVED_FROM.items():
            origin = next((o for o in origins if o in spots), None)
            if column not in spots and origin is not None:
                header, letter, position = spots[origin]
                rows.append((*pair, column, origin, header, letter, position))
    return pl.DataFrame(
        rows,
        schema={
            SOURCE: pl.String,
            SHEET: pl.String,
            "_w_column": pl.String,
            "_w_target": pl.String,
            "_w_header": pl.String,
            "_w_letter": pl.String,
            "_w_position": pl.Int64,
        },
        orient="row",
    ).unique([SOURCE, SHEET, "_w_column"], keep="first", maintain_order=True)


def _severity_label(expr: pl.Expr, lang: str) -> pl.Expr:
    labels = {s: T(f"LABEL_SEVERITY_{s.upper()}", lang) for s in ("error", "warning", "info")}
    return expr.replace_strict(labels, default=expr)


def _status_label(expr: pl.Expr, lang: str) -> pl.Expr:
    labels = {
        "ok": T("LABEL_STATUS_OK", lang),
        "warning": T("LABEL_SEVERITY_WARNING", lang),
        "error": T("LABEL_SEVERITY_ERROR", lang),
    }
    return expr.replace_strict(labels, default=expr)


def _locate(
    findings: pl.DataFrame,
    positions: pl.DataFrame,
    where: pl.DataFrame,
) -> pl.DataFrame:
    located = (
        findings.with_row_index("_fid")
        .with_columns(pl.col(COLUMN).str.split("/").list.first().alias("_w_column"))
        .join(where, on=[SOURCE, SHEET, "_w_column"], how="left", maintain_order="left")
        .join(positions, on=_KEY, how="left", maintain_order="left")
    )
    header = pl.coalesce(pl.col("_w_header"), pl.col(COLUMN))
    shown = (
        pl.when(pl.col("_w_letter").is_not_null() & (pl.col("_w_letter") != ""))
        .then(pl.concat_str([header, pl.lit(" ("), pl.col("_w_letter"), pl.lit(")")]))
        .otherwise(header)
    )
    return located.with_columns(header.alias("_header"), shown.alias(F_COLUMN))


def _masked(value: pl.Expr, mask: bool, identifier: bool) -> pl.Expr:
    if not mask:
        return value
    return mask_id_expr(value) if identifier else mask_id_runs_expr(value)


def data_sheets(
    frame: pl.DataFrame,
    status: pl.Series,
    findings: pl.DataFrame,
    sources: Sequence[SourceInfo],
    *,
    mask: bool,
    lang: str,
    extra: pl.DataFrame | None = None,
    extra_headers: Mapping[str, str] | None = None,
    extra_formats: Mapping[str, str] | None = None,
    extra_highlight: pl.DataFrame | None = None,
) -> tuple[list[ReportSheet], ReportSheet]:
    """The Data sheets (one per layout) and the Temuan sheet of a validated frame.

    ``frame`` is the text frame as read (one row per record, in the files' order), ``status``
    the validation status of each row. ``extra`` (aligned with ``frame``) adds columns after
    the file's own (``bansos run``: duplicate group, eligibility per program), with their
    headers, formats and highlighted cells (``frame_row`` = the row in ``frame``,
    ``column``, ``severity``).
    """
    data_name = T("REPORT_DATA", lang)
    layout_list = layouts(frame, sources, data_name)
    # --mask masks by content: NIK/KK, any column of NIK-like values, NIK-like runs in text
    ids = set(identifier_columns(frame, ID_COLUMNS, exclude=META_COLUMNS)) if mask else set()
    if mask:
        for layout in layout_list:
            layout.headers = [mask_text(h) for h in layout.headers]
    base = frame.with_columns(status.alias(D_STATUS)).with_row_index("_pos")
    if extra is not None:
        base = pl.concat([base, extra], how="horizontal")
    order = pl.DataFrame(
        {
            SOURCE: [p[0] for lay in layout_list for p in lay.sources],
            SHEET: [p[1] for lay in layout_list for p in lay.sources],
            "_layout": [i for i, lay in enumerate(layout_list) for _ in lay.sources],
            "_src_order": list(range(sum(len(lay.sources) for lay in layout_list))),
        },
        schema={SOURCE: pl.String, SHEET: pl.String, "_layout": pl.Int64, "_src_order": pl.Int64},
    )
    # joins on the key columns only, their results put beside the frame: a join of the
    # whole frame would copy every column of the list
    placed = base.select(SOURCE, SHEET).join(
        order, on=[SOURCE, SHEET], how="left", maintain_order="left"
    )
    base = base.with_columns(
        placed.get_column("_layout").fill_null(len(layout_list) - 1),
        placed.get_column("_src_order"),
    )
    base = base.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).over("_layout").alias("_frame_row")
    )
    positions = base.select(
        SOURCE, SHEET, pl.col(ROW).cast(pl.Int64), "_layout", "_frame_row", "_src_order"
    ).unique(_KEY, keep="first", maintain_order=True)
    where = _where(layout_list, sources)
    located = _locate(findings.with_columns(pl.col(ROW).cast(pl.Int64)), positions, where)
    hint_label = T("REPORT_HINT_PREFIX", lang)

    problems = (
        located.sort("_w_position", "_fid", nulls_last=True)
        .group_by(_KEY, maintain_order=True)
        .agg(
            pl.concat_str([pl.col("_header"), pl.lit(": "), pl.col(MESSAGE)])
            .str.join("\n")
            .alias(D_PROBLEMS)
        )
    )
    base = base.with_columns(
        base.select(SOURCE, SHEET, pl.col(ROW).cast(pl.Int64))
        .join(problems, on=_KEY, how="left", maintain_order="left")
        .get_column(D_PROBLEMS)
    )
    note_text = pl.concat_str(
        [
            pl.col(MESSAGE),
            pl.when(pl.col(HINT).is_not_null() & (pl.col(HINT) != ""))
            .then(pl.concat_str([pl.lit("\n" + hint_label + " "), pl.col(HINT)]))
            .otherwise(pl.lit("")),
        ]
    )
    cell_notes = (
        located.filter(pl.col("_w_target").is_not_null())
        .sort("_fid")
        .group_by("_layout", "_frame_row", "_w_target", maintain_order=True)
        .agg(note_text.str.join("\n\n").alias("text"))
    )
    cell_marks = located.filter(pl.col("_w_target").is_not_null()).select(
        "_layout", "_frame_row", pl.col("_w_target").alias("column"), pl.col(SEVERITY)
    )

    extra_cols = [] if extra is None else list(extra.columns)
    sheets: list[ReportSheet] = []
    for index, layout in enumerate(layout_list):
        rows = base if len(layout_list) == 1 else base.filter(pl.col("_layout") == index)
        several = len(layout.sources) > 1
        sheets_named = len({s for _, s in layout.sources if s}) > 1
        front: list[tuple[str, pl.Expr, str]] = []
        if several:
            front.append((D_SOURCE, pl.col(SOURCE), T("COL_SOURCE", lang)))
        if sheets_named:
            front.append((D_SHEET, pl.col(SHEET), T("COL_SHEET", lang)))
        front.append((D_ROW, pl.col(ROW), T("REPORT_COL_FILE_ROW", lang)))
        front.append((D_STATUS, _status_label(pl.col(D_STATUS), lang), T("COL_STATUS", lang)))
        for column, copy in _IDENTITY:
            if column in layout.columns:
                header = layout.headers[layout.columns.index(column)]
                value = _masked(pl.col(column).cast(pl.String), mask, column in ids)
                front.append((copy, value, header))
        frozen = len(front)
        front.append((D_PROBLEMS, pl.col(D_PROBLEMS), T("REPORT_COL_PROBLEMS", lang)))
        own = []
        for column in layout.columns:
            value = _masked(pl.col(column).cast(pl.String), mask, column in ids)
            own.append(value.alias(column))
        shown = rows.select(
            *[expr.alias(name) for name, expr, _ in front],
            *own,
            *[pl.col(c) for c in extra_cols],
        )
        headers = [h for _, _, h in front] + layout.headers
        headers += [(extra_headers or {}).get(c, c) for c in extra_cols]
        band = [None] * len(front) + layout.letters + [None] * len(extra_cols)
        if any(layout.letters):
            band[0] = T("REPORT_BAND_LETTERS", lang)
        marks = cell_marks.filter(pl.col("_layout") == index).select(
            pl.col("_frame_row").alias("frame_row"), "column", SEVERITY
        )
        status_marks = (
            rows.select(pl.col("_frame_row").alias("frame_row"), pl.col(D_STATUS))
            .filter(pl.col(D_STATUS) != "ok")
            .select("frame_row", pl.lit(D_STATUS).alias("column"), pl.col(D_STATUS).alias(SEVERITY))
        )
        parts = [marks, status_marks]
        if extra_highlight is not None and extra_highlight.height:
            local = rows.select(pl.col("_pos").cast(pl.Int64), pl.col("_frame_row"))
            parts.append(
                extra_highlight.with_columns(pl.col("frame_row").cast(pl.Int64))
                .join(local, left_on="frame_row", right_on="_pos", how="inner")
                .select(pl.col("_frame_row").alias("frame_row"), "column", SEVERITY)
            )
        notes = cell_notes.filter(pl.col("_layout") == index).select(
            pl.col("_frame_row").alias("frame_row"), pl.col("_w_target").alias("column"), "text"
        )
        files = ", ".join(
            Path(s).name + (f" [{h}]" if h else "") for s, h in layout.sources[:3]
        ) + (", ..." if len(layout.sources) > 3 else "")
        sheets.append(
            ReportSheet(
                layout.name,
                shown,
                title=T("REPORT_DATA_TITLE", lang, files=files),
                highlight=pl.concat(parts, how="vertical_relaxed"),
                headers=headers,
                band=band,
                formats={D_PROBLEMS: "wrap", **(extra_formats or {})},
                widths={D_PROBLEMS: 48, D_ROW: 7, D_STATUS: 11},
                freeze_columns=frozen,
                notes=notes,
            )
        )
    return sheets, _findings_sheet(located, layout_list, lang)


def _findings_sheet(located: pl.DataFrame, layout_list: Sequence[Layout], lang: str) -> ReportSheet:
    ordered = located.sort("_src_order", ROW, "_w_position", "_fid", nulls_last=True)
    frame = ordered.select(
        SOURCE,
        SHEET,
        ROW,
        F_COLUMN,
        VALUE,
        CODE,
        _severity_label(pl.col(SEVERITY), lang).alias(F_SEVERITY),
        MESSAGE,
        HINT,
    )
    headers = [
        T("COL_SOURCE", lang),
        T("COL_SHEET", lang),
        T("COL_ROW", lang),
        T("COL_COLUMN", lang),
        T("COL_VALUE", lang),
        T("COL_CODE", lang),
        T("COL_SEVERITY", lang),
        T("COL_MESSAGE", lang),
        T("COL_HINT", lang),
    ]
    indexed = ordered.with_row_index("frame_row")
    highlight = indexed.select(
        pl.col("frame_row").cast(pl.Int64), pl.lit(F_SEVERITY).alias("column"), SEVERITY
    )
    names = pl.DataFrame(
        {"_layout": list(range(len(layout_list))), "_to": [lay.name for lay in layout_list]},
        schema={"_layout": pl.Int64, "_to": pl.String},
    )
    links = (
        indexed.filter(pl.col("_frame_row").is_not_null())
        .join(names, on="_layout", how="left")
        .select(
            pl.col("frame_row").cast(pl.Int64),
            pl.lit(ROW).alias("column"),
            pl.col("_to").alias("sheet"),
            pl.col("_frame_row").alias("target_row"),
            pl.coalesce(pl.col("_w_target"), pl.lit(D_PROBLEMS)).alias("target_column"),
        )
    )
    return ReportSheet(
        T("REPORT_FINDINGS", lang),
        frame,
        title=T("REPORT_FINDINGS_TITLE", lang),
        highlight=highlight,
        headers=headers,
        formats={MESSAGE: "wrap", HINT: "wrap", VALUE: "wrap"},
        widths={MESSAGE: 45, HINT: 40, ROW: 7, F_SEVERITY: 11, SHEET: 12},
        freeze_columns=4,
        links=links,
    )


__all__ = ["ExtraColumns", "Layout", "data_sheets", "layouts"]
