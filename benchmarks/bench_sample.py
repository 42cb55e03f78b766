"""Generation speed of ``bansos sample``: 1M rows to parquet (target < 30 s on 2 cores).

Baseline measured in the same run: writing the already generated frame to parquet (the I/O
floor), so the ratio says how much the generation itself costs on this machine.
"""

from __future__ import annotations

from pathlib import Path

from memory import run_child

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
ROWS = 1_000_000
TARGET_S = 30.0

_GENERATE = f"""
import time
from bansos_cli.sample import generate, write_sample
start = time.perf_counter()
result = generate({ROWS}, 1, layout="canonical")
write_sample(result, r"{BENCH / "sample_1m.parquet"}", r"{BENCH / "sample_1m.truth.parquet"}")
RESULT = {{"seconds": time.perf_counter() - start, "rows": result.frame.height}}
"""

_BASELINE = f"""
import time
import polars as pl
frame = pl.read_parquet(r"{BENCH / "sample_1m.parquet"}")
start = time.perf_counter()
frame.write_parquet(r"{BENCH / "baseline_1m.parquet"}")
RESULT = {{"seconds": time.perf_counter() - start}}
"""


def main() -> str:
    BENCH.mkdir(exist_ok=True)
    print(f"generating {ROWS:,} rows ...", flush=True)
    gen = run_child(_GENERATE)
    base = run_child(_BASELINE)
    ratio = gen["seconds"] / max(base["seconds"], 1e-9)
    verdict = "pass" if gen["seconds"] < TARGET_S else "FAIL"
    return "\n".join(
        [
            "## Sample generation (`bansos sample`)",
            "",
            "| measure | value |",
            "|---|---|",
            f"| rows (canonical layout, with truth) | {gen['rows']:,} |",
            f"| generate + write parquet + truth | {gen['seconds']:.1f} s |",
            f"| baseline: write the same frame to parquet | {base['seconds']:.2f} s |",
            f"| ratio generation / baseline | {ratio:.1f}x |",
            f"| peak memory | {gen['peak_mb']:.0f} MB |",
            f"| target | < {TARGET_S:.0f} s |",
            f"| result | {verdict} |",
        ]
    )


if __name__ == "__main__":
    print(main())
