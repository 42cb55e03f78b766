"""Ingest notices and reading reasons as shown in the terminal, in the chosen language."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from bansos_cli.core.messages import text

if TYPE_CHECKING:
    from bansos_cli.ingest import SourceInfo
    from bansos_cli.pipeline.engines import EngineChoice

# How the sheet and the header row were chosen (``SourceInfo.sheet_reason``/``header_reason``)
# and how a column was mapped (``ColumnMap.via``): the reader's words and their label codes.
_HIDDEN = " (hidden sheet: no visible sheet had a usable header)"
_REASONS = {
    "chosen with --sheet": "LABEL_REASON_SHEET_OPTION",
    "the only sheet": "LABEL_REASON_ONLY_SHEET",
    "the only sheet with a beneficiary-list header": "LABEL_REASON_ONLY_LIST_SHEET",
    "best header match among sheets": "LABEL_REASON_BEST_SHEET",
    "one of several sheets with the same columns": "LABEL_REASON_SAME_COLUMNS",
    _HIDDEN: "LABEL_REASON_HIDDEN",
    "given with --header-row": "LABEL_REASON_HEADER_OPTION",
    "best match with known column names": "LABEL_REASON_BEST_HEADER",
    "Parquet column names": "LABEL_REASON_PARQUET",
    "mapping": "LABEL_REASON_MAPPING",
    "synonym": "LABEL_REASON_SYNONYM",
    "passthrough": "LABEL_REASON_PASSTHROUGH",
}


def reason(value: str, lang: str) -> str:
    """A reading reason or mapping method in ``lang`` (as it is when unknown)."""
    if value.endswith(_HIDDEN) and value != _HIDDEN:
        return reason(value.removesuffix(_HIDDEN), lang) + reason(_HIDDEN, lang)
    code = _REASONS.get(value)
    return text(code, lang) if code else value


def print_notices(console: Console, sources: Iterable[SourceInfo], lang: str) -> None:
    """One ``! file: message (CODE)`` line per notice of every source (nothing if none)."""
    for info in sources:
        for notice in info.notices:
            console.print(
                f"[yellow]![/] {escape(Path(info.path).name)}: {escape(notice.text(lang))} "
                f"[dim]({notice.code})[/]",
                soft_wrap=True,
            )


def print_engine(console: Console, choice: EngineChoice | None, lang: str) -> None:
    """One ``i message (CODE)`` line: the engine the run used and why (nothing if unknown)."""
    if choice is None:
        return
    notice = choice.notice
    console.print(f"[blue]i[/] {escape(notice.text(lang))} [dim]({notice.code})[/]", soft_wrap=True)
