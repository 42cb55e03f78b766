"""The portable SQL subset of rule conditions: parse once, check against an allowlist, type.

A condition is parsed once with sqlglot into one syntax tree. Every node must be of an
allowed kind (comparisons, ``AND``/``OR``/``NOT``, ``IN`` with a list of literals,
``BETWEEN``, ``LIKE``/``ILIKE``, ``IS [NOT] NULL``, arithmetic, ``CASE``, a few string
functions, ``regexp_like``, aggregates in family scope, references to another program's
outcome): a subquery, a table function (``read_csv``), a window or a statement is refused,
so nothing outside the row (or the family) can be read. Every node gets a type (number,
string, date, boolean, null): comparing a date with a number is a type error, a quoted ISO
date compared with a date is a date literal. The same checked tree is emitted to polars
(:mod:`.to_polars`) and to SQL text for DuckDB and other engines (:mod:`.to_sql`), so every
engine runs the same condition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlglot
from sqlglot import exp

Type = Literal["number", "string", "date", "boolean", "null"]
Scope = Literal["person", "family"]

FAMILY = "_family"
"""The column holding the normalised family key (NO KK) in the frames conditions run on."""
REF_PREFIX = "__ref__"
"""Columns carrying another program's outcome: ``__ref__<program>__status`` (text),
``__ref__<program>__receives`` and ``__ref__<program>__<component>`` (true/false)."""

COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}
NEGATED = {"=": "<>", "<>": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div)
STRING_FUNCTIONS = (exp.Upper, exp.Lower, exp.Trim)
AGGREGATES: dict[type[exp.Expression], str] = {
    exp.Count: "COUNT",
    exp.CountIf: "COUNT_IF",
    exp.Sum: "SUM",
    exp.Min: "MIN",
    exp.Max: "MAX",
    exp.Avg: "AVG",
    exp.LogicalOr: "BOOL_OR",
    exp.LogicalAnd: "BOOL_AND",
}
REF_FUNCTIONS = ("program_status", "receives")
FUNCTIONS = (
    "UPPER, LOWER, TRIM, LENGTH, COALESCE, NULLIF, ABS, regexp_like; in family scope "
    "COUNT, COUNT_IF, SUM, MIN, MAX, AVG, BOOL_OR, BOOL_AND; program_status('id'), "
    "receives('id'[, 'component'])"
)


@dataclass(frozen=True)
class Problem:
    """One problem in a condition: a catalogue code of ``rules.yaml`` and its parameters."""

    code: str
    """``SQL_SYNTAX``, ``SQL_NOT_ALLOWED``, ``SQL_AGGREGATE``, ``UNKNOWN_COLUMN``, ``TYPE``,
    ``PROGRAM_REF``."""
    text: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What a condition may refer to."""

    columns: dict[str, Type]
    scope: Scope = "person"
    programs: dict[str, frozenset[str]] | None = None
    """Program id -> its components, for references; None: references are not checked."""


@dataclass
class Checked:
    """A parsed, allowed and typed condition."""

    tree: exp.Expression
    type: Type
    dates: set[int]
    """``id()`` of the string literals that are date literals (compared with a date)."""
    columns: list[str]
    """Columns referenced, in order of appearance."""
    refs: list[tuple[str, str | None]]
    """Program references: ``(program, None)`` for status/receives, ``(program, component)``."""
    aggregates: bool
    types: dict[int, Type] = field(default_factory=dict)
    """``id()`` of every node -> its type (for explanations)."""


def ref_column(program: str, what: str) -> str:
    """``('pkh', 'status')`` -> ``__ref__pkh__status``."""
    return f"{REF_PREFIX}{program}__{what}"


def literal_date(text: str) -> dt.date | None:
    """An ISO date (``2025-01-31``), else None."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


class _Refused(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Checker:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.dates: set[int] = set()
        self.columns: list[str] = []
        self.refs: list[tuple[str, str | None]] = []
        self.aggregates = False
        self.in_aggregate = False
        self.types: dict[int, Type] = {}

    def fail(self, code: str, text: str, **params: Any) -> _Refused:
        return _Refused(Problem(code, text, params))

    # -- literals coerced to dates ---------------------------------------------------------
    def _as_date(self, node: Any) -> None:
        """A string literal compared with a date becomes a date literal (or a type error)."""
        if isinstance(node, exp.Paren):
            self._as_date(node.this)
            return
        if isinstance(node, exp.Literal) and node.is_string:
            if literal_date(node.this) is None:
                raise self.fail("TYPE", "RULE_TYPE_NOT_A_DATE", value=node.this)
            self.dates.add(id(node))

    def _unify(self, nodes: list[Any], what: str) -> Type:
        types = [self.visit(n) for n in nodes]
        known = {t for t in types if t != "null"}
        if "date" in known and "string" in known:
            for node, t in zip(nodes, types, strict=True):
                if t == "string":
                    self._as_date(node)
            known.discard("string")
        if len(known) > 1:
            raise self.fail("TYPE", "RULE_TYPE_MIXED", what=what, types=" / ".join(sorted(known)))
        return known.pop() if known else "null"

    def _expect(self, node: Any, wanted: Type, what: str) -> None:
        got = self.visit(node)
        if got not in (wanted, "null"):
            raise self.fail("TYPE", "RULE_TYPE_EXPECTED", what=what, wanted=wanted, got=got)

    def _string_literal(self, node: Any, what: str) -> str:
        if not isinstance(node, exp.Literal) or not node.is_string:
            raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_LITERAL_NEEDED", what=what)
        return str(node.this)

    # -- the walk ------------------------------------------------------------------------------
    def visit(self, node: Any) -> Type:
        found = self._visit(node)
        self.types[id(node)] = found
        return found

    def _visit(self, node: Any) -> Type:  # noqa: C901 - one branch per node kind
        if isinstance(node, exp.Paren):
            return self.visit(node.this)
        if isinstance(node, exp.Column):
            if node.table:
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_QUALIFIED", name=node.sql())
            name = node.name
            if name not in self.ctx.columns:
                raise self.fail("UNKNOWN_COLUMN", "RULE_UNKNOWN_COLUMN", column=name)
            if self.ctx.scope == "family" and not self.in_aggregate:
                raise self.fail("SQL_AGGREGATE", "RULE_SQL_FAMILY_NEEDS_AGGREGATE", column=name)
            self.columns.append(name)
            return self.ctx.columns[name]
        if isinstance(node, exp.Literal):
            return "string" if node.is_string else "number"
        if isinstance(node, exp.Boolean):
            return "boolean"
        if isinstance(node, exp.Null):
            return "null"
        if isinstance(node, exp.Cast):
            to = node.args.get("to")
            inner = node.this
            if (
                isinstance(to, exp.DataType)
                and to.this == exp.DataType.Type.DATE
                and isinstance(inner, exp.Literal)
                and inner.is_string
            ):
                if literal_date(inner.this) is None:
                    raise self.fail("TYPE", "RULE_TYPE_NOT_A_DATE", value=inner.this)
                return "date"
            raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_CAST")
        if isinstance(node, exp.And | exp.Or):
            self._expect(node.left, "boolean", node.key.upper())
            self._expect(node.right, "boolean", node.key.upper())
            return "boolean"
        if isinstance(node, exp.Not):
            self._expect(node.this, "boolean", "NOT")
            return "boolean"
        if type(node) in COMPARISONS:
            kind = self._unify([node.left, node.right], COMPARISONS[type(node)])
            del kind
            return "boolean"
        if isinstance(node, exp.Is):
            right = node.expression
            if isinstance(right, exp.Null):
                self.visit(node.this)
            elif isinstance(right, exp.Boolean):
                self._expect(node.this, "boolean", "IS")
            else:
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_IS")
            return "boolean"
        if isinstance(node, exp.In):
            if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_IN_LIST")
            items = node.expressions
            if not items or not all(
                isinstance(i, exp.Literal | exp.Boolean | exp.Cast | exp.Neg) for i in items
            ):
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_IN_LIST")
            self._unify([node.this, *items], "IN")
            return "boolean"
        if isinstance(node, exp.Between):
            self._unify([node.this, node.args["low"], node.args["high"]], "BETWEEN")
            return "boolean"
        if isinstance(node, exp.Like | exp.ILike):
            self._expect(node.this, "string", node.key.upper())
            self._string_literal(node.expression, node.key.upper())
            return "boolean"
        if isinstance(node, exp.Escape):
            raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node="ESCAPE")
        if isinstance(node, exp.RegexpLike):
            self._expect(node.this, "string", "regexp_like")
            self._string_literal(node.expression, "regexp_like")
            if node.args.get("flag") is not None:
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node="regexp_like flags")
            return "boolean"
        if isinstance(node, ARITHMETIC):
            for side in (node.left, node.right):
                self._expect(side, "number", node.key.upper())
            return "number"
        if isinstance(node, exp.Neg):
            self._expect(node.this, "number", "-")
            return "number"
        if isinstance(node, STRING_FUNCTIONS):
            if isinstance(node, exp.Trim) and (
                node.args.get("position") or node.args.get("expression")
            ):
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node="TRIM(... FROM ...)")
            self._expect(node.this, "string", node.key.upper())
            return "string"
        if isinstance(node, exp.Length):
            self._expect(node.this, "string", "LENGTH")
            return "number"
        if isinstance(node, exp.Abs):
            self._expect(node.this, "number", "ABS")
            return "number"
        if isinstance(node, exp.Coalesce):
            return self._unify([node.this, *node.expressions], "COALESCE")
        if isinstance(node, exp.Nullif):
            return self._unify([node.this, node.expression], "NULLIF")
        if isinstance(node, exp.Case):
            branches = node.args.get("ifs") or []
            if node.this is not None:
                raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node="CASE x WHEN")
            results = []
            for branch in branches:
                self._expect(branch.this, "boolean", "CASE WHEN")
                results.append(branch.args["true"])
            if node.args.get("default") is not None:
                results.append(node.args["default"])
            return self._unify(results, "CASE")
        if type(node) in AGGREGATES:
            return self._aggregate(node)
        if isinstance(node, exp.Anonymous) and node.name.lower() in REF_FUNCTIONS:
            return self._reference(node)
        if isinstance(node, exp.Subquery | exp.Select | exp.Exists | exp.Query):
            raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_QUERY")
        if isinstance(node, exp.Window):
            raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_WINDOW")
        if isinstance(node, exp.Func):
            name = node.sql_name() if not isinstance(node, exp.Anonymous) else node.name
            raise self.fail(
                "SQL_NOT_ALLOWED", "RULE_SQL_FUNCTION", function=name, allowed=FUNCTIONS
            )
        raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node=type(node).__name__)

    def _aggregate(self, node: Any) -> Type:
        name = AGGREGATES[type(node)]
        if self.ctx.scope != "family":
            raise self.fail("SQL_AGGREGATE", "RULE_SQL_AGGREGATE_PERSON", function=name)
        if self.in_aggregate:
            raise self.fail("SQL_AGGREGATE", "RULE_SQL_AGGREGATE_NESTED", function=name)
        self.aggregates = True
        self.in_aggregate = True
        try:
            arg = node.this
            if isinstance(node, exp.Count):
                if isinstance(arg, exp.Star):
                    return "number"
                if isinstance(arg, exp.Distinct) or node.expressions:
                    raise self.fail("SQL_NOT_ALLOWED", "RULE_SQL_NODE", node="COUNT(DISTINCT)")
                self.visit(arg)
                return "number"
            if isinstance(node, exp.CountIf | exp.LogicalOr | exp.LogicalAnd):
                self._expect(arg, "boolean", name)
                return "number" if isinstance(node, exp.CountIf) else "boolean"
            got = self.visit(arg)
            if isinstance(node, exp.Min | exp.Max) and got in ("number", "date", "null"):
                return got
            if got not in ("number", "null"):
                raise self.fail("TYPE", "RULE_TYPE_EXPECTED", what=name, wanted="number", got=got)
            return "number"
        finally:
            self.in_aggregate = False

    def _reference(self, node: exp.Anonymous) -> Type:
        name = node.name.lower()
        args = node.expressions
        if name == "program_status" and len(args) != 1 or not 1 <= len(args) <= 2:
            raise self.fail("PROGRAM_REF", "RULE_REF_ARGUMENTS", function=name)
        program = self._string_literal(args[0], name)
        component = self._string_literal(args[1], name) if len(args) == 2 else None
        known = self.ctx.programs
        if known is not None:
            if program not in known:
                raise self.fail(
                    "PROGRAM_REF",
                    "RULE_REF_UNKNOWN_PROGRAM",
                    program=program,
                    known=", ".join(sorted(known)) or "-",
                )
            if component is not None and component not in known[program]:
                raise self.fail(
                    "PROGRAM_REF",
                    "RULE_REF_UNKNOWN_COMPONENT",
                    program=program,
                    component=component,
                    known=", ".join(sorted(known[program])) or "-",
                )
        self.refs.append((program, component))
        return "string" if name == "program_status" else "boolean"


def parse(text: str) -> exp.Expression | Problem:
    """The syntax tree of one condition (never a statement), or the syntax problem."""
    try:
        trees = sqlglot.parse(text, read=None)
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        detail = str(first.get("description") or exc).splitlines()[0]
        return Problem("SQL_SYNTAX", "RULE_SQL_SYNTAX", {"detail": detail})
    except sqlglot.errors.TokenError as exc:
        return Problem("SQL_SYNTAX", "RULE_SQL_SYNTAX", {"detail": str(exc).splitlines()[0]})
    found = [t for t in trees if t is not None]
    if len(found) != 1:
        return Problem("SQL_STATEMENT", "RULE_SQL_ONE_EXPRESSION")
    tree: Any = found[0]
    if isinstance(tree, exp.Query | exp.Command | exp.DDL | exp.DML):
        return Problem("SQL_STATEMENT", "RULE_SQL_ONE_EXPRESSION")
    if any(
        isinstance(n, exp.Query | exp.Subquery | exp.Table | exp.From)
        or type(n).__name__.startswith("Read")  # read_csv, read_parquet ...: table functions
        for n in tree.walk()
    ):
        return Problem("SQL_NOT_ALLOWED", "RULE_SQL_QUERY")
    if isinstance(tree, exp.Alias):
        return Problem("SQL_NOT_ALLOWED", "RULE_SQL_NODE", {"node": "AS"})
    return tree


def analyse(text: str, ctx: Context) -> Checked | Problem:
    """Parse, allow-check and type one condition; it must give true/false."""
    tree = parse(text)
    if isinstance(tree, Problem):
        return tree
    checker = _Checker(ctx)
    try:
        kind = checker.visit(tree)
    except _Refused as refused:
        return refused.problem
    if kind not in ("boolean", "null"):
        return Problem("TYPE", "RULE_TYPE_NOT_BOOLEAN", {"got": kind})
    if ctx.scope == "family" and not checker.aggregates:
        return Problem("SQL_AGGREGATE", "RULE_SQL_FAMILY_NEEDS_AGGREGATE", {"column": "-"})
    columns = list(dict.fromkeys(checker.columns))
    return Checked(
        tree, kind, checker.dates, columns, checker.refs, checker.aggregates, checker.types
    )


__all__ = [
    "AGGREGATES",
    "COMPARISONS",
    "FAMILY",
    "NEGATED",
    "REF_PREFIX",
    "Checked",
    "Context",
    "Problem",
    "Scope",
    "Type",
    "analyse",
    "literal_date",
    "parse",
    "ref_column",
]
