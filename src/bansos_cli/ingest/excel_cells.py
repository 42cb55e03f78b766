"""Which identifier cells a workbook stored as *numbers* (the mark of Excel damage).

fastexcel gives every cell as text, which is what we want for values, but loses whether a
cell was a number. For ``.xlsx``/``.xlsm`` the cell type is read straight from the sheet XML
for the identifier columns only, with one literal-prefix regular expression per column over
the sheet XML (no XML tree, no Python object per cell); the XML is decompressed in parallel
with fastexcel's own load. For ``.xls``/``.ods`` the
identifier columns are loaded a second time as booleans: calamine turns number cells into
booleans and text cells into nulls, which tells the two apart.
"""

from __future__ import annotations

import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import fastexcel
import numpy as np

from bansos_cli.ingest import sheet_bounds
from bansos_cli.ingest.sheet_bounds import FarCell, SheetBounds

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 16 * 1024 * 1024


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


_ERROR_TYPE = b' t="e"'
_REF = re.compile(rb' r="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _column_index(letters: bytes) -> int:
    """Excel letters -> 0-based column index (``A`` -> 0, ``AB`` -> 27)."""
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def xlsx_sheet_parts(path: Path) -> dict[str, tuple[str, bool]]:
    """Map sheet name -> (zip member of its XML, visible) from workbook.xml and its rels."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG}Relationship")}
    parts: dict[str, tuple[str, bool]] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        visible = sheet.get("state", "visible") == "visible"
        parts[sheet.get("name", "")] = (member, visible)
    return parts


def _inflated(path: Path, member: str) -> Iterator[bytes]:
    """A zip member's bytes in pieces of about :data:`_CHUNK`.

    A deflated member is inflated with one zlib call per piece, which releases the GIL for
    the whole piece (``ZipFile.open`` inflates in small steps that each take the GIL back):
    so the decompression really runs beside the scan of the previous piece. Other members
    (stored, encrypted) are read through ``zipfile``.
    """
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    yield chunk
            return
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {member}")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        left = info.compress_size
        pending = b""
        while left or pending:
            if not pending:
                pending = handle.read(min(left, _CHUNK // 4))
                if not pending:
                    raise zipfile.BadZipFile(f"{member} is cut short")
                left -= len(pending)
            piece = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if piece:
                yield piece
            if inflater.eof:
                return
        if tail := inflater.flush():
            yield tail


class XlsxNumberScan:
    """Find the number cells of given columns in one sheet's XML.

    Decompression (the costly part) starts in a background thread, with the scan of how far
    the filled cells reach (:mod:`bansos_cli.ingest.sheet_bounds`) overlapping it, and
    :meth:`far_cell` waits for both *before* fastexcel loads the sheet: the reader would
    allocate the whole used range, so a stray far cell must be refused first. Once the
    header is known, :meth:`rows` runs one literal-prefix regular
    expression per identifier column over the decompressed text. Sheets whose XML exceeds
    :data:`KEEP_BYTES` are not kept in memory but streamed a second time instead.
    """

    KEEP_BYTES = 768 * 1024 * 1024

    def __init__(self, path: Path, member: str):
        self._path = path
        self._member = member
        self._chunks: list[bytes] | None = []
        self._error: BaseException | None = None
        self._with_errors: list[int] = []
        self._bounds = SheetBounds()
        """Indices of kept chunks holding an error cell, found while decompressing."""
        self._thread = threading.Thread(target=self._run, name="bansos-xlsx-scan", daemon=True)
        self._thread.start()

    def _stream(self) -> Iterator[bytes]:
        """The sheet XML in chunks that never split a cell's start tag."""
        carry = b""
        for chunk in _inflated(self._path, self._member):
            data = carry + chunk
            cut = data.rfind(b"<c ")
            cut = len(data) if cut <= 0 else cut
            carry = data[cut:]
            yield data[:cut]
        if carry:
            yield carry

    def _inflate(self, out: queue.Queue[bytes | BaseException | None]) -> None:
        """Decompress into ``out`` (zlib releases the GIL: this overlaps the bounds scan)."""
        try:
            for chunk in self._stream():
                out.put(chunk)
        except BaseException as exc:  # handed to the consuming thread
            out.put(exc)
            return
        out.put(None)

    def _run(self) -> None:
        try:
            kept = 0
            chunks = self._chunks
            handoff: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=3)
            threading.Thread(
                target=self._inflate, args=(handoff,), name="bansos-xlsx-inflate", daemon=True
            ).start()
            while (item := handoff.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                self._bounds.feed(item)
                if chunks is None:
                    continue
                kept += len(item)
                if kept > self.KEEP_BYTES:
                    self._chunks = chunks = None  # too big to keep: rows() streams again
                    continue
                if _ERROR_TYPE in item:
                    self._with_errors.append(len(chunks))
                chunks.append(item)
        except BaseException as exc:  # reported to the caller by rows()
            self._error = exc

    def far_cell(self) -> FarCell | None:
        """The filled cell that puts the sheet over the limits of
        :mod:`bansos_cli.core.limits`, or ``None``; call before the Excel reader loads the
        sheet. A sheet the scan could not decompress is left to the reader's own error."""
        self._thread.join()
        if self._error is not None:
            return None
        if not self._bounds.quick_over():
            return None
        kept = self._chunks
        chunks = (lambda: kept) if kept is not None else self._stream
        with zipfile.ZipFile(self._path) as archive, archive.open(self._member) as stream:
            return self._bounds.far_cell(chunks, stream)

    def _wait(self) -> None:
        """Wait for the decompressing thread; re-raise what stopped it."""
        self._thread.join()
        if self._error is not None:
            raise self._error

    def merged_ranges(self) -> list[tuple[int, int, int, int]]:
        """The sheet's merged ranges as ``(first column, first row, last column, last row)``
        (0-based columns, 1-based rows). Call before :meth:`rows`, which frees the XML.

        ``<mergeCells>`` follows ``<sheetData>``, so only the text after it is searched.
        """
        self._wait()
        chunks = self._chunks if self._chunks is not None else list(self._stream())
        tail = b""
        for chunk in reversed(chunks):
            tail = chunk + tail
            if b"</sheetData>" in tail or b"<sheetData/>" in tail:
                break
        ranges = []
        for first, top, last, bottom in _MERGE.findall(tail):
            ranges.append((_column_index(first), int(top), _column_index(last), int(bottom)))
        return ranges

    def error_cells(self) -> list[tuple[int, int, str]]:
        """Cells holding an Excel error (``#N/A`` from a failed VLOOKUP, ``#REF!``, ...) as
        ``(0-based column, 1-based row, error text)``; calamine reads them as empty. Call
        before :meth:`rows`. Error cells are rare: a byte search finds their ``t="e"``."""
        self._wait()
        found: list[tuple[int, int, str]] = []
        if self._chunks is not None:  # the decompressing thread noted which chunks to parse
            chunks: Iterable[bytes] = [self._chunks[i] for i in self._with_errors]
        else:
            chunks = self._stream()
        for chunk in chunks:
            at = chunk.find(_ERROR_TYPE)
            while at >= 0:
                start = chunk.rfind(b"<c ", 0, at)
                end = chunk.find(b">", at)
                ref = _REF.search(chunk, start, end) if start >= 0 and end > 0 else None
                close = chunk.find(b"</c>", end)
                value = _VALUE.search(chunk, end, close) if ref and close > 0 else None
                if ref and value:
                    text = value.group(1).decode("utf-8", "replace")
                    found.append((_column_index(ref.group(1)), int(ref.group(2)), text))
                at = chunk.find(_ERROR_TYPE, at + len(_ERROR_TYPE))
        return found

    def rows(self, letters: dict[str, str]) -> dict[str, np.ndarray]:
        """For each column (name -> Excel letters), the 1-based rows holding a number cell.

        A cell without a type attribute, or with ``t="n"``, holds a number; ``t="s"``,
        ``t="inlineStr"`` and ``t="str"`` hold text.
        """
        self._wait()
        # Match only number cells of the column, whatever the attribute order: no ` t="`
        # attribute at all, or ` t="n"`. Text cells never reach Python.
        patterns = {
            name: re.compile(
                rb'<c r="' + letter.encode() + rb'(\d+)"(?:(?! t=")[^>])*(?: t="n"[^>]*)?>'
            )
            for name, letter in letters.items()
        }
        found: dict[str, list[int]] = {name: [] for name in letters}
        for chunk in self._chunks if self._chunks is not None else self._stream():
            for name, pattern in patterns.items():
                found[name].extend(int(number) for number in pattern.findall(chunk))
        self._chunks = None
        return {name: np.asarray(rows, dtype=np.int64) for name, rows in found.items()}


def ods_far_cells(path: Path) -> dict[str, FarCell]:
    """The sheets of an ``.ods`` file over the limits, with their far cells (see
    :func:`bansos_cli.ingest.sheet_bounds.ods_far_cells`); none for a file this cannot
    read (the reader reports it)."""

    def chunks() -> Iterator[bytes]:
        carry = b""
        for piece in _inflated(path, "content.xml"):
            data = carry + piece
            cut = data.rfind(b"<")
            cut = len(data) if cut <= 0 else cut
            carry = data[cut:]
            yield data[:cut]
        if carry:
            yield carry

    try:
        return sheet_bounds.ods_far_cells(chunks())
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, zlib.error):
        return {}


def calamine_number_rows(path: Path, sheet: str, columns: dict[str, int]) -> dict[str, np.ndarray]:
    """For ``.xls``/``.ods``: rows (1-based) whose identifier cell is a number.

    ``columns`` maps a name to the absolute 0-based column index in the sheet.
    """
    reader = fastexcel.read_excel(str(path))
    indices = sorted(set(columns.values()))
    loaded = reader.load_sheet(
        sheet,
        header_row=None,
        skip_rows=0,
        use_columns=indices,
        dtypes={i: "boolean" for i in indices},
    )
    frame = loaded.to_polars()
    by_absolute = {info.absolute_index: info.name for info in loaded.available_columns()}
    result: dict[str, np.ndarray] = {}
    for name, index in columns.items():
        column = by_absolute.get(index)
        if column is None:
            result[name] = np.asarray([], dtype=np.int64)
            continue
        mask = frame.get_column(column).is_not_null().to_numpy()
        # fastexcel skips nothing with skip_rows=0, so position i is Excel row i + 1 of the
        # sheet's used range, which starts at row 1 for the same load as the values.
        result[name] = np.flatnonzero(mask).astype(np.int64) + 1
    return result
