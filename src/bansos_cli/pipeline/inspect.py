"""``inspect``: how bansos reads each input, as plain data (for the CLI, ``--json`` and tests)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS, SHEET, SOURCE, excel_column_letter
from bansos_cli.core.privacy import mask_frame, mask_text
from bansos_cli.ingest import IngestResult, ReadOptions, SourceInfo, read_inputs


@dataclass
class InspectReport:
    """The sources as read plus a masked preview of the first rows of each."""

    result: IngestResult
    previews: dict[tuple[str, str | None], pl.DataFrame]
    """(source path, sheet) -> its first rows, identifiers masked."""

    def preview(self, info: SourceInfo) -> pl.DataFrame:
        """The masked first rows of one source (one sheet of a workbook)."""
        return self.previews[(info.path, info.sheet)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the output of ``bansos inspect --json``)."""
        return {"sources": [source_dict(s, self.preview(s)) for s in self.result.sources]}


def source_dict(info: SourceInfo, preview: pl.DataFrame) -> dict[str, Any]:
    data = asdict(info)
    excel = info.format in ("xlsx", "xlsm", "xls", "ods")
    for column in data["columns"]:
        column["letter"] = excel_column_letter(column["position"]) if excel else None
    data["unmapped"] = info.unmapped
    data["preview"] = preview.to_dicts()
    return _masked_texts(data)


def _masked_texts(value: Any) -> Any:
    """Every text in a JSON-ready value with its NIK-like digit runs masked (a header that is
    a data row, a notice quoting a cell)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {_masked_texts(k): _masked_texts(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked_texts(v) for v in value]
    return value


def masked_preview(frame: pl.DataFrame, rows: int) -> pl.DataFrame:
    """The first ``rows`` records, identifiers masked by content (NIK/KK, any column of
    NIK-like values, NIK-like runs in text, column names), internal flag columns dropped."""
    head = frame.head(rows)
    keep = [c for c in head.columns if not c.startswith("_num_") and c not in META_COLUMNS[:2]]
    return mask_frame(head.select(keep), ID_COLUMNS, exclude=META_COLUMNS)


def inspect_inputs(
    paths: Sequence[str | Path], options: ReadOptions | None = None, *, preview_rows: int = 5
) -> InspectReport:
    """Read the inputs and describe how they were read (sheet, header row, mapping, notices)."""
    result = read_inputs(paths, options)
    previews: dict[tuple[str, str | None], pl.DataFrame] = {}
    frame = result.frame
    for info in result.sources:
        name = info.source or Path(info.path).name
        part = frame.filter((pl.col(SOURCE) == name) & (pl.col(SHEET) == (info.sheet or "")))
        previews[(info.path, info.sheet)] = masked_preview(part, preview_rows)
    return InspectReport(result=result, previews=previews)
