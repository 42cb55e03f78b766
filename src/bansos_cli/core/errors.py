"""The one error class users can fix, and the exit codes of the command-line tool.

Anything that is *not* a :class:`BansosError` is a bug and is allowed to propagate.
"""

from __future__ import annotations

from enum import IntEnum


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
    on stderr and exits with :attr:`ExitCode.USAGE`; no traceback is shown.
    """

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.path = path
        self.hint = hint
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{self.path}: ")
        parts.append(self.detail)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)


class InputFileError(BansosError):
    """An input file is missing, unreadable, of an unsupported kind or has no usable table."""


class OptionError(BansosError):
    """A command-line option or API argument has an unusable value."""


class ConfigError(BansosError):
    """A YAML configuration, mapping or rules file is broken."""


class OutputError(BansosError):
    """An output folder or file cannot be written (not a folder, no permission, disk full)."""
