"""``bansos validate``: check every NIK, KK, date and code; write findings and a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.notices import print_engine, print_notices
from bansos_cli.cli.options import (
    AsOfOption,
    CsvFormulasOption,
    DelimiterOption,
    EncodingOption,
    EngineOption,
    FilesArgument,
    FormatOption,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    MaskOption,
    NoReportOption,
    OutOption,
    QuietOption,
    SheetOption,
    ValidateFailOnOption,
    parse_choice,
    parse_csv_formulas,
    parse_date,
    parse_formats,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.progress import step_labels, step_progress
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.messages import format_number, text

if TYPE_CHECKING:
    import polars as pl

    from bansos_cli.pipeline.validate import ValidateRun

STEPS = {
    "read": "LABEL_STEP_READ",
    "check": "LABEL_STEP_VALIDATE",
    "write": "LABEL_STEP_WRITE",
    "report": "LABEL_STEP_REPORT",
}
_COLOUR = {"error": "red", "warning": "yellow", "info": "blue", "ok": "green"}


@command(
    "validate",
    examples=(
        "bansos validate daftar_penerima.xlsx",
        "bansos validate kecamatan/*.xlsx --out hasil/ --lang en",
        "bansos validate daftar.csv --no-report --json > ringkasan.json",
        "cat daftar.csv | bansos validate - --as-of 2025-07-01",
    ),
)
def validate_command(
    files: FilesArgument,
    out: OutOption = None,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    fmt: FormatOption = "parquet",
    csv_formulas: CsvFormulasOption = "neutralise",
    mask: MaskOption = False,
    as_of: AsOfOption = None,
    fail_on: ValidateFailOnOption = "error",
    no_report: NoReportOption = False,
    engine: EngineOption = "auto",
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos validate``: help text ``CMD_VALIDATE`` of the message catalogue."""
    from bansos_cli.pipeline.validate import FAIL_ON, default_out_dir, run_validate

    language = resolve_lang(lang)
    level = parse_choice(fail_on, "--fail-on", FAIL_ON)
    formats = parse_formats(fmt)
    reference = parse_date(as_of) or dt.date.today()  # the CLI's default; always printed
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    show = not quiet and not as_json
    with (
        stdin_inputs(files) as paths,
        step_progress(step_labels(STEPS, language), enabled=show) as progress,
    ):
        run = run_validate(
            paths,
            out_dir=out if out is not None else default_out_dir(paths),
            read_options=options,
            formats=formats,
            csv_formulas=parse_csv_formulas(csv_formulas),
            mask=mask,
            lang=language,
            as_of=reference,
            report=not no_report,
            progress=progress if show else None,
            engine=engine,
        )
    if show:
        print_engine(err_console, run.engine, language)
        print_notices(err_console, run.sources, language)
        _render(run, language)
    elif as_json:
        echo_json(run.summary, sort_keys=True)
    raise typer.Exit(code=run.exit_code(level))


def _examples(findings: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """First finding per code: (row label, value) with NIK/KK always masked."""
    import polars as pl

    from bansos_cli.core.privacy import mask_id_expr

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


def _inputs_line(inputs: Sequence[Mapping[str, Any]], shown: int = 3) -> str:
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


def _render(run: ValidateRun, lang: str) -> None:
    def label(code: str) -> str:
        return text(code, lang)

    def num(value: float, decimals: int = 0) -> str:
        return format_number(value, lang, decimals)

    s = run.summary
    console.rule(f"[bold]{label('LABEL_VALIDATE_TITLE')}[/]")
    console.print(f"{label('LABEL_INPUTS')}: {_inputs_line(s['inputs'])}", markup=False)
    console.print(f"{label('LABEL_AS_OF')}: {s['as_of']}")
    console.print(
        f"{label('LABEL_ROWS_READ')}: [bold]{num(s['rows'])}[/] "
        f"({num(s['empty_rows'])} {label('LABEL_EMPTY_SKIPPED')})"
    )
    st = s["by_status"]
    console.print(
        f"[green]{label('LABEL_STATUS_OK')}: {num(st['ok'])}[/]  "
        f"[yellow]{label('LABEL_STATUS_WARNING')}: {num(st['warning'])}[/]  "
        f"[red]{label('LABEL_STATUS_ERROR')}: {num(st['error'])}[/]"
    )
    if s["by_code"]:
        from bansos_cli.validate import CATALOGUE

        examples = _examples(run.findings)
        shown = list(s["by_code"].items())[:10]
        table = new_table(label("LABEL_TOP_FINDINGS"))
        # the code and the count never fold; the meaning and the example wrap beside them
        table.add_column(label("LABEL_CODE"), no_wrap=True, min_width=max(len(c) for c, _ in shown))
        table.add_column(label("LABEL_SEVERITY"))
        table.add_column(label("LABEL_COUNT"), justify="right", no_wrap=True)
        table.add_column(label("LABEL_MEANING_EXAMPLE"), ratio=1)
        for code, info in shown:
            where, value = examples.get(code, ("", ""))
            colour = _COLOUR.get(info["severity"], "")
            example = text("LABEL_EXAMPLE_AT", lang, row=where, value=value)
            table.add_row(
                f"[{colour}]{code}[/]",
                label(f"LABEL_SEVERITY_{info['severity'].upper()}"),
                num(info["count"]),
                escape(CATALOGUE[code].meaning(lang)) + f"\n[dim]{escape(example)}[/]",
            )
        console.print(table)
    else:
        console.print(f"[green]{label('LABEL_NO_FINDINGS')}[/]")
    areas = [a for a in s.get("by_area", []) if a["error"] > 0][:5]
    if areas:
        table = new_table(label("LABEL_TOP_AREAS"))
        for col in s["area_columns"]:
            table.add_column(col)
        table.add_column(label("LABEL_ERROR_RATE"), justify="right", no_wrap=True)
        table.add_column(label("LABEL_STATUS_ERROR"), justify="right", no_wrap=True)
        for a in areas:
            table.add_row(
                *[escape(str(a[c] or "-")) for c in s["area_columns"]],
                num(100 * a["error_rate"], 1),
                f"{num(a['error'])}/{num(a['rows'])}",
            )
        console.print(table)
    console.print(f"{label('LABEL_OUTPUTS')}:")
    written = [str(p) for paths in s["outputs"].values() for p in paths]
    if run.out_dir is not None and str(run.out_dir / "summary.json") not in written:
        written.append(str(run.out_dir / "summary.json"))
    for path in written:
        console.print(f"  {path}", markup=False, soft_wrap=True)
    console.print(f"{label('LABEL_TIME')}: {num(s['duration_s'], 1)} s")
