"""Atomic output files: write to a temporary name beside the target, then rename.

A crash or an error half-way never leaves a partial output behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bansos_cli.core.errors import OutputError
from bansos_cli.core.messages import Text

FIXED_DOCUMENT_DATE = dt.datetime(2025, 7, 1, 8, 0, 0)
"""The creation date written into every workbook bansos writes (``docProps/core.xml``), so
that identical runs give byte-identical files; the run's own time is in ``summary.json``
(``duration_s``) only."""


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched. An
    operating-system error while creating, writing or renaming the file (the folder is a file,
    no permission, the disk is full) becomes an :class:`OutputError` naming the place.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _output_error(target, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; give the output the permissions of a normal new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _output_error(target, exc) from None
        raise


def _output_error(target: Path, exc: OSError) -> OutputError:
    reason: str | Text = exc.strerror or type(exc).__name__
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        reason = Text("PART_NOT_A_FOLDER", {"path": str(blocking)})
    return OutputError.of("OUTPUT_NOT_WRITABLE", path=str(target), reason=reason)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)
