"""``bansos dedup``: duplicate people and families across one or many lists, with reasons."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.options import (
    CsvFormulasOption,
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
    parse_csv_formulas,
    parse_formats,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.messages import format_number, text

if TYPE_CHECKING:
    import polars as pl

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
    csv_formulas: CsvFormulasOption = "neutralise",
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
            csv_formulas=parse_csv_formulas(csv_formulas),
            progress=progress,
        )
    if as_json:
        echo_json(run.to_dict())
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
        table = new_table()
        table.add_column(label("LABEL_CLASS"), no_wrap=True)
        table.add_column(label("LABEL_PAIRS"), justify="right", no_wrap=True)
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
            .sort(["cluster_size", "cluster_id"], descending=[True, False])  # stable order
            .head(5)
        )
        if biggest.height:
            shown = ", ".join(
                f"#{cid} ({num(size)})"
                for cid, size in zip(
                    biggest["cluster_id"].to_list(), biggest["cluster_size"].to_list(), strict=True
                )
            )
            console.print(f"{label('LABEL_LARGEST_GROUPS')}: {shown}")
        if result.examples is not None and result.examples.height:
            _print_examples(result.examples, lang)
    for path in [p for paths in run.outputs.values() for p in paths]:
        console.print(f"{label('LABEL_WRITTEN')}: {path}", markup=False, soft_wrap=True)


def _print_examples(examples: pl.DataFrame, lang: str) -> None:
    """Example pairs: class and decision, score, then each side's row and masked NIK, each on
    its own line (the file is named only when the pairs come from several files)."""
    ordered = examples.sort(
        ["class", "score", "row_a", "row_b"], descending=[False, True, False, False]
    )
    sides = ordered.get_column("row_a").to_list() + ordered.get_column("row_b").to_list()
    files = {str(s).rpartition(":")[0] for s in sides if s}
    several = len(files) > 1

    def where(value: object) -> str:
        # the row on a line of its own: a long file name may wrap, the row number never
        file, _, row = str(value or "").rpartition(":")
        shown = f"{text('LABEL_ROW_LOWER', lang)} {row}"
        return f"{file}\n{shown}" if several else shown

    table = new_table(text("LABEL_EXAMPLES_MASKED", lang))
    table.add_column(f"{text('COL_CLASS', lang)} / {text('COL_DECISION', lang)}", no_wrap=True)
    table.add_column(text("COL_SCORE", lang), justify="right", no_wrap=True)
    for side in ("A", "B"):
        table.add_column(f"{text('LABEL_RECORD', lang)} {side}", min_width=17)
    for row in ordered.iter_rows(named=True):  # a handful of example pairs
        table.add_row(
            f"{escape(str(row['class']))}\n[dim]{escape(str(row['decision']))}[/]",
            format_number(float(row["score"] or 0), lang, 2),
            f"{escape(where(row['row_a']))}\n{escape(str(row['nik_a'] or '-'))}",
            f"{escape(where(row['row_b']))}\n{escape(str(row['nik_b'] or '-'))}",
        )
    console.print(table)
