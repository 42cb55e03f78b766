"""``validate`` on the streaming engine: memory bounded by a batch of rows, not by the input.

Two passes over the inputs, batch by batch, in input order. The first reads only the NIK
and date columns, for what the checks that look across rows need to know about the whole
input (:class:`~bansos_cli.validate.facts.FactsCollector`: repeated NIKs, sources with
day/month-swapped dates). The second reads every column, checks each batch with those facts
(:func:`~bansos_cli.validate.check_frame`), confirms it against the pandera schema, appends
it to ``records``, ``valid`` and ``findings`` (one Parquet row group per batch) and adds up
its counts. The outputs are those of the in-memory engine, row for row.

Only plain text tables are streamed (:mod:`bansos_cli.ingest.batches`); report.xlsx is not
written (a notice says so): its Data sheets hold the whole list.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from bansos_cli import __version__
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import Notice
from bansos_cli.core.vocabulary import CODE
from bansos_cli.ingest import ReadOptions, SourceInfo, expand_inputs, source_labels
from bansos_cli.ingest.batches import TextPlan, plan_text
from bansos_cli.ingest.mapping import load_mapping
from bansos_cli.output import BatchTableWriter, write_json
from bansos_cli.pipeline.engines import EngineChoice
from bansos_cli.pipeline.summaries import ValidateSummary, envelope, finish
from bansos_cli.validate import check_frame
from bansos_cli.validate.facts import FactsCollector
from bansos_cli.validate.stage import Tally, check_schema, combine, tally

BATCH_ROWS = 500_000
"""Rows a batch holds by default: a batch of the 23-column SIKS-NG list peaks at about
0.4 GB while it is checked (the in-memory engine holds about 0.8 GB a million rows)."""


def _plans(paths: Sequence[str | Path], options: ReadOptions) -> list[TextPlan]:
    files = expand_inputs(list(paths))
    mapping = load_mapping(options.mapping)
    labels = source_labels(files)
    plans = [
        plan_text(
            path,
            labels[i],
            header_row=options.header_row,
            mapping=mapping,
            encoding=options.encoding,
            delimiter=options.delimiter,
        )
        for i, path in enumerate(files)
    ]
    for plan, label in zip(plans, labels, strict=True):
        plan.info.source = label
    return plans


def _columns(plans: Sequence[TextPlan]) -> list[str]:
    """The columns of the combined frame, as ``pl.concat(how="diagonal_relaxed")`` orders
    them (the first file's, then each new one where it first appears)."""
    from bansos_cli.core.columns import ID_COLUMNS, ROW, SHEET, SOURCE

    seen: dict[str, None] = dict.fromkeys([SOURCE, SHEET, ROW])
    for plan in plans:
        names = plan.names
        flags = [f"_num_{c}" for c in ID_COLUMNS if c in names]
        for name in [*names, *flags]:
            seen.setdefault(name, None)
    return list(seen)


def run_validate_streaming(
    paths: Sequence[str | Path],
    *,
    out_dir: Path | None,
    read_options: ReadOptions,
    formats: Sequence[str],
    mask: bool,
    lang: str,
    as_of: dt.date,
    choice: EngineChoice,
    report: bool = True,
    started: float | None = None,
    batch_rows: int | None = None,
) -> tuple[ValidateSummary, pl.DataFrame, pl.DataFrame, dict[str, list[Path]], list[SourceInfo]]:
    """Validate ``paths`` batch by batch into ``out_dir`` (see the module docstring).

    Returns the summary, the first finding of each code (the full table is the written
    ``findings``), an empty records frame with the records' columns, the written files and
    the sources read."""
    if out_dir is None:
        raise OptionError.of("STREAMING_NEEDS_OUT")
    started = time.perf_counter() if started is None else started
    rows = batch_rows or BATCH_ROWS
    plans = _plans(paths, read_options)
    columns = _columns(plans)
    collector = FactsCollector(as_of)
    for plan in plans:
        for batch in plan.raw_batches(rows, collector.columns(plan.names)):
            collector.add(batch)
    facts = collector.finish(lang)
    del collector
    tallies: list[Tally] = []
    examples: list[pl.DataFrame] = []
    records_schema: pl.DataFrame | None = None
    out = Path(out_dir)
    from bansos_cli.pipeline.validate import records_for_output, valid_rows

    with BatchTableWriter(formats) as tables:
        for plan in plans:
            for batch in plan.batches(rows):
                missing = [c for c in columns if c not in batch.columns]
                if missing:
                    batch = batch.with_columns(
                        pl.lit(
                            None, dtype=pl.Boolean if c.startswith("_num_") else pl.String
                        ).alias(c)
                        for c in missing
                    )
                batch = batch.select(columns)
                result = check_frame(batch, lang=lang, as_of=as_of, mask=mask, facts=facts)
                check_schema(result.records)
                records = records_for_output(result.records, mask)
                tables.append("records", records, out / "records")
                tables.append("valid", valid_rows(records), out / "valid")
                tables.append("findings", result.findings, out / "findings")
                tallies.append(tally(result.records, result.findings))
                examples.append(result.findings.group_by(CODE, maintain_order=True).head(1))
                if records_schema is None:
                    records_schema = records.clear()
        if records_schema is None:  # no record in any input: nothing to check
            raise OptionError.of("STREAMING_NOT_PLAIN", path=str(plans[0].path))
    outputs: dict[str, list[Path]] = dict(tables.paths)
    sources = [plan.info for plan in plans]
    if report:
        sources[0].notices.append(Notice("ENGINE_STREAMING_NO_REPORT"))
    summary: ValidateSummary = {
        **envelope("validate", sources, started=started),
        **combine(tallies, as_of),  # type: ignore[typeddict-item]
        "engine": choice.to_dict(),
        "empty_rows": sum(plan.info.empty_rows for plan in plans),
        "versions": {"bansos": __version__, "polars": pl.__version__},
        "lang": lang,
        "masked": mask,
    }
    outputs["summary"] = [out / "summary.json"]
    finish(summary, outputs, started=started)
    write_json(summary, out / "summary.json")
    first = pl.concat(examples).group_by(CODE, maintain_order=True).head(1)
    return summary, first, records_schema, outputs, sources


__all__ = ["BATCH_ROWS", "run_validate_streaming"]
