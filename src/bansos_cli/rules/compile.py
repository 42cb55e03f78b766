"""Compile a rule set at a reference date: parameters resolved, conditions as polars exprs.

Conditions are SQL *expressions* compiled with ``pl.sql_expr``; nothing is ever evaluated as
Python. Statements (``;``), queries and DDL keywords are refused before polars sees the text.
Each compiled condition is type-checked on an empty frame of the declared inputs, so unknown
columns and type errors are found before any data is touched.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from bansos_cli.rules.casting import DTYPES
from bansos_cli.rules.family import CompiledCap, compile_cap
from bansos_cli.rules.issues import RuleIssue, RulesError
from bansos_cli.rules.loader import Origin, RuleSet
from bansos_cli.rules.model import ParamValue, Rule
from bansos_cli.rules.params import ResolvedParameter, format_value, resolve, scan, substitute

_FORBIDDEN = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|UNION|INTO|EXEC|EXECUTE|ATTACH|"
    r"COPY|PRAGMA|GRANT|TRUNCATE|MERGE|CALL|LOAD|INSTALL|SET)\b",
    re.IGNORECASE,
)
_DATE_ARITHMETIC = re.compile(
    r"\b(EXTRACT|DATE_PART|DATEDIFF|DATE_DIFF|AGE|STRFTIME|DATE_TRUNC)\s*\(", re.IGNORECASE
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class CompiledRule:
    """One rule ready to evaluate."""

    rule: Rule
    sql: str
    """The condition with parameters written in as literals."""
    expr: pl.Expr
    message_id: str
    message_en: str
    amount: float | None
    origin: Origin


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


def input_schema(ruleset: RuleSet) -> dict[str, pl.DataType]:
    """Columns a condition may use, with their types: inputs then derived variables."""
    schema: dict[str, pl.DataType] = {n: DTYPES[s.type] for n, s in ruleset.inputs.items()}
    for name, spec in ruleset.derived.items():
        schema[name] = pl.Int32()
        del spec
    return schema


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace ``{name}`` by the shown parameter value (no format-string mini-language)."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def compile_ruleset(
    ruleset: RuleSet, as_of: dt.date, overrides: Mapping[str, ParamValue] | None = None
) -> tuple[CompiledProgram | None, list[RuleIssue]]:
    """Compile every rule at ``as_of``; returns (program or None, every problem found)."""
    issues: list[RuleIssue] = []
    path = str(ruleset.path)
    overrides = dict(overrides or {})
    resolved: dict[str, ResolvedParameter] = {}
    for name, parameter in ruleset.parameters.items():
        if name in overrides:
            value = overrides.pop(name)
            resolved[name] = ResolvedParameter(name, value, None, None, "override", False, True)
            continue
        found = resolve(name, parameter, as_of)
        if found is None:
            issues.append(
                RuleIssue(
                    path,
                    ruleset.line_of("parameters", name),
                    f"parameters.{name}",
                    "PARAM_NO_VALUE",
                    f"parameter {name!r} has no value in force on "
                    f"{as_of.isoformat()}: add a value whose 'from' is on or before it",
                )
            )
        else:
            resolved[name] = found
    for name in overrides:
        issues.append(
            RuleIssue(
                path,
                None,
                f"parameters.{name}",
                "UNKNOWN_PARAM",
                f"override of unknown parameter {name!r}"
                + _suggest(name, list(ruleset.parameters)),
            )
        )

    schema = input_schema(ruleset)
    for name, spec in ruleset.derived.items():
        source = ruleset.inputs.get(spec.from_)
        if source is None or source.type.value != "date":
            issues.append(
                RuleIssue(
                    path,
                    ruleset.line_of("derived", name, "from"),
                    f"derived.{name}.from",
                    "DERIVED_SOURCE",
                    f"{spec.from_!r} must be an input of type date",
                )
            )
    empty = pl.DataFrame(schema=schema)
    columns = list(schema)
    values = {n: p.value for n, p in resolved.items()}
    shown = {lang: {n: format_value(v, lang) for n, v in values.items()} for lang in ("id", "en")}

    compiled: list[CompiledRule] = []
    for rule in ruleset.rules:
        origin = ruleset.origins[rule.id]
        where = origin.condition_line or origin.line

        def issue(
            code: str,
            msg: str,
            key: str = "condition",
            severity: str = "error",
            _rule: Rule = rule,
            _origin: Origin = origin,
            _line: int | None = where,
        ) -> None:
            issues.append(
                RuleIssue(
                    _origin.path,
                    _line,
                    f"rules[{_rule.id}].{key}",
                    code,
                    msg,
                    _rule.id,
                    "warning" if severity == "warning" else "error",
                )
            )

        scanned = scan(rule.condition)
        if ";" in scanned.code:
            issue("SQL_STATEMENT", "';' is not allowed: a condition is one expression")
            continue
        keyword = _FORBIDDEN.search(scanned.code)
        if keyword:
            issue(
                "SQL_STATEMENT",
                f"{keyword.group(1).upper()!r} is not allowed: a condition "
                "is one expression over the row, not a query or statement",
            )
            continue
        if _DATE_ARITHMETIC.search(scanned.code):
            issue(
                "DATE_ARITHMETIC",
                "date arithmetic in SQL is error-prone (8-bit month/day "
                "parts wrap); declare a derived variable (kind age_years/age_months)",
                severity="warning",
            )
        unknown = [p for p in scanned.params if p not in ruleset.parameters]
        if unknown:
            issue(
                "UNKNOWN_PARAM",
                f"unknown parameter ':{unknown[0]}'"
                + _suggest(unknown[0], list(ruleset.parameters)),
            )
            continue
        if any(p not in values for p in scanned.params):
            continue  # already reported as PARAM_NO_VALUE
        sql = substitute(rule.condition, values)
        try:
            expr = pl.sql_expr(sql)
        except Exception as exc:  # polars raises several error types for bad SQL
            issue("SQL_SYNTAX", f"SQL syntax error: {_first_line(exc)}")
            continue
        missing = [c for c in dict.fromkeys(expr.meta.root_names()) if c not in schema]
        if missing:
            issue(
                "UNKNOWN_COLUMN",
                f"unknown column {missing[0]!r}"
                + _suggest(missing[0], columns)
                + " (declare it under 'inputs' or 'derived')",
            )
            continue
        try:
            dtype = empty.select(expr.alias("r")).schema["r"]
        except Exception as exc:  # type errors surface as several polars error types
            issue("TYPE", f"type error: {_first_line(exc)}")
            continue
        if dtype not in (pl.Boolean, pl.Null):
            issue("TYPE", f"the condition gives {dtype}, not true/false")
            continue
        messages = []
        for lang, template in (("id", rule.message.id), ("en", rule.message.en)):
            bad = [n for n in _PLACEHOLDER.findall(template) if n not in shown[lang]]
            if bad:
                issue(
                    "MESSAGE",
                    f"message.{lang} uses unknown parameter {{{bad[0]}}}",
                    key=f"message.{lang}",
                )
                messages.append(template)
            else:
                messages.append(_fill(template, shown[lang]))
        amount = None
        if rule.amount is not None:
            raw = values.get(rule.amount)
            if rule.amount not in ruleset.parameters:
                issue(
                    "UNKNOWN_PARAM",
                    f"amount refers to unknown parameter {rule.amount!r}",
                    key="amount",
                )
            elif isinstance(raw, bool) or not isinstance(raw, int | float):
                if raw is not None:
                    issue("TYPE", f"amount parameter {rule.amount!r} is not a number", key="amount")
            else:
                amount = float(raw)
        compiled.append(
            CompiledRule(rule, sql, expr.alias(rule.id), messages[0], messages[1], amount, origin)
        )
    cap, cap_issues = compile_cap(ruleset, resolved)
    issues.extend(cap_issues)
    if any(i.severity == "error" for i in issues):
        return None, issues
    return CompiledProgram(ruleset, as_of, resolved, compiled, cap), issues


def compile_rules(
    ruleset: RuleSet, as_of: dt.date, overrides: Mapping[str, ParamValue] | None = None
) -> CompiledProgram:
    """Compile ``ruleset`` at ``as_of``; raise :class:`RulesError` listing every problem."""
    program, issues = compile_ruleset(ruleset, as_of, overrides)
    if program is None:
        raise RulesError(issues)
    return program
