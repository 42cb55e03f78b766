"""Read one sheet of an Excel/ODS workbook into a text frame with Excel row numbers."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import numpy as np
import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, ROW, excel_column_letter
from bansos_cli.core.errors import InputFileError
from bansos_cli.core.limits import MAX_SHEET_CELLS, MAX_SHEET_COLUMNS
from bansos_cli.core.messages import Text
from bansos_cli.core.privacy import mask_digit_runs
from bansos_cli.ingest import excel_cells
from bansos_cli.ingest.cell_fixes import fill_errors, fill_merged
from bansos_cli.ingest.header import (
    CONFIRM_ROWS,
    SCAN_ROWS,
    HeaderGuess,
    best_candidate,
    find_header,
    score_row,
    shown_cells,
)
from bansos_cli.ingest.model import Notice, SheetInfo, SourceInfo
from bansos_cli.ingest.sheet_bounds import FarCell
from bansos_cli.ingest.table import RawTable, finish_table

EXCEL_MAX_ROWS = 1_048_576


@dataclass
class _Candidate:
    name: str
    index: int
    visible: bool
    frame: pl.DataFrame | None
    positions: list[int]
    guess: HeaderGuess | None
    rows: int | None
    top: list[tuple[object, ...]] | None = None
    scan: excel_cells.XlsxNumberScan | None = None
    content: bool = False
    """The sheet has at least one filled cell (read sheets only)."""


def _open(path: Path) -> fastexcel.ExcelReader:
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine raises several error types for broken files
        raise InputFileError.of("WORKBOOK_UNREADABLE", path=str(path), reason=_short(exc)) from None


def _short(exc: BaseException) -> str:
    """The first line of a reader's error, cut, with digit runs (a quoted NIK) masked."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return mask_digit_runs(text[:160])


def _start_scan(
    path: Path, name: str, parts: dict[str, tuple[str, bool]]
) -> excel_cells.XlsxNumberScan | None:
    return excel_cells.XlsxNumberScan(path, parts[name][0]) if name in parts else None


def _load(
    reader: fastexcel.ExcelReader,
    path: Path,
    name: str,
    scan: excel_cells.XlsxNumberScan | None = None,
) -> tuple[pl.DataFrame, list[int]]:
    if scan is not None and (far := scan.far_cell()) is not None:
        _refuse_far_cell(path, name, far)
    try:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        frame = sheet.to_polars()
        positions = [info.absolute_index for info in sheet.available_columns()]
    except Exception as exc:
        raise InputFileError.of(
            "SHEET_UNREADABLE", path=str(path), sheet=name, reason=_short(exc)
        ) from None
    return frame, positions


def _refuse_far_cell(path: Path, sheet: str, far: FarCell) -> None:
    if far.too_wide:
        raise InputFileError.of(
            "SHEET_TOO_WIDE",
            path=str(path),
            sheet=sheet,
            cell=far.cell,
            columns=far.columns,
            limit=MAX_SHEET_COLUMNS,
        )
    raise InputFileError.of(
        "SHEET_TOO_LARGE",
        path=str(path),
        sheet=sheet,
        cell=far.cell,
        cells=far.cells,
        limit=MAX_SHEET_CELLS,
    )


def _top_rows(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    """The rows searched for the header, and the rows below them that may confirm it."""
    return frame.head(SCAN_ROWS + CONFIRM_ROWS).rows()


def _has_content(frame: pl.DataFrame) -> bool:
    return frame.height > 0 and any(s.null_count() < frame.height for s in frame.get_columns())


def _select_sheet(name: str | int, names: list[str], path: Path) -> str:
    if isinstance(name, int) or (isinstance(name, str) and name.isdigit() and name not in names):
        index = int(name)
        if 1 <= index <= len(names):
            return names[index - 1]
        raise InputFileError.of(
            "SHEET_NUMBER_UNKNOWN",
            path=str(path),
            index=index,
            count=len(names),
            sheets=", ".join(names),
        )
    if name in names:
        return name
    folded = {n.strip().lower(): n for n in names}
    if name.strip().lower() in folded:
        return folded[name.strip().lower()]
    raise InputFileError.of("SHEET_UNKNOWN", path=str(path), sheet=name, sheets=", ".join(names))


SAME_LAYOUT_REASON = "one of several sheets with the same columns"
"""``SourceInfo.sheet_reason`` of each sheet read from a workbook with several such sheets."""


def read_excel(
    path: Path,
    fmt: str,
    *,
    sheet: str | int | None,
    header_row: int | None,
    mapping: dict[str, str],
) -> list[tuple[pl.DataFrame, SourceInfo]]:
    """Read the data sheet(s) of a workbook (see :func:`bansos_cli.ingest.read_inputs`).

    Without ``sheet``, the visible sheet that looks most like a beneficiary list is read,
    together with every other visible sheet whose header maps to the same columns (a workbook
    with one sheet per desa), in workbook order, one ``(frame, info)`` per sheet.
    """
    parts: dict[str, tuple[str, bool]] = {}
    if fmt in ("xlsx", "xlsm"):
        try:
            parts = excel_cells.xlsx_sheet_parts(path)
        except (KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile):
            parts = {}  # the reader's own error names the problem
    # The scan of the first sheet to read starts before the workbook is opened (its shared
    # strings parsed), so that the two overlap; every sheet's scan ends before it is loaded.
    first = next((n for n, (_, visible) in parts.items() if visible), None)
    if isinstance(sheet, str) and sheet in parts:
        first = sheet
    elif sheet is not None:
        number = int(sheet) if isinstance(sheet, int) or sheet.isdigit() else 0
        first = list(parts)[number - 1] if 1 <= number <= len(parts) else None
    started = {first: _start_scan(path, first, parts)} if first is not None else {}
    if fmt == "ods":
        # the reader expands every sheet of an .ods file when it opens it
        for name, far in excel_cells.ods_far_cells(path).items():
            _refuse_far_cell(path, name, far)
    reader = _open(path)
    names = list(reader.sheet_names)
    if not names:
        raise InputFileError.of("WORKBOOK_NO_SHEETS", path=str(path))

    def scan_of(name: str) -> excel_cells.XlsxNumberScan | None:
        return started.pop(name) if name in started else _start_scan(path, name, parts)

    candidates: list[_Candidate] = []
    chosen: _Candidate | None = None
    reason = ""
    if sheet is not None:
        target = _select_sheet(sheet, names, path)
        scan = scan_of(target)
        frame, positions = _load(reader, path, target, scan)
        guess = _guess(frame, header_row, mapping, path, target)
        visible = parts.get(target, ("", True))[1]
        chosen = _Candidate(
            target,
            names.index(target),
            visible,
            frame,
            positions,
            guess,
            frame.height,
            _top_rows(frame),
            scan,
            _has_content(frame),
        )
        candidates = [chosen]
        reason = "chosen with --sheet"
    else:
        order = sorted(range(len(names)), key=lambda i: (not parts.get(names[i], ("", True))[1], i))
        for i in order:
            name = names[i]
            visible = parts.get(name, ("", True))[1]
            if not visible and chosen is not None:
                # A hidden sheet is read only when no visible sheet has a usable header.
                candidates.append(_Candidate(name, i, visible, None, [], None, None))
                continue
            scan = scan_of(name)
            frame, positions = _load(reader, path, name, scan)
            guess = _guess(frame, header_row, mapping, path, name if len(names) == 1 else None)
            candidate = _Candidate(
                name,
                i,
                visible,
                frame,
                positions,
                guess,
                frame.height,
                _top_rows(frame),
                scan,
                _has_content(frame),
            )
            candidates.append(candidate)
            if guess is None:
                candidate.frame = None  # not a list: free it early
            elif chosen is None or _better(candidate, chosen):
                chosen = candidate
        if chosen is None:
            _no_header(path, candidates, mapping, header_row)
        assert chosen is not None
        usable = [c for c in candidates if c.guess is not None]
        if len(names) == 1:
            reason = "the only sheet"
        elif len(usable) == 1:
            reason = "the only sheet with a beneficiary-list header"
        else:
            reason = "best header match among sheets"
        if not chosen.visible:
            reason += " (hidden sheet: no visible sheet had a usable header)"
    assert chosen is not None and chosen.frame is not None
    if chosen.guess is None:
        _no_header(path, [chosen], mapping, header_row)
    assert chosen.guess is not None

    selected = [chosen, *_same_layout(chosen, candidates)] if sheet is None else [chosen]
    selected.sort(key=lambda c: c.index)
    for c in candidates:
        if c not in selected:
            c.frame = None
    sheets = [
        SheetInfo(
            name=c.name,
            index=c.index,
            rows=c.rows,
            visible=c.visible,
            score=c.guess.score if c.guess else 0.0,
            header_row=c.guess.index + 1 if c.guess else None,
        )
        for c in sorted(candidates, key=lambda c: c.index)
    ]
    out = []
    for c in selected:
        info = SourceInfo(path=str(path), format=fmt, sheet=c.name, sheets=sheets)
        info.sheet_reason = SAME_LAYOUT_REASON if len(selected) > 1 else reason
        out.append((_finish_sheet(c, path, info, mapping, header_row), info))
        c.frame = None
    if len(selected) > 1:
        shown = ", ".join(c.name for c in selected)
        out[0][1].notices.insert(
            0,
            Notice("SHEET_BANYAK", {"count": len(selected), "sheets": shown}),
        )
    elif sheet is None and (notice := _choice_notice(chosen, candidates)) is not None:
        out[0][1].notices.insert(0, notice)
    return out


def _choice_notice(chosen: _Candidate, candidates: list[_Candidate]) -> Notice | None:
    """Why this sheet and not the other visible sheets that have a header too (a
    questionnaire whose first sheets describe the place and the household)."""
    others = [c for c in candidates if c is not chosen and c.visible and c.guess is not None]
    if chosen.guess is None:
        return None
    # a recap sheet (KECAMATAN | JUMLAH KPM) is not worth a word; a sheet of three or more
    # known columns, or one that scores as well, is a table the officer may have meant
    others = [
        c
        for c in others
        if c.guess is not None
        and (len(c.guess.matches) >= 3 or c.guess.score >= chosen.guess.score)
    ]
    if not others:
        return None
    lists_people = "nik" in chosen.guess.matches and all(
        "nik" not in c.guess.matches for c in others if c.guess is not None
    )
    why = Text("PART_SHEET_HAS_NIK" if lists_people else "PART_SHEET_BEST_HEADER")
    return Notice(
        "SHEET_DIPILIH",
        {"sheet": chosen.name, "reason": why, "others": ", ".join(c.name for c in others)},
    )


def _same_layout(chosen: _Candidate, candidates: list[_Candidate]) -> list[_Candidate]:
    """The other visible sheets whose header maps to the same columns as ``chosen``'s."""
    if not chosen.visible or chosen.guess is None:
        return []
    columns = set(chosen.guess.matches)
    return [
        c
        for c in candidates
        if c is not chosen
        and c.visible
        and c.frame is not None
        and c.guess is not None
        and set(c.guess.matches) == columns
    ]


def _finish_sheet(
    chosen: _Candidate,
    path: Path,
    info: SourceInfo,
    mapping: dict[str, str],
    header_row: int | None,
) -> pl.DataFrame:
    """The text frame of one chosen sheet, with its notices and number-cell flags."""
    assert chosen.frame is not None and chosen.guess is not None
    if chosen.frame.height >= EXCEL_MAX_ROWS:
        info.notices.append(Notice("SHEET_BATAS_BARIS", {"limit": EXCEL_MAX_ROWS}))
    raw = RawTable(
        frame=chosen.frame,
        positions=chosen.positions,
        header_index=chosen.guess.index,
        first_row_number=1,
        excel=True,
    )
    frame = finish_table(raw, info, mapping, header_forced=header_row is not None)
    merges: list[tuple[int, int, int, int]] = []
    errors: list[tuple[int, int, str]] = []
    if chosen.scan is not None:  # before the number-cell scan, which frees the sheet XML
        try:
            merges = chosen.scan.merged_ranges()
            errors = chosen.scan.error_cells()
        except Exception:  # noqa: BLE001 - the values were read; only these extras are unknown
            merges, errors = [], []
    frame = _mark_number_cells(frame, path, chosen.name, chosen.scan, info)
    if errors:
        frame = fill_errors(frame, errors, info)
    return fill_merged(frame, merges, info) if merges else frame


def _guess(
    frame: pl.DataFrame,
    header_row: int | None,
    mapping: dict[str, str],
    path: Path,
    sheet: str | None,
) -> HeaderGuess | None:
    """The header of a sheet: found, or the row given with ``--header-row`` (an error when
    that row is past the end of ``sheet``; for other sheets it just disqualifies them)."""
    if header_row is None:
        return find_header(_top_rows(frame), mapping)
    index = header_row - 1
    if index >= frame.height:
        if sheet is not None:
            raise InputFileError.of(
                "HEADER_ROW_PAST_END",
                path=str(path),
                sheet=sheet,
                count=frame.height,
                row=header_row,
            )
        return None
    scored = score_row(frame.row(index), mapping)
    return HeaderGuess(index, scored.score, scored.matches)


def _better(a: _Candidate, b: _Candidate) -> bool:
    """Is sheet ``a`` a better data sheet than ``b``? Visible, a list of people (a NIK
    column), header score, then size."""
    assert a.guess is not None and b.guess is not None
    return _rank(a) > _rank(b)


def _rank(c: _Candidate) -> tuple[bool, bool, float, int]:
    assert c.guess is not None
    return (c.visible, "nik" in c.guess.matches, c.guess.score, c.rows or 0)


def _sheet_option(name: str) -> str:
    return name if re.fullmatch(r"[\w.\-]+", name) else f'"{name}"'


def _no_header(
    path: Path, candidates: list[_Candidate], mapping: dict[str, str], header_row: int | None
) -> None:
    """Raise the error for a workbook without a usable header: empty only when every sheet
    read is empty; else name the sheets examined, the row most like a header and the fix."""
    read = [c for c in candidates if c.top is not None]
    filled = [c for c in read if c.content]
    if not filled:
        raise InputFileError.of("WORKBOOK_EMPTY", path=str(path))
    if header_row is not None and all(header_row > (c.rows or 0) for c in filled):
        first = filled[0]
        raise InputFileError.of(
            "HEADER_ROW_PAST_END",
            path=str(path),
            sheet=first.name,
            count=first.rows or 0,
            row=header_row,
        )
    best: tuple[float, _Candidate, int, Sequence[object]] | None = None
    for c in filled:
        assert c.top is not None
        found = best_candidate(c.top, mapping)
        if found is None:
            continue
        score = score_row(found[1], mapping).score
        if best is None or score > best[0]:
            best = (score, c, found[0], found[1])
    examined = ", ".join(c.name for c in read)
    if best is None:
        raise InputFileError.of(
            "SHEET_NO_HEADER_SPARSE",
            path=str(path),
            sheet=filled[0].name,
            rows=SCAN_ROWS,
            sheets=examined,
        )
    _, sheet, index, cells = best
    raise InputFileError.of(
        "SHEET_NO_HEADER",
        path=str(path),
        sheet=sheet.name,
        option=_sheet_option(sheet.name),
        rows=SCAN_ROWS,
        sheets=examined,
        row=index + 1,
        seen=shown_cells(cells),
    )


def _mark_number_cells(
    frame: pl.DataFrame,
    path: Path,
    sheet: str,
    scan: excel_cells.XlsxNumberScan | None,
    info: SourceInfo,
) -> pl.DataFrame:
    """Add ``_num_<id>`` columns: True where the identifier cell was a number cell."""
    present = {c.column: c.position for c in info.columns if c.column in ID_COLUMNS}
    if not present:
        return frame
    rows: dict[str, np.ndarray] | None = None
    try:
        if scan is not None:
            rows = scan.rows({name: excel_column_letter(pos) for name, pos in present.items()})
        else:
            rows = excel_cells.calamine_number_rows(path, sheet, present)
    except Exception:  # noqa: BLE001 - the values were read; only the cell types are unknown
        rows = None
    additions = []
    for name in present:
        flag = f"_num_{name}"
        if rows is None:
            additions.append(pl.lit(None, dtype=pl.Boolean).alias(flag))
            continue
        numbers = pl.Series(rows[name], dtype=pl.Int64)
        is_number = pl.col(ROW).cast(pl.Int64).is_in(numbers.implode())
        additions.append(
            pl.when(pl.col(name).is_null()).then(None).otherwise(is_number).alias(flag)
        )
    frame = frame.with_columns(additions)
    for name in present:
        count = int(frame.get_column(f"_num_{name}").sum() or 0)
        if count:
            info.number_cells[name] = count
            info.notices.append(Notice("ID_TERSIMPAN_ANGKA", {"count": count, "column": name}))
    return frame
