"""The ``bansos run`` configuration file (``bansos.yaml``): typed, strict, documented.

YAML is read with ``safe_load`` and validated into :class:`RunConfig` before any data is
touched; unknown keys are errors with their key path, and every problem is listed at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bansos_cli.core.errors import BansosError
from bansos_cli.core.settings import read_yaml, validate_settings
from bansos_cli.dedup import DedupConfig

CONFIG_NAME = "bansos.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class InputSpec(_Strict):
    """One input: a file, a folder (every supported file in it) or a glob pattern."""

    path: str
    sheet: str | int | None = None
    """Sheet name or number (1 = first); default: detected."""
    header_row: int | None = Field(default=None, ge=1)
    """Excel row / text line of the header; default: detected."""
    mapping: str | None = None
    """YAML mapping file: header in the file -> column name."""
    encoding: str | None = None
    delimiter: str | None = None


class Stages(_Strict):
    """Which stages run. ``reconcile`` runs when a ``reconcile.target`` is configured."""

    validate_: bool = Field(default=True, alias="validate")
    dedup: bool = True
    check: bool = True
    reconcile: bool = True


class ValidateSettings(_Strict):
    fail_on: Literal["error", "warning", "never"] = "error"
    """Exit code 1 when any row has a finding at or above this level (``never``: only 2)."""


class RulesSettings(_Strict):
    files: list[str] = Field(default_factory=list)
    """Rule files or folders (program files; shared fragments are included by them).
    Default: the PKH, Sembako, PBI-JK and BLT-DD rule files shipped with bansos."""
    as_of: dt.date | None = None
    """Reference date for ages and dated parameters (default: today, printed)."""


class ReconcileSettings(_Strict):
    """Compare the run's rows (left) with a target list (right), e.g. a disbursement report."""

    target: list[str]
    sheet: str | int | None = None
    header_row: int | None = Field(default=None, ge=1)
    mapping: str | None = None
    key: list[str] = Field(default_factory=lambda: ["nik"])
    compare: list[str] | None = None
    ignore: list[str] = Field(default_factory=list)
    amount: str | None = "nominal"
    amount_tolerance: int = Field(default=0, ge=0)
    """Absolute tolerance of the amount column, in rupiah (the same as ``tolerance:
    {nominal: N}``)."""
    tolerance: dict[str, str | float] = Field(default_factory=dict)
    """Column -> tolerance: ``1000`` (absolute), ``"1%"`` (of the left value) or
    ``"1000+1%"``; numbers that differ by no more count as equal (docs/reconcile.md)."""
    fuzzy: bool = False

    @field_validator("tolerance")
    @classmethod
    def _readable_tolerances(cls, value: dict[str, str | float]) -> dict[str, str | float]:
        from bansos_cli.reconcile import Tolerance

        for column, tolerance in value.items():
            try:
                Tolerance.parse(tolerance, column)
            except BansosError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("target", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class RunConfig(_Strict):
    """Everything ``bansos run`` needs; command-line options override these values."""

    inputs: list[InputSpec] = Field(default_factory=list)
    out: str = "bansos-out/run"
    formats: list[Literal["parquet", "csv"]] = Field(default_factory=lambda: ["parquet"])  # type: ignore[arg-type]
    csv_formulas: Literal["neutralise", "keep"] = "neutralise"
    """CSV outputs: prefix text a spreadsheet would run as a formula with ``'`` (or keep it)."""
    report: bool = True
    """Write ``report.xlsx`` for officers."""
    mask: bool = False
    """Mask NIK/KK in written files (the terminal is always masked)."""
    lang: Literal["id", "en"] = "id"
    strict: bool = False
    """Stop at the first unreadable input instead of reporting it and going on."""
    engine: Literal["auto", "polars", "streaming", "spark"] = "auto"
    """The engine of the stages (docs/scale.md): ``auto`` runs in memory when the inputs
    fit comfortably, else streams."""
    stages: Stages = Field(default_factory=Stages)
    validate_: ValidateSettings = Field(default_factory=ValidateSettings, alias="validate")
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    rules: RulesSettings = Field(default_factory=RulesSettings)
    reconcile: ReconcileSettings | None = None

    @field_validator("inputs", mode="before")
    @classmethod
    def _paths_as_inputs(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [{"path": v} if isinstance(v, str) else v for v in value]
        return value


def parse_run_config(data: Any, *, source: str = CONFIG_NAME) -> RunConfig:
    """Validate parsed YAML into a :class:`RunConfig`, listing every problem with its key path."""
    return validate_settings(RunConfig, data, source=source, doc="docs/run.md")


def load_run_config(path: str | Path) -> RunConfig:
    """Read and validate a ``bansos.yaml``. Relative paths inside (inputs, mappings, rule
    files, ``out``, the reconciliation target) are relative to the file's folder."""
    config = parse_run_config(read_yaml(path), source=str(path))
    return relative_to(config, Path(path).parent)


def relative_to(config: RunConfig, base: Path) -> RunConfig:
    """``config`` with the relative paths written in it taken relative to ``base`` (the folder
    of its file). Absolute paths, and every path when ``base`` is the working directory, stay
    as written; so does the default ``out`` of a file that names none."""
    if base.resolve() == Path.cwd().resolve():
        return config

    def rel(value: str) -> str:
        # normpath: `../../sample_data/x.xlsx` from docs/examples/ prints as sample_data/x.xlsx
        return value if Path(value).is_absolute() else os.path.normpath(base / value)

    def opt(value: str | None) -> str | None:
        return None if value is None else rel(value)

    updates: dict[str, Any] = {
        "inputs": [
            spec.model_copy(update={"path": rel(spec.path), "mapping": opt(spec.mapping)})
            for spec in config.inputs
        ],
        "rules": config.rules.model_copy(update={"files": [rel(f) for f in config.rules.files]}),
    }
    if "out" in config.model_fields_set:
        updates["out"] = rel(config.out)
    if config.reconcile is not None:
        updates["reconcile"] = config.reconcile.model_copy(
            update={
                "target": [rel(t) for t in config.reconcile.target],
                "mapping": opt(config.reconcile.mapping),
            }
        )
    return config.model_copy(update=updates)


def discover_config(cwd: Path | None = None) -> Path | None:
    """``bansos.yaml`` in the working directory, if there is one."""
    candidate = (cwd or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def run_config_schema() -> dict[str, Any]:
    """JSON Schema (draft-07 compatible) of ``bansos.yaml`` for editor autocompletion."""
    schema = RunConfig.model_json_schema(by_alias=True)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "bansos run configuration (bansos.yaml)"
    return schema


def schema_json() -> str:
    return json.dumps(run_config_schema(), indent=2, ensure_ascii=False) + "\n"


STARTER = """\
# bansos.yaml — configuration of `bansos run` (docs/run.md). Options given on the command
# line override the values here. Unknown keys are errors.

# Inputs: files, folders (every .xlsx/.xls/.ods/.csv/.tsv/.txt/.parquet inside) or glob
# patterns. Paths are relative to the folder of this file; `.` is that folder itself.
inputs:
  - path: .
  # - path: kecamatan/*.xlsx
  #   sheet: DATA          # sheet name or number; default: detected
  #   header_row: 5        # Excel row of the column headers; default: detected
  #   mapping: map.yaml    # header in the file -> bansos column name

out: bansos-out/run        # output folder
formats: [parquet]         # parquet and/or csv
csv_formulas: neutralise   # CSV: prefix =, +, -, @ formulas with ' (keep: write them as they are)
report: true               # write report.xlsx for officers
mask: false                # mask NIK/KK in written files (the terminal is always masked)
lang: id                   # id (Bahasa Indonesia) or en
strict: false              # true: stop at the first unreadable input
engine: auto               # auto | polars | streaming | spark (docs/scale.md)

stages:
  validate: true
  dedup: true
  check: true
  reconcile: true          # only runs when `reconcile.target` is set below

validate:
  fail_on: error           # error | warning | never

dedup: {}                  # defaults; see docs/dedup.md for every setting

rules:
  files: []                # program rule files or folders; [] = the rules shipped with bansos
  # as_of: 2026-01-01      # reference date; default: today (always printed)

# reconcile:               # compare with a disbursement report or last period's list
#   target: sample_data/laporan_penyaluran.xlsx
#   key: [nik]
#   amount: nominal
#   tolerance: {nominal: 0}  # per column: 1000 (rupiah), "1%" (of the left value), "1000+1%"
#   fuzzy: false
"""
