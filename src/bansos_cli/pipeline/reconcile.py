"""Reconcile pipeline: read both lists, reconcile them, write the outputs.

``reconcile(left, right, ...)`` is what ``bansos reconcile`` calls; a Python user can call it
too, or call :func:`bansos_cli.reconcile.reconcile_frames` on frames they already have.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.errors import ExitCode, OptionError
from bansos_cli.core.messages import text as T
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.core.vocabulary import (
    CATEGORY,
    DIFFERENCE_RP,
    KEY,
    LEFT,
    RIGHT,
    ROWS,
    RP,
    differs_column,
    sided,
)
from bansos_cli.ingest import IngestResult, ReadOptions, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.summaries import ReconcileSummary, envelope, finish
from bansos_cli.reconcile import (
    CATEGORIES,
    LEFT_ONLY,
    MATCHED,
    RIGHT_ONLY,
    ReconcileOptions,
    ReconcileResult,
    reconcile_frames,
)
from bansos_cli.report import ReportSheet, write_report

TABLE_STEM = "reconciliation"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.xlsx"

DEFAULT_FAIL_ON: tuple[str, ...] = tuple(c for c in CATEGORIES if c != MATCHED)
"""Categories that make the run fail (exit code 1) unless told otherwise."""


def parse_fail_on(text: str) -> tuple[str, ...]:
    """``any`` (every category but ``cocok``), ``none``, or a comma list of categories."""
    value = text.strip().lower()
    if value == "any":
        return DEFAULT_FAIL_ON
    if value == "none":
        return ()
    chosen = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown or not chosen:
        raise OptionError.of(
            "RECONCILE_FAIL_ON_UNKNOWN",
            value=(unknown or [text])[0],
            categories=", ".join(CATEGORIES),
        )
    return chosen


@dataclass
class ReconcileRun:
    """What one run read, found and wrote."""

    result: ReconcileResult
    left: IngestResult
    right: IngestResult
    summary: ReconcileSummary
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    mask: bool = False
    lang: str = "id"
    """The language of report.xlsx."""

    @property
    def failing(self) -> int:
        """Output rows in a ``fail_on`` category (non-zero -> exit code 1)."""
        return self.result.failing(self.fail_on)

    def exit_code(self) -> int:
        """1 when a row is in a ``fail_on`` category, else 0."""
        return int(ExitCode.DATA_FAILED if self.failing else ExitCode.OK)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written: ``reconciliation`` (identifiers masked under ``mask``)."""
        frame = self.result.frame
        if self.mask:
            frame = masked(frame, self.result.options.keys)
        return {TABLE_STEM: frame}


def _side_summary(result: ReconcileResult, ingest: IngestResult, left: bool) -> dict[str, Any]:
    stats = result.left if left else result.right
    return {
        "files": [s.path for s in ingest.sources],
        "sheets": [s.sheet for s in ingest.sources],
        "rows": stats.rows,
        "empty_rows_skipped": ingest.empty_rows,
        "key_missing": stats.key_missing,
        "duplicate_keys": stats.duplicate_keys,
        "amount_unreadable": stats.amount_unreadable,
        "amount_total_rp": stats.amount_total,
    }


def _records(frame: pl.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None else frame.to_dicts()


def build_summary(
    result: ReconcileResult,
    left: IngestResult,
    right: IngestResult,
    fail_on: Sequence[str] = DEFAULT_FAIL_ON,
) -> dict[str, Any]:
    """The JSON summary (``summary.json`` and ``--json``): counts, totals, explanation."""
    return {
        "command": "reconcile",
        "options": result.options.as_dict(),
        "compared": result.compared,
        "left": _side_summary(result, left, left=True),
        "right": _side_summary(result, right, left=False),
        "categories": {row.pop(CATEGORY): row for row in result.by_category.to_dicts()},
        "fuzzy_pairs": result.fuzzy_pairs,
        "fuzzy_skipped_blocks": result.fuzzy_skipped_blocks,
        "field_differences": result.field_differences,
        "names": result.name_outcomes,
        "total": {
            sided(RP, LEFT): result.left.amount_total,
            sided(RP, RIGHT): result.right.amount_total,
            DIFFERENCE_RP: result.right.amount_total - result.left.amount_total,
        },
        "explanation": result.explanation(),
        "by_region": _records(result.by_region),
        "by_program": _records(result.by_program),
        "fail_on": list(fail_on),
        "failing_rows": result.failing(fail_on),
    }


def masked(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """NIK/KK columns (both sides) and an identifier key replaced by masked forms."""
    id_columns = {sided(c, side) for c in ID_COLUMNS for side in (LEFT, RIGHT)}
    exprs = [mask_id_expr(pl.col(c)).alias(c) for c in frame.columns if c in id_columns]
    if any(k in ID_COLUMNS for k in keys) and KEY in frame.columns:
        exprs.append(mask_id_expr(pl.col(KEY)).alias(KEY))
    return frame.with_columns(exprs) if exprs else frame


def _highlights(frame: pl.DataFrame, compared: Sequence[str]) -> pl.DataFrame:
    """Differing cells (both sides) in yellow; the category cell of unmatched rows in red."""
    indexed = frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("frame_row"), pl.all())
    parts = []
    for name in compared:
        flag = differs_column(name)
        if flag not in frame.columns:
            continue
        rows = indexed.filter(pl.col(flag)).select("frame_row")
        for column in (sided(name, LEFT), sided(name, RIGHT)):
            parts.append(
                rows.with_columns(
                    pl.lit(column).alias("column"), pl.lit("warning").alias("severity")
                )
            )
    unmatched = indexed.filter(pl.col(CATEGORY).is_in([LEFT_ONLY, RIGHT_ONLY])).select(
        "frame_row", pl.lit(CATEGORY).alias("column"), pl.lit("error").alias("severity")
    )
    parts.append(unmatched)
    return pl.concat(parts)


def _report_summary(summary: Mapping[str, Any], lang: str) -> list[tuple[str, object]]:
    left, right, total = summary["left"], summary["right"], summary["total"]

    def files(side: Mapping[str, Any]) -> str:
        return ", ".join(Path(f).name for f in side["files"])

    rows: list[tuple[str, object]] = [
        (T("REPORT_REC_LEFT_FILES", lang), files(left)),
        (T("REPORT_REC_RIGHT_FILES", lang), files(right)),
        (T("REPORT_REC_KEYS", lang), ", ".join(summary["options"]["keys"])),
        (T("REPORT_REC_COMPARED", lang), ", ".join(summary["compared"])),
        (T("REPORT_REC_LEFT_ROWS", lang), left["rows"]),
        (T("REPORT_REC_RIGHT_ROWS", lang), right["rows"]),
    ]
    for category, row in summary["categories"].items():
        rows.append((T("REPORT_REC_CATEGORY_ROWS", lang, category=category), row[ROWS]))
    rows += [
        (T("REPORT_REC_FUZZY", lang), summary["fuzzy_pairs"]),
        (T("REPORT_REC_RP_LEFT", lang), total[sided(RP, LEFT)]),
        (T("REPORT_REC_RP_RIGHT", lang), total[sided(RP, RIGHT)]),
        (T("REPORT_REC_DIFFERENCE", lang), total[DIFFERENCE_RP]),
    ]
    for item in summary["explanation"]:
        label = T("REPORT_REC_DIFFERENCE_FROM", lang, category=item[CATEGORY])
        rows.append((label, item[DIFFERENCE_RP]))
    rows += [
        (T("REPORT_REC_UNREADABLE_LEFT", lang), left["amount_unreadable"]),
        (T("REPORT_REC_UNREADABLE_RIGHT", lang), right["amount_unreadable"]),
        (T("REPORT_REC_KEY_MISSING_LEFT", lang), left["key_missing"]),
        (T("REPORT_REC_KEY_MISSING_RIGHT", lang), right["key_missing"]),
    ]
    return rows


def write_outputs(
    run: ReconcileRun,
    out_dir: Path,
    *,
    formats: Sequence[str] = ("parquet",),
    report: bool = True,
    started: float,
) -> dict[str, list[Path]]:
    """Write ``reconciliation.<fmt>``, (optionally) ``report.xlsx`` and ``summary.json``."""
    result, summary = run.result, run.summary
    outputs = {TABLE_STEM: write_table(run.frames[TABLE_STEM], out_dir / TABLE_STEM, formats)}
    if report:
        sheets, rows = report_sheets(result, summary, mask=run.mask, lang=run.lang)
        files = [Path(f).name for side in ("left", "right") for f in summary[side]["files"]]
        outputs["report"] = [
            write_report(
                out_dir / REPORT_FILE,
                sheets,
                rows,
                title=T("REPORT_SUMMARY", run.lang),
                lang=run.lang,
                footer=", ".join(files),
            )
        ]
    outputs["summary"] = [out_dir / SUMMARY_FILE]
    finish(summary, outputs, started=started)
    write_json(summary, out_dir / SUMMARY_FILE)
    return outputs


def report_sheets(
    result: ReconcileResult, summary: Mapping[str, Any], *, mask: bool = False, lang: str = "id"
) -> tuple[list[ReportSheet], list[tuple[str, object]]]:
    """The reconciliation sheets of ``report.xlsx`` and their lines for the summary sheet."""
    frame = masked(result.frame, result.options.keys) if mask else result.frame
    rupiah = {c: "rupiah" for c in (sided(RP, LEFT), sided(RP, RIGHT), DIFFERENCE_RP)}
    sheets = [
        ReportSheet(
            name=T("REPORT_REC_SHEET", lang),
            frame=frame,
            title=T("REPORT_REC_TITLE", lang),
            highlight=_highlights(frame, result.compared),
            formats={c: f for c, f in rupiah.items() if c in frame.columns},
        ),
        ReportSheet(
            name=T("REPORT_REC_PER_CATEGORY", lang),
            frame=result.by_category,
            formats={c: f for c, f in rupiah.items() if c in result.by_category.columns},
        ),
    ]
    for name, table in (("REPORT_PER_REGION", result.by_region),
                        ("REPORT_REC_PER_PROGRAM", result.by_program)):  # fmt: skip
        if table is not None:
            sheets.append(
                ReportSheet(
                    name=T(name, lang),
                    frame=table,
                    formats={c: f for c, f in rupiah.items() if c in table.columns},
                )
            )
    return sheets, _report_summary(summary, lang)


def reconcile(
    left: Sequence[str | Path],
    right: Sequence[str | Path],
    *,
    options: ReconcileOptions | None = None,
    left_read: ReadOptions | None = None,
    right_read: ReadOptions | None = None,
    out_dir: Path | None = None,
    formats: Sequence[str] = ("parquet",),
    report: bool = True,
    mask: bool = False,
    fail_on: Sequence[str] = DEFAULT_FAIL_ON,
    lang: str = "id",
) -> ReconcileRun:
    """Read LEFT and RIGHT, reconcile them and (when ``out_dir`` is given) write the outputs.

    Raises a :class:`~bansos_cli.core.errors.BansosError` for unreadable inputs or unusable
    options before anything is written.
    """
    started = time.perf_counter()
    left_ingest = read_inputs(left, left_read)
    right_ingest = read_inputs(right, right_read)
    result = reconcile_frames(left_ingest.frame, right_ingest.frame, options)
    sources = [*left_ingest.sources, *right_ingest.sources]
    summary: ReconcileSummary = {
        **envelope("reconcile", sources, started=started),
        **build_summary(result, left_ingest, right_ingest, fail_on),  # type: ignore[typeddict-item]
    }
    run = ReconcileRun(
        result=result,
        left=left_ingest,
        right=right_ingest,
        summary=summary,
        fail_on=tuple(fail_on),
        mask=mask,
        lang=lang,
    )
    if out_dir is not None:
        run.outputs = write_outputs(
            run, Path(out_dir), formats=formats, report=report, started=started
        )
    else:
        finish(summary, {}, started=started)
    return run
