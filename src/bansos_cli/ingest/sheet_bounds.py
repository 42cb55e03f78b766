"""How far the filled cells of an ``.xlsx`` sheet reach, found before the Excel reader runs.

The Excel reader (calamine, under fastexcel) holds a sheet's whole used range in memory, 32
bytes a cell from A1 to the last filled row and column, whatever the cells in between hold:
one cell at ``XFD1048576`` in a 5 KB file asks for 512 GiB and aborts the process. The stated
``<dimension>`` of a sheet cannot be trusted (a file may lie, and the reader ignores it), so
the sheet XML is scanned as it is decompressed, in up to three passes, each run only when the
one before cannot clear the sheet:

1. every chunk: one regular expression that matches only cells in a column after the last
   one known or on a row with more digits than the last row seen (so a list matches nothing
   once its header row is read); the extent is then at most the last column known times
   the largest number of as many digits as the last row (Z999 for 500 rows in A to Z);
2. when that bound is over the limits (34 columns or more and 100,000 rows, or a sheet of
   1,000,000 rows): the cells on a
   row after the last row seen, which gives the exact last row;
3. still over: the exact extent of the cells that hold a value. Cells without a value (a
   formatted cell, ``<c r="AZ9" s="1"/>``) and rows without cells are ignored by the reader,
   so a sheet formatted down to row 1,048,576 is still read.

Cells whose first attribute is not ``r`` (other writers) or prefixed element names
(``x:c``) go straight to an exact XML parse that places cells the way the reader does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from bansos_cli.core.columns import excel_column_letter
from bansos_cli.core.limits import MAX_SHEET_CELLS, MAX_SHEET_COLUMNS

_ROW_AT = re.compile(rb'<row r="(\d+)"')
_REF_AT = re.compile(rb'<c r="([A-Za-z]{1,3})(\d+)"')
_SINGLE_LETTER_COLUMNS = 26


@functools.cache
def _gate(column: int, digits: int) -> re.Pattern[bytes]:
    """Cells the quick scan must look at once columns up to ``column`` and rows of up to
    ``digits`` digits are known: a cell in a column after it, on a row with more digits, or
    whose first attribute is not ``r``. A list whose columns and row lengths are known
    matches nothing: one prefix test and a few bytes a cell."""
    text = excel_column_letter(column - 1)
    known = [b"[A-Z]{1,%d}" % (len(text) - 1)] if len(text) > 1 else []
    for i, char in enumerate(text):
        if char != "A":
            rest = len(text) - i - 1
            tail = b"[A-Z]{%d}" % rest if rest else b""
            known.append(text[:i].encode() + b"[A-%s]" % chr(ord(char) - 1).encode() + tail)
    known.append(text.encode())
    return re.compile(rb'<c(?! r="(?i:' + b"|".join(known) + rb")\d{1,%d}\")[\s>/]" % digits)


_VALUED = re.compile(rb'<c r="([A-Za-z]{1,3})(\d{1,7})"[^>]*(?<!/)>\s*<(?:v|is|f)[\s>/]')


@functools.cache
def _rows_after(last_row: int) -> re.Pattern[bytes]:
    """Cells on a row after ``last_row`` (their row in group 1)."""
    text = str(last_row)
    later = [rb"\d{%d,}" % (len(text) + 1)]
    for i, digit in enumerate(text):
        if digit != "9":
            rest = len(text) - i - 1
            later.append(b"%s[%d-9]\\d{%d}" % (text[:i].encode(), int(digit) + 1, rest))
    return re.compile(rb'<c r="[A-Za-z]{1,3}(' + b"|".join(later) + rb')"')


def column_number(letters: bytes | str) -> int:
    """Excel letters -> 1-based column number (``A`` -> 1, ``AZ`` -> 52), any case."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    number = 0
    for char in text.upper():
        number = number * 26 + (ord(char) - 64)
    return number


@dataclass(frozen=True)
class FarCell:
    """The filled cell that puts a sheet over a limit, and what the limit was."""

    cell: str
    """Its reference, ``AZ1048576``."""
    cells: int
    """Cells of the used range (last filled row x last filled column)."""
    columns: int
    """The last filled column's number."""
    too_wide: bool
    """Over :data:`MAX_SHEET_COLUMNS` (else over :data:`MAX_SHEET_CELLS`)."""


def _over(rows: int, columns: int) -> bool:
    return columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS


class SheetBounds:
    """Feed it the sheet XML chunk by chunk (chunks never split a tag), then ask
    :meth:`far_cell` with a way to read the XML again for the exact passes."""

    def __init__(self) -> None:
        self.max_row = 9
        """The last row as far as the quick scan knows (an upper bound: the largest number
        of as many digits as the last row seen)."""
        self.max_column = _SINGLE_LETTER_COLUMNS
        """The last column as far as the quick scan knows (an upper bound)."""
        self.odd = False
        """A cell the quick scan cannot place: the exact parse decides."""
        self._seen_row = 0
        """The last row seen: of the last row element of each chunk, and of the cells read."""
        self._first = True

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk of the sheet XML into the extent."""
        if self._first:
            self._first = False
            # x:sheetData, x:row, x:c: element names with a prefix (other writers)
            self.odd = re.search(rb"<\w+:(?:sheetData|row|c)[\s>/]", chunk) is not None
        if self.odd:
            return  # the exact parse decides
        last = chunk.rfind(b'<row r="')
        if last >= 0 and (row := _ROW_AT.match(chunk, last)) is not None:
            self._seen_row = max(self._seen_row, int(row.group(1)))
        at = 0
        while (found := _gate(self.max_column, self._digits()).search(chunk, at)) is not None:
            at = found.end()
            ref = _REF_AT.match(chunk, found.start())
            if ref is None:
                self.odd = True
                return
            self._seen_row = max(self._seen_row, int(ref.group(2)))
            self.max_column = max(self.max_column, column_number(ref.group(1)))
        # no cell has a row of more digits than the last row seen: a bound on the last row
        self.max_row = 10 ** self._digits() - 1

    def _digits(self) -> int:
        """Digits of the last row seen (at least one)."""
        return len(str(self._seen_row)) if self._seen_row else 1

    def quick_over(self) -> bool:
        """Could the sheet be over the limits? (cells counted with or without values)"""
        return self.odd or _over(self.max_row, self.max_column)

    def far_cell(
        self, chunks: Callable[[], Iterable[bytes]], stream: IO[bytes] | None = None
    ) -> FarCell | None:
        """The far cell when the sheet is over a limit, else ``None``.

        ``chunks()`` gives the sheet XML again (for the passes after the quick one);
        ``stream``, the XML as a file, is needed only when the quick scan met an odd cell.
        """
        if not self.quick_over():
            return None
        if not self.odd:
            last = self._seen_row
            for chunk in chunks():
                later = _rows_after(last).findall(chunk)
                if later:
                    last = max(last, max(map(int, later)))
            if not _over(last, self.max_column):
                return None
        cells = _parsed_cells(stream) if self.odd and stream is not None else _valued(chunks())
        best: tuple[int, int, int] | None = None  # (row * column, row, column)
        max_row = max_column = 0
        widest: tuple[int, int] | None = None
        for row, column in cells:
            max_row = max(max_row, row)
            if column > max_column:
                max_column, widest = column, (row, column)
            if best is None or row * column > best[0]:
                best = (row * column, row, column)
        if best is None or not _over(max_row, max_column):
            return None
        if max_column > MAX_SHEET_COLUMNS:
            assert widest is not None
            row, column = widest
            return FarCell(_ref(row, column), max_row * max_column, max_column, True)
        _, row, column = best
        return FarCell(_ref(row, column), max_row * max_column, max_column, False)


def _ref(row: int, column: int) -> str:
    return f"{excel_column_letter(column - 1)}{row}"


def _valued(chunks: Iterable[bytes]) -> Iterator[tuple[int, int]]:
    """(row, column) of every cell holding a value, from XML written the usual way."""
    for chunk in chunks:
        for letters, row in _VALUED.findall(chunk):
            yield int(row), column_number(letters)


def _parsed_cells(stream: IO[bytes]) -> Iterator[tuple[int, int]]:
    """(row, column) of every cell holding a value, placed the way the reader places them:
    by the ``r`` attribute where there is one, else one after the previous cell or row."""
    row = 0
    column = 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        name = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if name == "row":
                number = element.get("r")
                row = int(number) if number and number.isdigit() else row + 1
                column = 0
            elif name == "c":
                ref = element.get("r") or ""
                match = re.fullmatch(r"([A-Za-z]{1,3})(\d{1,7})", ref)
                if match:
                    column, row = column_number(match.group(1)), int(match.group(2))
                else:
                    column += 1
            continue
        if name == "c":
            if any(child.tag.rsplit("}", 1)[-1] in ("v", "is", "f") for child in element):
                yield row, column
            element.clear()
        elif name == "row":
            element.clear()


_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def ods_far_cells(chunks: Iterable[bytes]) -> dict[str, FarCell]:
    """The far cell of each sheet of an ``.ods`` ``content.xml`` over the limits, by name.

    An ODS file compresses repeated rows and cells (``table:number-rows-repeated``,
    ``table:number-columns-repeated``), and the reader expands them: a few bytes can stand
    for billions of cells. The repeats are followed the way the reader places cells; a row or
    cell without a value (the empty repeats LibreOffice writes to the sheet's end) counts
    for nothing. One Python step per row and cell element: ODS files are rare and small.
    """
    over: dict[str, FarCell] = {}
    name = ""
    row = column = row_repeat = 0
    row_last_column = 0
    max_row = max_column = 0
    best: tuple[int, int, int] = (0, 0, 0)
    widest: tuple[int, int] = (0, 0)

    def finish_table() -> None:
        if _over(max_row, max_column):
            if max_column > MAX_SHEET_COLUMNS:
                over[name] = FarCell(_ref(*widest), max_row * max_column, max_column, too_wide=True)
            else:
                over[name] = FarCell(
                    _ref(best[1], best[2]), max_row * max_column, max_column, too_wide=False
                )

    for chunk in chunks:
        for closing, tag, attributes, empty in _ODS_TOKEN.findall(chunk):
            if tag == b"table":
                if closing:
                    finish_table()
                else:
                    found = _ODS_NAME.search(attributes)
                    name = found.group(1).decode("utf-8", "replace") if found else ""
                    row = max_row = max_column = 0
                    best, widest = (0, 0, 0), (0, 0)
            elif tag == b"table-row":
                if closing or empty:
                    repeat = _repeat(_ODS_ROWS, attributes) if empty else row_repeat
                    if not empty and row_last_column:
                        last = row + repeat
                        max_row = max(max_row, last)
                        if last * row_last_column > best[0]:
                            best = (last * row_last_column, last, row_last_column)
                    row += repeat
                else:
                    row_repeat = _repeat(_ODS_ROWS, attributes)
                    column = row_last_column = 0
            elif not closing:
                repeat = _repeat(_ODS_COLUMNS, attributes)
                if not empty or b"office:value-type" in attributes:
                    row_last_column = column + repeat
                    if row_last_column > max_column:
                        max_column = row_last_column
                        widest = (row + 1, row_last_column)
                column += repeat
    return over
