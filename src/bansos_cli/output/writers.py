"""Atomic table and JSON writers shared by every pipeline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.errors import OptionError
from bansos_cli.core.files import atomic_path

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


def write_table(
    frame: pl.DataFrame, path_stem: Path, formats: Sequence[str] = ("parquet",)
) -> list[Path]:
    """Write ``frame`` as ``path_stem.parquet`` and/or ``path_stem.csv``, each atomically.

    Returns the written paths in the order of ``formats``. CSV is UTF-8 with a header; nested
    columns are flattened to text there.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise OptionError(f"unknown output format {unknown[0]!r}", hint="use parquet, csv or both")
    path_stem = Path(path_stem)
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):
        target = path_stem.with_name(path_stem.name + "." + fmt)
        with atomic_path(target) as tmp:
            if fmt == "parquet":
                frame.write_parquet(
                    tmp, compression="zstd", compression_level=ZSTD_LEVEL, statistics=True
                )
            else:
                _csv_ready(frame).write_csv(tmp, date_format="%Y-%m-%d")
        written.append(target)
    return written


def write_tables(
    tables: Mapping[str, tuple[pl.DataFrame, Path]], formats: Sequence[str] = ("parquet",)
) -> dict[str, list[Path]]:
    """:func:`write_table` for several ``name -> (frame, path_stem)`` at once, concurrently.

    Returns ``name -> written paths``. Polars encodes outside the GIL, so two threads keep
    both cores busy while one file's row groups are compressed and the other's are encoded.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise OptionError(f"unknown output format {unknown[0]!r}", hint="use parquet, csv or both")
    if len(tables) < 2:
        return {name: write_table(frame, stem, formats) for name, (frame, stem) in tables.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(write_table, frame, stem, formats)
            for name, (frame, stem) in tables.items()
        }
        return {name: future.result() for name, future in futures.items()}


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
