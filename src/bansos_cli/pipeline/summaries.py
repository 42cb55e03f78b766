"""The typed summaries: what ``summary.json`` and ``--json`` hold, per command.

Every summary starts with the same envelope (:class:`Envelope`): the command, the bansos
version, the inputs as read, the files written and the run time. The rest is the
command's own. These are :class:`~typing.TypedDict` declarations of JSON documents: the
keys here are the keys in the file (English ``snake_case``, like every machine-read name;
see :mod:`bansos_cli.core.vocabulary`), and a test compares real summaries against them.

``duration_s`` (the whole run) and ``timings_s`` (the steps of dedup) are the only values
that differ between two runs on the same input.
"""

# no `from __future__ import annotations`: TypedDict reads NotRequired[] from real annotations
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from bansos_cli import __version__


class InputSummary(TypedDict):
    """One input file (one sheet of a workbook) as read."""

    path: str
    format: str
    sheet: str | None
    header_row: int | None
    rows: int
    empty_rows: int
    notices: list[str]


class Envelope(TypedDict):
    """What every summary starts with."""

    command: str
    version: str
    inputs: list[InputSummary]
    outputs: dict[str, list[str]]
    """Output kind (``records``, ``report``, ``summary``...) -> the files written (none when
    nothing was written: ``out_dir=None`` in the Python API)."""
    duration_s: float


class EngineSummary(TypedDict):
    """The engine a command ran on (:mod:`bansos_cli.pipeline.engines`)."""

    name: str
    requested: str
    """What was asked for: ``auto`` or an engine name."""
    reason: str
    """The notice code that says why (``ENGINE_AUTO_IN_MEMORY`` ...)."""


class CodeCount(TypedDict):
    severity: str
    count: int
    rows: int


class ValidationCounts(TypedDict):
    """The counts of a validation (also the ``validate`` section of ``bansos run``)."""

    as_of: str
    rows: int
    by_status: dict[str, int]
    """``ok``/``warning``/``error`` -> rows."""
    by_severity: dict[str, int]
    """``error``/``warning``/``info`` -> findings."""
    by_code: dict[str, CodeCount]
    by_area: list[dict[str, Any]]
    """Per kecamatan/desa: ``rows``, ``error``, ``warning``, ``error_rate``."""
    area_columns: list[str]


class ValidateSummary(Envelope, ValidationCounts):
    engine: EngineSummary
    lang: str
    masked: bool
    empty_rows: int
    versions: dict[str, str]


class DedupSummary(Envelope):
    rows: int
    mode: str
    """``dedup`` (within and across inputs) or ``link`` (across inputs only)."""
    sources: int
    cross_source_pairs: int
    """Reported pairs whose rows come from two different input files."""
    candidate_pairs: int
    pairs: int
    classes: dict[str, int]
    decisions: dict[str, int]
    groups: dict[str, int]
    blocking: list[dict[str, Any]]
    model: dict[str, Any]
    notices: list[str]
    timings_s: dict[str, float]


class CheckSummary(Envelope):
    engine: EngineSummary
    as_of: str
    rows: int
    programs: list[dict[str, Any]]
    """Per program: counts per status, ``families``, ``families_eligible``,
    ``families_paid``, ``amount_month``/``amount_year`` (rupiah), per rule, per region,
    ``unknown_occupations``, ``references``, the parameters used."""
    not_in_force: list[dict[str, Any]]
    """Programs whose validity period does not include ``as_of`` (not evaluated)."""
    explain: NotRequired[list[dict[str, Any]]]
    """With ``--explain NIK``: per program, that person's decision and its explanation."""


class ReconcileSummary(Envelope):
    engine: EngineSummary
    options: dict[str, Any]
    mode: str
    """``sk`` (decree vs disbursement) or ``periode`` (last period vs this one)."""
    compared: list[str]
    left: dict[str, Any]
    right: dict[str, Any]
    categories: dict[str, dict[str, Any]]
    """Category -> ``rows``, ``rows_left``, ``rows_right``, ``rp_left``, ``rp_right``,
    ``difference_rp``."""
    fuzzy_pairs: int
    fuzzy_skipped_blocks: int
    candidate_hints: dict[str, int]
    """``kandidat``/``kandidat_setara`` -> unpaired rows pointing at a candidate."""
    field_differences: dict[str, int]
    column_stats: list[dict[str, Any]]
    """The rows of ``column_stats`` (core.vocabulary.COLUMN_STATS)."""
    names: dict[str, int]
    total: dict[str, int]
    explanation: list[dict[str, Any]]
    by_region: list[dict[str, Any]]
    """The rows of ``regions``: each side by its own region columns."""
    region_cross: list[dict[str, Any]]
    """The rows of ``region_cross``: pairs whose regions differ."""
    by_program: list[dict[str, Any]]
    fail_on: list[str]
    failing_rows: int
    families: NotRequired[dict[str, int]]
    """Period mode with NO KK on both sides: family units per category."""


class PseudonymiseSummary(Envelope):
    rows: int
    columns: dict[str, int]
    method: str


class InspectSummary(Envelope):
    sources: list[dict[str, Any]]


class RunSummary(Envelope):
    engine: EngineSummary
    as_of: str
    lang: str
    masked: bool
    rows: int
    empty_rows: int
    failed_inputs: list[dict[str, str]]
    per_file: list[dict[str, Any]]
    validate: NotRequired[ValidationCounts]
    dedup: NotRequired[dict[str, Any]]
    check: NotRequired[dict[str, Any]]
    reconcile: NotRequired[dict[str, Any]]


SUMMARIES: dict[str, type] = {
    "validate": ValidateSummary,
    "dedup": DedupSummary,
    "check": CheckSummary,
    "reconcile": ReconcileSummary,
    "pseudonymise": PseudonymiseSummary,
    "inspect": InspectSummary,
    "run": RunSummary,
}
"""Command -> the TypedDict of its summary."""


def envelope(
    command: str,
    inputs: Sequence[Any],
    outputs: Mapping[str, Sequence[Path]] | None = None,
    *,
    started: float,
) -> Envelope:
    """The envelope of a summary: ``inputs`` are SourceInfo objects (their ``summary()``)."""
    return {
        "command": command,
        "version": __version__,
        "inputs": [i.summary() for i in inputs],
        "outputs": {k: [str(p) for p in v] for k, v in (outputs or {}).items()},
        "duration_s": round(time.perf_counter() - started, 3),
    }


def finish(summary: Any, outputs: Mapping[str, Sequence[Path]], *, started: float) -> None:
    """Record the written files and the run time in ``summary`` (just before it is written)."""
    summary["outputs"] = {k: [str(p) for p in v] for k, v in outputs.items()}
    summary["duration_s"] = round(time.perf_counter() - started, 3)


__all__ = [
    "SUMMARIES",
    "CheckSummary",
    "DedupSummary",
    "EngineSummary",
    "Envelope",
    "InputSummary",
    "InspectSummary",
    "PseudonymiseSummary",
    "ReconcileSummary",
    "RunSummary",
    "ValidateSummary",
    "ValidationCounts",
    "envelope",
    "finish",
]
