"""``bansos reconcile``: compare two lists, account for every person and every rupiah."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.notices import print_engine
from bansos_cli.cli.options import (
    CsvFormulasOption,
    DelimiterOption,
    EncodingOption,
    EngineOption,
    FormatOption,
    JsonOption,
    LangOption,
    MaskOption,
    NoReportOption,
    OutIfGivenOption,
    QuietOption,
    ReconcileFailOnOption,
    parse_csv_formulas,
    parse_formats,
    parse_list,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import format_number, text

if TYPE_CHECKING:
    from bansos_cli.pipeline.reconcile import ReconcileRun


def _renames(values: list[str] | None) -> dict[str, str]:
    renames: dict[str, str] = {}
    for value in values or []:
        right, sep, left = value.partition("=")
        if not sep or not right.strip() or not left.strip():
            raise OptionError.of("CLI_RENAME_FORMAT", value=value)
        renames[right.strip()] = left.strip()
    return renames


ListOption = list[str] | None


@command(
    "reconcile",
    examples=(
        "bansos reconcile sk_penerima.xlsx laporan_penyaluran.xlsx",
        "bansos reconcile sk.xlsx bayar.xlsx --tolerance nominal=100 --fuzzy",
        "bansos reconcile --period lama.xlsx baru.xlsx --ignore tanggal_salur --json",
    ),
)
def reconcile_command(
    left: Annotated[str, typer.Argument(metavar="LEFT", help="HELP_LEFT")],
    right: Annotated[str, typer.Argument(metavar="RIGHT", help="HELP_RIGHT")],
    key: Annotated[
        ListOption, typer.Option("--key", "-k", help="HELP_KEY", show_default=False)
    ] = None,
    compare: Annotated[
        ListOption, typer.Option("--compare", help="HELP_COMPARE", show_default=False)
    ] = None,
    ignore: Annotated[
        ListOption, typer.Option("--ignore", help="HELP_IGNORE", show_default=False)
    ] = None,
    rename: Annotated[
        ListOption, typer.Option("--rename", help="HELP_RENAME", show_default=False)
    ] = None,
    amount: Annotated[str, typer.Option("--amount", help="HELP_AMOUNT")] = "nominal",
    tolerance: Annotated[
        ListOption, typer.Option("--tolerance", help="HELP_TOLERANCE", show_default=False)
    ] = None,
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", help="HELP_CASE_SENSITIVE")
    ] = False,
    name_threshold: Annotated[
        float, typer.Option("--name-threshold", min=0, max=100, help="HELP_NAME_THRESHOLD")
    ] = 85.0,
    fuzzy: Annotated[bool, typer.Option("--fuzzy", help="HELP_FUZZY")] = False,
    period: Annotated[bool, typer.Option("--period", "--periode", help="HELP_PERIOD")] = False,
    fuzzy_threshold: Annotated[
        float, typer.Option("--fuzzy-threshold", min=0, max=100, help="HELP_FUZZY_THRESHOLD")
    ] = 90.0,
    region: Annotated[
        ListOption, typer.Option("--region", help="HELP_REGION_COLUMNS", show_default=False)
    ] = None,
    program: Annotated[str, typer.Option("--program", help="HELP_PROGRAM_COLUMN")] = "program",
    out: OutIfGivenOption = None,
    fmt: FormatOption = "parquet",
    csv_formulas: CsvFormulasOption = "neutralise",
    no_report: NoReportOption = False,
    mask: MaskOption = False,
    fail_on: ReconcileFailOnOption = "any",
    left_sheet: Annotated[
        str | None, typer.Option("--left-sheet", help="HELP_LEFT_SHEET", show_default=False)
    ] = None,
    right_sheet: Annotated[
        str | None, typer.Option("--right-sheet", help="HELP_RIGHT_SHEET", show_default=False)
    ] = None,
    left_header_row: Annotated[
        int | None,
        typer.Option("--left-header-row", min=1, help="HELP_LEFT_HEADER_ROW", show_default=False),
    ] = None,
    right_header_row: Annotated[
        int | None,
        typer.Option("--right-header-row", min=1, help="HELP_RIGHT_HEADER_ROW", show_default=False),
    ] = None,
    left_mapping: Annotated[
        Path | None,
        typer.Option("--left-mapping", help="HELP_LEFT_MAPPING", show_default=False),
    ] = None,
    right_mapping: Annotated[
        Path | None,
        typer.Option("--right-mapping", help="HELP_RIGHT_MAPPING", show_default=False),
    ] = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    engine: EngineOption = "auto",
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos reconcile``: help text ``CMD_RECONCILE`` of the message catalogue."""
    from bansos_cli.pipeline.reconcile import parse_fail_on, reconcile
    from bansos_cli.reconcile import ReconcileOptions, parse_tolerance_option

    language = resolve_lang(lang)
    options = ReconcileOptions(
        keys=parse_list(key) or ("nik",),
        compare=parse_list(compare) or None,
        ignore=parse_list(ignore),
        renames=_renames(rename),
        amount=amount or None,
        tolerance=parse_tolerance_option(tolerance, amount or None),
        name_threshold=name_threshold,
        case_insensitive=not case_sensitive,
        fuzzy=fuzzy,
        fuzzy_threshold=fuzzy_threshold,
        region=parse_list(region) or ("kecamatan", "desa"),
        program=program or None,
        period=period,
    )
    failing_categories = parse_fail_on(fail_on, period=period)
    left_read = read_options(left_sheet, left_header_row, left_mapping, encoding, delimiter)
    right_read = read_options(right_sheet, right_header_row, right_mapping, encoding, delimiter)
    with stdin_inputs([left, right]) as (left_path, right_path):
        run = reconcile(
            [left_path],
            [right_path],
            options=options,
            left_read=left_read,
            right_read=right_read,
            out_dir=out,
            formats=parse_formats(fmt),
            csv_formulas=parse_csv_formulas(csv_formulas),
            report=not no_report,
            mask=mask,
            fail_on=failing_categories,
            lang=language,
            engine=engine,
        )
    if as_json:
        echo_json(run.summary)
    elif not quiet:
        print_engine(err_console, run.engine, language)
        _render(run, language)
    raise typer.Exit(code=run.exit_code())


def _render(run: ReconcileRun, lang: str) -> None:
    def label(code: str) -> str:
        return text(code, lang)

    def num(value: float) -> str:
        return format_number(value, lang)

    summary: Mapping[str, Any] = run.summary
    left, right = summary["left"], summary["right"]
    rows = label("LABEL_ROWS_LOWER")
    for side, name in ((left, "LABEL_LEFT"), (right, "LABEL_RIGHT")):
        console.print(
            f"{label(name)}: {', '.join(side['files'])} ({num(side['rows'])} {rows})",
            markup=False,
            soft_wrap=True,
        )
    colours = {
        "cocok": "green", "cocok_beda": "yellow", "bayar_ganda": "red",
        "bayar_terpecah": "yellow", "bayar_terpecah_kurang": "red", "ambigu": "magenta",
        "hanya_kiri": "red", "hanya_kanan": "red",
        "tetap": "green", "berubah": "yellow", "keluar": "cyan", "masuk": "cyan",
    }  # fmt: skip
    table = new_table(label("LABEL_DIFFERENCE_EXPLAINED"))
    table.add_column(label("LABEL_CATEGORY"), no_wrap=True)
    for column in ("LABEL_LEFT", "LABEL_RIGHT", "LABEL_RP_LEFT", "LABEL_RP_RIGHT",
                   "LABEL_DIFFERENCE_RP"):  # fmt: skip
        table.add_column(label(column), justify="right")
    # Only the categories that hold rows (summary.json and the report list every one); the
    # rupiah columns say "Rp" in their header, so that the table fits 80 columns.
    for category, row in summary["categories"].items():
        if not row["rows"]:
            continue
        table.add_row(
            f"[{colours.get(category, 'white')}]{category}[/]",
            num(row["rows_left"]), num(row["rows_right"]),
            num(row["rp_left"]), num(row["rp_right"]), num(row["difference_rp"]),
        )  # fmt: skip
    total = summary["total"]
    table.add_row(
        f"[bold]{label('LABEL_TOTAL')}[/]", num(left["rows"]), num(right["rows"]),
        num(total["rp_left"]), num(total["rp_right"]), f"[bold]{num(total['difference_rp'])}[/]",
    )  # fmt: skip
    console.print(table)
    if summary["options"]["name"]:
        names = summary["names"]
        console.print(
            text(
                "CLI_RECONCILE_NAMES",
                lang,
                same=names.get("sama", 0),
                variant=names.get("varian", 0),
                different=names.get("beda", 0),
            )
        )
    differing = {k: v for k, v in summary["field_differences"].items() if v}
    if differing:
        shown = ", ".join(f"{k} {num(v)}" for k, v in differing.items())
        console.print(f"{label('LABEL_FIELDS_DIFFERING')}: {shown}")
    if summary["options"]["fuzzy"]:
        console.print(f"{label('LABEL_FUZZY_PAIRS')}: {num(summary['fuzzy_pairs'])}")
        hints = summary["candidate_hints"]
        if any(hints.values()):
            shown = ", ".join(f"{k} {num(v)}" for k, v in hints.items() if v)
            console.print(f"{label('LABEL_CANDIDATES')}: {shown}")
    crossing = sum(r["pairs"] for r in summary["region_cross"])
    if crossing:
        console.print(f"{label('LABEL_REGION_CROSS')}: {num(crossing)}")
    if "families" in summary:
        shown = ", ".join(f"{k} {num(v)}" for k, v in summary["families"].items())
        console.print(f"{label('LABEL_FAMILIES')}: {shown}")
    for side, name in ((left, label("LABEL_LEFT")), (right, label("LABEL_RIGHT"))):
        if side["amount_unreadable"]:
            err_console.print(f"[yellow]{label('LABEL_UNREADABLE_AMOUNTS')} ({name}):[/] "
                              f"{num(side['amount_unreadable'])}")  # fmt: skip
        if side["key_missing"]:
            err_console.print(
                f"[yellow]{label('LABEL_EMPTY_KEY')} ({name}):[/] {num(side['key_missing'])}"
            )
    for path in [p for paths in run.outputs.values() for p in paths]:
        console.print(f"{label('LABEL_WRITTEN')}: {path}", markup=False, soft_wrap=True)
    if run.failing:
        found = [
            f"{c} {num(summary['categories'][c]['rows'])}"
            for c in run.fail_on
            if summary["categories"][c]["rows"]
        ]
        console.print(
            text("CLI_RECONCILE_FAILING", lang, n=run.failing, categories=", ".join(found))
        )
    elif not any(
        row["rows"] for c, row in summary["categories"].items() if c not in ("cocok", "tetap")
    ):
        console.print(f"[green]{label('LABEL_ALL_MATCHED')}[/]")
