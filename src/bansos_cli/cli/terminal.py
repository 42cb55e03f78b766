"""The terminal streams of the command line, with identifiers masked on the way out.

Everything the command line prints through its consoles (tables, notices, errors, progress)
passes :func:`bansos_cli.core.redact.mask_text` at the last moment: a NIK that reached a
message by a path nobody thought of (a header that is a data row, a cell quoted by a
third-party error) still never reaches the screen in full.
"""

from __future__ import annotations

import sys
from typing import Any

from bansos_cli.core.redact import mask_text


class MaskedStream:
    """``sys.stdout`` or ``sys.stderr`` as it is at each write (tests swap them), masked."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def _stream(self) -> Any:
        return getattr(sys, self._name)

    def write(self, text: str) -> int:
        self._stream.write(mask_text(text))
        return len(text)

    def __getattr__(self, attr: str) -> Any:  # isatty, fileno, flush, encoding, ...
        return getattr(self._stream, attr)


def masked_data(value: Any) -> Any:
    """A JSON-ready value with every text (keys too) masked (:func:`mask_text`); numbers stay."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {masked_data(k): masked_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked_data(v) for v in value]
    return value


def mask_warnings_and_logs() -> None:
    """Python warnings and log records of the libraries bansos uses reach stderr masked too
    (they print to ``sys.stderr`` directly, past the consoles)."""
    import logging
    import warnings

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        text = warnings.formatwarning(message, category, filename, lineno, line)
        (file or sys.stderr).write(mask_text(text))

    warnings.showwarning = show
    handler = logging.StreamHandler(MaskedStream("stderr"))
    handler.setLevel(logging.WARNING)
    logging.lastResort = handler
