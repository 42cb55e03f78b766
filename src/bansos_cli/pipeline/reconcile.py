"""Reconcile pipeline: read both lists, reconcile them, write the outputs.

``reconcile(left, right, ...)`` is what ``bansos reconcile`` calls; a Python user can call it
too, or call :func:`bansos_cli.reconcile.reconcile_frames` on frames they already have.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.errors import ExitCode, OptionError
from bansos_cli.core.messages import DEFAULT_LANG
from bansos_cli.core.messages import text as T
from bansos_cli.core.outputset import output_set
from bansos_cli.core.privacy import mask_frame, mask_id_expr
from bansos_cli.core.vocabulary import (
    CATEGORY,
    DIFFERENCE_RP,
    FAMILY_KK,
    GROUP_DIFFERENCE_RP,
    KEY,
    LEFT,
    RIGHT,
    ROWS,
    RP,
    differs_column,
    row_key,
    sided,
)
from bansos_cli.ingest import IngestResult, ReadOptions, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.engines import EngineChoice, choose_engine
from bansos_cli.pipeline.summaries import ReconcileSummary, envelope, finish
from bansos_cli.reconcile import (
    AMBIGUOUS,
    PAID_DOUBLE,
    PAID_SPLIT_SHORT,
    PAYMENT,
    PERIOD,
    ReconcileOptions,
    ReconcileResult,
    Scheme,
    reconcile_frames,
)
from bansos_cli.reconcile.model import LEFT_ONLY_ROLE, PAIR_SAME, RIGHT_ONLY_ROLE
from bansos_cli.report import ReportSheet, write_report

TABLE_STEM = "reconciliation"
REGIONS_STEM = "regions"
REGION_CROSS_STEM = "region_cross"
COLUMN_STATS_STEM = "column_stats"
FAMILIES_STEM = "families"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.xlsx"
_RUPIAH_COLUMNS = (sided(RP, LEFT), sided(RP, RIGHT), DIFFERENCE_RP, GROUP_DIFFERENCE_RP)
"""Columns shown as ``Rp 600.000`` in report.xlsx."""


def default_fail_on(scheme: Scheme = PAYMENT) -> tuple[str, ...]:
    """Categories that make the run fail (exit code 1) unless told otherwise: every category
    but the pairs that agree (``cocok``, ``tetap``)."""
    return tuple(c for c in scheme.codes if c != scheme.code(PAIR_SAME))


DEFAULT_FAIL_ON: tuple[str, ...] = default_fail_on(PAYMENT)


def parse_fail_on(text: str, *, period: bool = False) -> tuple[str, ...]:
    """``any`` (every category but ``cocok``/``tetap``), ``none`` or ``never``, or a comma
    list of the categories of the mode."""
    scheme = PERIOD if period else PAYMENT
    value = text.strip().lower()
    if value == "any":
        return default_fail_on(scheme)
    if value in ("none", "never"):
        return ()
    chosen = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    unknown = [c for c in chosen if c not in scheme.codes]
    if unknown or not chosen:
        raise OptionError.of(
            "RECONCILE_FAIL_ON_UNKNOWN",
            value=(unknown or [text])[0],
            categories=", ".join(scheme.codes),
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
    engine: EngineChoice | None = None
    """The engine the run used and why."""

    @property
    def failing(self) -> int:
        """Output rows in a ``fail_on`` category (non-zero -> exit code 1)."""
        return self.result.failing(self.fail_on)

    def exit_code(self) -> int:
        """1 when a row is in a ``fail_on`` category, else 0."""
        return int(ExitCode.DATA_FAILED if self.failing else ExitCode.OK)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written (identifiers masked under ``mask``): ``reconciliation``,
        ``regions`` and ``region_cross`` (when the lists have region columns),
        ``column_stats``, and ``families`` (period mode, with NO KK on both sides)."""
        return tables(self.result, mask=self.mask)


def tables(result: ReconcileResult, *, mask: bool = False) -> dict[str, pl.DataFrame]:
    """The tables of a reconciliation by file stem (core.vocabulary), as written."""
    frame = masked(result.frame, result.options.keys) if mask else result.frame
    found = {TABLE_STEM: frame}
    if result.by_region is not None:
        found[REGIONS_STEM] = result.by_region
    if result.region_cross is not None:
        found[REGION_CROSS_STEM] = result.region_cross
    found[COLUMN_STATS_STEM] = result.column_stats
    if result.families is not None:
        found[FAMILIES_STEM] = masked_families(result.families) if mask else result.families
    return found


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
    fail_on: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JSON summary (``summary.json`` and ``--json``): counts, totals, explanation."""
    fail_on = default_fail_on(result.scheme) if fail_on is None else fail_on
    summary: dict[str, Any] = {
        "command": "reconcile",
        "options": result.options.as_dict(),
        "mode": result.scheme.name,
        "compared": result.compared,
        "left": _side_summary(result, left, left=True),
        "right": _side_summary(result, right, left=False),
        "categories": {row.pop(CATEGORY): row for row in result.by_category.to_dicts()},
        "fuzzy_pairs": result.fuzzy_pairs,
        "fuzzy_skipped_blocks": result.fuzzy_skipped_blocks,
        "candidate_hints": result.candidate_hints,
        "field_differences": result.field_differences,
        "column_stats": result.column_stats.to_dicts(),
        "names": result.name_outcomes,
        "total": {
            sided(RP, LEFT): result.left.amount_total,
            sided(RP, RIGHT): result.right.amount_total,
            DIFFERENCE_RP: result.right.amount_total - result.left.amount_total,
        },
        "explanation": result.explanation(),
        "by_region": _records(result.by_region),
        "region_cross": _records(result.region_cross),
        "by_program": _records(result.by_program),
        "fail_on": list(fail_on),
        "failing_rows": result.failing(fail_on),
    }
    if result.families is not None:
        counts = result.families[CATEGORY].value_counts()
        found = dict(counts.iter_rows())
        summary["families"] = {c: int(found.get(c, 0)) for c in PERIOD.codes if c != AMBIGUOUS}
    return summary


def masked(frame: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """NIK/KK columns (both sides) and an identifier key replaced by masked forms."""
    id_columns = {sided(c, side) for c in ID_COLUMNS for side in (LEFT, RIGHT)}
    exprs = [mask_id_expr(pl.col(c)).alias(c) for c in frame.columns if c in id_columns]
    if any(k in ID_COLUMNS for k in keys) and KEY in frame.columns:
        exprs.append(mask_id_expr(pl.col(KEY)).alias(KEY))
    frame = frame.with_columns(exprs) if exprs else frame
    # then by content: columns of NIK-like values whatever their name, runs in free text
    done = [c for c in frame.columns if c in id_columns or c == KEY]
    return mask_frame(frame, exclude=[*done, *row_key(LEFT), *row_key(RIGHT)])


def masked_families(frame: pl.DataFrame) -> pl.DataFrame:
    """The KK numbers of the family view masked one by one (each cell lists several)."""
    columns = [sided(FAMILY_KK, LEFT), sided(FAMILY_KK, RIGHT)]
    return frame.with_columns(
        pl.col(c).str.split(",").list.eval(mask_id_expr(pl.element())).list.join(",").alias(c)
        for c in columns
    )


def _highlights(frame: pl.DataFrame, compared: Sequence[str], scheme: Scheme) -> pl.DataFrame:
    """Differing cells (both sides) in yellow; the category cell of unpaired rows and of
    over- or under-payments in red (period mode: entrants and exits in blue)."""
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
    unpaired = [scheme.code(LEFT_ONLY_ROLE), scheme.code(RIGHT_ONLY_ROLE)]
    if scheme is PAYMENT:
        marked, severity = [*unpaired, PAID_DOUBLE, PAID_SPLIT_SHORT], "error"
    else:
        marked, severity = unpaired, "info"
    parts.append(
        indexed.filter(pl.col(CATEGORY).is_in(marked)).select(
            "frame_row", pl.lit(CATEGORY).alias("column"), pl.lit(severity).alias("severity")
        )
    )
    return pl.concat(parts)


def _report_summary(summary: Mapping[str, Any], lang: str) -> list[tuple[str, object]]:
    left, right, total = summary["left"], summary["right"], summary["total"]

    def files(side: Mapping[str, Any]) -> str:
        return ", ".join(Path(f).name for f in side["files"])

    rows: list[tuple[str, object]] = [
        (T("REPORT_RECON_LEFT_FILES", lang), files(left)),
        (T("REPORT_RECON_RIGHT_FILES", lang), files(right)),
        (T("REPORT_RECON_MODE", lang), T(f"REPORT_RECON_MODE_{summary['mode'].upper()}", lang)),
        (T("REPORT_RECON_KEYS", lang), ", ".join(summary["options"]["keys"])),
        (T("REPORT_RECON_COMPARED", lang), ", ".join(summary["compared"])),
        (T("REPORT_RECON_ROWS_LEFT", lang), left["rows"]),
        (T("REPORT_RECON_ROWS_RIGHT", lang), right["rows"]),
    ]
    for category, row in summary["categories"].items():
        rows.append((T("REPORT_RECON_CATEGORY_ROWS", lang, category=category), row[ROWS]))
    rows += [
        (T("REPORT_RECON_FUZZY_PAIRS", lang), summary["fuzzy_pairs"]),
        (T("REPORT_RECON_CANDIDATES", lang), sum(summary["candidate_hints"].values())),
        (T("REPORT_RECON_REGION_CROSS", lang), sum(r["pairs"] for r in summary["region_cross"])),
        (T("REPORT_RECON_TOTAL_LEFT", lang), total[sided(RP, LEFT)]),
        (T("REPORT_RECON_TOTAL_RIGHT", lang), total[sided(RP, RIGHT)]),
        (T("REPORT_RECON_DIFFERENCE", lang), total[DIFFERENCE_RP]),
    ]
    for item in summary["explanation"]:
        label = T("REPORT_RECON_DIFFERENCE_FROM", lang, category=item[CATEGORY])
        rows.append((label, item[DIFFERENCE_RP]))
    for category, n in summary.get("families", {}).items():
        rows.append((T("REPORT_RECON_FAMILIES", lang, category=category), n))
    rows += [
        (T("REPORT_RECON_UNREADABLE_LEFT", lang), left["amount_unreadable"]),
        (T("REPORT_RECON_UNREADABLE_RIGHT", lang), right["amount_unreadable"]),
        (T("REPORT_RECON_KEY_MISSING_LEFT", lang), left["key_missing"]),
        (T("REPORT_RECON_KEY_MISSING_RIGHT", lang), right["key_missing"]),
    ]
    return rows


def write_outputs(
    run: ReconcileRun,
    out_dir: Path,
    *,
    formats: Sequence[str] = ("parquet",),
    report: bool = True,
    lang: str = DEFAULT_LANG,
    started: float,
) -> dict[str, list[Path]]:
    """Write the tables (``reconciliation.<fmt>``, ``regions``, ``region_cross``,
    ``column_stats``, ``families``), (optionally) ``report.xlsx`` and ``summary.json``."""
    result, summary = run.result, run.summary
    outputs = {
        stem: write_table(frame, out_dir / stem, formats) for stem, frame in run.frames.items()
    }
    if report:
        sheets, rows = report_sheets(result, summary, mask=run.mask, lang=lang)
        files = [Path(f).name for side in ("left", "right") for f in summary[side]["files"]]
        outputs["report"] = [
            write_report(
                out_dir / REPORT_FILE,
                sheets,
                rows,
                title=T("REPORT_SUMMARY", lang),
                lang=lang,
                footer=", ".join(files),
            )
        ]
    outputs["summary"] = [out_dir / SUMMARY_FILE]
    finish(summary, outputs, started=started)
    write_json(summary, out_dir / SUMMARY_FILE)
    return outputs


def report_sheets(
    result: ReconcileResult,
    summary: Mapping[str, Any],
    *,
    mask: bool = False,
    lang: str = DEFAULT_LANG,
) -> tuple[list[ReportSheet], list[tuple[str, object]]]:
    """The reconciliation sheets of ``report.xlsx`` and their lines for the summary sheet."""
    found = tables(result, mask=mask)
    frame = found[TABLE_STEM]

    def rupiah(table: pl.DataFrame) -> dict[str, str]:
        return {c: "rupiah" for c in _RUPIAH_COLUMNS if c in table.columns}

    sheets = [
        ReportSheet(
            name=T("REPORT_RECONCILIATION", lang),
            frame=frame,
            title=T("REPORT_RECONCILIATION_TITLE", lang),
            highlight=_highlights(frame, result.compared, result.scheme),
            formats=rupiah(frame),
        ),
        ReportSheet(
            name=T("REPORT_PER_CATEGORY", lang),
            frame=result.by_category,
            formats=rupiah(result.by_category),
        ),
    ]
    titled = (
        (REGIONS_STEM, "REPORT_PER_REGION", "REPORT_PER_REGION_TITLE"),
        (REGION_CROSS_STEM, "REPORT_REGION_CROSS", "REPORT_REGION_CROSS_TITLE"),
        (COLUMN_STATS_STEM, "REPORT_COLUMN_STATS", "REPORT_COLUMN_STATS_TITLE"),
        (FAMILIES_STEM, "REPORT_RECON_FAMILIES_SHEET", "REPORT_RECON_FAMILIES_TITLE"),
    )
    for stem, name, title in titled:
        if stem in found:
            table = found[stem]
            sheets.append(
                ReportSheet(T(name, lang), table, title=T(title, lang), formats=rupiah(table))
            )
    if result.by_program is not None:
        sheets.append(
            ReportSheet(
                name=T("REPORT_PER_PROGRAM", lang),
                frame=result.by_program,
                formats=rupiah(result.by_program),
            )
        )
    return sheets, _report_summary(summary, lang)


def reconcile(
    left: Sequence[str | Path],
    right: Sequence[str | Path],
    *,
    options: ReconcileOptions | None = None,
    period: bool = False,
    left_read: ReadOptions | None = None,
    right_read: ReadOptions | None = None,
    out_dir: Path | None = None,
    formats: Sequence[str] = ("parquet",),
    report: bool = True,
    mask: bool = False,
    fail_on: Sequence[str] | None = None,
    lang: str = DEFAULT_LANG,
    engine: str | None = None,
    csv_formulas: str = "neutralise",
) -> ReconcileRun:
    """Read LEFT and RIGHT, reconcile them and (when ``out_dir`` is given) write the outputs.

    ``period=True`` (the same as ``options.period``) compares last period's list (LEFT) with
    this period's (RIGHT). ``fail_on`` defaults to every category but ``cocok``/``tetap``.
    Raises a :class:`~bansos_cli.core.errors.BansosError` for unreadable inputs or unusable
    options before anything is written. ``engine``: a name of
    :data:`~bansos_cli.pipeline.engines.NAMES` (None: ``auto``).
    """
    started = time.perf_counter()
    options = options or ReconcileOptions()
    if period and not options.period:
        options = replace(options, period=True)
    failing = default_fail_on(options.scheme) if fail_on is None else tuple(fail_on)
    unknown = [c for c in failing if c not in options.scheme.codes]
    if unknown:
        raise OptionError.of(
            "RECONCILE_FAIL_ON_UNKNOWN",
            value=unknown[0],
            categories=", ".join(options.scheme.codes),
        )
    choice = choose_engine(engine, "reconcile", [*left, *right])
    with output_set(out_dir, inputs=[*left, *right], csv_formulas=csv_formulas):
        left_ingest = read_inputs(left, left_read)
        right_ingest = read_inputs(right, right_read)
        result = reconcile_frames(left_ingest.frame, right_ingest.frame, options)
        sources = [*left_ingest.sources, *right_ingest.sources]
        summary: ReconcileSummary = {
            **envelope("reconcile", sources, started=started),
            "engine": choice.to_dict(),
            **build_summary(result, left_ingest, right_ingest, failing),  # type: ignore[typeddict-item]
        }
        run = ReconcileRun(
            result=result,
            left=left_ingest,
            right=right_ingest,
            summary=summary,
            fail_on=failing,
            mask=mask,
            lang=lang,
            engine=choice,
        )
        if out_dir is not None:
            run.outputs = write_outputs(
                run, Path(out_dir), formats=formats, report=report, lang=lang, started=started
            )
        else:
            finish(summary, {}, started=started)
        return run
