"""``bansos run``: the whole chain on the same rows, driven by a config file.

ingest (every input, one dataset) -> validate -> dedup -> eligibility rules -> (reconcile)
-> one ``records`` table with validation status, duplicate group and eligibility side by
side per person, one ``summary.json`` and one ``report.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import polars as pl

from bansos_cli.core.errors import BansosError, ConfigError, ExitCode
from bansos_cli.core.messages import text as T
from bansos_cli.core.outputset import output_set
from bansos_cli.core.vocabulary import (
    CLUSTER_ID,
    CLUSTER_SIZE,
    ELIGIBILITY_PREFIX,
    KEEP,
    NEEDS_REVIEW,
    RID,
    ROW,
    SHEET,
    SOURCE,
    STATUS,
    eligibility_column,
)
from bansos_cli.dedup import DedupResult, dedup_frame
from bansos_cli.ingest import (
    IngestResult,
    ReadOptions,
    SourceInfo,
    expand_inputs,
    read_inputs,
    source_labels,
)
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline import check as check_pipeline
from bansos_cli.pipeline import dedup as dedup_pipeline
from bansos_cli.pipeline import reconcile as reconcile_pipeline
from bansos_cli.pipeline import validate as validate_pipeline
from bansos_cli.pipeline.check import CheckResult, Programs, check_frame, load_program_set
from bansos_cli.pipeline.config import InputSpec, RunConfig
from bansos_cli.pipeline.engines import EngineChoice, choose_engine
from bansos_cli.pipeline.report_list import ExtraColumns
from bansos_cli.pipeline.summaries import RunSummary, ValidationCounts, envelope, finish
from bansos_cli.reconcile import ReconcileOptions, ReconcileResult, reconcile_frames
from bansos_cli.report import ReportSheet, SummaryItem, write_report
from bansos_cli.rules import shipped_rules
from bansos_cli.validate import ValidationResult, validate_frame

STAGES = ("read", "validate", "dedup", "check", "reconcile", "write")

RunProgress = Callable[[str], None]
"""Called with a stage name (see :data:`STAGES`) as each stage starts."""


@dataclass
class FailedInput:
    """An input that could not be read (the run went on without it unless ``strict``)."""

    path: str
    error: str
    """The problem in English (as in summary.json)."""
    cause: BansosError | None = field(default=None, repr=False, compare=False)
    """The error itself: ``cause.render(lang)`` is the message in any language."""

    def render(self, lang: str) -> str:
        return self.cause.render(lang) if self.cause is not None else self.error


@dataclass
class RunResult:
    """Everything ``bansos run`` computed and wrote; what the CLI renders and tests read."""

    config: RunConfig
    as_of: dt.date
    records: pl.DataFrame
    """One row per input row: meta, data, ``status``, duplicate group, eligibility."""
    sources: list[SourceInfo]
    failed: list[FailedInput]
    validation: ValidationResult | None = None
    dedup: DedupResult | None = None
    check: CheckResult | None = None
    reconciliation: ReconcileResult | None = None
    reconcile_summary: dict[str, Any] | None = None
    summary: RunSummary = field(default_factory=dict)  # type: ignore[assignment]
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    out_dir: Path | None = None
    engine: EngineChoice | None = None
    """The engine of the stages and why."""

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written: ``records`` and those of the stages that ran
        (``findings``, ``pairs``, ``clusters``, ``eligibility``, ``reconciliation``)."""
        mask = self.config.mask
        frames = {"records": validate_pipeline.records_for_output(self.records, mask)}
        if self.validation is not None:
            frames["findings"] = self.validation.findings
        if self.dedup is not None:
            frames["pairs"] = dedup_pipeline.public(self.dedup.pairs)
            frames["clusters"] = dedup_pipeline.public(self.dedup.clusters)
        if self.check is not None:
            frames["eligibility"] = self.check.frame
        if self.reconciliation is not None:
            frames.update(reconcile_pipeline.tables(self.reconciliation, mask=mask))
        return frames

    def exit_code(self) -> int:
        """2 when an input could not be read; 1 when the data failed; else 0.

        The data fails on validation findings at or above ``validate.fail_on``, on confirmed
        duplicates, and on reconciliation rows that are unmatched or different.
        """
        if self.failed:
            return int(ExitCode.USAGE)
        fail_on = self.config.validate_.fail_on
        if fail_on == "never":
            return int(ExitCode.OK)
        failing = False
        if self.validation is not None:
            counts = self.summary["validate"]["by_status"]
            failing |= counts["error"] > 0 or (fail_on == "warning" and counts["warning"] > 0)
        if self.dedup is not None:
            failing |= self.summary["dedup"]["decisions"].get("ganda", 0) > 0
        if self.reconcile_summary is not None:
            failing |= self.reconcile_summary["failing_rows"] > 0
        return int(ExitCode.DATA_FAILED if failing else ExitCode.OK)


def _read_options(spec: InputSpec) -> ReadOptions:
    return ReadOptions(
        sheet=spec.sheet,
        header_row=spec.header_row,
        mapping=spec.mapping,
        encoding=spec.encoding,
        delimiter=spec.delimiter,
    )


def read_batch(
    inputs: Sequence[InputSpec], *, strict: bool
) -> tuple[IngestResult, list[FailedInput]]:
    """Read every input file into one dataset; an unreadable file is recorded and skipped.

    With ``strict`` the first unreadable input raises. When no input at all can be read the
    first error is raised, so a run never "succeeds" on nothing.
    """
    if not inputs:
        raise ConfigError.of("NO_INPUT")
    frames: list[pl.DataFrame] = []
    sources: list[SourceInfo] = []
    failed: list[FailedInput] = []
    first_error: BansosError | None = None
    planned: list[tuple[InputSpec, Path]] = []
    for spec in inputs:
        try:
            planned.extend((spec, path) for path in expand_inputs([spec.path]))
        except BansosError as exc:
            if strict:
                raise
            first_error = first_error or exc
            failed.append(FailedInput(spec.path, str(exc), exc))
    # Files of the same name from different folders get distinct `_source` labels, so that
    # (source, sheet, row) names one record across the whole batch.
    labels = source_labels([path for _, path in planned])
    for (spec, path), label in zip(planned, labels, strict=True):
        try:
            part = read_inputs([path], _read_options(spec))
        except BansosError as exc:
            if strict:
                raise
            first_error = first_error or exc
            failed.append(FailedInput(str(path), str(exc), exc))
            continue
        for info in part.sources:
            if info.source:
                info.source = label
        frame = part.frame
        if any(info.source for info in part.sources):
            frame = frame.with_columns(pl.lit(label).alias(SOURCE))
        frames.append(frame)
        sources.extend(part.sources)
    if not frames:
        assert first_error is not None
        raise first_error
    frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    return IngestResult(frame=frame, sources=sources), failed


def rule_files(config: RunConfig) -> list[str | Path]:
    """The configured rule files, else the rule files shipped with bansos."""
    if config.rules.files:
        return list(config.rules.files)
    shipped = shipped_rules()
    if shipped is None:
        raise ConfigError.of("NO_RULE_FILES_CONFIGURED")
    return [shipped]


def _eligibility_wide(check: CheckResult) -> pl.DataFrame:
    """Per input row: ``eligibility_<program>`` status columns side by side, in input order."""
    columns = []
    for program in check.programs:
        name = program.program.name
        part = check.frame.filter(pl.col("program") == name)
        columns.append(part.get_column(STATUS).cast(pl.String).alias(eligibility_column(name)))
    return pl.DataFrame(columns)


def _combine(
    base: pl.DataFrame,
    validation: ValidationResult | None,
    dedup: DedupResult | None,
    check: CheckResult | None,
) -> pl.DataFrame:
    """Validation status, duplicate group and eligibility side by side, one row per input."""
    records = validation.records if validation is not None else base
    records = records.drop([c for c in records.columns if c.startswith("_num_")])
    parts = [records]
    if dedup is not None:
        clusters = dedup.clusters.sort(RID).select(CLUSTER_ID, CLUSTER_SIZE, KEEP, NEEDS_REVIEW)
        parts.append(clusters)
    if check is not None:
        parts.append(_eligibility_wide(check))
    return pl.concat(parts, how="horizontal")


def _per_file(records: pl.DataFrame, check: CheckResult | None) -> list[dict[str, Any]]:
    """Per input file: rows, rows per validation status, duplicate rows, eligible rows."""
    aggs: list[pl.Expr] = [pl.len().alias("rows")]
    if STATUS in records.columns:
        aggs += [(pl.col(STATUS) == s).sum().alias(s) for s in ("ok", "warning", "error")]
    if CLUSTER_SIZE in records.columns:
        aggs.append((pl.col(CLUSTER_SIZE) > 1).sum().alias("rows_in_duplicate_groups"))
    for column in [c for c in records.columns if c.startswith(ELIGIBILITY_PREFIX)]:
        program = column.removeprefix(ELIGIBILITY_PREFIX)
        aggs.append((pl.col(column) == "LAYAK").sum().alias(f"eligible_{program}"))
    table = records.group_by(SOURCE, SHEET, maintain_order=True).agg(aggs)
    return [{"path": row.pop(SOURCE), "sheet": row.pop(SHEET), **row} for row in table.to_dicts()]


def _input_paths(specs: Sequence[InputSpec], config: RunConfig) -> list[str]:
    """Every input path of a run (the reconciliation target too)."""
    paths = [spec.path for spec in specs]
    if config.stages.reconcile and config.reconcile is not None:
        paths += list(config.reconcile.target)
    return paths


def run(
    inputs: Sequence[str | Path | InputSpec] | None = None,
    config: RunConfig | None = None,
    *,
    as_of: dt.date | None = None,
    out_dir: str | Path | None = None,
    progress: RunProgress | None = None,
) -> RunResult:
    """Run the configured stages on the inputs and write one set of outputs.

    ``inputs`` (paths or :class:`InputSpec`) replace ``config.inputs`` when given, as the
    command line does. ``as_of`` is the reference date of validation and eligibility rules
    (``config.rules.as_of`` or today when not given). The outputs are written into
    ``out_dir`` (the command line passes ``config.out``); with None nothing is written.
    """
    config = config or RunConfig()
    started = time.perf_counter()
    step = progress or (lambda _stage: None)
    specs = config.inputs
    if inputs:
        specs = [i if isinstance(i, InputSpec) else InputSpec(path=str(i)) for i in inputs]
    as_of = as_of or config.rules.as_of or dt.date.today()
    stages = config.stages

    with output_set(out_dir, inputs=_input_paths(specs, config), csv_formulas=config.csv_formulas):
        # Rule files are compiled before any data is read: a broken rules file fails fast.
        programs = load_program_set(rule_files(config), as_of) if stages.check else Programs([])
        result_engine = choose_engine(config.engine, "run", [spec.path for spec in specs])
        step("read")
        ingest, failed = read_batch(specs, strict=config.strict)
        frame = ingest.frame
        result = RunResult(config, as_of, frame, ingest.sources, failed)
        result.engine = result_engine

        if stages.validate_:
            step("validate")
            result.validation = validate_frame(
                frame, lang=config.lang, as_of=as_of, mask=config.mask
            )
        if stages.dedup:
            step("dedup")
            result.dedup = dedup_frame(frame, config.dedup)
        if stages.check:
            step("check")
            result.check = check_frame(
                frame, programs, lang=config.lang, mask_ids=config.mask, as_of=as_of
            )
        target_ingest: IngestResult | None = None
        if stages.reconcile and config.reconcile is not None:
            step("reconcile")
            rec = config.reconcile
            target_ingest = read_inputs(
                rec.target,
                ReadOptions(sheet=rec.sheet, header_row=rec.header_row, mapping=rec.mapping),
            )
            options = ReconcileOptions(
                keys=tuple(rec.key),
                compare=tuple(rec.compare) if rec.compare is not None else None,
                ignore=tuple(rec.ignore),
                amount=rec.amount,
                amount_tolerance=rec.amount_tolerance,
                tolerance=dict(rec.tolerance),
                fuzzy=rec.fuzzy,
            )
            result.reconciliation = reconcile_frames(frame, target_ingest.frame, options)
            result.reconcile_summary = reconcile_pipeline.build_summary(
                result.reconciliation, ingest, target_ingest
            )

        result.records = _combine(frame, result.validation, result.dedup, result.check)
        result.summary = _summary(result, ingest, started)
        if out_dir is None:
            finish(result.summary, {}, started=started)
            return result
        step("write")
        out = Path(out_dir)
        _write(result, ingest, out)
        result.outputs["summary"] = [out / "summary.json"]
        finish(result.summary, result.outputs, started=started)
        write_json(result.summary, out / "summary.json")
        result.out_dir = out
        return result


def _summary(result: RunResult, ingest: IngestResult, started: float) -> RunSummary:
    summary: RunSummary = {
        **envelope("run", result.sources, started=started),
        "engine": result.engine.to_dict(),  # type: ignore[typeddict-item,union-attr]
        "as_of": result.as_of.isoformat(),
        "lang": result.config.lang,
        "masked": result.config.mask,
        "rows": result.records.height,
        "empty_rows": ingest.empty_rows,
        "failed_inputs": [{"path": f.path, "error": f.error} for f in result.failed],
        "per_file": _per_file(result.records, result.check),
    }
    if result.validation is not None:
        summary["validate"] = cast(ValidationCounts, result.validation.counts)
    if result.dedup is not None:
        summary["dedup"] = result.dedup.summary()
    if result.check is not None:
        summary["check"] = result.check.to_dict()
    if result.reconcile_summary is not None:
        summary["reconcile"] = result.reconcile_summary
    return summary


def _duplicate_columns(records: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """``KELOMPOK GANDA`` (the group, for rows in a group of two or more) and ``GANDA DENGAN
    BARIS`` (the other rows of the group; ``file:row`` when in another file)."""
    group = pl.when(pl.col(CLUSTER_SIZE) > 1).then(pl.col(CLUSTER_ID))
    rows = records.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_pos"),
        group.alias("_group"),
        pl.col(SOURCE),
        pl.col(ROW).cast(pl.Int64),
    )
    grouped = rows.filter(pl.col("_group").is_not_null())
    # each group is small: pairing its rows costs (group size)^2 rows
    pairs = grouped.join(grouped, on="_group", suffix="_o").filter(
        pl.col("_pos") != pl.col("_pos_o")
    )
    label = (
        pl.when(pl.col(SOURCE) == pl.col(f"{SOURCE}_o"))
        .then(pl.col(f"{ROW}_o").cast(pl.String))
        .otherwise(
            pl.concat_str([pl.col(f"{SOURCE}_o"), pl.lit(":"), pl.col(f"{ROW}_o").cast(pl.String)])
        )
    )
    others = (
        pairs.sort("_pos", "_pos_o")
        .group_by("_pos", maintain_order=True)
        .agg(label.str.join(", ").alias(_SAME_AS))
    )
    frame = rows.join(others, on="_pos", how="left", maintain_order="left").select(
        pl.col("_group").alias(_GROUP), _SAME_AS
    )
    return frame, {_GROUP: T("COL_CLUSTER_ID", lang), _SAME_AS: T("REPORT_COL_SAME_AS", lang)}


_GROUP, _SAME_AS = "_r_group", "_r_same_as"


def _data_extra(result: RunResult, lang: str) -> ExtraColumns | None:
    """The columns ``bansos run`` adds to the Data sheets: the duplicate group, the rows it
    shares with, and per program the status (coloured) and amount."""
    from bansos_cli.pipeline.report_eligibility import STATUS_SEVERITY, program_label

    parts: list[pl.DataFrame] = []
    headers: dict[str, str] = {}
    formats: dict[str, str] = {}
    marks: list[pl.DataFrame] = []
    if result.dedup is not None and CLUSTER_SIZE in result.records.columns:
        frame, names = _duplicate_columns(result.records, lang)
        parts.append(frame)
        headers.update(names)
        marks.append(
            frame.with_row_index("frame_row")
            .filter(pl.col(_GROUP).is_not_null())
            .select(
                pl.col("frame_row").cast(pl.Int64),
                pl.lit(_GROUP).alias("column"),
                pl.lit("warning").alias("severity"),
            )  # fmt: skip
        )
    if result.check is not None:
        check = result.check
        for i, program in enumerate(check.programs):
            part = check.frame.slice(i * check.rows, check.rows)
            label = program_label(program)
            status, amount = f"_r_{i}_status", f"_r_{i}_amount"
            columns = [part.get_column(STATUS).cast(pl.String).alias(status)]
            headers[status] = T("REPORT_COL_ELIGIBLE", lang, program=label)
            total = part.get_column("amount_year").fill_null(0).sum()
            if total and total > 0:
                columns.append(part.get_column("amount_year").alias(amount))
                headers[amount] = T("REPORT_ELIG_AMOUNT", lang, program=label)
                formats[amount] = "rupiah"
            parts.append(pl.DataFrame(columns))
            marks.append(
                part.select(
                    pl.int_range(pl.len(), dtype=pl.Int64).alias("frame_row"),
                    pl.lit(status).alias("column"),
                    pl.col(STATUS)
                    .cast(pl.String)
                    .replace_strict(STATUS_SEVERITY)
                    .alias("severity"),
                )
            )
    if not parts:
        return None
    return ExtraColumns(
        pl.concat(parts, how="horizontal"),
        headers,
        formats,
        pl.concat(marks) if marks else None,
    )


def _write(result: RunResult, ingest: IngestResult, out: Path) -> None:
    config = result.config
    formats = config.formats
    outputs = result.outputs
    records = validate_pipeline.records_for_output(result.records, config.mask)
    outputs["records"] = write_table(records, out / "records", formats)
    sheets: list[ReportSheet] = []
    summary_rows: list[SummaryItem] = []
    if result.validation is None:  # the validation lines carry the reference date otherwise
        summary_rows.append((T("REPORT_REFERENCE_DATE", config.lang), result.as_of))
    if result.validation is not None:
        outputs["findings"] = write_table(result.validation.findings, out / "findings", formats)
        v_sheets, v_rows = validate_pipeline.report_sheets(
            ingest.frame,
            result.validation,
            result.summary,
            mask=config.mask,
            lang=config.lang,
            sources=ingest.sources,
            extra=_data_extra(result, config.lang),
        )
        sheets += v_sheets
        summary_rows += v_rows
    if result.dedup is not None:
        outputs["pairs"] = write_table(result.dedup.pairs, out / "pairs", formats)
        outputs["clusters"] = write_table(result.dedup.clusters, out / "clusters", formats)
        identity = dedup_pipeline.identity_frame(ingest.frame, config.dedup, config.mask)
        sheets += dedup_pipeline.report_sheets(result.dedup, identity, config.lang)
    if result.check is not None:
        outputs["eligibility"] = write_table(result.check.frame, out / "eligibility", formats)
        c_sheets, c_rows = check_pipeline.report_sheets(result.check, config.lang)
        sheets += c_sheets
        summary_rows += c_rows
    if result.reconciliation is not None and result.reconcile_summary is not None:
        tables = reconcile_pipeline.tables(result.reconciliation, mask=config.mask)
        for stem, frame in tables.items():
            outputs[stem] = write_table(frame, out / stem, formats)
        r_sheets, r_rows = reconcile_pipeline.report_sheets(
            result.reconciliation, result.reconcile_summary, mask=config.mask, lang=config.lang
        )
        sheets += r_sheets
        summary_rows += r_rows
    if result.validation is None:
        summary_rows += validate_pipeline.notice_rows(ingest.sources, config.lang)
    if config.report:
        title = T("REPORT_SUMMARY", config.lang)
        outputs["report"] = [
            write_report(
                out / "report.xlsx",
                sheets,
                summary_rows,
                title=title,
                lang=config.lang,
                footer=validate_pipeline.inputs_line(ingest.sources),
            )
        ]


__all__ = ["STAGES", "FailedInput", "RunResult", "read_batch", "run"]
