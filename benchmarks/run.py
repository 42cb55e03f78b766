"""Run the benchmarks and assemble docs/benchmarks.md.

Each ``benchmarks/bench_<name>.py`` has a ``main() -> str`` that runs its measurements (with
its own baseline measured in the same run), prints progress, and returns a Markdown section.
The section is stored in ``benchmarks/results/<name>.md``; this script then rebuilds
``docs/benchmarks.md`` from all stored sections, so one benchmark can be re-run alone.

Usage: python benchmarks/run.py [name ...]
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
DOC = ROOT / "docs" / "benchmarks.md"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def machine() -> str:
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def assemble() -> None:
    parts = [
        "# Benchmarks\n",
        "Produced by `make bench` (`python benchmarks/run.py`); every ratio is against a "
        "baseline measured in the same run on the same machine. Targets come from the issues "
        "that introduced each feature. Peak memory is the process's maximum resident set size.\n",
    ]
    for section in sorted(RESULTS.glob("*.md")):
        parts.append(section.read_text(encoding="utf-8").rstrip() + "\n")
    DOC.write_text("\n".join(parts), encoding="utf-8")


def main(argv: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    benches = sorted(HERE.glob("bench_*.py"))
    if argv:
        benches = [b for b in benches if b.stem.removeprefix("bench_") in argv]
    for bench in benches:
        name = bench.stem.removeprefix("bench_")
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        section = _load(bench).main()
        stamp = time.strftime("%Y-%m-%d")
        header = f"\n_Measured {stamp} on {machine()}; {time.perf_counter() - start:.0f} s._\n"
        text = section.rstrip() + "\n" + header
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    assemble()
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
