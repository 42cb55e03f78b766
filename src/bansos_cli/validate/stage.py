"""The validate stage: text frame in, typed records + findings + summary counts out."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from bansos_cli.core import vocabulary
from bansos_cli.core.errors import InputFileError, OptionError
from bansos_cli.core.privacy import mask_id_expr, mask_id_runs_expr
from bansos_cli.core.process import pandera_alone
from bansos_cli.core.vocabulary import ROW, ROW_KEY, SHEET, SOURCE, STATUS
from bansos_cli.validate import catalogue, regions
from bansos_cli.validate.checks import collect_findings
from bansos_cli.validate.typed import (
    DATE_COLUMNS,
    FLAG_COLUMNS,
    ID_COLUMNS,
    INT_COLUMNS,
    NAME_COLUMNS,
    RID,
    typed_columns,
)

if TYPE_CHECKING:
    from bansos_cli.validate.facts import InputFacts
    from bansos_cli.validate.schema import CanonicalRecords

FINDINGS_COLUMNS = vocabulary.FINDINGS.names
DEFAULT_MAX_AGE = 110


@dataclass
class ValidationResult:
    """What :func:`validate_frame` found."""

    records: pl.DataFrame
    """Every input row: typed canonical columns, pass-through columns, ``source``,
    ``sheet``, ``row`` and ``status`` (``ok``/``warning``/``error``)."""
    findings: pl.DataFrame
    """One row per finding: see :data:`FINDINGS_COLUMNS`."""
    as_of: dt.date
    lang: str
    counts: dict[str, Any] = field(default_factory=dict)
    """Counts by status, by code (with severity), by kecamatan/desa (see :func:`summarise`)."""

    @property
    def valid(self) -> pl.DataFrame:
        """Records without an error-level finding."""
        return self.records.filter(pl.col(STATUS) != "error")


def _typed_records(
    typed: pl.DataFrame, worst: pl.DataFrame, columns: Sequence[str]
) -> pl.DataFrame:
    """Replace each known text column by its typed value and attach the row status; only the
    input ``columns`` (no helper column) are kept."""
    replace: list[pl.Expr] = []
    cols = set(typed.columns)
    for col in ID_COLUMNS:
        if col in cols:
            # a well-formed identifier is stored normalised; anything else as written
            replace.append(
                pl.when(pl.col(f"_ok_{col}"))
                .then(pl.col(f"_v_{col}"))
                .otherwise(pl.col(f"_w_{col}"))
                .alias(col)
            )
    for col in DATE_COLUMNS:
        if col in cols:
            replace.append(pl.col(f"_v_{col}").alias(col))
    if "jenis_kelamin" in cols:
        replace.append(pl.col("_v_jenis_kelamin").alias("jenis_kelamin"))
    if "desil" in cols:
        replace.append(
            pl.when(pl.col("_v_desil").is_between(1, 10)).then(pl.col("_v_desil")).alias("desil")
        )
    for col in (*INT_COLUMNS, *FLAG_COLUMNS, *NAME_COLUMNS):
        if col in cols:
            replace.append(pl.col(f"_v_{col}").alias(col))
    # status by scattering the (few) rows with findings into an all-"ok" column
    status = pl.repeat("ok", typed.height, dtype=pl.String, eager=True).alias(STATUS)
    if worst.height:
        status = status.scatter(worst.get_column(RID), worst.get_column(STATUS))
    out = typed.with_columns(replace).with_columns(status, pl.col(ROW).cast(pl.Int64))
    original = [c for c in typed.columns if c in set(columns)]
    return out.select([*original, STATUS])


def validate_frame(
    frame: pl.DataFrame,
    *,
    lang: str = "id",
    as_of: dt.date,
    max_age: int = DEFAULT_MAX_AGE,
    mask: bool = False,
) -> ValidationResult:
    """Check every row of an ingest frame (text columns + ``source``/``sheet``/``row``).

    ``as_of`` anchors ages, "future" dates and the two-digit-year pivot of NIKs
    without a TANGGAL LAHIR; pass a fixed date for reproducible results. With ``mask``, NIK
    and KK values in the findings are masked (``3201**********01``). Bad data never raises:
    it becomes findings. Raises :class:`InputFileError` when there is no NIK column at all.
    """
    return confirm(check_frame(frame, lang=lang, as_of=as_of, max_age=max_age, mask=mask))


@functools.cache
def _schema() -> type[CanonicalRecords]:
    # pandera (with numpy and pydantic) takes about a third of a second to import: loaded on
    # first use, which :func:`prepare` lets a caller move off the critical path. Validating
    # an empty frame once makes pandera build (and cache) its check backends; in the console
    # script both happen without pandera's pandas half (bansos_cli.core.process).
    with pandera_alone():
        from bansos_cli.validate.schema import CanonicalRecords

        columns = CanonicalRecords.to_schema().columns
        empty = pl.DataFrame(schema={name: column.dtype.type for name, column in columns.items()})
        CanonicalRecords.validate(empty, lazy=True)
    return CanonicalRecords


def prepare() -> None:
    """Do the one-off set-up of a first validation ahead of time: import pandera, load the
    region tables and let pandera build the schema's checks (about 0.4 s of Python work,
    most of it the import). A caller can run this in a thread beside the read (polars reads
    outside the GIL)."""
    for level in ("kab", "kec"):
        regions.names_match(pl.DataFrame(schema={"kode": pl.String, "_key": pl.String}), level)
    regions.prefix_status(pl.Series(["000000"]))
    _schema()


def check_schema(records: pl.DataFrame) -> None:
    """Validate records against the canonical pandera schema (raises on a mismatch: a bug)."""
    _schema().validate(records, lazy=True)


def confirm(result: ValidationResult) -> ValidationResult:
    """Validate ``result.records`` against the canonical pandera schema and fill
    ``result.counts``; the two run concurrently (both only read the records)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        schema = pool.submit(_schema().validate, result.records, lazy=True)
        result.counts = summarise(result)
        schema.result()
    return result


def check_frame(
    frame: pl.DataFrame,
    *,
    lang: str = "id",
    as_of: dt.date,
    max_age: int = DEFAULT_MAX_AGE,
    mask: bool = False,
    facts: InputFacts | None = None,
) -> ValidationResult:
    """The first half of :func:`validate_frame`: typed records with their status, and the
    findings; ``counts`` stays empty and the records are not yet checked against the
    pandera schema (:func:`confirm` does both). Lets a caller start writing the records
    while they are confirmed. ``facts``: when ``frame`` is one batch of a larger input,
    what the checks that look across rows need to know about the whole input
    (:class:`~bansos_cli.validate.facts.InputFacts`); None: ``frame`` is the whole input."""
    if lang not in ("id", "en"):
        raise OptionError.of("LANG_UNKNOWN", lang=lang)
    if "nik" not in frame.columns:
        sources = (
            ", ".join(frame.get_column(SOURCE).unique().sort().to_list())
            if (SOURCE in frame.columns)
            else ""
        )
        raise InputFileError.of("NO_NIK_COLUMN", path=sources or None)
    # a CSV reader hands over ~100 chunks per column: one contiguous copy (cheap for string
    # views) makes every later filter, gather and Parquet write faster than it costs
    frame = _with_meta(frame).rechunk()
    typed = typed_columns(frame, reference=as_of, swapped=facts.swapped if facts else None)
    raw = collect_findings(
        typed,
        reference=as_of,
        max_age=max_age,
        lang=lang,
        duplicates=facts.duplicates if facts else None,
    )
    findings = _finish_findings(raw, typed, lang=lang, mask=mask)
    worst = (
        findings.lazy()
        .select(RID, pl.col("severity").replace_strict(catalogue.SEVERITY_RANK).alias("_rank"))
        .group_by(RID)
        .agg(pl.col("_rank").max())
        .select(
            RID,
            pl.col("_rank")
            .replace_strict({3: "error", 2: "warning", 1: "ok"}, return_dtype=pl.String)
            .alias(STATUS),
        )
        .collect()
    )
    records = _typed_records(typed, worst, frame.columns)
    return ValidationResult(records, findings.drop(RID), as_of, lang)


def _with_meta(frame: pl.DataFrame) -> pl.DataFrame:
    add = []
    if SOURCE not in frame.columns:
        add.append(pl.lit("").alias(SOURCE))
    if SHEET not in frame.columns:
        add.append(pl.lit("").alias(SHEET))
    if ROW not in frame.columns:
        add.append((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))
    return frame.with_columns(add) if add else frame


def _finish_findings(
    raw: pl.DataFrame, typed: pl.DataFrame, *, lang: str, mask: bool
) -> pl.DataFrame:
    cat = catalogue.catalogue_frame(lang)
    value = pl.col("value")
    if mask:  # identifiers masked by content: NIK/KK values, and NIK-like runs in any value
        value = (
            pl.when(pl.col("column").is_in(list(ID_COLUMNS)))
            .then(mask_id_expr(value))
            .otherwise(mask_id_runs_expr(value))
        )
    message = (
        pl.when(pl.col("_has_detail"))
        .then(
            pl.concat_str([pl.col("_prefix"), pl.col("_detail").fill_null("?"), pl.col("_suffix")])
        )
        .otherwise(pl.col("_prefix"))
    )
    return (
        # _rid is the row position in typed: gather the meta columns instead of a join
        raw.with_columns(
            typed.select(pl.col(SOURCE, SHEET, ROW).gather(raw.get_column(RID))).get_columns()
        )
        .join(cat, on="code", how="left")
        .select(
            RID,
            SOURCE,
            SHEET,
            pl.col(ROW).cast(pl.Int64),
            vocabulary.COLUMN,
            value.alias(vocabulary.VALUE),
            vocabulary.CODE,
            vocabulary.SEVERITY,
            (mask_id_runs_expr(message) if mask else message).alias(vocabulary.MESSAGE),
            vocabulary.HINT,
        )
        .sort(list(ROW_KEY), maintain_order=True)
    )


def _area_column(records: pl.DataFrame) -> list[str]:
    return [c for c in ("kecamatan", "desa") if c in records.columns]


@dataclass
class Tally:
    """The counts of one batch of records and findings, to be added up by :func:`combine`."""

    rows: int
    error: int
    warning: int
    areas: pl.DataFrame | None
    """Rows, errors and warnings by kecamatan/desa (None without those columns)."""
    findings: pl.DataFrame
    """``code``, ``severity`` and ``row`` of every finding (rows are counted once a code)."""


def tally(records: pl.DataFrame, findings: pl.DataFrame) -> Tally:
    """The counts of ``records`` and their ``findings`` (one batch or the whole input)."""
    # few rows are not ok: two comparisons are much cheaper than a group-by of every row
    error, warning = records.select(
        (pl.col(STATUS) == "error").sum().alias("e"),
        (pl.col(STATUS) == "warning").sum().alias("w"),
    ).row(0)
    areas = _area_column(records)
    table = None
    if areas:
        table = records.group_by(areas).agg(
            pl.len().alias("rows"),
            (pl.col(STATUS) == "error").sum().alias("error"),
            (pl.col(STATUS) == "warning").sum().alias("warning"),
        )
    return Tally(records.height, error, warning, table, findings.select("code", "severity", ROW))


def combine(tallies: Sequence[Tally], as_of: dt.date) -> dict[str, Any]:
    """Counts for summary.json and the terminal (see :func:`summarise`), added up over
    ``tallies`` (the batches of one input, in order)."""
    rows = sum(t.rows for t in tallies)
    error = sum(t.error for t in tallies)
    warning = sum(t.warning for t in tallies)
    by_status = {"ok": rows - error - warning, "warning": warning, "error": error}
    findings = (
        pl.concat([t.findings for t in tallies])
        if tallies
        else pl.DataFrame(schema={"code": pl.String, "severity": pl.String, ROW: pl.Int64})
    )
    codes = (
        findings.group_by("code", "severity")
        .agg(pl.len().alias("count"), pl.col(ROW).n_unique().alias("rows"))
        .sort(["count", "code"], descending=[True, False])
    )
    by_code = {
        row["code"]: {"severity": row["severity"], "count": row["count"], "rows": row["rows"]}
        for row in codes.to_dicts()
    }
    by_severity = {s: 0 for s in catalogue.SEVERITIES}
    for severity, n in findings.group_by("severity").len().iter_rows():
        by_severity[severity] = n
    parts = [t.areas for t in tallies if t.areas is not None]
    areas = [c for c in parts[0].columns if c in ("kecamatan", "desa")] if parts else []
    by_area: list[dict[str, Any]] = []
    if areas:
        table = (
            (
                pl.concat(parts).group_by(areas).agg(pl.col("rows", "error", "warning").sum())
                if len(parts) > 1
                else parts[0]
            )
            .with_columns((pl.col("error") / pl.col("rows")).round(4).alias("error_rate"))
            .sort(["error_rate", "rows", *areas], descending=[True, True, *[False] * len(areas)])
        )
        by_area = table.to_dicts()
    return {
        "rows": rows,
        "by_status": by_status,
        "by_severity": by_severity,
        "by_code": by_code,
        "by_area": by_area,
        "area_columns": areas,
        "as_of": as_of.isoformat(),
    }


def summarise(result: ValidationResult) -> dict[str, Any]:
    """Counts for summary.json and the terminal: by status, code and kecamatan/desa."""
    return combine([tally(result.records, result.findings)], result.as_of)
