"""``bansos inspect``: show how bansos reads a file (sheet, header row, column mapping)."""

from __future__ import annotations

from bansos_cli.cli.app import app


@app.command("inspect")
def inspect_command() -> None:
    """Show how bansos reads each file: sheets, header row, column mapping, first rows."""
