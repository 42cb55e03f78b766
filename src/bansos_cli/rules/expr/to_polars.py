"""Emit a checked condition as a polars expression, with SQL's semantics.

Where polars and SQL differ, the emitted expression follows SQL, so that the same condition
gives the same true/false/null here and on a SQL engine (:mod:`.to_sql`): ``TRIM`` removes
spaces only, ``SUM``/``BOOL_OR`` of nothing but nulls is null, ``LENGTH`` is a signed
integer, ``LIKE`` is a whole-value match. Division is null-safe: ``x / 0`` is null (then the
rule's ``on_missing`` decides), never infinity.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
from sqlglot import exp

from bansos_cli.rules.expr.analyse import (
    AGGREGATES,
    COMPARISONS,
    FAMILY,
    Checked,
    literal_date,
    ref_column,
)


def like_regex(pattern: str, *, insensitive: bool = False) -> str:
    """A SQL LIKE pattern as an anchored regular expression (``%`` any text, ``_`` one char)."""
    out = []
    for char in pattern:
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return ("(?is)" if insensitive else "(?s)") + "^" + "".join(out) + "$"


class PolarsEmitter:
    """One checked condition -> one ``pl.Expr``."""

    def __init__(self, checked: Checked):
        self.dates = checked.dates

    def literal(self, node: Any) -> Any:
        """The Python value of a literal node (for ``IN`` lists)."""
        if isinstance(node, exp.Paren):
            return self.literal(node.this)
        if isinstance(node, exp.Cast):
            return literal_date(node.this.this)
        if isinstance(node, exp.Neg):
            value = self.literal(node.this)
            return -value
        if isinstance(node, exp.Boolean):
            return bool(node.this)
        assert isinstance(node, exp.Literal)
        if id(node) in self.dates:
            return literal_date(node.this)
        if node.is_string:
            return str(node.this)
        text = str(node.this)
        return float(text) if any(c in text for c in ".eE") else int(text)

    def emit(self, node: Any) -> pl.Expr:  # noqa: C901 - one branch per node kind
        if isinstance(node, exp.Paren):
            return self.emit(node.this)
        if isinstance(node, exp.Column):
            return pl.col(node.name)
        if isinstance(node, exp.Literal | exp.Boolean | exp.Cast):
            value = self.literal(node)
            if isinstance(value, str):
                return pl.lit(value, dtype=pl.String)
            if isinstance(value, dt.date):
                return pl.lit(value, dtype=pl.Date)
            return pl.lit(value)
        if isinstance(node, exp.Null):
            return pl.lit(None)
        if isinstance(node, exp.And):
            return self.emit(node.left) & self.emit(node.right)
        if isinstance(node, exp.Or):
            return self.emit(node.left) | self.emit(node.right)
        if isinstance(node, exp.Not):
            return ~self.emit(node.this)
        if type(node) in COMPARISONS:
            left, right = self.emit(node.left), self.emit(node.right)
            op = COMPARISONS[type(node)]
            return {
                "=": left.eq,
                "<>": left.ne,
                "<": left.lt,
                "<=": left.le,
                ">": left.gt,
                ">=": left.ge,
            }[op](right)
        if isinstance(node, exp.Is):
            value = self.emit(node.this)
            right = node.expression
            if isinstance(right, exp.Null):
                return value.is_null()
            return (value if right.this else ~value).fill_null(False)
        if isinstance(node, exp.In):
            values = [self.literal(i) for i in node.expressions]
            return self.emit(node.this).is_in(pl.Series(values).implode())
        if isinstance(node, exp.Between):
            low, high = self.emit(node.args["low"]), self.emit(node.args["high"])
            value = self.emit(node.this)
            return (value >= low) & (value <= high)
        if isinstance(node, exp.Like | exp.ILike):
            pattern = like_regex(str(node.expression.this), insensitive=isinstance(node, exp.ILike))
            return self.emit(node.this).str.contains(pattern)
        if isinstance(node, exp.RegexpLike):
            return self.emit(node.this).str.contains(str(node.expression.this))
        if isinstance(node, exp.Add):
            return self.emit(node.left) + self.emit(node.right)
        if isinstance(node, exp.Sub):
            return self.emit(node.left) - self.emit(node.right)
        if isinstance(node, exp.Mul):
            return self.emit(node.left) * self.emit(node.right)
        if isinstance(node, exp.Div):
            divisor = self.emit(node.right)
            return pl.when(divisor != 0).then(self.emit(node.left) / divisor)
        if isinstance(node, exp.Neg):
            return -self.emit(node.this)
        if isinstance(node, exp.Upper):
            return self.emit(node.this).str.to_uppercase()
        if isinstance(node, exp.Lower):
            return self.emit(node.this).str.to_lowercase()
        if isinstance(node, exp.Trim):
            return self.emit(node.this).str.strip_chars(" ")
        if isinstance(node, exp.Length):
            return self.emit(node.this).str.len_chars().cast(pl.Int64)
        if isinstance(node, exp.Abs):
            return self.emit(node.this).abs()
        if isinstance(node, exp.Coalesce):
            return pl.coalesce([self.emit(node.this), *map(self.emit, node.expressions)])
        if isinstance(node, exp.Nullif):
            value = self.emit(node.this)
            return pl.when(value == self.emit(node.expression)).then(None).otherwise(value)
        if isinstance(node, exp.Case):
            branches = node.args.get("ifs") or []
            chain: Any = pl.when(self.emit(branches[0].this)).then(
                self.emit(branches[0].args["true"])
            )
            for branch in branches[1:]:
                chain = chain.when(self.emit(branch.this)).then(self.emit(branch.args["true"]))
            default = node.args.get("default")
            return chain.otherwise(self.emit(default) if default is not None else pl.lit(None))
        if type(node) in AGGREGATES:
            return self.aggregate(node)
        if isinstance(node, exp.Anonymous):  # program_status / receives (checked)
            args = [str(a.this) for a in node.expressions]
            if node.name.lower() == "program_status":
                return pl.col(ref_column(args[0], "status"))
            what = args[1] if len(args) == 2 else "receives"
            return pl.col(ref_column(args[0], what))
        raise TypeError(f"not an allowed node: {type(node).__name__}")  # analyse refused it

    def aggregate(self, node: Any) -> pl.Expr:
        """An aggregate over the family (``_family``), null where SQL gives null."""
        family = pl.col(FAMILY)
        arg = node.this
        if isinstance(node, exp.Count):
            if isinstance(arg, exp.Star):
                return pl.len().over(family).cast(pl.Int64)
            return self.emit(arg).count().over(family).cast(pl.Int64)
        value = self.emit(arg)
        if isinstance(node, exp.CountIf):
            return value.cast(pl.Int64).sum().over(family)
        some = value.count().over(family) > 0
        if isinstance(node, exp.Sum):
            return pl.when(some).then(value.sum().over(family))
        if isinstance(node, exp.LogicalOr):
            return pl.when(some).then(value.any().over(family))
        if isinstance(node, exp.LogicalAnd):
            return pl.when(some).then(value.all().over(family))
        if isinstance(node, exp.Min):
            return value.min().over(family)
        if isinstance(node, exp.Max):
            return value.max().over(family)
        return value.mean().over(family)  # AVG


def to_polars(checked: Checked) -> pl.Expr:
    """The condition as a polars expression over the typed inputs."""
    return PolarsEmitter(checked).emit(checked.tree)


__all__ = ["PolarsEmitter", "like_regex", "to_polars"]
