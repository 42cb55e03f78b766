"""``validate`` pipeline: read inputs -> check every row -> write outputs (and report.xlsx)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli import __version__
from bansos_cli.core.columns import ID_COLUMNS
from bansos_cli.core.vocabulary import (
    COLUMN,
    ELIGIBILITY_PREFIX,
    ROW,
    ROW_KEY,
    RUN_RECORDS,
    SEVERITY,
    STATUS,
)
from bansos_cli.core.errors import OptionError
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.ingest import IngestResult, ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import TableWriter, write_json
from bansos_cli.report import ReportSheet, write_report
from bansos_cli.validate import ValidationResult, check_frame, confirm, prepare

FAIL_ON = ("error", "warning", "never")
Progress = Callable[[str], None]
"""Called with a short step name (``read``, ``check``, ``write``, ``report``) as each starts."""


@dataclass
class ValidateRun:
    """What :func:`run_validate` did: the summary dict, the findings and the written files."""

    summary: dict[str, Any]
    findings: pl.DataFrame
    records: pl.DataFrame
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    out_dir: Path | None = None
    sources: list[SourceInfo] = field(default_factory=list)
    """What was learned about each input (sheet, header row, notices)."""

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
    ingest_frame: pl.DataFrame, records: pl.DataFrame, findings: pl.DataFrame, mask: bool
) -> ReportSheet:
    """The rows as read, with a status column and the cells that have findings highlighted."""
    shown = records_for_output(
        ingest_frame.with_columns(records.get_column(STATUS)), mask
    )
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
            .select(
                "frame_row", pl.lit(STATUS).alias(COLUMN), pl.col(STATUS).alias(SEVERITY)
            ),
        ]
    )
    return ReportSheet("Data", shown, title="Data asli dengan status", highlight=highlight)


def _summary_rows(
    counts: dict[str, Any], summary: dict[str, Any], lang: str
) -> list[tuple[str, object]]:
    id_ = lang == "id"
    by_status = counts["by_status"]
    rows: list[tuple[str, object]] = []
    if summary.get("inputs"):
        files = ", ".join(str(i["path"]) for i in summary["inputs"])
        rows.append(("Berkas" if id_ else "Inputs", files))
    rows.append(("Baris dibaca" if id_ else "Rows read", counts["rows"]))
    if "empty_rows" in summary:
        rows.append(
            ("Baris kosong dilewati" if id_ else "Empty rows skipped", summary["empty_rows"])
        )
    rows += [
        ("Baris OK" if id_ else "Rows OK", by_status["ok"]),
        ("Baris dengan peringatan" if id_ else "Rows with warnings", by_status["warning"]),
        ("Baris dengan kesalahan" if id_ else "Rows with errors", by_status["error"]),
        (
            "Tanggal acuan pemeriksaan" if id_ else "Validation reference date",
            counts["reference_date"],
        ),
        ("Versi bansos" if id_ else "bansos version", __version__),
        ("", ""),
    ]
    for code, info in counts["by_code"].items():
        rows.append((f"{code} ({info['severity']})", info["count"]))
    return rows


def notice_rows(sources: Sequence[SourceInfo], lang: str) -> list[tuple[str, object]]:
    """Summary-sheet rows for the notices about the inputs (``Perhatian: file`` -> message)."""
    label = "Perhatian" if lang == "id" else "Notice"
    return [
        (f"{label}: {Path(info.path).name}", f"{notice.text(lang)} ({notice.code})")
        for info in sources
        for notice in info.notices
    ]


def report_sheets(
    ingest_frame: pl.DataFrame,
    validation: ValidationResult,
    summary: dict[str, Any],
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
            "Temuan" if lang == "id" else "Findings",
            validation.findings,
            title="Temuan per baris Excel" if lang == "id" else "Findings by Excel row",
        ),
        _original_sheet(ingest_frame, validation.records, validation.findings, mask),
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
    reference_date: dt.date,
    report: bool = True,
    progress: Progress | None = None,
) -> ValidateRun:
    """Read ``paths``, validate every row and write the outputs into ``out_dir``.

    Writes ``records``, ``valid`` and ``findings`` (Parquet and/or CSV), ``summary.json`` and,
    unless ``report`` is False, ``report.xlsx``. Every file is written atomically; nothing is
    written when the input is unusable (a :class:`BansosError` is raised first).
    """
    if not formats or any(f not in ("parquet", "csv") for f in formats):
        raise OptionError(f"unknown format {formats!r}", hint="use parquet, csv or both")
    started = time.perf_counter()
    step = progress or (lambda _name: None)
    step("read")
    ingest: IngestResult = read_inputs(list(paths), read_options or ReadOptions())
    step("check")
    # the schema's one-off set-up (Python work) runs beside the checks, which leave a core
    # partly idle (the CSV read keeps both busy, so it is not done during the read)
    with ThreadPoolExecutor(max_workers=1) as pool:
        ready = pool.submit(prepare)
        result: ValidationResult = check_frame(
            ingest.frame, lang=lang, reference_date=reference_date, mask=mask
        )
        ready.result()
    out_dir = Path(out_dir) if out_dir is not None else default_out_dir(paths)
    step("write")
    records_out = records_for_output(result.records, mask)
    # the records are final: write them (and the valid rows, filtered in the writer thread)
    # while they are checked against the schema and counted; nothing lands if that fails
    with TableWriter(formats) as tables:
        tables.submit("records", records_out, out_dir / "records")
        tables.submit(
            "valid", lambda: records_out.filter(pl.col(STATUS) != "error"), out_dir / "valid"
        )
        tables.submit("findings", result.findings, out_dir / "findings")
        confirm(result)
    outputs: dict[str, list[Path]] = dict(tables.paths)
    summary: dict[str, Any] = {
        **result.counts,
        "empty_rows": ingest.empty_rows,
        "inputs": [s.summary() for s in ingest.sources],
        "version": __version__,
        "versions": {"bansos": __version__, "polars": pl.__version__},
        "lang": lang,
        "masked": mask,
    }
    if report:
        step("report")
        sheets, rows = report_sheets(
            ingest.frame, result, summary, mask=mask, lang=lang, sources=ingest.sources
        )
        outputs["report"] = [
            write_report(
                out_dir / "report.xlsx",
                sheets,
                summary=rows,
                title="Ringkasan" if lang == "id" else "Summary",
                lang=lang,
            )
        ]
    summary["outputs"] = {k: [str(p) for p in v] for k, v in outputs.items()}
    summary["duration_s"] = round(time.perf_counter() - started, 3)
    outputs["summary"] = [write_json(summary, out_dir / "summary.json")]
    return ValidateRun(
        summary, result.findings, result.records, outputs, out_dir, list(ingest.sources)
    )
