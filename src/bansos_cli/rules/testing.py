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
from bansos_cli.rules.evaluate import evaluate
from bansos_cli.rules.issues import RuleIssue
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


def run_case(ruleset: RuleSet, case: TestCase, line: int | None) -> CaseResult:
    """Evaluate one case and compare with its expectations."""
    result = CaseResult(str(ruleset.path), case.name, line)
    program, issues = compile_ruleset(ruleset, case.as_of, case.parameters)
    result.issues = issues
    if program is None:
        return result
    known = {r.rule.id for r in program.rules}
    frame = evaluate(case_frame(case, ruleset), program, outcomes=True).frame
    for i, (row, expect) in enumerate(zip(frame.iter_rows(named=True), case.expect, strict=True)):
        where = f"row {i + 1}" if len(case.rows) > 1 else "row"
        if expect.status is not None and row["status"] != expect.status.value:
            result.differences.append(
                f"{where}: status expected {expect.status.value}, got {row['status']}"
                f" (failed: {', '.join(row['failed_rules']) or '-'};"
                f" unknown: {', '.join(row['unknown_rules']) or '-'})"
            )
        for rule_id, outcome in expect.rules.items():
            if rule_id not in known:
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
        if expect.amount is not None and abs(row["component_amount"] - expect.amount) > 0.005:
            result.differences.append(
                f"{where}: amount expected {expect.amount:,.0f}, got {row['component_amount']:,.0f}"
            )
    return result


def run_tests(paths: Iterable[Path]) -> TestReport:
    """Run every embedded case of every file (the row loop here is over a handful of test
    rows, never over data)."""
    files: list[FileResult] = []
    for path in paths:
        ruleset, issues = load_ruleset(path)
        result = FileResult(str(path), issues=issues)
        files.append(result)
        if ruleset is None:
            continue
        for i, case in enumerate(ruleset.file.tests):
            result.cases.append(run_case(ruleset, case, ruleset.line_of("tests", i)))
        if not ruleset.file.tests:
            # Nothing pins a date: still compile, at the latest date any parameter changes.
            starts = [v.from_ for p in ruleset.parameters.values() for v in p.values]
            _, compile_issues = compile_ruleset(ruleset, max(starts, default=dt.date(2000, 1, 1)))
            result.issues.extend(compile_issues)
            result.issues.append(
                RuleIssue(
                    str(path),
                    None,
                    "tests",
                    "NO_TESTS",
                    "no embedded test cases",
                    severity="warning",
                )
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
