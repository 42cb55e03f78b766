"""Command-line interface: parse options, call one library function, render, exit.

Each command lives in its own module and registers itself on :data:`app` when imported.
"""

from __future__ import annotations

from bansos_cli.cli import inspect_cmd  # noqa: F401  (registers `bansos inspect`)
from bansos_cli.cli.app import app


def main() -> None:
    """Entry point of the ``bansos`` console script."""
    app(prog_name="bansos")


__all__ = ["app", "main"]
