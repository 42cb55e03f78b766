"""Output: write tables (Parquet/CSV) and JSON summaries atomically."""

from bansos_cli.output.writers import FORMATS, write_json, write_table, write_tables

__all__ = ["FORMATS", "write_json", "write_table", "write_tables"]
