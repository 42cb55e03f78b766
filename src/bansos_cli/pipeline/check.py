"""``check``: eligibility of every listed person under one or more rules files.

read inputs -> load and compile rules at the reference date -> evaluate each program ->
``eligibility.parquet`` (one row per person and program), ``summary.json`` and an
eligibility sheet in ``report.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS
from bansos_cli.core.errors import ConfigError, ExitCode, OptionError
from bansos_cli.core.messages import text as T
from bansos_cli.core.outputset import output_set
from bansos_cli.core.privacy import mask_id, mask_id_expr
from bansos_cli.ingest import ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.engines import EngineChoice, choose_engine
from bansos_cli.pipeline.report_eligibility import eligibility_sheets, summary_lines
from bansos_cli.pipeline.summaries import CheckSummary, envelope, finish
from bansos_cli.report import ReportSheet, write_report
from bansos_cli.rules import (
    RESULT_COLUMNS,
    CompiledProgram,
    Evaluation,
    RuleSet,
    Status,
    compile_rules,
    evaluate_programs,
    expand_rule_paths,
    load_rules,
    program_components,
    shipped_rules,
)
from bansos_cli.rules.on_spark import ConditionRunner

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

    def amounts(self) -> dict[str, Any]:
        """Families and rupiah: families in the data, families with at least one eligible
        member, families paid (at least one component), and the rupiah per month and year."""
        frame = self.evaluation.frame
        family = pl.coalesce(pl.col("family"), pl.lit("#") + pl.int_range(pl.len()).cast(pl.String))
        paid = pl.col("amount_year") > 0
        row = frame.select(
            family.filter(pl.col("status") == Status.LAYAK.value).n_unique().alias("eligible"),
            family.filter(paid).n_unique().alias("paid"),
            pl.col("amount_month").sum().alias("month"),
            pl.col("amount_year").sum().alias("year"),
        ).row(0, named=True)
        return {
            "families": self.evaluation.families,
            "families_eligible": int(row["eligible"]),
            "families_paid": int(row["paid"]),
            "amount_month": round(float(row["month"] or 0.0), 2),
            "amount_year": round(float(row["year"] or 0.0), 2),
        }

    def to_dict(self) -> dict[str, Any]:
        program = self.program
        meta = program.ruleset.program
        return {
            "id": program.name,
            "name": meta.name if meta else program.name,
            "rules_version": meta.rules_version if meta else None,
            "rules_file": str(program.ruleset.path),
            "counts": self.counts,
            **self.amounts(),
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
            "unknown_occupations": self.evaluation.unknown_occupations,
            "missing_columns": self.evaluation.missing_columns,
            "references": program.references,
            "parameters": [
                {
                    "name": p.name,
                    "value": p.value,
                    "from": p.from_,
                    "until": p.until,
                    "source": p.source,
                    "uncertain": p.uncertain,
                    "overridden": p.overridden,
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
    not_in_force: list[dict[str, Any]] = field(default_factory=list)
    """Programs whose validity period does not include the reference date (not evaluated)."""
    engine: EngineChoice | None = None
    """The engine the run used and why (:func:`run_check`)."""

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
            "not_in_force": self.not_in_force,
        }

    def explain(self, nik: str) -> list[dict[str, Any]]:
        """Per program, the decision for the person with NIK ``nik`` (every row with it) and
        the values that decided it; the NIK itself is shown masked."""
        from bansos_cli.core.nik import clean_id

        frame = self._unmasked
        wanted = pl.select(clean_id(pl.lit(nik))).item()
        rows = frame.with_row_index("_i").filter(clean_id(pl.col("nik")) == wanted)
        shown = self.frame.with_row_index("_i").join(rows.select("_i"), on="_i", how="semi")
        out = []
        for row in shown.drop("_i").iter_rows(named=True):  # the rows of one person, a few
            out.append(
                {
                    "program": row["program"],
                    "source": row.get("source"),
                    "row": row.get("row"),
                    "nik": mask_id(row.get("nik") or ""),
                    "status": str(row["status"]),
                    "components": row["components"],
                    "amount_month": row["amount_month"],
                    "amount_year": row["amount_year"],
                    "family_representative": row["family_representative"],
                    "explanation": [p for p in (row["explanation"] or "").split("; ") if p],
                }
            )
        return out

    _unmasked: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)


@dataclass
class Programs:
    """The program rule files at a reference date: compiled, and those not in force."""

    compiled: list[CompiledProgram]
    not_in_force: list[dict[str, Any]] = field(default_factory=list)


def parse_params(items: Sequence[str] | Mapping[str, Any] | None) -> dict[str, Any]:
    """``["desil_maks=5", "pkh.usia_lansia=70"]`` -> ``{"desil_maks": "5", ...}`` (a mapping
    is taken as it is); the values are read later as the type of each parameter."""
    if items is None:
        return {}
    if isinstance(items, Mapping):
        return dict(items)
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise OptionError.of("PARAM_OPTION_FORMAT", value=item)
        out[name.strip()] = value.strip()
    return out


def _overrides_for(ruleset: RuleSet, params: Mapping[str, Any], used: set[str]) -> dict[str, Any]:
    program = ruleset.name
    out: dict[str, Any] = {}
    for key, value in params.items():
        prefix, dot, name = key.rpartition(".")
        if dot and prefix != program:
            continue
        if name in ruleset.parameters:
            out[name] = value
            used.add(key)
    return out


def load_program_set(
    rules: Sequence[str | Path],
    as_of: dt.date,
    params: Mapping[str, Any] | None = None,
) -> Programs:
    """Load every program file among ``rules`` (fragments are only included), compile those in
    force at ``as_of`` with the ``params`` overrides (``name`` for every program that has the
    parameter, ``program.name`` for one), and list the others as not in force."""
    params = dict(params or {})
    rulesets = [load_rules(path) for path in expand_rule_paths(rules)]
    rulesets = [r for r in rulesets if r.program is not None]
    if not rulesets:
        raise ConfigError.of("NO_PROGRAM_RULES", path=", ".join(str(r) for r in rules))
    known = program_components(rulesets)
    out = Programs([])
    used: set[str] = set()
    for ruleset in rulesets:
        meta = ruleset.program
        assert meta is not None
        overrides = _overrides_for(ruleset, params, used)
        if not meta.in_force(as_of):
            out.not_in_force.append(
                {
                    "id": meta.id,
                    "name": meta.name,
                    "rules_file": str(ruleset.path),
                    "valid_from": meta.valid_from.isoformat() if meta.valid_from else None,
                    "valid_until": meta.valid_until.isoformat() if meta.valid_until else None,
                }
            )
            continue
        out.compiled.append(compile_rules(ruleset, as_of, overrides, programs=known))
    unknown = [k for k in params if k not in used]
    if unknown:
        names = sorted({n for r in rulesets for n in r.parameters})
        raise OptionError.of("PARAM_OPTION_UNKNOWN", name=unknown[0], known=", ".join(names))
    return out


def load_programs(
    rules: Sequence[str | Path], as_of: dt.date, params: Mapping[str, Any] | None = None
) -> list[CompiledProgram]:
    """The programs of :func:`load_program_set` that are in force at ``as_of``."""
    return load_program_set(rules, as_of, params).compiled


def check_frame(
    frame: pl.DataFrame,
    programs: Sequence[CompiledProgram] | Programs,
    *,
    lang: str = "id",
    mask_ids: bool = False,
    as_of: dt.date | None = None,
    conditions: ConditionRunner | None = None,
) -> CheckResult:
    """Evaluate compiled programs on a text frame (as ingest gives it); no files written.

    A program that refers to another's outcome is evaluated after it. ``conditions``
    decides the rule conditions on another engine (:meth:`EngineChoice.conditions`)."""
    not_in_force: list[dict[str, Any]] = []
    if isinstance(programs, Programs):
        not_in_force = programs.not_in_force
        programs = programs.compiled
    if not programs and not not_in_force:
        raise ConfigError.of("NO_RULES")
    if programs:
        as_of = programs[0].as_of
    assert as_of is not None, "the reference date of a check without programs"
    keep = [c for c in (*META_COLUMNS, *IDENTITY_COLUMNS, *REGION_COLUMNS) if c in frame.columns]
    base = frame.select(keep)
    if mask_ids:
        base = base.with_columns(
            [mask_id_expr(pl.col(c)).alias(c) for c in ID_COLUMNS if c in base.columns]
        )
    regions = [c for c in REGION_COLUMNS if c in frame.columns]
    parts, results, unmasked = [], [], []
    plain = frame.select(keep)
    # shared inputs cast once
    evaluations = evaluate_programs(frame, programs, lang=lang, conditions=conditions)
    for program in programs:
        evaluation = evaluations[program.name]
        results_frame = evaluation.frame.select(
            pl.lit(program.name).alias("program"), *RESULT_COLUMNS
        )
        part = pl.concat([base, results_frame], how="horizontal")
        parts.append(part)
        unmasked.append(plain)
        results.append(ProgramResult(evaluation, _region_counts(part, regions)))
    combined = pl.concat(parts, how="vertical") if parts else _empty(base)
    result = CheckResult(as_of, frame.height, combined, results, not_in_force=not_in_force)
    result._unmasked = pl.concat(unmasked, how="vertical") if unmasked else plain.clear()
    return result


def _empty(base: pl.DataFrame) -> pl.DataFrame:
    """The eligibility table without rows (no program in force)."""
    from bansos_cli.rules.evaluate import OUTCOME_DTYPE, STATUS_DTYPE

    del OUTCOME_DTYPE
    schema: dict[str, Any] = {
        "program": pl.String,
        "status": STATUS_DTYPE,
        "failed_rules": pl.List(pl.String),
        "unknown_rules": pl.List(pl.String),
        "components": pl.List(pl.String),
        "amount_month": pl.Float64,
        "amount_year": pl.Float64,
        "reasons": pl.String,
        "explanation": pl.String,
        "unreadable": pl.List(pl.String),
        "capped": pl.Boolean,
        "family": pl.String,
        "family_representative": pl.Boolean,
    }
    return pl.concat([base.clear(), pl.DataFrame(schema=schema)], how="horizontal")


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
    param: Sequence[str] | Mapping[str, Any] | None = None,
    explain: str | None = None,
    engine: str | None = None,
    csv_formulas: str = "neutralise",
    spark_master: str | None = None,
    spark: Any = None,
) -> CheckResult:
    """Read the inputs, check them against the rules at ``as_of`` and write the outputs.

    ``param``: parameter overrides (``["desil_maks=5", "pkh.usia_lansia=70"]`` or a
    mapping). ``explain``: a NIK whose decisions the summary explains (``explain``).
    ``engine``: a name of :data:`~bansos_cli.pipeline.engines.NAMES` (None: ``auto``);
    ``spark_master`` or an existing session ``spark`` for the ``spark`` engine.

    ``rules`` are rule files or folders; None takes the program rule files shipped with
    bansos. Rules are loaded and compiled before the data is read, so a broken rules file
    fails fast. With ``out_dir``: ``eligibility.parquet`` (and/or ``.csv``),
    ``summary.json`` and ``report.xlsx`` are written there, each atomically.
    """
    started = time.perf_counter()
    programs = load_program_set(default_rules(rules), as_of, parse_params(param))
    choice = choose_engine(engine, "check", paths, spark_master=spark_master, spark=spark)
    conditions = choice.conditions()  # a Spark session starts before the data is read
    with output_set(out_dir, inputs=paths, csv_formulas=csv_formulas):
        ingest = read_inputs(paths, read_options)
        result = check_frame(
            ingest.frame, programs, lang=lang, mask_ids=mask, as_of=as_of, conditions=conditions
        )
        result.sources = list(ingest.sources)
        result.engine = choice
        summary: CheckSummary = {
            **envelope("check", ingest.sources, started=started),
            "engine": choice.to_dict(),
            **result.to_dict(),  # type: ignore[typeddict-item]
        }
        if explain is not None:
            summary["explain"] = result.explain(explain)
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
    "Programs",
    "load_program_set",
    "parse_params",
    "CheckResult",
    "ProgramResult",
    "check_frame",
    "load_programs",
    "run_check",
]
