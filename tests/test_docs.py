"""Docs are tested artifacts: the CLI reference is generated and must not be stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.cli.docgen import FILES, render

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lang", sorted(FILES))
def test_cli_reference_is_current(lang: str) -> None:
    committed = (ROOT / FILES[lang]).read_text(encoding="utf-8")
    assert committed == render(lang), f"{FILES[lang]} is stale: run `make docs-cli`"


def _commands() -> list[tuple[str, Any]]:
    """Every command and subcommand as ``(command line, click command)``."""
    group: Any = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():
        found.append((name, command))
        for sub, subcommand in getattr(command, "commands", {}).items():
            found.append((f"{name} {sub}", subcommand))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_has_help_in_both_languages(name: str, command: Any) -> None:
    """--help follows --lang (and BANSOS_LANG): every help text exists in both languages."""
    assert (command.help or "").strip(), f"bansos {name} has no help text"
    runner = CliRunner()
    words = name.split()
    for lang, usage in (("id", "Pemakaian: bansos"), ("en", "Usage: bansos")):
        calls = [([*words, "-h"], {"BANSOS_LANG": lang})]
        if not hasattr(command, "commands"):  # a group has no --lang of its own
            calls.append(([*words, "--help", "--lang", lang], {"BANSOS_LANG": None}))
        for args, env in calls:
            result = runner.invoke(app, args, env=env)
            assert result.exit_code == 0, (name, lang)
            assert usage in result.stdout
            assert "HELP_" not in result.stdout and "CMD_" not in result.stdout  # no raw code
    indonesian = runner.invoke(app, [*words, "--help"], env={"BANSOS_LANG": None}).stdout
    english = runner.invoke(app, [*words, "--help"], env={"BANSOS_LANG": "en"}).stdout
    assert indonesian != english
    assert "Opsi" in indonesian or "Perintah" in indonesian


def test_readme_opens_with_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:2500]
    assert "make demo" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"
