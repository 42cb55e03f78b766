"""Peak-memory and timing helpers shared by the benchmarks.

Peak memory is measured by running the work in a fresh child process and reading its
``ru_maxrss``, so the numbers are not polluted by what the benchmark itself loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time


def run_child(code: str) -> dict:
    """Run Python ``code`` in a child process; it must print one JSON object as last line.

    Returns that object plus ``peak_mb`` (child's max RSS) and ``wall_s``.
    """
    wrapper = (
        "import resource, json, sys\n" + code + "\nprint(json.dumps({**RESULT, 'peak_mb': "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    return result
