"""``bansos pseudonymise``: a copy of a list to share, NIK/KK replaced by keyed pseudonyms."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.i18n import HELP_VALUES
from bansos_cli.cli.notices import print_notices
from bansos_cli.cli.options import (
    CsvFormulasOption,
    DelimiterOption,
    EncodingOption,
    FormatOption,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    PseudonymOutOption,
    QuietOption,
    SheetOption,
    parse_csv_formulas,
    parse_formats,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import format_number, text


@command(
    "pseudonymise",
    examples=(
        "bansos pseudonymise --new-key kunci.txt",
        "bansos pseudonymise daftar_penerima.xlsx --key-file kunci.txt",
        "bansos pseudonymise hasil/records.parquet --key-file kunci.txt --columns nik,no_kk",
    ),
)
def pseudonymise_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(metavar="FILE", help="HELP_PSEUDONYMISE_FILES", show_default=False),
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="HELP_KEY_FILE", show_default=False)
    ] = None,
    new_key_path: Annotated[
        Path | None, typer.Option("--new-key", help="HELP_NEW_KEY", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="HELP_FORCE")] = False,
    columns: Annotated[str, typer.Option("--columns", help="HELP_COLUMNS")] = HELP_VALUES[
        "default_columns"
    ],
    out: PseudonymOutOption = None,
    fmt: FormatOption = "parquet",
    csv_formulas: CsvFormulasOption = "neutralise",
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos pseudonymise``: help text ``CMD_PSEUDONYMISE`` of the message catalogue."""
    from bansos_cli.pipeline.pseudonymise import (
        default_out_dir,
        key_file_notice,
        load_key,
        new_key,
        run_pseudonymise,
    )

    language = resolve_lang(lang)
    if new_key_path is not None:
        if files:
            raise OptionError.of("CLI_NEW_KEY_WITH_FILES")
        path = new_key(new_key_path, force=force)
        if not quiet:
            console.print(
                text("CLI_KEY_WRITTEN", language, path=path), markup=False, soft_wrap=True
            )
            console.print(text("CLI_KEY_NOTE", language))
        return
    if not files:
        raise OptionError.of("CLI_NO_INPUT")
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    formats = parse_formats(fmt)
    key = load_key(key_file)
    notice = key_file_notice(key_file) if not (quiet or as_json) else None
    if key_file is not None and notice is not None:
        err_console.print(
            f"[yellow]![/] {escape(key_file.name)}: {escape(notice.text(language))} "
            f"[dim]({notice.code})[/]",
            soft_wrap=True,
        )
    with stdin_inputs(files) as paths:
        run = run_pseudonymise(
            paths,
            key=key,
            out_dir=out if out is not None else default_out_dir(paths),
            columns=chosen,
            read_options=options,
            formats=formats,
            csv_formulas=parse_csv_formulas(csv_formulas),
        )
    if as_json:
        echo_json(run.summary)
    elif not quiet:
        print_notices(err_console, run.sources, language)
        _render(run.summary, language)


def _render(summary: Mapping[str, Any], lang: str) -> None:
    def num(value: float) -> str:
        return format_number(value, lang)

    console.print(f"{text('LABEL_ROWS', lang)}: [bold]{num(summary['rows'])}[/]")
    shown = ", ".join(f"{c} ({num(n)})" for c, n in summary["columns"].items())
    console.print(f"{text('LABEL_PSEUDONYMISED_COLUMNS', lang)}: {shown}")
    console.print(f"{text('LABEL_OUTPUTS', lang)}:")
    for paths in summary["outputs"].values():
        for p in paths:
            console.print(f"  {p}", markup=False, soft_wrap=True)
