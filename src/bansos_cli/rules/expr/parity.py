"""Run the same conditions through polars and a SQL engine and compare true/false/null.

Used by the parity tests and the benchmark: both engines read the same prepared frame
(:func:`bansos_cli.rules.evaluate.prepare`), so any difference is a difference in how a
condition is emitted, never in how the data was read. The SQL engines are optional
dependencies: DuckDB (the ``dev`` and ``bench`` extras) is imported here only; Spark runs on
the session given (``spark``), through the engine's own condition runner
(:class:`bansos_cli.rules.on_spark.SparkConditions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from bansos_cli.rules.expr.to_sql import to_sql

_ROW = "__parity_row"


@dataclass(frozen=True)
class Parity:
    """One condition on one frame: rows compared and rows that differ."""

    rule_id: str
    sql: str
    rows: int
    differing: int

    @property
    def equal(self) -> bool:
        return self.differing == 0


def _duckdb(frame: pl.DataFrame, rules: list[Any], texts: dict[str, str]) -> pl.DataFrame:
    import duckdb

    selects = ", ".join(f'({text}) AS "{rid}"' for rid, text in texts.items())
    with duckdb.connect() as connection:
        connection.register("prepared", frame.to_arrow())
        table = connection.sql(
            f'SELECT "{_ROW}", {selects} FROM prepared ORDER BY "{_ROW}"'
        ).to_arrow_table()
    return pl.DataFrame(pl.from_arrow(table))


def compare(
    prepared: pl.DataFrame, rules: list[Any], dialect: str = "duckdb", *, spark: Any = None
) -> list[Parity]:
    """Evaluate every compiled rule's condition with polars and with the SQL engine of
    ``dialect`` on ``prepared``: DuckDB, or Spark on the session ``spark``."""
    frame = prepared.with_row_index(_ROW)
    ours = frame.select(_ROW, *[r.expr for r in rules])
    texts = {r.rule.id: to_sql(r.checked, dialect) for r in rules}
    if dialect == "spark":
        from bansos_cli.rules.on_spark import SparkConditions, condition_column

        key = frame.select(pl.col(_ROW).cast(pl.Int64))
        values = SparkConditions(spark)(prepared, key, rules)
        theirs = values.rename({condition_column(r.rule.id): r.rule.id for r in rules})
    else:
        theirs = _duckdb(frame, rules, texts)
    out = []
    for r in rules:
        a = ours.get_column(r.rule.id).cast(pl.Boolean)
        b = theirs.get_column(r.rule.id).cast(pl.Boolean)
        same = (a == b) | (a.is_null() & b.is_null())
        out.append(
            Parity(r.rule.id, texts[r.rule.id], frame.height, int((~same.fill_null(False)).sum()))
        )
    return out


__all__ = ["Parity", "compare"]
