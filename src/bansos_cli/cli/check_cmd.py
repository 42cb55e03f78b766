"""``bansos check``: eligibility of every listed person under YAML rules files."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from bansos_cli.cli.app import command, console, echo_json, err_console
from bansos_cli.cli.notices import print_engine
from bansos_cli.cli.options import (
    AsOfOption,
    CheckFailOnOption,
    CsvFormulasOption,
    DelimiterOption,
    EncodingOption,
    EngineOption,
    ExplainOption,
    FilesArgument,
    FormatOption,
    HeaderRowOption,
    JsonOption,
    LangOption,
    MappingOption,
    MaskOption,
    OutIfGivenOption,
    ParamOption,
    QuietOption,
    RulesOption,
    SheetOption,
    SparkMasterOption,
    parse_choice,
    parse_csv_formulas,
    parse_date,
    parse_formats,
    read_options,
    resolve_lang,
    stdin_inputs,
)
from bansos_cli.cli.tables import table as new_table
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import format_number, format_rupiah, text

if TYPE_CHECKING:
    from bansos_cli.pipeline.check import CheckResult

FAIL_ON = ("TIDAK_LAYAK", "PERLU_VERIFIKASI", "never")
"""``--fail-on`` levels: a status, and every status worse than it, fails."""


def default_rules() -> list[str]:
    """The rule files shipped with bansos, as ``bansos run`` uses them."""
    from bansos_cli.rules import shipped_rules

    shipped = shipped_rules()
    if shipped is None:
        raise OptionError.of("CLI_NO_RULES")
    return [str(shipped)]


@command(
    "check",
    examples=(
        "bansos check daftar_penerima.xlsx",
        "bansos check daftar.xlsx --rules rules/pkh.yaml --as-of 2025-07-01",
        "bansos check daftar.parquet --rules rules/ --json > kelayakan.json",
        "bansos check daftar.xlsx --param pkh.usia_lansia=70 --explain 3201014107650001",
    ),
)
def check_command(
    files: FilesArgument,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
    out: OutIfGivenOption = None,
    fail_on: CheckFailOnOption = "TIDAK_LAYAK",
    param: ParamOption = None,
    explain: ExplainOption = None,
    fmt: FormatOption = "parquet",
    csv_formulas: CsvFormulasOption = "neutralise",
    mask: MaskOption = False,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    mapping: MappingOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    engine: EngineOption = "auto",
    spark_master: SparkMasterOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
) -> None:
    """``bansos check``: help text ``CMD_CHECK`` of the message catalogue."""
    from bansos_cli.pipeline.check import run_check

    language = resolve_lang(lang)
    level = parse_choice(fail_on, "--fail-on", FAIL_ON)
    date = parse_date(as_of)
    if date is None:
        date = dt.date.today()  # the CLI may default to today; library code never does
    formats = parse_formats(fmt)
    options = read_options(sheet, header_row, mapping, encoding, delimiter)
    with stdin_inputs(files) as paths:
        result = run_check(
            paths,
            list(rules) if rules else default_rules(),
            as_of=date,
            out_dir=out,
            read_options=options,
            lang=language,
            mask=mask,
            formats=formats,
            csv_formulas=parse_csv_formulas(csv_formulas),
            param=list(param) if param else None,
            explain=explain,
            engine=engine,
            spark_master=spark_master,
        )
    if as_json:
        echo_json(result.summary)
    elif not quiet:
        print_engine(err_console, result.engine, language)
        _render(result, language, as_of is None)
        if explain is not None:
            _render_explain(result, explain, language)
    raise typer.Exit(code=result.exit_code(level))


def _render_explain(result: CheckResult, nik: str, lang: str) -> None:
    from bansos_cli.core.privacy import mask_id

    nik = "".join(c for c in nik if c.isdigit()) or nik
    entries = result.summary.get("explain", []) if result.summary is not None else []
    console.print(
        f"\n[bold]{text('LABEL_EXPLAIN', lang, nik=mask_id(nik), n=len(entries))}[/]",
        soft_wrap=True,
    )
    for entry in entries:
        amount = format_rupiah(entry["amount_month"], lang)
        console.print(
            f"  {entry['program']}: [bold]{entry['status']}[/] "
            f"({text('LABEL_PER_MONTH', lang, amount=amount)})",
            soft_wrap=True,
        )
        for line in entry["explanation"]:
            console.print(f"    {escape(line)}", soft_wrap=True)


def _render(result: CheckResult, lang: str, defaulted: bool) -> None:
    from bansos_cli.pipeline.check import STATUSES

    def label(code: str) -> str:
        return text(code, lang)

    def num(value: float) -> str:
        return format_number(value, lang)

    note = f" ({label('LABEL_DEFAULT_TODAY')})" if defaulted else ""
    console.print(
        f"{label('LABEL_AS_OF')}: [bold]{result.as_of.isoformat()}[/]{note}; "
        f"{num(result.rows)} {label('LABEL_DATA_ROWS')}"
    )
    colours = {"LAYAK": "green", "TIDAK_LAYAK": "red", "PERLU_VERIFIKASI": "yellow"}
    for p in result.programs:
        data = p.to_dict()
        # The program's name says what it is ("Program Keluarga Harapan"): no label before it.
        table = new_table(f"{data['name']} ({data['id']}, {data['rules_version']})")
        table.add_column(label("LABEL_RULE"), no_wrap=True)
        table.add_column(label("LABEL_KIND"))
        for code in ("LABEL_PASS", "LABEL_FAIL", "LABEL_UNDECIDED"):
            table.add_column(label(code), justify="right")
        for r in data["rules"]:
            table.add_row(r["id"], r["kind"], num(r["pass"]), num(r["fail"]), num(r["unknown"]))
        console.print(table)
        counts = "  ".join(f"[{colours[s]}]{s}[/] {num(data['counts'][s])}" for s in STATUSES)
        console.print(f"  {counts}")
        console.print(
            "  "
            + text(
                "LABEL_FAMILIES_PAID",
                lang,
                paid=num(data["families_paid"]),
                families=num(data["families"]),
                month=format_rupiah(data["amount_month"], lang),
                year=format_rupiah(data["amount_year"], lang),
            ),
            markup=False,  # wrapped at the terminal's width (80 columns stay whole)
        )
        if data.get("capped"):
            console.print(f"  {label('LABEL_CAPPED_ROWS')}: {num(data['capped'])}")
        if data["unknown_occupations"]:
            shown = ", ".join(
                f"{k} ({num(v)})" for k, v in list(data["unknown_occupations"].items())[:10]
            )
            more = len(data["unknown_occupations"]) - 10
            tail = f" +{num(more)}" if more > 0 else ""
            err_console.print(
                f"  [yellow]{label('LABEL_UNKNOWN_OCCUPATIONS')}:[/] {escape(shown)}{tail}"
            )
        if data["unreadable"]:
            shown = ", ".join(f"{k} {num(v)}" for k, v in data["unreadable"].items())
            err_console.print(f"  [yellow]{label('LABEL_UNREADABLE_VALUES')}:[/] {escape(shown)}")
        if data["missing_columns"]:
            missing = ", ".join(data["missing_columns"])
            err_console.print(f"  [yellow]{label('LABEL_MISSING_COLUMNS')}:[/] {missing}")
        uncertain = [q["name"] for q in data["parameters"] if q["uncertain"]]
        if uncertain:
            shown = ", ".join(uncertain)
            console.print(f"  [dim]{label('LABEL_UNCERTAIN_PARAMETERS')}: {shown}[/]")
    for item in result.not_in_force:
        period = f"{item['valid_from'] or '...'} - {item['valid_until'] or '...'}"
        console.print(
            f"[dim]{text('LABEL_NOT_IN_FORCE', lang, program=item['name'], period=period)}[/]",
            soft_wrap=True,
        )
    for path in [p for paths in result.outputs.values() for p in paths]:
        console.print(f"{label('LABEL_WRITTEN')}: {path}", markup=False, soft_wrap=True)
