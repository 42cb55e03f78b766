"""The Typer application: its command classes, error handling, language and ``--version``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import IO, Annotated, Any, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.segment import Segment
from typer.core import TyperCommand, TyperGroup

from bansos_cli import __version__
from bansos_cli.cli.i18n import (
    current_lang,
    early_lang,
    error_message,
    localise,
    run_language,
    typer_labels,
)
from bansos_cli.cli.options import RENAMED, rename_deprecated
from bansos_cli.cli.terminal import MaskedStream, mask_warnings_and_logs
from bansos_cli.core.errors import BansosError, ExitCode
from bansos_cli.core.safe_text import escape_controls, escape_json_controls, has_controls


class SafeConsole(Console):
    """A console that escapes control characters in everything it shows.

    Every text segment of every rendered object (a line, a table cell, a panel) goes through
    :func:`~bansos_cli.core.safe_text.escape_controls`; the console's own control segments
    (cursor moves of a progress bar) and the styles it renders are left as they are. So an
    ESC sequence in a cell, a header or a file name is shown, never run by the terminal.
    """

    def render(self, renderable: Any, options: Any = None) -> Any:
        for segment in super().render(renderable, options):
            if segment.control or not has_controls(segment.text):
                yield segment
            else:
                yield Segment(escape_controls(segment.text), segment.style)


def echo_json(data: Any, *, sort_keys: bool = False) -> None:
    """Print ``data`` as indented JSON on stdout (``--json``), control characters escaped and
    NIK-like digit runs in its texts masked (numbers stay numbers)."""
    import json

    from bansos_cli.cli.terminal import masked_data

    text = json.dumps(
        masked_data(data), ensure_ascii=False, indent=2, sort_keys=sort_keys, default=str
    )
    typer.echo(escape_json_controls(text))


# Status and summaries go to stdout; errors, notices and progress to stderr, so that
# ``--json`` output on stdout stays machine-readable.
# Both escape control characters (SafeConsole) and write through MaskedStream: no full NIK
# reaches the terminal by any path.
console = SafeConsole(file=cast("IO[str]", MaskedStream("stdout")), highlight=False)
err_console = SafeConsole(
    file=cast("IO[str]", MaskedStream("stderr")), stderr=True, highlight=False
)


COMMAND_ORDER = (
    "run", "init", "inspect", "validate", "dedup", "check", "rules", "reconcile",
    "pseudonymise", "sample",
)  # fmt: skip
"""The commands in the order data flows through them (as ``--help`` lists them)."""

DEBUG_ENV = "BANSOS_DEBUG"
"""Set to 1 to get the full traceback of an internal error instead of the one-line report."""


def print_error(message: str, lang: str) -> None:
    """``bansos: kesalahan: ...`` on stderr, one line, printed as written (no markup)."""
    from bansos_cli.core.messages import text

    err_console.print(
        f"[bold red]{escape(text('CLI_ERROR_PREFIX', lang))}[/] {escape(message)}",
        soft_wrap=True,
    )


class _Localised:
    """Help in the language of the run: codes become texts, Typer's labels are translated."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        lang = current_lang()
        localise(ctx.find_root().command, lang)
        with typer_labels(lang):
            super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        from bansos_cli.core.messages import text

        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        prefix = text("LABEL_HELP_USAGE", current_lang())
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=f"{prefix} ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        lang = getattr(self, "_bansos_lang", None)
        if option is not None and lang is not None:  # only once help texts are localised
            from bansos_cli.core.messages import text

            option.help = text("HELP_HELP", lang)
        return option


class BansosCommand(_Localised, TyperCommand):
    """A ``bansos`` command: help in the language of the run."""


class BansosGroup(_Localised, TyperGroup):
    """The ``bansos`` group: every error becomes one line on stderr in the language of the run.

    A usage error (unknown option, missing argument, bad value) and a :class:`BansosError`
    exit with code 2, any other exception (a bug) with one masked line and code 3."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        lang = early_lang(argv)
        if standalone_mode:
            from bansos_cli.core.outputset import exit_cleanly_on_terminate

            exit_cleanly_on_terminate()  # SIGTERM leaves no staging folder behind
            mask_warnings_and_logs()
        with run_language(lang):
            if os.environ.get(complete_var or "_BANSOS_COMPLETE"):
                localise(self, lang)  # shell completion shows the help texts
            try:
                code = super().main(
                    args=argv,
                    prog_name=prog_name,
                    complete_var=complete_var,
                    standalone_mode=False,
                    windows_expand_args=windows_expand_args,
                    **extra,
                )
            except typer.Abort:
                if not standalone_mode:
                    raise
                from bansos_cli.core.messages import text

                err_console.print(text("CLI_ABORTED", current_lang()))
                sys.exit(1)
            except typer.TyperException as exc:  # the parser's usage errors
                if not standalone_mode:
                    raise
                if type(exc).__name__ != "NoArgsIsHelpError":  # that one has shown the help
                    from bansos_cli.cli.i18n import usage_error_message

                    print_error(usage_error_message(exc, lang), lang)
                sys.exit(int(ExitCode.USAGE))
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BansosError as exc:
            print_error(error_message(exc, current_lang()), current_lang())
            raise typer.Exit(code=int(exc.exit_code)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # exits, Ctrl-C and usage errors are reported by main()
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _internal_error(exc, current_lang())
            raise typer.Exit(code=int(ExitCode.INTERNAL)) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not hasattr(command, "commands"):
            known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
            rest, used = rename_deprecated(rest, known)
            if used and not ctx.resilient_parsing and not {"-q", "--quiet"} & set(rest):
                from bansos_cli.core.messages import text

                for old in used:
                    err_console.print(
                        text("CLI_DEPRECATED_OPTION", current_lang(), old=old, new=RENAMED[old]),
                        markup=False,
                        soft_wrap=True,
                    )
        return name, command, rest

    def list_commands(self, ctx: Any) -> list[str]:
        # The order of the data flow in --help (then registration order, e.g. rules test|lint).
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(rank)))


def _internal_error(exc: Exception, lang: str) -> None:
    """A bug: one line, digit runs masked (a traceback could quote a NIK from the data)."""
    from bansos_cli.core.messages import text
    from bansos_cli.core.privacy import mask_digit_runs

    lines = str(exc).strip().splitlines()
    detail = mask_digit_runs(lines[0] if lines else "")[:300]
    err_console.print(
        f"[bold red]{escape(text('CLI_INTERNAL_PREFIX', lang))}[/] "
        + escape(
            text("CLI_INTERNAL_ERROR", lang, kind=type(exc).__name__, detail=detail, env=DEBUG_ENV)
        ),
        soft_wrap=True,
    )


app = typer.Typer(
    name="bansos",
    cls=BansosGroup,
    help="CMD_ROOT",
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
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="HELP_VERSION"),
    ] = False,
) -> None:
    """Root callback: holds the global ``--version`` option."""


def command(name: str, *, examples: Sequence[str] = ()) -> Any:
    """Register a ``bansos`` command: its help is the catalogue code ``CMD_<NAME>``, its
    ``--help`` ends with ``examples`` (command lines, checked by a test)."""
    epilog = "\n".join(["CLI_EXAMPLES", *(f"  {line}" for line in examples)]) if examples else None
    return app.command(name, cls=BansosCommand, help=f"CMD_{name.upper()}", epilog=epilog)


__all__ = [
    "BansosCommand",
    "BansosGroup",
    "ExitCode",
    "app",
    "command",
    "console",
    "current_lang",
    "err_console",
    "print_error",
]
