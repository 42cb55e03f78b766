"""Write generated lists: xlsx laid out like real exports, csv, parquet, and the truth file.

Every file is written atomically (``core.files.atomic_path``). Workbooks get fixed document
properties so that the same seed gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from bansos_cli.core.errors import OptionError
from bansos_cli.core.files import FIXED_DOCUMENT_DATE, atomic_path
from bansos_cli.sample.generate import SampleResult
from bansos_cli.sample.layouts import SheetSpec

FORMATS = (".xlsx", ".csv", ".parquet")
FIXED_CREATED = FIXED_DOCUMENT_DATE
"""Document creation date written into every workbook (keeps files byte-identical)."""


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        if not suffix:
            raise OptionError.of("SAMPLE_NO_EXTENSION", path=str(path))
        raise OptionError.of("SAMPLE_FORMAT_UNSUPPORTED", path=str(path), suffix=suffix)
    return suffix


def write_workbook(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    """Write ``sheets`` to an xlsx file laid out as their specs say (atomic)."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        book.set_properties(
            {"created": FIXED_CREATED, "author": "bansos sample", "title": "bansos synthetic data"}
        )
        bold = book.add_format({"bold": True})
        title_fmt = book.add_format({"bold": True, "align": "center"})
        for spec in sheets:
            _write_sheet(book.add_worksheet(spec.name), spec, bold, title_fmt)
        book.close()
    return path


def _write_sheet(ws: object, spec: SheetSpec, bold: object, title_fmt: object) -> None:
    frame = spec.frame
    ncols = frame.width
    for r, title in enumerate(spec.title_rows):
        if r == 0 and spec.merge_title and ncols > 1:
            ws.merge_range(0, 0, 0, ncols - 1, title, title_fmt)  # type: ignore[attr-defined]
        else:
            ws.write_string(r, 0, title, bold)  # type: ignore[attr-defined]
    header = spec.header_row - 1
    _write_header(ws, spec, header, bold)
    ws.set_column(0, max(ncols - 1, 0), 18)  # type: ignore[attr-defined]
    rows = spec.excel_rows() - 1
    for c, name in enumerate(frame.columns):
        if name in spec.merge_runs:
            _write_runs(ws, spec, c, name, rows)
            continue
        values = frame[name].to_list()
        number_mask = spec.number_cells.get(name)
        numeric_col = name in spec.number_columns
        # Writing cells is per-cell I/O by nature (xlsxwriter has no columnar API).
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            r = int(rows[i])
            if number_mask is not None and number_mask[i]:
                ws.write_number(r, c, int(value))  # type: ignore[attr-defined]
            elif numeric_col and value.isdigit():
                ws.write_number(r, c, int(value))  # type: ignore[attr-defined]
            else:
                ws.write_string(r, c, value)  # type: ignore[attr-defined]
    if spec.footer_rows:
        start = int(rows[-1]) + 3 if len(rows) else header + 3
        col = max(ncols - 3, 0)
        for k, text in enumerate(spec.footer_rows):
            if text:
                ws.write_string(start + k, col, text)  # type: ignore[attr-defined]
    if spec.hidden:
        ws.hide()  # type: ignore[attr-defined]


def _write_header(ws: object, spec: SheetSpec, header: int, bold: object) -> None:
    """One header row, or two when columns are grouped (merged cells as templates draw them)."""
    columns = spec.frame.columns
    if not spec.header_groups:
        for c, name in enumerate(columns):
            ws.write_string(header, c, name, bold)  # type: ignore[attr-defined]
        return
    member_of = {m: g for g, members in spec.header_groups.items() for m in members}
    for c, name in enumerate(columns):
        group = member_of.get(name)
        if group is None:
            ws.merge_range(header, c, header + 1, c, name, bold)  # type: ignore[attr-defined]
            continue
        members = spec.header_groups[group]
        if name == members[0]:
            last = c + len(members) - 1
            ws.merge_range(header, c, header, last, group, bold)  # type: ignore[attr-defined]
        ws.write_string(header + 1, c, name, bold)  # type: ignore[attr-defined]


def _write_runs(ws: object, spec: SheetSpec, c: int, name: str, rows: np.ndarray) -> None:
    """Write a column with each run of equal consecutive values as one merged cell (a run
    never crosses an empty row of the data)."""
    values = spec.frame[name].to_list()
    number_mask = spec.number_cells.get(name)
    numbers = [
        bool(number_mask[i]) if number_mask is not None else False for i in range(len(values))
    ]
    start = 0
    for i in range(1, len(values) + 1):
        ends = (
            i == len(values)
            or values[i] != values[start]
            or numbers[i] != numbers[start]
            or rows[i] != rows[i - 1] + 1
        )
        if not ends:
            continue
        value = values[start]
        if value is not None and value != "":
            first, last = int(rows[start]), int(rows[i - 1])
            cell: object = int(value) if numbers[start] else value
            if last > first:
                ws.merge_range(first, c, last, c, cell)  # type: ignore[attr-defined]
            elif numbers[start]:
                ws.write_number(first, c, int(value))  # type: ignore[attr-defined]
            else:
                ws.write_string(first, c, value)  # type: ignore[attr-defined]
        start = i


def write_frame(frame: pl.DataFrame, path: Path) -> Path:
    """Write a text frame as csv (UTF-8, header on line 1) or parquet (atomic)."""
    suffix = _suffix(path)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame.write_csv(tmp)
        elif suffix == ".parquet":
            frame.write_parquet(tmp, statistics=False)
        else:
            raise OptionError.of("SAMPLE_XLSX_NEEDS_WORKBOOK", path=str(path))
    return path


def write_truth(truth: pl.DataFrame, path: Path) -> Path:
    """Write a truth frame: parquet keeps ``problems`` as a list, csv joins it with ``;``."""
    suffix = _suffix(path)
    if suffix == ".xlsx":
        raise OptionError.of("SAMPLE_TRUTH_FORMAT", path=str(path))
    if suffix == ".csv":
        list_cols = [c for c, t in truth.schema.items() if isinstance(t, pl.List)]
        truth = truth.with_columns(pl.col(c).list.join(";") for c in list_cols)
    return write_frame(truth, path)


def truth_for(result: SampleResult, suffix: str) -> pl.DataFrame:
    """The truth with ``row`` as it is in a file of type ``suffix`` (.xlsx, .csv, .parquet)."""
    if suffix == ".xlsx":
        rows = result.data.excel_rows()
    else:
        rows = np.arange(result.frame.height, dtype=np.int64) + 2
    old = result.truth["row"].to_numpy()
    mapping = pl.DataFrame({"old": old, "new": rows})
    truth = result.truth.with_columns(pl.Series("row", rows))
    return truth.with_columns(
        pl.col("dup_of_row").replace_strict(
            mapping["old"], mapping["new"], default=None, return_dtype=pl.Int64
        )
    )


def write_sample(
    result: SampleResult, path: str | Path, truth_path: str | Path | None = None
) -> list[Path]:
    """Write a generated list to ``path`` (.xlsx, .csv or .parquet) and optionally its truth.

    An xlsx gets the layout's sheets (title rows, recap and hidden sheets, number cells);
    csv and parquet hold the plain table. The truth's ``row`` and ``dup_of_row`` are the rows
    of the file actually written. Returns the written paths.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix == ".xlsx":
        write_workbook(path, result.sheets)
    else:
        write_frame(result.frame, path)
    written = [path]
    if truth_path is not None:
        written.append(write_truth(truth_for(result, suffix), Path(truth_path)))
    return written


def write_lists(specs: Sequence[SheetSpec], paths: Sequence[Path]) -> list[np.ndarray]:
    """Write each list to its path (.xlsx laid out with its titles, else the plain table as
    .csv/.parquet) and return, per list, the row numbers its records got in the file written:
    Excel rows, a CSV's lines (the first under the header is 2), or a Parquet's rows from 1."""
    rows = []
    for spec, path in zip(specs, paths, strict=True):
        if _suffix(path) == ".xlsx":
            write_workbook(path, [spec])
            rows.append(spec.excel_rows())
        else:
            write_frame(spec.frame, path)
            first = 2 if _suffix(path) == ".csv" else 1
            rows.append(np.arange(spec.frame.height, dtype=np.int64) + first)
    return rows
