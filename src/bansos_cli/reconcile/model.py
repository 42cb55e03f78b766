"""Categories, options and the result of a reconciliation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from bansos_cli.core.vocabulary import CATEGORY, DIFFERENCE_RP, ROWS
from bansos_cli.reconcile.tolerance import Tolerance, tolerance_map

# -- roles: what the engine decides about a row, whatever the mode calls it ---------------------
# The engine works on roles (small integers, in output order); a scheme names them. Every input
# row of both sides ends up in exactly one output row with exactly one role.
PAIR_SAME = 0
"""A pair (one left row, one right row) whose compared fields are all equal."""
PAIR_DIFFERENT = 1
"""A pair with at least one differing compared field."""
PAID_TWICE = 2
"""One left row, several right rows of the same person, paying more than the left amount."""
SPLIT = 3
"""One left row, several right rows of the same person, adding up to the left amount."""
SPLIT_SHORT = 4
"""One left row, several right rows of the same person, adding up to less than the left amount."""
AMBIGUOUS_ROLE = 5
"""The key is on both sides, and which rows belong together cannot be decided."""
LEFT_ONLY_ROLE = 6
"""A left row with no counterpart on the right."""
RIGHT_ONLY_ROLE = 7
"""A right row with no counterpart on the left."""
ROLES = (PAIR_SAME, PAIR_DIFFERENT, PAID_TWICE, SPLIT, SPLIT_SHORT, AMBIGUOUS_ROLE,
         LEFT_ONLY_ROLE, RIGHT_ONLY_ROLE)  # fmt: skip
GROUP_ROLES = (PAID_TWICE, SPLIT, SPLIT_SHORT, AMBIGUOUS_ROLE)
"""Roles of the rows of one key found several times: no pair is formed, every row is listed."""


@dataclass(frozen=True)
class Category:
    """One category code of a scheme and the role it names."""

    code: str
    role: int
    doc: str


@dataclass(frozen=True)
class Scheme:
    """The categories of one mode (decree vs disbursement, or last period vs this one)."""

    name: str
    categories: tuple[Category, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The category codes, in output order."""
        return tuple(c.code for c in self.categories)

    def code(self, role: int) -> str:
        """The code of ``role`` (a role the scheme has no category for is a bug)."""
        for category in self.categories:
            if category.role == role:
                return category.code
        raise KeyError(role)

    def codes_by_role(self) -> list[str | None]:
        """Role -> code (``None`` for the roles this scheme never produces)."""
        found = {c.role: c.code for c in self.categories}
        return [found.get(role) for role in ROLES]

    def counted_on_right(self) -> tuple[str, ...]:
        """The categories whose rows are counted on the right side in per-region totals (the
        rows without a left row); every other category is counted on its left rows."""
        return tuple(c.code for c in self.categories if c.role == RIGHT_ONLY_ROLE)

    @property
    def pair_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories if c.role in (PAIR_SAME, PAIR_DIFFERENT))


# Stable category codes (documented with an example each in docs/reconcile.md).
MATCHED = "cocok"
MATCHED_DIFFERENT = "cocok_beda"
PAID_DOUBLE = "bayar_ganda"
PAID_SPLIT = "bayar_terpecah"
PAID_SPLIT_SHORT = "bayar_terpecah_kurang"
AMBIGUOUS = "ambigu"
LEFT_ONLY = "hanya_kiri"
RIGHT_ONLY = "hanya_kanan"

PAYMENT = Scheme(
    "sk",
    (
        Category(MATCHED, PAIR_SAME, "one left row and one right row, every compared field equal"),
        Category(MATCHED_DIFFERENT, PAIR_DIFFERENT, "a pair with differing fields"),
        Category(PAID_DOUBLE, PAID_TWICE, "one person paid more than once: total paid > decreed"),
        Category(PAID_SPLIT, SPLIT, "several transfers adding up to the decreed amount"),
        Category(PAID_SPLIT_SHORT, SPLIT_SHORT, "several transfers adding up to less"),
        Category(AMBIGUOUS, AMBIGUOUS_ROLE, "a key several times that cannot be decided"),
        Category(LEFT_ONLY, LEFT_ONLY_ROLE, "only on the left (in the decree, not paid)"),
        Category(RIGHT_ONLY, RIGHT_ONLY_ROLE, "only on the right (paid, not in the decree)"),
    ),
)
"""Decree list (left) vs disbursement report (right): the default mode."""

STAYED = "tetap"
CHANGED = "berubah"
LEFT_THE_LIST = "keluar"
ENTERED = "masuk"

PERIOD = Scheme(
    "periode",
    (
        Category(STAYED, PAIR_SAME, "in both periods, every compared field equal"),
        Category(CHANGED, PAIR_DIFFERENT, "in both periods, some fields changed"),
        Category(AMBIGUOUS, AMBIGUOUS_ROLE, "a key several times in a period"),
        Category(LEFT_THE_LIST, LEFT_ONLY_ROLE, "only in the old period: left the list"),
        Category(ENTERED, RIGHT_ONLY_ROLE, "only in the new period: entered the list"),
    ),
)
"""Last period (left, LAMA) vs this period (right, BARU): ``bansos reconcile --period``."""

CATEGORIES: tuple[str, ...] = PAYMENT.codes
PERIOD_CATEGORIES: tuple[str, ...] = PERIOD.codes

SWAPPED: dict[str, str] = {
    MATCHED: MATCHED,
    MATCHED_DIFFERENT: MATCHED_DIFFERENT,
    PAID_DOUBLE: AMBIGUOUS,
    PAID_SPLIT: AMBIGUOUS,
    PAID_SPLIT_SHORT: AMBIGUOUS,
    AMBIGUOUS: AMBIGUOUS,
    LEFT_ONLY: RIGHT_ONLY,
    RIGHT_ONLY: LEFT_ONLY,
    STAYED: STAYED,
    CHANGED: CHANGED,
    LEFT_THE_LIST: ENTERED,
    ENTERED: LEFT_THE_LIST,
}
"""What each category becomes when LEFT and RIGHT are swapped. The many-to-one categories
(one decree row, several transfers) become ``ambigu``: with the sides swapped, several left rows
meet one right row, which is never decided."""

# How a pair was found (column ``match_method``).
BY_KEY = "kunci"
BY_FUZZY = "fuzzy"

# Name comparison outcome for pairs (column ``name_status``).
NAME_SAME = "sama"
NAME_VARIANT = "varian"
NAME_DIFFERENT = "beda"

# Why an unpaired row points at a row of the other side (column ``candidate_hint``).
CANDIDATE = "kandidat"
"""A similar name with one piece of evidence only: not enough to pair."""
CANDIDATE_TIED = "kandidat_setara"
"""Enough evidence, but another candidate is equally good: no pair is guessed."""
CANDIDATE_HINTS: tuple[str, ...] = (CANDIDATE, CANDIDATE_TIED)


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
    """The money column: parsed to whole rupiah, compared with its tolerance, totalled."""
    amount_tolerance: int = 0
    """Shortcut for ``tolerance={amount: amount_tolerance}`` (absolute rupiah)."""
    tolerance: Mapping[str, Tolerance | str | float] = field(default_factory=dict)
    """Column -> tolerance: values read as numbers that differ by at most ``absolute +
    relative * |left value|`` count as equal (``"1000"``, ``"1%"``, ``"1000+1%"``)."""
    name: str | None = "nama"
    """The name column: compared after normalisation, with a similarity score."""
    name_threshold: float = 85.0
    """Score (0-100) at or above which a differing name is a spelling variant of the same person."""
    case_insensitive: bool = True
    """Compare text ignoring case and repeated spaces."""
    fuzzy: bool = False
    """Pair rows left unmatched by the key on similar names plus two independent pieces of
    evidence (NIK one edit apart, birth date, region, KK, mother's name)."""
    fuzzy_threshold: float = 90.0
    """Minimum name score (0-100) of a fuzzy pair."""
    fuzzy_max_block: int = 50_000
    """Blocks with more candidate pairs than this are skipped (counted in the summary)."""
    region: tuple[str, ...] = ("kecamatan", "desa")
    """Columns that the per-region totals are grouped by (those present are used)."""
    program: str | None = "program"
    """Column that the per-program totals are grouped by (when present)."""
    period: bool = False
    """Last period (left) vs this period (right): categories ``tetap``, ``berubah``,
    ``keluar``, ``masuk`` (and ``ambigu``), plus the family view."""

    @property
    def scheme(self) -> Scheme:
        """The categories of this mode."""
        return PERIOD if self.period else PAYMENT

    def tolerances(self) -> dict[str, Tolerance]:
        """Column -> :class:`Tolerance`, the amount column's shortcut included."""
        found = tolerance_map(self.tolerance)
        if self.amount and self.amount_tolerance and self.amount not in found:
            found[self.amount] = Tolerance(absolute=float(self.amount_tolerance))
        return found

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (for ``summary.json``)."""
        return {
            "keys": list(self.keys),
            "compare": None if self.compare is None else list(self.compare),
            "ignore": list(self.ignore),
            "renames": dict(self.renames),
            "amount": self.amount,
            "amount_tolerance": self.amount_tolerance,
            "tolerance": {c: str(t) for c, t in self.tolerances().items()},
            "name": self.name,
            "name_threshold": self.name_threshold,
            "case_insensitive": self.case_insensitive,
            "fuzzy": self.fuzzy,
            "fuzzy_threshold": self.fuzzy_threshold,
            "fuzzy_max_block": self.fuzzy_max_block,
            "region": list(self.region),
            "program": self.program,
            "period": self.period,
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
    """One row per pair or unpaired/grouped row; see docs/reconcile.md for the columns."""
    options: ReconcileOptions
    compared: list[str]
    """The fields that were compared on pairs (after defaults and ``ignore``)."""
    left: SideStats
    right: SideStats
    by_category: pl.DataFrame
    """Per category: rows, left/right rows, left/right rupiah and the difference."""
    by_region: pl.DataFrame | None
    """Per region, each side's rows and rupiah by its own region columns."""
    region_cross: pl.DataFrame | None
    """Pairs whose left and right regions differ, per pair of regions."""
    by_program: pl.DataFrame | None
    column_stats: pl.DataFrame
    """Per compared column: pairs, equal, unequal, within tolerance, largest difference."""
    field_differences: dict[str, int]
    """Pairs with a difference, per compared field."""
    name_outcomes: dict[str, int]
    """Pairs per name outcome: ``sama``, ``varian``, ``beda``."""
    fuzzy_pairs: int
    fuzzy_skipped_blocks: int
    candidate_hints: dict[str, int]
    """Unpaired rows pointing at a candidate of the other side, per hint."""
    families: pl.DataFrame | None = None
    """Period mode, when both sides have ``no_kk``: one row per family unit (docs)."""

    @property
    def scheme(self) -> Scheme:
        return self.options.scheme

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
