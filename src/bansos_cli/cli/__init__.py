"""Command-line interface: parse options, call one library function, render, exit.

Each command lives in its own module and registers itself on :data:`app` when imported.
"""

from __future__ import annotations

from bansos_cli.cli import (
    check_cmd,  # noqa: F401  (registers `bansos check`)
    dedup_cmd,  # noqa: F401  (registers `bansos dedup`)
    inspect_cmd,  # noqa: F401  (registers `bansos inspect`)
    pseudonymise_cmd,  # noqa: F401  (registers `bansos pseudonymise`)
    reconcile_cmd,  # noqa: F401  (registers `bansos reconcile`)
    rules_cmd,  # noqa: F401  (registers `bansos rules`)
    run_cmd,  # noqa: F401  (registers `bansos run` and `bansos init`)
    sample_cmd,  # noqa: F401  (registers `bansos sample`)
    validate_cmd,  # noqa: F401  (registers `bansos validate`)
)
from bansos_cli.cli.app import app


def main() -> None:
    """Entry point of the ``bansos`` console script."""
    app(prog_name="bansos")


__all__ = ["app", "main"]
