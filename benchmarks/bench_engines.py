"""Engines: ``bansos check`` on polars (the default) and on Spark, on one generated list.

Measures, in one run: the start of a local Spark session, ``api.check`` at the defaults on a
generated SIKS-NG list of ``ROWS`` rows with the polars engine (the baseline) and with the
spark engine on that session (``local[2]``: this machine's two cores), and the cost of
compiling every shipped rule condition to Spark SQL text (sqlglot). Parity: the eligibility
tables of the two engines compared row for row. Skipped (with a line saying so) when pyspark
is not installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROWS = 200_000
AS_OF = dt.date(2025, 7, 1)
CACHE = ROOT / ".bench" / "engines"


def _list() -> Path:
    path = CACHE / f"siks_ng_{ROWS}.csv"
    if not path.exists():
        from bansos_cli.sample import generate
        from bansos_cli.sample.writers import write_frame

        CACHE.mkdir(parents=True, exist_ok=True)
        write_frame(generate(ROWS, 18, layout="siks_ng").frame, path)
    return path


def main() -> str:
    title = "## Engines (`bansos check --engine polars|spark`)\n"
    if importlib.util.find_spec("pyspark") is None:
        return title + "\npyspark is not installed (`pip install -e '.[spark]'`): not measured.\n"
    from polars.testing import assert_frame_equal

    from bansos_cli import api
    from bansos_cli.pipeline.check import load_programs
    from bansos_cli.pipeline.spark import spark_session
    from bansos_cli.rules.expr import to_sql

    path = _list()
    started = time.perf_counter()
    session = spark_session("local[2]")
    start_s = time.perf_counter() - started
    try:
        programs = load_programs([ROOT / "rules"], AS_OF)
        rules = [r for p in programs for r in p.rules]
        started = time.perf_counter()
        for rule in rules:
            to_sql(rule.checked, "spark")
        compile_ms = (time.perf_counter() - started) * 1000
        print("polars ...", flush=True)
        started = time.perf_counter()
        default = api.check(path, as_of=AS_OF, engine="polars")
        polars_s = time.perf_counter() - started
        print("spark ...", flush=True)
        api.check(path, as_of=AS_OF, engine="spark", spark=session)  # JIT and caches warm
        started = time.perf_counter()
        on_spark = api.check(path, as_of=AS_OF, engine="spark", spark=session)
        spark_s = time.perf_counter() - started
    finally:
        session.stop()
    frame = default.frames["eligibility"]
    try:
        assert_frame_equal(frame, on_spark.frames["eligibility"])
        parity = f"identical ({frame.height:,} eligibility rows: {len(programs)} programs)"
    except AssertionError as exc:
        parity = f"DIFFERENT: {str(exc).splitlines()[0]}"
    load = os.getloadavg()[0]
    return (
        title
        + f"\n`api.check` at the defaults (every shipped program, explanations included) on a "
        f"generated SIKS-NG list of {ROWS:,} rows (CSV), read, checked, nothing written. "
        "Spark runs `local[2]` on this machine's two cores; its run is the second on a warm "
        "session.\n\n"
        "| measurement | seconds | ratio to polars |\n|---|---:|---:|\n"
        f"| polars (default engine) | {polars_s:.1f} | 1.0x |\n"
        f"| spark, local[2] | {spark_s:.1f} | {spark_s / polars_s:.1f}x |\n"
        f"| starting the Spark session | {start_s:.1f} | |\n\n"
        f"Compiling the {len(rules)} shipped conditions to Spark SQL (sqlglot): "
        f"{compile_ms:.0f} ms in all. Parity polars / Spark: {parity}.\n\n"
        f"Load average when measured: {load:.1f} on {os.cpu_count()} cores. On one machine "
        "Spark only adds cost (the JVM, moving the columns through Arrow, a job per program); "
        "it pays on a cluster, where the rows never come to one machine (docs/scale.md).\n"
    )


if __name__ == "__main__":
    sys.stdout.write(main())
