"""Write tables batch by batch (the streaming engine): each table one Parquet file of one
row group per batch and/or one CSV file, all landing together when every batch is in."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import polars as pl

from bansos_cli.core.files import atomic_path
from bansos_cli.core.vocabulary import is_internal
from bansos_cli.output.writers import (
    ZSTD_LEVEL,
    _check_formats,
    _csv_policy,
    _target,
    csv_frame,
)


class BatchTableWriter:
    """Append batches to several tables; a context manager like
    :class:`~bansos_cli.output.TableWriter`: the files land together when the block ends
    without an error, and none does otherwise. Every batch of a table must have the
    columns of its first batch (types are cast to the first batch's)."""

    def __init__(self, formats: Sequence[str] = ("parquet",)) -> None:
        self.formats = _check_formats(formats)
        self.paths: dict[str, list[Path]] = {}
        self._stack = contextlib.ExitStack()
        self._open: dict[tuple[str, str], Any] = {}
        self._schemas: dict[str, Any] = {}
        self._policies: dict[tuple[str, str], str] = {}

    def __enter__(self) -> BatchTableWriter:
        return self

    def append(self, name: str, frame: pl.DataFrame, path_stem: Path) -> None:
        """Add ``frame``'s rows to table ``name`` (``path_stem.<fmt>``)."""
        import pyarrow.parquet as pq

        internal = [c for c in frame.columns if is_internal(c)]
        if internal:
            frame = frame.drop(internal)
        for fmt in self.formats:
            key = (name, fmt)
            if key not in self._open:
                target = _target(path_stem, fmt)
                tmp = self._stack.enter_context(atomic_path(target))
                self.paths.setdefault(name, []).append(target)
                if fmt == "parquet":
                    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
                    self._schemas[name] = table.schema
                    self._open[key] = self._stack.enter_context(
                        pq.ParquetWriter(
                            tmp,
                            table.schema,
                            compression="zstd",
                            compression_level=ZSTD_LEVEL,
                        )
                    )
                else:
                    handle: IO[bytes] = self._stack.enter_context(tmp.open("wb"))
                    self._open[key] = handle
                    # the CSV formula policy of the open output set, as TableWriter applies it
                    self._policies[key] = _csv_policy(target, None)
                    self._csv(frame, key).write_csv(handle, date_format="%Y-%m-%d")
                    continue
            if fmt == "parquet":
                table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
                self._open[key].write_table(table.cast(self._schemas[name]))
            elif key in self._open:
                self._csv(frame, key).write_csv(
                    self._open[key], include_header=False, date_format="%Y-%m-%d"
                )

    def _csv(self, frame: pl.DataFrame, key: tuple[str, str]) -> pl.DataFrame:
        return csv_frame(frame, self._policies[key])

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # writers and handles close (and atomic_path renames) in reverse order of opening
        self._stack.__exit__(exc_type, exc, tb)


__all__ = ["BatchTableWriter"]
