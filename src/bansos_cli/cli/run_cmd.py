"""``bansos run`` and ``bansos init``: the whole chain from one config file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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
from bansos_cli.cli.options import parse_date, parse_formats
from bansos_cli.cli.progress import step_progress
from bansos_cli.core.errors import OptionError
from bansos_cli.core.files import write_text_atomic
from bansos_cli.pipeline.config import (
    CONFIG_NAME,
    STARTER,
    RunConfig,
    discover_config,
    load_run_config,
    schema_json,
)
from bansos_cli.pipeline.run import RunResult, run

_T: dict[str, dict[str, Any]] = {
    "id": {
        "config": "Konfigurasi",
        "no_config": "tidak ada (nilai bawaan)",
        "as_of": "Tanggal acuan",
        "stages": {
            "read": "Membaca berkas",
            "validate": "Memeriksa data",
            "dedup": "Mencari data ganda",
            "check": "Menilai kelayakan",
            "reconcile": "Rekonsiliasi",
            "write": "Menulis hasil",
        },
        "files": "Per berkas",
        "file": "Berkas",
        "rows": "Baris",
        "ok": "OK",
        "warning": "Peringatan",
        "error": "Kesalahan",
        "dup": "Dlm kelompok ganda",
        "failed": "Berkas tidak terbaca (dilewati)",
        "findings": "Temuan terbanyak",
        "dedup": "Data ganda",
        "groups": "kelompok ganda",
        "review": "baris berlebih untuk ditinjau",
        "eligibility": "Kelayakan",
        "capped": "Dibatasi per keluarga",
        "program": "Program",
        "reconcile": "Rekonsiliasi",
        "category": "Kategori",
        "outputs": "Berkas hasil",
        "time": "Waktu",
        "exists": "sudah ada; pakai --force untuk menimpa",
        "written": "Konfigurasi awal ditulis ke",
    },
    "en": {
        "config": "Config",
        "no_config": "none (defaults)",
        "as_of": "Reference date",
        "stages": {
            "read": "Reading inputs",
            "validate": "Validating rows",
            "dedup": "Finding duplicates",
            "check": "Checking eligibility",
            "reconcile": "Reconciling",
            "write": "Writing outputs",
        },
        "files": "Per file",
        "file": "File",
        "rows": "Rows",
        "ok": "OK",
        "warning": "Warnings",
        "error": "Errors",
        "dup": "In duplicate groups",
        "failed": "Unreadable inputs (skipped)",
        "findings": "Top findings",
        "dedup": "Duplicates",
        "groups": "duplicate groups",
        "review": "surplus rows to review",
        "eligibility": "Eligibility",
        "capped": "Capped per family",
        "program": "Program",
        "reconcile": "Reconciliation",
        "category": "Category",
        "outputs": "Outputs",
        "time": "Time",
        "exists": "already exists; use --force to overwrite",
        "written": "Starter config written to",
    },
}
STAGE_NAMES = ("validate", "dedup", "check", "reconcile")


def _build_config(
    config_path: Path | None,
    *,
    rules: list[str] | None,
    out: Path | None,
    fmt: str | None,
    mask: bool | None,
    no_report: bool,
    strict: bool,
    skip: list[str] | None,
    reconcile_with: list[str] | None,
    fail_on: str | None,
    lang: str,
) -> tuple[RunConfig, Path | None]:
    """The config file (given or discovered) with command-line options laid over it."""
    path = config_path or discover_config()
    config = load_run_config(path) if path is not None else RunConfig()
    updates: dict[str, Any] = {"lang": lang}
    if rules:
        updates["rules"] = config.rules.model_copy(update={"files": list(rules)})
    if out is not None:
        updates["out"] = str(out)
    if fmt is not None:
        updates["formats"] = list(parse_formats(fmt))
    if mask is not None:
        updates["mask"] = mask
    if no_report:
        updates["report"] = False
    if strict:
        updates["strict"] = True
    if skip:
        unknown = sorted(set(skip) - set(STAGE_NAMES))
        if unknown:
            raise OptionError(
                f"--skip {unknown[0]!r} is not a stage", hint=f"use one of {', '.join(STAGE_NAMES)}"
            )
        switches = config.stages.model_dump(by_alias=True)
        for name in skip:
            switches[name] = False
        updates["stages"] = type(config.stages).model_validate(switches)
    if reconcile_with:
        from bansos_cli.pipeline.config import ReconcileSettings

        base = config.reconcile or ReconcileSettings(target=list(reconcile_with))
        updates["reconcile"] = base.model_copy(update={"target": list(reconcile_with)})
    if fail_on is not None:
        if fail_on not in ("error", "warning", "never"):
            raise OptionError(f"--fail-on must be error, warning or never, not {fail_on!r}")
        updates["validate_"] = config.validate_.model_copy(update={"fail_on": fail_on})
    return config.model_copy(update=updates), path


@app.command(
    "run",
    epilog=(
        "[bold]Contoh / examples:[/]\n"
        "  bansos run daftar_penerima.xlsx\n"
        "  bansos run kecamatan/ --as-of 2025-07-01 --out hasil/\n"
        "  bansos run --config bansos.yaml --json > ringkasan.json\n"
        "  bansos run sk_penerima.xlsx --reconcile-with laporan_penyaluran.xlsx"
    ),
)
def run_command(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Input files, folders or glob patterns. Default: 'inputs' of the config file.",
            show_default=False,
        ),
    ] = None,
    config_path: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help=f"Config file. Default: ./{CONFIG_NAME} when it exists (bansos init writes one).",
            show_default=False,
        ),
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            "-r",
            help="Rule files or folders (repeatable). Default: the rule files shipped with bansos.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Reference date YYYY-MM-DD for ages and parameters. "
            "Default: config, else today (always printed).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output folder. Default: bansos-out/run.", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Table outputs: parquet, csv or both.", show_default=False),
    ] = None,
    mask: Annotated[
        bool | None,
        typer.Option(
            "--mask/--no-mask", help="Mask NIK/KK in the written files.", show_default=False
        ),
    ] = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write report.xlsx (faster on big runs).")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first unreadable input file.")
    ] = False,
    skip: Annotated[
        list[str] | None,
        typer.Option(
            "--skip",
            help="Skip a stage: validate, dedup, check, reconcile (repeatable).",
            show_default=False,
        ),
    ] = None,
    reconcile_with: Annotated[
        list[str] | None,
        typer.Option(
            "--reconcile-with",
            help="Also reconcile against this list (e.g. a disbursement report); matched on NIK.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 on validation rows with: error (default), warning, or never.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Run the whole chain: read, validate, find duplicates, check eligibility (, reconcile).

    Jalankan seluruh rangkaian: baca, periksa, cari data ganda, nilai kelayakan (, rekonsiliasi).
    One dataset for all inputs (a folder of kecamatan exports is one run); one records table
    with status, duplicate group and eligibility per person; one summary.json and report.xlsx.
    Exit code 0: clean; 1: the data failed (errors, duplicates, reconciliation differences);
    2: unusable options, or an input file could not be read (the others are still processed
    unless --strict).
    """
    language = resolve_lang(lang)
    text = _T[language]
    config, path = _build_config(
        config_path, rules=rules, out=out, fmt=fmt, mask=mask, no_report=no_report,
        strict=strict, skip=skip, reconcile_with=reconcile_with, fail_on=fail_on, lang=language,
    )  # fmt: skip
    reference = parse_date(as_of, "--as-of")
    show = not quiet and not as_json
    if show:
        console.print(
            f"{text['config']}: {path if path else text['no_config']}", soft_wrap=True, markup=False
        )
        with step_progress(text["stages"]) as progress:
            result = run(inputs, config, as_of=reference, progress=progress)
        print_notices(err_console, result.sources, language)
    else:
        result = run(inputs, config, as_of=reference)
    if as_json:
        typer.echo(json.dumps(result.summary, ensure_ascii=False, indent=2, default=str))
    elif show:
        _render(result, text)
    raise typer.Exit(result.exit_code())


def _render(result: RunResult, text: dict[str, Any]) -> None:
    summary = result.summary
    console.print(f"{text['as_of']}: [bold]{result.as_of.isoformat()}[/]")
    files = Table(title=text["files"], title_justify="left", show_edge=False)
    for name in (text["file"], text["rows"], text["ok"], text["warning"], text["error"],
                 text["dup"]):  # fmt: skip
        files.add_column(name, justify="left" if name == text["file"] else "right")
    for item in summary["per_file"]:
        files.add_row(
            escape(f"{item['path']}" + (f" [{item['sheet']}]" if item["sheet"] else "")),
            f"{item['rows']:,}",
            f"{item.get('ok', 0):,}",
            f"[yellow]{item.get('warning', 0):,}[/]",
            f"[red]{item.get('error', 0):,}[/]",
            f"{item.get('rows_in_duplicate_groups', 0):,}",
        )
    console.print(files)
    if result.failed:
        console.print(f"[red]{text['failed']}:[/]")
        for failed in result.failed:
            console.print(f"  [red]✗[/] {escape(failed.error)}", soft_wrap=True)
    if "validate" in summary:
        codes = sorted(summary["validate"]["by_code"].items(), key=lambda kv: -kv[1]["count"])[:8]
        if codes:
            table = Table(title=text["findings"], title_justify="left", show_edge=False)
            for name in ("code", "severity", "n"):
                table.add_column(name, justify="right" if name == "n" else "left")
            colour = {"error": "red", "warning": "yellow", "info": "blue"}
            for code, info in codes:
                sev = info["severity"]
                table.add_row(code, f"[{colour.get(sev, 'white')}]{sev}[/]", f"{info['count']:,}")
            console.print(table)
    if "dedup" in summary:
        d = summary["dedup"]
        classes = ", ".join(f"{k} {v:,}" for k, v in d["classes"].items() if v)
        console.print(
            f"{text['dedup']}: {d['groups']['groups']:,} {text['groups']}, "
            f"{d['groups']['rows_to_review']:,} {text['review']}"
            + (f" ({classes})" if classes else "")
        )
    if result.check is not None:
        table = Table(title=text["eligibility"], title_justify="left", show_edge=False)
        table.add_column(text["program"])
        statuses = ("LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI")
        for status in statuses:
            table.add_column(status, justify="right")
        capped = any(p.evaluation.capped for p in result.check.programs)
        if capped:
            table.add_column(text["capped"], justify="right")
        for program in result.check.programs:
            counts = program.counts
            cells = [f"{counts[s]:,}" for s in statuses]
            if capped:
                cells.append(f"{program.evaluation.capped:,}")
            table.add_row(program.program.name, *cells)
        console.print(table)
    if result.reconcile_summary is not None:
        rec = result.reconcile_summary
        table = Table(title=text["reconcile"], title_justify="left", show_edge=False)
        table.add_column(text["category"])
        table.add_column(text["rows"], justify="right")
        for category, row in rec["categories"].items():
            table.add_row(category, f"{row['rows']:,}")
        console.print(table)
        total = rec["total"]
        console.print(
            f"Rp {total['rp_left']:,} → Rp {total['rp_right']:,} "
            f"(selisih/difference Rp {total['difference_rp']:,})"
        )
    console.print(f"{text['outputs']}:")
    for paths in summary["outputs"].values():
        for p in paths:
            console.print(f"  {p}", markup=False, soft_wrap=True)
    console.print(f"{text['time']}: {summary['duration_s']:.1f} s")


@app.command("init")
def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = Path(
        CONFIG_NAME
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    schema: Annotated[
        bool,
        typer.Option("--schema", help="Print the JSON Schema of the config file instead."),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Write a commented starter bansos.yaml for `bansos run` (or print its JSON Schema).

    Tulis berkas konfigurasi awal bansos.yaml (dengan penjelasan) untuk `bansos run`.
    """
    text = _T[resolve_lang(lang)]
    if schema:
        typer.echo(schema_json(), nl=False)
        return
    if path.exists() and not force:
        raise OptionError(f"{path} {text['exists']}")
    write_text_atomic(path, STARTER)
    console.print(f"{text['written']} {path}", markup=False, soft_wrap=True)
