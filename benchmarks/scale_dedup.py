"""Dedup at 10 million rows (``make bench-scale``; not part of ``make bench``).

A province-sized list: ten generated kabupaten lists of 1,000,000 rows (seeds 7..16, one
per kabupaten 3201..3210 of Jawa Barat, so that NIKs never collide across them and each
kabupaten has its own people: one seed for all would list the same people ten times) read as one
frame, deduplicated at the defaults in a fresh process. Time excludes reading the parquet
files; peak memory is the child's maximum RSS. Accuracy against the generator's truth, as in
``bench_dedup.py``. The section is stored in ``benchmarks/results/dedup_scale.md`` and
docs/benchmarks.md is rebuilt from every stored section.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_dedup  # noqa: E402
import run as runner  # noqa: E402
from memory import run_child  # noqa: E402

CHUNK = 1_000_000
REGIONS = tuple(f"32{k:02d}" for k in range(1, 11))
COLUMNS = (
    "nik", "no_kk", "nama", "nama_ibu_kandung", "tempat_lahir", "tanggal_lahir",
    "jenis_kelamin", "hubungan_keluarga", "pekerjaan", "provinsi", "kabupaten", "kecamatan",
    "desa", "alamat", "rt", "rw",
)  # fmt: skip


def _prepare() -> list[Path]:
    folder = bench_dedup.BENCH / "dedup_scale"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, region in enumerate(REGIONS):
        path = folder / f"{region}_{bench_dedup.SEED + k}.parquet"
        if not path.exists():
            from bansos_cli.sample import generate

            print(f"  generating {CHUNK:,} rows of kabupaten {region}", flush=True)
            seed = bench_dedup.SEED + k
            sample = generate(CHUNK, seed, layout="canonical", region=region)
            sample.frame.select(COLUMNS).write_parquet(path)
            sample.truth.select("person_id").write_parquet(path.with_suffix(".truth.parquet"))
        paths.append(path)
    return paths


def _run(paths: list[Path]) -> dict:
    code = (
        bench_dedup._EVAL
        + f"""
import time
from bansos_cli.dedup import dedup_frame
paths = {[str(p) for p in paths]!r}
frame = pl.concat([pl.read_parquet(p) for p in paths])
truth = pl.concat([
    pl.read_parquet(p.replace(".parquet", ".truth.parquet")).with_columns(
        pl.col("person_id").cast(pl.String) + "|" + str(k))
    for k, p in enumerate(paths)
]).with_columns(pl.lit([], pl.List(pl.String)).alias("problems"))
cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start = time.perf_counter()
result = dedup_frame(frame)
elapsed = time.perf_counter() - start
cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu0
labels = result.clusters["cluster_id"].to_list()
RESULT = {{"time_s": elapsed, "cpu_s": cpu, **evaluate(truth, labels, ()), "rows": result.rows,
          "candidates": result.candidate_pairs, "timings": result.timings}}
"""
    )
    return run_child(code)


def main() -> str:
    paths = _prepare()
    print(f"  bansos dedup on {CHUNK * len(paths):,} rows", flush=True)
    r = _run(paths)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in r["timings"].items())
    checks = [
        ("10M rows <= 5 min", f"{r['time_s']:.0f} s", r["time_s"] <= 300),
        ("10M rows precision >= 0.99", f"{r['precision']:.4f}", r["precision"] >= 0.99),
        ("10M rows peak <= 16 GB", f"{r['peak_mb']:,.0f} MB", r["peak_mb"] <= 16 * 1024),
    ]
    lines = [
        "## Dedup at 10 million rows (`make bench-scale`)",
        "",
        "Ten generated kabupaten lists of 1,000,000 rows (seeds 7..16, kabupaten 3201..3210) as "
        "one frame, defaults, fresh process; time excludes reading the files; CPU is the user + "
        "system time of the same part (every thread).",
        "",
        "| rows | precision | recall | F1 | candidate pairs | time (s) | CPU (s) | peak MB |",
        "|---|---|---|---|---|---|---|---|",
        f"| {r['rows']:,} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
        f"{r['candidates']:,} | {r['time_s']:.0f} | {r['cpu_s']:.0f} | {r['peak_mb']:,.0f} |",
        "",
        f"Per step: {timings}.",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        *[f"| {name} | {value} | {'pass' if ok else 'FAIL'} |" for name, value, ok in checks],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    start = time.perf_counter()
    section = main()
    stamp = time.strftime("%Y-%m-%d")
    note = f"\n_Measured {stamp} on {runner.machine()}; {time.perf_counter() - start:.0f} s._\n"
    runner.RESULTS.mkdir(exist_ok=True)
    (runner.RESULTS / "dedup_scale.md").write_text(section.rstrip() + "\n" + note, "utf-8")
    runner.assemble()
    print(section)
