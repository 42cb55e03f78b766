"""Docs are tested artifacts: the CLI reference is generated and must not be stale."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.cli.docgen import render

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: run `make docs-cli`"


def test_every_command_has_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    runner = CliRunner()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert (command.help or "").strip(), f"bansos {name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage" in result.stdout


def test_readme_opens_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:2500]
    assert "make demo" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"
