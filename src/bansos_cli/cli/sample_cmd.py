"""``bansos sample``: write a synthetic beneficiary list (and its truth) for demos and tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bansos_cli.cli.app import command, console, err_console
from bansos_cli.cli.options import (
    JsonOption,
    LangOption,
    QuietOption,
    SampleOutOption,
    resolve_lang,
)
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import format_number, text

RECON_LAYOUT = "rekonsiliasi"
DEFAULT_OUT = Path("bansos-out") / "sample"
FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt", ".parquet", ".pq")
"""An ``--out`` ending in one of these (and not an existing folder) is a file path as
before ``--out`` became a folder: accepted for one release, with a notice."""


def _default_name(layout: str) -> str:
    return "sk_penerima.xlsx" if layout == RECON_LAYOUT else f"contoh_{layout}.xlsx"


def _in_folder(folder: Path, name: str) -> Path:
    """A bare file name lands in ``folder``; a path (with a folder part) is used as given."""
    return folder / name if Path(name).name == name else Path(name)


def _truth_path(data: Path) -> Path:
    """``<name>.truth.parquet`` beside the data (``.truth.csv`` beside a csv)."""
    suffix = ".csv" if data.suffix.lower() == ".csv" else ".parquet"
    return data.with_name(f"{data.stem}.truth{suffix}")


@command(
    "sample",
    examples=(
        "bansos sample --out contoh/ --layout siks_ng --rows 3000",
        "bansos sample --out besar/ --name besar.parquet --rows 1000000",
        "bansos sample --out rekon/ --layout rekonsiliasi --paid-out bayar.xlsx",
    ),
)
def sample_command(
    out: SampleOutOption = None,
    name: Annotated[
        str | None, typer.Option("--name", help="HELP_SAMPLE_NAME", show_default=False)
    ] = None,
    rows: Annotated[int, typer.Option("--rows", "-n", help="HELP_SAMPLE_ROWS")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="HELP_SEED")] = 1,
    layout: Annotated[str, typer.Option("--layout", help="HELP_LAYOUT")] = "canonical",
    error_rate: Annotated[float, typer.Option("--error-rate", help="HELP_ERROR_RATE")] = 0.10,
    duplicate_rate: Annotated[
        float, typer.Option("--duplicate-rate", help="HELP_DUPLICATE_RATE")
    ] = 0.03,
    region: Annotated[
        str | None, typer.Option("--region", help="HELP_SAMPLE_REGION", show_default=False)
    ] = None,
    paid_out: Annotated[
        str | None, typer.Option("--paid-out", help="HELP_PAID_OUT", show_default=False)
    ] = None,
    truth: Annotated[Path | None, typer.Option("--truth", hidden=True)] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos sample``: help text ``CMD_SAMPLE`` of the message catalogue."""
    from bansos_cli.core.outputset import output_set
    from bansos_cli.sample import (
        generate,
        generate_reconciliation_pair,
        write_reconciliation_pair,
        write_sample,
    )

    language = resolve_lang(lang)
    notices: list[str] = []
    folder = out if out is not None else DEFAULT_OUT
    if out is not None and out.suffix.lower() in FILE_SUFFIXES and not out.is_dir():
        folder, name = out.parent, out.name  # the file path of earlier releases
        notices.append(
            text("CLI_SAMPLE_OUT_FILE", language, value=out, folder=folder, name=out.name)
        )
    if name is not None and Path(name).name != name:
        raise OptionError.of("CLI_SAMPLE_NAME_PATH", value=name)
    data = folder / (name or _default_name(layout))
    if truth is not None:
        notices.append(text("CLI_SAMPLE_TRUTH_PATH", language))
    truth_path = truth if truth is not None else _truth_path(data)
    if not quiet:
        for notice in notices:
            err_console.print(notice, markup=False, soft_wrap=True)
    # the list and its truth land together (or not at all), beside what the folder holds
    with output_set(data.parent, whole=False):
        if layout == RECON_LAYOUT:
            pair = generate_reconciliation_pair(rows, seed, region=region)
            paid = _in_folder(folder, paid_out or "laporan_penyaluran.xlsx")
            written = write_reconciliation_pair(pair, data, paid, truth_path)
            counts = pair.truth.explode("problems")["problems"].drop_nulls().value_counts()
        else:
            result = generate(
                rows,
                seed,
                layout=layout,
                error_rate=error_rate,
                duplicate_rate=duplicate_rate,
                region=region,
            )
            written = write_sample(result, data, truth_path)
            counts = result.truth.explode("problems")["problems"].drop_nulls().value_counts()
    problems = dict(
        sorted(zip(counts["problems"].to_list(), counts["count"].to_list(), strict=True))
    )
    summary: dict[str, object] = {
        "layout": layout,
        "rows": rows,
        "seed": seed,
        "files": [str(p) for p in written],
        "problems": problems,
    }
    if as_json:
        typer.echo(json.dumps(summary, sort_keys=True, indent=2))
        return
    if quiet:
        return
    console.print(text("CLI_SAMPLE_WRITTEN", language, rows=rows, layout=layout, seed=seed))
    for path in written:
        console.print(f"  {path}", markup=False, soft_wrap=True)
    for code, count in problems.items():
        console.print(f"  {code}: {format_number(count, language)}")
