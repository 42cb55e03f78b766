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

from dataclasses import dataclass, field

import polars as pl

from bansos_cli.core.errors import InputFileError
from bansos_cli.rules.casting import UNREADABLE_PREFIX, CastCache, cast_frame
from bansos_cli.rules.compile import CompiledProgram, CompiledRule
from bansos_cli.rules.derive import derived_expr
from bansos_cli.rules.family import CAPPED, KIND, apply_cap
from bansos_cli.rules.model import Status

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
    "component_amount",
    "reasons",
    "unreadable",
    CAPPED,
)


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


def _outcome(rule: CompiledRule) -> pl.Expr:
    cond = rule.expr
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


def evaluate(
    frame: pl.DataFrame,
    program: CompiledProgram,
    *,
    lang: str = "id",
    outcomes: bool = False,
    cache: CastCache | None = None,
) -> Evaluation:
    """Evaluate ``program`` on ``frame`` (text columns as ingest gives them).

    Columns the rules declare are cast leniently; a declared input that is missing from the
    data is all-null (every rule using it follows its ``on_missing`` policy) unless it is
    declared ``nullable: false``, which raises :class:`InputFileError`. Programs evaluated on
    the same frame can share a :class:`CastCache` (built on that frame) to cast each input once.
    """
    ruleset = program.ruleset
    present = set(frame.columns)
    missing = [n for n in ruleset.inputs if n not in present]
    required = [n for n in missing if not ruleset.inputs[n].nullable]
    if required:
        raise InputFileError.of("RULES_COLUMN_MISSING", column=required[0], program=program.name)
    if cache is not None and cache.frame is frame:
        typed = cache.typed(ruleset.inputs, reference=program.as_of)
    else:
        typed = cast_frame(frame, ruleset.inputs, reference=program.as_of)
    derived = [derived_expr(spec, program.as_of).alias(n) for n, spec in ruleset.derived.items()]
    rules = program.rules
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
    inputs = list(ruleset.inputs)
    groups = {
        "f": [codes[i] == _FAIL for i in fail_ids],
        "u": [codes[i] == _UNKNOWN for i in unknown_ids],
        "c": [codes[r.rule.id] == _PASS for r in component_rules],
        "r": [pl.col(f"{_UNREADABLE}{n}") for n in inputs],
    }
    masks = [m for prefix, tests in groups.items() for m in _bitmasks(tests, prefix)]
    evaluated = (
        typed.lazy()
        .with_columns(derived)
        .with_columns([_outcome(r) for r in rules])
        .with_columns([status.alias("status"), *masks])
        .collect()
    )
    keys = ["status", *(m.meta.output_name() for m in masks)]
    # The lists and reasons depend only on which rules failed/were unknown: build them once
    # per distinct combination (few, in practice) and join them back, instead of assembling
    # per-row lists of strings (which dominated the run time).
    combos = evaluated.select(keys).unique()
    decoded: dict[str, list[object]] = {
        c: [] for c in RESULT_COLUMNS if c not in ("status", CAPPED)
    }
    for combo in combos.iter_rows(named=True):  # one iteration per distinct combination
        failed = _decode(combo, "f", fail_ids)
        unknown = _decode(combo, "u", unknown_ids)
        excluded_row = combo["status"] == Status.TIDAK_LAYAK.value
        comps = (
            []
            if excluded_row
            else [
                r
                for r, on in zip(
                    component_rules, _bits(combo, "c", len(component_rules)), strict=True
                )
                if on
            ]
        )
        decoded["failed_rules"].append(failed)
        decoded["unknown_rules"].append(unknown)
        decoded["components"].append([str(r.rule.component) for r in comps])
        decoded["component_amount"].append(float(sum(r.amount or 0.0 for r in comps)))
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
                    "component_amount": pl.Float64,
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
    count_exprs = [
        (pl.col(r.rule.id) == code).sum().alias(f"{r.rule.id}\x00{code}")
        for r in rules
        for code in (_PASS, _FAIL, _UNKNOWN)
    ] + [pl.col(f"{_UNREADABLE}{n}").sum().alias(f"{_UNREADABLE}{n}") for n in inputs]
    count_exprs.append(pl.col(CAPPED).sum().alias(CAPPED))
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
    keep = list(RESULT_COLUMNS)
    out = evaluated.select(keep)
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
        program, out, rule_counts, {k: v for k, v in unreadable.items() if v}, missing, capped
    )
