"""Read the text columns the rules need into typed columns, leniently.

The parsers themselves live in :mod:`bansos_cli.core.casts` (shared with validate). A cell
that is present but cannot be read (``abc`` as a desil, ``31-02-2020`` as a date, a value
outside ``allowed``) becomes null, so each rule's ``on_missing`` policy decides; the column
name is listed in the row's ``unreadable`` column so nobody loses sight of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from bansos_cli.core import casts
from bansos_cli.rules.model import InputSpec, InputType

DTYPES: dict[InputType, pl.DataType] = {
    InputType.string: pl.String(),
    InputType.integer: pl.Int64(),
    InputType.number: pl.Float64(),
    InputType.date: pl.Date(),
    InputType.boolean: pl.Boolean(),
    InputType.sex: pl.String(),
}

UNREADABLE_PREFIX = "__unreadable__"
""":func:`cast_frame` names the unreadable flag of input ``x`` ``__unreadable__x``."""


@dataclass(frozen=True)
class CastColumn:
    """The typed value of one input and whether a present cell was unreadable."""

    value: pl.Expr
    unreadable: pl.Expr


def _text(name: str) -> pl.Expr:
    stripped = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _dates(text: pl.Series, reference: dt.date | None) -> pl.Series:
    # a batch-level call (not per row): the date reader is a staged lazy plan that parses
    # each distinct text once, which a single expression cannot express
    return casts.parse_date(text, reference=reference).get_column("date")


def cast_input(
    name: str,
    spec: InputSpec,
    present: bool,
    source: pl.DataType | None = None,
    *,
    reference: dt.date | None = None,
) -> CastColumn:
    """Expressions that read column ``name`` as ``spec.type`` (all null if not ``present``).

    ``source`` is the column's current type: a column already of the target type (a typed
    Parquet file, a frame built in Python) is used as it is. ``reference`` is the pivot for
    two-digit years in dates (without one they are unreadable).
    """
    dtype = DTYPES[spec.type]
    if not present:
        return CastColumn(pl.lit(None, dtype=dtype), pl.lit(False))
    text = _text(name)
    value: pl.Expr
    if (
        source is not None
        and source == dtype
        and spec.type not in (InputType.string, InputType.sex)
    ):
        value = pl.col(name)
        text = value
    elif spec.type == InputType.string:
        value = text
    elif spec.type == InputType.integer:
        value = casts.parse_int(text, prefix="[A-Z]+", digits=18, signed=True, dtype=pl.Int64)
    elif spec.type == InputType.number:
        value = casts.parse_number(text)
    elif spec.type == InputType.date:
        value = text.map_batches(lambda s: _dates(s, reference), return_dtype=pl.Date)
    elif spec.type == InputType.boolean:
        # "-" stays unknown here: a rule must not read a dash as a confirmed "no"
        value = casts.parse_flag(text, dash_is_false=False)
    else:  # sex
        value = casts.parse_sex(text)
    if spec.allowed is not None:
        if spec.type == InputType.string:
            allowed = [str(a).upper() for a in spec.allowed]
            value = pl.when(value.str.to_uppercase().is_in(allowed)).then(value)
        else:
            value = pl.when(value.is_in(pl.Series(spec.allowed, dtype=dtype).implode())).then(value)
    return CastColumn(value.cast(dtype), text.is_not_null() & value.is_null())


def _date_build(name: str, spec: InputSpec, reference: dt.date | None) -> casts.Build:
    text, parsed = f"{UNREADABLE_PREFIX}t_{name}", f"{UNREADABLE_PREFIX}d_{name}"
    read = casts.date_build(text, date_name=parsed, state_name=None, reference=reference)

    def build(frame: pl.LazyFrame) -> pl.LazyFrame:
        frame = read(frame.with_columns(_text(name).alias(text)))
        value = pl.col(parsed)
        if spec.allowed is not None:
            value = pl.when(value.is_in(pl.Series(spec.allowed, dtype=pl.Date).implode())).then(
                value
            )
        return frame.with_columns(
            value.alias(f"{UNREADABLE_PREFIX}v_{name}"),
            (pl.col(text).is_not_null() & value.is_null()).alias(f"{UNREADABLE_PREFIX}{name}"),
        ).drop(text, parsed)

    return build


def _expr_build(name: str, cast: CastColumn) -> casts.Build:
    def build(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.with_columns(
            cast.value.alias(f"{UNREADABLE_PREFIX}v_{name}"),
            cast.unreadable.alias(f"{UNREADABLE_PREFIX}{name}"),
        )

    return build


def cast_frame(
    frame: pl.DataFrame, inputs: Mapping[str, InputSpec], *, reference: dt.date | None
) -> pl.DataFrame:
    """Every declared input typed (column ``name``) with its unreadable flag (column
    ``__unreadable__<name>``), one row per row of ``frame``.

    Text columns are read once per distinct text (:func:`bansos_cli.core.casts.per_distinct`);
    a column already of the declared type is taken as it is; a missing one is all null.
    """
    schema = frame.schema
    builds: dict[str, casts.Build] = {}
    direct: list[pl.Expr] = []
    for name, spec in inputs.items():
        present = name in schema
        source = schema.get(name)
        cast = cast_input(name, spec, present, source, reference=reference)
        if present and source == pl.String:
            if spec.type == InputType.date:
                builds[name] = _date_build(name, spec, reference)
            else:
                builds[name] = _expr_build(name, cast)
        else:
            direct += [
                cast.value.alias(f"{UNREADABLE_PREFIX}v_{name}"),
                cast.unreadable.alias(f"{UNREADABLE_PREFIX}{name}"),
            ]
    # with_columns (not select) so that all-null literals of missing inputs get every row
    names = [e.meta.output_name() for e in direct]
    rest = frame.with_columns(direct).select(names)
    typed = casts.per_distinct(frame, builds).hstack(rest.get_columns())
    return typed.select(
        expr
        for name in inputs
        for expr in (
            pl.col(f"{UNREADABLE_PREFIX}v_{name}").alias(name),
            pl.col(f"{UNREADABLE_PREFIX}{name}"),
        )
    )


class CastCache:
    """Typed input columns shared by the programs evaluated on one frame.

    Programs declare many of the same inputs (desil, tanggal_lahir, status_padan ...): an
    input declared alike (same name, type, nullability and allowed values, same reference
    date; descriptions may differ) is cast once
    and its columns reused by every program that declares it.
    """

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self._columns: dict[tuple[str, str, dt.date | None], tuple[pl.Series, pl.Series]] = {}
        self._family: pl.Series | None = None

    @property
    def family(self) -> pl.Series:
        """The normalised family key (NO KK) of every row, computed once."""
        if self._family is None:
            from bansos_cli.rules.family import family_key

            self._family = family_key(self.frame)
        return self._family

    def typed(self, inputs: Mapping[str, InputSpec], *, reference: dt.date | None) -> pl.DataFrame:
        """:func:`cast_frame` of ``inputs``, casting only the inputs not seen before."""

        def key(name: str, spec: InputSpec) -> tuple[str, str, dt.date | None]:
            # the description does not change how a column is read
            return name, spec.model_dump_json(exclude={"description"}), reference

        todo = {n: s for n, s in inputs.items() if key(n, s) not in self._columns}
        if todo:
            fresh = cast_frame(self.frame, todo, reference=reference)
            for name, spec in todo.items():
                self._columns[key(name, spec)] = (
                    fresh.get_column(name),
                    fresh.get_column(f"{UNREADABLE_PREFIX}{name}"),
                )
        columns = [c for n, s in inputs.items() for c in self._columns[key(n, s)]]
        return pl.DataFrame(columns, height=self.frame.height)
