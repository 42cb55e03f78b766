"""``check``: eligibility of every listed person under one or more rules files.

read inputs -> load and compile rules at the reference date -> evaluate each program ->
``eligibility.parquet`` (one row per person and program), ``summary.json`` and an
eligibility sheet in ``report.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS
from bansos_cli.core.errors import ConfigError, ExitCode, OptionError
from bansos_cli.core.messages import text as T
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.ingest import ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.report_eligibility import eligibility_sheets, summary_lines
from bansos_cli.pipeline.summaries import CheckSummary, envelope, finish
from bansos_cli.report import ReportSheet, write_report
from bansos_cli.rules import (
    RESULT_COLUMNS,
    CastCache,
    CompiledProgram,
    Evaluation,
    Status,
    compile_rules,
    evaluate,
    expand_rule_paths,
    load_rules,
    shipped_rules,
)

IDENTITY_COLUMNS = ("nik", "no_kk", "nama")
REGION_COLUMNS = ("provinsi", "kabupaten", "kecamatan", "desa")
STATUSES = tuple(s.value for s in Status)
FAIL_ON: tuple[str, ...] = ("tidak_layak", "perlu_verifikasi", "never")
"""``--fail-on`` of ``bansos check``: the status that makes the run fail."""


@dataclass
class ProgramResult:
    """The outcome of one program over all rows."""

    evaluation: Evaluation
    regions: pl.DataFrame
    """Status counts per region (the region columns present in the data)."""

    @property
    def program(self) -> CompiledProgram:
        return self.evaluation.program

    @property
    def counts(self) -> dict[str, int]:
        counts = self.evaluation.frame["status"].cast(pl.String).value_counts()
        found = dict(zip(counts["status"].to_list(), counts["count"].to_list(), strict=True))
        return {s: int(found.get(s, 0)) for s in STATUSES}

    def to_dict(self) -> dict[str, Any]:
        program = self.program
        meta = program.ruleset.program
        return {
            "id": program.name,
            "name": meta.name if meta else program.name,
            "rules_version": meta.rules_version if meta else None,
            "rules_file": str(program.ruleset.path),
            "counts": self.counts,
            "capped": self.evaluation.capped,
            "rules": [
                {
                    "id": c.rule_id,
                    "kind": c.kind,
                    "severity": c.severity,
                    "pass": c.passed,
                    "fail": c.failed,
                    "unknown": c.unknown,
                }
                for c in self.evaluation.rule_counts
            ],
            "regions": self.regions.to_dicts(),
            "unreadable": self.evaluation.unreadable_counts,
            "missing_columns": self.evaluation.missing_columns,
            "parameters": [
                {
                    "name": p.name,
                    "value": p.value,
                    "from": p.from_,
                    "until": p.until,
                    "source": p.source,
                    "uncertain": p.uncertain,
                }
                for p in program.parameters.values()
            ],
        }


@dataclass
class CheckResult:
    """Everything ``bansos check`` computed (plain data for the CLI, JSON and tests)."""

    as_of: dt.date
    rows: int
    """Input records (each is evaluated once per program)."""
    frame: pl.DataFrame
    """One row per input record and program: meta, identity, region, program, results."""
    programs: list[ProgramResult]
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    summary: CheckSummary | None = None
    """The summary of ``bansos check`` (:func:`run_check`); None inside ``bansos run``."""
    sources: list[SourceInfo] = field(default_factory=list)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written: ``eligibility``."""
        return {"eligibility": self.frame}

    def count(self, status: str) -> int:
        """Rows with ``status`` over all programs."""
        return sum(p.counts[status] for p in self.programs)

    def exit_code(self, fail_on: str = "tidak_layak") -> int:
        """1 when a row has the ``fail_on`` status (``tidak_layak``; ``perlu_verifikasi``
        also counts TIDAK_LAYAK) in any program, else 0; ``never``: always 0."""
        fail_on = fail_on.lower()
        if fail_on not in FAIL_ON:
            raise OptionError.of("FAIL_ON_UNKNOWN", allowed=", ".join(FAIL_ON), value=fail_on)
        if fail_on == "never":
            return int(ExitCode.OK)
        bad = self.count(Status.TIDAK_LAYAK.value)
        if fail_on == "perlu_verifikasi":
            bad += self.count(Status.PERLU_VERIFIKASI.value)
        return int(ExitCode.DATA_FAILED if bad else ExitCode.OK)

    def to_dict(self) -> dict[str, Any]:
        """The eligibility counts: ``as_of``, ``rows`` and per program (the ``check``
        section of ``bansos run``; ``bansos check`` adds the envelope, see ``summary``)."""
        return {
            "as_of": self.as_of.isoformat(),
            "rows": self.rows,
            "programs": [p.to_dict() for p in self.programs],
        }


def load_programs(rules: Sequence[str | Path], as_of: dt.date) -> list[CompiledProgram]:
    """Load and compile every program file among ``rules`` (fragments are only included)."""
    programs = []
    for path in expand_rule_paths(rules):
        ruleset = load_rules(path)
        if ruleset.program is not None:
            programs.append(compile_rules(ruleset, as_of))
    if not programs:
        raise ConfigError.of("NO_PROGRAM_RULES", path=", ".join(str(r) for r in rules))
    return programs


def check_frame(
    frame: pl.DataFrame,
    programs: Sequence[CompiledProgram],
    *,
    lang: str = "id",
    mask_ids: bool = False,
) -> CheckResult:
    """Evaluate compiled programs on a text frame (as ingest gives it); no files written."""
    if not programs:
        raise ConfigError.of("NO_RULES")
    as_of = programs[0].as_of
    keep = [c for c in (*META_COLUMNS, *IDENTITY_COLUMNS, *REGION_COLUMNS) if c in frame.columns]
    base = frame.select(keep)
    if mask_ids:
        base = base.with_columns(
            [mask_id_expr(pl.col(c)).alias(c) for c in ID_COLUMNS if c in base.columns]
        )
    regions = [c for c in REGION_COLUMNS if c in frame.columns]
    parts, results = [], []
    cache = CastCache(frame)  # inputs the programs share are cast once
    for program in programs:
        evaluation = evaluate(frame, program, lang=lang, cache=cache)
        results_frame = evaluation.frame.select(
            pl.lit(program.name).alias("program"), *RESULT_COLUMNS
        )
        part = pl.concat([base, results_frame], how="horizontal")
        parts.append(part)
        results.append(ProgramResult(evaluation, _region_counts(part, regions)))
    combined = pl.concat(parts, how="vertical") if parts else base
    return CheckResult(as_of, frame.height, combined, results)


def _region_counts(part: pl.DataFrame, regions: list[str]) -> pl.DataFrame:
    if not regions:
        return pl.DataFrame()
    status = pl.col("status").cast(pl.String)
    return (
        part.group_by(regions)
        .agg([(status == s).sum().alias(s) for s in STATUSES] + [pl.len().alias("total")])
        .sort(regions, nulls_last=True)
    )


def run_check(
    paths: Sequence[str | Path],
    rules: Sequence[str | Path] | None = None,
    *,
    as_of: dt.date,
    out_dir: str | Path | None = None,
    read_options: ReadOptions | None = None,
    lang: str = "id",
    mask: bool = False,
    formats: Sequence[str] = ("parquet",),
) -> CheckResult:
    """Read the inputs, check them against the rules at ``as_of`` and write the outputs.

    ``rules`` are rule files or folders; None takes the program rule files shipped with
    bansos. Rules are loaded and compiled before the data is read, so a broken rules file
    fails fast. With ``out_dir``: ``eligibility.parquet`` (and/or ``.csv``),
    ``summary.json`` and ``report.xlsx`` are written there, each atomically.
    """
    started = time.perf_counter()
    programs = load_programs(default_rules(rules), as_of)
    ingest = read_inputs(paths, read_options)
    result = check_frame(ingest.frame, programs, lang=lang, mask_ids=mask)
    result.sources = list(ingest.sources)
    summary: CheckSummary = {
        **envelope("check", ingest.sources, started=started),
        **result.to_dict(),  # type: ignore[typeddict-item]
    }
    result.summary = summary
    if out_dir is not None:
        out = Path(out_dir)
        result.outputs = {
            "eligibility": write_table(result.frame, out / "eligibility", formats),
            "report": [_write_xlsx(result, out / "report.xlsx", lang)],
            "summary": [out / "summary.json"],
        }
        finish(summary, result.outputs, started=started)
        write_json(summary, out / "summary.json")
    else:
        finish(summary, {}, started=started)
    return result


def default_rules(rules: Sequence[str | Path] | None) -> list[str | Path]:
    """The given rule files, else the program rule files shipped with bansos."""
    if rules:
        return list(rules)
    shipped = shipped_rules()
    if shipped is None:
        raise ConfigError.of("NO_RULE_FILES")
    return [shipped]


def _write_xlsx(result: CheckResult, path: Path, lang: str) -> Path:
    sheets, summary = report_sheets(result, lang)
    files = ", ".join(Path(i.path).name for i in result.sources)
    return write_report(path, sheets, summary, title=T("REPORT_SUMMARY", lang), lang=lang,
                        footer=files)  # fmt: skip


def report_sheets(
    result: CheckResult, lang: str = "id"
) -> tuple[list[ReportSheet], list[tuple[str, object]]]:
    """The eligibility sheets of ``report.xlsx`` (Kelayakan per person, Per keluarga, Per
    aturan, Per wilayah, Parameter) and their lines for the summary sheet."""
    return eligibility_sheets(result, lang), summary_lines(result, lang)


__all__ = [
    "RESULT_COLUMNS",
    "CheckResult",
    "ProgramResult",
    "check_frame",
    "load_programs",
    "run_check",
]
