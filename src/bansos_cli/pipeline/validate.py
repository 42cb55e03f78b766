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
from bansos_cli.core.messages import format_number
from bansos_cli.core.messages import text as T
from bansos_cli.core.outputset import folder_name, output_set
from bansos_cli.core.privacy import mask_frame
from bansos_cli.core.vocabulary import (
    CODE,
    ELIGIBILITY_PREFIX,
    HINT,
    RUN_RECORDS,
    SEVERITY,
    STATUS,
)
from bansos_cli.ingest import IngestResult, ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import TableWriter, write_json
from bansos_cli.pipeline.engines import EngineChoice, choose_engine
from bansos_cli.pipeline.report_list import ExtraColumns, data_sheets
from bansos_cli.pipeline.summaries import ValidateSummary, envelope, finish
from bansos_cli.report import (
    ReportSheet,
    SummaryChart,
    SummaryItem,
    SummaryTable,
    write_report,
)
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
    engine: EngineChoice | None = None
    """The engine the run used and why."""

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
    return Path("bansos-out") / folder_name(paths[0] if paths else "input")


def records_for_output(records: pl.DataFrame, mask: bool) -> pl.DataFrame:
    """Records as written: bansos's columns in front (the row key, ``status``, and after
    ``bansos run`` the duplicate group and ``eligibility_<program>``), then the officer's
    columns; internal columns dropped. With ``mask``, identifiers are masked by content
    (:func:`~bansos_cli.core.privacy.mask_frame`): NIK/KK and every column that holds NIK-like
    values whatever its header (``NIK IBU``, ``NOMOR KTP LAMA``), NIK-like digit runs in free
    text, and column names made of a data row."""
    out = records.drop([c for c in records.columns if c.startswith("_")])
    if mask:
        out = mask_frame(out, ID_COLUMNS, exclude=RUN_RECORDS.names)
    front = [c for c in RUN_RECORDS.names if c in out.columns]
    front += [c for c in out.columns if c.startswith(ELIGIBILITY_PREFIX) and c not in front]
    return out.select([*front, *[c for c in out.columns if c not in front]])


def inputs_line(sources: Sequence[SourceInfo]) -> str:
    """The inputs by file name (sheet in brackets), as the summary sheet lists them."""
    return ", ".join(
        Path(info.path).name + (f" [{info.sheet}]" if info.sheet else "") for info in sources
    )


_AREAS_SHOWN = 30
"""Regions listed on the summary sheet (the worst first); summary.json has them all."""


def _codes_table(counts: Mapping[str, Any], lang: str) -> SummaryTable | None:
    by_code = counts["by_code"]
    if not by_code:
        return None
    from bansos_cli.validate import CATALOGUE

    codes = list(by_code)
    frame = pl.DataFrame(
        {
            CODE: codes,
            SEVERITY: [T(f"LABEL_SEVERITY_{by_code[c]['severity'].upper()}", lang) for c in codes],
            "count": [int(by_code[c]["count"]) for c in codes],
            "rows": [int(by_code[c]["rows"]) for c in codes],
            "meaning": [CATALOGUE[c].meaning(lang) for c in codes],
            HINT: [CATALOGUE[c].hint(lang) for c in codes],
        }
    )
    highlight = pl.DataFrame(
        {
            "frame_row": list(range(len(codes))),
            "column": [SEVERITY] * len(codes),
            "severity": [by_code[c]["severity"] for c in codes],
        }
    )
    return SummaryTable(
        T("REPORT_CODES_TITLE", lang),
        frame,
        headers=[
            T(f"REPORT_CODES_{h}", lang)
            for h in ("CODE", "SEVERITY", "COUNT", "ROWS", "MEANING", "HINT")
        ],  # fmt: skip
        highlight=highlight,
        formats={"meaning": "wrap", HINT: "wrap"},
    )


def _areas_table(counts: Mapping[str, Any], lang: str) -> SummaryTable | None:
    areas, columns = counts.get("by_area") or [], counts.get("area_columns") or []
    flagged = [a for a in areas if a["error"] or a["warning"]]
    if not flagged or not columns:
        return None
    flagged.sort(key=lambda a: (-a["error"], -a["warning"], -a["rows"],
                                *[str(a[c] or "") for c in columns]))  # fmt: skip
    shown = flagged[:_AREAS_SHOWN]
    frame = pl.DataFrame(
        {
            "area": [" / ".join(str(a[c] or "-") for c in columns) for a in shown],
            "rows": [int(a["rows"]) for a in shown],
            "error": [int(a["error"]) for a in shown],
            "warning": [int(a["warning"]) for a in shown],
            "rate": [format_number(100 * a["error_rate"], lang, 1) + " %" for a in shown],
        }
    )
    where = " / ".join(c.upper() for c in columns)
    title = T("REPORT_AREAS_TITLE", lang, areas=where)
    if len(flagged) > len(shown):
        title += " " + T("REPORT_AREAS_MORE", lang, shown=len(shown), total=len(flagged))
    return SummaryTable(
        title,
        frame,
        headers=[
            where,
            *[T(f"REPORT_AREAS_{h}", lang) for h in ("ROWS", "ERROR", "WARNING", "RATE")],
        ],  # fmt: skip
        chart=SummaryChart(
            T("REPORT_AREAS_CHART", lang),
            "area",
            [("error", "error"), ("warning", "warning")],
        ),
    )


def _summary_rows(
    counts: Mapping[str, Any], summary: Mapping[str, Any], lang: str, sources: Sequence[SourceInfo]
) -> list[SummaryItem]:
    by_status = counts["by_status"]
    rows: list[SummaryItem] = []
    if sources:
        rows.append((T("REPORT_INPUTS", lang), inputs_line(sources)))
    rows.append((T("REPORT_ROWS_READ", lang), counts["rows"]))
    if "empty_rows" in summary:
        rows.append((T("REPORT_EMPTY_ROWS", lang), summary["empty_rows"]))
    rows += [
        (T("REPORT_ROWS_OK", lang), by_status["ok"]),
        (T("REPORT_ROWS_WARNING", lang), by_status["warning"]),
        (T("REPORT_ROWS_ERROR", lang), by_status["error"]),
        (T("REPORT_VALIDATION_DATE", lang), counts["as_of"]),
        (T("REPORT_VERSION", lang), __version__),
    ]
    rows += [t for t in (_codes_table(counts, lang), _areas_table(counts, lang)) if t]
    return rows


def notice_rows(sources: Sequence[SourceInfo], lang: str) -> list[SummaryItem]:
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
    extra: ExtraColumns | None = None,
) -> tuple[list[ReportSheet], list[SummaryItem]]:
    """The report.xlsx sheets of a validation (Temuan, then the officer's list on Data with
    its findings on the rows and cells) and its items for the summary sheet: the counts,
    the codes with their meaning, the regions with the most errors (table and chart), then
    the notices of ``sources``. ``summary`` may add ``empty_rows``; ``extra`` adds columns
    to the Data sheets (``bansos run``)."""
    data, findings = data_sheets(
        ingest_frame,
        validation.records.get_column(STATUS),
        validation.findings,
        sources,
        mask=mask,
        lang=lang,
        extra=extra.frame if extra else None,
        extra_headers=extra.headers if extra else None,
        extra_formats=extra.formats if extra else None,
        extra_highlight=extra.highlight if extra else None,
    )
    rows = _summary_rows(validation.counts, summary, lang, sources)
    notices = notice_rows(sources, lang)
    return [findings, *data], rows + notices


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
    engine: str | None = None,
    csv_formulas: str = "neutralise",
    batch_rows: int | None = None,
) -> ValidateRun:
    """Read ``paths``, validate every row at ``as_of`` and, given ``out_dir``, write there.

    Writes ``records``, ``valid`` and ``findings`` (Parquet and/or CSV), ``summary.json`` and,
    unless ``report`` is False, ``report.xlsx``. Every file is written atomically; nothing is
    written when the input is unusable (a :class:`BansosError` is raised first), nor when
    ``out_dir`` is None (the tables are in the result's ``frames``). ``engine``: a name of
    :data:`~bansos_cli.pipeline.engines.NAMES` (None: ``auto``). On the ``streaming``
    engine (:mod:`bansos_cli.pipeline.streaming`) ``out_dir`` is required, report.xlsx is not
    written, ``batch_rows`` sets the rows of a batch, and the result holds only the first
    finding of each code and no records (the tables are in the written files).
    """
    if not formats or any(f not in ("parquet", "csv") for f in formats):
        bad = next((f for f in formats if f not in ("parquet", "csv")), "")
        raise OptionError.of("OUTPUT_FORMAT_UNKNOWN", format=bad)
    with output_set(out_dir, inputs=paths, csv_formulas=csv_formulas):
        started = time.perf_counter()
        choice = choose_engine(engine, "validate", paths)
        step = progress or (lambda _name: None)
        if choice.name == "streaming":
            from bansos_cli.pipeline.streaming import run_validate_streaming

            step("check")
            summary_s, first, empty, written, infos = run_validate_streaming(
                paths,
                out_dir=out_dir,
                read_options=read_options or ReadOptions(),
                formats=formats,
                mask=mask,
                lang=lang,
                as_of=as_of,
                choice=choice,
                report=report,
                started=started,
                batch_rows=batch_rows,
            )
            return ValidateRun(
                summary_s, first, empty, written, Path(str(out_dir)), infos, empty, choice
            )
        step("read")
        # pandera's import and the schema's one-off set-up (Python work) run beside the read,
        # which spends its time in polars outside the GIL; beside the checks they would hold up
        # each of their many returns from polars
        with ThreadPoolExecutor(max_workers=1) as pool:
            ready = pool.submit(prepare)
            ingest: IngestResult = read_inputs(list(paths), read_options or ReadOptions())
            step("check")
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
            "engine": choice.to_dict(),
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
                    footer=inputs_line(ingest.sources),
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
            choice,
        )
