"""Read one or many input files into one text frame (the public ingest entry point)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, ROW, SHEET, SOURCE
from bansos_cli.ingest.derived import join_sex_marks, mark_life_status, split_birth, split_rt_rw
from bansos_cli.ingest.mapping import load_mapping
from bansos_cli.ingest.model import IngestResult, Notice, SourceInfo
from bansos_cli.ingest.parquet import read_parquet
from bansos_cli.ingest.sources import (
    EXCEL_FORMATS,
    expand_inputs,
    file_format,
    precheck,
    source_labels,
)
from bansos_cli.ingest.text import read_text


@dataclass(frozen=True)
class ReadOptions:
    """How to read inputs. Every field has a sensible automatic default."""

    sheet: str | int | None = None
    """Sheet name, or 1-based sheet number; default: the sheet that looks most like a list."""
    header_row: int | None = None
    """Excel row / text line (1-based) of the header; default: detected."""
    mapping: str | Path | dict[str, str] | None = None
    """User mapping (YAML file or dict) of source headers to column names; wins over synonyms."""
    encoding: str | None = None
    """Text files only: force an encoding (default: UTF-8, falling back to cp1252/latin-1)."""
    delimiter: str | None = None
    """Text files only: force a delimiter (default: sniffed among , ; tab |)."""


ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(file_name, index, total)`` before each file is read."""


def read_file(
    path: Path, options: ReadOptions, mapping: dict[str, str]
) -> list[tuple[pl.DataFrame, SourceInfo]]:
    """Read one file into ``(frame, info)`` parts, one per data sheet (a text or Parquet file
    has one); each frame has ``_row`` but no ``_source``/``_sheet``."""
    fmt = file_format(path)
    if precheck(path, fmt):  # delimited text under an Excel name
        frame, info = read_text(
            path,
            header_row=options.header_row,
            mapping=mapping,
            encoding=options.encoding,
            delimiter=options.delimiter,
        )
        info.notices.insert(
            0,
            Notice("EXCEL_BERISI_TEKS", {"format": fmt}),
        )
        return [(frame, info)]
    if fmt in EXCEL_FORMATS.values():
        # imported here: fastexcel and numpy cost start-up time a text or Parquet input
        # does not need
        from bansos_cli.ingest.excel import read_excel

        return read_excel(
            path, fmt, sheet=options.sheet, header_row=options.header_row, mapping=mapping
        )
    if fmt == "parquet":
        return [read_parquet(path, mapping=mapping)]
    return [
        read_text(
            path,
            header_row=options.header_row,
            mapping=mapping,
            encoding=options.encoding,
            delimiter=options.delimiter,
        )
    ]


def read_inputs(
    paths: Sequence[str | Path],
    options: ReadOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> IngestResult:
    """Read files, folders or glob patterns into one frame of text columns.

    Every record carries ``_source`` (file name), ``_sheet`` and ``_row`` (the Excel row or
    text line the officer sees); identifier columns carry ``_num_<id>`` flags for cells that
    were stored as numbers. Columns are mapped to canonical names (``nik``, ``nama``, ...);
    unknown columns are kept under a snake_case name. Raises
    :class:`~bansos_cli.core.errors.BansosError` subclasses for unusable inputs.
    """
    options = options or ReadOptions()
    files = expand_inputs(list(paths))
    mapping = load_mapping(options.mapping)
    frames: list[pl.DataFrame] = []
    infos: list[SourceInfo] = []
    labels = source_labels(files)
    for index, path in enumerate(files):
        if progress:
            progress(path.name, index, len(files))
        for frame, info in read_file(path, options, mapping):
            frame = split_rt_rw(join_sex_marks(split_birth(frame, info), info), info)
            frame = mark_life_status(frame, info)
            meta = []
            if SOURCE not in frame.columns:
                info.source = labels[index]
                meta.append(pl.lit(labels[index]).alias(SOURCE))
            if SHEET not in frame.columns:
                meta.append(pl.lit(info.sheet or "").alias(SHEET))
            frame = frame.with_columns(meta)
            for column in ID_COLUMNS:
                flag = f"_num_{column}"
                if column in frame.columns and flag not in frame.columns:
                    frame = frame.with_columns(pl.lit(None, dtype=pl.Boolean).alias(flag))
            frames.append(frame)
            infos.append(info)
    combined = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    front = [SOURCE, SHEET, ROW]
    combined = combined.select([*front, *[c for c in combined.columns if c not in front]])
    return IngestResult(frame=combined, sources=infos)
