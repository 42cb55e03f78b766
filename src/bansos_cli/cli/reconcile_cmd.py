"""``bansos reconcile``: compare two lists, account for every person and every rupiah."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
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
from bansos_cli.cli.options import FormatOption, MaskOption, parse_formats, read_options
from bansos_cli.core.errors import ExitCode, OptionError
from bansos_cli.pipeline.reconcile import ReconcileRun, parse_fail_on, reconcile
from bansos_cli.reconcile import ReconcileOptions

_T = {
    "id": {
        "left": "Kiri",
        "right": "Kanan",
        "rows": "baris",
        "category": "Kategori",
        "diff": "Selisih Rp",
        "total": "Total",
        "explain": "Selisih total (kanan - kiri) dijelaskan per kategori",
        "fuzzy": "Pasangan fuzzy (saran, periksa manual)",
        "names": "Nama pada pasangan: sama {sama:,}, varian ejaan {varian:,}, beda {beda:,}",
        "fields": "Kolom berbeda pada pasangan",
        "unreadable": "Nominal tidak terbaca (dihitung Rp 0)",
        "nokey": "Kunci kosong/tidak valid",
        "written": "Ditulis",
        "failing": "{n:,} baris termasuk --fail-on ({cats})",
        "ok": "Semua baris cocok.",
    },
    "en": {
        "left": "Left",
        "right": "Right",
        "rows": "rows",
        "category": "Category",
        "diff": "Difference Rp",
        "total": "Total",
        "explain": "Difference of the totals (right - left) explained by category",
        "fuzzy": "Fuzzy pairs (suggestions, review them)",
        "names": "Names in pairs: same {sama:,}, spelling variant {varian:,}, different {beda:,}",
        "fields": "Fields differing in pairs",
        "unreadable": "Unreadable amounts (counted as Rp 0)",
        "nokey": "Empty/invalid key",
        "written": "Written",
        "failing": "{n:,} rows in --fail-on ({cats})",
        "ok": "Every row matched.",
    },
}


def _list(values: list[str] | None) -> tuple[str, ...]:
    """Repeatable options that also accept comma lists: ``--key nik --key periode`` or
    ``--key nik,periode``."""
    out: list[str] = []
    for value in values or []:
        out += [v.strip() for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


def _renames(values: list[str] | None) -> dict[str, str]:
    renames: dict[str, str] = {}
    for value in values or []:
        right, sep, left = value.partition("=")
        if not sep or not right.strip() or not left.strip():
            raise OptionError(
                f"--rename {value!r} is not RIGHT_COLUMN=LEFT_COLUMN",
                hint="e.g. --rename jumlah_bayar=nominal",
            )
        renames[right.strip()] = left.strip()
    return renames


def _rp(value: int) -> str:
    return f"Rp {value:,}".replace(",", ".")


ListOption = list[str] | None


@app.command(
    "reconcile",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos reconcile sk_penerima.xlsx laporan_penyaluran.xlsx\n"
        "  bansos reconcile sk.xlsx bayar.xlsx --amount nominal --tolerance 100\n"
        "  bansos reconcile periode_1.parquet periode_2.parquet --fuzzy --json"
    ),
)
def reconcile_command(
    left: Annotated[
        str,
        typer.Argument(
            metavar="LEFT", help="LEFT list (e.g. the decree/SK): a file, folder or glob pattern."
        ),
    ],
    right: Annotated[
        str,
        typer.Argument(
            metavar="RIGHT",
            help="RIGHT list (e.g. the disbursement report): a file, folder or glob.",
        ),
    ],
    key: Annotated[
        ListOption,
        typer.Option(
            "--key",
            "-k",
            help="Match on these columns (repeat or comma list). Default: nik.",
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        ListOption,
        typer.Option(
            "--compare",
            help="Compare only these fields. Default: every column both lists share (except NO).",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        ListOption,
        typer.Option("--ignore", help="Never compare these fields.", show_default=False),
    ] = None,
    rename: Annotated[
        ListOption,
        typer.Option(
            "--rename",
            help="RIGHT_COLUMN=LEFT_COLUMN: a right column that holds "
            "the same field as a left column (repeatable).",
            show_default=False,
        ),
    ] = None,
    amount: Annotated[
        str, typer.Option("--amount", help="The money column (parsed as rupiah, totalled).")
    ] = "nominal",
    tolerance: Annotated[
        int, typer.Option("--tolerance", min=0, help="Amounts within this many rupiah are equal.")
    ] = 0,
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", help="Compare text exactly (case and spaces).")
    ] = False,
    name_threshold: Annotated[
        float,
        typer.Option(
            "--name-threshold",
            min=0,
            max=100,
            help="Name score from which a differing name is a spelling variant.",
        ),
    ] = 85.0,
    fuzzy: Annotated[
        bool,
        typer.Option(
            "--fuzzy",
            help="Pair rows left unmatched by the key on similar "
            "names plus a near-identical NIK or the same birth date.",
        ),
    ] = False,
    fuzzy_threshold: Annotated[
        float,
        typer.Option(
            "--fuzzy-threshold", min=0, max=100, help="Minimum name score of a fuzzy pair."
        ),
    ] = 90.0,
    region: Annotated[
        ListOption,
        typer.Option(
            "--region",
            help="Columns of the per-region totals. Default: kecamatan,desa.",
            show_default=False,
        ),
    ] = None,
    program: Annotated[
        str, typer.Option("--program", help="Column of the per-program totals.")
    ] = "program",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for reconciliation.parquet, summary.json and "
            "report.xlsx. Default: nothing written.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = "parquet",
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write report.xlsx.")
    ] = False,
    mask_ids: MaskOption = False,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Exit 1 when rows fall in these categories: any "
            "(all but cocok), none, or a comma list such as hanya_kiri,cocok_beda.",
        ),
    ] = "any",
    left_sheet: Annotated[
        str | None, typer.Option("--left-sheet", help="Sheet of LEFT.", show_default=False)
    ] = None,
    right_sheet: Annotated[
        str | None, typer.Option("--right-sheet", help="Sheet of RIGHT.", show_default=False)
    ] = None,
    left_header_row: Annotated[
        int | None,
        typer.Option("--left-header-row", min=1, help="Header row of LEFT.", show_default=False),
    ] = None,
    right_header_row: Annotated[
        int | None,
        typer.Option("--right-header-row", min=1, help="Header row of RIGHT.", show_default=False),
    ] = None,
    left_mapping: Annotated[
        Path | None,
        typer.Option("--left-mapping", help="Header mapping YAML for LEFT.", show_default=False),
    ] = None,
    right_mapping: Annotated[
        Path | None,
        typer.Option("--right-mapping", help="Header mapping YAML for RIGHT.", show_default=False),
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """Reconcile two lists (decree vs disbursement, last vs this period, program vs DTSEN).

    Rekonsiliasi dua daftar: setiap baris kedua sisi masuk satu kategori (cocok, cocok_beda,
    ambigu, hanya_kiri, hanya_kanan) dan selisih rupiah dijelaskan per kategori.
    Exit 0: nothing in --fail-on; 1: some rows are; 2: unusable input or options.
    """
    language = resolve_lang(lang)
    options = ReconcileOptions(
        keys=_list(key) or ("nik",),
        compare=_list(compare) or None,
        ignore=_list(ignore),
        renames=_renames(rename),
        amount=amount or None,
        amount_tolerance=tolerance,
        name_threshold=name_threshold,
        case_insensitive=not case_sensitive,
        fuzzy=fuzzy,
        fuzzy_threshold=fuzzy_threshold,
        region=_list(region) or ("kecamatan", "desa"),
        program=program or None,
    )
    failing_categories = parse_fail_on(fail_on)
    run = reconcile(
        [left],
        [right],
        options=options,
        left_read=read_options(left_sheet, left_header_row, left_mapping),
        right_read=read_options(right_sheet, right_header_row, right_mapping),
        out_dir=out,
        formats=parse_formats(fmt),
        report=not no_report,
        mask=mask_ids,
        fail_on=failing_categories,
    )
    if as_json:
        typer.echo(json.dumps(run.summary, ensure_ascii=False, indent=2, default=str))
    elif not quiet:
        _render(run, _T[language])
    raise typer.Exit(code=int(ExitCode.DATA_FAILED if run.failing else ExitCode.OK))


def _render(run: ReconcileRun, text: dict[str, str]) -> None:
    summary: dict[str, Any] = run.summary
    left, right = summary["left"], summary["right"]
    console.print(
        f"{text['left']}: {', '.join(left['files'])} ({left['rows']:,} {text['rows']})  "
        f"{text['right']}: {', '.join(right['files'])} ({right['rows']:,} {text['rows']})",
        markup=False,
    )
    colours = {"cocok": "green", "cocok_beda": "yellow", "ambigu": "magenta",
               "hanya_kiri": "red", "hanya_kanan": "red"}  # fmt: skip
    table = Table(title=text["explain"], title_justify="left", show_edge=False)
    table.add_column(text["category"])
    for column in (text["left"], text["right"], f"Rp {text['left'].lower()}",
                   f"Rp {text['right'].lower()}", text["diff"]):  # fmt: skip
        table.add_column(column, justify="right")
    for category, row in summary["categories"].items():
        table.add_row(
            f"[{colours[category]}]{category}[/]",
            f"{row['rows_left']:,}", f"{row['rows_right']:,}",
            _rp(row["rp_left"]), _rp(row["rp_right"]), _rp(row["difference_rp"]),
        )  # fmt: skip
    total = summary["total"]
    table.add_row(
        f"[bold]{text['total']}[/]", f"{left['rows']:,}", f"{right['rows']:,}",
        _rp(total["rp_left"]), _rp(total["rp_right"]), f"[bold]{_rp(total['difference_rp'])}[/]",
    )  # fmt: skip
    console.print(table)
    if summary["options"]["name"]:
        console.print(text["names"].format(**summary["names"]))
    differing = {k: v for k, v in summary["field_differences"].items() if v}
    if differing:
        shown = ", ".join(f"{k} {v:,}" for k, v in differing.items())
        console.print(f"{text['fields']}: {shown}")
    if summary["options"]["fuzzy"]:
        console.print(f"{text['fuzzy']}: {summary['fuzzy_pairs']:,}")
    for side, label in ((left, text["left"]), (right, text["right"])):
        if side["amount_unreadable"]:
            err_console.print(f"[yellow]{text['unreadable']} ({label}):[/] "
                              f"{side['amount_unreadable']:,}")  # fmt: skip
        if side["key_missing"]:
            err_console.print(f"[yellow]{text['nokey']} ({label}):[/] {side['key_missing']:,}")
    for path in run.outputs:
        console.print(f"{text['written']}: {path}", markup=False, soft_wrap=True)
    if run.failing:
        console.print(text["failing"].format(n=run.failing, cats=", ".join(run.fail_on)))
    elif not any(summary["categories"][c]["rows"] for c in summary["categories"] if c != "cocok"):
        console.print(f"[green]{text['ok']}[/]")
