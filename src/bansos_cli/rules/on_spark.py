"""Rule conditions decided by Spark: the same checked trees, emitted as Spark SQL.

:func:`bansos_cli.rules.evaluate.evaluate` asks a :class:`ConditionRunner` for the value of
every rule's condition on the prepared frame (:func:`~bansos_cli.rules.evaluate.prepare`).
The default runs the polars expressions of :mod:`.expr.to_polars`; :class:`SparkConditions`
sends the columns the conditions read to a Spark session with the stable row key
(``source``, ``sheet``, ``row``, plus an ordinal for an input row that holds several people),
runs one ``SELECT`` per program whose columns are the conditions in Spark SQL
(:func:`~bansos_cli.rules.expr.to_sql`, dialect ``spark``) and joins the values back on that
key. Nothing about a rule is written twice: both engines print the same tree.

pyspark is an optional dependency (``pip install 'bansos-cli[spark]'``): it is imported by
the session, never here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Protocol

import polars as pl

from bansos_cli.core.vocabulary import ROW_KEY
from bansos_cli.rules.compile import CompiledRule
from bansos_cli.rules.expr import FAMILY, ref_column
from bansos_cli.rules.expr.to_sql import to_sql

CONDITION_PREFIX = "__cond__"
"""The column of a rule's condition value in the frame the outcomes are computed on."""
ORDINAL = "_ordinal"
"""The row key's fourth part: which person of one input row (0 for a row of one person)."""


def condition_column(rule_id: str) -> str:
    return f"{CONDITION_PREFIX}{rule_id}"


class ConditionRunner(Protocol):
    """Computes every rule's condition (true/false/null) for every row of ``prepared``."""

    def __call__(
        self, prepared: pl.DataFrame, key: pl.DataFrame, rules: Sequence[CompiledRule]
    ) -> pl.DataFrame:
        """One Boolean column per rule (:func:`condition_column`), rows as in ``prepared``;
        ``key`` holds the row key of each row of ``prepared``."""
        ...


def _reads(rule: CompiledRule) -> list[str]:
    refs = [ref_column(p, c) for p, c in rule.checked.refs if c is not None]
    refs += [
        ref_column(p, w) for p, c in rule.checked.refs if c is None for w in ("status", "receives")
    ]
    family = [FAMILY] if rule.checked.aggregates else []
    return [*rule.checked.columns, *refs, *family]


def _transferable(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns in types Spark reads from Arrow: categories as text, unsigned as signed."""
    fixes = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Categorical | pl.Enum):
            fixes.append(pl.col(name).cast(pl.String))
        elif dtype.is_unsigned_integer():
            fixes.append(pl.col(name).cast(pl.Int64))
    return frame.with_columns(fixes) if fixes else frame


def row_key(frame: pl.DataFrame) -> pl.DataFrame:
    """The stable key of every row of an ingest frame: ``source``, ``sheet``, ``row`` and an
    ordinal within one input row (a family row of a keluarga list holds several people)."""
    present = [c for c in ROW_KEY if c in frame.columns]
    if not present:  # a frame built in code, not read: the position is its only key
        return frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(ORDINAL))
    ordinal = pl.int_range(pl.len(), dtype=pl.Int64).over(present)
    return _transferable(frame.select(present).with_columns(ordinal.alias(ORDINAL)))


class SparkConditions:
    """A :class:`ConditionRunner` on a Spark session (``pyspark.sql.SparkSession``)."""

    _views = itertools.count()

    def __init__(self, session: Any):
        self.session = session

    def __call__(
        self, prepared: pl.DataFrame, key: pl.DataFrame, rules: Sequence[CompiledRule]
    ) -> pl.DataFrame:
        names = [condition_column(r.rule.id) for r in rules]
        if not rules:
            return pl.DataFrame()
        keys = list(key.columns)
        reads = list(dict.fromkeys(c for r in rules for c in _reads(r) if c in prepared.columns))
        sent = _transferable(pl.concat([key, prepared.select(reads)], how="horizontal"))
        view = f"bansos_rows_{next(self._views)}"
        self.session.createDataFrame(sent.to_arrow()).createOrReplaceTempView(view)
        try:
            quoted = ", ".join(f"`{c}`" for c in keys)
            selects = ", ".join(
                f"({to_sql(r.checked, 'spark')}) AS `{n}`"
                for r, n in zip(rules, names, strict=True)
            )
            table = self.session.sql(f"SELECT {quoted}, {selects} FROM `{view}`").toArrow()
        finally:
            self.session.catalog.dropTempView(view)
        values = pl.DataFrame(pl.from_arrow(table))
        values = values.with_columns([pl.col(n).cast(pl.Boolean) for n in names])
        joined = key.join(values, on=keys, how="left", nulls_equal=True, maintain_order="left")
        return joined.select(names)


__all__ = ["CONDITION_PREFIX", "ConditionRunner", "SparkConditions", "condition_column", "row_key"]
