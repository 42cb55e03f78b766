"""The engines a command can run on, and how ``auto`` chooses one.

An engine is one entry of :data:`ENGINES`: its name, the commands it runs, the optional
extra it needs and how it is detected. ``--engine`` (``engine=`` in the API, ``engine:`` in
``bansos.yaml``) names one of them or ``auto``; :func:`choose_engine` turns that into an
:class:`EngineChoice`, with a notice that says what was picked and why. Commands never test
engine names themselves: they ask the choice.

``auto`` estimates the memory an in-memory (polars) run needs from the input files
(:data:`MEMORY_FACTOR`, bytes of peak memory per byte of file, or :data:`BYTES_PER_ROW` for
Parquet; measured on generated lists) and compares it with the memory available now. It picks polars
when the estimate takes at most :data:`COMFORTABLE` of that memory, else the first engine of
:data:`AUTO_FALLBACK` that runs the command; when none does, it stays on polars and says so.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import Notice

if TYPE_CHECKING:
    from bansos_cli.rules.on_spark import ConditionRunner

AUTO = "auto"
DEFAULT_ENGINE = AUTO


def _always() -> bool:
    return True


def _pyspark() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def _in_polars(_choice: EngineChoice) -> ConditionRunner | None:
    return None


def _on_spark(choice: EngineChoice) -> ConditionRunner | None:
    from bansos_cli.pipeline.spark import spark_session
    from bansos_cli.rules.on_spark import SparkConditions

    session = choice.session if choice.session is not None else spark_session(choice.master)
    return SparkConditions(session)


@dataclass(frozen=True)
class Engine:
    """One way of running a command."""

    name: str
    commands: frozenset[str]
    """The commands this engine runs (others refuse it with a clear message)."""
    available: Callable[[], bool] = _always
    """Whether what the engine needs is installed."""
    extra: str | None = None
    """The optional dependency group (``pip install 'bansos-cli[<extra>]'``) it needs."""
    conditions: Callable[[EngineChoice], ConditionRunner | None] = _in_polars
    """What decides the rule conditions of ``check`` (None: the polars expressions)."""
    formats: frozenset[str] | None = None
    """The input formats the engine reads (None: every format); ``auto`` picks an engine
    only for inputs it reads."""


ENGINES: dict[str, Engine] = {
    "polars": Engine("polars", frozenset({"validate", "check", "reconcile", "run"})),
    "streaming": Engine("streaming", frozenset({"validate"}), formats=frozenset({"csv"})),
    "spark": Engine("spark", frozenset({"check"}), _pyspark, "spark", _on_spark),
}
"""Every engine by name, the in-memory one first (the choice of ``auto`` when data fits)."""

IN_MEMORY = "polars"
AUTO_FALLBACK: tuple[str, ...] = ("streaming",)
"""What ``auto`` takes, in order, when the input does not fit comfortably in memory."""
NAMES: tuple[str, ...] = (AUTO, *ENGINES)
"""The values of ``--engine``."""

COMFORTABLE = 0.5
"""``auto`` runs in memory when the estimated peak takes at most this share of free memory."""
MEMORY_FACTOR: dict[str, float] = {
    "csv": 12.0,
    "xlsx": 40.0,
    "xlsm": 40.0,
    "ods": 40.0,
    "xls": 15.0,
}
"""Peak memory of an in-memory ``validate`` per byte of input file, by format. Measured on
generated SIKS-NG lists (23 columns): CSV 50k -> 200k rows, 12 -> 49 MB, peak 250 -> 678 MB
(12x the added bytes); the same 50k rows as xlsx (5.4 MB) peak at 321 MB."""
BYTES_PER_ROW = 3_000
"""Peak memory per row of a Parquet input (its row count is in its metadata; compression
makes its size say little): 200k rows of the list above peak at 644 MB."""
BASELINE = 150_000_000
"""The interpreter, polars and the reference tables, before any row."""
COMMAND_FACTOR: dict[str, float] = {"run": 1.4}
"""Commands that hold more than validate: ``bansos run`` (validate, dedup and check on the
same rows) peaked at 937 MB where validate peaked at 678 MB (200k rows)."""
DEFAULT_FACTOR = 40.0
"""For a format missing from :data:`MEMORY_FACTOR`."""


@dataclass(frozen=True)
class EngineChoice:
    """The engine a run uses, what was asked for and why this one."""

    name: str
    requested: str
    notice: Notice
    """What was picked and why (``ENGINE_*`` in ``data/messages/notices.yaml``)."""
    master: str = "local[*]"
    """Spark: the master of the session bansos makes (``--spark-master``)."""
    session: Any = field(default=None, compare=False, repr=False)
    """Spark: a session to use instead of making one (the Python API)."""

    @property
    def engine(self) -> Engine:
        return ENGINES[self.name]

    def conditions(self) -> ConditionRunner | None:
        """What decides the rule conditions on this engine (None: polars expressions)."""
        return self.engine.conditions(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``engine`` section of ``summary.json``."""
        return {"name": self.name, "requested": self.requested, "reason": self.notice.code}


def available_memory() -> int | None:
    """Bytes of memory available to this process now (the container's limit included), or
    None when the system does not say."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except OSError:
        pass
    if not found:
        try:
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            pass
    for limit, usage in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        try:
            cap = Path(limit).read_text().strip()
            used = Path(usage).read_text().strip()
        except OSError:
            continue
        if cap.isdigit() and used.isdigit() and int(cap) < 1 << 60:
            found.append(max(int(cap) - int(used), 0))
        break
    return min(found) if found else None


def _files(inputs: Sequence[str | Path]) -> list[Path]:
    """The files of ``inputs`` (folders and patterns expanded); what cannot be expanded is
    left out: the reader reports it, in the words of the command."""
    from bansos_cli.core.errors import BansosError
    from bansos_cli.ingest.sources import expand_inputs

    files: list[Path] = []
    for item in inputs:
        try:
            files += expand_inputs([item])
        except BansosError:
            continue
    return list(dict.fromkeys(files))


def _formats(inputs: Sequence[str | Path]) -> set[str]:
    from bansos_cli.ingest.sources import file_format

    return {file_format(path) for path in _files(inputs)}


def _parquet_rows(path: Path) -> int | None:
    try:
        import pyarrow.parquet as pq

        return int(pq.read_metadata(path).num_rows)
    except Exception:  # not readable as Parquet: the reader says so, in the command's words
        return None


def estimate_memory(inputs: Sequence[str | Path], command: str = "validate") -> int:
    """The estimated peak memory (bytes) of an in-memory ``command`` over ``inputs`` (files,
    folders, patterns)."""
    from bansos_cli.ingest.sources import file_format

    total = 0.0
    for path in _files(inputs):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        fmt = file_format(path)  # expanded inputs have a known format
        rows = _parquet_rows(path) if fmt == "parquet" else None
        if rows is not None:
            total += rows * BYTES_PER_ROW
        else:
            total += size * MEMORY_FACTOR.get(fmt, DEFAULT_FACTOR)
    return int(BASELINE + total * COMMAND_FACTOR.get(command, 1.0))


def _mb(n: int) -> int:
    return max(1, round(n / 1e6))


def check_engine(name: str, command: str) -> Engine:
    """The engine ``name`` for ``command``, or an :class:`OptionError` that says why not."""
    engine = ENGINES.get(name)
    if engine is None:
        raise OptionError.of(
            "CLI_BAD_CHOICE", option="--engine", value=name, allowed=", ".join(NAMES)
        )
    if command not in engine.commands:
        runs = [n for n, e in ENGINES.items() if command in e.commands]
        raise OptionError.of(
            "ENGINE_NOT_FOR_COMMAND", engine=name, command=command, engines=", ".join(runs)
        )
    if not engine.available():
        raise OptionError.of("ENGINE_NOT_INSTALLED", engine=name, extra=engine.extra or name)
    return engine


def choose_engine(
    requested: str | None,
    command: str,
    inputs: Sequence[str | Path],
    *,
    memory: int | None = None,
    spark_master: str | None = None,
    spark: Any = None,
) -> EngineChoice:
    """The engine ``command`` runs on for ``inputs``. ``requested`` is a name of
    :data:`NAMES` (None: ``auto``); ``memory`` overrides the memory available (tests).
    ``spark_master`` and ``spark`` (a ``SparkSession``) are for the ``spark`` engine."""
    from bansos_cli.pipeline.spark import DEFAULT_MASTER

    name = (requested or DEFAULT_ENGINE).strip().lower()
    if name != AUTO:
        check_engine(name, command)
        return EngineChoice(
            name,
            name,
            Notice("ENGINE_CHOSEN", {"engine": name}),
            spark_master or DEFAULT_MASTER,
            spark,
        )
    need = estimate_memory(inputs, command)
    free = memory if memory is not None else available_memory()
    if free is None:  # the system does not say: run as before, in memory
        need_mb = {"need_mb": _mb(need)}
        return EngineChoice(IN_MEMORY, AUTO, Notice("ENGINE_AUTO_NO_MEMORY_INFO", need_mb))
    sizes = {"need_mb": _mb(need), "available_mb": _mb(free)}
    if need <= COMFORTABLE * free:
        return EngineChoice(IN_MEMORY, AUTO, Notice("ENGINE_AUTO_IN_MEMORY", sizes))
    formats = _formats(inputs)
    for fallback in AUTO_FALLBACK:
        engine = ENGINES[fallback]
        reads = engine.formats is None or formats <= engine.formats
        if command in engine.commands and engine.available() and reads:
            return EngineChoice(
                fallback, AUTO, Notice("ENGINE_AUTO_STREAMING", {**sizes, "engine": fallback})
            )
    return EngineChoice(IN_MEMORY, AUTO, Notice("ENGINE_AUTO_TOO_BIG", sizes))


__all__ = [
    "AUTO",
    "ENGINES",
    "NAMES",
    "Engine",
    "EngineChoice",
    "available_memory",
    "check_engine",
    "choose_engine",
    "estimate_memory",
]
