"""Which files to read: expand paths, globs and folders; reject bad files early."""

from __future__ import annotations

import glob
import stat
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bansos_cli.core.errors import InputFileError

EXCEL_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".ods": "ods"}
TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv"}
PARQUET_FORMATS = {".parquet": "parquet", ".pq": "parquet"}
FORMATS = {**EXCEL_FORMATS, **TEXT_FORMATS, **PARQUET_FORMATS}
SUPPORTED = ", ".join(sorted(FORMATS))

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def file_format(path: Path) -> str:
    """The format name of a path by its extension, or an error naming the supported ones."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        if not path.suffix:
            raise InputFileError.of("FILE_NO_EXTENSION", path=str(path), supported=SUPPORTED)
        raise InputFileError.of(
            "FILE_TYPE_UNSUPPORTED", path=str(path), suffix=path.suffix, supported=SUPPORTED
        )
    return fmt


def _is_candidate(path: Path) -> bool:
    name = path.name
    # Excel's lock files (~$book.xlsx) and hidden files are never data; nor is anything but
    # a regular file (a FIFO would block the read forever).
    if name.startswith(("~$", ".")) or path.suffix.lower() not in FORMATS:
        return False
    try:
        return path.is_file()
    except OSError:
        return True  # listed but not readable: precheck names the reason


def _kind(path: Path) -> str:
    """``dir``, ``file``, ``other`` (a FIFO, a device, a socket) or ``missing``; an
    unreadable path raises :class:`InputFileError`."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise InputFileError.of(
            "FILE_CANNOT_OPEN", path=str(path), reason=exc.strerror or type(exc).__name__
        ) from None
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def expand_inputs(paths: list[str | Path] | tuple[str | Path, ...]) -> list[Path]:
    """Expand files, folders (their supported files, sorted) and glob patterns to file paths.

    Raises :class:`InputFileError` for a missing path, a folder or pattern without supported
    files, or no input at all. Each file is listed once, in the order given.
    """
    if not paths:
        raise InputFileError.of("NO_INPUT_FILES")
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        text = str(raw)
        kind = _kind(path)
        if kind == "dir":
            try:
                files = sorted(p for p in path.iterdir() if _is_candidate(p))
            except OSError as exc:
                raise InputFileError.of(
                    "FOLDER_UNREADABLE", path=text, reason=exc.strerror or type(exc).__name__
                ) from None
            if not files:
                raise InputFileError.of("FOLDER_NO_SUPPORTED_FILES", path=text, supported=SUPPORTED)
            found.extend(files)
        elif kind == "other":
            raise InputFileError.of("FILE_NOT_REGULAR", path=text)
        elif kind == "file":
            file_format(path)
            found.append(path)
        elif glob.has_magic(text):
            files = sorted(
                Path(p) for p in glob.glob(text, recursive=True) if _is_candidate(Path(p))
            )
            if not files:
                raise InputFileError.of("PATTERN_NO_MATCH", path=text, supported=SUPPORTED)
            found.extend(files)
        else:
            raise InputFileError.of("FILE_NOT_FOUND", path=text)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def source_labels(files: Sequence[Path]) -> list[str]:
    """A distinct ``_source`` label per file: its name, or as many parent folders as make it
    unique (``kec_a/daftar.xlsx`` and ``kec_b/daftar.xlsx``), so that (source, sheet, row)
    names one record even when a batch holds two files of the same name."""
    parts = [p.resolve().parts for p in files]
    depth = [1] * len(files)
    while True:
        labels = ["/".join(pp[-d:]) for pp, d in zip(parts, depth, strict=True)]
        seen = Counter(labels)
        clashing = [i for i, label in enumerate(labels) if seen[label] > 1]
        if not clashing:
            return labels
        if all(depth[i] >= len(parts[i]) for i in clashing):
            # The same file named twice (a link, a relative and an absolute path): number it.
            count: Counter[str] = Counter()
            for i in clashing:
                count[labels[i]] += 1
                labels[i] = f"{labels[i]} ({count[labels[i]]})"
            return labels
        for i in clashing:
            depth[i] += 1


def disguised_text(path: Path, fmt: str) -> bool:
    """True for an "Excel" file that is really delimited text (web applications often export
    tab-separated text under an .xls name). Raises for one that is really a web page."""
    if fmt not in ("xls", "xlsx", "xlsm"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if head.startswith((_OLE_MAGIC, _ZIP_MAGIC)) or not head:
        return False
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"<" and (b"<table" in head.lower() or b"<html" in head.lower()):
        raise InputFileError.of("FILE_IS_WEB_PAGE", path=str(path), format=fmt)
    if b"\x00" in head:
        return False  # binary: left to the Excel reader's own message
    first = text.split(b"\n", 1)[0]
    return any(sep in first for sep in (b"\t", b";", b",", b"|"))


def precheck(path: Path, fmt: str) -> bool:
    """Reject empty, mislabelled and password-protected files with a clear message.

    Returns True for an Excel-named file that holds delimited text (read it as text)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputFileError.of(
            "FILE_CANNOT_OPEN", path=str(path), reason=exc.strerror or type(exc).__name__
        ) from None
    if size == 0:
        raise InputFileError.of("FILE_EMPTY", path=str(path))
    if disguised_text(path, fmt):
        return True
    if fmt in ("xlsx", "xlsm"):
        if head.startswith(_OLE_MAGIC):
            if _is_encrypted(path):
                raise InputFileError.of("WORKBOOK_PASSWORD", path=str(path))
            raise InputFileError.of("XLS_NAMED_XLSX", path=str(path))
        if not head.startswith(_ZIP_MAGIC):
            raise InputFileError.of("XLSX_INVALID", path=str(path))
    elif fmt == "xls" and head.startswith(_OLE_MAGIC) and _is_encrypted(path):
        raise InputFileError.of("XLS_PASSWORD", path=str(path))
    elif fmt == "parquet" and head[:4] != b"PAR1":
        raise InputFileError.of("PARQUET_INVALID", path=str(path))
    return False


def _is_encrypted(path: Path) -> bool:
    import msoffcrypto  # imported lazily: only needed for OLE containers

    try:
        with path.open("rb") as handle:
            return bool(msoffcrypto.OfficeFile(handle).is_encrypted())
    except Exception:  # noqa: BLE001 - any parse failure means "not a readable encrypted file"
        return False
