"""What the ``bansos`` console script may do that a library caller's process must not.

The command-line tool owns its process; a program that imports :mod:`bansos_cli.api` owns
its own. Two start-up and shut-down costs are only worth cutting in the first case:

* **pandera without pandas.** ``import pandera`` (which ``import pandera.polars`` runs
  first) imports pandas and builds pandera's pandas API whenever pandas is installed,
  hypothesis for its strategies and numpy whenever those are installed: together about
  0.8 s of Python work on a two-core machine, for APIs the tool never uses. The console
  script loads pandera as a polars-only installation would (pandera supports that), by
  making those imports fail while pandera is imported and its first schema built
  (:func:`pandera_alone`). A library caller keeps pandera's full namespace.
* **Exit.** After a large run, tearing the interpreter down (freeing every module and the
  last frames object by object) takes 0.1 to 0.2 s. The console script flushes its
  streams, runs the exit handlers and leaves with ``os._exit``; every output file is
  already closed and renamed into place by then.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_state = {"owned": False}
_lock = threading.RLock()

LEFT_OUT_OF_PANDERA = ("pandas", "hypothesis", "numpy")
"""Packages pandera loads when they are installed and its polars API does not need: pandas
(for pandera's pandas API), hypothesis (for its data-synthesis strategies) and numpy (for
numpy dtypes). A command that uses numpy itself (``sample``, ``dedup``) imports it later as
usual."""


def own_process() -> None:
    """Declare that the running process is the ``bansos`` console script."""
    _state["owned"] = True


def owns_process() -> bool:
    return _state["owned"]


class _LeaveOut:
    """A meta-path finder under which importing a :data:`LEFT_OUT_OF_PANDERA` package fails
    as if it were not installed (the case pandera handles for polars-only installations)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        top = name.partition(".")[0]
        if top in LEFT_OUT_OF_PANDERA:
            raise ModuleNotFoundError(f"No module named {top!r}", name=top)
        return None


@contextmanager
def pandera_alone() -> Iterator[None]:
    """Import pandera and build a first schema inside this block: in the console script,
    pandera then loads as in a polars-only installation (see the module docstring; pandera
    caches at its first validation that pandas is absent). Elsewhere, or once pandera or one
    of those packages is loaded, the block changes nothing."""
    with _lock:
        if (
            not owns_process()
            or "pandera" in sys.modules
            or any(name in sys.modules for name in LEFT_OUT_OF_PANDERA)
        ):
            yield
            return
        finder = _LeaveOut()
        sys.meta_path.insert(0, finder)
        try:
            yield
        finally:
            sys.meta_path.remove(finder)


def exit_now(code: object) -> None:
    """End the console script with ``code`` (as :func:`sys.exit` reads it) without tearing
    the interpreter down: flush the streams, run the exit handlers, ``os._exit``."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message goes to stderr, status 1
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a broken pipe: nothing left to save
            pass
    os._exit(status & 0xFF)
