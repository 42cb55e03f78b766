"""Ingest: read Excel, CSV and Parquet exports into one text frame with Excel row numbers."""

from bansos_cli.ingest.derived import DERIVED_FROM
from bansos_cli.ingest.model import ColumnMap, IngestResult, Notice, SheetInfo, SourceInfo
from bansos_cli.ingest.reader import ReadOptions, expand_inputs, read_inputs
from bansos_cli.ingest.sources import source_labels

__all__ = [
    "DERIVED_FROM",
    "ColumnMap",
    "IngestResult",
    "Notice",
    "ReadOptions",
    "SheetInfo",
    "SourceInfo",
    "expand_inputs",
    "read_inputs",
    "source_labels",
]
