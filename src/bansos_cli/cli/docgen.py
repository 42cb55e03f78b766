"""Generate ``docs/cli.md`` from the commands' own help (``make docs-cli``).

A test regenerates the text and compares it with the committed file, so the reference can
never go stale.
"""

from __future__ import annotations

import inspect as pyinspect
from typing import Any

import typer
import typer.main

from bansos_cli.cli import app

HEADER = """# CLI reference

Generated from `bansos --help` by `make docs-cli`; do not edit by hand. Every command takes
`-h/--help`. Exit codes for every command: **0** clean, **1** the data failed its checks
(findings at or above `--fail-on`, unmatched rows, failed rule tests), **2** unusable input or
options, or an output that cannot be written (one line on stderr naming the file and what to
do; no output files are left behind), **3** an internal error, i.e. a bug in bansos (one line
with NIK-like numbers masked; `BANSOS_DEBUG=1` shows the traceback).
"""


def _param_rows(command: Any, ctx: typer.Context) -> list[str]:
    rows = []
    for param in command.params:
        if param.param_type_name == "argument":
            name = f"`{(param.metavar or param.name or '').upper()}`"
            kind = "argument" + (" (one or more)" if param.nargs == -1 else "")
            help_text = getattr(param, "help", "") or ""
        else:
            if param.hidden:
                continue
            names = [*param.opts, *param.secondary_opts]
            name = " / ".join(f"`{n}`" for n in names)
            kind = "flag" if param.is_flag else str(param.display_type(ctx)).strip("<>").lower()
            help_text = param.help or ""
            default = param.default
            if param.show_default is not False and default not in (None, False, (), []):
                help_text += f" Default: `{default}`."
        help_text = " ".join(help_text.split()).replace("|", "\\|")
        rows.append(f"| {name} | {kind} | {help_text} |")
    return rows


def _section(path: str, command: Any) -> list[str]:
    lines = [f"## `{path}`", ""]
    doc = pyinspect.cleandoc(command.help or "")
    lines += [doc, ""]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            lines += _section(f"{path} {name}", sub)
        return lines
    ctx = typer.Context(command, info_name=path)
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines += ["```", f"{path} {usage}", "```", ""]
    rows = _param_rows(command, ctx)
    if rows:
        lines += ["| option | kind | meaning |", "|---|---|---|", *rows, ""]
    examples = [line.strip() for line in (command.epilog or "").splitlines()[1:] if line.strip()]
    if examples:
        lines += ["Examples / contoh:", "", "```console", *examples, "```", ""]
    return lines


def render() -> str:
    """The Markdown CLI reference."""
    group: Any = typer.main.get_command(app)
    lines = [HEADER]
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        lines += _section(f"bansos {name}", command)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
