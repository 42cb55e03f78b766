"""Read delimited text (CSV/TSV/TXT): encoding fallback, delimiter sniffing, header search."""

from __future__ import annotations

import csv
import io
import mmap
import re
import sys
from collections import Counter
from pathlib import Path

import polars as pl

from bansos_cli.core.errors import InputFileError
from bansos_cli.core.messages import Text
from bansos_cli.core.privacy import mask_digit_runs
from bansos_cli.ingest.header import (
    CONFIRM_ROWS,
    SCAN_ROWS,
    HeaderGuess,
    best_candidate,
    find_header,
    score_row,
    shown_cells,
)
from bansos_cli.ingest.model import Notice, SourceInfo
from bansos_cli.ingest.table import RawTable, finish_table

DELIMITERS = (",", ";", "\t", "|")
_NAMES = {
    ",": Text("PART_DELIMITER_COMMA"),
    ";": Text("PART_DELIMITER_SEMICOLON"),
    "\t": Text("PART_DELIMITER_TAB"),
    "|": Text("PART_DELIMITER_PIPE"),
}
_SAMPLE_BYTES = 256 * 1024


def decode(raw: bytes, path: Path, encoding: str | None) -> tuple[bytes, str, Notice | None]:
    """Return UTF-8 bytes (BOM removed), the encoding used, and a notice for a fallback."""
    if encoding:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputFileError.of(
                "TEXT_CANNOT_DECODE",
                path=str(path),
                encoding=encoding,
                reason=type(exc).__name__,
            ) from None
        return text.lstrip("\ufeff").encode("utf-8"), encoding, None
    for bom, unicode_name in _UTF16_BOMS:
        # Excel's "Unicode Text (*.txt)" export is UTF-16 with a byte-order mark; read as
        # a single-byte encoding it would turn every cell into letters split by NULs.
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(unicode_name)
            except UnicodeDecodeError:
                break
            return text.encode("utf-8"), unicode_name, None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        name = "utf-8-sig"
    else:
        name = "utf-8"
    try:
        raw.decode("utf-8")
        return raw, name, None
    except UnicodeDecodeError:
        pass
    for fallback in ("cp1252", "latin-1"):
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError:
            continue
        notice = Notice("BERKAS_BUKAN_UTF8", {"encoding": fallback})
        return text.encode("utf-8"), fallback, notice
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


_UTF16_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


_SCAN_CHARS = 4096
"""Characters of a line looked at to find the delimiter and the header (cells beyond are data)."""


def split_records(lines: list[str], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Sample lines split into records of cells, and the 0-based line each record starts on.

    For delimiter sniffing and header search only. A quoted cell may span lines, so record
    ``i`` (the row Excel shows as ``i + 1``) need not start on line ``i``; the start line is
    what the reader must skip. Lines are cut at :data:`_SCAN_CHARS`: a huge cell must not trip
    the ``csv`` module's field-size limit; polars reads the full rows later. Text the ``csv``
    module rejects is split line by line, unquoted.
    """
    cut = [line[:_SCAN_CHARS] for line in lines]
    rows: list[list[str]] = []
    starts: list[int] = []
    reader = csv.reader(cut, delimiter=delimiter)
    start = 0
    try:
        for row in reader:
            rows.append(row)
            starts.append(start)
            start = reader.line_num
    except csv.Error:
        return [line.split(delimiter) if line else [] for line in cut], list(range(len(cut)))
    return rows, starts


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter among , ; tab | that splits the sample lines most consistently."""
    best: tuple[float, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(row) for row in split_records(lines, delimiter)[0] if row]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        width, lines_with_width = Counter(counts).most_common(1)[0]
        score = lines_with_width * width
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best else None


def read_text(
    path: Path,
    *,
    header_row: int | None,
    mapping: dict[str, str],
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[pl.DataFrame, SourceInfo]:
    """Read a delimited text file (see :func:`bansos_cli.ingest.read_inputs`)."""
    info = SourceInfo(path=str(path), format="csv")
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    # Optimistic path: a file whose head is UTF-8 is handed to polars as it is (no copy);
    # polars validates the rest and a late non-UTF-8 byte sends us to the decoding path.
    source: Path | io.BytesIO = path
    if encoding is None and _is_utf8(head):
        data = head
        info.encoding = "utf-8-sig" if head.startswith(_BOM) else "utf-8"
    else:
        source, info.encoding = _decoded(path, encoding, info)
        data = source.getvalue()[:_SAMPLE_BYTES]
    if _BARE_CR.search(data.rstrip(b"\r")) or _bare_cr_further(source, path):
        # CR-only ("Macintosh") or mixed line endings: polars ends lines at LF only, so the
        # whole file would be one line (its rows turned into column names), or the lines of
        # a part written with CR alone one row.
        whole = source.getvalue() if isinstance(source, io.BytesIO) else path.read_bytes()
        source = io.BytesIO(whole.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        data = source.getvalue()[:_SAMPLE_BYTES]
        info.notices.append(Notice("AKHIR_BARIS_CR", {}))
    sample = data.decode("utf-8", errors="ignore").lstrip("\ufeff")
    # Split on "\n" only, as polars counts the lines it skips (not on \x0b, \x1c, \u2028...).
    lines = sample.split("\n")[: SCAN_ROWS + 20]
    if not any(line.strip() for line in lines):
        raise InputFileError.of("TEXT_NO_DATA", path=str(path))
    sep = delimiter or sniff_delimiter(lines)
    if sep is None:
        sep = ","
    info.delimiter = sep
    rows, starts = split_records(lines[: SCAN_ROWS + CONFIRM_ROWS], sep)
    guess = _guess(rows, header_row, mapping)
    if guess is None:
        found = best_candidate(rows, mapping)
        if found is None:
            line = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), 0)
            found = (line, rows[line] if rows else [])
        raise InputFileError.of(
            "TEXT_NO_HEADER",
            path=str(path),
            lines=SCAN_ROWS,
            delimiter=_NAMES.get(sep, sep),
            row=found[0] + 1,
            seen=shown_cells(found[1]) or Text("PART_NOTHING"),
        )
    try:
        skip = starts[guess.index]
        try:
            frame = _read_table(source, sep, skip, guess.index + 1, info)
        except pl.exceptions.ComputeError as exc:
            if not isinstance(source, Path) or "utf-8" not in str(exc).lower():
                raise
            source, info.encoding = _decoded(path, encoding, info)
            frame = _read_table(source, sep, skip, guess.index + 1, info)
    except pl.exceptions.PolarsError as exc:
        # polars may quote the line it could not parse: digit runs (NIKs) are masked
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise InputFileError.of(
            "TEXT_PARSE_ERROR",
            path=str(path),
            reason=mask_digit_runs(first) if first else Text("PART_PARSE_ERROR"),
        ) from None
    raw_table = RawTable(
        frame=frame,
        positions=list(range(frame.width)),
        header_index=0,
        first_row_number=guess.index + 1,
        excel=False,
        above=rows[guess.index - 1] if guess.index > 0 else None,
        preamble=[(i + 1, rows[i]) for i in range(max(0, guess.index - 3), guess.index)],
    )
    return finish_table(raw_table, info, mapping, header_forced=header_row is not None), info


def _guess(
    rows: list[list[str]], header_row: int | None, mapping: dict[str, str]
) -> HeaderGuess | None:
    if header_row is None:
        return find_header(rows, mapping)
    index = header_row - 1
    if index >= len(rows):
        return None
    scored = score_row(rows[index], mapping)
    return HeaderGuess(index, scored.score, scored.matches)


_BOM = b"\xef\xbb\xbf"
_BARE_CR = re.compile(rb"\r(?!\n)")


def _bare_cr_further(source: Path | io.BytesIO, path: Path) -> bool:
    """A CR not followed by LF past the sampled head (two files of different systems put one
    after the other). A file with LF line ends costs one memchr pass; CRs and CR LF pairs
    are counted only when there are CRs at all."""
    if isinstance(source, io.BytesIO):
        view = source.getbuffer()
        try:
            return _more_cr_than_crlf(bytes(view[_SAMPLE_BYTES:]))
        finally:
            view.release()
    size = path.stat().st_size
    if size <= _SAMPLE_BYTES:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        # a CR LF pair cut by the sample's edge starts the rest with its LF: begin one byte early
        start = _SAMPLE_BYTES - 1
        if m.find(b"\r", start) == -1:  # memchr: the usual LF file costs ~0.2 s a GB
            return False
        crs = _count(m, b"\r", start)
        pairs = _count(m, b"\r\n", start)
        trailing = 1 if m[size - 1 : size] == b"\r" else 0
        return crs - trailing > pairs


_MMAP_SLICE = 64 * 1024 * 1024
"""Above this size the rest of a file is counted in slices (no copy of the whole file)."""


def _count(m: mmap.mmap, needle: bytes, start: int) -> int:
    total, at, size = 0, start, len(m)
    while at < size:
        # slices overlap by one byte so that a CR LF pair on a boundary is counted once
        end = min(at + _MMAP_SLICE, size)
        chunk = m[at : end + (len(needle) - 1 if end < size else 0)]
        total += chunk.count(needle)
        at = end
    return total


def _more_cr_than_crlf(rest: bytes) -> bool:
    crs = rest.count(b"\r")
    return bool(crs) and crs - rest.endswith(b"\r") > rest.count(b"\r\n")


def _is_utf8(head: bytes) -> bool:
    """Does the file's head decode as UTF-8 (ignoring a character cut at the very end)?"""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def _decoded(path: Path, encoding: str | None, info: SourceInfo) -> tuple[io.BytesIO, str]:
    """The whole file re-encoded as UTF-8 (fallback or forced encoding), plus its name."""
    data, used, notice = decode(path.read_bytes(), path, encoding)
    if notice:
        info.notices.append(notice)
    return io.BytesIO(data), used


def _read(source: Path | io.BytesIO, sep: str, skip: int, width: int | None = None) -> pl.DataFrame:
    """Every cell as text; with ``width``, rows are read that wide (short rows padded)."""
    if isinstance(source, io.BytesIO):
        source.seek(0)
    if width is None:
        return pl.read_csv(
            source,
            separator=sep,
            has_header=False,
            skip_lines=skip,
            infer_schema=False,
            truncate_ragged_lines=False,
            raise_if_empty=False,
            glob=False,  # a file name with [ or * is a name, not a pattern
        )
    return pl.read_csv(
        source,
        separator=sep,
        has_header=False,
        skip_lines=skip,
        schema={f"column_{i + 1}": pl.String for i in range(width)},
        missing_columns="insert",
        truncate_ragged_lines=False,
        raise_if_empty=False,
        glob=False,  # a file name with [ or * is a name, not a pattern
    )


def _read_table(
    source: Path | io.BytesIO, sep: str, skip: int, first_row: int, info: SourceInfo
) -> pl.DataFrame:
    """The rows from line ``skip`` on (the header, Excel row ``first_row``), as text."""
    try:
        return _read(source, sep, skip)
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            raise
    return _read_ragged(source, sep, skip, first_row, info)


def _read_ragged(
    source: Path | io.BytesIO, sep: str, skip: int, first_row: int, info: SourceInfo
) -> pl.DataFrame:
    """Read a file whose rows have more cells than its header row (a stray delimiter).

    The extra cells are data: the file is read as wide as its widest row, so they land in
    columns without a header, which are kept when filled (``kolom_<n>``), and a notice names
    the first such row. Counting fields is a Python pass over the file, but it runs only on
    this error path, never on a well-formed file.
    """
    raw = source.getvalue() if isinstance(source, io.BytesIO) else source.read_bytes()
    parts = raw.split(b"\n", skip)
    text = parts[-1] if len(parts) > skip else b""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(sys.maxsize)
        reader = csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""), delimiter=sep)
        widths = [len(row) for row in reader]
    finally:
        csv.field_size_limit(limit)
    width = max(widths, default=0)
    header = widths[0] if widths else 0
    wide = [i for i, w in enumerate(widths) if w > header]
    if wide:
        info.notices.append(
            Notice("BARIS_SEL_BERLEBIH", {"count": len(wide), "first_row": first_row + wide[0]})
        )
    return _read(source, sep, skip, width)
