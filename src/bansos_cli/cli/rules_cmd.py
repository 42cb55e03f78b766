"""``bansos rules test|lint|schema``: for rule authors and CI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bansos_cli.cli.app import BansosGroup, JsonOption, QuietOption, app, console, err_console
from bansos_cli.cli.check_cmd import AsOfOption, parse_date
from bansos_cli.core.errors import ExitCode
from bansos_cli.rules import expand_rule_paths, json_schema_text, lint, run_tests, write_junit

rules_app = typer.Typer(
    cls=BansosGroup,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(
    rules_app,
    name="rules",
    help="Test, lint and describe eligibility rules files (for rule authors and CI).",
)

RulesArgument = Annotated[
    list[Path], typer.Argument(help="Rules files or folders of *.yaml.", show_default=False)
]


@rules_app.command("test")
def test_command(
    rules: RulesArgument,
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit", help="Also write the results as JUnit XML to this file.", show_default=False
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Run the test cases embedded in rules files. Exit 0: all pass; 1: some fail.

    Jalankan kasus uji di dalam berkas aturan.
    """
    report = run_tests(expand_rule_paths(rules))
    if junit is not None:
        write_junit(report, junit)
    for f in report.files:
        for issue in f.issues:
            target = err_console if issue.severity == "error" else console
            if issue.severity == "error" or not quiet:
                target.print(
                    f"[red]ERROR[/] {issue}"
                    if issue.severity == "error"
                    else f"[yellow]warning[/] {issue}",
                    markup=True,
                    soft_wrap=True,
                )
        for case in f.cases:
            if case.passed:
                if not quiet:
                    console.print(
                        f"[green]PASS[/] {escape(f'{f.file}: {case.name}')}", soft_wrap=True
                    )
                continue
            err_console.print(
                f"[red]FAIL[/] {escape(f'{f.file}:{case.line}: {case.name}')}", soft_wrap=True
            )
            for issue in case.issues:
                err_console.print(f"     {issue}", soft_wrap=True, markup=False)
            for line in case.differences:
                err_console.print(f"     {line}", soft_wrap=True, markup=False)
    broken = sum(1 for f in report.files if any(i.severity == "error" for i in f.issues))
    if not quiet:
        console.print(
            f"{report.cases - report.failed_cases}/{report.cases} cases passed in "
            f"{len(report.files)} file(s)" + (f"; {broken} file(s) unusable" if broken else "")
        )
    if junit is not None and not quiet:
        console.print(f"JUnit XML: {junit}", markup=False, soft_wrap=True)
    raise typer.Exit(code=int(ExitCode.OK if report.passed else ExitCode.DATA_FAILED))


@rules_app.command("lint")
def lint_command(
    rules: RulesArgument,
    as_of: AsOfOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Check rules files: YAML and its 1.1 traps, unknown keys, SQL, columns, types, dates.

    Periksa berkas aturan. Exit 0: clean; 1: errors (or warnings with --strict).
    """
    date = parse_date(as_of, "--as-of") or dt.date.today()  # CLI default; printed below
    report = lint(expand_rule_paths(rules), date)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "as_of": date.isoformat(),
                    "files": report.files,
                    "issues": [vars(i) for i in report.issues],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not quiet:
        for issue in report.issues:
            label = "[red]error[/]" if issue.severity == "error" else "[yellow]warning[/]"
            console.print(f"{label} {escape(str(issue))}", soft_wrap=True)
        console.print(
            f"{len(report.files)} file(s) checked at {date.isoformat()}: "
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
    failed = report.errors or (strict and report.warnings)
    raise typer.Exit(code=int(ExitCode.DATA_FAILED if failed else ExitCode.OK))


@rules_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema (draft-07) of rules files, for editor autocompletion."""
    typer.echo(json_schema_text())
