"""The output vocabulary: every table bansos writes, its columns, declared once.

Machine-read names (table columns, JSON keys) are English ``snake_case``. The officer's data
columns keep their canonical Indonesian names (``nik``, ``no_kk``, ``nama``, see
:mod:`bansos_cli.core.columns`): they name Indonesian administrative data, not bansos's
results. Codes (finding codes, duplicate classes, reconciliation categories, eligibility
statuses) are values, not names, and stay Indonesian. People read labels, never these names:
report sheets and the terminal look their headers up in the message catalogue.

Every table that points at input rows does so with the same three columns, the *row key*
``source`` (the file as named on the command line), ``sheet`` (empty for CSV/Parquet) and
``row`` (the row number the officer sees in Excel, or the CSV line). A table that points at
two rows adds the side as a suffix: ``source_a``/``row_a`` (pairs), ``row_left``/``row_right``
(reconciliation).

Tables that carry the officer's own columns (records, valid) put bansos's columns in front.
An input column whose name bansos uses itself (a SIAK ``Status``, bansos's own
``records.csv`` fed back in) is kept under ``<name>_2`` (see :func:`is_reserved`), never
dropped and never mixed up with bansos's column.

docs/outputs.md documents these tables; a test writes every output of every command and
checks it against the declarations here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# -- the row key ------------------------------------------------------------------------------
SOURCE = "source"
"""The input file's name (as given on the command line)."""
SHEET = "sheet"
"""The sheet a record came from (empty for CSV/Parquet)."""
ROW = "row"
"""The row number the officer sees in Excel (1-based, counting title rows) or the CSV line."""
ROW_KEY: tuple[str, str, str] = (SOURCE, SHEET, ROW)

LEFT, RIGHT = "left", "right"
"""The sides of a reconciliation (decree list, disbursement report)."""
A, B = "a", "b"
"""The two records of a duplicate pair."""


def sided(name: str, side: str) -> str:
    """``row`` + ``left`` -> ``row_left``: a column of one side of a two-row table."""
    return f"{name}_{side}"


def row_key(side: str | None = None) -> tuple[str, str, str]:
    """The row-key columns, of one side when ``side`` is given."""
    if side is None:
        return ROW_KEY
    return (sided(SOURCE, side), sided(SHEET, side), sided(ROW, side))


# -- internal columns: positions and flags, never written ------------------------------------
INTERNAL_PREFIX = "_"
"""Columns whose name starts with ``_`` are internal (``_rid``, ``_num_nik``): the table
writers leave them out, and no input column can start with it (headers are folded)."""
RID = "_rid"
"""The row's position in the frame of a run (0..n-1): joins within one run, never written."""
RID_A, RID_B = "_rid_a", "_rid_b"
"""The positions of the two records of a pair."""


def is_internal(name: str) -> bool:
    return name.startswith(INTERNAL_PREFIX)


# -- columns bansos adds beside the officer's columns -------------------------------------------
STATUS = "status"
"""Worst finding of the row: ``ok``, ``warning`` or ``error`` (records, valid)."""
CLUSTER_ID = "cluster_id"
"""Duplicate group of the row (1.., in input order); a row alone is a group of one."""
CLUSTER_SIZE = "cluster_size"
KEEP = "keep"
"""The record of its group suggested to keep."""
NEEDS_REVIEW = "needs_review"
"""The group rests on at least one pair an officer should review."""
ELIGIBILITY_PREFIX = "eligibility_"
"""``eligibility_<program>``: the row's eligibility status for each program (``bansos run``)."""


def eligibility_column(program: str) -> str:
    """``pkh`` -> ``eligibility_pkh``."""
    return ELIGIBILITY_PREFIX + program


RESERVED: frozenset[str] = frozenset(
    {SOURCE, SHEET, ROW, STATUS, CLUSTER_ID, CLUSTER_SIZE, KEEP, NEEDS_REVIEW}
)
"""Names bansos gives its own columns in the tables that also hold the officer's columns."""
RESERVED_PREFIXES: tuple[str, ...] = (ELIGIBILITY_PREFIX,)


def is_reserved(name: str) -> bool:
    """True when an input column named ``name`` would collide with one of bansos's."""
    return name in RESERVED or name.startswith(RESERVED_PREFIXES)


# -- findings -----------------------------------------------------------------------------------
COLUMN = "column"
"""The canonical column a finding points at (``nik``; ``nik/nama`` for several)."""
VALUE = "value"
CODE = "code"
SEVERITY = "severity"
MESSAGE = "message"
HINT = "hint"


# -- table declarations ------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    """The polars dtype as ``str(dtype)`` prints it (``String``, ``Int64``, ``List(String)``)."""
    doc: str


@dataclass(frozen=True)
class Table:
    """One output table: its file stem and columns, in order."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    open: bool = False
    """The declared columns come first, then the officer's own columns (records, valid)."""
    variable: tuple[str, ...] = ()
    """Patterns (regular expressions, whole name) of the columns that repeat per field or
    program (``level_nama``, ``eligibility_pkh``); they may stand anywhere in the table."""
    variable_doc: tuple[str, ...] = ()
    """What the columns of each pattern hold (default: "repeats per field or program")."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def problems(self, schema: Mapping[str, str], *, dtypes: bool = True) -> list[str]:
        """How a written table (column -> ``str(dtype)``, in order) departs from this
        declaration: a declared column missing, out of order or of another type, or (closed
        tables) a column that is neither declared nor of a repeating pattern. ``dtypes`` False
        compares names only (CSV)."""
        found: list[str] = []
        names = list(schema)
        positions = [names.index(c.name) for c in self.columns if c.name in schema]
        for column in self.columns:
            if column.name not in schema:
                found.append(f"{self.name}: column {column.name!r} missing")
            elif dtypes and not _same_type(schema[column.name], column.dtype):
                found.append(
                    f"{self.name}: column {column.name!r} is {schema[column.name]}, "
                    f"declared {column.dtype}"
                )
        if positions != sorted(positions):
            found.append(f"{self.name}: declared columns out of order: {names}")
        if self.open:
            if names[: len(self.columns)] != list(self.names):
                found.append(f"{self.name}: declared columns must come first: {names}")
            return found
        declared = set(self.names)
        patterns = [re.compile(p) for p in self.variable]
        for name in names:
            if name not in declared and not any(p.fullmatch(name) for p in patterns):
                found.append(f"{self.name}: undeclared column {name!r}")
        return found


def _same_type(found: str, declared: str) -> bool:
    # an Enum prints its categories: Enum(categories=[...])
    return found == declared or (declared == "Enum" and found.startswith("Enum"))


def _c(name: str, dtype: str, doc: str) -> Column:
    return Column(name, dtype, doc)


_KEY = (
    _c(SOURCE, "String", "input file as named on the command line"),
    _c(SHEET, "String", "sheet of the workbook (empty for CSV/Parquet)"),
    _c(ROW, "Int64", "row number as the officer sees it in Excel (CSV: line number)"),
)


def _sided_key(side: str) -> tuple[Column, ...]:
    return tuple(Column(sided(c.name, side), c.dtype, f"{c.doc} ({side})") for c in _KEY)


_GROUP = (
    _c(CLUSTER_ID, "UInt32", "duplicate group (1.., input order; alone: a group of one)"),
    _c(CLUSTER_SIZE, "UInt32", "rows in the group"),
    _c(KEEP, "Boolean", "the record of its group suggested to keep"),
    _c(NEEDS_REVIEW, "Boolean", "the group rests on a pair to review"),
)
"""A record's duplicate group: in ``clusters`` and in the records of ``bansos run``."""

RECORDS = Table(
    "records",
    "every input row, typed, with its status; the officer's columns follow",
    (*_KEY, _c(STATUS, "String", "ok, warning or error: the worst finding of the row")),
    open=True,
)
VALID = Table("valid", "the records without an error", RECORDS.columns, open=True)
RUN_RECORDS = Table(
    "records",
    "bansos run: the records with their duplicate group and eligibility per program",
    (
        *RECORDS.columns,
        *_GROUP,
    ),
    open=True,
    variable=(ELIGIBILITY_PREFIX + ".+",),
)
PSEUDONYMISED = Table(
    "records",
    "bansos pseudonymise: every input row, NIK, KK, names replaced by keyed pseudonyms",
    _KEY,
    open=True,
)
FINDINGS = Table(
    "findings",
    "one row per problem found in a cell or row",
    (
        *_KEY,
        _c(COLUMN, "String", "canonical column the finding points at (nik/nama: several)"),
        _c(VALUE, "String", "the cell as read (masked under --mask)"),
        _c(CODE, "String", "finding code (docs/validation.md)"),
        _c(SEVERITY, "String", "error, warning or info"),
        _c(MESSAGE, "String", "what is wrong, in the chosen language"),
        _c(HINT, "String", "what to do, in the chosen language"),
    ),
)
CLUSTERS = Table(
    "clusters",
    "one row per input record: its duplicate group",
    (
        *_KEY,
        *_GROUP,
    ),
)
CLASS = "class"
"""Main duplicate class of a pair (``nik_sama``, ``nik_bentrok``, ... docs/dedup.md)."""
CLASSES_COLUMN = "classes"
"""Every class the pair satisfies, main class first (a pair is never repeated per class)."""
DECISION = "decision"
PAIR_LEVEL_PREFIX = "level_"
PAIR_WEIGHT_PREFIX = "weight_"
PAIRS = Table(
    "pairs",
    "one row per pair of records reported as a possible duplicate",
    (
        *_sided_key(A),
        *_sided_key(B),
        _c(CLASS, "String", "main duplicate class (nik_sama, orang_sama, ... docs/dedup.md)"),
        _c(CLASSES_COLUMN, "List(String)", "every class the pair satisfies, main class first"),
        _c(DECISION, "String", "ganda (duplicate), tinjau (review) or konflik (conflict)"),
        _c("score", "Float64", "match probability 0..1"),
        _c("weight", "Float32", "total match weight (log2 Bayes factor)"),
        _c("person_weight", "Float32", "match weight of the person fields alone"),
        _c("name_similarity", "Float32", "name similarity 0..1"),
        _c("family_matches", "UInt32", "family members matched between the two families"),
        _c("block_keys", "String", "blocking keys that made the pair a candidate"),
    ),
    variable=(PAIR_LEVEL_PREFIX + ".+", PAIR_WEIGHT_PREFIX + ".+"),
)
ELIGIBILITY = Table(
    "eligibility",
    "one row per person and program: the eligibility decision and its reasons",
    (
        *_KEY,
        _c("nik", "String", "NIK (masked under --mask)"),
        _c("no_kk", "String", "NO KK (masked under --mask)"),
        _c("nama", "String", "name"),
        _c("provinsi", "String", "province"),
        _c("kabupaten", "String", "regency/city"),
        _c("kecamatan", "String", "district"),
        _c("desa", "String", "village"),
        _c("program", "String", "program id (pkh, sembako, ...)"),
        _c(STATUS, "Enum", "LAYAK, TIDAK_LAYAK or PERLU_VERIFIKASI"),
        _c("failed_rules", "List(String)", "rules the row failed"),
        _c("unknown_rules", "List(String)", "rules that could not be decided (missing data)"),
        _c(
            "components",
            "List(String)",
            "benefit components earned (a per-family one on the family's representative row)",
        ),
        _c("amount_month", "Float64", "rupiah per month of those components"),
        _c("amount_year", "Float64", "rupiah per year of those components"),
        _c("reasons", "String", "the decision in words, in the chosen language"),
        _c(
            "explanation", "String", "the values that decided each rule (umur 58 < 60; desil 6 > 4)"
        ),
        _c("unreadable", "List(String)", "input columns with unreadable values"),
        _c("capped", "Boolean", "components withdrawn by the family cap"),
        _c(
            "family",
            "String",
            "normalised NO KK the family rules group by (empty: a family of its own)",
        ),
        _c("family_representative", "Boolean", "the row receives the family's per-family amounts"),
    ),
)
# -- reconciliation ----------------------------------------------------------------------------
CATEGORY = "category"
"""Reconciliation category of an output row (``cocok``, ``bayar_ganda``, ``hanya_kiri``,
``masuk``, ... docs/reconcile.md)."""
MATCH_METHOD = "match_method"
"""How a pair was found: ``kunci`` (the key) or ``fuzzy``; null for a row without a pair."""
FUZZY_SCORE = "fuzzy_score"
FUZZY_EVIDENCE = "fuzzy_evidence"
CANDIDATE_HINT = "candidate_hint"
"""An unpaired row pointing at a possible counterpart: ``kandidat``, ``kandidat_setara``."""
CANDIDATE = "candidate"
"""The side name of the candidate's row key: ``source_candidate``, ``row_candidate``."""
KEY = "key"
"""The normalised matching key (the left row's for a fuzzy pair)."""
N = "n"
"""``n_left``/``n_right``: rows with the key on each side."""
DIFFERENCES = "differences"
"""The compared columns that differ within a pair, comma-separated."""
NAME_STATUS = "name_status"
NAME_SCORE = "name_score"
RP = "rp"
"""``rp_left``/``rp_right``: the amount read as whole rupiah on each side; also the totals."""
DIFFERENCE_RP = "difference_rp"
"""Rupiah on the right minus rupiah on the left (a row, a category, a region, the total)."""
GROUP_DIFFERENCE_RP = "group_difference_rp"
"""Rows of one key found several times (``bayar_ganda``, ``ambigu``...): right minus left
over the whole key."""
DIFFERS_SUFFIX = "_differs"
ROWS = "rows"
"""Totals (per category, region, program): output rows; ``rows_left``/``rows_right``: the
input rows of each side among them."""
CATEGORY_COUNT_PREFIX = "n_"
"""Totals per region/program/family: ``n_<category>`` rows of each category."""
PAIR_COUNT = "pairs"
"""Pairs counted (region cross table, column statistics)."""
# column statistics (datacompy's column_stats)
KIND = "kind"
EQUAL = "equal"
UNEQUAL = "unequal"
MATCH_RATE = "match_rate"
NULL_MISMATCHES = "null_mismatches"
WITHIN_TOLERANCE = "within_tolerance"
MAX_DIFFERENCE = "max_difference"
ABS_TOLERANCE = "abs_tolerance"
REL_TOLERANCE = "rel_tolerance"
# the family view of the period mode
CHANGES = "changes"
MEMBERS = "members"
"""``members_left``/``members_right``: the rows of a family unit on each side."""
FAMILY_KK = "no_kk"
"""``no_kk_left``/``no_kk_right``: the KK numbers of a family unit on each side."""


def differs_column(name: str) -> str:
    """``nama`` -> ``nama_differs``: whether a compared column differs within a pair."""
    return name + DIFFERS_SUFFIX


def category_count_column(category: str) -> str:
    """``hanya_kiri`` -> ``n_hanya_kiri``: the rows of one category in a totals row."""
    return CATEGORY_COUNT_PREFIX + category


RECONCILIATION = Table(
    "reconciliation",
    "one row per person on either side: the category and the rupiah difference",
    (
        _c(CATEGORY, "String", "reconciliation category (docs/reconcile.md)"),
        _c(MATCH_METHOD, "String", "how the two sides were paired (key, fuzzy, ...)"),
        _c(FUZZY_SCORE, "Float64", "name similarity of a fuzzy pair or candidate"),
        _c(FUZZY_EVIDENCE, "String", "what a fuzzy pair or candidate rests on"),
        _c(CANDIDATE_HINT, "String", "kandidat or kandidat_setara: an unpaired row's candidate"),
        _c(KEY, "String", "the matching key value (masked under --mask)"),
        _c(sided(N, LEFT), "Int64", "rows with this key on the left"),
        _c(sided(N, RIGHT), "Int64", "rows with this key on the right"),
        _c(DIFFERENCES, "String", "compared columns that differ"),
        _c(NAME_STATUS, "String", "how the names compare"),
        _c(NAME_SCORE, "Float64", "name similarity 0..100"),
        _c(sided(RP, LEFT), "Int64", "rupiah on the left"),
        _c(sided(RP, RIGHT), "Int64", "rupiah on the right"),
        _c(DIFFERENCE_RP, "Int64", "right minus left (sums to the total difference)"),
        _c(GROUP_DIFFERENCE_RP, "Int64", "a key found several times: right minus left over it"),
        *_sided_key(LEFT),
        *_sided_key(RIGHT),
        *_sided_key(CANDIDATE),
    ),
    # per compared column (nik, nama, desa, nominal...): its value on each side, and whether
    # the two differ
    variable=(rf".+_({LEFT}|{RIGHT})", ".+" + DIFFERS_SUFFIX),
)
_COUNTS = rf"{CATEGORY_COUNT_PREFIX}.+"
REGIONS = Table(
    "regions",
    "per region: each side's rows and rupiah by its own region columns (--region)",
    (
        _c(sided(ROWS, LEFT), "Int64", "left rows whose region (on the left) is this one"),
        _c(sided(ROWS, RIGHT), "Int64", "right rows whose region (on the right) is this one"),
        _c(sided(RP, LEFT), "Int64", "rupiah of those left rows"),
        _c(sided(RP, RIGHT), "Int64", "rupiah of those right rows"),
        _c(DIFFERENCE_RP, "Int64", "right minus left"),
    ),
    variable=(_COUNTS, r"[a-z][a-z0-9_]*"),
    variable_doc=(
        "rows of each category (left rows; right rows for hanya_kanan/masuk)",
        "the region columns first (kecamatan, desa...), normalised",
    ),
)
REGION_CROSS = Table(
    "region_cross",
    "pairs whose left and right regions differ, per pair of regions",
    (
        _c(PAIR_COUNT, "Int64", "pairs"),
        _c(sided(RP, LEFT), "Int64", "rupiah on the left"),
        _c(sided(RP, RIGHT), "Int64", "rupiah on the right"),
        _c(DIFFERENCE_RP, "Int64", "right minus left"),
    ),
    variable=(rf".+_({LEFT}|{RIGHT})",),
    variable_doc=("the region columns of each side first (kecamatan_left, desa_right...)",),
)
COLUMN_STATS = Table(
    "column_stats",
    "per compared column: how the pairs compare (datacompy's column statistics)",
    (
        _c(COLUMN, "String", "the compared column"),
        _c(KIND, "String", "identitas, nama, angka (numbers, tolerances), tanggal or teks"),
        _c(PAIR_COUNT, "Int64", "pairs compared"),
        _c(EQUAL, "Int64", "pairs with equal values (within tolerance)"),
        _c(UNEQUAL, "Int64", "pairs with differing values"),
        _c(MATCH_RATE, "Float64", "equal / pairs"),
        _c(NULL_MISMATCHES, "Int64", "pairs with one side empty and the other not"),
        _c(WITHIN_TOLERANCE, "Int64", "numbers that differ but within the tolerance"),
        _c(MAX_DIFFERENCE, "Float64", "largest absolute difference (numbers)"),
        _c(ABS_TOLERANCE, "Float64", "absolute tolerance (numbers)"),
        _c(REL_TOLERANCE, "Float64", "relative tolerance, a fraction of the left value"),
    ),
)
FAMILIES = Table(
    "families",
    "period mode: one row per family unit (KK numbers linked by the people in them)",
    (
        _c(CATEGORY, "String", "tetap, berubah, keluar or masuk (the family)"),
        _c(CHANGES, "String", "what changed: no_kk, pecah, gabung, anggota_masuk, anggota_keluar"),
        _c(sided(FAMILY_KK, LEFT), "String", "KK numbers in the old period (masked under --mask)"),
        _c(sided(FAMILY_KK, RIGHT), "String", "KK numbers in the new period"),
        _c(sided(MEMBERS, LEFT), "Int64", "rows of the family in the old period"),
        _c(sided(MEMBERS, RIGHT), "Int64", "rows of the family in the new period"),
        _c(sided(RP, LEFT), "Int64", "rupiah in the old period"),
        _c(sided(RP, RIGHT), "Int64", "rupiah in the new period"),
        _c(DIFFERENCE_RP, "Int64", "new minus old"),
    ),
    variable=(_COUNTS,),
    variable_doc=("members of each person category (n_tetap, n_masuk...)",),
)

TABLES: dict[str, tuple[Table, ...]] = {
    "validate": (RECORDS, VALID, FINDINGS),
    "dedup": (PAIRS, CLUSTERS),
    "check": (ELIGIBILITY,),
    "reconcile": (RECONCILIATION, REGIONS, REGION_CROSS, COLUMN_STATS),
    "reconcile --period": (RECONCILIATION, REGIONS, REGION_CROSS, COLUMN_STATS, FAMILIES),
    "run": (RUN_RECORDS, FINDINGS, PAIRS, CLUSTERS, ELIGIBILITY),
    "pseudonymise": (PSEUDONYMISED,),
}
"""The tables each command writes (file stem = ``Table.name``)."""


def markdown() -> str:
    """The tables as Markdown (the generated part of docs/outputs.md)."""
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for command, tables in TABLES.items():
        for table in tables:
            if (table.name, table.doc) in seen:
                continue
            seen.add((table.name, table.doc))
            lines += [
                f"### `{table.name}` ({command})",
                "",
                table.doc[0].upper() + table.doc[1:] + ".",
                "",
                "| column | type | meaning |",
                "|---|---|---|",
            ]
            lines += [f"| `{c.name}` | {c.dtype} | {c.doc} |" for c in table.columns]
            docs = (*table.variable_doc, *[""] * len(table.variable))
            for pattern, doc in zip(table.variable, docs, strict=False):
                meaning = doc or "repeats per field or program"
                lines.append(f"| `{pattern}` (pattern) | | {meaning} |")
            if table.open:
                lines.append("| (the file's own columns) | | canonical names or as read |")
            lines.append("")
    return "\n".join(lines)


__all__ = [
    "markdown",
    "ABS_TOLERANCE",
    "CANDIDATE",
    "CANDIDATE_HINT",
    "CHANGES",
    "COLUMN_STATS",
    "EQUAL",
    "FAMILIES",
    "FAMILY_KK",
    "GROUP_DIFFERENCE_RP",
    "KIND",
    "MATCH_RATE",
    "MAX_DIFFERENCE",
    "MEMBERS",
    "NULL_MISMATCHES",
    "PAIR_COUNT",
    "REGIONS",
    "REGION_CROSS",
    "REL_TOLERANCE",
    "UNEQUAL",
    "WITHIN_TOLERANCE",
    "CATEGORY",
    "CATEGORY_COUNT_PREFIX",
    "DIFFERENCES",
    "DIFFERENCE_RP",
    "DIFFERS_SUFFIX",
    "FUZZY_EVIDENCE",
    "FUZZY_SCORE",
    "KEY",
    "MATCH_METHOD",
    "N",
    "NAME_SCORE",
    "NAME_STATUS",
    "ROWS",
    "RP",
    "category_count_column",
    "differs_column",
    "CLASS",
    "CLASSES_COLUMN",
    "DECISION",
    "INTERNAL_PREFIX",
    "PAIR_LEVEL_PREFIX",
    "PAIR_WEIGHT_PREFIX",
    "RID",
    "RID_A",
    "RID_B",
    "is_internal",
    "A",
    "B",
    "CLUSTERS",
    "CLUSTER_ID",
    "CLUSTER_SIZE",
    "CODE",
    "COLUMN",
    "Column",
    "ELIGIBILITY",
    "ELIGIBILITY_PREFIX",
    "FINDINGS",
    "HINT",
    "KEEP",
    "LEFT",
    "MESSAGE",
    "NEEDS_REVIEW",
    "PAIRS",
    "PSEUDONYMISED",
    "RECONCILIATION",
    "RECORDS",
    "RESERVED",
    "RIGHT",
    "ROW",
    "ROW_KEY",
    "RUN_RECORDS",
    "SEVERITY",
    "SHEET",
    "SOURCE",
    "STATUS",
    "TABLES",
    "Table",
    "VALID",
    "VALUE",
    "eligibility_column",
    "is_reserved",
    "row_key",
    "sided",
]


if __name__ == "__main__":  # docs/outputs.md, generated part
    print(markdown())  # noqa: T201
