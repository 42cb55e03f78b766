"""``bansos dedup``: duplicate people and families across one or many lists, with reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
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
from bansos_cli.core.errors import ExitCode
from bansos_cli.dedup import CLASSES
from bansos_cli.pipeline.dedup import DedupRun, run_dedup

_T: dict[str, dict[str, Any]] = {
    "id": {
        "rows": "baris data",
        "candidates": "pasangan kandidat",
        "class": "Kelas",
        "pairs": "pasangan",
        "groups": "Kelompok ganda",
        "extra": "baris berlebih",
        "largest": "Kelompok terbesar",
        "examples": "Contoh (NIK disamarkan)",
        "written": "Ditulis",
        "none": "Tidak ada data ganda.",
        "steps": {
            "siapkan": "Menyiapkan nama dan tanggal",
            "blok": "Membentuk blok kandidat",
            "banding": "Membandingkan pasangan",
            "model": "Menaksir model",
            "kelas": "Menggolongkan pasangan",
            "kelompok": "Mengelompokkan",
        },
    },
    "en": {
        "rows": "data rows",
        "candidates": "candidate pairs",
        "class": "Class",
        "pairs": "pairs",
        "groups": "Duplicate groups",
        "extra": "surplus rows",
        "largest": "Largest groups",
        "examples": "Examples (NIK masked)",
        "written": "Written",
        "none": "No duplicates found.",
        "steps": {
            "siapkan": "Preparing names and dates",
            "blok": "Blocking candidates",
            "banding": "Comparing pairs",
            "model": "Estimating the model",
            "kelas": "Classifying pairs",
            "kelompok": "Grouping",
        },
    },
}


@app.command(
    "dedup",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos dedup daftar_penerima.xlsx\n"
        "  bansos dedup kecamatan/*.xlsx --out ganda/ --format both\n"
        "  bansos dedup daftar.parquet --config dedup.yaml --json"
    ),
)
def dedup_command(
    files: FilesArgument,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for pairs.parquet, clusters.parquet, summary.json and report.xlsx. "
            "Default: nothing written.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="dedup.yaml: field mapping, blocking keys, thresholds (see docs/dedup.md).",
            show_default=False,
        ),
    ] = None,
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
    """Find duplicate people and families (same NIK, NIK conflicts, NIK typos, same person
    under another NIK, same family twice), within and across files.

    Cari data ganda: NIK sama, NIK bentrok, salah ketik NIK, orang sama dengan NIK beda,
    keluarga ganda. Exit 0: no duplicates; 1: duplicates found; 2: unusable input or config.
    """
    language = resolve_lang(lang)
    text = _T[language]
    formats = parse_formats(fmt)
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    show_progress = not (quiet or as_json) and err_console.is_terminal
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not show_progress,
    ) as bar:
        task = bar.add_task("", total=len(text["steps"]))

        def progress(step: str, index: int, total: int) -> None:
            steps: dict[str, str] = text["steps"]
            bar.update(task, completed=index, total=total, description=steps[step])

        run = run_dedup(
            files,
            config=config,
            out_dir=out,
            read_options=options,
            lang=language,
            mask=mask_ids,
            formats=formats,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(run.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif not quiet:
        _render(run, text)
    found = run.result.pairs.height > 0
    raise typer.Exit(code=int(ExitCode.DATA_FAILED if found else ExitCode.OK))


def _render(run: DedupRun, text: dict[str, Any]) -> None:
    result = run.result
    console.print(
        f"{result.rows:,} {text['rows']}, {result.candidate_pairs:,} {text['candidates']}"
    )
    for notice in result.notices:
        err_console.print(f"[yellow]![/] {escape(str(notice))}")
    if result.pairs.height == 0:
        console.print(f"[green]{text['none']}[/]")
    else:
        table = Table(show_edge=False, title_justify="left")
        table.add_column(text["class"])
        table.add_column(text["pairs"], justify="right")
        counts = result.class_counts()
        for kelas in CLASSES:
            table.add_row(kelas, f"{counts[kelas]:,}")
        console.print(table)
        groups = result.group_stats()
        console.print(
            f"{text['groups']}: {groups['groups']:,} ({groups['rows_to_review']:,} {text['extra']})"
        )
        biggest = (
            result.clusters.filter(result.clusters["cluster_size"] > 1)
            .unique("cluster_id")
            .sort("cluster_size", descending=True)
            .head(5)
        )
        if biggest.height:
            shown = ", ".join(
                f"#{cid} ({size})"
                for cid, size in zip(
                    biggest["cluster_id"].to_list(), biggest["cluster_size"].to_list(), strict=True
                )
            )
            console.print(f"{text['largest']}: {shown}")
        if result.examples is not None and result.examples.height:
            examples = Table(title=text["examples"], title_justify="left", show_edge=False)
            for column in result.examples.columns:
                examples.add_column(column)
            for row in result.examples.rows():
                examples.add_row(*["" if v is None else escape(str(v)) for v in row])
            console.print(examples)
    for path in run.outputs:
        console.print(f"{text['written']}: {path}", markup=False, soft_wrap=True)
