"""``validate`` pipeline: read inputs -> check every row -> write outputs (and report.xlsx)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli import __version__
from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import text as T
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.core.vocabulary import (
    COLUMN,
    ELIGIBILITY_PREFIX,
    ROW,
    ROW_KEY,
    RUN_RECORDS,
    SEVERITY,
    STATUS,
)
from bansos_cli.ingest import IngestResult, ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import TableWriter, write_json
from bansos_cli.pipeline.summaries import ValidateSummary, envelope, finish
from bansos_cli.report import ReportSheet, write_report
from bansos_cli.validate import ValidationResult, check_frame, confirm, prepare

FAIL_ON = ("error", "warning", "never")
Progress = Callable[[str], None]
"""Called with a short step name (``read``, ``check``, ``write``, ``report``) as each starts."""


@dataclass
class ValidateRun:
    """What :func:`run_validate` did: the summary dict, the findings and the written files."""

    summary: ValidateSummary
    findings: pl.DataFrame
    records: pl.DataFrame
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    out_dir: Path | None = None
    sources: list[SourceInfo] = field(default_factory=list)
    """What was learned about each input (sheet, header row, notices)."""
    table: pl.DataFrame | None = None
    """The records as written (``records_for_output``)."""

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        """The tables, as written: ``records``, ``valid`` and ``findings``."""
        records = self.table if self.table is not None else self.records
        return {"records": records, "valid": valid_rows(records), "findings": self.findings}

    @property
    def errors(self) -> int:
        return int(self.summary["by_status"]["error"])

    @property
    def warnings(self) -> int:
        return int(self.summary["by_status"]["warning"])

    def exit_code(self, fail_on: str = "error") -> int:
        """0 when no row reaches ``fail_on`` (``error``/``warning``/``never``), else 1."""
        if fail_on == "never":
            return 0
        if self.errors:
            return 1
        return 1 if fail_on == "warning" and self.warnings else 0


def valid_rows(records: pl.DataFrame) -> pl.DataFrame:
    """The records without an error (``valid.parquet``)."""
    return records.filter(pl.col(STATUS) != "error")


def default_out_dir(paths: Sequence[str | Path]) -> Path:
    """``bansos-out/<stem of the first input>/``."""
    first = Path(str(paths[0])) if paths else Path("input")
    return Path("bansos-out") / (first.stem or "input")


def records_for_output(records: pl.DataFrame, mask: bool) -> pl.DataFrame:
    """Records as written: bansos's columns in front (the row key, ``status``, and after
    ``bansos run`` the duplicate group and ``eligibility_<program>``), then the officer's
    columns; internal columns dropped, NIK/KK masked when ``mask``."""
    out = records.drop([c for c in records.columns if c.startswith("_")])
    if mask:
        out = out.with_columns(
            [mask_id_expr(pl.col(c)).alias(c) for c in ID_COLUMNS if c in out.columns]
        )
    front = [c for c in RUN_RECORDS.names if c in out.columns]
    front += [c for c in out.columns if c.startswith(ELIGIBILITY_PREFIX) and c not in front]
    return out.select([*front, *[c for c in out.columns if c not in front]])


def _original_sheet(
    ingest_frame: pl.DataFrame,
    records: pl.DataFrame,
    findings: pl.DataFrame,
    mask: bool,
    lang: str,
) -> ReportSheet:
    """The rows as read, with a status column and the cells that have findings highlighted."""
    shown = records_for_output(ingest_frame.with_columns(records.get_column(STATUS)), mask)
    key = list(ROW_KEY)
    index = shown.select(*key[:2], pl.col(ROW).cast(pl.Int64)).with_row_index("frame_row")
    cells = findings.select(*key, COLUMN, SEVERITY).with_columns(
        pl.col(COLUMN).str.split("/").list.first()
    )
    highlight = cells.join(index, on=key, how="inner").select("frame_row", COLUMN, SEVERITY)
    status_cells = index.join(findings.group_by(*key).len(), on=key).select("frame_row")
    highlight = pl.concat(
        [
            highlight,
            status_cells.join(
                records.with_row_index("frame_row").select("frame_row", pl.col(STATUS)),
                on="frame_row",
            )
            .filter(pl.col(STATUS) != "ok")
            .select("frame_row", pl.lit(STATUS).alias(COLUMN), pl.col(STATUS).alias(SEVERITY)),
        ]
    )
    return ReportSheet(
        T("REPORT_DATA", lang), shown, title=T("REPORT_DATA_TITLE", lang), highlight=highlight
    )


def _summary_rows(
    counts: Mapping[str, Any], summary: Mapping[str, Any], lang: str
) -> list[tuple[str, object]]:
    by_status = counts["by_status"]
    rows: list[tuple[str, object]] = []
    if summary.get("inputs"):
        files = ", ".join(str(i["path"]) for i in summary["inputs"])
        rows.append((T("REPORT_INPUTS", lang), files))
    rows.append((T("REPORT_ROWS_READ", lang), counts["rows"]))
    if "empty_rows" in summary:
        rows.append((T("REPORT_EMPTY_ROWS", lang), summary["empty_rows"]))
    rows += [
        (T("REPORT_ROWS_OK", lang), by_status["ok"]),
        (T("REPORT_ROWS_WARNING", lang), by_status["warning"]),
        (T("REPORT_ROWS_ERROR", lang), by_status["error"]),
        (T("REPORT_VALIDATION_DATE", lang), counts["as_of"]),
        (T("REPORT_VERSION", lang), __version__),
        ("", ""),
    ]
    for code, info in counts["by_code"].items():
        rows.append((f"{code} ({info['severity']})", info["count"]))
    return rows


def notice_rows(sources: Sequence[SourceInfo], lang: str) -> list[tuple[str, object]]:
    """Summary-sheet rows for the notices about the inputs (``Perhatian: file`` -> message)."""
    label = T("REPORT_NOTICE", lang)
    return [
        (f"{label}: {Path(info.path).name}", f"{notice.text(lang)} ({notice.code})")
        for info in sources
        for notice in info.notices
    ]


def report_sheets(
    ingest_frame: pl.DataFrame,
    validation: ValidationResult,
    summary: Mapping[str, Any],
    *,
    mask: bool,
    lang: str,
    sources: Sequence[SourceInfo] = (),
) -> tuple[list[ReportSheet], list[tuple[str, object]]]:
    """The report.xlsx sheets of a validation (findings, original rows with highlighted cells)
    and its key/value rows for the summary sheet. ``summary`` may add ``inputs`` and
    ``empty_rows``; the counts come from ``validation.counts``; the notices of ``sources``
    follow the counts."""
    sheets = [
        ReportSheet(
            T("REPORT_FINDINGS", lang),
            validation.findings,
            title=T("REPORT_FINDINGS_TITLE", lang),
        ),
        _original_sheet(ingest_frame, validation.records, validation.findings, mask, lang),
    ]
    rows = _summary_rows(validation.counts, summary, lang)
    notices = notice_rows(sources, lang)
    return sheets, rows + ([("", ""), *notices] if notices else [])


def run_validate(
    paths: Sequence[str | Path],
    *,
    out_dir: Path | None = None,
    read_options: ReadOptions | None = None,
    formats: Sequence[str] = ("parquet",),
    mask: bool = False,
    lang: str = "id",
    as_of: dt.date,
    report: bool = True,
    progress: Progress | None = None,
) -> ValidateRun:
    """Read ``paths``, validate every row at ``as_of`` and, given ``out_dir``, write there.

    Writes ``records``, ``valid`` and ``findings`` (Parquet and/or CSV), ``summary.json`` and,
    unless ``report`` is False, ``report.xlsx``. Every file is written atomically; nothing is
    written when the input is unusable (a :class:`BansosError` is raised first), nor when
    ``out_dir`` is None (the tables are in the result's ``frames``).
    """
    if not formats or any(f not in ("parquet", "csv") for f in formats):
        bad = next((f for f in formats if f not in ("parquet", "csv")), "")
        raise OptionError.of("OUTPUT_FORMAT_UNKNOWN", format=bad)
    started = time.perf_counter()
    step = progress or (lambda _name: None)
    step("read")
    ingest: IngestResult = read_inputs(list(paths), read_options or ReadOptions())
    step("check")
    # the schema's one-off set-up (Python work) runs beside the checks, which leave a core
    # partly idle (the CSV read keeps both busy, so it is not done during the read)
    with ThreadPoolExecutor(max_workers=1) as pool:
        ready = pool.submit(prepare)
        result: ValidationResult = check_frame(ingest.frame, lang=lang, as_of=as_of, mask=mask)
        ready.result()
    records_out = records_for_output(result.records, mask)
    outputs: dict[str, list[Path]] = {}
    if out_dir is None:
        confirm(result)
    else:
        step("write")
        # the records are final: write them (and the valid rows, filtered in the writer
        # thread) while they are checked against the schema and counted; nothing lands if
        # that fails
        with TableWriter(formats) as tables:
            tables.submit("records", records_out, Path(out_dir) / "records")
            tables.submit("valid", lambda: valid_rows(records_out), Path(out_dir) / "valid")
            tables.submit("findings", result.findings, Path(out_dir) / "findings")
            confirm(result)
        outputs = dict(tables.paths)
    summary: ValidateSummary = {
        **envelope("validate", ingest.sources, started=started),
        **result.counts,  # type: ignore[typeddict-item]
        "empty_rows": ingest.empty_rows,
        "versions": {"bansos": __version__, "polars": pl.__version__},
        "lang": lang,
        "masked": mask,
    }
    if report and out_dir is not None:
        step("report")
        sheets, rows = report_sheets(
            ingest.frame, result, summary, mask=mask, lang=lang, sources=ingest.sources
        )
        outputs["report"] = [
            write_report(
                Path(out_dir) / "report.xlsx",
                sheets,
                summary=rows,
                title=T("REPORT_SUMMARY", lang),
                lang=lang,
            )
        ]
    if out_dir is not None:
        outputs["summary"] = [Path(out_dir) / "summary.json"]
        finish(summary, outputs, started=started)
        write_json(summary, Path(out_dir) / "summary.json")
    else:
        finish(summary, outputs, started=started)
    return ValidateRun(
        summary,
        result.findings,
        result.records,
        outputs,
        Path(out_dir) if out_dir is not None else None,
        list(ingest.sources),
        records_out,
    )
