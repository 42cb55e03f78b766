"""``bansos inspect``: show how bansos reads a file (sheet, header row, column mapping)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json
from bansos_cli.cli.notices import reason
from bansos_cli.cli.options import (
    DelimiterOption,
    EncodingOption,
    FilesArgument,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    SheetOption,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.messages import format_number, text

if TYPE_CHECKING:
    import polars as pl

    from bansos_cli.ingest import SourceInfo


@command(
    "inspect",
    examples=(
        "bansos inspect daftar_penerima.xlsx",
        "bansos inspect export.xlsx --sheet 2 --header-row 5",
        "bansos inspect data.csv --json",
    ),
)
def inspect_command(
    files: FilesArgument,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    rows: Annotated[int, typer.Option("--rows", min=0, help="HELP_INSPECT_ROWS")] = 3,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos inspect``: help text ``CMD_INSPECT`` of the message catalogue."""
    from bansos_cli.pipeline.inspect import inspect_inputs

    language = resolve_lang(lang)
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    with stdin_inputs(files) as paths:
        report = inspect_inputs(paths, options, preview_rows=rows)
    if as_json:
        echo_json(report.to_dict())
        return
    for info in report.result.sources:
        read = [s.sheet for s in report.result.sources if s.path == info.path]
        _render(info, report.preview(info), language, read)


def _render(info: SourceInfo, preview: pl.DataFrame, lang: str, read: list[str | None]) -> None:
    from bansos_cli.core.columns import excel_column_letter

    def label(code: str) -> str:
        return text(code, lang)

    console.rule(f"[bold]{label('LABEL_FILE')}: {escape(Path(info.path).name)}[/] ({info.format})")
    if info.sheets:
        table = new_table(label("LABEL_SHEETS"))
        for name in (
            "#",
            label("LABEL_SHEET"),
            label("LABEL_ROWS_LOWER"),
            "",
            label("LABEL_HEADER_ROW_LOWER"),
            label("LABEL_SCORE"),
            "",
        ):
            table.add_column(name)
        for s in info.sheets:
            table.add_row(
                str(s.index + 1),
                s.name,
                "-" if s.rows is None else format_number(s.rows, lang),
                label("LABEL_VISIBLE") if s.visible else label("LABEL_HIDDEN"),
                "-" if s.header_row is None else str(s.header_row),
                f"{s.score:g}",
                f"[green]← {label('LABEL_CHOSEN')}[/]" if s.name in read else "",
            )
        console.print(table)
        why = reason(info.sheet_reason, lang)
        console.print(f"{label('LABEL_SHEET_USED')}: [bold]{escape(str(info.sheet))}[/] ({why})")
    if info.encoding:
        delimiter = {"\t": "tab"}.get(info.delimiter or "", info.delimiter or "")
        console.print(f"{label('LABEL_ENCODING')}: {info.encoding} / {delimiter!r}")
    if info.header_row is not None:
        why = reason(info.header_reason, lang)
        console.print(f"{label('LABEL_HEADER_ROW')}: [bold]{info.header_row}[/] ({why})")
    mapping = new_table(label("LABEL_COLUMN_MAPPING"))
    for name in (
        "",
        label("LABEL_HEADER_IN_FILE"),
        "→",
        label("LABEL_BANSOS_COLUMN"),
        label("LABEL_HOW"),
    ):
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
            reason(c.via, lang),
        )
    console.print(mapping)
    unmapped = info.unmapped
    console.print(
        f"{label('LABEL_UNMAPPED')}: {', '.join(unmapped) if unmapped else label('LABEL_NONE')}",
        markup=False,
    )
    console.print(
        f"{label('LABEL_DATA_ROWS_READ')}: [bold]{format_number(info.rows, lang)}[/] "
        f"({format_number(info.empty_rows, lang)} {label('LABEL_EMPTY_SKIPPED')})"
    )
    if info.notices:
        console.print(f"[yellow]{label('LABEL_NOTICES')}:[/]")
        for notice in info.notices:
            console.print(f"  [yellow]![/] {escape(notice.text(lang))} [dim]({notice.code})[/]")
    if preview.height:
        # Exports are wide: one line per column, one value column per record.
        table = new_table(label("LABEL_PREVIEW"))
        labels = preview.columns[1:]
        table.add_column("", style="dim", no_wrap=True, min_width=max(map(len, labels), default=0))
        rows = preview.rows()  # a handful of preview rows, not a hot path
        for row in rows:
            table.add_column(
                f"{label('LABEL_ROW_LOWER')} {row[0]}",
                no_wrap=True,
                min_width=16,
                max_width=24,
                overflow="ellipsis",
            )
        for position, column in enumerate(preview.columns[1:], start=1):
            cells = ["" if r[position] is None else escape(str(r[position])) for r in rows]
            table.add_row(escape(column), *cells)
        console.print(table)
