"""Run the test cases embedded in rules files; write JUnit XML for CI systems."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bansos_cli.core.files import write_text_atomic
from bansos_cli.rules.compile import compile_ruleset
from bansos_cli.rules.evaluate import evaluate_programs
from bansos_cli.rules.issues import RuleIssue, issue
from bansos_cli.rules.lint import program_components
from bansos_cli.rules.loader import RuleSet, load_ruleset
from bansos_cli.rules.model import CellValue, TestCase


@dataclass
class CaseResult:
    """One embedded test case."""

    file: str
    name: str
    line: int | None
    differences: list[str] = field(default_factory=list)
    """Human-readable ``expected ... got ...`` lines; empty when the case passed."""
    issues: list[RuleIssue] = field(default_factory=list)
    """Compile problems at the case's date (the case then fails)."""

    @property
    def passed(self) -> bool:
        return not self.differences and not any(i.severity == "error" for i in self.issues)


@dataclass
class FileResult:
    """All cases of one rules file, or the problems that kept it from loading."""

    file: str
    cases: list[CaseResult] = field(default_factory=list)
    issues: list[RuleIssue] = field(default_factory=list)
    """Load problems (the file then counts as failed)."""

    @property
    def passed(self) -> bool:
        return not any(i.severity == "error" for i in self.issues) and all(
            c.passed for c in self.cases
        )


@dataclass
class TestReport:
    """The result of ``bansos rules test``."""

    __test__ = False  # not a pytest class

    files: list[FileResult]

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.files)

    @property
    def cases(self) -> int:
        return sum(len(f.cases) for f in self.files)

    @property
    def failed_cases(self) -> int:
        return sum(1 for f in self.files for c in f.cases if not c.passed)


def _text(value: CellValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def case_frame(case: TestCase, ruleset: RuleSet) -> pl.DataFrame:
    """The case's rows as a text frame, as ingest would give them."""
    columns = list(dict.fromkeys([*ruleset.inputs, *(k for r in case.rows for k in r)]))
    data = {c: [_text(row.get(c)) for row in case.rows] for c in columns}
    return pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))


def run_case(
    ruleset: RuleSet,
    case: TestCase,
    line: int | None,
    others: dict[str, RuleSet] | None = None,
) -> CaseResult:
    """Evaluate one case and compare with its expectations.

    ``others``: program id -> rule set of the programs this one may refer to (evaluated on
    the same rows first, at the same date)."""
    result = CaseResult(str(ruleset.path), case.name, line)
    if case.in_force is not None and ruleset.program is not None:
        if ruleset.program.in_force(case.as_of) != case.in_force:
            word = "in force" if case.in_force else "not in force"
            result.differences.append(f"program expected {word} on {case.as_of.isoformat()}")
        if not case.rows:
            return result
    others = others or {}
    known = program_components([ruleset, *others.values()])
    program, issues = compile_ruleset(ruleset, case.as_of, case.parameters, programs=known)
    result.issues = issues
    if program is None:
        return result
    needed = {}
    todo = list(program.references)
    while todo:
        name = todo.pop()
        if name in needed or name == program.name or name not in others:
            continue
        other, other_issues = compile_ruleset(others[name], case.as_of, programs=known)
        result.issues = result.issues + other_issues
        if other is None:
            return result
        needed[name] = other
        todo.extend(other.references)
    rule_ids = {r.rule.id for r in program.rules}
    frame_in = case_frame(case, ruleset)
    for other in needed.values():
        frame_in = pl.concat(
            [frame_in, case_frame(case, other.ruleset).select(pl.exclude(frame_in.columns))],
            how="horizontal",
        )
    evaluations = evaluate_programs(frame_in, [*needed.values(), program], lang="en", outcomes=True)
    frame = evaluations[program.name].frame
    rows = zip(frame.iter_rows(named=True), case.expected, strict=True)
    for i, (row, expect) in enumerate(rows):
        where = f"row {i + 1}" if len(case.rows) > 1 else "row"
        if expect.status is not None and row["status"] != expect.status.value:
            result.differences.append(
                f"{where}: status expected {expect.status.value}, got {row['status']}"
                f" (failed: {', '.join(row['failed_rules']) or '-'};"
                f" unknown: {', '.join(row['unknown_rules']) or '-'})"
            )
        for rule_id, outcome in expect.rules.items():
            if rule_id not in rule_ids:
                result.differences.append(f"{where}: expectation names unknown rule {rule_id!r}")
            elif row[rule_id] != outcome:
                result.differences.append(
                    f"{where}: rule {rule_id} expected {outcome}, got {row[rule_id]}"
                )
        if expect.components is not None and sorted(row["components"]) != sorted(expect.components):
            result.differences.append(
                f"{where}: components expected [{', '.join(sorted(expect.components))}], "
                f"got [{', '.join(sorted(row['components']))}]"
            )
        if expect.capped is not None and row["capped"] != expect.capped:
            result.differences.append(
                f"{where}: capped expected {str(expect.capped).lower()}, "
                f"got {str(row['capped']).lower()}"
            )
        for key, column in (("amount", "amount_year"), ("amount_month", "amount_month")):
            wanted = getattr(expect, key)
            if wanted is not None and abs(row[column] - wanted) > 0.005:
                result.differences.append(
                    f"{where}: {key} expected {wanted:,.0f}, got {row[column]:,.0f}"
                )
        rep = expect.family_representative
        if rep is not None and row["family_representative"] != rep:
            result.differences.append(
                f"{where}: family_representative expected {str(rep).lower()}, "
                f"got {str(row['family_representative']).lower()}"
            )
        for piece in expect.explanation or []:
            if piece not in (row["explanation"] or ""):
                result.differences.append(
                    f"{where}: explanation expected to contain {piece!r}, "
                    f"got {row['explanation']!r}"
                )
    return result


def _programs_near(paths: list[Path]) -> dict[str, RuleSet]:
    """Program id -> rule set, for the given files and the files beside them."""
    found: dict[str, RuleSet] = {}
    candidates = list(paths)
    for path in paths:
        candidates += sorted(path.parent.glob("*.yaml")) + sorted(path.parent.glob("*.yml"))
    for path in dict.fromkeys(p.resolve() for p in candidates):
        ruleset, _ = load_ruleset(path)
        if ruleset is not None and ruleset.program is not None:
            found.setdefault(ruleset.program.id, ruleset)
    return found


def run_tests(paths: Iterable[Path]) -> TestReport:
    """Run every embedded case of every file (the row loop here is over a handful of test
    rows, never over data). A case of a program that refers to another program's outcome
    evaluates that program (from the given files or the files beside them) first."""
    files: list[FileResult] = []
    paths = list(paths)
    others: dict[str, RuleSet] | None = None
    for path in paths:
        ruleset, issues = load_ruleset(path)
        result = FileResult(str(path), issues=issues)
        files.append(result)
        if ruleset is None:
            continue
        if others is None:
            others = _programs_near(paths)
        for i, case in enumerate(ruleset.file.tests):
            result.cases.append(run_case(ruleset, case, ruleset.line_of("tests", i), others))
        if not ruleset.file.tests:
            # Nothing pins a date: still compile, at the latest date any parameter changes.
            starts = [v.from_ for p in ruleset.parameters.values() for v in p.values]
            _, compile_issues = compile_ruleset(ruleset, max(starts, default=dt.date(2000, 1, 1)))
            result.issues.extend(compile_issues)
            result.issues.append(
                issue(str(path), None, "tests", "NO_TESTS", "RULE_NO_TESTS", severity="warning")
            )
    return TestReport(files)


def junit_xml(report: TestReport) -> str:
    """The report as JUnit XML (one testsuite per file, one testcase per embedded case)."""
    suites = ET.Element("testsuites", name="bansos rules test")
    for f in report.files:
        failures = sum(1 for c in f.cases if not c.passed)
        errors = 1 if any(i.severity == "error" for i in f.issues) else 0
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f.file,
            tests=str(len(f.cases) + errors),
            failures=str(failures),
            errors=str(errors),
        )
        if errors:
            case_el = ET.SubElement(suite, "testcase", classname=f.file, name="load")
            err = ET.SubElement(case_el, "error", message="rules file cannot be used")
            err.text = "\n".join(str(i) for i in f.issues)
        for c in f.cases:
            case_el = ET.SubElement(suite, "testcase", classname=f.file, name=c.name)
            if not c.passed:
                fail = ET.SubElement(case_el, "failure", message=f"{c.file}:{c.line}: {c.name}")
                fail.text = "\n".join([str(i) for i in c.issues] + c.differences)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


def write_junit(report: TestReport, path: Path) -> Path:
    """Write :func:`junit_xml` atomically."""
    return write_text_atomic(path, junit_xml(report) + "\n")
