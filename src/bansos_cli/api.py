"""The Python API of bansos: one function per command, returning what the command renders.

::

    import datetime as dt
    from bansos_cli import api

    result = api.validate(["export.xlsx"], as_of=dt.date(2025, 7, 1))
    result.summary["by_status"]                  # {'ok': ..., 'warning': ..., 'error': ...}
    result.frames["findings"]                    # the findings table (a polars DataFrame)
    result.exit_code                             # what `bansos validate` would exit with

``csv_formulas`` (``"neutralise"`` or ``"keep"``, as ``--csv-formulas``) says how CSV outputs
write text that a spreadsheet would run as a formula (see docs/security.md).

Every function reads its inputs as the command line does (the same keywords as the
options: ``sheet``, ``header_row``, ``mapping``, ``encoding``, ``delimiter``), takes the
reference date as ``as_of`` (default: today), runs on the ``engine`` of ``--engine``
(``validate``, ``check``, ``reconcile``: ``auto`` by default, see
:mod:`bansos_cli.pipeline.engines`), and returns a :class:`Result`:

- ``summary``: the command's typed summary, the content of ``summary.json`` and ``--json``
  (see :mod:`bansos_cli.pipeline.summaries`);
- ``frames``: the tables the command writes, with the columns of the files
  (:mod:`bansos_cli.core.vocabulary`);
- ``outputs``: the files written, by kind. With ``out_dir=None`` (the default) nothing is
  written at all; give a folder to write the same files as the command.

Problems a user can fix (a missing file, a broken rules file, a bad option) raise
:class:`bansos_cli.core.errors.BansosError`; its ``render(lang)`` is the one-line message
the command prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bansos_cli.core.errors import ExitCode, OptionError

if TYPE_CHECKING:  # the data libraries load when a function runs, not on import
    import polars as pl

    from bansos_cli.dedup import DedupConfig
    from bansos_cli.ingest import ReadOptions, SourceInfo
    from bansos_cli.pipeline.config import RunConfig
    from bansos_cli.pipeline.summaries import (
        CheckSummary,
        DedupSummary,
        InspectSummary,
        PseudonymiseSummary,
        ReconcileSummary,
        RunSummary,
        ValidateSummary,
    )
    from bansos_cli.reconcile import ReconcileOptions

S = TypeVar("S", bound=Mapping[str, Any])

PathLike = str | Path
Inputs = PathLike | Sequence[PathLike]
"""One input (file, folder, glob pattern, ``-`` for standard input) or several."""

VALIDATE_FAIL_ON = ("error", "warning", "never")
"""``fail_on`` of :func:`validate` and :func:`run`: the least severe finding that fails."""


@dataclass(frozen=True)
class Result(Generic[S]):
    """What a command computed: its summary, its tables and the files it wrote."""

    command: str
    summary: S
    frames: Mapping[str, pl.DataFrame]
    outputs: Mapping[str, list[Path]] = field(default_factory=dict)
    exit_code: int = int(ExitCode.OK)
    """0 when the data passed, 1 when it failed (as the command would exit)."""
    sources: Sequence[SourceInfo] = ()
    """How each input was read (sheet, header row, column mapping, notices)."""
    detail: Any = None
    """The stage results behind the summary, for callers that need more than the tables."""


def _paths(inputs: Inputs) -> list[PathLike]:
    if isinstance(inputs, str | Path):
        return [inputs]
    return list(inputs)


def _read(
    sheet: str | int | None,
    header_row: int | None,
    mapping: PathLike | None,
    encoding: str | None,
    delimiter: str | None,
) -> ReadOptions:
    from bansos_cli.ingest import ReadOptions

    return ReadOptions(
        sheet=None if sheet is None else str(sheet),
        header_row=header_row,
        mapping=Path(mapping) if mapping is not None else None,
        encoding=encoding,
        delimiter=delimiter,
    )


def _date(as_of: dt.date | None) -> dt.date:
    return as_of if as_of is not None else dt.date.today()


def _fail_on(value: str) -> str:
    if value not in VALIDATE_FAIL_ON:
        raise OptionError.of("FAIL_ON_UNKNOWN", allowed=", ".join(VALIDATE_FAIL_ON), value=value)
    return value


def validate(
    inputs: Inputs,
    *,
    as_of: dt.date | None = None,
    out_dir: PathLike | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: PathLike | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
    mask: bool = False,
    lang: str = "id",
    report: bool = True,
    fail_on: str = "error",
    engine: str = "auto",
    batch_rows: int | None = None,
) -> Result[ValidateSummary]:
    """Check every NIK, KK, date and code (``bansos validate``).

    Frames: ``records`` (every row, typed, with its ``status``), ``valid`` (the rows
    without an error) and ``findings`` (one row per problem, with its Excel row). On
    ``engine="streaming"`` (``out_dir`` required; ``batch_rows`` rows at a time) the tables
    are the written files: the frames hold no records and the first finding of each code.
    """
    from bansos_cli.pipeline.validate import run_validate

    run = run_validate(
        _paths(inputs),
        out_dir=Path(out_dir) if out_dir is not None else None,
        read_options=_read(sheet, header_row, mapping, encoding, delimiter),
        formats=formats,
        csv_formulas=csv_formulas,
        mask=mask,
        lang=lang,
        as_of=_date(as_of),
        report=report,
        engine=engine,
        batch_rows=batch_rows,
    )
    return Result(
        "validate",
        run.summary,
        run.frames,
        run.outputs,
        run.exit_code(_fail_on(fail_on)),
        run.sources,
        run,
    )


def dedup(
    inputs: Inputs,
    *,
    config: DedupConfig | PathLike | None = None,
    out_dir: PathLike | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: PathLike | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
    mask: bool = False,
    lang: str = "id",
    fail_on: str = "any",
) -> Result[DedupSummary]:
    """Find duplicate people and families across and within the inputs (``bansos dedup``).

    Frames: ``pairs`` (one row per pair, with its class and the evidence) and ``clusters``
    (one row per record: its duplicate group). Exit code 1 when a pair of a ``fail_on``
    class was reported: ``any`` (default), ``never`` or a comma list of classes.
    """
    from bansos_cli.pipeline.dedup import failing_classes, run_dedup

    failing_classes(fail_on)  # a bad fail_on fails before anything is read
    run = run_dedup(
        _paths(inputs),
        config=config,
        out_dir=out_dir,
        read_options=_read(sheet, header_row, mapping, encoding, delimiter),
        lang=lang,
        mask=mask,
        formats=formats,
        csv_formulas=csv_formulas,
    )
    code = run.exit_code(fail_on)
    return Result("dedup", run.summary, run.frames, run.outputs, code, run.sources, run)


def check(
    inputs: Inputs,
    *,
    rules: Inputs | None = None,
    as_of: dt.date | None = None,
    out_dir: PathLike | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: PathLike | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
    mask: bool = False,
    lang: str = "id",
    fail_on: str = "tidak_layak",
    param: Mapping[str, Any] | Sequence[str] | None = None,
    explain: str | None = None,
    engine: str = "auto",
    spark_master: str | None = None,
    spark: Any = None,
) -> Result[CheckSummary]:
    """Eligibility of every person for each program (``bansos check``).

    ``rules``: rule files or folders (default: the program rules shipped with bansos).
    ``param``: parameter overrides, ``{"desil_maks": 5, "pkh.usia_lansia": 70}`` (or
    ``["desil_maks=5"]`` as on the command line). ``explain``: a NIK; the summary's
    ``explain`` then holds that person's decision per program and the values behind it.
    Frames: ``eligibility`` (one row per person and program). Exit code 1 when a row has
    the ``fail_on`` status: ``tidak_layak`` (default), ``perlu_verifikasi`` (that or
    TIDAK_LAYAK) or ``never``. ``engine="spark"`` decides the rule conditions in Spark: on
    a session made on ``spark_master`` (default ``local[*]``; it stays open for the next
    calls of the process) or on the ``SparkSession`` given as ``spark`` (used as it is,
    never stopped). See docs/scale.md.
    """
    from bansos_cli.pipeline.check import run_check

    result = run_check(
        _paths(inputs),
        None if rules is None else _paths(rules),
        as_of=_date(as_of),
        out_dir=out_dir,
        read_options=_read(sheet, header_row, mapping, encoding, delimiter),
        lang=lang,
        mask=mask,
        formats=formats,
        csv_formulas=csv_formulas,
        param=param,
        explain=explain,
        engine=engine,
        spark_master=spark_master,
        spark=spark,
    )
    assert result.summary is not None
    code = result.exit_code(fail_on)
    return Result(
        "check", result.summary, result.frames, result.outputs, code, result.sources, result
    )


def reconcile(
    left: Inputs,
    right: Inputs,
    *,
    options: ReconcileOptions | None = None,
    period: bool = False,
    out_dir: PathLike | None = None,
    left_sheet: str | int | None = None,
    right_sheet: str | int | None = None,
    left_mapping: PathLike | None = None,
    right_mapping: PathLike | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
    mask: bool = False,
    report: bool = True,
    fail_on: Sequence[str] | None = None,
    lang: str = "id",
    engine: str = "auto",
) -> Result[ReconcileSummary]:
    """Decree list (left) vs. disbursement report (right): every person and rupiah
    accounted for (``bansos reconcile``). ``period=True`` (``bansos reconcile --period``, the
    same as ``options=ReconcileOptions(period=True)``): last period's list (left) vs this
    period's (right), with the categories ``tetap``, ``berubah``, ``keluar``, ``masuk``.

    Frames: ``reconciliation`` (one row per person on either side, with its category),
    ``regions``, ``region_cross``, ``column_stats`` and, in the period mode, ``families``.
    Exit code 1 when a row is in a ``fail_on`` category (default: all but ``cocok``/``tetap``).
    """
    from bansos_cli.pipeline import reconcile as pipeline

    run = pipeline.reconcile(
        _paths(left),
        _paths(right),
        options=options,
        period=period,
        left_read=_read(left_sheet, None, left_mapping, None, None),
        right_read=_read(right_sheet, None, right_mapping, None, None),
        out_dir=Path(out_dir) if out_dir is not None else None,
        formats=formats,
        csv_formulas=csv_formulas,
        report=report,
        mask=mask,
        fail_on=None if fail_on is None else tuple(fail_on),
        lang=lang,
        engine=engine,
    )
    sources = [*run.left.sources, *run.right.sources]
    return Result("reconcile", run.summary, run.frames, run.outputs, run.exit_code(), sources, run)


def run(
    inputs: Inputs | None = None,
    config: RunConfig | PathLike | None = None,
    *,
    as_of: dt.date | None = None,
    out_dir: PathLike | None = None,
) -> Result[RunSummary]:
    """The whole chain of ``bansos run``: validate, dedup, eligibility (and reconcile) on the
    same rows. ``config`` is a :class:`RunConfig` or the path of a ``bansos.yaml`` (paths
    in it are relative to its folder); ``inputs`` replace its ``inputs:``.

    Frames: ``records`` (every row with its status, duplicate group and
    ``eligibility_<program>``) and the tables of the stages that ran.
    """
    from bansos_cli.pipeline.config import RunConfig, load_run_config
    from bansos_cli.pipeline.run import run as run_pipeline

    if not isinstance(config, RunConfig):
        config = load_run_config(config) if config is not None else RunConfig()
    result = run_pipeline(
        None if inputs is None else _paths(inputs),
        config,
        as_of=as_of,
        out_dir=out_dir,
    )
    return Result(
        "run",
        result.summary,
        result.frames,
        result.outputs,
        result.exit_code(),
        result.sources,
        result,
    )


def inspect(
    inputs: Inputs,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: PathLike | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    preview_rows: int = 5,
) -> Result[InspectSummary]:
    """How each input is read: sheet, header row, column mapping, notices (``bansos inspect``).

    Frames: ``records``, the rows as read (text, before any check).
    """
    import time

    from bansos_cli.pipeline.inspect import inspect_inputs
    from bansos_cli.pipeline.summaries import envelope

    started = time.perf_counter()
    report = inspect_inputs(
        _paths(inputs),
        _read(sheet, header_row, mapping, encoding, delimiter),
        preview_rows=preview_rows,
    )
    sources = report.result.sources
    summary: InspectSummary = {
        **envelope("inspect", sources, started=started),
        **report.to_dict(),  # type: ignore[typeddict-item]
    }
    from bansos_cli.pipeline.dedup import public

    frames = {"records": public(report.result.frame)}
    return Result("inspect", summary, frames, {}, int(ExitCode.OK), sources, report)


def pseudonymise(
    inputs: Inputs,
    *,
    key: bytes,
    out_dir: PathLike | None = None,
    columns: Sequence[str] | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: PathLike | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
) -> Result[PseudonymiseSummary]:
    """A copy of the records with NIK, KK, names (and phone numbers) replaced by keyed
    pseudonyms (``bansos pseudonymise``); ``key`` from
    :func:`bansos_cli.pipeline.pseudonymise.load_key`.

    Frames: ``records``, the pseudonymised rows.
    """
    from bansos_cli.pipeline.pseudonymise import DEFAULT_COLUMNS, run_pseudonymise

    result = run_pseudonymise(
        _paths(inputs),
        key=key,
        out_dir=Path(out_dir) if out_dir is not None else None,
        columns=DEFAULT_COLUMNS if columns is None else columns,
        read_options=_read(sheet, header_row, mapping, encoding, delimiter),
        formats=formats,
        csv_formulas=csv_formulas,
    )
    return Result(
        "pseudonymise",
        result.summary,
        {"records": result.records},
        result.outputs,
        int(ExitCode.OK),
        result.sources,
        result,
    )


COMMANDS: tuple[str, ...] = (
    "validate",
    "dedup",
    "check",
    "reconcile",
    "run",
    "inspect",
    "pseudonymise",
)
"""The API functions: one per ``bansos`` command that processes data."""

__all__ = [
    "COMMANDS",
    "Result",
    "check",
    "dedup",
    "inspect",
    "pseudonymise",
    "reconcile",
    "run",
    "validate",
]
