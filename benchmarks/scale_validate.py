"""Validate at provincial scale on the streaming engine (``make bench-scale-validate``).

A generated 1,000,000-row SIKS-NG list (CSV) is validated in memory (``--engine polars``),
and ``SCALE_ROWS`` rows (default 20,000,000: one such list per kabupaten of Jawa Barat,
seeds 21.., joined into one CSV of about 1.8 GB) on ``--engine streaming``, each in a fresh
``bansos validate --no-report`` process (report.xlsx is not written by the streaming
engine, so neither run writes it). Peak memory is the process's maximum RSS, which counts
the pages of the memory-mapped CSV it has read. The 1M time is the baseline of the ratio,
measured in the same run. The lists are generated once into ``.bench/validate_scale/``
(outside git). The section is stored in ``benchmarks/results/validate_scale.md`` and
docs/benchmarks.md is rebuilt from every stored section.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as runner  # noqa: E402
from memory import run_process  # noqa: E402

CHUNK = 1_000_000
SCALE_ROWS = int(os.environ.get("SCALE_ROWS", "20000000"))
REGIONS = [f"32{k:02d}" for k in range(1, 19)] + [f"32{k}" for k in range(71, 80)]
"""The 27 kabupaten and kota of Jawa Barat: one list each, so that NIKs do not collide."""
FOLDER = runner.ROOT / ".bench" / "validate_scale"
BANSOS = str(Path(sys.executable).with_name("bansos"))
PEAK_GB = 6
RATIO = 25


def _chunk(k: int) -> Path:
    path = FOLDER / f"part_{REGIONS[k]}.csv"
    if not path.exists():
        print(f"  generating {CHUNK:,} rows of kabupaten {REGIONS[k]}", flush=True)
        subprocess.run(
            [BANSOS, "sample", "--out", str(FOLDER), "--name", path.name, "--rows", str(CHUNK),
             "--seed", str(21 + k), "--layout", "siks_ng", "--region", REGIONS[k], "--quiet"],
            check=True,
        )  # fmt: skip
        path.with_suffix(".truth.csv").unlink(missing_ok=True)
    return path


def _joined(rows: int) -> Path:
    """``rows`` rows (whole chunks) as one CSV: the first chunk's header, every data line."""
    parts = [_chunk(k) for k in range(max(1, rows // CHUNK))]
    path = FOLDER / f"list_{rows // CHUNK}m.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as out:
            for i, part in enumerate(parts):
                with part.open("rb") as src:
                    header = src.readline()
                    if i == 0:
                        out.write(header)
                    shutil.copyfileobj(src, out, 16 << 20)
        tmp.rename(path)
    return path


def _anon_peak(argv: list[str]) -> tuple[dict, float]:
    """:func:`run_process`, and the peak of the process's anonymous memory (``RssAnon``,
    sampled every 0.2 s): its RSS without the pages of files it has mapped."""
    done: dict = {}
    peak = [0.0]

    def watch() -> None:
        import threading

        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                for proc in Path("/proc").iterdir():
                    if not proc.name.isdigit():
                        continue
                    try:
                        status = (proc / "status").read_text()
                        cmd = (proc / "cmdline").read_bytes().split(b"\0")
                    except OSError:
                        continue
                    parts = [c.decode(errors="replace") for c in cmd if c]
                    if parts[-(len(argv) - 1) :] != argv[1:]:  # the console script's process
                        continue
                    for line in status.splitlines():
                        if line.startswith("RssAnon:"):
                            peak[0] = max(peak[0], int(line.split()[1]) / 1024)
                stop.wait(0.2)

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        try:
            done.update(run_process(argv))
        finally:
            stop.set()
            thread.join()

    watch()
    return done, peak[0]


def _validate(path: Path, engine: str) -> dict:
    out = FOLDER / f"out_{engine}"
    argv = [BANSOS, "validate", str(path), "--engine", engine, "--no-report", "--quiet",
            "--fail-on", "never", "--out", str(out), "--as-of", "2026-01-15"]  # fmt: skip
    result, anon = _anon_peak(argv)
    result["anon_mb"] = anon
    import json

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    result["rows"] = summary["rows"]
    result["size_mb"] = path.stat().st_size / 1e6
    return result


def main() -> str:
    FOLDER.mkdir(parents=True, exist_ok=True)
    base_path = _chunk(0)
    big_path = _joined(SCALE_ROWS)
    print(f"  validate {CHUNK:,} rows in memory", flush=True)
    base = _validate(base_path, "polars")
    print(f"  validate {SCALE_ROWS:,} rows on the streaming engine", flush=True)
    big = _validate(big_path, "streaming")
    ratio = big["wall_s"] / base["wall_s"]
    n = SCALE_ROWS // CHUNK
    checks = [
        (f"{n}M rows peak <= {PEAK_GB} GB", f"{big['peak_mb']:,.0f} MB",
         big["peak_mb"] <= PEAK_GB * 1024),
        (f"{n}M rows peak without the mapped file <= {PEAK_GB} GB", f"{big['anon_mb']:,.0f} MB",
         big["anon_mb"] <= PEAK_GB * 1024),
        (f"{n}M time <= {RATIO}x the 1M time", f"{ratio:.1f}x", ratio <= RATIO),
    ]  # fmt: skip
    rows = [
        f"| {r['rows']:,} | {engine} | {r['size_mb']:,.0f} | {r['wall_s']:.1f} | "
        f"{r['cpu_s']:.0f} | {r['peak_mb']:,.0f} | {r['anon_mb']:,.0f} |"
        for r, engine in ((base, "polars"), (big, "streaming"))
    ]
    lines = [
        f"## Validate at {n} million rows (`make bench-scale-validate`)",
        "",
        "Generated SIKS-NG lists (CSV, 24 columns), one per kabupaten of Jawa Barat; "
        "`bansos validate --no-report` in a fresh process (start-up included); the streaming "
        "engine at its default batch of rows. Peak memory (maximum RSS) counts the pages of "
        "the memory-mapped CSV the process has read; peak anonymous memory (`RssAnon`, "
        "sampled every 0.2 s) does not.",
        "",
        "| rows | engine | CSV MB | time (s) | CPU (s) | peak MB | peak anonymous MB |",
        "|---|---|---|---|---|---|---|",
        *rows,
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
    load = os.getloadavg()[0]
    note = (
        f"\n_Measured {stamp} on {runner.machine()}, load {load:.0f}; "
        f"{time.perf_counter() - start:.0f} s._\n"
    )
    runner.RESULTS.mkdir(exist_ok=True)
    (runner.RESULTS / "validate_scale.md").write_text(section.rstrip() + "\n" + note, "utf-8")
    runner.assemble()
    print(section)
