"""``bansos validate``: check every NIK, KK, date and code; write findings and a report."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Annotated, Any

import polars as pl
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
from bansos_cli.cli.notices import print_notices
from bansos_cli.cli.options import (
    FilesArgument,
    HeaderRowOption,
    MappingOption,
    SheetOption,
    parse_date,
    parse_formats,
    read_options,
)
from bansos_cli.cli.progress import step_progress
from bansos_cli.core.errors import OptionError
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.pipeline.validate import FAIL_ON, ValidateRun, run_validate

_T: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Hasil pemeriksaan",
        "inputs": "Berkas",
        "rows": "Baris dibaca",
        "empty": "baris kosong dilewati",
        "ok": "OK",
        "warning": "peringatan",
        "error": "kesalahan",
        "codes": "Temuan terbanyak",
        "code": "Kode",
        "severity": "Tingkat",
        "count": "Jumlah",
        "example": "Contoh (baris Excel: nilai)",
        "message": "Arti",
        "areas": "Wilayah dengan tingkat kesalahan tertinggi",
        "rate": "% kesalahan",
        "outputs": "Berkas hasil",
        "time": "Waktu",
        "reference": "Tanggal acuan",
        "steps": {
            "read": "Membaca berkas",
            "check": "Memeriksa data",
            "write": "Menulis hasil",
            "report": "Menulis report.xlsx",
        },
        "none": "Tidak ada temuan.",
    },
    "en": {
        "title": "Validation result",
        "inputs": "Inputs",
        "rows": "Rows read",
        "empty": "empty rows skipped",
        "ok": "OK",
        "warning": "warnings",
        "error": "errors",
        "codes": "Top findings",
        "code": "Code",
        "severity": "Severity",
        "count": "Count",
        "example": "Example (Excel row: value)",
        "message": "Meaning",
        "areas": "Areas with the highest error rate",
        "rate": "% errors",
        "outputs": "Outputs",
        "time": "Time",
        "reference": "Reference date",
        "steps": {
            "read": "Reading inputs",
            "check": "Checking rows",
            "write": "Writing outputs",
            "report": "Writing report.xlsx",
        },
        "none": "No findings.",
    },
}
_COLOUR = {"error": "red", "warning": "yellow", "info": "blue", "ok": "green"}


@app.command(
    "validate",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos validate daftar_penerima.xlsx\n"
        "  bansos validate kecamatan/*.xlsx --out hasil/ --lang en\n"
        "  bansos validate daftar.csv --no-report --json > ringkasan.json"
    ),
)
def validate_command(
    files: FilesArgument,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output folder. Default: bansos-out/<input name>/.",
            show_default=False,
        ),
    ] = None,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Table outputs: parquet, csv or both.")
    ] = "parquet",
    mask: Annotated[
        bool, typer.Option("--mask", help="Mask NIK/KK in the written files (3201**********01).")
    ] = False,
    reference_date: Annotated[
        str | None,
        typer.Option(
            "--reference-date",
            help="Date for ages, future dates and the NIK century (YYYY-MM-DD). Default: today.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option("--fail-on", help="Exit 1 on rows with: error, warning, or never."),
    ] = "error",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write report.xlsx (faster).")
    ] = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Check every NIK, KK, date and code; write findings, clean rows and an Excel report.

    Periksa setiap NIK, KK, tanggal dan kode; tulis temuan, baris bersih dan laporan Excel.
    Exit code 0: no error; 1: rows with errors (or warnings with --fail-on warning);
    2: unusable input or options.
    """
    language = resolve_lang(lang)
    text = _T[language]
    if fail_on not in FAIL_ON:
        raise OptionError(f"--fail-on must be error, warning or never, not {fail_on!r}")
    formats = parse_formats(fmt)
    reference = parse_date(reference_date, "--reference-date") or dt.date.today()
    show = not quiet and not as_json
    call = functools.partial(
        _run, files, out, sheet, header_row, mapping, formats, mask, language, reference, no_report
    )
    if show:
        with step_progress(text["steps"]) as progress:
            run = call(progress)
        print_notices(err_console, run.sources, language)
        _render(run, text)
    else:
        run = call(None)
        if as_json:
            typer.echo(
                json.dumps(run.summary, ensure_ascii=False, indent=2, sort_keys=True, default=str)
            )
    raise typer.Exit(code=run.exit_code(fail_on))


def _run(
    files: list[str],
    out: Path | None,
    sheet: str | None,
    header_row: int | None,
    mapping: Path | None,
    formats: tuple[str, ...],
    mask: bool,
    lang: str,
    reference: dt.date,
    no_report: bool,
    progress: Any,
) -> ValidateRun:
    return run_validate(
        files,
        out_dir=out,
        read_options=read_options(sheet, header_row, mapping),
        formats=formats,
        mask=mask,
        lang=lang,
        reference_date=reference,
        report=not no_report,
        progress=progress,
    )


def _examples(findings: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """First finding per code: (row label, value) with NIK/KK always masked."""
    if findings.is_empty():
        return {}
    first = (
        findings.group_by("code", maintain_order=True)
        .first()
        .with_columns(
            pl.when(pl.col("column").is_in(["nik", "no_kk"]))
            .then(mask_id_expr(pl.col("value")))
            .otherwise(pl.col("value"))
            .alias("value")
        )
    )
    files = findings.get_column("source").n_unique() > 1
    sheets = findings.get_column("sheet").n_unique() > 1

    def label(r: dict[str, Any]) -> str:
        where = f"{r['sheet']}!{r['row']}" if sheets else str(r["row"])
        return f"{r['source']}:{where}" if files else where

    return {
        r["code"]: (label(r), r["value"] or "")
        for r in first.select("code", "source", "sheet", "row", "value").to_dicts()
    }


def _inputs_line(inputs: list[dict[str, Any]], shown: int = 3) -> str:
    """``a.xlsx [DATA], b.csv``; a workbook read on many sheets as ``a.xlsx [12 sheet: DESA A,
    DESA B, DESA C, ...]``."""
    sheets: dict[str, list[str]] = {}
    for i in inputs:
        sheets.setdefault(Path(i["path"]).name, []).extend([i["sheet"]] if i.get("sheet") else [])
    parts = []
    for name, names in sheets.items():
        if len(names) > shown:
            parts.append(f"{name} [{len(names)} sheet: {', '.join(names[:shown])}, ...]")
        elif names:
            parts.append(f"{name} [{', '.join(names)}]")
        else:
            parts.append(name)
    return ", ".join(parts)


def _render(run: ValidateRun, text: dict[str, Any]) -> None:
    s = run.summary
    console.rule(f"[bold]{text['title']}[/]")
    console.print(f"{text['inputs']}: {_inputs_line(s['inputs'])}", markup=False)
    console.print(f"{text['reference']}: {s['reference_date']}")
    console.print(f"{text['rows']}: [bold]{s['rows']:,}[/] ({s['empty_rows']:,} {text['empty']})")
    st = s["by_status"]
    console.print(
        f"[green]{text['ok']}: {st['ok']:,}[/]  [yellow]{text['warning']}: {st['warning']:,}[/]  "
        f"[red]{text['error']}: {st['error']:,}[/]"
    )
    if s["by_code"]:
        from bansos_cli.validate import CATALOGUE

        examples = _examples(run.findings)
        table = Table(title=text["codes"], title_justify="left", show_edge=False)
        for col in (
            text["code"],
            text["severity"],
            text["count"],
            text["example"],
            text["message"],
        ):
            table.add_column(col)
        for code, info in list(s["by_code"].items())[:10]:
            where, value = examples.get(code, ("", ""))
            spec = CATALOGUE[code]
            message = spec.message_id if s.get("lang") == "id" else spec.message_en
            colour = _COLOUR.get(info["severity"], "")
            table.add_row(
                f"[{colour}]{code}[/]",
                info["severity"],
                f"{info['count']:,}",
                escape(f"{where}: {value}"),
                re.sub(r"\s*\(\{detail\}\)", "", message).replace("{detail}", "…"),
            )
        console.print(table)
    else:
        console.print(f"[green]{text['none']}[/]")
    areas = [a for a in s.get("by_area", []) if a["error"] > 0][:5]
    if areas:
        table = Table(title=text["areas"], title_justify="left", show_edge=False)
        for col in s["area_columns"]:
            table.add_column(col)
        table.add_column(text["rate"])
        table.add_column(text["error"])
        for a in areas:
            table.add_row(
                *[escape(str(a[c] or "-")) for c in s["area_columns"]],
                f"{100 * a['error_rate']:.1f}",
                f"{a['error']:,}/{a['rows']:,}",
            )
        console.print(table)
    console.print(f"{text['outputs']}:")
    for paths in s["outputs"].values():
        for p in paths:
            console.print(f"  {p}", markup=False, soft_wrap=True)
    console.print(
        f"  {run.out_dir / 'summary.json' if run.out_dir else ''}", markup=False, soft_wrap=True
    )
    console.print(f"{text['time']}: {s['duration_s']:.1f} s")
