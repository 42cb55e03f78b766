"""The one error class users can fix, and the exit codes of the command-line tool.

Anything that is *not* a :class:`BansosError` is a bug and is allowed to propagate.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, Self

from bansos_cli.core import messages


class ExitCode(IntEnum):
    """Exit codes of every ``bansos`` command (documented in docs/cli.md)."""

    OK = 0
    """The run finished and the data passed (no finding at or above ``--fail-on``)."""
    DATA_FAILED = 1
    """The run finished and the data failed its checks (findings, unmatched rows, failed tests)."""
    USAGE = 2
    """Unusable input or options: nothing (or nothing more) could be computed."""
    INTERNAL = 3
    """A bug in bansos (an unexpected error); reported in one masked line."""


class BansosError(Exception):
    """A problem the user can fix: a bad file, a bad option, a broken rules or config file.

    The message is one line that says what is wrong, where, and what to do. The CLI prints it
    on stderr, in the language of the run (:meth:`render`), and exits with
    :attr:`ExitCode.USAGE`; no traceback is shown.

    Raise it with a message code of ``data/messages/errors.yaml`` and the code's parameters::

        raise InputFileError.of("FILE_NOT_FOUND", path=text)

    The text and the hint then come from the catalogue in either language; ``str(exc)`` is the
    English one (for logs and tracebacks). A plain English ``message`` (no code) still works,
    but is shown in English only.
    """

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(
        self,
        message: str = "",
        *,
        path: str | None = None,
        hint: str | messages.Text | None = None,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
    ):
        self.path = path
        self.code = code
        """The message code (``None`` for a plain-text error)."""
        self.params: dict[str, Any] = dict(params or {})
        self._message = message
        self._hint = hint
        self.detail = self._detail("en")
        """What is wrong, in English, without the path and the hint."""
        self.hint = self._hint_text("en")
        """What to do, in English (``None`` when there is no hint)."""
        super().__init__(self.render("en"))

    @classmethod
    def of(
        cls,
        code: str,
        /,
        *,
        path: str | None = None,
        hint: messages.Text | None = None,
        **params: Any,
    ) -> Self:
        """The error of message ``code`` with its placeholders filled from ``params``.

        ``path`` names the file (or the option) the message is about; ``hint`` replaces the
        code's own hint (for a hint that depends on the caller).
        """
        return cls(path=path, hint=hint, code=code, params=params)

    def _detail(self, lang: str) -> str:
        if self.code is None:
            return self._message
        return messages.text(self.code, lang, **self.params)

    def _hint_text(self, lang: str) -> str | None:
        if isinstance(self._hint, messages.Text):
            return self._hint.render(lang)
        if self._hint is not None or self.code is None:
            return self._hint
        return messages.hint(self.code, lang, **self.params)

    def render(self, lang: str | None = None) -> str:
        """The one-line message in ``lang`` (default: ``BANSOS_LANG``, else Indonesian):
        ``path: what is wrong (what to do)``."""
        lang = lang or messages.env_lang()
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        parts.append(self._detail(lang))
        hint = self._hint_text(lang)
        if hint:
            parts.append(f" ({hint})")
        return "".join(parts)


class InputFileError(BansosError):
    """An input file is missing, unreadable, of an unsupported kind or has no usable table."""


class OptionError(BansosError):
    """A command-line option or API argument has an unusable value."""


class ConfigError(BansosError):
    """A YAML configuration, mapping or rules file is broken."""


class OutputError(BansosError):
    """An output folder or file cannot be written (not a folder, no permission, disk full)."""
