"""``bansos rules test|lint|schema``: for rule authors and CI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bansos_cli.cli.app import BansosCommand, BansosGroup, app, console, echo_json, err_console
from bansos_cli.cli.options import (
    AsOfOption,
    JsonOption,
    LangOption,
    QuietOption,
    parse_date,
    resolve_lang,
)
from bansos_cli.core.errors import ExitCode
from bansos_cli.core.messages import text

if TYPE_CHECKING:
    from bansos_cli.rules.issues import RuleIssue

UNUSABLE = ("FILE", "YAML")
"""Issue codes of a rule file that cannot be read at all (missing, unreadable, not YAML):
an input error (exit 2), not a finding about the rules (exit 1)."""

rules_app = typer.Typer(
    cls=BansosGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules", help="CMD_RULES")

RulesArgument = Annotated[
    list[Path],
    typer.Argument(metavar="RULES", help="HELP_RULE_FILES", show_default=False),
]


def _unusable(issues: list[RuleIssue]) -> bool:
    return any(i.severity == "error" and i.code in UNUSABLE for i in issues)


@rules_app.command("test", cls=BansosCommand, help="CMD_RULES_TEST")
def test_command(
    rules: RulesArgument,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="HELP_JUNIT", show_default=False)
    ] = None,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos rules test``: help text ``CMD_RULES_TEST`` of the message catalogue."""
    from bansos_cli.rules import expand_rule_paths, run_tests, write_junit

    language = resolve_lang(lang)
    report = run_tests(expand_rule_paths(rules))
    if junit is not None:
        write_junit(report, junit)
    for f in report.files:
        for issue in f.issues:
            target = err_console if issue.severity == "error" else console
            if issue.severity == "error" or not quiet:
                target.print(
                    f"[red]{text('LABEL_RULES_ERROR', language)}[/] "
                    f"{escape(issue.render(language))}"
                    if issue.severity == "error"
                    else f"[yellow]{text('LABEL_SEVERITY_WARNING', language)}[/] "
                    f"{escape(issue.render(language))}",
                    soft_wrap=True,
                )
        for case in f.cases:
            if case.passed:
                if not quiet:
                    console.print(
                        f"[green]{text('LABEL_RULES_PASS', language)}[/] "
                        f"{escape(f'{f.file}: {case.name}')}",
                        soft_wrap=True,
                    )
                continue
            err_console.print(
                f"[red]{text('LABEL_RULES_FAIL', language)}[/] "
                f"{escape(f'{f.file}:{case.line}: {case.name}')}",
                soft_wrap=True,
            )
            for issue in case.issues:
                err_console.print(f"     {issue.render(language)}", soft_wrap=True, markup=False)
            for line in case.differences:
                err_console.print(f"     {line}", soft_wrap=True, markup=False)
    broken = sum(1 for f in report.files if any(i.severity == "error" for i in f.issues))
    if not quiet:
        tested = text(
            "CLI_RULES_TESTED",
            language,
            passed=report.cases - report.failed_cases,
            cases=report.cases,
            files=len(report.files),
        )
        if broken:
            tested += text("CLI_RULES_UNUSABLE", language, n=broken)
        console.print(tested)
    if junit is not None and not quiet:
        console.print(f"JUnit XML: {junit}", markup=False, soft_wrap=True)
    if any(_unusable(f.issues) for f in report.files):
        raise typer.Exit(code=int(ExitCode.USAGE))
    raise typer.Exit(code=int(ExitCode.OK if report.passed else ExitCode.DATA_FAILED))


@rules_app.command("lint", cls=BansosCommand, help="CMD_RULES_LINT")
def lint_command(
    rules: RulesArgument,
    as_of: AsOfOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="HELP_STRICT_LINT")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos rules lint``: help text ``CMD_RULES_LINT`` of the message catalogue."""
    from bansos_cli.rules import expand_rule_paths, lint

    language = resolve_lang(lang)
    date = parse_date(as_of) or dt.date.today()  # CLI default; printed below
    report = lint(expand_rule_paths(rules), date)
    if as_json:
        echo_json(
            {
                "as_of": date.isoformat(),
                "files": report.files,
                "issues": [i.to_dict(language) for i in report.issues],
            }
        )
    elif not quiet:
        for issue in report.issues:
            label = (
                f"[red]{text('LABEL_SEVERITY_ERROR', language)}[/]"
                if issue.severity == "error"
                else f"[yellow]{text('LABEL_SEVERITY_WARNING', language)}[/]"
            )
            console.print(f"{label} {escape(issue.render(language))}", soft_wrap=True)
        console.print(
            text(
                "CLI_RULES_LINTED",
                language,
                files=len(report.files),
                date=date.isoformat(),
                errors=len(report.errors),
                warnings=len(report.warnings),
            )
        )
    if _unusable(report.issues):
        raise typer.Exit(code=int(ExitCode.USAGE))
    failed = report.errors or (strict and report.warnings)
    raise typer.Exit(code=int(ExitCode.DATA_FAILED if failed else ExitCode.OK))


@rules_app.command("schema", cls=BansosCommand, help="CMD_RULES_SCHEMA")
def schema_command(lang: LangOption = None) -> None:
    """``bansos rules schema``: help text ``CMD_RULES_SCHEMA`` of the message catalogue."""
    from bansos_cli.rules import json_schema_text

    resolve_lang(lang)  # the schema is language-neutral; --lang sets help and errors

    typer.echo(json_schema_text())
