"""The Typer application, its error handling and the options every command shares."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup
from typer.exceptions import TyperException

from bansos_cli import __version__
from bansos_cli.core.errors import BansosError, ExitCode
from bansos_cli.core.privacy import mask_digit_runs

# Status and summaries go to stdout; errors, notices and progress to stderr, so that
# ``--json`` output on stdout stays machine-readable.
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


DEBUG_ENV = "BANSOS_DEBUG"
"""Set to 1 to get the full traceback of an internal error instead of the one-line report."""


class BansosGroup(TyperGroup):
    """Turns a :class:`BansosError` from any command into one line on stderr and exit code 2,
    and any other exception (a bug) into one masked line and exit code 3."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BansosError as exc:
            err_console.print(
                f"[bold red]bansos: error:[/] {escape(str(exc))}", markup=True, soft_wrap=True
            )
            raise typer.Exit(code=int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise  # exits, Ctrl-C and usage errors are reported by the CLI framework
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            # a traceback could quote data (a NIK in a value or a message): one masked line
            lines = str(exc).strip().splitlines()
            detail = mask_digit_runs(lines[0] if lines else "")[:300]
            err_console.print(
                f"[bold red]bansos: internal error:[/] {escape(type(exc).__name__)}: "
                f"{escape(detail)} (this is a bug in bansos: please report it with the command "
                f"you ran; {DEBUG_ENV}=1 shows the traceback)",
                markup=True,
                soft_wrap=True,
            )
            raise typer.Exit(code=int(ExitCode.INTERNAL)) from None

    def list_commands(self, ctx: Any) -> list[str]:
        # Keep registration order (the order of the data-flow) in --help.
        return list(self.commands)


app = typer.Typer(
    name="bansos",
    cls=BansosGroup,
    help=(
        "Validate, deduplicate, check eligibility of and reconcile Indonesian social-aid "
        "(bansos) beneficiary lists.\n\n"
        "Periksa, cari data ganda, cek kelayakan dan rekonsiliasi daftar penerima bansos."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        console.print(f"bansos {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Root callback: holds the global ``--version`` option."""


LANGS = ("id", "en")


def resolve_lang(lang: str | None) -> str:
    """The message language: ``--lang``, else ``BANSOS_LANG``, else Indonesian."""
    chosen = (lang or os.environ.get("BANSOS_LANG") or "id").strip().lower()
    if chosen not in LANGS:
        raise BansosError(f"unknown language {chosen!r}", hint="use --lang id or --lang en")
    return chosen


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Message language: id (Bahasa Indonesia, default) or en. Env: BANSOS_LANG.",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors; rely on the exit code.")
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the summary as JSON on stdout and nothing else.")
]

__all__ = [
    "BansosGroup",
    "ExitCode",
    "JsonOption",
    "LangOption",
    "QuietOption",
    "app",
    "console",
    "err_console",
    "resolve_lang",
]
