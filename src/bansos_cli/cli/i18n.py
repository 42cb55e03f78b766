"""The language of the command line: help texts, usage errors and the framework's own labels.

Help texts in the command definitions are catalogue codes (``data/messages/cli.yaml``);
:func:`localise` replaces them by their text in the language of the run just before help is
shown. Errors found while parsing the command line (unknown option, missing argument, bad
value) are turned into one catalogue text by :func:`usage_error_message`. The language of
such early errors is :func:`early_lang`: ``--lang`` on the command line if it names a known
language, else ``BANSOS_LANG``, else Indonesian.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bansos_cli.core import messages

HELP_VALUES: dict[str, str] = {
    "config": "bansos.yaml",
    "key_env": "BANSOS_PSEUDONYM_KEY",
    "layouts": "canonical, siks_ng, blt_dd, keluarga, rekonsiliasi",
    "personal_columns": (
        "nik, no_kk, nama, nama_ibu_kandung, tanggal_lahir, tempat_lahir, "
        "tempat_tanggal_lahir, alamat, telepon"
    ),
    "default_columns": "nik,no_kk,nama,nama_ibu_kandung,telepon",
    "stages": "validate, dedup, check, reconcile",
    "debug_env": "BANSOS_DEBUG",
}
"""Values named in help texts. Copies of library constants (``CONFIG_NAME``, ``LAYOUTS``,
``PERSONAL_COLUMNS``...): importing the library for them would load polars on ``--help``;
tests/test_cli_grammar.py checks that they match."""

_BUILTIN_HELP = {
    "install_completion": "HELP_INSTALL_COMPLETION",
    "show_completion": "HELP_SHOW_COMPLETION",
}
"""Help of the options the framework adds itself, by parameter name."""

_TYPER_LABELS = {
    "ARGUMENTS_PANEL_TITLE": "LABEL_HELP_ARGUMENTS",
    "OPTIONS_PANEL_TITLE": "LABEL_HELP_OPTIONS",
    "COMMANDS_PANEL_TITLE": "LABEL_HELP_COMMANDS",
    "DEFAULT_STRING": "LABEL_HELP_DEFAULT",
    "REQUIRED_LONG_STRING": "LABEL_HELP_REQUIRED",
    "ENVVAR_STRING": "LABEL_HELP_ENVVAR",
    "DEPRECATED_STRING": "LABEL_HELP_DEPRECATED",
}
"""Labels of Typer's help layout (module constants of ``typer.rich_utils``) and their codes."""


_run_langs: list[str] = []
"""The language of each run in progress (innermost last): set from the command line when a
run starts, replaced once the command has resolved its own ``--lang``."""


@contextmanager
def run_language(lang: str) -> Iterator[None]:
    """Make ``lang`` the language of the run for the duration."""
    _run_langs.append(lang)
    try:
        yield
    finally:
        _run_langs.pop()


def set_lang(lang: str) -> None:
    """The command has resolved its language: errors from now on are printed in it."""
    if _run_langs:
        _run_langs[-1] = lang


def current_lang() -> str:
    """The language of the run in progress (outside a run: from ``sys.argv`` and the env)."""
    import sys

    return _run_langs[-1] if _run_langs else early_lang(sys.argv[1:])


def early_lang(args: Sequence[str]) -> str:
    """The language for messages shown before the options are parsed: ``--lang`` in ``args``
    when it names a known language, else ``BANSOS_LANG``, else the default."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value is not None and value.strip().lower() in messages.LANGS:
            return value.strip().lower()
    return messages.env_lang()


def _render(value: str | None, lang: str) -> str | None:
    """A help value made of catalogue codes (one, or several joined by spaces) as text."""
    if not value:
        return value
    codes = value.split()
    known = messages.catalogue()
    if not all(code in known for code in codes):
        return value
    return " ".join(messages.text(code, lang, **HELP_VALUES) for code in codes)


def localise(command: Any, lang: str) -> None:
    """Replace the help codes of ``command`` and its subcommands by their texts in ``lang``.

    Done once per command object (the objects are built afresh for every run)."""
    if getattr(command, "_bansos_lang", None) == lang:
        return
    original = getattr(command, "_bansos_codes", None)
    if original is None:
        original = {
            "help": command.help,
            "short_help": command.short_help,
            "epilog": command.epilog,
            "params": [(p, getattr(p, "help", None), p.metavar) for p in command.params],
        }
        command._bansos_codes = original
    command.help = _render(original["help"], lang)
    command.short_help = _render(original["short_help"], lang)
    epilog = original["epilog"]
    if epilog:
        first, _, rest = epilog.partition("\n")
        command.epilog = f"[bold]{_render(first, lang)}[/]\n{rest}"
    command.options_metavar = messages.text("LABEL_HELP_OPTIONS_METAVAR", lang)
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = messages.text("LABEL_HELP_COMMAND_METAVAR", lang)
    for param, help_code, metavar in original["params"]:
        if hasattr(param, "help"):
            param.help = _render(_BUILTIN_HELP.get(param.name or "", help_code), lang)
        if metavar is not None:
            param.metavar = _render(f"METAVAR_{metavar}", lang) or metavar
    command._bansos_lang = lang
    for sub in getattr(command, "commands", {}).values():
        localise(sub, lang)


@contextmanager
def typer_labels(lang: str) -> Iterator[None]:
    """Typer's own help labels ("Options", "[default: ...]") in ``lang`` while help is drawn.

    Typer keeps them as module constants read at drawing time; they are set for the duration
    and restored afterwards. Constants a Typer version does not have are left alone."""
    from typer import rich_utils

    saved = {name: getattr(rich_utils, name) for name in _TYPER_LABELS if hasattr(rich_utils, name)}
    try:
        for name in saved:
            setattr(rich_utils, name, messages.text(_TYPER_LABELS[name], lang))
        yield
    finally:
        for name, value in saved.items():
            setattr(rich_utils, name, value)


# --- errors -------------------------------------------------------------------------------


def error_message(exc: BaseException, lang: str) -> str:
    """The one-line text of a :class:`~bansos_cli.core.errors.BansosError` in ``lang``.

    An error that can render itself (``exc.render(lang)``, as catalogue-backed errors do) is
    shown in ``lang``; any other shows its own text."""
    render = getattr(exc, "render", None)
    return str(render(lang)) if callable(render) else str(exc)


def _names(exc: BaseException) -> set[str]:
    # Dispatch on class names: the framework's exception classes are not public API.
    return {cls.__name__ for cls in type(exc).__mro__}


def _param_name(param: Any, lang: str) -> str:
    """An option by its long name, an argument by its (translated) metavar."""
    if param is None:
        return "?"
    if getattr(param, "param_type_name", "") == "argument":
        name = str(param.metavar or param.name or "?").upper()
        code = f"METAVAR_{name}"
        return messages.text(code, lang) if code in messages.catalogue() else name
    return str(max(param.opts, key=len)) if param.opts else str(param.name)


_VALUE_CODES = {
    "int_parsing": "CLI_VALUE_INT",
    "int_from_float": "CLI_VALUE_INT",
    "float_parsing": "CLI_VALUE_NUMBER",
    "bool_parsing": "CLI_VALUE_BOOL",
    "greater_than_equal": "CLI_VALUE_MIN",
    "greater_than": "CLI_VALUE_ABOVE",
    "less_than_equal": "CLI_VALUE_MAX",
    "less_than": "CLI_VALUE_BELOW",
    "enum": "CLI_VALUE_CHOICE",
    "literal_error": "CLI_VALUE_CHOICE",
}
_LIMITS = ("ge", "gt", "le", "lt")


def _value_detail(exc: BaseException, lang: str) -> str:
    """Why a value was refused, from the validation error behind it."""
    cause = exc.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if not errors:
        return messages.text("CLI_VALUE_UNUSABLE", lang)
    first = errors[0]
    context = first.get("ctx") or {}
    limit = next((context[k] for k in _LIMITS if k in context), "")
    return messages.text(
        _VALUE_CODES.get(str(first.get("type")), "CLI_VALUE_OTHER"),
        lang,
        value=str(first.get("input", "")),
        limit=f"{limit:g}" if isinstance(limit, int | float) else str(limit),
        allowed=str(context.get("expected", "")),
    )


def _suggest(word: str, choices: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def usage_error_message(exc: Any, lang: str) -> str:
    """One line in ``lang`` for an error of the command-line parser (unknown option, missing
    option or argument, bad value, extra arguments, unknown command)."""
    names = _names(exc)
    ctx = getattr(exc, "ctx", None)
    message = str(getattr(exc, "message", "") or "")
    suggestions: list[str] = []
    if "NoSuchOption" in names:
        text = messages.text("CLI_NO_SUCH_OPTION", lang, option=exc.option_name)
        suggestions = sorted(exc.possibilities or [])
    elif "MissingParameter" in names:
        param = exc.param
        kind = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        code = "CLI_MISSING_ARGUMENT" if kind == "argument" else "CLI_MISSING_OPTION"
        text = messages.text(code, lang, name=_param_name(param, lang))
    elif "BadParameter" in names:
        text = messages.text(
            "CLI_INVALID_VALUE",
            lang,
            name=_param_name(exc.param, lang),
            detail=_value_detail(exc, lang),
        )
    elif "BadOptionUsage" in names:
        code = "CLI_OPTION_NO_VALUE" if "does not take" in message else "CLI_OPTION_NEEDS_VALUE"
        text = messages.text(code, lang, option=exc.option_name)
    elif extra := re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message):
        text = messages.text("CLI_EXTRA_ARGUMENTS", lang, arguments=extra.group(1))
    elif unknown := re.match(r"No such command '(.*?)'", message):
        text = messages.text("CLI_NO_SUCH_COMMAND", lang, command=unknown.group(1))
        commands = getattr(getattr(ctx, "command", None), "commands", {}) or {}
        suggestions = _suggest(unknown.group(1), list(commands))
    elif message.startswith("Missing command"):
        text = messages.text("CLI_MISSING_COMMAND", lang)
    else:
        text = messages.text("CLI_USAGE_OTHER", lang, detail=message)
    hints = []
    if suggestions:
        hints.append(messages.text("CLI_DID_YOU_MEAN", lang, choices=", ".join(suggestions)))
    if ctx is not None:
        hints.append(messages.text("CLI_SEE_HELP", lang, command=ctx.command_path))
    return f"{text} ({'; '.join(hints)})" if hints else text


__all__ = [
    "HELP_VALUES",
    "current_lang",
    "early_lang",
    "error_message",
    "localise",
    "run_language",
    "set_lang",
    "typer_labels",
    "usage_error_message",
]
