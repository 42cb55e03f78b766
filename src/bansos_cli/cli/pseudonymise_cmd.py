"""``bansos pseudonymise``: a copy of a list to share, NIK/KK replaced by keyed pseudonyms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from bansos_cli.cli.app import (
    JsonOption,
    LangOption,
    QuietOption,
    app,
    console,
    err_console,
    resolve_lang,
)
from bansos_cli.cli.notices import print_notices
from bansos_cli.cli.options import (
    FormatOption,
    HeaderRowOption,
    MappingOption,
    SheetOption,
    parse_formats,
    read_options,
)
from bansos_cli.core.errors import OptionError
from bansos_cli.pipeline.pseudonymise import (
    DEFAULT_COLUMNS,
    KEY_ENV,
    PERSONAL_COLUMNS,
    load_key,
    new_key,
    run_pseudonymise,
)

_T: dict[str, dict[str, str]] = {
    "id": {
        "key_written": "Kunci rahasia baru ditulis ke",
        "key_note": "Simpan kunci ini baik-baik dan bagikan hanya kepada pihak yang boleh "
        "mencocokkan data; tanpa kunci yang sama pseudonim tidak dapat dicocokkan.",
        "rows": "Baris",
        "columns": "Kolom disamarkan (nilai berbeda)",
        "outputs": "Berkas hasil",
    },
    "en": {
        "key_written": "New secret key written to",
        "key_note": "Keep this key safe and share it only with those allowed to match the "
        "data; without the same key the pseudonyms cannot be matched.",
        "rows": "Rows",
        "columns": "Columns pseudonymised (distinct values)",
        "outputs": "Outputs",
    },
}


@app.command(
    "pseudonymise",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos pseudonymise --new-key kunci.txt\n"
        "  bansos pseudonymise daftar_penerima.xlsx --key-file kunci.txt\n"
        "  bansos pseudonymise hasil/records.parquet --key-file kunci.txt --columns nik,no_kk"
    ),
)
def pseudonymise_command(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Input files (any format bansos reads, including its own records.parquet), "
            "folders or glob patterns.",
            show_default=False,
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help=f"File holding the secret key (from --new-key). Default: ${KEY_ENV}.",
            show_default=False,
        ),
    ] = None,
    new_key_path: Annotated[
        Path | None,
        typer.Option(
            "--new-key",
            help="Write a new random secret key to this file (readable by you only) and stop.",
            show_default=False,
        ),
    ] = None,
    columns: Annotated[
        str,
        typer.Option(
            "--columns",
            help=f"Comma list of columns to pseudonymise, among {', '.join(PERSONAL_COLUMNS)}.",
        ),
    ] = ",".join(DEFAULT_COLUMNS),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder. Default: bansos-out/<input name>-pseudonim/.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = "parquet",
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """A copy of a list to share, with NIK, NO KK, names and phones as keyed pseudonyms.

    The same NIK gives the same pseudonym under the same secret key, so offices holding the
    key can still match their lists; the NIK cannot be read back. Birth dates, places and
    addresses stay readable unless named in --columns.

    Samarkan NIK/KK dengan pseudonim berkunci sebelum berbagi data. Exit 0: written;
    2: unusable input, options or key.
    """
    text = _T[resolve_lang(lang)]
    if new_key_path is not None:
        if files:
            raise OptionError("--new-key writes a key and stops: give the input files later")
        path = new_key(new_key_path)
        if not quiet:
            console.print(f"{text['key_written']} {path}", markup=False, soft_wrap=True)
            console.print(text["key_note"])
        return
    if not files:
        raise OptionError("no input files", hint="give one or more files, or --new-key FILE")
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    run = run_pseudonymise(
        files,
        key=load_key(key_file),
        out_dir=out,
        columns=chosen,
        read_options=read_options(sheet, header_row, mapping),
        formats=parse_formats(fmt),
    )
    if as_json:
        typer.echo(json.dumps(run.summary, ensure_ascii=False, indent=2, default=str))
    elif not quiet:
        print_notices(err_console, run.sources, resolve_lang(lang))
        _render(run.summary, text)


def _render(summary: dict[str, Any], text: dict[str, str]) -> None:
    console.print(f"{text['rows']}: [bold]{summary['rows']:,}[/]")
    shown = ", ".join(f"{c} ({n:,})" for c, n in summary["columns"].items())
    console.print(f"{text['columns']}: {shown}")
    console.print(f"{text['outputs']}:")
    for paths in summary["outputs"].values():
        for p in paths:
            console.print(f"  {p}", markup=False, soft_wrap=True)
