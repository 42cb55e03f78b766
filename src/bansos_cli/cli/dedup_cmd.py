"""``bansos dedup``: duplicate people and families across one or many lists, with reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bansos_cli.cli.app import command, console, err_console
from bansos_cli.cli.options import (
    DedupFailOnOption,
    DelimiterOption,
    EncodingOption,
    FilesArgument,
    FormatOption,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    MaskOption,
    OutIfGivenOption,
    QuietOption,
    SheetOption,
    parse_formats,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.core import messages
from bansos_cli.core.messages import format_number, text

if TYPE_CHECKING:
    from bansos_cli.pipeline.dedup import DedupRun

STEPS = {
    "siapkan": "LABEL_STEP_DEDUP_PREPARE",
    "blok": "LABEL_STEP_DEDUP_BLOCK",
    "banding": "LABEL_STEP_DEDUP_COMPARE",
    "model": "LABEL_STEP_DEDUP_MODEL",
    "kelas": "LABEL_STEP_DEDUP_CLASSIFY",
    "kelompok": "LABEL_STEP_DEDUP_GROUP",
}


@command(
    "dedup",
    examples=(
        "bansos dedup daftar_penerima.xlsx",
        "bansos dedup kecamatan/*.xlsx --out ganda/ --format both",
        "bansos dedup daftar.parquet --config dedup.yaml --json",
        "bansos dedup daftar.xlsx --fail-on nik_sama,nik_bentrok --quiet",
    ),
)
def dedup_command(
    files: FilesArgument,
    out: OutIfGivenOption = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="HELP_CONFIG_DEDUP", show_default=False),
    ] = None,
    fail_on: DedupFailOnOption = "any",
    fmt: FormatOption = "parquet",
    mask: MaskOption = False,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos dedup``: help text ``CMD_DEDUP`` of the message catalogue."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from bansos_cli.pipeline.dedup import failing_classes, run_dedup

    language = resolve_lang(lang)
    failing_classes(fail_on)  # a bad --fail-on fails before anything is read
    formats = parse_formats(fmt)
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    steps = {name: text(code, language) for name, code in STEPS.items()}
    show_progress = not (quiet or as_json) and err_console.is_terminal
    with (
        stdin_inputs(files) as paths,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not show_progress,
        ) as bar,
    ):
        task = bar.add_task("", total=len(steps))

        def progress(step: str, index: int, total: int) -> None:
            bar.update(task, completed=index, total=total, description=steps.get(step, step))

        run = run_dedup(
            paths,
            config=config,
            out_dir=out,
            read_options=options,
            lang=language,
            mask=mask,
            formats=formats,
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(run.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif not quiet:
        _render(run, language)
    raise typer.Exit(code=run.exit_code(fail_on))


def _render(run: DedupRun, lang: str) -> None:
    from bansos_cli.dedup import CLASSES

    def label(code: str) -> str:
        return text(code, lang)

    def num(value: float) -> str:
        return format_number(value, lang)

    result = run.result
    console.print(
        f"{num(result.rows)} {label('LABEL_DATA_ROWS')}, "
        f"{num(result.candidate_pairs)} {label('LABEL_CANDIDATE_PAIRS')}"
    )
    for notice in result.notices:
        err_console.print(f"[yellow]![/] {escape(notice.render(lang))} [dim]({notice.code})[/]")
    if result.pairs.height == 0:
        console.print(f"[green]{label('LABEL_NO_DUPLICATES')}[/]")
    else:
        table = Table(show_edge=False, title_justify="left")
        table.add_column(label("LABEL_CLASS"))
        table.add_column(label("LABEL_PAIRS"), justify="right")
        counts = result.class_counts()
        for kelas in CLASSES:
            table.add_row(kelas, num(counts[kelas]))
        console.print(table)
        groups = result.group_stats()
        console.print(
            f"{label('LABEL_DUPLICATE_GROUPS')}: {num(groups['groups'])} "
            f"({num(groups['rows_to_review'])} {label('LABEL_SURPLUS_ROWS')})"
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
            console.print(f"{label('LABEL_LARGEST_GROUPS')}: {shown}")
        if result.examples is not None and result.examples.height:
            examples = Table(
                title=label("LABEL_EXAMPLES_MASKED"), title_justify="left", show_edge=False
            )
            known = messages.catalogue()
            for column in result.examples.columns:  # the output columns' report headers
                code = f"COL_{column.upper()}"
                examples.add_column(label(code) if code in known else column)
            for row in result.examples.rows():
                examples.add_row(*["" if v is None else escape(str(v)) for v in row])
            console.print(examples)
    for path in [p for paths in run.outputs.values() for p in paths]:
        console.print(f"{label('LABEL_WRITTEN')}: {path}", markup=False, soft_wrap=True)
