"""``bansos validate`` end to end against polars alone on the same file, and start-up.

Targets: a 1M-row CSV validated end to end as a process (``bansos validate big.csv --out X
--no-report``: start-up, read, all checks, Parquet outputs) within 1.5x a process in which
polars alone reads the same CSV as text and writes it to Parquet twice (records + valid),
measured in the same run; ``bansos --version`` no slower than ``python -c "import polars"``.
From the issue "bansos validate": within 3x the raw read (in-process), peak memory under
4 GB, report.xlsx for 200k rows under 30 s.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from bansos_cli.core import wilayah

try:  # run as a script (benchmarks/run.py loads it by path) or as a module
    from memory import run_child, run_process  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    from benchmarks.memory import run_child, run_process

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
ROWS = 1_000_000
REPORT_ROWS = 200_000
SEED = 11
PROCESS_RUNS = 7
"""Fresh processes per timed command (validate and its baseline alternate); best counts."""
STARTUP_RUNS = 15
"""Fresh processes per start-up command (``bansos --version`` and ``import polars``)."""
AS_OF = "2025-07-01"


def make_csv(path: Path, rows: int, seed: int = SEED) -> Path:
    """A SIKS-NG-like export of Kabupaten Bogor with ~2% of Excel-style damage (vectorised)."""
    rng = np.random.default_rng(seed)
    kec = wilayah.districts().filter(pl.col("kode_kabkota") == "3201")
    pick = rng.integers(0, kec.height, rows)
    kode = kec["kode"].to_numpy()[pick]
    nama_kec = kec["nama"].to_numpy()[pick]
    day = rng.integers(1, 29, rows)
    female = rng.random(rows) < 0.5
    month = rng.integers(1, 13, rows)
    year = rng.integers(1940, 2020, rows)
    serial = rng.integers(1, 9999, rows)
    names = np.array(
        [
            "SITI AMINAH",
            "BUDI SANTOSO",
            "NUR AINI",
            "MUHAMMAD RIZKI",
            "SRI WAHYUNI",
            "AHMAD FAUZI",
            "DEWI LESTARI",
            "ALM. SUPARMAN",
            "IBU",
        ]
    )
    frame = pl.DataFrame(
        {
            "kode": kode,
            "kec": nama_kec,
            "day": day,
            "female": female,
            "month": month,
            "year": year,
            "serial": serial,
            "damage": rng.random(rows),
            "nama_i": rng.integers(0, len(names) - 2, rows),
            "kk_serial": rng.integers(1, 9999, rows),
        }
    )
    z2 = lambda e: e.cast(pl.String).str.zfill(2)  # noqa: E731
    nik_day = pl.when(pl.col("female")).then(pl.col("day") + 40).otherwise(pl.col("day"))
    nik = pl.concat_str(
        [
            pl.col("kode"),
            z2(nik_day),
            z2(pl.col("month")),
            z2(pl.col("year") % 100),
            pl.col("serial").cast(pl.String).str.zfill(4),
        ]
    )
    damaged_nik = (
        pl.when(pl.col("damage") < 0.005)
        .then(pl.lit("3.20101E+15"))
        .when(pl.col("damage") < 0.01)
        .then(nik.str.slice(0, 15))
        .otherwise(nik)
    )
    out = frame.select(
        pl.int_range(1, pl.len() + 1).cast(pl.String).alias("NO"),
        pl.format("DTKS{}", pl.int_range(pl.len())).alias("ID DTKS"),
        pl.lit("JAWA BARAT").alias("PROVINSI"),
        pl.lit("KABUPATEN BOGOR").alias("KABUPATEN/KOTA"),
        pl.col("kec").str.to_uppercase().alias("KECAMATAN"),
        pl.lit("DESA").alias("DESA/KELURAHAN"),
        pl.lit("KP. SUKAMAJU").alias("ALAMAT"),
        pl.lit("DUSUN I").alias("DUSUN"),
        pl.lit("001").alias("RT"),
        pl.lit("002").alias("RW"),
        pl.concat_str(
            [pl.col("kode"), pl.lit("200115"), pl.col("kk_serial").cast(pl.String).str.zfill(4)]
        ).alias("NO KK"),
        damaged_nik.alias("NIK"),
        pl.lit(pl.Series(names))
        .gather(pl.when(pl.col("damage") > 0.995).then(7).otherwise(pl.col("nama_i")))
        .alias("NAMA"),
        pl.concat_str(
            [
                z2(pl.col("day")),
                pl.lit("-"),
                z2(pl.col("month")),
                pl.lit("-"),
                pl.col("year").cast(pl.String),
            ]
        ).alias("TANGGAL LAHIR"),
        pl.lit("BOGOR").alias("TEMPAT LAHIR"),
        pl.when(pl.col("female"))
        .then(pl.lit("PEREMPUAN"))
        .otherwise(pl.lit("LAKI-LAKI"))
        .alias("JENIS KELAMIN"),
        pl.lit("PETANI").alias("PEKERJAAN"),
        pl.lit("SITI").alias("NAMA IBU KANDUNG"),
        pl.lit("KEPALA KELUARGA").alias("HUB KELUARGA"),
        pl.lit("PADAN").alias("KETERANGAN PADAN"),
        pl.lit("YA").alias("BANSOS BPNT"),
        pl.lit("TIDAK").alias("BANSOS PKH"),
        pl.lit("TIDAK").alias("BANSOS BPNT PPKM"),
        pl.lit("YA").alias("PBI JKN"),
        (pl.col("nama_i") % 10 + 1).cast(pl.String).alias("DESIL"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path)
    return path


_CHILD = """
import datetime as dt, time
from pathlib import Path
from bansos_cli.pipeline.validate import run_validate
marks = {{}}
start = time.perf_counter()
run = run_validate([{path!r}], out_dir=Path({out!r}), as_of=dt.date(2025, 7, 1),
                   report={report}, progress=lambda s: marks.setdefault(s, time.perf_counter()))
end = time.perf_counter()
steps = [*marks.items(), ('end', end)]
RESULT = {{'seconds': end - start, 'rows': run.summary['rows'],
          'report_s': (end - marks['report']) if 'report' in marks else None,
          'errors': run.summary['by_status']['error'],
          'steps': {{a[0]: round(b[1] - a[1], 2) for a, b in zip(steps, steps[1:])}}}}
"""


_FLOOR = """
import time
from pathlib import Path
import polars as pl
from bansos_cli.ingest import ReadOptions, read_inputs
from bansos_cli.output import TableWriter
start = time.perf_counter()
frame = read_inputs([{path!r}], ReadOptions()).frame
read = time.perf_counter()
# the rows as read, in one chunk, written as records and as valid exactly as validate writes
# them (valid through a filter in the writer thread); no typing, no check
frame = frame.drop([c for c in frame.columns if c.startswith('_num_')]).rechunk()
with TableWriter(['parquet']) as tables:
    tables.submit('records', frame, Path({out!r}) / 'records')
    valid = lambda: frame.filter(pl.col('nik').is_not_null())
    tables.submit('valid', valid, Path({out!r}) / 'valid')
end = time.perf_counter()
RESULT = {{'seconds': end - start, 'read': read - start, 'write': end - read}}
"""


_PLAIN_IO = """
import time
from concurrent.futures import ThreadPoolExecutor
import polars as pl
start = time.perf_counter()
frame = pl.read_csv({path!r}, infer_schema=False).rechunk()
def write(name, table):
    table.write_parquet({out!r} + '/' + name, compression='zstd', compression_level=1)
with ThreadPoolExecutor(2) as pool:
    jobs = [pool.submit(write, 'a.parquet', frame),
            pool.submit(lambda: write('b.parquet', frame.filter(pl.col('NIK').is_not_null())))]
    [job.result() for job in jobs]
RESULT = {{'seconds': time.perf_counter() - start}}
"""


def _best(code: str, runs: int = 3) -> dict:
    """The fastest of ``runs`` fresh child processes (the baseline is a best-of too)."""
    results = [run_child(code) for _ in range(runs)]
    best = min(results, key=lambda r: r["seconds"])
    return {**best, "peak_mb": max(r["peak_mb"] for r in results)}


def _bansos() -> list[str]:
    """The ``bansos`` console script of this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).with_name("bansos")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bansos_cli"]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def _alternate(commands: dict[str, list[str]], runs: int) -> dict[str, dict]:
    """Each command ``runs`` times as a fresh process, in turn (a burst of load on a shared
    machine then hits every command alike); per command the fastest run, with the least CPU
    time and the highest peak memory of its runs."""
    results: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            results[name].append(run_process(argv))
    return {
        name: {
            **min(runs_, key=lambda r: r["wall_s"]),
            "cpu_s": min(r["cpu_s"] for r in runs_),
            "peak_mb": max(r["peak_mb"] for r in runs_),
        }
        for name, runs_ in results.items()
    }


def _processes(big: Path) -> dict[str, dict]:
    """``bansos validate`` of ``big`` and polars alone on it, as whole processes."""
    out = BENCH / "validate_plain_io"
    out.mkdir(parents=True, exist_ok=True)
    validate = [
        *_bansos(),
        "validate",
        str(big),
        "--out",
        str(BENCH / "validate_cli_out"),
        "--no-report",
        "--as-of",
        AS_OF,
        "--fail-on",
        "never",
        "--quiet",
    ]
    plain = [sys.executable, "-c", _PLAIN_IO.format(path=str(big), out=str(out))]
    return _alternate({"validate": validate, "plain": plain}, PROCESS_RUNS)


def _startup() -> dict[str, dict]:
    """``bansos --version`` and ``python -c "import polars"``, as whole processes."""
    return _alternate(
        {"version": [*_bansos(), "--version"], "polars": [sys.executable, "-c", "import polars"]},
        STARTUP_RUNS,
    )


def _raw_read(path: Path) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        pl.read_csv(path, infer_schema=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> str:
    big = BENCH / "validate_1m.csv"
    if not big.exists():
        print(f"generating {big}", flush=True)
        make_csv(big, ROWS)
    small = BENCH / "validate_200k.csv"
    if not small.exists():
        make_csv(small, REPORT_ROWS, seed=SEED + 1)

    # whole processes first, each alternating with its baseline
    load_before = _load()
    start_up = _startup()
    print(json.dumps(start_up), flush=True)
    procs = _processes(big)
    print(json.dumps(procs), flush=True)
    load_after = _load()
    cli, plain = procs["validate"], procs["plain"]
    ratio = cli["wall_s"] / plain["wall_s"]
    version, polars_import = start_up["version"], start_up["polars"]
    start_ratio = version["wall_s"] / polars_import["wall_s"]

    raw = _raw_read(big)
    run = _best(_CHILD.format(path=str(big), out=str(BENCH / "validate_out"), report=False))
    print(json.dumps(run), flush=True)
    # baseline read before and after the run (best of 4): on a shared machine one burst of
    # load during a single baseline read would otherwise flatter or punish the ratio
    raw = min(raw, _raw_read(big))
    print(f"raw read_csv: {raw:.2f} s", flush=True)
    raw_ratio = run["seconds"] / raw
    # what no check can go below: ingest plus writing records and valid (the rows as read)
    floor = _best(_FLOOR.format(path=str(big), out=str(BENCH / "validate_floor")))
    print(json.dumps(floor), flush=True)
    peak_gb = cli["peak_mb"] / 1024
    rep = run_child(
        _CHILD.format(path=str(small), out=str(BENCH / "validate_out_200k"), report=True)
    )
    print(json.dumps(rep), flush=True)

    def ok(flag: bool) -> str:
        return "pass" if flag else "FAIL"

    return "\n".join(
        [
            "## validate",
            "",
            f"`bansos validate` on a generated {ROWS:,}-row, 25-column SIKS-NG-like CSV "
            f"({run['errors']:,} rows with errors): read, typing, every check, the pandera "
            "schema check, records/valid/findings Parquet and summary.json, without "
            "report.xlsx. The first two rows time whole processes from spawn to exit "
            "(interpreter start-up and imports included), each the best of "
            f"{PROCESS_RUNS} (start-up: {STARTUP_RUNS}) fresh processes run in turn with its "
            "baseline. Baselines, measured in the same run: for validate, a process in which "
            "polars alone reads the file with every column as text (`read_csv(infer_schema="
            "False)`) and writes it to Parquet twice in two threads (zstd level 1, as bansos "
            'writes); for start-up, `python -c "import polars"`. Load average before / after '
            f"those runs: {load_before} / {load_after} (2 cores; other processes share the "
            "machine).",
            "",
            "| measure | value | baseline | ratio | target | result |",
            "|---|---|---|---|---|---|",
            f"| 1M rows end to end, as a process (`bansos validate big.csv --out X "
            f"--no-report`) | {cli['wall_s']:.2f} s | {plain['wall_s']:.2f} s | {ratio:.2f}x "
            f"| <= 1.5x | {ok(ratio <= 1.5)} |",
            f"| start-up (`bansos --version`) | {version['wall_s']:.3f} s | "
            f"{polars_import['wall_s']:.3f} s | {start_ratio:.2f}x | <= 1x | "
            f"{ok(start_ratio <= 1)} |",
            # the earlier target of 3x a raw read is replaced by the process ratio above
            f"| 1M rows end to end, in-process (`run_validate`, as a library caller) | "
            f"{run['seconds']:.2f} s | {raw:.2f} s (raw `read_csv`, best of 4) | "
            f"{raw_ratio:.2f}x | | |",
            f"| floor, in-process: ingest + writing records and valid, no checks | "
            f"{floor['seconds']:.2f} s | {raw:.2f} s | {floor['seconds'] / raw:.2f}x | | |",
            f"| peak memory (1M rows, the `bansos validate` process) | {peak_gb:.2f} GB | "
            f"{plain['peak_mb'] / 1024:.2f} GB | | < 4 GB | {ok(peak_gb < 4)} |",
            f"| report.xlsx, {REPORT_ROWS:,} rows | {rep['report_s']:.1f} s | | | < 30 s | "
            f"{ok(rep['report_s'] < 30)} |",
            f"| {REPORT_ROWS:,} rows end to end with report | {rep['seconds']:.1f} s | | | | |",
            "",
            f"CPU time (user + system, least of the runs): `bansos validate` {cli['cpu_s']:.2f} s,"
            f" polars alone {plain['cpu_s']:.2f} s ({cli['cpu_s'] / plain['cpu_s']:.2f}x); with"
            " two cores and other processes on the machine, the wall-time ratio moves with the"
            " load, the CPU-time ratio much less.",
            "",
            "Where the in-process 1M-row time goes (seconds): "
            + ", ".join(f"{k} {v:.2f}" for k, v in run["steps"].items())
            + " (`read` = ingest, with pandera's import and the schema set-up alongside; "
            "`check` = typing and all checks; `write` = Parquet + JSON, with the pandera "
            "schema check and the summary counts running alongside the records/valid "
            f"writers). The floor row splits into read {floor['read']:.2f} and write "
            f"{floor['write']:.2f}.",
        ]
    )


if __name__ == "__main__":
    print(main())
