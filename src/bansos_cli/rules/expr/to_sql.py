"""Emit a checked condition as SQL text for a SQL engine (DuckDB; Spark is one more entry).

The checked tree is rewritten once into plain, portable SQL, then printed by sqlglot in the
engine's dialect:

* ``x / y`` -> ``CASE WHEN y <> 0 THEN x / y END`` (null-safe, as in polars);
* a quoted ISO date compared with a date -> ``CAST('2025-01-01' AS DATE)``;
* ``TRIM(x)`` -> ``TRIM(x, ' ')`` is not needed: SQL ``TRIM`` removes spaces, as polars does
  here;
* an aggregate (family scope) -> a window over the family: ``SUM(x) OVER (PARTITION BY
  _family)``;
* ``program_status('pkh')`` / ``receives('pkh', 'lansia')`` -> the column carrying that
  outcome (``__ref__pkh__status`` ...).

A new engine is one more :class:`Dialect` in :data:`DIALECTS`: its sqlglot dialect name and,
where its spelling or behaviour differs, a rewrite of single nodes. The gaps of an engine are
closed here and nowhere else:

* Spark (ANSI mode, the default since Spark 4) raises on a cast it cannot make where polars
  and DuckDB give NULL: a cast is emitted as ``TRY_CAST``; division is already null-safe
  above, so ANSI's division-by-zero error cannot happen. Identifiers are quoted (Spark
  resolves names without case; quoting keeps a column named like a keyword a column).
  ``TRIM``, ``UPPER``/``LOWER``, ``LENGTH`` (code points), ``LIKE``/``ILIKE`` and
  ``regexp_like`` (``RLIKE``, a search, not a whole-value match, as in polars) behave alike on
  the rule subset; the parity test runs every shipped rule on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp

from bansos_cli.rules.expr.analyse import AGGREGATES, FAMILY, Checked, ref_column


@dataclass(frozen=True)
class Dialect:
    """A SQL engine the conditions can be emitted to."""

    name: str
    sqlglot: str
    """The sqlglot dialect that prints the text."""
    rewrites: dict[type[exp.Expression], Callable[[exp.Expression], exp.Expression]] = field(
        default_factory=dict
    )
    """Per node type, a rewrite applied after the portable one (engine spellings)."""
    identify: bool = False
    """Quote every identifier in the printed text."""


def _try_cast(node: exp.Expression) -> exp.Expression:
    # safe=True: sqlglot's Spark printer writes a plain TryCast as CAST, which is safe only
    # with ANSI mode off; the flag makes it print TRY_CAST, which is safe in both modes
    return exp.TryCast(this=node.args["this"], to=node.args["to"], safe=True)


DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect("duckdb", "duckdb"),
    "spark": Dialect("spark", "spark", {exp.Cast: _try_cast}, identify=True),
}
"""The SQL engines conditions are emitted to (polars has its own emitter, :mod:`.to_polars`)."""


def _portable(node: exp.Expression, checked: Checked) -> exp.Expression:
    if isinstance(node, exp.Literal) and id(node) in checked.dates:
        return exp.Cast(this=exp.Literal.string(node.this), to=exp.DataType.build("DATE"))
    if isinstance(node, exp.Div):
        divisor = node.right.copy()
        return exp.Paren(
            this=exp.Case(
                ifs=[
                    exp.If(
                        this=exp.NEQ(this=divisor, expression=exp.Literal.number(0)),
                        true=exp.Div(this=node.left.copy(), expression=node.right.copy()),
                    )
                ]
            )
        )
    if type(node) in AGGREGATES:
        return exp.Window(
            this=node.copy(), partition_by=[exp.column(FAMILY, quoted=True)], over="OVER"
        )
    if isinstance(node, exp.Anonymous):
        args = [str(a.this) for a in node.expressions]
        if node.name.lower() == "program_status":
            return exp.column(ref_column(args[0], "status"), quoted=True)
        what = args[1] if len(args) == 2 else "receives"
        return exp.column(ref_column(args[0], what), quoted=True)
    return node


def _rewrite(node: exp.Expression, checked: Checked, dialect: Dialect) -> exp.Expression:
    # children first, so that a rewritten node (a window) is not visited again
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expression):
            node.set(key, _rewrite(value, checked, dialect))
        elif isinstance(value, list):
            node.set(
                key,
                [
                    _rewrite(v, checked, dialect) if isinstance(v, exp.Expression) else v
                    for v in value
                ],
            )
    out = _portable(node, checked)
    rewrite = dialect.rewrites.get(type(out))
    return rewrite(out) if rewrite else out


def to_sql(checked: Checked, dialect: str = "duckdb") -> str:
    """The condition as SQL text in ``dialect`` (a key of :data:`DIALECTS`)."""
    target = DIALECTS[dialect]
    # the literal ids that mark dates belong to the original tree: rewrite it in place on a
    # tree that shares those nodes, then print
    tree = checked.tree
    copy = _copy_keeping_dates(tree, checked)
    out = _rewrite(copy.tree, copy, target)
    return out.sql(dialect=target.sqlglot, identify=target.identify)


def _copy_keeping_dates(tree: exp.Expression, checked: Checked) -> Checked:
    """A deep copy of the tree with the date-literal marks moved onto the copied nodes."""
    copy = tree.copy()
    dates = {
        id(new)
        for old, new in zip(tree.walk(), copy.walk(), strict=True)
        if id(old) in checked.dates
    }
    return Checked(copy, checked.type, dates, checked.columns, checked.refs, checked.aggregates)


__all__ = ["DIALECTS", "Dialect", "to_sql"]
