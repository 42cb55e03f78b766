"""``bansos sample``: write a synthetic beneficiary list (and its truth) for demos and tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bansos_cli.cli.app import JsonOption, QuietOption, app, console
from bansos_cli.core.errors import OptionError
from bansos_cli.sample import (
    LAYOUTS,
    generate,
    generate_reconciliation_pair,
    write_reconciliation_pair,
    write_sample,
)

RECON_LAYOUT = "rekonsiliasi"


@app.command(
    "sample",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos sample --out contoh.xlsx --layout siks_ng --rows 3000\n"
        "  bansos sample --out besar.parquet --rows 1000000 --truth besar.truth.parquet\n"
        "  bansos sample --out sk.xlsx --layout rekonsiliasi --paid-out bayar.xlsx"
    ),
)
def sample_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Output file: .xlsx, .csv or .parquet. "
            "For --layout rekonsiliasi: the decree list (SK).",
        ),
    ],
    rows: Annotated[int, typer.Option("--rows", "-n", help="Number of data rows.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same files.")] = 1,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth", help="Write the truth file (.parquet, or .csv with ';'-joined codes)."
        ),
    ] = None,
    layout: Annotated[
        str, typer.Option("--layout", help=f"One of {', '.join((*LAYOUTS, RECON_LAYOUT))}.")
    ] = "canonical",
    error_rate: Annotated[
        float, typer.Option("--error-rate", help="Share of rows given one injected error.")
    ] = 0.10,
    duplicate_rate: Annotated[
        float,
        typer.Option("--duplicate-rate", help="Share of rows that duplicate a person or family."),
    ] = 0.03,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Kemendagri code (2, 4, 6 or 10 digits); default 3201."),
    ] = None,
    paid_out: Annotated[
        Path | None,
        typer.Option("--paid-out", help="For --layout rekonsiliasi: the disbursement report file."),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Generate synthetic beneficiary data with known problems (buat data contoh sintetis)."""
    if layout == RECON_LAYOUT:
        if paid_out is None:
            raise OptionError(
                "--layout rekonsiliasi needs --paid-out FILE for the disbursement report"
            )
        pair = generate_reconciliation_pair(rows, seed, region=region)
        written = write_reconciliation_pair(pair, out, paid_out, truth)
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
        written = write_sample(result, out, truth)
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
    console.print(f"{rows:,} baris sintetis ({layout}, seed {seed}) ditulis ke:")
    for path in written:
        console.print(f"  {path}", markup=False, soft_wrap=True)
    for code, count in problems.items():
        console.print(f"  {code}: {count}")
