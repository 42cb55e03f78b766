"""Output sets: every file of one run lands in its folder together, or none does.

A command opens one output set on its output folder (:func:`output_set`) before it reads
anything. Opening it

1. refuses an output folder that would replace one of the inputs (the same path, a symlink or
   a hard link to it: :func:`refuse_input_overwrite`);
2. takes the folder's lock (``.bansos.lock``, an ``flock`` that the kernel releases when the
   process dies), so that a second run into the same folder fails at once instead of mixing
   its files with the first one's;
3. removes what dead runs left behind: their staging folders and temporary files;
4. creates a staging folder ``.bansos-tmp-<pid>`` *inside* the output folder.

While the set is open, :func:`bansos_cli.core.files.atomic_path` puts every file aimed at the
folder into the staging folder instead (tables, ``summary.json``, ``report.xlsx``, sample
lists: every writer goes through ``atomic_path``). When the command succeeds the staged files
are moved onto their names with one ``rename`` each, ``summary.json`` last; on any error,
Ctrl-C or SIGTERM the staging folder is removed and the folder is as it was.

The staging folder lives inside the output folder, not beside it, so that the final renames
never cross a file system (a mounted output folder), need no write permission on the parent
and work for ``--out .``. It is hidden (a dot name) and never read as an input.

The moves take microseconds, but a SIGKILL can still land between two of them: the staging
folder carries a ``.commit`` mark written before the first move, and the next run into the
folder (under the lock) finishes those moves before it does anything else.

The folder holds one set: ``.bansos-set`` lists the files of the set in place, and the next
set removes the files of that list it does not write itself (a run with ``--no-report`` after
one with a report leaves no old ``report.xlsx`` beside the new ``summary.json``). Files
bansos did not write are never touched. ``bansos sample`` adds its lists beside what is there.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bansos_cli.core.errors import OutputError

STAGING_PREFIX = ".bansos-tmp-"
"""Name prefix of a staging folder (then the process id)."""
LOCK_NAME = ".bansos.lock"
"""The lock file of an output folder (removed when the run ends)."""
COMMIT_MARK = ".commit"
"""Written into a staging folder just before its files are moved into place."""
MANIFEST = ".bansos-set"
"""The files of the set in place (one name a line, relative to the folder), moved in last.
The next set removes the files of this list it does not write itself, so a run with other
options (``--no-report``, another ``--format``) never leaves an older run's file beside its
own: the folder holds one set."""
CSV_FORMULAS = ("neutralise", "keep")
"""How CSV outputs write text that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab, CR first): prefixed with ``'`` (the default, as OWASP advises) or as it is."""
LAST = ("summary.json",)
"""Files moved into place last: a reader that finds the new summary finds the whole set."""


def check_csv_formulas(value: str) -> str:
    """``value`` if it is one of :data:`CSV_FORMULAS`, else the one-line option error."""
    if value not in CSV_FORMULAS:
        from bansos_cli.core.errors import OptionError

        raise OptionError.of(
            "CLI_BAD_CHOICE",
            option="--csv-formulas",
            value=value,
            allowed=", ".join(CSV_FORMULAS),
        )
    return value


# an old-style temporary file of core.files.atomic_path (".records.parquet.k3j_9x2a.tmp")
_STALE_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


@dataclass
class OutputSet:
    """One open output set: its folder, staging folder and the files staged so far."""

    folder: Path
    """The output folder (resolved)."""
    staging: Path
    csv_formulas: str = "neutralise"
    staged: list[Path] = field(default_factory=list)
    """Staged files, relative to the folder, in the order they were written."""
    inputs: tuple[Path, ...] = ()
    """The input files, checked again just before the files are moved into place."""
    thread: int = 0
    """The thread that opened the set (only it may open it again, nested)."""
    whole: bool = True
    """The folder holds this set only: files of the previous set it does not write are
    removed (:data:`MANIFEST`). False adds files beside what is there (``bansos sample``)."""

    def stage(self, target: Path) -> Path | None:
        """The staging path of ``target`` when it lies in this folder, else None."""
        try:
            relative = target.relative_to(self.folder)
        except ValueError:
            return None
        if not relative.parts or relative.parts[0].startswith(STAGING_PREFIX):
            return None
        return self.staging / relative

    def record(self, staged: Path) -> None:
        """Note that ``staged`` (a path in the staging folder) is complete."""
        relative = staged.relative_to(self.staging)
        if relative not in self.staged:
            self.staged.append(relative)


_ACTIVE: dict[Path, OutputSet] = {}
_GUARD = threading.Lock()


def active_set(target: str | os.PathLike[str]) -> OutputSet | None:
    """The open output set whose folder holds ``target`` (at any depth), if any."""
    if not _ACTIVE:
        return None
    path = Path(target)
    where = _resolved(path.parent) / path.name
    with _GUARD:
        sets = list(_ACTIVE.values())
    for candidate in sets:
        if candidate.stage(where) is not None:
            return candidate
    return None


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


# --- output folder names -------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:]+")


def folder_name(path: str | os.PathLike[str], suffix: str = "", default: str = "input") -> str:
    """A folder name made from an input's name (``kec_a/daftar.xlsx`` -> ``daftar``): its stem
    without separators, control characters or leading dots, so that ``..xlsx`` or ``.xlsx``
    never make ``..`` or a hidden folder; ``default`` when nothing is left."""
    stem = Path(os.fspath(path)).stem
    stem = _UNSAFE.sub("_", stem).lstrip(". ").rstrip(" ")
    return (stem or default) + suffix


# --- which files a command may write (for the check against the inputs) ----------------------


def output_names() -> frozenset[str]:
    """Every file name a command writes into its output folder."""
    from bansos_cli.core.vocabulary import TABLES

    stems = {table.name for tables in TABLES.values() for table in tables}
    stems |= {"pseudonymised", "summary", "report"}
    names = {f"{stem}.{fmt}" for stem in stems for fmt in ("parquet", "csv")}
    return frozenset(names | {"summary.json", "report.xlsx"})


def _input_files(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files named by ``inputs`` (folders and glob patterns expanded); a missing one is
    skipped here: the reader reports it."""
    files: list[Path] = []
    for raw in inputs:
        text = os.fspath(raw)
        path = Path(text)
        try:
            if path.is_dir():
                files += [p for p in path.iterdir() if p.is_file()]
            elif path.exists():
                files.append(path)
            elif glob.has_magic(text):
                files += [Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file()]
        except OSError:
            continue  # an unreadable folder: the reader says so
    return files


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_input_overwrite(
    folder: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]
) -> tuple[Path, ...]:
    """Raise :class:`OutputError` when writing into ``folder`` could replace an input file.

    An input is at risk when it lies in ``folder`` under a name a command writes
    (``records.parquet``, ``summary.json``, ...), or when such a file of ``folder`` is the
    input under another name (a symlink, a hard link). Returns the input files.
    """
    files = tuple(_input_files(inputs))
    out = Path(folder)
    if not files or not out.is_dir():
        return files
    names = output_names()
    existing = [out / name for name in names if (out / name).exists()]
    for path in files:
        if path.name in names and _same(path.parent, out):
            raise OutputError.of("OUTPUT_IS_INPUT", path=str(out), input=str(path))
        for target in existing:
            if _same(path, target):
                raise OutputError.of("OUTPUT_IS_INPUT", path=str(out), input=str(path))
    return files


# --- the lock ---------------------------------------------------------------------------------


def _lock(folder: Path, shown: Path) -> int:
    """Take ``folder``'s lock; raise :class:`OutputError` (naming ``shown``) when another run
    holds it."""
    path = folder / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _error(shown, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputError.of("OUTPUT_LOCKED", path=str(shown), pid=holder) from None
            raise _error(shown, exc) from None
        # the previous holder may have removed the file between our open and our lock: then
        # we hold the lock of a file nobody else sees, so start again on the new one
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            return fd
        os.close(fd)


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
    except OSError:
        return "?"


def _unlock(folder: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(folder / LOCK_NAME)  # while still locked: nobody can take a stale one
    os.close(fd)


# --- cleaning up after dead runs ----------------------------------------------------------------


def _recover(folder: Path) -> None:
    """Finish or remove the staging folders of dead runs (we hold the lock: nobody else is
    writing here) and remove the temporary files they left."""
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise _error(folder, exc) from None
    for entry in entries:
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
            if (entry / COMMIT_MARK).exists():
                _move_all(entry, folder, _staged_files(entry))
                _drop_previous(folder, _listed(entry / COMMIT_MARK))
            shutil.rmtree(entry, ignore_errors=True)
        elif _STALE_TMP.match(entry.name) and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()


def _staged_files(staging: Path) -> list[Path]:
    files = [
        p.relative_to(staging)
        for p in sorted(staging.rglob("*"))
        if p.is_file() and p.name not in (COMMIT_MARK, MANIFEST) and not _STALE_TMP.match(p.name)
    ]
    return [*sorted(files, key=lambda p: p.name in LAST), Path(MANIFEST)]


def _listed(path: Path) -> list[Path]:
    """The relative paths listed in a manifest (or commit mark) file; none when absent."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [Path(line) for line in lines if line and not Path(line).is_absolute()]


def _drop_previous(folder: Path, current: Sequence[Path]) -> None:
    """Remove the files of the previous set (its manifest, now replaced) not in ``current``."""
    keep = {*current, Path(MANIFEST)}
    for relative in _listed(folder / f"{MANIFEST}.old"):
        if relative not in keep and ".." not in relative.parts:
            with contextlib.suppress(OSError):
                (folder / relative).unlink()
    with contextlib.suppress(OSError):
        (folder / f"{MANIFEST}.old").unlink()


def _move_all(staging: Path, folder: Path, files: Sequence[Path]) -> None:
    if (staging / MANIFEST).exists() and (folder / MANIFEST).exists():
        os.replace(folder / MANIFEST, folder / f"{MANIFEST}.old")  # read by _drop_previous
    for relative in files:
        source, target = staging / relative, folder / relative
        if not source.exists():
            continue  # moved before the interruption
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


# --- termination signals ------------------------------------------------------------------------

_COMMITTING = threading.Event()
_PENDING: list[int] = []


def _on_terminate(signum: int, _frame: FrameType | None) -> None:
    if _COMMITTING.is_set():
        _PENDING.append(signum)  # the moves finish first, then the process ends
        return
    raise SystemExit(128 + signum)


def exit_cleanly_on_terminate() -> None:
    """Make SIGTERM and SIGHUP end the process like Ctrl-C does: open output sets remove their
    staging folders on the way out (exit code 128 + signal). Called by the command line; a
    library user keeps their own signal handling. Only from the main thread."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, _on_terminate)


# --- the output set ---------------------------------------------------------------------------


@contextlib.contextmanager
def output_set(
    folder: str | os.PathLike[str] | None,
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    csv_formulas: str = "neutralise",
    whole: bool = True,
) -> Iterator[OutputSet | None]:
    """Open the output set of one run on ``folder`` (None: nothing is written, yields None).

    Call it before reading the inputs: it refuses an output folder that would replace an
    input, takes the folder's lock and cleans up after dead runs (see the module text). Every
    file written into ``folder`` inside the block is staged and moved into place when the block
    ends without an error; on an error nothing of the set is left. A set already open on the
    same folder (a pipeline calling another) is reused. With ``whole`` (the default) the
    folder holds this set only afterwards: files an earlier set wrote and this one does not
    are removed; ``whole=False`` adds the files beside what is there.
    """
    if folder is None:
        yield None
        return
    check_csv_formulas(csv_formulas)
    given = Path(folder)
    files = refuse_input_overwrite(given, inputs)
    resolved = _resolved(given)
    with _GUARD:
        reused = _ACTIVE.get(resolved)
    if reused is not None and reused.thread == threading.get_ident():
        yield reused
        return
    # another thread's set on the same folder: the lock below refuses, as for a second process
    created = _make_folder(given)
    try:
        fd = _lock(resolved, given)
    except BaseException:
        _drop_folder(given, created)
        raise
    staging = resolved / f"{STAGING_PREFIX}{os.getpid()}"
    try:
        _recover(resolved)
        staging.mkdir()
    except OSError as exc:
        _unlock(resolved, fd)
        _drop_folder(given, created)
        raise _error(given, exc) from None
    out = OutputSet(
        resolved, staging, csv_formulas, inputs=files, thread=threading.get_ident(), whole=whole
    )
    with _GUARD:
        _ACTIVE[resolved] = out
    try:
        yield out
        _commit(out, given)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        with _GUARD:
            _ACTIVE.pop(resolved, None)
        _unlock(resolved, fd)
        _drop_folder(given, created)
    if _PENDING:
        raise SystemExit(128 + _PENDING.pop())


def _commit(out: OutputSet, given: Path) -> None:
    order = sorted(out.staged, key=lambda p: p.name in LAST)
    for relative in order:  # an input named like an output, found only now (a new link)
        for path in out.inputs:
            if _same(path, out.folder / relative):
                raise OutputError.of("OUTPUT_IS_INPUT", path=str(given), input=str(path))
    listing = "".join(f"{p.as_posix()}\n" for p in order)
    _COMMITTING.set()
    try:
        if out.whole:
            (out.staging / MANIFEST).write_text(listing, encoding="utf-8")
        (out.staging / COMMIT_MARK).write_text(listing, encoding="utf-8")
        _move_all(out.staging, out.folder, [*order, Path(MANIFEST)] if out.whole else order)
        if out.whole:
            _drop_previous(out.folder, order)
    except OSError as exc:
        raise _error(given, exc) from None
    finally:
        _COMMITTING.clear()
    shutil.rmtree(out.staging, ignore_errors=True)


def _make_folder(folder: Path) -> bool:
    """Create ``folder`` (and its parents); True when it did not exist before."""
    if folder.is_dir():
        return False
    if folder.exists():  # a file where the folder should be
        from bansos_cli.core.messages import Text

        reason = Text("PART_NOT_A_FOLDER", {"path": str(folder)})
        raise OutputError.of("OUTPUT_NOT_WRITABLE", path=str(folder), reason=reason)
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise _error(folder, exc) from None
    return True


def _drop_folder(folder: Path, created: bool) -> None:
    """Remove ``folder`` when this run created it and left it empty (a failed run)."""
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _error(where: Path, exc: OSError) -> OutputError:
    from bansos_cli.core.files import output_error

    return output_error(where, exc)
