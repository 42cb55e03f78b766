"""Generate the CLI reference from the commands' own help (``make docs-cli``).

``docs/cli.md`` is the English reference, ``docs/cli.id.md`` the Indonesian one; a test
regenerates both and compares them with the committed files, so they can never go stale.
"""

from __future__ import annotations

import inspect as pyinspect
from typing import Any

import typer
import typer.main

from bansos_cli.cli import app
from bansos_cli.cli.i18n import localise
from bansos_cli.core.messages import text

FILES = {"en": "docs/cli.md", "id": "docs/cli.id.md"}
"""The reference in each language, relative to the repository root."""


def _param_rows(command: Any, ctx: typer.Context, lang: str) -> list[str]:
    rows = []
    for param in command.params:
        if param.param_type_name == "argument":
            name = f"`{(param.metavar or param.name or '').upper()}`"
            kind = text("LABEL_DOC_ARGUMENT", lang)
            if param.nargs == -1:
                kind += f" ({text('LABEL_DOC_ONE_OR_MORE', lang)})"
            help_text = getattr(param, "help", "") or ""
        else:
            if param.hidden:
                continue
            names = [*param.opts, *param.secondary_opts]
            name = " / ".join(f"`{n}`" for n in names)
            flag = param.is_flag
            kind = text("LABEL_DOC_FLAG", lang) if flag else str(param.display_type(ctx))
            kind = kind.strip("<>").lower()
            help_text = param.help or ""
            default = param.default
            if param.show_default is not False and default not in (None, False, (), []):
                help_text += " " + text("LABEL_DOC_DEFAULT", lang, value=default)
        help_text = " ".join(help_text.split()).replace("|", "\\|")
        rows.append(f"| {name} | {kind} | {help_text} |")
    return rows


def _section(path: str, command: Any, lang: str) -> list[str]:
    lines = [f"## `{path}`", ""]
    doc = pyinspect.cleandoc(command.help or "")
    lines += [doc, ""]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            lines += _section(f"{path} {name}", sub, lang)
        return lines
    ctx = typer.Context(command, info_name=path)
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines += ["```", f"{path} {usage}", "```", ""]
    rows = _param_rows(command, ctx, lang)
    if rows:
        lines += [text("LABEL_DOC_TABLE_HEAD", lang), "|---|---|---|", *rows, ""]
    examples = [line.strip() for line in (command.epilog or "").splitlines()[1:] if line.strip()]
    if examples:
        lines += [text("CLI_EXAMPLES", lang), "", "```console", *examples, "```", ""]
    return lines


def render(lang: str = "en") -> str:
    """The Markdown CLI reference in ``lang``."""
    group: Any = typer.main.get_command(app)
    localise(group, lang)
    lines = [text("CLI_DOC_HEADER", lang)]
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        lines += _section(f"bansos {name}", command, lang)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render(sys.argv[1] if len(sys.argv) > 1 else "en"))
