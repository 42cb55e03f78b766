"""Atomic output files: write to a temporary name beside the target, then rename.

A crash or an error half-way never leaves a partial output behind. Inside an open output set
(:mod:`bansos_cli.core.outputset`) a file aimed at the set's folder is written into the set's
staging folder instead, and moves onto its name with the rest of the set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bansos_cli.core.errors import OutputError
from bansos_cli.core.messages import Text

# polars reports an operating-system error inside its own exception: "... (os error 28)"
_OS_ERROR = re.compile(r"\(os error (\d+)\)")
FIXED_DOCUMENT_DATE = dt.datetime(2025, 7, 1, 8, 0, 0)
"""The creation date written into every workbook bansos writes (``docProps/core.xml``), so
that identical runs give byte-identical files; the run's own time is in ``summary.json``
(``duration_s``) only."""


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched. An
    operating-system error while creating, writing or renaming the file (the folder is a file,
    no permission, the disk is full), also one a library reports in its own exception (polars:
    ``(os error 28)``), becomes an :class:`OutputError` naming the place.
    """
    from bansos_cli.core.outputset import active_set

    target = Path(target)
    owner = active_set(target)
    # the folder resolved, not the name: a link named like an output is replaced, not followed
    where = Path(os.path.realpath(os.path.abspath(target.parent))) / target.name
    staged = owner.stage(where) if owner else None
    final = staged if staged is not None else target
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:
        raise output_error(target, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; give the output the permissions of a normal new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        os_error = as_os_error(exc)
        if os_error is not None:
            raise output_error(target, os_error) from None
        raise
    if owner is not None and staged is not None:
        owner.record(staged)


def as_os_error(exc: BaseException) -> OSError | None:
    """``exc`` as the operating-system error it is or carries (polars wraps them), else None."""
    if isinstance(exc, OSError):
        return exc
    if isinstance(exc, Exception):
        found = _OS_ERROR.search(str(exc))
        if found:
            number = int(found.group(1))
            return OSError(number, os.strerror(number))
    return None


def output_error(target: Path, exc: OSError) -> OutputError:
    """The :class:`OutputError` of an operating-system error while writing ``target``."""
    reason: str | Text = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason = Text("PART_DISK_FULL")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        reason = Text("PART_NOT_A_FOLDER", {"path": str(blocking)})
    return OutputError.of("OUTPUT_NOT_WRITABLE", path=str(target), reason=reason)


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)
