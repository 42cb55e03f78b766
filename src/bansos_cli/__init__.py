"""bansos: validate, deduplicate, check eligibility of and reconcile Indonesian social-aid lists.

The command-line tool ``bansos`` is a thin layer over this library: every command calls one
function that a Python user can call too::

    import datetime as dt
    from bansos_cli import validate, dedup, check, reconcile, run

    result = validate(["export.xlsx"], reference_date=dt.date(2026, 1, 1))
    result.summary["by_status"]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bansos-cli")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

# The stage packages bansos_cli.validate, .dedup and .reconcile share their names with API
# functions. Importing the API loads those packages first; binding the functions afterwards
# makes the package attributes the functions (a loaded submodule is never re-bound).
from bansos_cli.pipeline.api import (  # noqa: E402
    check,
    dedup,
    pseudonymise,
    reconcile,
    run,
    validate,
)

__all__ = ["__version__", "check", "dedup", "pseudonymise", "reconcile", "run", "validate"]
