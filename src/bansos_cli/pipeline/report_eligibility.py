"""The eligibility sheets of report.xlsx (``bansos check``, ``bansos run``).

*Kelayakan*: one row per person, with a block of columns per program (status, amount, the
reasons in words); *Per keluarga*: per NO KK, its members and, per program, the members
eligible and the rupiah; *Per aturan*: each rule with what it checks and its counts;
*Parameter*: every parameter in plain text (lists as ``1, 2, 3``, amounts in rupiah, dates)
with its source. ``eligibility.parquet`` keeps the one-row-per-person-and-program table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import polars as pl

from bansos_cli.core.messages import catalogue, column_label, format_number, format_rupiah
from bansos_cli.core.messages import text as T
from bansos_cli.core.vocabulary import ROW, SHEET, SOURCE, STATUS
from bansos_cli.report import ReportSheet

if TYPE_CHECKING:
    from bansos_cli.pipeline.check import CheckResult, ProgramResult

STATUS_SEVERITY = {"LAYAK": "ok", "TIDAK_LAYAK": "error", "PERLU_VERIFIKASI": "warning"}
"""The colour of an eligibility status cell."""
_PERSON = ("nik", "no_kk", "nama", "kecamatan", "desa")
_FAMILY_KEY = "no_kk"


def _program_part(result: CheckResult, index: int) -> pl.DataFrame:
    """The rows of one program (the eligibility frame is program after program)."""
    return result.frame.slice(index * result.rows, result.rows)


def _has_amounts(part: pl.DataFrame) -> bool:
    total = part.get_column("amount_year").fill_null(0).sum()
    return bool(total and total > 0)


def program_label(program: ProgramResult) -> str:
    """The short name shown in headers (``PKH``, ``SEMBAKO``)."""
    return program.program.name.upper().replace("_", "-")


def _people(result: CheckResult, lang: str) -> ReportSheet:
    base = result.frame.head(result.rows)
    files = base.get_column(SOURCE).n_unique() > 1 if SOURCE in base.columns else False
    sheets = base.get_column(SHEET).n_unique() > 1 if SHEET in base.columns else False
    keep = [SOURCE] if files else []
    keep += [SHEET] if sheets else []
    keep += [c for c in (ROW, *_PERSON) if c in base.columns]
    columns: list[pl.Series] = [base.get_column(c) for c in keep]
    headers = [T(f"COL_{c.upper()}", lang) for c in keep]
    formats: dict[str, str] = {}
    marks = []
    for i, program in enumerate(result.programs):
        part = _program_part(result, i)
        label = program_label(program)
        status = f"_e_{i}_status"
        columns.append(part.get_column(STATUS).cast(pl.String).alias(status))
        headers.append(T("REPORT_ELIG_STATUS", lang, program=label))
        marks.append(
            part.select(
                pl.int_range(pl.len(), dtype=pl.Int64).alias("frame_row"),
                pl.lit(status).alias("column"),
                pl.col(STATUS).cast(pl.String).replace_strict(STATUS_SEVERITY).alias("severity"),
            )
        )
        if _has_amounts(part):
            amount = f"_e_{i}_amount"
            columns.append(part.get_column("amount_year").alias(amount))
            headers.append(T("REPORT_ELIG_AMOUNT", lang, program=label))
            formats[amount] = "rupiah"
        reasons = f"_e_{i}_reasons"
        columns.append(part.get_column("reasons").alias(reasons))
        headers.append(T("REPORT_ELIG_REASONS", lang, program=label))
        formats[reasons] = "wrap"
    frame = pl.DataFrame(columns)
    frozen = len([c for c in keep if c in (SOURCE, SHEET, ROW, "nik", "nama")])
    return ReportSheet(
        T("REPORT_ELIGIBILITY", lang),
        frame,
        title=T("REPORT_ELIGIBILITY_TITLE", lang),
        highlight=pl.concat(marks) if marks else None,
        headers=headers,
        formats=formats,
        widths={c: 34 for c, f in formats.items() if f == "wrap"},
        freeze_columns=min(frozen, 4),
    )


def _families(result: CheckResult, lang: str) -> ReportSheet | None:
    base = result.frame.head(result.rows)
    if _FAMILY_KEY not in base.columns:
        return None
    key = pl.col(_FAMILY_KEY).cast(pl.String).str.strip_chars()
    parts = [base.select(key.alias("_family"), *[c for c in ("nama",) if c in base.columns])]
    aggs: list[pl.Expr] = [pl.len().alias("_members")]
    if "nama" in base.columns:
        aggs.append(pl.col("nama").first().alias("_first"))
    headers = [T("COL_NO_KK", lang), T("REPORT_FAMILY_MEMBERS", lang)]
    if "nama" in base.columns:
        headers.append(T("REPORT_FAMILY_FIRST", lang))
    formats: dict[str, str] = {}
    for i, program in enumerate(result.programs):
        part = _program_part(result, i)
        label = program_label(program)
        eligible, amount = f"_f_{i}_eligible", f"_f_{i}_amount"
        parts.append(
            part.select(
                (pl.col(STATUS).cast(pl.String) == "LAYAK").cast(pl.Int64).alias(eligible),
                pl.col("amount_year").fill_null(0).alias(amount),
            )
        )
        aggs.append(pl.col(eligible).sum())
        headers.append(T("REPORT_FAMILY_ELIGIBLE", lang, program=label))
        if _has_amounts(part):
            aggs.append(pl.col(amount).sum())
            headers.append(T("REPORT_FAMILY_AMOUNT", lang, program=label))
            formats[amount] = "rupiah"
    joined = pl.concat(parts, how="horizontal").filter(
        pl.col("_family").is_not_null() & (pl.col("_family") != "")
    )
    if joined.is_empty():
        return None
    table = joined.group_by("_family", maintain_order=True).agg(aggs)
    return ReportSheet(
        T("REPORT_FAMILIES", lang),
        table,
        title=T("REPORT_FAMILIES_TITLE", lang),
        headers=headers,
        formats=formats,
        freeze_columns=1,
    )


def _kind(kind: str, lang: str) -> str:
    code = f"REPORT_RULE_KIND_{kind.upper()}"
    return T(code, lang) if code in catalogue() else kind


def _rules(result: CheckResult, lang: str) -> ReportSheet:
    rows: list[dict[str, Any]] = []
    for p in result.programs:
        messages = {
            r.rule.id: (r.message_id if lang == "id" else r.message_en) for r in p.program.rules
        }
        for c in p.evaluation.rule_counts:
            rows.append(
                {
                    "program": program_label(p),
                    "rule": c.rule_id,
                    "kind": _kind(c.kind, lang),
                    "message": messages.get(c.rule_id, ""),
                    "pass": c.passed,
                    "fail": c.failed,
                    "unknown": c.unknown,
                }
            )
    schema = {k: pl.String for k in ("program", "rule", "kind", "message")}
    frame = pl.DataFrame(rows, schema={**schema, "pass": pl.Int64, "fail": pl.Int64,
                                       "unknown": pl.Int64})  # fmt: skip
    heads = ("PROGRAM", "RULE", "KIND", "MESSAGE", "PASS", "FAIL", "UNKNOWN")
    return ReportSheet(
        T("REPORT_PER_RULE", lang),
        frame,
        title=T("REPORT_PER_RULE_TITLE", lang),
        headers=[T(f"REPORT_RULE_{h}", lang) for h in heads],
        formats={"message": "wrap", "pass": "int", "fail": "int", "unknown": "int"},
        widths={"message": 50},
    )


def plain_value(value: object, unit: str | None, lang: str) -> str:
    """A parameter value as people read it: ``1, 2, 3``; ``Rp 200.000 / bulan``; ``60``."""
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(v, None, lang) for v in value)
    if isinstance(value, bool):
        return T("REPORT_YES" if value else "REPORT_NO", lang)
    if isinstance(value, int | float):
        if unit and unit.lower().startswith("rupiah"):
            per = unit.partition("/")[2]
            shown = format_rupiah(value, lang)
            return f"{shown} / {T(f'REPORT_PER_{per.upper()}', lang)}" if per else shown
        decimals = 0 if float(value).is_integer() else 2
        shown = format_number(value, lang, decimals)
        code = f"REPORT_UNIT_{(unit or '').upper()}"
        if unit and code in catalogue():
            return f"{shown} {T(code, lang)}"
        return f"{shown} {unit}" if unit else shown
    return str(value)


def _date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _parameters(result: CheckResult, lang: str) -> ReportSheet:
    rows: list[dict[str, Any]] = []
    for p in result.programs:
        declared = p.program.ruleset.parameters
        for name, resolved in p.program.parameters.items():
            spec = declared.get(name)
            unit = spec.unit if spec else None
            note = None
            if spec is not None:
                chosen = next((v for v in spec.values if v.from_ == resolved.from_), None)
                note = chosen.note if chosen else None
            rows.append(
                {
                    "program": program_label(p),
                    "parameter": name,
                    "meaning": spec.description if spec else "",
                    "value": plain_value(resolved.value, unit, lang),
                    "from": _date(resolved.from_),
                    "until": _date(resolved.until),
                    "source": resolved.source,
                    "uncertain": T("REPORT_YES" if resolved.uncertain else "REPORT_NO", lang),
                    "note": note or "",
                }
            )
    names = ("program", "parameter", "meaning", "value", "from", "until", "source",
             "uncertain", "note")  # fmt: skip
    frame = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String))
    marks = frame.with_row_index("frame_row").filter(pl.col("uncertain") == T("REPORT_YES", lang))
    heads = ("PROGRAM", "NAME", "MEANING", "VALUE", "FROM", "UNTIL", "SOURCE", "UNCERTAIN",
             "NOTE")  # fmt: skip
    return ReportSheet(
        T("REPORT_PARAMETERS", lang),
        frame,
        title=T("REPORT_PARAMETERS_TITLE", lang, as_of=_date(result.as_of)),
        highlight=marks.select(
            pl.col("frame_row").cast(pl.Int64),
            pl.lit("uncertain").alias("column"),
            pl.lit("warning").alias("severity"),
        ),
        headers=[T(f"REPORT_PARAM_{h}", lang) for h in heads],
        formats={"meaning": "wrap", "value": "wrap", "source": "wrap", "note": "wrap"},
        widths={"meaning": 36, "value": 28, "source": 40, "note": 30},
    )


def _regions(result: CheckResult, lang: str) -> ReportSheet | None:
    regions = [
        p.regions.select(pl.lit(program_label(p)).alias("program"), pl.all())
        for p in result.programs
        if p.regions.height
    ]
    if not regions:
        return None
    frame = pl.concat(regions, how="diagonal")
    headers = [column_label(c, lang).upper() for c in frame.columns]
    return ReportSheet(T("REPORT_PER_REGION", lang), frame, headers=headers)


def eligibility_sheets(result: CheckResult, lang: str) -> list[ReportSheet]:
    """Kelayakan (per person), Per keluarga, Per aturan, Per wilayah and Parameter."""
    sheets = [_people(result, lang)]
    families = _families(result, lang)
    if families is not None:
        sheets.append(families)
    sheets.append(_rules(result, lang))
    regions = _regions(result, lang)
    if regions is not None:
        sheets.append(regions)
    sheets.append(_parameters(result, lang))
    return sheets


def summary_lines(result: CheckResult, lang: str) -> list[tuple[str, object]]:
    """The summary-sheet lines of an eligibility check: date, rows, statuses per program."""
    lines: list[tuple[str, object]] = [
        (T("REPORT_REFERENCE_DATE", lang), result.as_of),
        (T("REPORT_DATA_ROWS", lang), result.rows),
    ]
    for p in result.programs:
        for status, n in p.counts.items():
            label = T("REPORT_PROGRAM_STATUS", lang, program=program_label(p), status=status)
            lines.append((label, n))
    return lines


__all__ = ["STATUS_SEVERITY", "eligibility_sheets", "plain_value", "program_label",
           "summary_lines"]  # fmt: skip
