"""Categories, options and the result of a reconciliation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from bansos_cli.core.vocabulary import CATEGORY, DIFFERENCE_RP, ROWS

# Stable category ids (documented in docs/reconcile.md). Every input row of both sides ends
# up in exactly one output row with exactly one of these.
MATCHED = "cocok"
"""A pair (one left row, one right row) whose compared fields are all equal."""
MATCHED_DIFFERENT = "cocok_beda"
"""A pair whose compared fields differ (see ``differences`` and the ``<field>_differs``
columns)."""
AMBIGUOUS = "ambigu"
"""The key is on both sides but more than once on at least one: no pair is guessed."""
LEFT_ONLY = "hanya_kiri"
"""A left row with no counterpart on the right (e.g. in the decree, not paid)."""
RIGHT_ONLY = "hanya_kanan"
"""A right row with no counterpart on the left (e.g. paid, not in the decree)."""

CATEGORIES: tuple[str, ...] = (MATCHED, MATCHED_DIFFERENT, AMBIGUOUS, LEFT_ONLY, RIGHT_ONLY)
SWAPPED: dict[str, str] = {
    MATCHED: MATCHED,
    MATCHED_DIFFERENT: MATCHED_DIFFERENT,
    AMBIGUOUS: AMBIGUOUS,
    LEFT_ONLY: RIGHT_ONLY,
    RIGHT_ONLY: LEFT_ONLY,
}
"""What each category becomes when LEFT and RIGHT are swapped."""

# How a pair was found (column ``match_method``).
BY_KEY = "kunci"
BY_FUZZY = "fuzzy"

# Name comparison outcome for pairs (column ``name_status``).
NAME_SAME = "sama"
NAME_VARIANT = "varian"
NAME_DIFFERENT = "beda"


@dataclass(frozen=True)
class ReconcileOptions:
    """How two lists are matched and compared. Column names are those of the ingested frames.

    Columns that do not exist on either side are simply skipped when they were only defaults
    (``amount``, ``name``, ``region``, ``program``); an explicitly requested key or compare
    column that is missing is an :class:`~bansos_cli.core.errors.OptionError`.
    """

    keys: tuple[str, ...] = ("nik",)
    """Match on these columns (normalised; NIK/KK with the identifier rules)."""
    compare: tuple[str, ...] | None = None
    """Fields compared on matched pairs; ``None`` = every column both sides share."""
    ignore: tuple[str, ...] = ()
    """Fields never compared (e.g. ``no``, ``tanggal_salur``)."""
    renames: Mapping[str, str] = field(default_factory=dict)
    """Right column -> left column name, applied to the right side before anything else."""
    amount: str | None = "nominal"
    """The money column: parsed to whole rupiah, compared with ``amount_tolerance``, totalled."""
    amount_tolerance: int = 0
    """Amounts differing by at most this many rupiah count as equal."""
    name: str | None = "nama"
    """The name column: compared after normalisation, with a similarity score."""
    name_threshold: float = 85.0
    """Score (0-100) at or above which a differing name is a spelling variant of the same person."""
    case_insensitive: bool = True
    """Compare text ignoring case and repeated spaces."""
    fuzzy: bool = False
    """Try to pair rows left unmatched by the key on names plus NIK similarity or birth date."""
    fuzzy_threshold: float = 90.0
    """Minimum name score (0-100) of a fuzzy pair."""
    fuzzy_max_block: int = 50_000
    """Blocks with more candidate pairs than this are skipped (counted in the summary)."""
    region: tuple[str, ...] = ("kecamatan", "desa")
    """Columns that the per-region totals are grouped by (those present are used)."""
    program: str | None = "program"
    """Column that the per-program totals are grouped by (when present)."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (for ``summary.json``)."""
        return {
            "keys": list(self.keys),
            "compare": None if self.compare is None else list(self.compare),
            "ignore": list(self.ignore),
            "renames": dict(self.renames),
            "amount": self.amount,
            "amount_tolerance": self.amount_tolerance,
            "name": self.name,
            "name_threshold": self.name_threshold,
            "case_insensitive": self.case_insensitive,
            "fuzzy": self.fuzzy,
            "fuzzy_threshold": self.fuzzy_threshold,
            "fuzzy_max_block": self.fuzzy_max_block,
            "region": list(self.region),
            "program": self.program,
        }


@dataclass
class SideStats:
    """What was seen on one side."""

    rows: int
    key_missing: int
    """Rows whose key is empty or unusable after normalisation (cannot match on the key)."""
    duplicate_keys: int
    """Rows whose key occurs more than once on this side."""
    amount_unreadable: int
    """Non-empty amount cells that could not be read as rupiah (totalled as 0)."""
    amount_total: int
    """Sum of the readable amounts (whole rupiah)."""


@dataclass
class ReconcileResult:
    """Every row of both sides, categorised, with per-field differences and totals."""

    frame: pl.DataFrame
    """One row per pair or unmatched/ambiguous row; see docs/reconcile.md for the columns."""
    options: ReconcileOptions
    compared: list[str]
    """The fields that were compared on pairs (after defaults and ``ignore``)."""
    left: SideStats
    right: SideStats
    by_category: pl.DataFrame
    """Per category: rows, left/right rows, left/right rupiah and the difference."""
    by_region: pl.DataFrame | None
    by_program: pl.DataFrame | None
    field_differences: dict[str, int]
    """Pairs with a difference, per compared field."""
    name_outcomes: dict[str, int]
    """Pairs per name outcome: ``sama``, ``varian``, ``beda``."""
    fuzzy_pairs: int
    fuzzy_skipped_blocks: int

    @property
    def counts(self) -> dict[str, int]:
        """Output rows per category (every category present, zeros included)."""
        return {row[CATEGORY]: int(row[ROWS]) for row in self.by_category.iter_rows(named=True)}

    def failing(self, categories: Iterable[str]) -> int:
        """How many output rows fall in any of ``categories`` (for the exit code)."""
        wanted = set(categories)
        return sum(n for cat, n in self.counts.items() if cat in wanted)

    def explanation(self) -> list[dict[str, Any]]:
        """The right total minus the left total, split by category (sums to the difference)."""
        return [
            {CATEGORY: row[CATEGORY], DIFFERENCE_RP: int(row[DIFFERENCE_RP])}
            for row in self.by_category.iter_rows(named=True)
        ]
