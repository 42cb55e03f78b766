"""The portable SQL subset of rule conditions: one parse, one checked tree, several engines."""

from bansos_cli.rules.expr.analyse import (
    FAMILY,
    REF_PREFIX,
    Checked,
    Context,
    Problem,
    Type,
    analyse,
    ref_column,
)
from bansos_cli.rules.expr.to_polars import to_polars
from bansos_cli.rules.expr.to_sql import DIALECTS, Dialect, to_sql

__all__ = [
    "DIALECTS",
    "FAMILY",
    "REF_PREFIX",
    "Checked",
    "Context",
    "Dialect",
    "Problem",
    "Type",
    "analyse",
    "ref_column",
    "to_polars",
    "to_sql",
]
