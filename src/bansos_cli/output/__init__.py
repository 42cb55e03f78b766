"""Output: write tables (Parquet/CSV) and JSON summaries atomically."""

from bansos_cli.output.batches import BatchTableWriter
from bansos_cli.output.writers import (
    FORMATS,
    TableWriter,
    write_json,
    write_table,
    write_tables,
)

__all__ = [
    "FORMATS",
    "BatchTableWriter",
    "TableWriter",
    "write_json",
    "write_table",
    "write_tables",
]
