"""Compile a rule set at a reference date: parameters resolved, conditions checked and emitted.

Each condition is parsed once into the portable SQL subset (:mod:`bansos_cli.rules.expr`):
allowed nodes only, typed against the declared inputs and derived variables, then emitted as
a polars expression (and, on demand, as SQL text for DuckDB). Nothing is ever evaluated as
Python, and unknown columns, type errors, queries and aggregates outside family scope are
found before any data is touched.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from bansos_cli.rules.expr import Checked, Context, Problem, Type, analyse, to_polars, to_sql
from bansos_cli.rules.family import CompiledCap, compile_cap
from bansos_cli.rules.issues import RuleIssue, RulesError, issue
from bansos_cli.rules.loader import Origin, RuleSet
from bansos_cli.rules.model import InputType, ParamValue, Rule
from bansos_cli.rules.params import (
    ResolvedParameter,
    coerce_override,
    format_value,
    resolve,
    scan,
    substitute,
)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
AMOUNT_UNITS = {"rupiah/month": 12.0, "rupiah/year": 1.0}
"""The units an amount parameter may have, and the factor to rupiah per year."""

TYPES: dict[InputType, Type] = {
    InputType.string: "string",
    InputType.sex: "string",
    InputType.integer: "number",
    InputType.number: "number",
    InputType.date: "date",
    InputType.boolean: "boolean",
}
DERIVED_TYPES: dict[str, Type] = {
    "age_years": "number",
    "age_months": "number",
    "occupation_category": "string",
}
DERIVED_SOURCES = {"age_years": "date", "age_months": "date", "occupation_category": "string"}


@dataclass(frozen=True)
class CompiledRule:
    """One rule ready to evaluate."""

    rule: Rule
    sql: str
    """The condition with parameters written in as literals."""
    checked: Checked
    """The parsed, allowed and typed condition (one tree for every engine)."""
    expr: pl.Expr
    message_id: str
    message_en: str
    amount: float | None
    """Rupiah per year of the component (a monthly amount times 12)."""
    origin: Origin
    amount_unit: str | None = None

    @property
    def per_family(self) -> bool:
        return self.rule.scope == "family"

    def sql_text(self, dialect: str = "duckdb") -> str:
        """The condition as SQL text for a SQL engine (see :data:`expr.DIALECTS`)."""
        return to_sql(self.checked, dialect)


@dataclass
class CompiledProgram:
    """A rule set compiled at one reference date."""

    ruleset: RuleSet
    as_of: dt.date
    parameters: dict[str, ResolvedParameter]
    rules: list[CompiledRule]
    family_cap: CompiledCap | None = None
    """At most N members of one family receive components (absent: no cap)."""

    @property
    def name(self) -> str:
        return self.ruleset.name

    @property
    def references(self) -> list[str]:
        """The other programs whose outcome the conditions use (evaluate those first)."""
        return list(dict.fromkeys(p for r in self.rules for p, _ in r.checked.refs))

    @property
    def components(self) -> frozenset[str]:
        return frozenset(str(r.rule.component) for r in self.rules if r.rule.component)


def column_types(ruleset: RuleSet) -> dict[str, Type]:
    """Columns a condition may use, with their types: inputs then derived variables."""
    types: dict[str, Type] = {n: TYPES[s.type] for n, s in ruleset.inputs.items()}
    for name, spec in ruleset.derived.items():
        types[name] = DERIVED_TYPES[spec.kind]
    return types


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else ""


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` by the shown parameter value (no format-string mini-language)."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _parameters(
    ruleset: RuleSet, as_of: dt.date, overrides: Mapping[str, object], issues: list[RuleIssue]
) -> dict[str, ResolvedParameter]:
    path = str(ruleset.path)
    rest = dict(overrides)
    resolved: dict[str, ResolvedParameter] = {}
    for name, parameter in ruleset.parameters.items():
        found = resolve(name, parameter, as_of)
        if name in rest:
            value = rest.pop(name)
            current = found.value if found else parameter.values[-1].value
            coerced = coerce_override(value, current)
            if coerced is None:
                issues.append(
                    issue(
                        path,
                        None,
                        f"parameters.{name}",
                        "PARAM_OVERRIDE",
                        "RULE_PARAM_OVERRIDE_TYPE",
                        name=name,
                        value=str(value),
                        example=format_value(current, "en"),
                    )
                )
                continue
            resolved[name] = ResolvedParameter(name, coerced, None, None, "override", False, True)
        elif found is None:
            issues.append(
                issue(
                    path,
                    ruleset.line_of("parameters", name),
                    f"parameters.{name}",
                    "PARAM_NO_VALUE",
                    "RULE_PARAM_NO_VALUE",
                    name=name,
                    date=as_of.isoformat(),
                )
            )
        else:
            resolved[name] = found
    for name in rest:
        close = _suggest(name, list(ruleset.parameters))
        issues.append(
            issue(
                path,
                None,
                f"parameters.{name}",
                "UNKNOWN_PARAM",
                "RULE_OVERRIDE_UNKNOWN_HINT" if close else "RULE_OVERRIDE_UNKNOWN",
                name=name,
                close=close,
            )
        )
    return resolved


def _problem_issue(problem: Problem, columns: list[str], report: Callable[..., None]) -> None:
    params = dict(problem.params)
    text = problem.text
    if problem.code == "UNKNOWN_COLUMN":
        close = _suggest(str(params["column"]), columns)
        if close:
            text, params["close"] = "RULE_UNKNOWN_COLUMN_HINT", close
    report(problem.code, text, **params)


def compile_ruleset(
    ruleset: RuleSet,
    as_of: dt.date,
    overrides: Mapping[str, object] | None = None,
    *,
    programs: Mapping[str, frozenset[str]] | None = None,
) -> tuple[CompiledProgram | None, list[RuleIssue]]:
    """Compile every rule at ``as_of``; returns (program or None, every problem found).

    ``programs`` (program id -> its components) are the programs a condition may refer to;
    None leaves references unchecked (a single file linted alone).
    """
    issues: list[RuleIssue] = []
    path = str(ruleset.path)
    resolved = _parameters(ruleset, as_of, overrides or {}, issues)
    types = column_types(ruleset)
    for name, spec in ruleset.derived.items():
        source = ruleset.inputs.get(spec.from_)
        wanted = DERIVED_SOURCES[spec.kind]
        if source is None or TYPES[source.type] != wanted or source.type == InputType.sex:
            issues.append(
                issue(
                    path,
                    ruleset.line_of("derived", name, "from"),
                    f"derived.{name}.from",
                    "DERIVED_SOURCE",
                    "RULE_DERIVED_SOURCE",
                    name=spec.from_,
                    type=wanted,
                )
            )
    columns = list(types)
    values = {n: p.value for n, p in resolved.items()}
    shown = {lang: {n: format_value(v, lang) for n, v in values.items()} for lang in ("id", "en")}

    compiled: list[CompiledRule] = []
    for rule in ruleset.rules:
        origin = ruleset.origins[rule.id]
        where = origin.condition_line or origin.line

        def report(
            code: str,
            text: str,
            key: str = "condition",
            _rule: Rule = rule,
            _origin: Origin = origin,
            _line: int | None = where,
            **params: Any,
        ) -> None:
            issues.append(
                issue(
                    _origin.path, _line, f"rules[{_rule.id}].{key}", code, text, _rule.id, **params
                )
            )

        scanned = scan(rule.condition)
        unknown = [p for p in scanned.params if p not in ruleset.parameters]
        if unknown:
            close = _suggest(unknown[0], list(ruleset.parameters))
            report(
                "UNKNOWN_PARAM",
                "RULE_UNKNOWN_PARAM_HINT" if close else "RULE_UNKNOWN_PARAM",
                name=unknown[0],
                close=close,
            )
            continue
        if any(p not in values for p in scanned.params):
            continue  # already reported as PARAM_NO_VALUE
        sql = substitute(rule.condition, values)
        checked = analyse(sql, Context(types, rule.scope, dict(programs) if programs else None))
        if isinstance(checked, Problem):
            _problem_issue(checked, columns, report)
            continue
        messages = []
        for lang, template in (("id", rule.message.id), ("en", rule.message.en)):
            bad = [n for n in _PLACEHOLDER.findall(template) if n not in shown[lang]]
            if bad:
                report(
                    "MESSAGE",
                    "RULE_MESSAGE_PLACEHOLDER",
                    key=f"message.{lang}",
                    lang=lang,
                    name=bad[0],
                )
                messages.append(template)
            else:
                messages.append(_fill(template, shown[lang]))
        amount, unit = _amount(rule, ruleset, values, report)
        compiled.append(
            CompiledRule(
                rule,
                sql,
                checked,
                to_polars(checked).alias(rule.id),
                messages[0],
                messages[1],
                amount,
                origin,
                unit,
            )
        )
    cap, cap_issues = compile_cap(ruleset, resolved)
    issues.extend(cap_issues)
    if any(i.severity == "error" for i in issues):
        return None, issues
    return CompiledProgram(ruleset, as_of, resolved, compiled, cap), issues


def _amount(
    rule: Rule, ruleset: RuleSet, values: dict[str, ParamValue], report: Callable[..., None]
) -> tuple[float | None, str | None]:
    """The component's amount in rupiah per year, and the unit it was given in."""
    if rule.amount is None:
        return None, None
    parameter = ruleset.parameters.get(rule.amount)
    if parameter is None:
        report("UNKNOWN_PARAM", "RULE_AMOUNT_UNKNOWN", key="amount", name=rule.amount)
        return None, None
    unit = (parameter.unit or "").strip().lower()
    if unit not in AMOUNT_UNITS:
        report(
            "AMOUNT_UNIT",
            "RULE_AMOUNT_UNIT",
            key="amount",
            name=rule.amount,
            unit=parameter.unit or "-",
            allowed=", ".join(AMOUNT_UNITS),
        )
        return None, None
    raw = values.get(rule.amount)
    if raw is None:
        return None, unit  # already reported as PARAM_NO_VALUE
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        report("TYPE", "RULE_AMOUNT_NOT_NUMBER", key="amount", name=rule.amount)
        return None, unit
    return float(raw) * AMOUNT_UNITS[unit], unit


def compile_rules(
    ruleset: RuleSet,
    as_of: dt.date,
    overrides: Mapping[str, object] | None = None,
    *,
    programs: Mapping[str, frozenset[str]] | None = None,
) -> CompiledProgram:
    """Compile ``ruleset`` at ``as_of``; raise :class:`RulesError` listing every problem."""
    program, issues = compile_ruleset(ruleset, as_of, overrides, programs=programs)
    if program is None:
        raise RulesError(issues)
    return program
