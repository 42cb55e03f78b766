"""The whole chain (`bansos run`) on 1M generated rows: parquet in, parquet out, no xlsx.

Target (issue "bansos run"): under 90 s and 8 GB on this 2-core machine. Baseline measured in
the same run: reading the same parquet file and writing it back (the I/O floor), so the ratio
says what validation, deduplication and the eligibility rules cost on top of moving the data.
"""

from __future__ import annotations

from pathlib import Path

from memory import run_child

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
ROWS = 1_000_000
TARGET_S = 90.0
TARGET_MB = 8 * 1024
DATA = BENCH / f"run_{ROWS}.parquet"

_GENERATE = f"""
from bansos_cli.sample import generate, write_sample
result = generate({ROWS}, 11, layout="canonical")
write_sample(result, r"{DATA}")
RESULT = {{"rows": result.frame.height}}
"""

_RUN = f"""
import datetime as dt, time
from bansos_cli import run
from bansos_cli.pipeline.config import RunConfig
start = time.perf_counter()
stages = {{}}
last = [time.perf_counter(), None]
def progress(stage):
    now = time.perf_counter()
    if last[1] is not None:
        stages[last[1]] = round(now - last[0], 1)
    last[0], last[1] = now, stage
result = run([r"{DATA}"], RunConfig(report=False), as_of=dt.date(2025, 7, 1),
             out_dir=r"{BENCH / "run_out"}", progress=progress)
stages[last[1]] = round(time.perf_counter() - last[0], 1)
RESULT = {{"seconds": time.perf_counter() - start, "rows": result.records.height,
          "stages": stages, "exit": result.exit_code()}}
"""

_BASELINE = f"""
import time
import polars as pl
start = time.perf_counter()
frame = pl.read_parquet(r"{DATA}")
frame.write_parquet(r"{BENCH / "run_baseline.parquet"}")
RESULT = {{"seconds": time.perf_counter() - start}}
"""


def main() -> str:
    BENCH.mkdir(exist_ok=True)
    if not DATA.exists():
        print(f"generating {ROWS:,} rows ...", flush=True)
        run_child(_GENERATE)
    base = run_child(_BASELINE)
    print(f"baseline {base['seconds']:.2f} s; running the chain ...", flush=True)
    chain = run_child(_RUN)
    print(f"chain {chain['seconds']:.1f} s, peak {chain['peak_mb']:.0f} MB", flush=True)
    ok = chain["seconds"] < TARGET_S and chain["peak_mb"] < TARGET_MB
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in chain["stages"].items())
    return "\n".join(
        [
            "## Whole chain (`bansos run`)",
            "",
            "1M generated rows (canonical layout, with injected errors and duplicates), parquet "
            "in, parquet out, `report: false`; validate, dedup and the four shipped programs.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| rows | {chain['rows']:,} |",
            f"| whole chain | {chain['seconds']:.1f} s |",
            f"| per stage | {stages} |",
            f"| peak memory | {chain['peak_mb']:.0f} MB |",
            f"| baseline: read + write the same parquet | {base['seconds']:.2f} s |",
            f"| ratio chain / baseline | {chain['seconds'] / base['seconds']:.1f}x |",
            f"| target | < {TARGET_S:.0f} s and < {TARGET_MB // 1024} GB |",
            f"| result | {'pass' if ok else 'FAIL'} |",
        ]
    )


if __name__ == "__main__":
    print(main())
