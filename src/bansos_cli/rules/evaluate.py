"""Evaluate a compiled program on a beneficiary frame: one status per row, with reasons.

Every rule gives one outcome per row, ``pass``, ``fail`` or ``unknown``:

* eligibility / data_quality / component: condition true = pass, false = fail;
* exclusion: condition true = fail (the person is excluded), false = pass;
* a NULL condition (missing or unreadable data) takes the rule's ``on_missing`` outcome, so
  SQL's three-valued logic never silently decides for a person.

Status: a ``fail`` of an ``error`` rule -> ``TIDAK_LAYAK``; else a ``fail`` of a ``warning``
rule or an ``unknown`` of an ``error``/``warning`` rule -> ``PERLU_VERIFIKASI``; else
``LAYAK``. Component rules never change the status; they list what a person qualifies for
(nothing, with amount 0, when the person is ``TIDAK_LAYAK``). A program's ``family_cap``
then takes the components away from the members of a family beyond the cap
(:mod:`bansos_cli.rules.family`); ``capped`` marks those rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from bansos_cli.core.errors import ConfigError, InputFileError
from bansos_cli.core.messages import text
from bansos_cli.rules.casting import UNREADABLE_PREFIX, CastCache, cast_frame
from bansos_cli.rules.compile import CompiledProgram, CompiledRule
from bansos_cli.rules.derive import derived_expr
from bansos_cli.rules.expr import FAMILY, ref_column
from bansos_cli.rules.expr.explain import Explainer
from bansos_cli.rules.family import CAPPED, FAMILY_OUT, KIND, apply_cap, family_key
from bansos_cli.rules.loader import RuleSet
from bansos_cli.rules.model import Status
from bansos_cli.rules.on_spark import ConditionRunner, condition_column, row_key

OUTCOMES = ("pass", "fail", "unknown")
OUTCOME_DTYPE = pl.Enum(list(OUTCOMES))
STATUS_DTYPE = pl.Enum([s.value for s in Status])
_PASS, _FAIL, _UNKNOWN = 0, 1, 2
_CODE = {"pass": _PASS, "fail": _FAIL, "unknown": _UNKNOWN}
_UNREADABLE = UNREADABLE_PREFIX
_MISSING_TEXT = {"id": "data kosong atau tidak terbaca", "en": "data missing or unreadable"}

RESULT_COLUMNS = (
    "status",
    "failed_rules",
    "unknown_rules",
    "components",
    "amount_month",
    "amount_year",
    "reasons",
    "explanation",
    "unreadable",
    CAPPED,
    "family",
    "family_representative",
)
HEAD_COLUMN = "hubungan_keluarga"
"""Where present, the head of the family is the first choice to receive per-family amounts."""
HEAD_VALUES = ("KEPALA KELUARGA", "KEPALA RUMAH TANGGA", "KK", "KRT", "1")


@dataclass
class RuleCounts:
    """How many rows passed, failed and were unknown for one rule."""

    rule_id: str
    kind: str
    severity: str
    passed: int
    failed: int
    unknown: int


@dataclass
class Evaluation:
    """The result of one program on one frame (rows in the input's order)."""

    program: CompiledProgram
    frame: pl.DataFrame
    """``status`` plus the columns in :data:`RESULT_COLUMNS` (and one outcome column per rule
    id when asked for)."""
    rule_counts: list[RuleCounts]
    unreadable_counts: dict[str, int] = field(default_factory=dict)
    """Input column -> cells present but unreadable (they count as missing)."""
    missing_columns: list[str] = field(default_factory=list)
    """Declared (nullable) inputs absent from the data: every rule using them is undecided."""
    capped: int = 0
    """Rows that lost their components to the program's family cap."""
    unknown_occupations: dict[str, int] = field(default_factory=dict)
    """Occupation texts that are neither a KTP label nor a known variant -> rows."""
    families: int = 0
    """Families (rows without a usable NO KK count as one each) in the data."""


def _outcome(rule: CompiledRule, cond: pl.Expr) -> pl.Expr:
    true_code, false_code = (_FAIL, _PASS) if rule.rule.kind == "exclusion" else (_PASS, _FAIL)
    return (
        pl.when(cond.is_null())
        .then(pl.lit(_CODE[rule.rule.on_missing], dtype=pl.Int8))
        .when(cond)
        .then(pl.lit(true_code, dtype=pl.Int8))
        .otherwise(pl.lit(false_code, dtype=pl.Int8))
        .alias(rule.rule.id)
    )


_WORD = 63


def _bitmasks(tests: list[pl.Expr], prefix: str) -> list[pl.Expr]:
    """Pack Boolean tests into UInt64 words (63 tests per word) named ``__<prefix><n>``."""
    words = []
    for w, start in enumerate(range(0, len(tests), _WORD)):
        # a Boolean times its bit value: plain arithmetic, cheaper than a when/then per bit
        bits = [
            t.fill_null(False).cast(pl.UInt64) * pl.lit(1 << i, dtype=pl.UInt64)
            for i, t in enumerate(tests[start : start + _WORD])
        ]
        words.append(pl.sum_horizontal(bits).alias(f"__{prefix}{w}"))
    return words


def _bits(combo: dict[str, object], prefix: str, n: int) -> list[bool]:
    out = []
    for i in range(n):
        word = combo[f"__{prefix}{i // _WORD}"]
        out.append(bool(int(word or 0) >> (i % _WORD) & 1))  # type: ignore[call-overload]
    return out


def _decode(combo: dict[str, object], prefix: str, names: list[str]) -> list[str]:
    return [n for n, on in zip(names, _bits(combo, prefix, len(names)), strict=True) if on]


def _any(tests: list[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(tests) if tests else pl.lit(False)


def _family_partition(key: pl.Series) -> pl.Series:
    """The key to group families by (an integer): one per NO KK, or the row itself when
    there is none. Integers, not texts: a million ``#<row>`` strings cost more than the rules."""
    code = key.cast(pl.Categorical).to_physical().cast(pl.Int64)
    own = pl.int_range(key.len(), dtype=pl.Int64, eager=True) + (1 << 32)
    return code.to_frame("c").select(pl.coalesce(pl.col("c"), own).alias(FAMILY)).to_series()


_HEAD, _ORDER = "_head", "_order"


def _head_rank(frame: pl.DataFrame) -> pl.Series:
    """0 for the head of the family (where ``hubungan_keluarga`` says so), else 1."""
    if HEAD_COLUMN not in frame.columns:
        return pl.Series(_HEAD, [1] * frame.height, dtype=pl.Int64)
    value = pl.col(HEAD_COLUMN).cast(pl.String).str.strip_chars().str.to_uppercase()
    head = pl.when(value.is_in(list(HEAD_VALUES))).then(0).otherwise(1).cast(pl.Int64)
    return frame.select(head.alias(_HEAD)).to_series()


def _representative_order(frame: pl.DataFrame) -> pl.Series:
    """Who of a family receives its per-family amounts first: the head, then input order.
    A column, not an expression: an index computed inside ``over`` would restart per family."""
    index = pl.int_range(frame.height, dtype=pl.Int64, eager=True)
    return (_head_rank(frame) * frame.height + index).alias(_ORDER)


def _explanations(rules: list[CompiledRule], lang: str, codes: dict[str, pl.Expr]) -> pl.Expr:
    """Per row, the values that decided each rule: a failed or undecided rule, a passed
    eligibility rule, and (for a person not excluded) a component rule that was decided on
    data (``PKH-DESIL: desil 6 > 4``, ``PKH-KOMP-LANSIA: umur 58 < 60``)."""
    parts = []
    family = text("EXPLAIN_FAMILY", lang)
    excluded = pl.col("status") == Status.TIDAK_LAYAK.value
    for r in rules:
        explainer = Explainer(r.checked, lang)
        tree = r.checked.tree
        fail_value = r.rule.kind == "exclusion"
        prefix = pl.lit(f"{r.rule.id}: " + (f"{family}: " if r.per_family else ""))
        code = codes[r.rule.id]
        component = r.rule.kind == "component"
        # a NULL condition decided by on_missing: fail says nothing about the values
        decided = r.expr.is_not_null() if r.rule.on_missing == "fail" else pl.lit(True)
        missing_text = pl.lit(None, dtype=pl.String) if component else explainer.missing()
        branch = (
            pl.when(pl.lit(component) & excluded)
            .then(pl.lit(None, dtype=pl.String))
            .when((code == _FAIL) & decided)
            .then(prefix + explainer.why(tree, fail_value))
            .when(code == _FAIL)
            .then(prefix + missing_text)
            .when(code == _UNKNOWN)
            .then(prefix + explainer.missing())
        )
        if r.rule.kind == "eligibility" or (component and not r.per_family):
            branch = branch.when(code == _PASS).then(prefix + explainer.why(tree, not fail_value))
        parts.append(branch.otherwise(None))
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)


_FEW = 5_000
"""A column with at most this many distinct values (or 5 % of the rows) is explained once
per distinct combination of values instead of once per row."""


def explain_column(
    evaluated: pl.DataFrame, rules: list[CompiledRule], lang: str, codes: dict[str, pl.Expr]
) -> pl.Series:
    """The ``explanation`` column. Building text is the costly part, and it depends only on
    the outcome and the values of the columns a rule reads: for the rules that read columns
    with few distinct values (desil, age, occupation category ...), the text is built once
    per distinct combination and joined back; the other rules (a NIK, family aggregates) are
    explained row by row, as expressions."""
    limit = max(_FEW, evaluated.height // 20)
    cardinality: dict[str, int] = {}

    def reads(rule: CompiledRule) -> list[str]:
        refs = [ref_column(p, c) for p, c in rule.checked.refs if c is not None]
        refs += [
            ref_column(p, what)
            for p, c in rule.checked.refs
            if c is None
            for what in ("status", "receives")
        ]
        return [*rule.checked.columns, *(r for r in dict.fromkeys(refs) if r in evaluated.columns)]

    def few(rule: CompiledRule) -> bool:
        if rule.per_family:
            return False
        for column in reads(rule):
            if column not in cardinality:
                cardinality[column] = evaluated.get_column(column).n_unique()
            if cardinality[column] > limit:
                return False
        return True

    grouped = [r for r in rules if few(r)]
    direct = [r for r in rules if not few(r)]
    parts: list[pl.Series] = []
    if grouped:
        # the outcomes of the rules (and the status) packed into a few integers, three
        # outcomes per rule, 39 per Int64: distinct combinations are found on a few columns
        # instead of one per rule
        ids = [r.rule.id for r in grouped]
        status_code = pl.col("status").to_physical().cast(pl.Int64)
        packed = [
            pl.sum_horizontal(
                [pl.col(i).cast(pl.Int64) * (3**k) for k, i in enumerate(ids[at : at + 39])]
            ).alias(f"_outcomes{at}")
            for at in range(0, len(ids), 39)
        ]
        values = list(dict.fromkeys(c for r in grouped for c in reads(r)))
        keyed = evaluated.select(status_code.alias("_status"), *packed, *values)
        keys = keyed.columns
        distinct = evaluated.select(
            status_code.alias("_status"), *packed, *values, "status", *ids
        ).unique(keys)
        distinct = distinct.with_columns(_explanations(grouped, lang, codes).alias("_text"))
        parts.append(
            keyed.join(
                distinct.select(*keys, "_text"),
                on=keys,
                how="left",
                nulls_equal=True,
                maintain_order="left",
            ).get_column("_text")
        )
    if direct:
        parts.append(evaluated.select(_explanations(direct, lang, codes)).to_series())
    if not parts:
        return pl.repeat("", evaluated.height, dtype=pl.String, eager=True)
    joined = pl.DataFrame([p.alias(f"p{i}") for i, p in enumerate(parts)]).select(
        pl.concat_str(pl.all(), separator="; ", ignore_nulls=True)
    )
    # "a; " when one part is empty: concat_str skips nulls, not empty texts
    text = joined.to_series().str.strip_chars("; ")
    return text


def prepare(
    frame: pl.DataFrame,
    program: CompiledProgram,
    *,
    cache: CastCache | None = None,
    references: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The frame the conditions run on: every declared input typed (with its unreadable
    flag), the family key (``family``, ``_family``), the referenced programs' outcomes and the
    derived variables. Every engine (polars, DuckDB) evaluates the conditions on this frame."""
    ruleset = program.ruleset
    if cache is not None and cache.frame is frame:
        typed = cache.typed(ruleset.inputs, reference=program.as_of)
        key = cache.family
    else:
        typed = cast_frame(frame, ruleset.inputs, reference=program.as_of)
        key = family_key(frame)
    extra = [key, _family_partition(key), _representative_order(frame)]
    if references is not None:
        extra += references.get_columns()
    derived = [derived_expr(spec, program.as_of).alias(n) for n, spec in ruleset.derived.items()]
    return typed.hstack(extra).with_columns(derived)


def evaluate(
    frame: pl.DataFrame,
    program: CompiledProgram,
    *,
    lang: str = "id",
    outcomes: bool = False,
    cache: CastCache | None = None,
    references: pl.DataFrame | None = None,
    explain: bool = True,
    conditions: ConditionRunner | None = None,
) -> Evaluation:
    """Evaluate ``program`` on ``frame`` (text columns as ingest gives them).

    Columns the rules declare are cast leniently; a declared input that is missing from the
    data is all-null (every rule using it follows its ``on_missing`` policy) unless it is
    declared ``nullable: false``, which raises :class:`InputFileError`. Programs evaluated on
    the same frame can share a :class:`CastCache` (built on that frame) to cast each input once.
    ``references`` holds the outcome columns of the programs this one refers to
    (:func:`reference_columns`). ``explain`` False leaves the ``explanation`` column empty.
    ``conditions`` computes the rule conditions on another engine (:mod:`.on_spark`); by
    default they are the polars expressions of the same rules.
    """
    ruleset = program.ruleset
    present = set(frame.columns)
    missing = [n for n in ruleset.inputs if n not in present]
    required = [n for n in missing if not ruleset.inputs[n].nullable]
    if required:
        raise InputFileError.of("RULES_COLUMN_MISSING", column=required[0], program=program.name)
    typed = prepare(frame, program, cache=cache, references=references)
    rules = program.rules
    if conditions is None:
        decided = {r.rule.id: r.expr for r in rules}
    else:
        values = conditions(typed, row_key(frame), rules)
        typed = typed.hstack(values.get_columns())
        decided = {r.rule.id: pl.col(condition_column(r.rule.id)) for r in rules}
    codes = {r.rule.id: pl.col(r.rule.id) for r in rules}
    deciding = [r for r in rules if r.rule.kind != "component"]
    blocking = [codes[r.rule.id] == _FAIL for r in deciding if r.rule.severity == "error"]
    soft = [codes[r.rule.id] == _FAIL for r in deciding if r.rule.severity == "warning"]
    soft += [codes[r.rule.id] == _UNKNOWN for r in deciding if r.rule.severity != "info"]
    excluded = _any(blocking)
    status = (
        pl.when(excluded)
        .then(pl.lit(Status.TIDAK_LAYAK.value))
        .when(_any(soft))
        .then(pl.lit(Status.PERLU_VERIFIKASI.value))
        .otherwise(pl.lit(Status.LAYAK.value))
        .cast(STATUS_DTYPE)
    )
    message = {r.rule.id: r.message_id if lang == "id" else r.message_en for r in rules}
    fail_ids = [r.rule.id for r in deciding]
    unknown_ids = [r.rule.id for r in rules]
    component_rules = [r for r in rules if r.rule.kind == "component"]
    # a family-scope component is paid once per family: to the first member who qualifies
    # (the head of the family first, then input order)
    order = pl.col(_ORDER)
    earns: list[pl.Expr] = []
    for r in component_rules:
        qualifies = (codes[r.rule.id] == _PASS) & (pl.col("status") != Status.TIDAK_LAYAK.value)
        if r.per_family:
            rank = pl.when(qualifies).then(order)
            earns.append(qualifies & (rank == rank.min().over(FAMILY)))
        else:
            earns.append(qualifies)
    family_rules = [e for r, e in zip(component_rules, earns, strict=True) if r.per_family]
    inputs = list(ruleset.inputs)
    groups = {
        "f": [codes[i] == _FAIL for i in fail_ids],
        "u": [codes[i] == _UNKNOWN for i in unknown_ids],
        "c": earns,
        "r": [pl.col(f"{_UNREADABLE}{n}") for n in inputs],
    }
    masks = [m for prefix, tests in groups.items() for m in _bitmasks(tests, prefix)]
    stage = typed.lazy().with_columns([_outcome(r, decided[r.rule.id]) for r in rules])
    stage = stage.with_columns(status.alias("status"))
    later = [
        *masks,
        _any(family_rules).alias("family_representative"),
    ]
    evaluated = stage.with_columns(later).collect()
    explanation = (
        explain_column(evaluated, rules, lang, codes)
        if explain
        else pl.repeat("", evaluated.height, dtype=pl.String, eager=True)
    )
    evaluated = evaluated.with_columns(explanation.alias("explanation"))
    keys = ["status", *(m.meta.output_name() for m in masks)]
    # The lists and reasons depend only on which rules failed/were unknown: build them once
    # per distinct combination (few, in practice) and join them back, instead of assembling
    # per-row lists of strings (which dominated the run time).
    combos = evaluated.select(keys).unique()
    decoded: dict[str, list[object]] = {
        c: [] for c in ("failed_rules", "unknown_rules", "components", "amount_year", "reasons")
    }
    decoded["unreadable"] = []
    for combo in combos.iter_rows(named=True):  # one iteration per distinct combination
        failed = _decode(combo, "f", fail_ids)
        unknown = _decode(combo, "u", unknown_ids)
        comps = [
            r
            for r, on in zip(component_rules, _bits(combo, "c", len(component_rules)), strict=True)
            if on
        ]
        decoded["failed_rules"].append(failed)
        decoded["unknown_rules"].append(unknown)
        decoded["components"].append([str(r.rule.component) for r in comps])
        decoded["amount_year"].append(float(sum(r.amount or 0.0 for r in comps)))
        decoded["reasons"].append(
            "; ".join(
                [f"{i}: {message[i]}" for i in failed]
                + [f"{i}: {_MISSING_TEXT[lang]}" for i in unknown]
            )
        )
        decoded["unreadable"].append(_decode(combo, "r", inputs))
    lookup = pl.concat(
        [
            combos,
            pl.DataFrame(
                decoded,
                schema={
                    "failed_rules": pl.List(pl.String),
                    "unknown_rules": pl.List(pl.String),
                    "components": pl.List(pl.String),
                    "amount_year": pl.Float64,
                    "reasons": pl.String,
                    "unreadable": pl.List(pl.String),
                },
            ),
        ],
        how="horizontal",
    )
    evaluated = evaluated.join(lookup, on=keys, how="left", maintain_order="left", nulls_equal=True)
    if program.family_cap is not None:
        evaluated = apply_cap(evaluated, program.family_cap, lang)
    else:
        evaluated = evaluated.with_columns(pl.lit(False).alias(CAPPED))
    evaluated = evaluated.with_columns((pl.col("amount_year") / 12).alias("amount_month"))
    count_exprs = [
        (pl.col(r.rule.id) == code).sum().alias(f"{r.rule.id}\x00{code}")
        for r in rules
        for code in (_PASS, _FAIL, _UNKNOWN)
    ] + [pl.col(f"{_UNREADABLE}{n}").sum().alias(f"{_UNREADABLE}{n}") for n in inputs]
    count_exprs.append(pl.col(CAPPED).sum().alias(CAPPED))
    count_exprs.append(pl.col(FAMILY).n_unique().alias(FAMILY))
    counts = evaluated.select(count_exprs).row(0, named=True)
    rule_counts = [
        RuleCounts(
            r.rule.id,
            r.rule.kind,
            r.rule.severity,
            int(counts[f"{r.rule.id}\x00{_PASS}"]),
            int(counts[f"{r.rule.id}\x00{_FAIL}"]),
            int(counts[f"{r.rule.id}\x00{_UNKNOWN}"]),
        )
        for r in rules
    ]
    capped = int(counts[CAPPED] or 0)
    if program.family_cap is not None:
        rule_counts.append(
            RuleCounts(program.family_cap.id, KIND, "info", evaluated.height - capped, capped, 0)
        )
    unreadable = {n: int(counts[f"{_UNREADABLE}{n}"]) for n in inputs if n in present}
    out = evaluated.select(RESULT_COLUMNS)
    if outcomes:
        labels = pl.Series(OUTCOMES)
        out = out.with_columns(
            evaluated.select(
                [
                    pl.col(r.rule.id).replace_strict(
                        list(range(3)), labels.to_list(), return_dtype=OUTCOME_DTYPE
                    )
                    for r in rules
                ]
            )
        )
    return Evaluation(
        program,
        out,
        rule_counts,
        {k: v for k, v in unreadable.items() if v},
        missing,
        capped,
        _unknown_occupations(evaluated, ruleset),
        int(counts[FAMILY] or 0),
    )


def _unknown_occupations(evaluated: pl.DataFrame, ruleset: RuleSet) -> dict[str, int]:
    """Occupation texts without a category (counted once per distinct text)."""
    found: dict[str, int] = {}
    for name, spec in ruleset.derived.items():
        if spec.kind != "occupation_category":
            continue
        text_col = pl.col(spec.from_)
        unknown = evaluated.filter(text_col.is_not_null() & pl.col(name).is_null())
        if unknown.height:
            counts = (
                unknown.group_by(spec.from_)
                .len()
                .sort(["len", spec.from_], descending=[True, False])
            )
            for value, n in counts.iter_rows():  # one row per distinct unknown text
                found[str(value)] = found.get(str(value), 0) + int(n)
    return found


def reference_columns(evaluation: Evaluation) -> pl.DataFrame:
    """The outcome of a program as the columns other programs' conditions refer to:
    ``program_status('pkh')``, ``receives('pkh')``, ``receives('pkh', 'lansia')``.

    A family-scope component counts for every member of the family that receives it.
    """
    program = evaluation.program
    frame = evaluation.frame
    family = _family_partition(frame.get_column(FAMILY_OUT))
    comps = [r for r in program.rules if r.rule.kind == "component"]
    exprs = [pl.col("status").cast(pl.String).alias(ref_column(program.name, "status"))]
    has = []
    for r in comps:
        name = str(r.rule.component)
        mine = pl.col("components").list.contains(name)
        held = mine.any().over(FAMILY) if r.per_family else mine
        has.append(held.alias(ref_column(program.name, name)))
    layak = pl.col("status").cast(pl.String) == Status.LAYAK.value
    receives = layak & (_any([h for h in has]) if comps else pl.lit(True))
    exprs.append(receives.alias(ref_column(program.name, "receives")))
    return frame.select("status", "components").with_columns(family).select([*exprs, *has])


def evaluation_order(programs: Sequence[CompiledProgram]) -> list[CompiledProgram]:
    """The programs, each after the programs it refers to (otherwise in the given order).

    Raises :class:`ConfigError` for a reference to a program that is not among them, or a
    circle of references."""
    by_name = {p.name: p for p in programs}
    order: list[CompiledProgram] = []
    state: dict[str, str] = {}

    def visit(program: CompiledProgram, chain: tuple[str, ...]) -> None:
        if state.get(program.name) == "done":
            return
        if state.get(program.name) == "open":
            raise ConfigError.of("PROGRAM_REF_CYCLE", chain=" -> ".join((*chain, program.name)))
        state[program.name] = "open"
        for name in program.references:
            if name not in by_name:
                raise ConfigError.of("PROGRAM_REF_MISSING", program=program.name, missing=name)
            visit(by_name[name], (*chain, program.name))
        state[program.name] = "done"
        order.append(program)

    for program in programs:
        visit(program, ())
    return order


def evaluate_programs(
    frame: pl.DataFrame,
    programs: Sequence[CompiledProgram],
    *,
    lang: str = "id",
    outcomes: bool = False,
    explain: bool = True,
    conditions: ConditionRunner | None = None,
) -> dict[str, Evaluation]:
    """Evaluate every program on ``frame``, a referenced program before the ones that use its
    outcome; inputs the programs share are cast once. Keyed by program id, in given order.
    ``conditions``: see :func:`evaluate`."""
    cache = CastCache(frame)
    done: dict[str, Evaluation] = {}
    refs: dict[str, pl.DataFrame] = {}
    for program in evaluation_order(programs):
        needed = [refs[name] for name in program.references]
        references = pl.concat(needed, how="horizontal") if needed else None
        evaluation = evaluate(
            frame,
            program,
            lang=lang,
            outcomes=outcomes,
            cache=cache,
            references=references,
            explain=explain,
            conditions=conditions,
        )
        done[program.name] = evaluation
        refs[program.name] = reference_columns(evaluation)
    return {p.name: done[p.name] for p in programs}
