"""report.xlsx of a big validation: the officer's list with its findings, notes and links.

Targets (issue "A report officers act on"): the 200k-row report.xlsx in at most 10 s; a
1M-row report written in streaming mode, its memory not growing with the rows beyond the
tables the run already holds. Baseline, measured in the same run: the same records written
as one plain table sheet by the same streaming writer (no MASALAH, no notes, no links, no
page set-up beyond the default), i.e. what a report without the officer's features costs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

try:  # run as a script (benchmarks/run.py loads it by path) or as a module
    from bench_validate import SEED, make_csv  # type: ignore[import-not-found]
    from memory import run_child  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    from benchmarks.bench_validate import SEED, make_csv
    from benchmarks.memory import run_child

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
SIZES = (200_000, 1_000_000)

_CHILD = """
import datetime as dt, time
from pathlib import Path
import polars as pl
from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.validate import records_for_output, report_sheets
from bansos_cli.report import ReportSheet, write_report
from bansos_cli.validate import validate_frame
import resource
ingest = read_inputs([{path!r}])
validation = validate_frame(ingest.frame, lang='id', as_of=dt.date(2025, 7, 1), mask=False)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = Path({out!r}); out.mkdir(parents=True, exist_ok=True)
start = time.perf_counter()
if {plain}:
    table = records_for_output(ingest.frame.with_columns(validation.records['status']), False)
    write_report(out / 'plain.xlsx', [ReportSheet('Data', table)])
    name = 'plain.xlsx'
else:
    sheets, lines = report_sheets(ingest.frame, validation, validation.counts, mask=False,
                                  lang='id', sources=ingest.sources)
    write_report(out / 'report.xlsx', sheets, lines, footer='bench.csv')
    name = 'report.xlsx'
seconds = time.perf_counter() - start
RESULT = {{'seconds': seconds, 'before_mb': before, 'rows': ingest.frame.height,
          'findings': validation.findings.height, 'mb': (out / name).stat().st_size / 2**20}}
"""


def _best(code: str, runs: int) -> dict:
    results = [run_child(code) for _ in range(runs)]
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "peak_mb": max(r["peak_mb"] for r in results)}


def main() -> str:
    load = os.getloadavg()[0]
    rows_out = []
    for size in SIZES:
        name = "validate_200k.csv" if size == 200_000 else "validate_1m.csv"
        path = BENCH / name
        if not path.exists():
            print(f"generating {path}", flush=True)
            make_csv(path, size, seed=SEED + 1 if size == 200_000 else SEED)
        runs = 3 if size == 200_000 else 1
        out = str(BENCH / f"report_{size}")
        plain = _best(_CHILD.format(path=str(path), out=out, plain=True), runs)
        print(json.dumps(plain), flush=True)
        full = _best(_CHILD.format(path=str(path), out=out, plain=False), runs)
        print(json.dumps(full), flush=True)
        rows_out.append((size, plain, full))

    def ok(flag: bool) -> str:
        return "pass" if flag else "FAIL"

    lines = [
        "## report",
        "",
        "report.xlsx of `bansos validate` on the generated SIKS-NG-like CSVs of the validate "
        "benchmark (25 columns): Ringkasan with the code and region tables and chart, Temuan "
        "with a link per finding, Data with the file's headers and letters, STATUS/MASALAH, "
        "a coloured cell and a note per finding, A4 print set-up. Baseline, measured in the "
        "same run: the same records as one plain table sheet through the same streaming "
        "writer. Time of writing the report only (the data is read and validated before); "
        "200k rows best of 3 fresh processes, 1M rows one. Memory: the process's peak "
        "before the report (the frames a run holds anyway) and after it.",
        "",
        "| rows | findings | report.xlsx | plain sheet (baseline) | ratio | file | "
        "peak before -> after report | target | result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, plain, full in rows_out:
        ratio = full["seconds"] / plain["seconds"]
        target = "<= 10 s" if size == 200_000 else "streamed, memory per batch"
        grown = full["peak_mb"] - full["before_mb"]
        passed = full["seconds"] <= 10 if size == 200_000 else grown < 0.5 * full["before_mb"]
        lines.append(
            f"| {size:,} | {full['findings']:,} | {full['seconds']:.1f} s | "
            f"{plain['seconds']:.1f} s | {ratio:.2f}x | {full['mb']:.0f} MB | "
            f"{full['before_mb'] / 1024:.2f} -> {full['peak_mb'] / 1024:.2f} GB | {target} | "
            f"{ok(passed)} |"
        )
    lines += [
        "",
        f"Load average when the run started: {load:.1f} on {os.cpu_count()} cores (the "
        "machine is shared; above the core count every time here is stretched, the baseline's "
        "as much as the report's).",
        "",
        "The sheet XML is built 20,000 rows at a time with polars string expressions and "
        "compressed (zlib level 1, in a writer thread beside the next batch) straight into "
        "the zip; notes and links are generated the same way, so the writer holds one batch "
        "of XML at a time whatever the number of rows. A sheet longer than Excel's 1,048,576 "
        "rows is cut with a note at its top (the full table is in the Parquet/CSV outputs).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
