"""``bansos check``: eligibility of every listed person under YAML rules files."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bansos_cli.cli.app import (
    JsonOption,
    LangOption,
    QuietOption,
    app,
    console,
    err_console,
    resolve_lang,
)
from bansos_cli.cli.options import (
    DelimiterOption,
    EncodingOption,
    FilesArgument,
    FormatOption,
    HeaderRowOption,
    MappingOption,
    MaskOption,
    SheetOption,
    parse_formats,
    read_options,
)
from bansos_cli.core.errors import ExitCode, OptionError
from bansos_cli.pipeline.check import STATUSES, CheckResult, run_check


class FailOn(StrEnum):
    tidak_layak = "TIDAK_LAYAK"
    perlu_verifikasi = "PERLU_VERIFIKASI"
    never = "never"


_T = {
    "id": {
        "as_of": "Tanggal acuan",
        "rows": "baris data",
        "program": "Program",
        "rule": "Aturan",
        "pass": "lolos",
        "fail": "gagal",
        "unknown": "tak tentu",
        "unreadable": "Nilai tidak terbaca (dianggap kosong)",
        "missing": "Kolom tidak ada di data (aturan memakai kebijakan on_missing)",
        "uncertain": "Parameter belum pasti",
        "capped": "Komponen dilepas karena batas anggota per keluarga (baris)",
        "written": "Ditulis",
    },
    "en": {
        "as_of": "Reference date",
        "rows": "data rows",
        "program": "Program",
        "rule": "Rule",
        "pass": "pass",
        "fail": "fail",
        "unknown": "unknown",
        "unreadable": "Unreadable values (treated as missing)",
        "missing": "Columns absent from the data (their rules follow on_missing)",
        "uncertain": "Uncertain parameters",
        "capped": "Components withdrawn by the per-family member cap (rows)",
        "written": "Written",
    },
}


def parse_date(value: str | None, option: str) -> dt.date | None:
    """An ISO date option (YYYY-MM-DD), or ``None``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise OptionError(
            f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Reference date (YYYY-MM-DD) for ages and parameters. Default: today (printed).",
        show_default=False,
    ),
]


@app.command(
    "check",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos check daftar_penerima.xlsx --rules rules/\n"
        "  bansos check daftar.xlsx --rules rules/pkh.yaml --as-of 2025-07-01\n"
        "  bansos check daftar.parquet --rules rules/ --json > kelayakan.json"
    ),
)
def check_command(
    files: FilesArgument,
    rules: Annotated[
        list[Path],
        typer.Option(
            "--rules", "-r", help="Rules files or folders (repeatable).", show_default=False
        ),
    ],
    as_of: AsOfOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for eligibility.parquet, summary.json and "
            "report.xlsx. Default: nothing written.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a row has this status (PERLU_VERIFIKASI "
            "also counts TIDAK_LAYAK), or never.",
        ),
    ] = FailOn.tidak_layak,
    fmt: FormatOption = "parquet",
    mask_ids: MaskOption = False,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Check who is eligible (LAYAK / TIDAK_LAYAK / PERLU_VERIFIKASI) under YAML rules.

    Cek kelayakan tiap penerima menurut berkas aturan YAML. Exit 0: no row at or above
    --fail-on; 1: some rows are; 2: unusable input or rules.
    """
    language = resolve_lang(lang)
    date = parse_date(as_of, "--as-of")
    if date is None:
        date = dt.date.today()  # the CLI may default to today; library code never does
    formats = parse_formats(fmt)
    result = run_check(
        files,
        rules,
        date,
        out_dir=out,
        read_options=read_options(sheet, header_row, mapping, encoding, delimiter),
        lang=language,
        mask=mask_ids,
        formats=formats,
    )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif not quiet:
        _render(result, _T[language], as_of is None)
    raise typer.Exit(code=int(exit_code(result, fail_on)))


def exit_code(result: CheckResult, fail_on: FailOn) -> ExitCode:
    """Exit 1 when any row has the ``--fail-on`` status (or a worse one)."""
    if fail_on == FailOn.never:
        return ExitCode.OK
    bad = result.count("TIDAK_LAYAK")
    if fail_on == FailOn.perlu_verifikasi:
        bad += result.count("PERLU_VERIFIKASI")
    return ExitCode.DATA_FAILED if bad else ExitCode.OK


def _render(result: CheckResult, text: dict[str, str], defaulted: bool) -> None:
    note = " (default: hari ini / today)" if defaulted else ""
    console.print(
        f"{text['as_of']}: [bold]{result.as_of.isoformat()}[/]{note}; "
        f"{result.rows:,} {text['rows']}"
    )
    colours = {"LAYAK": "green", "TIDAK_LAYAK": "red", "PERLU_VERIFIKASI": "yellow"}
    for p in result.programs:
        data = p.to_dict()
        table = Table(
            title=f"{text['program']} {data['name']} ({data['id']}, {data['rules_version']})",
            title_justify="left",
            show_edge=False,
        )
        table.add_column(text["rule"])
        table.add_column("kind")
        for key in ("pass", "fail", "unknown"):
            table.add_column(text[key], justify="right")
        for r in data["rules"]:
            table.add_row(
                r["id"], r["kind"], f"{r['pass']:,}", f"{r['fail']:,}", f"{r['unknown']:,}"
            )
        console.print(table)
        counts = "  ".join(f"[{colours[s]}]{s}[/] {data['counts'][s]:,}" for s in STATUSES)
        console.print(f"  {counts}")
        if data.get("capped"):
            console.print(f"  {text['capped']}: {data['capped']:,}")
        if data["unreadable"]:
            shown = ", ".join(f"{k} {v:,}" for k, v in data["unreadable"].items())
            err_console.print(f"  [yellow]{text['unreadable']}:[/] {escape(shown)}")
        if data["missing_columns"]:
            err_console.print(
                f"  [yellow]{text['missing']}:[/] {', '.join(data['missing_columns'])}"
            )
        uncertain = [q["name"] for q in data["parameters"] if q["uncertain"]]
        if uncertain:
            console.print(f"  [dim]{text['uncertain']}: {', '.join(uncertain)}[/]")
    for path in result.outputs:
        console.print(f"{text['written']}: {path}", markup=False, soft_wrap=True)
