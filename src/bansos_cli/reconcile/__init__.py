"""Reconcile: compare two lists and account for every person and every rupiah.

``reconcile_frames(left, right, options)`` takes two ingested frames and returns a
:class:`ReconcileResult`: every row of both sides in exactly one output row, categorised
(see :data:`CATEGORIES`, and :data:`PERIOD_CATEGORIES` for last period vs this period), with
per-field differences and totals that explain the gap.
"""

from bansos_cli.reconcile.engine import DEFAULT_IGNORE, reconcile_frames
from bansos_cli.reconcile.fuzzy import EVIDENCE, MIN_PIECES
from bansos_cli.reconcile.keys import amount_expr, id_key_expr, name_key_expr, number_expr
from bansos_cli.reconcile.model import (
    AMBIGUOUS,
    BY_FUZZY,
    BY_KEY,
    CANDIDATE,
    CANDIDATE_HINTS,
    CANDIDATE_TIED,
    CATEGORIES,
    CHANGED,
    ENTERED,
    LEFT_ONLY,
    LEFT_THE_LIST,
    MATCHED,
    MATCHED_DIFFERENT,
    PAID_DOUBLE,
    PAID_SPLIT,
    PAID_SPLIT_SHORT,
    PAYMENT,
    PERIOD,
    PERIOD_CATEGORIES,
    RIGHT_ONLY,
    STAYED,
    SWAPPED,
    Category,
    ReconcileOptions,
    ReconcileResult,
    Scheme,
    SideStats,
)
from bansos_cli.reconcile.tolerance import Tolerance, parse_tolerance_option

__all__ = [
    "AMBIGUOUS",
    "BY_FUZZY",
    "BY_KEY",
    "CANDIDATE",
    "CANDIDATE_HINTS",
    "CANDIDATE_TIED",
    "CATEGORIES",
    "CHANGED",
    "DEFAULT_IGNORE",
    "ENTERED",
    "EVIDENCE",
    "LEFT_ONLY",
    "LEFT_THE_LIST",
    "MATCHED",
    "MATCHED_DIFFERENT",
    "MIN_PIECES",
    "PAID_DOUBLE",
    "PAID_SPLIT",
    "PAID_SPLIT_SHORT",
    "PAYMENT",
    "PERIOD",
    "PERIOD_CATEGORIES",
    "RIGHT_ONLY",
    "STAYED",
    "SWAPPED",
    "Category",
    "ReconcileOptions",
    "ReconcileResult",
    "Scheme",
    "SideStats",
    "Tolerance",
    "amount_expr",
    "id_key_expr",
    "name_key_expr",
    "number_expr",
    "parse_tolerance_option",
    "reconcile_frames",
]
