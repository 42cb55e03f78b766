"""Peak-memory and timing helpers shared by the benchmarks.

Peak memory is measured by running the work in a fresh child process and reading its
``ru_maxrss``, so the numbers are not polluted by what the benchmark itself loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence


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


def run_process(argv: Sequence[str]) -> dict:
    """Run ``argv`` as a fresh process (output discarded) and time it from spawn to exit.

    Returns ``wall_s`` (interpreter start-up and imports included), ``cpu_s`` (user +
    system time of all its threads), ``peak_mb`` (its max RSS, from ``wait4``; Linux counts
    the forked copy of this process in it, so it means something only above this process's
    own size) and ``returncode``; raises if the process failed.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({proc.returncode}):\n{stderr.decode()[-4000:]}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "returncode": proc.returncode,
    }
