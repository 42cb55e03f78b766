"""``bansos inspect``: show how bansos reads a file (sheet, header row, column mapping)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.markup import escape
from rich.table import Table

from bansos_cli.cli.app import JsonOption, LangOption, app, console, resolve_lang
from bansos_cli.cli.notices import reason
from bansos_cli.cli.options import (
    DelimiterOption,
    EncodingOption,
    FilesArgument,
    HeaderRowOption,
    MappingOption,
    SheetOption,
    read_options,
)
from bansos_cli.core.columns import excel_column_letter
from bansos_cli.ingest import SourceInfo
from bansos_cli.pipeline.inspect import inspect_inputs

_T = {
    "id": {
        "file": "Berkas",
        "sheets": "Sheet",
        "rows": "baris",
        "hidden": "tersembunyi",
        "visible": "tampil",
        "header": "baris judul kolom",
        "chosen": "dipilih",
        "sheet_used": "Sheet dibaca",
        "header_row": "Baris judul kolom (header)",
        "mapping": "Pemetaan kolom",
        "source": "Judul di berkas",
        "column": "Kolom bansos",
        "via": "Cara",
        "unmapped": "Kolom tidak dikenal (tetap disimpan)",
        "records": "Baris data dibaca",
        "empty": "baris kosong dilewati",
        "notices": "Perhatian",
        "preview": "Contoh baris pertama (NIK/KK disamarkan)",
        "row": "baris",
        "encoding": "Pengodean / pemisah",
        "none": "tidak ada",
        "lang": "id",
    },
    "en": {
        "file": "File",
        "sheets": "Sheets",
        "rows": "rows",
        "hidden": "hidden",
        "visible": "visible",
        "header": "header row",
        "chosen": "chosen",
        "sheet_used": "Sheet read",
        "header_row": "Header row",
        "mapping": "Column mapping",
        "source": "Header in file",
        "column": "bansos column",
        "via": "How",
        "unmapped": "Unknown columns (kept as they are)",
        "records": "Data rows read",
        "empty": "empty rows skipped",
        "notices": "Notices",
        "preview": "First rows (NIK/KK masked)",
        "row": "row",
        "encoding": "Encoding / delimiter",
        "none": "none",
        "lang": "en",
    },
}


@app.command(
    "inspect",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos inspect daftar_penerima.xlsx\n"
        "  bansos inspect export.xlsx --sheet 2 --header-row 5\n"
        "  bansos inspect data.csv --json"
    ),
)
def inspect_command(
    files: FilesArgument,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    rows: Annotated[
        int, typer.Option("--rows", min=0, help="How many first rows to show (NIK/KK masked).")
    ] = 3,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Show how bansos reads each file: sheet, header row, column mapping, first rows.

    Lihat cara bansos membaca berkas: sheet, baris judul kolom, pemetaan kolom, contoh baris.
    Use it when a file is not read as expected; then fix with --sheet, --header-row or
    --mapping.
    """
    text = _T[resolve_lang(lang)]
    report = inspect_inputs(
        files, read_options(sheet, header_row, mapping, encoding, delimiter), preview_rows=rows
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
        return
    for info in report.result.sources:
        read = [s.sheet for s in report.result.sources if s.path == info.path]
        _render(info, report.preview(info), text, read)


def _render(
    info: SourceInfo, preview: pl.DataFrame, text: dict[str, str], read: list[str | None]
) -> None:
    console.rule(f"[bold]{text['file']}: {escape(Path(info.path).name)}[/] ({info.format})")
    if info.sheets:
        table = Table(title=text["sheets"], title_justify="left", show_edge=False)
        for name in ("#", "sheet", text["rows"], "", text["header"], "skor", ""):
            table.add_column(name)
        for s in info.sheets:
            table.add_row(
                str(s.index + 1),
                s.name,
                "-" if s.rows is None else f"{s.rows:,}",
                text["visible"] if s.visible else text["hidden"],
                "-" if s.header_row is None else str(s.header_row),
                f"{s.score:g}",
                f"[green]← {text['chosen']}[/]" if s.name in read else "",
            )
        console.print(table)
        why = reason(info.sheet_reason, text["lang"])
        console.print(f"{text['sheet_used']}: [bold]{escape(str(info.sheet))}[/] ({why})")
    if info.encoding:
        delimiter = {"\t": "tab"}.get(info.delimiter or "", info.delimiter or "")
        console.print(f"{text['encoding']}: {info.encoding} / {delimiter!r}")
    if info.header_row is not None:
        why = reason(info.header_reason, text["lang"])
        console.print(f"{text['header_row']}: [bold]{info.header_row}[/] ({why})")
    mapping = Table(title=text["mapping"], title_justify="left", show_edge=False)
    for name in ("", text["source"], "→", text["column"], text["via"]):
        mapping.add_column(name)
    excel = info.format in ("xlsx", "xlsm", "xls", "ods")
    for c in info.columns:
        where = excel_column_letter(c.position) if excel else str(c.position + 1)
        style = "" if c.canonical else "[yellow]"
        mapping.add_row(
            where,
            escape(c.source_header or "-"),
            "→",
            f"{style}{escape(c.column)}",
            reason(c.via, text["lang"]),
        )
    console.print(mapping)
    unmapped = info.unmapped
    console.print(
        f"{text['unmapped']}: {', '.join(unmapped) if unmapped else text['none']}", markup=False
    )
    console.print(
        f"{text['records']}: [bold]{info.rows:,}[/] ({info.empty_rows:,} {text['empty']})"
    )
    if info.notices:
        console.print(f"[yellow]{text['notices']}:[/]")
        for notice in info.notices:
            console.print(
                f"  [yellow]![/] {escape(notice.text(text['lang']))} [dim]({notice.code})[/]"
            )
    if preview.height:
        # Exports are wide: one line per column, one value column per record.
        table = Table(title=text["preview"], title_justify="left", show_edge=False)
        labels = preview.columns[1:]
        table.add_column("", style="dim", no_wrap=True, min_width=max(map(len, labels), default=0))
        rows = preview.rows()  # a handful of preview rows, not a hot path
        for row in rows:
            table.add_column(
                f"{text['row']} {row[0]}",
                no_wrap=True,
                min_width=16,
                max_width=24,
                overflow="ellipsis",
            )
        for position, column in enumerate(preview.columns[1:], start=1):
            cells = ["" if r[position] is None else escape(str(r[position])) for r in rows]
            table.add_row(escape(column), *cells)
        console.print(table)
