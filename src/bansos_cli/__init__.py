"""bansos: validate, deduplicate, check eligibility of and reconcile Indonesian social-aid lists.

The command-line tool ``bansos`` is a thin layer over this library: every command calls one
function of :mod:`bansos_cli.api` that a Python user can call too::

    import datetime as dt
    from bansos_cli import api

    result = api.validate(["export.xlsx"], as_of=dt.date(2026, 1, 1))
    result.summary["by_status"]

Importing the package loads no data library (start-up stays fast for the command line);
the stage packages (``bansos_cli.validate``, ``.dedup``, ...) keep their names.
"""

__version__ = "0.1.0"
"""The package version; pyproject.toml reads it from here (``[tool.hatch.version]``)."""

__all__ = ["__version__"]
