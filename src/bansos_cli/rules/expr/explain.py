"""Explanations: the values that decided a condition, as text (``umur 58 < 60``).

Built from the same checked tree as the condition, as polars string expressions (no loop
over rows): a comparison shows the value of each side and the operator that held
(``desil 6 > 4`` when ``desil <= 4`` was false), ``IN`` its list, ``AND`` the parts that
decided, a missing value ``desil kosong``. Values of identifying columns (NIK, NO KK) are
masked; a name is never shown.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlglot import exp

from bansos_cli.core.messages import text as T
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.rules.expr.analyse import COMPARISONS, NEGATED, Checked
from bansos_cli.rules.expr.to_polars import PolarsEmitter

MASKED = ("nik", "no_kk")
HIDDEN = ("nama", "nama_ibu_kandung")
_LIST_SHOWN = 4


class Explainer:
    """Explanations of one checked condition in one language."""

    def __init__(self, checked: Checked, lang: str):
        self.checked = checked
        self.lang = lang
        self.emitter = PolarsEmitter(checked)
        self.empty = T("EXPLAIN_EMPTY", lang)

    # -- showing values ---------------------------------------------------------------------
    def _sql(self, node: exp.Expression) -> str:
        text = node.sql().replace("LOGICAL_OR(", "BOOL_OR(").replace("LOGICAL_AND(", "BOOL_AND(")
        return text if len(text) <= 60 else text[:57] + "..."

    def _literal_text(self, node: exp.Expression) -> str:
        value = self.emitter.literal(node)
        if isinstance(value, bool):
            return T("EXPLAIN_TRUE" if value else "EXPLAIN_FALSE", self.lang)
        return str(value)

    def value(self, node: exp.Expression) -> pl.Expr:
        """The node's value as text (``kosong`` for null, masked for identifiers)."""
        while isinstance(node, exp.Paren):
            node = node.this
        columns = [c.name for c in node.find_all(exp.Column)]
        if any(c in HIDDEN for c in columns):
            return pl.lit("...")
        expr = self.emitter.emit(node)
        kind = self.checked.types.get(id(node))
        if kind == "boolean":
            shown = (
                pl.when(expr)
                .then(pl.lit(T("EXPLAIN_TRUE", self.lang)))
                .otherwise(pl.lit(T("EXPLAIN_FALSE", self.lang)))
            )
        else:
            shown = expr.cast(pl.String)
            if any(c in MASKED for c in columns):
                shown = mask_id_expr(shown)
        return pl.when(expr.is_null()).then(pl.lit(self.empty)).otherwise(shown)

    def describe(self, node: exp.Expression) -> pl.Expr:
        """``desil 6``, ``pekerjaan ASN``, ``4``: what a side of a comparison was."""
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Literal | exp.Boolean | exp.Cast | exp.Neg) and not list(
            node.find_all(exp.Column)
        ):
            return pl.lit(self._literal_text(node))
        if isinstance(node, exp.Null):
            return pl.lit("NULL")
        columns = list(dict.fromkeys(c.name for c in node.find_all(exp.Column)))
        label = columns[0] if len(columns) == 1 and not self._aggregate(node) else self._sql(node)
        return pl.concat_str([pl.lit(label + " "), self.value(node)])

    @staticmethod
    def _aggregate(node: exp.Expression) -> bool:
        from bansos_cli.rules.expr.analyse import AGGREGATES

        return any(type(n) in AGGREGATES for n in node.walk())

    # -- why a node had its value ------------------------------------------------------------
    def why(self, node: Any, value: bool) -> pl.Expr:  # noqa: C901
        """Text saying why ``node`` was ``value`` (true or false) on each row."""
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Not):
            return self.why(node.this, not value)
        if isinstance(node, exp.And | exp.Or):
            parts = self._flatten(node, type(node))
            all_of = isinstance(node, exp.And) == value  # AND true / OR false: every part
            pieces = []
            for part in parts:
                if all_of:
                    pieces.append(self.why(part, value))
                else:
                    holds = self.emitter.emit(part).eq(value)
                    pieces.append(pl.when(holds).then(self.why(part, value)))
            joined = pl.concat_str(pieces, separator=", ", ignore_nulls=True)
            return pl.when(joined == "").then(None).otherwise(joined)
        if type(node) in COMPARISONS:
            op = COMPARISONS[type(node)]
            op = op if value else NEGATED[op]
            return pl.concat_str(
                [self.describe(node.left), pl.lit(f" {op} "), self.describe(node.right)]
            )
        if isinstance(node, exp.In):
            items = [self._literal_text(i) for i in node.expressions]
            shown = ", ".join(items[:_LIST_SHOWN]) + (", ..." if len(items) > _LIST_SHOWN else "")
            word = T("EXPLAIN_IN" if value else "EXPLAIN_NOT_IN", self.lang)
            return pl.concat_str([self.describe(node.this), pl.lit(f" {word} ({shown})")])
        if isinstance(node, exp.Between):
            word = T("EXPLAIN_BETWEEN" if value else "EXPLAIN_NOT_BETWEEN", self.lang)
            return pl.concat_str(
                [
                    self.describe(node.this),
                    pl.lit(f" {word} "),
                    self.describe(node.args["low"]),
                    pl.lit(" - "),
                    self.describe(node.args["high"]),
                ]
            )
        if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
            if value:
                return pl.concat_str([pl.lit(self._label(node.this) + " "), pl.lit(self.empty)])
            return pl.lit(None, dtype=pl.String)  # "not empty": the other parts show the value
        if isinstance(node, exp.Like | exp.ILike | exp.RegexpLike):
            word = T("EXPLAIN_MATCHES" if value else "EXPLAIN_NOT_MATCHES", self.lang)
            pattern = str(node.expression.this)
            return pl.concat_str([self.describe(node.this), pl.lit(f" {word} '{pattern}'")])
        return self.describe(node)

    def _label(self, node: exp.Expression) -> str:
        columns = list(dict.fromkeys(c.name for c in node.find_all(exp.Column)))
        return columns[0] if len(columns) == 1 else self._sql(node)

    @staticmethod
    def _flatten(node: Any, kind: type[exp.Expression]) -> list[exp.Expression]:
        out: list[exp.Expression] = []
        for side in (node.left, node.right):
            while isinstance(side, exp.Paren):
                side = side.this
            out.extend(Explainer._flatten(side, kind) if isinstance(side, kind) else [side])
        return out

    def missing(self) -> pl.Expr:
        """Why the condition was null: the referenced columns that are empty."""
        pieces = [
            pl.when(pl.col(c).is_null()).then(pl.lit(f"{c} {self.empty}"))
            for c in self.checked.columns
        ]
        fallback = pl.lit(T("EXPLAIN_NO_RESULT", self.lang))
        if not pieces:
            return fallback
        joined = pl.concat_str(pieces, separator=", ", ignore_nulls=True)
        return pl.when(joined == "").then(fallback).otherwise(joined)


__all__ = ["Explainer"]
