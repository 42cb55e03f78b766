"""Ingest notices and reading reasons as shown in the terminal, in the chosen language."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bansos_cli.ingest import SourceInfo

# How the sheet and the header row were chosen (``SourceInfo.sheet_reason``/``header_reason``)
# and how a column was mapped (``ColumnMap.via``), in Bahasa Indonesia.
_HIDDEN = " (hidden sheet: no visible sheet had a usable header)"
_ID = {
    "chosen with --sheet": "dipilih dengan --sheet",
    "the only sheet": "satu-satunya sheet",
    "the only sheet with a beneficiary-list header": (
        "satu-satunya sheet dengan judul kolom daftar penerima"
    ),
    "best header match among sheets": "judul kolom paling cocok di antara semua sheet",
    "one of several sheets with the same columns": "salah satu dari beberapa sheet berkolom sama",
    _HIDDEN: " (sheet tersembunyi: tidak ada sheet tampil dengan judul kolom yang dapat dipakai)",
    "given with --header-row": "ditentukan dengan --header-row",
    "best match with known column names": "paling cocok dengan nama kolom yang dikenal",
    "Parquet column names": "nama kolom Parquet",
    "mapping": "berkas pemetaan",
    "synonym": "sinonim bawaan",
    "passthrough": "diteruskan apa adanya",
}


def reason(text: str, lang: str) -> str:
    """A reading reason or mapping method in ``lang`` (as it is for ``en`` or when unknown)."""
    if lang != "id":
        return text
    if text.endswith(_HIDDEN) and text != _HIDDEN:
        return reason(text.removesuffix(_HIDDEN), lang) + _ID[_HIDDEN]
    return _ID.get(text, text)


def print_notices(console: Console, sources: Iterable[SourceInfo], lang: str) -> None:
    """One ``! file: message (CODE)`` line per notice of every source (nothing if none)."""
    for info in sources:
        for notice in info.notices:
            console.print(
                f"[yellow]![/] {escape(Path(info.path).name)}: {escape(notice.text(lang))} "
                f"[dim]({notice.code})[/]",
                soft_wrap=True,
            )
