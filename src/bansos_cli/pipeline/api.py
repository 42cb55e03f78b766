"""The Python API: one function per command, returning what the command renders.

``from bansos_cli import validate, dedup, check, reconcile, run, pseudonymise`` gives these
functions.
Each reads its inputs like the command line does and, given an output folder, writes the
same files; the returned object holds the summary dict (the ``--json`` output), the result
frames and the written paths.
"""

from __future__ import annotations

from bansos_cli.pipeline.check import run_check as check
from bansos_cli.pipeline.dedup import run_dedup as dedup
from bansos_cli.pipeline.pseudonymise import run_pseudonymise as pseudonymise
from bansos_cli.pipeline.reconcile import reconcile
from bansos_cli.pipeline.run import run
from bansos_cli.pipeline.validate import run_validate as validate

__all__ = ["check", "dedup", "pseudonymise", "reconcile", "run", "validate"]
