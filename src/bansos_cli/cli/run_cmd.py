"""``bansos run`` and ``bansos init``: the whole chain from one config file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.i18n import HELP_VALUES, set_lang
from bansos_cli.cli.notices import print_engine, print_notices
from bansos_cli.cli.options import (
    ENGINE_NAMES,
    DelimiterOption,
    EncodingOption,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    NoReportOption,
    QuietOption,
    RunAsOfOption,
    RunCsvFormulasOption,
    RunEngineOption,
    RunFailOnOption,
    RunFormatOption,
    RunMaskOption,
    RunOutOption,
    RunRulesOption,
    SheetOption,
    parse_choice,
    parse_csv_formulas,
    parse_date,
    parse_delimiter,
    parse_formats,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.progress import step_labels, step_progress
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import LANG_ENV, format_number, format_rupiah, text

if TYPE_CHECKING:
    from bansos_cli.pipeline.config import InputSpec, RunConfig
    from bansos_cli.pipeline.run import RunResult

CONFIG_NAME = HELP_VALUES["config"]
STAGES = {
    "read": "LABEL_STEP_READ",
    "validate": "LABEL_STEP_VALIDATE",
    "dedup": "LABEL_STEP_DEDUP",
    "check": "LABEL_STEP_CHECK",
    "reconcile": "LABEL_STEP_RECONCILE",
    "write": "LABEL_STEP_WRITE",
}
STAGE_NAMES = ("validate", "dedup", "check", "reconcile")
FAIL_ON = ("error", "warning", "never")


def _build_config(
    config_path: Path | None,
    *,
    rules: list[str] | None,
    out: Path | None,
    fmt: str | None,
    mask: bool | None,
    csv_formulas: str | None = None,
    no_report: bool,
    strict: bool,
    skip: list[str] | None,
    reconcile_with: list[str] | None,
    fail_on: str | None,
    lang: str | None,
    engine: str | None = None,
) -> tuple[RunConfig, Path | None]:
    """The config file (given or discovered) with command-line options laid over it."""
    from bansos_cli.pipeline.config import (
        ReconcileSettings,
        RunConfig,
        discover_config,
        load_run_config,
    )

    path = config_path or discover_config()
    config = load_run_config(path) if path is not None else RunConfig()
    updates: dict[str, Any] = {}
    if lang is not None:  # --lang or BANSOS_LANG; else the config file's language
        updates["lang"] = lang
    if rules:
        updates["rules"] = config.rules.model_copy(update={"files": list(rules)})
    if out is not None:
        updates["out"] = str(out)
    if fmt is not None:
        updates["formats"] = list(parse_formats(fmt))
    if mask is not None:
        updates["mask"] = mask
    if csv_formulas is not None:
        updates["csv_formulas"] = parse_csv_formulas(csv_formulas)
    if no_report:
        updates["report"] = False
    if strict:
        updates["strict"] = True
    if skip:
        unknown = sorted(set(skip) - set(STAGE_NAMES))
        if unknown:
            raise OptionError.of(
                "CLI_SKIP_UNKNOWN", value=unknown[0], stages=", ".join(STAGE_NAMES)
            )
        switches = config.stages.model_dump(by_alias=True)
        for name in skip:
            switches[name] = False
        updates["stages"] = type(config.stages).model_validate(switches)
    if reconcile_with:
        base = config.reconcile or ReconcileSettings(target=list(reconcile_with))
        updates["reconcile"] = base.model_copy(update={"target": list(reconcile_with)})
    if engine is not None:
        updates["engine"] = parse_choice(engine, "--engine", ENGINE_NAMES)
    if fail_on is not None:
        level = parse_choice(fail_on, "--fail-on", FAIL_ON)
        updates["validate_"] = config.validate_.model_copy(update={"fail_on": level})
    return config.model_copy(update=updates), path


def _inputs(
    config: RunConfig, paths: Sequence[str], read: dict[str, Any]
) -> list[InputSpec] | None:
    """The inputs named on the command line (else ``None``: those of the config file), with
    the reading options of the command line laid over them."""
    if not paths and not read:
        return None
    specs = list(config.inputs)
    if paths:
        from bansos_cli.pipeline.config import InputSpec

        specs = [InputSpec(path=p) for p in paths]
    return [spec.model_copy(update=read) for spec in specs]


@command(
    "run",
    examples=(
        "bansos run daftar_penerima.xlsx",
        "bansos run kecamatan/ --as-of 2025-07-01 --out hasil/",
        "bansos run --config bansos.yaml --json > ringkasan.json",
        "bansos run sk_penerima.xlsx --reconcile-with laporan_penyaluran.xlsx",
    ),
)
def run_command(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(metavar="INPUT", help="HELP_RUN_INPUTS", show_default=False),
    ] = None,
    config_path: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="HELP_CONFIG_RUN", show_default=False),
    ] = None,
    rules: RunRulesOption = None,
    as_of: RunAsOfOption = None,
    out: RunOutOption = None,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    fmt: RunFormatOption = None,
    csv_formulas: RunCsvFormulasOption = None,
    mask: RunMaskOption = None,
    no_report: NoReportOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="HELP_STRICT_RUN")] = False,
    skip: Annotated[
        list[str] | None, typer.Option("--skip", help="HELP_SKIP", show_default=False)
    ] = None,
    reconcile_with: Annotated[
        list[str] | None,
        typer.Option("--reconcile-with", help="HELP_RECONCILE_WITH", show_default=False),
    ] = None,
    fail_on: RunFailOnOption = None,
    engine: RunEngineOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos run``: help text ``CMD_RUN`` of the message catalogue."""
    from bansos_cli.pipeline.run import run

    chosen = resolve_lang(lang) if lang or os.environ.get(LANG_ENV) else None
    config, path = _build_config(
        config_path, rules=rules, out=out, fmt=fmt, mask=mask, csv_formulas=csv_formulas,
        no_report=no_report,
        strict=strict, skip=skip, reconcile_with=reconcile_with, fail_on=fail_on, lang=chosen,
        engine=engine,
    )  # fmt: skip
    language = config.lang
    set_lang(language)
    reference = parse_date(as_of)
    read = {
        key: value
        for key, value in (
            ("sheet", sheet),
            ("header_row", header_row),
            ("mapping", None if mapping is None else str(mapping)),
            ("encoding", encoding),
            ("delimiter", parse_delimiter(delimiter)),
        )
        if value is not None
    }
    show = not quiet and not as_json
    if show:
        shown = path if path else text("LABEL_NO_CONFIG", language)
        console.print(f"{text('LABEL_CONFIG', language)}: {shown}", soft_wrap=True, markup=False)
    with (
        stdin_inputs(inputs or []) as paths,
        step_progress(step_labels(STAGES, language), enabled=show) as progress,
    ):
        result = run(
            _inputs(config, paths, read),
            config,
            as_of=reference,
            out_dir=config.out,
            progress=progress if show else None,
        )
    if show:
        print_engine(err_console, result.engine, language)
        print_notices(err_console, result.sources, language)
        _render(result, language)
    elif as_json:
        echo_json(result.summary)
    raise typer.Exit(result.exit_code())


def _render(result: RunResult, lang: str) -> None:
    def label(code: str) -> str:
        return text(code, lang)

    def num(value: float, decimals: int = 0) -> str:
        return format_number(value, lang, decimals)

    summary = result.summary
    console.print(f"{label('LABEL_AS_OF')}: [bold]{result.as_of.isoformat()}[/]")
    files = new_table(label("LABEL_PER_FILE"))
    # the file name on a line of its own (wide enough not to fold), its sheet below it
    longest = max((len(str(i["path"])) for i in summary["per_file"]), default=6)
    files.add_column(label("LABEL_FILE"), min_width=min(longest, 20))
    for code in ("LABEL_ROWS", "LABEL_HEAD_OK", "LABEL_HEAD_WARNING", "LABEL_HEAD_ERROR",
                 "LABEL_IN_DUPLICATE_GROUPS"):  # fmt: skip
        # a long header wraps over two lines rather than squeezing the file names
        files.add_column(label(code), justify="right", max_width=12)
    for item in summary["per_file"]:
        files.add_row(
            escape(f"{item['path']}" + (f"\n[{item['sheet']}]" if item["sheet"] else "")),
            num(item["rows"]),
            num(item.get("ok", 0)),
            f"[yellow]{num(item.get('warning', 0))}[/]",
            f"[red]{num(item.get('error', 0))}[/]",
            num(item.get("rows_in_duplicate_groups", 0)),
        )
    console.print(files)
    if result.failed:
        console.print(f"[red]{label('LABEL_FAILED_INPUTS')}:[/]")
        for failed in result.failed:
            console.print(f"  [red]✗[/] {escape(failed.render(lang))}", soft_wrap=True)
    if "validate" in summary:
        # by_code is ordered by count, then code: the same order on every run
        codes = list(summary["validate"]["by_code"].items())[:8]
        if codes:
            table = new_table(label("LABEL_TOP_FINDINGS"))
            table.add_column(
                label("LABEL_CODE"), no_wrap=True, min_width=max(len(c) for c, _ in codes)
            )
            table.add_column(label("LABEL_SEVERITY"))
            table.add_column(label("LABEL_COUNT"), justify="right", no_wrap=True)
            colour = {"error": "red", "warning": "yellow", "info": "blue"}
            for code, info in codes:
                sev = info["severity"]
                shown = label(f"LABEL_SEVERITY_{sev.upper()}")
                table.add_row(code, f"[{colour.get(sev, 'white')}]{shown}[/]", num(info["count"]))
            console.print(table)
    if "dedup" in summary:
        d = summary["dedup"]
        classes = ", ".join(f"{k} {num(v)}" for k, v in d["classes"].items() if v)
        console.print(
            f"{label('LABEL_DUPLICATES')}: {num(d['groups']['groups'])} "
            f"{label('LABEL_DUPLICATE_GROUPS_LOWER')}, "
            f"{num(d['groups']['rows_to_review'])} {label('LABEL_SURPLUS_TO_REVIEW')}"
            + (f" ({classes})" if classes else "")
        )
    if result.check is not None:
        table = new_table(label("LABEL_ELIGIBILITY"))
        table.add_column(label("LABEL_PROGRAM"))
        statuses = ("LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI")
        for status in statuses:
            table.add_column(status, justify="right")
        capped = any(p.evaluation.capped for p in result.check.programs)
        if capped:
            table.add_column(label("LABEL_CAPPED"), justify="right")
        for program in result.check.programs:
            counts = program.counts
            cells = [num(counts[s]) for s in statuses]
            if capped:
                cells.append(num(program.evaluation.capped))
            table.add_row(program.program.name, *cells)
        console.print(table)
        for program in result.check.programs:
            money = program.amounts()
            if money["amount_year"]:
                paid = text(
                    "LABEL_FAMILIES_PAID",
                    lang,
                    paid=num(money["families_paid"]),
                    families=num(money["families"]),
                    month=format_rupiah(money["amount_month"], lang),
                    year=format_rupiah(money["amount_year"], lang),
                )
                # wrapped at the terminal's width by words, like check's line
                console.print(f" {program.program.name}: {paid}", markup=False)
    if result.reconcile_summary is not None:
        rec = result.reconcile_summary
        table = new_table(label("LABEL_RECONCILIATION"))
        table.add_column(label("LABEL_CATEGORY"))
        table.add_column(label("LABEL_ROWS"), justify="right")
        for category, row in rec["categories"].items():
            table.add_row(category, num(row["rows"]))
        console.print(table)
        total = rec["total"]
        console.print(
            text(
                "CLI_RUN_TOTALS",
                lang,
                left=format_rupiah(total["rp_left"], lang),
                right=format_rupiah(total["rp_right"], lang),
                difference=format_rupiah(total["difference_rp"], lang),
            )
        )
    console.print(f"{label('LABEL_OUTPUTS')}:")
    for paths in summary["outputs"].values():
        for p in paths:
            console.print(f"  {p}", markup=False, soft_wrap=True)
    console.print(f"{label('LABEL_TIME')}: {num(summary['duration_s'], 1)} s")


@command("init", examples=("bansos init", "bansos init kecamatan/bansos.yaml --force"))
def init_command(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="HELP_INIT_PATH")] = Path(
        CONFIG_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="HELP_FORCE")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="HELP_SCHEMA")] = False,
    lang: LangOption = None,
) -> None:
    """``bansos init``: help text ``CMD_INIT`` of the message catalogue."""
    from bansos_cli.core.files import write_text_atomic
    from bansos_cli.pipeline.config import STARTER, schema_json

    language = resolve_lang(lang)
    if schema:
        typer.echo(schema_json(), nl=False)
        return
    if path.exists() and not force:
        raise OptionError.of("CLI_FILE_EXISTS", path=str(path))
    write_text_atomic(path, STARTER)
    console.print(text("CLI_INIT_WRITTEN", language, path=path), markup=False, soft_wrap=True)
