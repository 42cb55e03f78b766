"""Lint rules files: every problem at once, each with file, line, key path and rule id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bansos_cli.rules.compile import compile_ruleset
from bansos_cli.rules.issues import RuleIssue
from bansos_cli.rules.loader import Origin, load_ruleset
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


def lint(paths: Iterable[Path], as_of: dt.date) -> LintReport:
    """Check files: YAML, schema, SQL, columns, types, duplicate ids, parameter dates.

    Rules are compiled at ``as_of`` and at the date of every embedded test case, so a
    parameter without a value at any of those dates is reported.
    """
    report = LintReport([])
    seen: dict[str, Origin] = {}
    found: dict[tuple[object, ...], RuleIssue] = {}

    def add(issue: RuleIssue) -> None:
        found.setdefault((issue.path, issue.line, issue.key, issue.code, issue.message), issue)

    for path in paths:
        report.files.append(str(path))
        ruleset, issues = load_ruleset(path)
        for issue in issues:
            add(issue)
        if ruleset is None:
            continue
        for rule_id, origin in ruleset.origins.items():
            first = seen.setdefault(rule_id, origin)
            if first.path != origin.path:
                add(
                    RuleIssue(
                        origin.path,
                        origin.line,
                        f"rules[{rule_id}].id",
                        "DUPLICATE_RULE",
                        f"rule id {rule_id!r} is also defined in {first.path}:{first.line}",
                        rule_id,
                    )
                )
        dates = dict.fromkeys([as_of, *(t.as_of for t in ruleset.file.tests)])
        for date in dates:
            _, compile_issues = compile_ruleset(ruleset, date)
            for issue in compile_issues:
                add(issue)
        used = {p for r in ruleset.rules for p in scan(r.condition).params}
        used |= {r.amount for r in ruleset.rules if r.amount}
        cap = ruleset.file.family_cap
        if cap is not None:
            used |= {cap.max_members} if isinstance(cap.max_members, str) else set()
            if cap.message is not None:
                used |= {
                    n for n in ruleset.parameters if f"{{{n}}}" in cap.message.id + cap.message.en
                }
        used |= {
            name
            for r in ruleset.rules
            for name in ruleset.parameters
            if f"{{{name}}}" in r.message.id or f"{{{name}}}" in r.message.en
        }
        for name in ruleset.file.parameters:
            if name not in used and ruleset.file.program is not None:
                add(
                    RuleIssue(
                        str(path),
                        ruleset.line_of("parameters", name),
                        f"parameters.{name}",
                        "UNUSED_PARAM",
                        f"parameter {name!r} is not used by any rule",
                        None,
                        "warning",
                    )
                )
    report.issues = sorted(found.values(), key=lambda i: (i.path, i.line or 0, i.key))
    return report
