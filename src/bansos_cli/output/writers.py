"""Atomic table and JSON writers shared by every pipeline."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import polars as pl

from bansos_cli.core.errors import OptionError
from bansos_cli.core.files import atomic_path
from bansos_cli.core.outputset import active_set, check_csv_formulas
from bansos_cli.core.vocabulary import is_internal

FORMATS: tuple[str, ...] = ("parquet", "csv")
"""Table formats :func:`write_table` can write."""
ZSTD_LEVEL = 1
"""Parquet zstd level: level 1 writes about a third faster than the default (3) for files
of nearly the same size (these tables are dominated by repeated codes and dictionary pages)."""


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV cannot hold nested values: join lists with ``; `` and JSON-encode structs."""
    exprs = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array):
            exprs.append(pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, pl.Struct):
            exprs.append(pl.col(name).struct.json_encode().alias(name))
    return frame.with_columns(exprs) if exprs else frame


FORMULA_START = r"^[=+\-@\t\r]"
"""Text that a spreadsheet runs as a formula when it opens a CSV file (OWASP, "CSV Injection")."""
_PLAIN_MINUS = r"^-([0-9]+([.,][0-9]+)*)?$"
"""Starts with ``-`` but is kept: a lone ``-`` (officers write it for "none") and a negative
number written as text (``-5``, ``-1.250,50``): a spreadsheet reads them as text or as that
number, never as a formula that calls anything."""
FORMULA_PREFIX = "'"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text value (and column name) that a spreadsheet would run as a
    formula prefixed with ``'`` (``=1+1`` -> ``'=1+1``), as OWASP advises for CSV files;
    negative numbers and a lone ``-`` stay as they are. Number and date columns are untouched.
    """
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        value = pl.col(name)
        risky = value.str.contains(FORMULA_START) & ~value.str.contains(_PLAIN_MINUS)
        exprs.append(pl.when(risky).then(FORMULA_PREFIX + value).otherwise(value).alias(name))
    out = frame.with_columns(exprs) if exprs else frame
    renamed = {
        c: FORMULA_PREFIX + c
        for c in out.columns
        if re.match(FORMULA_START, c) and not re.match(_PLAIN_MINUS, c)
    }
    return out.rename(renamed) if renamed else out


def csv_frame(frame: pl.DataFrame, csv_formulas: str) -> pl.DataFrame:
    """``frame`` as a CSV file holds it: nested values flattened (:func:`_csv_ready`) and,
    unless ``csv_formulas`` is ``"keep"``, formula cells neutralised."""
    ready = _csv_ready(frame)
    return neutralise_formulas(ready) if csv_formulas == "neutralise" else ready


def _csv_policy(target: Path, csv_formulas: str | None) -> str:
    if csv_formulas is None:
        owner = active_set(target)
        return owner.csv_formulas if owner is not None else "neutralise"
    return check_csv_formulas(csv_formulas)


FrameSource = pl.DataFrame | Callable[[], pl.DataFrame]
"""A frame, or a function building it (run in the writer thread, e.g. a filter)."""


def _check_formats(formats: Sequence[str]) -> list[str]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise OptionError.of("OUTPUT_FORMAT_UNKNOWN", format=unknown[0])
    return list(dict.fromkeys(formats))


def _write_file(frame: pl.DataFrame, tmp: Path, fmt: str, csv_formulas: str) -> None:
    # internal columns (positions, flags: core.vocabulary.INTERNAL_PREFIX) are never written
    internal = [c for c in frame.columns if is_internal(c)]
    if internal:
        frame = frame.drop(internal)
    if fmt == "parquet":
        frame.write_parquet(tmp, compression="zstd", compression_level=ZSTD_LEVEL, statistics=True)
    else:
        csv_frame(frame, csv_formulas).write_csv(tmp, date_format="%Y-%m-%d")


def _target(path_stem: Path, fmt: str) -> Path:
    path_stem = Path(path_stem)
    return path_stem.with_name(path_stem.name + "." + fmt)


def write_table(
    frame: pl.DataFrame,
    path_stem: Path,
    formats: Sequence[str] = ("parquet",),
    *,
    csv_formulas: str | None = None,
) -> list[Path]:
    """Write ``frame`` as ``path_stem.parquet`` and/or ``path_stem.csv``, each atomically.

    Returns the written paths in the order of ``formats``. CSV is UTF-8 with a header; nested
    columns are flattened to text there, and text a spreadsheet would run as a formula is
    neutralised (:func:`neutralise_formulas`) unless ``csv_formulas`` is ``"keep"`` (default:
    the setting of the open output set, else ``"neutralise"``).
    """
    written: list[Path] = []
    for fmt in _check_formats(formats):
        target = _target(path_stem, fmt)
        policy = _csv_policy(target, csv_formulas)
        with atomic_path(target) as tmp:
            _write_file(frame, tmp, fmt, policy)
        written.append(target)
    return written


class TableWriter:
    """Write several tables in background threads while the caller keeps working.

    Use as a context manager: :meth:`submit` starts writing a table (each file goes to a
    temporary name beside its target); when the block ends, every write is awaited and then
    every file is renamed onto its target. If the block or any write raises, no target is
    touched and the temporary files are removed (all or nothing). Polars encodes outside the
    GIL, so the writes overlap with polars work done by the caller in the meantime.
    """

    def __init__(
        self,
        formats: Sequence[str] = ("parquet",),
        workers: int = 2,
        *,
        csv_formulas: str | None = None,
    ) -> None:
        self.formats = _check_formats(formats)
        self.csv_formulas = csv_formulas
        self.paths: dict[str, list[Path]] = {}
        self._stack = contextlib.ExitStack()
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._futures: list[Future[None]] = []

    def __enter__(self) -> TableWriter:
        return self

    def submit(self, name: str, frame: FrameSource, path_stem: Path) -> None:
        """Start writing ``frame`` (or the frame ``frame()`` builds) as ``path_stem.<fmt>``."""
        files = []
        for fmt in self.formats:
            target = _target(path_stem, fmt)
            policy = _csv_policy(target, self.csv_formulas)
            files.append((self._stack.enter_context(atomic_path(target)), fmt, policy))
            self.paths.setdefault(name, []).append(target)

        def job() -> None:
            table = frame() if callable(frame) else frame
            for tmp, fmt, policy in files:
                _write_file(table, tmp, fmt, policy)

        self._futures.append(self._pool.submit(job))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        failure: BaseException | None = exc
        for future in self._futures:
            try:
                future.result()
            except BaseException as error:  # noqa: BLE001 (re-raised below)
                failure = failure or error
        self._pool.shutdown()
        if failure is None:
            self._stack.close()  # every file renamed onto its target
            return
        # unwind with the error: atomic_path removes each temporary file and re-raises
        try:
            self._stack.__exit__(type(failure), failure, failure.__traceback__)
        except BaseException:
            if exc is None:
                raise
            return  # the block's own exception propagates
        if exc is None:
            raise failure


def write_tables(
    tables: Mapping[str, tuple[FrameSource, Path]], formats: Sequence[str] = ("parquet",)
) -> dict[str, list[Path]]:
    """:func:`write_table` for several ``name -> (frame, path_stem)`` at once, concurrently.

    Returns ``name -> written paths``. Polars encodes outside the GIL, so two threads keep
    both cores busy while one file's row groups are compressed and the other's are encoded.
    A frame may be given as a function building it (it then runs in a writer thread). Either
    every file is written or none is.
    """
    with TableWriter(formats) as writer:
        for name, (frame, stem) in tables.items():
            writer.submit(name, frame, stem)
    return writer.paths


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    """Write ``data`` as UTF-8 JSON (sorted keys, indent 2) to ``path`` atomically."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2, default=_default)
    with atomic_path(path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return Path(path)
