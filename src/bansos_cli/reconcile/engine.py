"""``reconcile_frames``: account for every row of two lists and every rupiah between them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import Text
from bansos_cli.core.vocabulary import (
    CANDIDATE,
    CANDIDATE_HINT,
    CATEGORY,
    DIFFERENCE_RP,
    DIFFERENCES,
    FUZZY_EVIDENCE,
    FUZZY_SCORE,
    GROUP_DIFFERENCE_RP,
    KEY,
    LEFT,
    MATCH_METHOD,
    NAME_SCORE,
    NAME_STATUS,
    RIGHT,
    N,
    differs_column,
    row_key,
    sided,
)
from bansos_cli.reconcile import fuzzy as fuzzy_stage
from bansos_cli.reconcile import layout, match, totals
from bansos_cli.reconcile.compare import (
    AMOUNT_LEFT,
    AMOUNT_RIGHT,
    KEY_LEFT,
    KEY_RIGHT,
    Comparison,
    compare_pairs,
)
from bansos_cli.reconcile.families import family_units
from bansos_cli.reconcile.fuzzy import FuzzyOutcome, fuzzy_pairs
from bansos_cli.reconcile.groups import GroupRoles, group_roles
from bansos_cli.reconcile.keys import (
    KEY_SEPARATOR,
    amount_expr,
    id_key_series,
    key_part_expr,
    map_unique,
)
from bansos_cli.reconcile.model import (
    BY_FUZZY,
    BY_KEY,
    CANDIDATE_HINTS,
    NAME_DIFFERENT,
    NAME_SAME,
    NAME_VARIANT,
    ReconcileOptions,
    ReconcileResult,
    SideStats,
)

DEFAULT_IGNORE: tuple[str, ...] = ("no",)
"""Never compared unless asked for: the running number ``NO`` differs between any two lists."""

FAMILY_COLUMN = "no_kk"
"""The period mode's family view follows this column."""

LI, RI = totals.LEFT_IDX, totals.RIGHT_IDX


def _data_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_") and c not in META_COLUMNS]


_SIDES = {"left": Text("PART_SIDE_LEFT"), "right": Text("PART_SIDE_RIGHT")}
_ROLES = {
    "key": Text("PART_COLUMN_KEY"),
    "compare": Text("PART_COLUMN_COMPARE"),
    "renamed": Text("PART_COLUMN_RENAMED"),
    "ignored": Text("PART_COLUMN_IGNORED"),
}


def _require(frame: pl.DataFrame, columns: Sequence[str], side: str, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OptionError.of(
            "RECONCILE_COLUMN_MISSING",
            role=_ROLES[what],
            column=missing[0],
            side=_SIDES[side],
            available=", ".join(_data_columns(frame)) or Text("PART_NONE"),
            option=f"--{side}-mapping",
        )


def _compared_fields(
    left: pl.DataFrame, right: pl.DataFrame, options: ReconcileOptions
) -> list[str]:
    if options.compare is not None:
        _require(left, options.compare, "left", "compare")
        _require(right, options.compare, "right", "compare")
        fields = list(options.compare)
    else:
        right_cols = set(_data_columns(right))
        fields = [c for c in _data_columns(left) if c in right_cols and c not in DEFAULT_IGNORE]
    # Key columns are compared too: equal by construction for key pairs, but a fuzzy pair
    # with a mistyped NIK must show that difference.
    skip = set(options.ignore)
    return [f for f in dict.fromkeys([*options.keys, *fields]) if f not in skip]


def _key_part(frame: pl.DataFrame, column: str, insensitive: bool) -> pl.Series:
    if column in ID_COLUMNS:
        return id_key_series(frame[column])
    return frame.select(key_part_expr(column, insensitive=insensitive)).to_series()


def _used_columns(frame: pl.DataFrame, used: Sequence[str]) -> pl.DataFrame:
    """The columns reconciliation reads, each in one contiguous chunk: rows are gathered
    in a new order several times, and gathers from one chunk are several times faster."""
    return frame.select([c for c in frame.columns if c in set(used)]).rechunk()


def _keyed(frame: pl.DataFrame, options: ReconcileOptions) -> pl.DataFrame:
    """Add ``_idx`` (input order), the normalised key parts ``_kp_<key>`` and ``_key``."""
    parts = [_key_part(frame, k, options.case_insensitive).alias("_kp_" + k) for k in options.keys]
    keyed = frame.with_row_index(match.IDX).with_columns(pl.col(match.IDX).cast(pl.Int64), *parts)
    # concat_str gives null as soon as one part is null: a half key must not match.
    key = pl.concat_str([pl.col("_kp_" + k) for k in options.keys], separator=KEY_SEPARATOR)
    return keyed.with_columns(key.alias(match.KEY))


def _digits_only(frame: pl.DataFrame) -> bool:
    keys = frame[match.KEY].drop_nulls()
    return keys.is_empty() or bool(keys.str.contains(r"^[0-9]{1,18}$").all())


def _with_join_key(
    left: pl.DataFrame, right: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """Add ``_jk``: NIK-like keys (up to 18 digits) as integers, which join and sort several
    times faster than text; ``"1"`` is prefixed so that ``0123`` and ``123`` stay different.

    The flag tells whether ``_jk`` sorts like the key text (integer keys, all of one length),
    so that the output can be ordered on integers."""
    if _digits_only(left) and _digits_only(right):
        join_key = pl.concat_str([pl.lit("1"), pl.col(match.KEY)]).cast(pl.UInt64)
        lengths = pl.concat([left[match.KEY], right[match.KEY]]).str.len_bytes().drop_nulls()
        ordered = lengths.n_unique() <= 1
    else:
        join_key, ordered = pl.col(match.KEY), False
    return (
        left.with_columns(join_key.alias(match.JOIN_KEY)),
        right.with_columns(join_key.alias(match.JOIN_KEY)),
        ordered,
    )


def _side_view(
    frame: pl.DataFrame, carry: Sequence[str], options: ReconcileOptions, left: bool
) -> pl.DataFrame:
    """``_idx`` plus the carried columns (null where absent), the row key, parsed amount and
    normalised key parts, named for their side (``nama_left``, ``row_left``, ``rp_left``)."""
    side = LEFT if left else RIGHT
    key_prefix = KEY_LEFT if left else KEY_RIGHT
    columns: list[pl.Series] = [frame[match.IDX].alias(LI if left else RI)]
    for column in [*carry, *META_COLUMNS]:
        name = sided(column, side)
        if column in frame.columns:
            columns.append(frame[column].alias(name))
        else:
            columns.append(pl.Series(name, [None] * frame.height, dtype=pl.String))
    amount = options.amount
    if amount and amount in frame.columns:
        rp = map_unique(frame[amount], amount_expr(pl.col("v")))
    else:
        rp = pl.Series([None] * frame.height, dtype=pl.Int64)
    columns.append(rp.alias(AMOUNT_LEFT if left else AMOUNT_RIGHT))
    columns += [frame["_kp_" + k].alias(key_prefix + k) for k in options.keys]
    return pl.DataFrame(columns)


def _stats(
    frame: pl.DataFrame, view: pl.DataFrame, status: pl.DataFrame, amount: str | None, left: bool
) -> SideStats:
    unreadable, total = 0, 0
    rp = view[AMOUNT_LEFT if left else AMOUNT_RIGHT]
    if amount and amount in frame.columns:
        # Only cells that did not parse can be unreadable: look at those alone.
        raw = frame[amount].filter(rp.is_null()).cast(pl.String)
        unreadable = int((raw.str.strip_chars().str.len_chars() > 0).fill_null(False).sum())
        total = int(rp.fill_null(0).sum())
    return SideStats(
        rows=frame.height,
        key_missing=int(status[match.KEY].is_null().sum()),
        duplicate_keys=int((status[match.N_SELF] > 1).sum()),
        amount_unreadable=unreadable,
        amount_total=total,
    )


def _pair_list(exact: match.ExactMatch, fuzzy: FuzzyOutcome | None) -> pl.DataFrame:
    """``_idx_l``, ``_idx_r``, ``match_method``, ``fuzzy_score``, ``fuzzy_evidence`` of every
    pair: key pairs, then fuzzy pairs in left-row order."""
    pair_ids = [exact.pairs.select(LI, RI, pl.lit(BY_KEY).alias(MATCH_METHOD))]
    if fuzzy is not None and fuzzy.pairs.height:
        pair_ids.append(
            fuzzy.pairs.select(
                pl.col("_idx_l").cast(pl.Int64).alias(LI),
                pl.col("_idx_r").cast(pl.Int64).alias(RI),
                pl.lit(BY_FUZZY).alias(MATCH_METHOD),
                pl.col(FUZZY_SCORE).cast(pl.Float64),
                FUZZY_EVIDENCE,
            ).sort(LI)
        )
    pairs = pl.concat(pair_ids, how="diagonal_relaxed")
    for column, dtype in ((FUZZY_SCORE, pl.Float64), (FUZZY_EVIDENCE, pl.String)):
        if column not in pairs.columns:
            pairs = pairs.with_columns(pl.lit(None, dtype=dtype).alias(column))
    return pairs


def _compare(
    pairs: pl.DataFrame,
    left_view: pl.DataFrame,
    right_view: pl.DataFrame,
    fields: Sequence[str],
    options: ReconcileOptions,
) -> Comparison:
    """The pairs with their difference columns; only the columns the comparison reads are
    gathered (in pair order)."""
    needs = [AMOUNT_LEFT, AMOUNT_RIGHT]
    for f in fields:
        if f in options.keys:
            needs += [KEY_LEFT + f, KEY_RIGHT + f]
        if f not in options.keys or f == options.name:
            needs += [sided(f, LEFT), sided(f, RIGHT)]
    inputs = pl.concat(
        [
            pairs,
            layout.gather(left_view, pairs[LI], [c for c in left_view.columns if c in needs]),
            layout.gather(right_view, pairs[RI], [c for c in right_view.columns if c in needs]),
        ],
        how="horizontal",
    )
    return compare_pairs(inputs, fields, options)


def _fuzzy(
    left_k: pl.DataFrame,
    right_k: pl.DataFrame,
    exact: match.ExactMatch,
    options: ReconcileOptions,
) -> FuzzyOutcome | None:
    """The fuzzy fallback on the rows the key left unpaired (``--fuzzy``, names on both sides)."""
    name = options.name
    if not options.fuzzy or name not in left_k.columns or name not in right_k.columns:
        return None
    shared = set(left_k.columns) & set(right_k.columns)
    place = [c for c in options.region if c in shared]

    def side(keyed: pl.DataFrame, status: pl.DataFrame) -> pl.DataFrame:
        rows = keyed.join(
            status.filter(pl.col(match.STATUS) == match.UNMATCHED).select(match.IDX),
            on=match.IDX,
            how="semi",
        )
        return fuzzy_stage.side_frame(rows, options, shared, place)

    return fuzzy_pairs(
        side(left_k, exact.left),
        side(right_k, exact.right),
        threshold=options.fuzzy_threshold,
        max_block=options.fuzzy_max_block,
    )


def reconcile_frames(
    left: pl.DataFrame, right: pl.DataFrame, options: ReconcileOptions | None = None
) -> ReconcileResult:
    """Reconcile two ingested lists (``ingest`` contract: text columns + ``source``,
    ``sheet``, ``row``). Every row of both sides appears in exactly one output row."""
    options = options or ReconcileOptions()
    if not options.keys:
        raise OptionError.of("RECONCILE_NO_KEY")
    options.tolerances()  # an unreadable tolerance is an error before any work
    missing_renames = [c for c in options.renames if c not in right.columns]
    if missing_renames:
        _require(right, missing_renames, "right", "renamed")
    right = right.rename(dict(options.renames))
    _require(left, options.keys, "left", "key")
    _require(right, options.keys, "right", "key")
    for column in options.ignore:
        if column not in left.columns and column not in right.columns:
            _require(left, [column], "left", "ignored")

    fields = _compared_fields(left, right, options)
    either = set(left.columns) | set(right.columns)
    amount = options.amount if options.amount and options.amount in either else None
    name = options.name if options.name and options.name in fields else None
    family = FAMILY_COLUMN if options.period and FAMILY_COLUMN in either else None
    optional_carry = [c for c in (amount, name, *options.region, options.program, family) if c]
    carry = list(
        dict.fromkeys([*options.keys, *fields, *[c for c in optional_carry if c in either]])
    )
    effective = replace(options, amount=amount, name=name)
    used = [*carry, *fuzzy_stage.EVIDENCE_COLUMNS, options.name or "", *META_COLUMNS]
    left, right = _used_columns(left, used), _used_columns(right, used)

    left_k, right_k, ordered = _with_join_key(_keyed(left, options), _keyed(right, options))
    exact = match.exact_match(left_k, right_k)
    left_view = _side_view(left_k, carry, effective, left=True)
    right_view = _side_view(right_k, carry, effective, left=False)
    fuzzy = _fuzzy(left_k, right_k, exact, options)

    pairs = _pair_list(exact, fuzzy)
    comparison = _compare(pairs, left_view, right_view, fields, effective)
    compared = comparison.frame
    differs = compared[DIFFERENCES].str.len_chars() > 0
    pair_columns = (MATCH_METHOD, FUZZY_SCORE, FUZZY_EVIDENCE, DIFFERENCES, NAME_STATUS, NAME_SCORE)
    outputs = [c for c in pair_columns if c in compared.columns]
    outputs += [differs_column(f) for f in fields]

    groups = group_roles(exact, left_view, right_view, effective)
    rows = layout.output_order(
        pairs, differs, left_k, right_k, exact.left, exact.right,
        groups.left_role, groups.right_role, ordered=ordered,
    )  # fmt: skip
    work = _assemble(
        rows, exact, left_view, right_view, compared.select(outputs), groups, fuzzy, effective
    )

    scheme = options.scheme
    shared_regions = [c for c in options.region if c in left.columns and c in right.columns]
    by_region = totals.by_group(work, [c for c in options.region if c in carry], scheme)
    program = [options.program] if options.program in carry else []
    field_diffs = {f: int(compared[differs_column(f)].sum()) for f in fields}
    name_outcomes = {NAME_SAME: 0, NAME_VARIANT: 0, NAME_DIFFERENT: 0}
    if name is not None:
        for outcome, n in compared[NAME_STATUS].value_counts().iter_rows():
            name_outcomes[outcome] = int(n)
    hints = dict.fromkeys(CANDIDATE_HINTS, 0)
    for hint, n in work[CANDIDATE_HINT].drop_nulls().value_counts().iter_rows():
        hints[hint] = int(n)
    families = None
    if family is not None and family in left.columns and family in right.columns:
        families = family_units(
            rows, left_k[family], right_k[family], left_view[AMOUNT_LEFT], right_view[AMOUNT_RIGHT]
        )

    return ReconcileResult(
        frame=_public(work, carry, fields, amount, name),
        options=options,
        compared=fields,
        left=_stats(left_k, left_view, exact.left, amount, left=True),
        right=_stats(right_k, right_view, exact.right, amount, left=False),
        by_category=totals.by_category(work, scheme),
        by_region=by_region,
        region_cross=totals.region_cross(work, shared_regions, scheme.pair_codes)
        if by_region is not None
        else None,
        by_program=totals.by_group(work, program, scheme),
        column_stats=comparison.stats,
        field_differences=field_diffs,
        name_outcomes=name_outcomes,
        fuzzy_pairs=0 if fuzzy is None else fuzzy.pairs.height,
        fuzzy_skipped_blocks=0 if fuzzy is None else fuzzy.skipped_blocks,
        candidate_hints=hints,
        families=families,
    )


def _side_extras(n: int, groups_difference: pl.Series, hints: pl.DataFrame | None) -> pl.DataFrame:
    """Per row of one side: its group's rupiah effect, and (unpaired rows with a fuzzy
    candidate) the hint, the candidate's row on the other side, its score and evidence."""
    extras = pl.DataFrame(
        [
            groups_difference.alias(GROUP_DIFFERENCE_RP),
            pl.repeat(None, n, dtype=pl.String, eager=True).alias(CANDIDATE_HINT),
            pl.repeat(None, n, dtype=pl.Int64, eager=True).alias("_cand"),
            pl.repeat(None, n, dtype=pl.Float64, eager=True).alias("_h_score"),
            pl.repeat(None, n, dtype=pl.String, eager=True).alias("_h_evidence"),
        ]
    )
    if hints is None or hints.is_empty():
        return extras
    at = hints["_idx"]
    return extras.with_columns(
        extras[CANDIDATE_HINT].scatter(at, hints[CANDIDATE_HINT]),
        extras["_cand"].scatter(at, hints[fuzzy_stage.OTHER]),
        extras["_h_score"].scatter(at, hints[FUZZY_SCORE]),
        extras["_h_evidence"].scatter(at, hints[FUZZY_EVIDENCE]),
    )


def _assemble(
    rows: pl.DataFrame,
    exact: match.ExactMatch,
    left_view: pl.DataFrame,
    right_view: pl.DataFrame,
    pair_outputs: pl.DataFrame,
    groups: GroupRoles,
    fuzzy: FuzzyOutcome | None,
    options: ReconcileOptions,
) -> pl.DataFrame:
    """The wide output frame: every column gathered once, in the final row order."""
    li, ri = rows[LI], rows[RI]
    # Key and counts: the left row's for pairs (even a fuzzy pair whose left key is empty),
    # from one frame of both sides' keys (right rows after the left ones).
    n_left, n_right = sided(N, LEFT), sided(N, RIGHT)
    keys = pl.concat(
        [
            exact.left.select(
                pl.col(match.KEY).alias(KEY), pl.col(match.N_SELF).alias(n_left),
                pl.col(match.N_OTHER).alias(n_right),
            ),
            exact.right.select(
                pl.col(match.KEY).alias(KEY), pl.col(match.N_OTHER).alias(n_left),
                pl.col(match.N_SELF).alias(n_right),
            ),
        ],
        rechunk=True,
    )  # fmt: skip
    key_row = pl.select(pl.coalesce(li, ri + exact.left.height)).to_series()
    left_extras = _side_extras(
        left_view.height, groups.left_difference, fuzzy.left_hints if fuzzy else None
    )
    right_extras = _side_extras(
        right_view.height, groups.right_difference, fuzzy.right_hints if fuzzy else None
    )
    extra_l, extra_r = layout.gather(left_extras, li), layout.gather(right_extras, ri)
    extras = extra_l.select(
        pl.coalesce(pl.col(c), extra_r[c]).alias(c) for c in extra_l.columns if c != "_cand"
    )
    # the candidate of a left row is a right row, and the other way round
    meta = [sided(c, side) for side in (LEFT, RIGHT) for c in META_COLUMNS]
    cand_of_left = layout.gather(right_view, extra_l["_cand"], meta[3:])
    cand_of_right = layout.gather(left_view, extra_r["_cand"], meta[:3])
    candidate = pl.DataFrame(
        [
            pl.select(pl.coalesce(cand_of_left[r], cand_of_right[left])).to_series().alias(new)
            for left, r, new in zip(meta[:3], meta[3:], row_key(CANDIDATE), strict=True)
        ]
    )
    pairs = layout.gather(pair_outputs, rows[layout.PAIR_POS])
    if FUZZY_SCORE in pairs.columns:
        pairs = pairs.with_columns(
            pl.coalesce(FUZZY_SCORE, extras["_h_score"]).alias(FUZZY_SCORE),
            pl.coalesce(FUZZY_EVIDENCE, extras["_h_evidence"]).alias(FUZZY_EVIDENCE),
        )
    work = pl.concat(
        [
            layout.category_names(rows[layout.RANK], options.scheme).to_frame(),
            rows.select(layout.RANK),
            layout.gather(keys, key_row),
            pairs,
            extras.select(GROUP_DIFFERENCE_RP, CANDIDATE_HINT),
            layout.gather(left_view, li, _shown(left_view)),
            layout.gather(right_view, ri, _shown(right_view)),
            candidate,
        ],
        how="horizontal",
    )
    if options.amount is not None:
        # every row's own difference, so the column adds up to the total difference
        work = work.with_columns(
            (pl.col(AMOUNT_RIGHT).fill_null(0) - pl.col(AMOUNT_LEFT).fill_null(0)).alias(
                DIFFERENCE_RP
            )
        )
    return work


def _shown(view: pl.DataFrame) -> list[str]:
    """The columns of a side view that reach the output (not the normalised key parts)."""
    return [c for c in view.columns if not c.startswith((KEY_LEFT, KEY_RIGHT))]


def _public(
    work: pl.DataFrame,
    carry: Sequence[str],
    fields: Sequence[str],
    amount: str | None,
    name: str | None,
) -> pl.DataFrame:
    """The column order of ``reconciliation.parquet`` (``core.vocabulary.RECONCILIATION``):
    the pair columns, then per carried column ``<col>_left``, ``<col>_right`` and (compared
    columns) ``<col>_differs``, then the row key of each side and of the candidate."""
    head = [
        CATEGORY, MATCH_METHOD, FUZZY_SCORE, FUZZY_EVIDENCE, CANDIDATE_HINT, KEY,
        sided(N, LEFT), sided(N, RIGHT), DIFFERENCES,
    ]  # fmt: skip
    if name is not None:
        head += [NAME_STATUS, NAME_SCORE]
    if amount is not None:
        head += [AMOUNT_LEFT, AMOUNT_RIGHT, DIFFERENCE_RP, GROUP_DIFFERENCE_RP]
    body: list[str] = []
    for column in carry:
        body += [sided(column, LEFT), sided(column, RIGHT)]
        if column in fields:
            body.append(differs_column(column))
    tail = [*row_key(LEFT), *row_key(RIGHT), *row_key(CANDIDATE)]
    wanted = [c for c in head + body + tail if c in work.columns]
    return work.select(wanted)
