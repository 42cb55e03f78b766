"""Lint rules files: every problem at once, each with file, line, key path and rule id.

One pass: a schema error in one rule does not hide the SQL errors of the others (the parts
of a file that are valid are still compiled, see :func:`load_ruleset` ``partial``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bansos_cli.rules.compile import compile_ruleset
from bansos_cli.rules.issues import RuleIssue, issue
from bansos_cli.rules.loader import Origin, RuleSet, load_ruleset
from bansos_cli.rules.model import Source
from bansos_cli.rules.params import scan


@dataclass
class LintReport:
    """Problems per file (errors and warnings)."""

    files: list[str]
    issues: list[RuleIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[RuleIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[RuleIssue]:
        return [i for i in self.issues if i.severity == "warning"]


def program_components(rulesets: Iterable[RuleSet]) -> dict[str, frozenset[str]]:
    """Program id -> its component names, for checking references between programs."""
    return {
        r.program.id: frozenset(str(rule.component) for rule in r.rules if rule.component)
        for r in rulesets
        if r.program is not None
    }


def _used_parameters(ruleset: RuleSet) -> set[str]:
    used = {p for r in ruleset.rules for p in scan(r.condition).params}
    used |= {r.amount for r in ruleset.rules if r.amount}
    cap = ruleset.file.family_cap
    if cap is not None:
        used |= {cap.max_members} if isinstance(cap.max_members, str) else set()
        if cap.message is not None:
            used |= {n for n in ruleset.parameters if f"{{{n}}}" in cap.message.id + cap.message.en}
    used |= {
        name
        for r in ruleset.rules
        for name in ruleset.parameters
        if f"{{{name}}}" in r.message.id or f"{{{name}}}" in r.message.en
    }
    return used


def lint(paths: Iterable[Path], as_of: dt.date) -> LintReport:
    """Check files: YAML, schema, SQL, columns, types, duplicate ids, parameter dates, sources.

    Rules are compiled at ``as_of`` (unless the program is not in force then) and at the date
    of every embedded test case, so a parameter without a value at any of those dates is
    reported. References to other programs are checked against the programs among ``paths``
    (and the files beside them).
    """
    report = LintReport([])
    seen: dict[str, Origin] = {}
    found: dict[tuple[object, ...], RuleIssue] = {}

    def add(item: RuleIssue) -> None:
        found.setdefault((item.path, item.line, item.key, item.code, item.message), item)

    loaded: list[tuple[Path, RuleSet | None]] = []
    for path in paths:
        report.files.append(str(path))
        ruleset, issues = load_ruleset(path, partial=True)
        for item in issues:
            add(item)
        loaded.append((path, ruleset))
    known = program_components(r for _, r in loaded if r is not None)
    for path, ruleset in loaded:
        if ruleset is None:
            continue
        for neighbour in sorted(path.parent.glob("*.y*ml")):
            if any(p[0].resolve() == neighbour.resolve() for p in loaded):
                continue
            other, _ = load_ruleset(neighbour, partial=True)
            if other is not None and other.program is not None:
                known.setdefault(other.program.id, program_components([other])[other.program.id])
        for rule_id, origin in ruleset.origins.items():
            first = seen.setdefault(rule_id, origin)
            if first.path != origin.path:
                add(
                    issue(
                        origin.path,
                        origin.line,
                        f"rules[{rule_id}].id",
                        "DUPLICATE_RULE",
                        "RULE_DUPLICATE_RULE_FILES",
                        rule_id,
                        rule=rule_id,
                        where=f"{first.path}:{first.line}",
                    )
                )
        program = ruleset.program
        dates = [
            t.as_of for t in ruleset.file.tests if program is None or program.in_force(t.as_of)
        ]
        if program is None or program.in_force(as_of):
            dates.insert(0, as_of)
        for date in dict.fromkeys(dates):
            _, compile_issues = compile_ruleset(ruleset, date, programs=known)
            for item in compile_issues:
                add(item)
        if program is None:
            continue
        used = _used_parameters(ruleset)
        for name in ruleset.file.parameters:
            line = ruleset.line_of("parameters", name)
            if name not in used:
                add(
                    issue(
                        str(path),
                        line,
                        f"parameters.{name}",
                        "UNUSED_PARAM",
                        "RULE_UNUSED_PARAM",
                        None,
                        "warning",
                        name=name,
                    )
                )
        for name, parameter in ruleset.parameters.items():
            for i, value in enumerate(parameter.values):
                if not isinstance(value.source, Source):
                    where = ruleset.parameter_origins.get(name, Origin(str(path), None))
                    add(
                        issue(
                            where.path,
                            where.line,
                            f"parameters.{name}.values[{i}].source",
                            "SOURCE",
                            "RULE_SOURCE_TEXT",
                            None,
                            "warning",
                            name=name,
                        )
                    )
    report.issues = sorted(found.values(), key=lambda i: (i.path, i.line or 0, i.key))
    return report
