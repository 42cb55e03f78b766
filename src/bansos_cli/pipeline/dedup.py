"""``dedup``: read one or many lists, find duplicate people and families, write the outputs.

read inputs -> :func:`bansos_cli.dedup.dedup_frame` -> ``pairs.parquet``,
``clusters.parquet``, ``summary.json`` and two sheets in ``report.xlsx``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bansos_cli.core.errors import ExitCode, OptionError
from bansos_cli.core.messages import text as T
from bansos_cli.core.outputset import output_set
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.core.vocabulary import (
    CLASS,
    CLUSTER_ID,
    CLUSTER_SIZE,
    DECISION,
    KEEP,
    NEEDS_REVIEW,
    PAIR_LEVEL_PREFIX,
    RID,
    RID_A,
    RID_B,
    ROW,
    ROW_KEY,
    SOURCE,
    A,
    B,
    is_internal,
    sided,
)
from bansos_cli.dedup import (
    CLASSES,
    DedupConfig,
    DedupResult,
    ProgressCallback,
    dedup_frame,
    load_config,
)
from bansos_cli.dedup.classify import RENAMED_CLASSES
from bansos_cli.dedup.fields import resolve_column
from bansos_cli.ingest import ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.summaries import DedupSummary, envelope, finish
from bansos_cli.report import ReportSheet, write_report


@dataclass
class DedupRun:
    """What ``bansos dedup`` computed and wrote."""

    result: DedupResult
    sources: list[SourceInfo]
    summary: DedupSummary
    outputs: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written: ``pairs`` and ``clusters``."""
        return {
            "pairs": public(self.result.pairs),
            "clusters": public(self.result.clusters),
        }

    def exit_code(self, fail_on: str = "any") -> int:
        """1 when a pair of a ``fail_on`` class was reported (``any``: a pair of any class;
        ``never``; or a comma list of classes), else 0."""
        failing = failing_classes(fail_on)
        if failing == CLASSES:
            found = self.result.pairs.height > 0
        else:
            counts = self.result.class_counts()
            found = any(counts.get(kelas, 0) for kelas in failing)
        return int(ExitCode.DATA_FAILED if found else ExitCode.OK)

    def to_dict(self) -> DedupSummary:
        """The content of ``summary.json`` (no personal data)."""
        return self.summary


def failing_classes(value: str) -> tuple[str, ...]:
    """``fail_on``: ``any`` (every class), ``never`` (none), or a comma list of classes (the
    names of earlier versions, ``orang_sama_nik_beda``, still accepted)."""
    chosen = value.strip().lower()
    if chosen == "any":
        return CLASSES
    if chosen == "never":
        return ()
    given = (p.strip() for p in chosen.split(",") if p.strip())
    named = tuple(dict.fromkeys(RENAMED_CLASSES.get(c, c) for c in given))
    unknown = [c for c in named if c not in CLASSES]
    if unknown or not named:
        raise OptionError.of(
            "CLI_BAD_CHOICE",
            option="--fail-on",
            value=(unknown or [value])[0],
            allowed=", ".join(("any", "never", *CLASSES)),
        )
    return named


def public(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` without its internal columns (as the table writers write it)."""
    return frame.drop([c for c in frame.columns if is_internal(c)])


def identity_frame(frame: pl.DataFrame, config: DedupConfig, mask_ids: bool) -> pl.DataFrame:
    """``_rid`` plus NIK, name and birth date as written (NIK masked when asked)."""
    exprs: list[pl.Expr] = [pl.int_range(pl.len(), dtype=pl.UInt32).alias(RID)]
    for label, wanted in (
        ("nik", config.fields.nik),
        ("nama", config.fields.nama),
        ("tanggal_lahir", config.fields.tanggal_lahir),
        ("no_kk", config.fields.no_kk),
    ):
        column = resolve_column(frame, wanted)
        value = pl.col(column).cast(pl.String) if column else pl.lit(None, pl.String)
        if mask_ids and label in ("nik", "no_kk"):
            value = mask_id_expr(value)
        exprs.append(value.alias(label))
    return frame.select(exprs)


_IDENTITY = ("nik", "nama", "tanggal_lahir", "no_kk")
"""The identity columns shown beside each record of a pair or group in the report."""
_LEVELS_SHOWN = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu", "wilayah")


def report_sheets(
    result: DedupResult, identity: pl.DataFrame, lang: str = "id"
) -> list[ReportSheet]:
    """The duplicate pairs and the duplicate groups as report sheets."""
    a = identity.rename({c: sided(c, A) for c in identity.columns if c != RID})
    b = identity.rename({c: sided(c, B) for c in identity.columns if c != RID})
    pairs = (
        result.pairs.join(a.rename({RID: RID_A}), on=RID_A, how="left")
        .join(b.rename({RID: RID_B}), on=RID_B, how="left")
        .select(
            CLASS,
            DECISION,
            "score",
            *[sided(c, side) for side in (A, B) for c in (SOURCE, ROW, *_IDENTITY)],
            *[PAIR_LEVEL_PREFIX + f for f in _LEVELS_SHOWN],
            "family_matches",
        )
    )
    groups = (
        result.clusters.filter(pl.col(CLUSTER_SIZE) > 1)
        .join(identity, on=RID, how="left")
        .select(CLUSTER_ID, CLUSTER_SIZE, KEEP, NEEDS_REVIEW, *ROW_KEY, *_IDENTITY)
        .sort(CLUSTER_ID, ROW)
    )
    return [
        ReportSheet(T("REPORT_PAIRS", lang), pairs, title=T("REPORT_PAIRS_TITLE", lang)),
        ReportSheet(T("REPORT_GROUPS", lang), groups, title=T("REPORT_GROUPS_TITLE", lang)),
    ]


def run_dedup(
    paths: Sequence[str | Path],
    *,
    config: DedupConfig | str | Path | None = None,
    out_dir: str | Path | None = None,
    read_options: ReadOptions | None = None,
    lang: str = "id",
    mask: bool = False,
    formats: Sequence[str] = ("parquet",),
    progress: ProgressCallback | None = None,
    csv_formulas: str = "neutralise",
) -> DedupRun:
    """Read the inputs together, find duplicates across and within them, write the outputs.

    The config is validated before any file is read. With ``out_dir``: ``pairs`` and
    ``clusters`` tables (Parquet and/or CSV), ``summary.json`` and ``report.xlsx``.
    """
    started = time.perf_counter()
    settings = config if isinstance(config, DedupConfig) else load_config(config)
    with output_set(out_dir, inputs=paths, csv_formulas=csv_formulas):
        ingest = read_inputs(paths, read_options)
        result = dedup_frame(ingest.frame, settings, progress=progress)
        summary: DedupSummary = {
            **envelope("dedup", ingest.sources, started=started),
            **result.summary(),  # type: ignore[typeddict-item]
        }
        run = DedupRun(result, list(ingest.sources), summary)
        if out_dir is not None:
            out = Path(out_dir)
            outputs = {
                "pairs": write_table(result.pairs, out / "pairs", formats),
                "clusters": write_table(result.clusters, out / "clusters", formats),
            }
            identity = identity_frame(ingest.frame, settings, mask)
            groups = result.group_stats()
            rows = [
                (T("REPORT_DATA_ROWS", lang), result.rows),
                (T("REPORT_PAIRS_REPORTED", lang), result.pairs.height),
                *[(k, v) for k, v in result.class_counts().items()],
                (T("REPORT_GROUPS_FOUND", lang), groups["groups"]),
                (T("REPORT_SURPLUS_ROWS", lang), groups["rows_to_review"]),
            ]
            outputs["report"] = [
                write_report(
                    out / "report.xlsx", report_sheets(result, identity, lang), rows, lang=lang
                )
            ]
            outputs["summary"] = [out / "summary.json"]
            run.outputs = outputs
            finish(summary, outputs, started=started)
            write_json(summary, out / "summary.json")
        else:
            finish(summary, {}, started=started)
        return run
