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
from bansos_cli.core.process import exit_now, own_process


def main() -> None:
    """Entry point of the ``bansos`` console script: the run owns its process (see
    :mod:`bansos_cli.core.process`), and leaves without tearing the interpreter down."""
    own_process()
    try:
        app(prog_name="bansos")
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


__all__ = ["app", "main"]
