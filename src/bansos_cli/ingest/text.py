"""Read delimited text (CSV/TSV/TXT): encoding fallback, delimiter sniffing, header search."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from bansos_cli.core.errors import InputFileError
from bansos_cli.ingest.header import (
    SCAN_ROWS,
    HeaderGuess,
    find_header,
    score_row,
    shown_cells,
)
from bansos_cli.ingest.model import Notice, SourceInfo
from bansos_cli.ingest.table import RawTable, finish_table

DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_BYTES = 256 * 1024


def decode(raw: bytes, path: Path, encoding: str | None) -> tuple[bytes, str, Notice | None]:
    """Return UTF-8 bytes (BOM removed), the encoding used, and a notice for a fallback."""
    if encoding:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputFileError(
                f"cannot decode the file as {encoding} ({type(exc).__name__})",
                path=str(path),
                hint="try --encoding utf-8 or --encoding cp1252",
            ) from None
        return text.lstrip("\ufeff").encode("utf-8"), encoding, None
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
        notice = Notice(
            "ENCODING_FALLBACK",
            f"file is not UTF-8; read as {fallback} (Windows/Excel encoding). "
            "Check names with accents or special letters",
        )
        return text.encode("utf-8"), fallback, notice
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter among , ; tab | that splits the sample lines most consistently."""
    best: tuple[float, str] | None = None
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
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
    sample = data.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = sample.splitlines()[: SCAN_ROWS + 20]
    if not any(line.strip() for line in lines):
        raise InputFileError("file has no data (only blank lines)", path=str(path))
    sep = delimiter or sniff_delimiter(lines)
    if sep is None:
        sep = ","
    info.delimiter = sep
    rows = [row for row in csv.reader(lines[:SCAN_ROWS], delimiter=sep)]
    guess = _guess(rows, header_row, mapping)
    if guess is None:
        seen = next((r for r in rows if sum(1 for c in r if c.strip()) >= 2), None) or next(
            (r for r in rows if r), []
        )
        shown = shown_cells(seen) or "(nothing)"
        raise InputFileError(
            f"no recognisable header row in the first {SCAN_ROWS} lines "
            f"(delimiter: {_NAMES.get(sep, sep)}); saw: {shown}",
            path=str(path),
            hint="name the header line with --header-row N or map the columns with "
            "--mapping map.yaml",
        )
    try:
        try:
            frame = _read(source, sep, guess.index)
        except pl.exceptions.ComputeError as exc:
            if not isinstance(source, Path) or "utf-8" not in str(exc).lower():
                raise
            source, info.encoding = _decoded(path, encoding, info)
            frame = _read(source, sep, guess.index)
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "parse error"
        raise InputFileError(
            f"cannot parse as delimited text ({first})",
            path=str(path),
            hint="check that every line has the same number of fields, or give --delimiter",
        ) from None
    raw_table = RawTable(
        frame=frame,
        positions=list(range(frame.width)),
        header_index=0,
        first_row_number=guess.index + 1,
        excel=False,
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


def _read(source: Path | io.BytesIO, sep: str, skip: int) -> pl.DataFrame:
    if isinstance(source, io.BytesIO):
        source.seek(0)
    return pl.read_csv(
        source,
        separator=sep,
        has_header=False,
        skip_lines=skip,
        infer_schema=False,
        truncate_ragged_lines=False,
        raise_if_empty=False,
    )
