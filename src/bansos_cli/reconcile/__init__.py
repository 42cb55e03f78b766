"""Reconcile: compare two lists and account for every person and every rupiah.

``reconcile_frames(left, right, options)`` takes two ingested frames and returns a
:class:`ReconcileResult`: every row of both sides in exactly one output row, categorised
(see :data:`CATEGORIES`), with per-field differences and totals that explain the gap.
"""

from bansos_cli.reconcile.engine import DEFAULT_IGNORE, reconcile_frames
from bansos_cli.reconcile.keys import amount_expr, id_key_expr, name_key_expr
from bansos_cli.reconcile.model import (
    AMBIGUOUS,
    BY_FUZZY,
    BY_KEY,
    CATEGORIES,
    LEFT_ONLY,
    MATCHED,
    MATCHED_DIFFERENT,
    RIGHT_ONLY,
    SWAPPED,
    ReconcileOptions,
    ReconcileResult,
    SideStats,
)

__all__ = [
    "AMBIGUOUS",
    "BY_FUZZY",
    "BY_KEY",
    "CATEGORIES",
    "DEFAULT_IGNORE",
    "LEFT_ONLY",
    "MATCHED",
    "MATCHED_DIFFERENT",
    "RIGHT_ONLY",
    "SWAPPED",
    "ReconcileOptions",
    "ReconcileResult",
    "SideStats",
    "amount_expr",
    "id_key_expr",
    "name_key_expr",
    "reconcile_frames",
]
