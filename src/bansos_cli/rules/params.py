"""Parameters: pick the value in force at a reference date; put it into SQL as a literal.

Conditions refer to parameters as ``:name`` (the usual SQL named-parameter syntax). The
value in force at the reference date is written into the SQL text as a literal before it is
compiled, so the compiled text is plain SQL that any engine could run too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bansos_cli.rules.model import Parameter, ParamValue, Scalar


@dataclass(frozen=True)
class ResolvedParameter:
    """The value of one parameter at a reference date, with where it comes from."""

    name: str
    value: ParamValue
    from_: dt.date | None
    until: dt.date | None
    source: str
    """The citation (title, publisher, date), ``override`` for a value given on the run."""
    uncertain: bool
    overridden: bool = False


def resolve(name: str, parameter: Parameter, as_of: dt.date) -> ResolvedParameter | None:
    """The value in force on ``as_of``: the latest ``from`` on or before it, unless expired."""
    candidates = [v for v in parameter.values if v.from_ <= as_of]
    if not candidates:
        return None
    latest = max(candidates, key=lambda v: v.from_)
    if latest.until is not None and latest.until < as_of:
        return None
    return ResolvedParameter(
        name, latest.value, latest.from_, latest.until, latest.citation, latest.uncertain
    )


def sql_literal(value: ParamValue) -> str:
    """A SQL literal for a parameter value; a list becomes ``(a, b, c)`` for ``IN``."""
    if isinstance(value, list):
        return "(" + ", ".join(_scalar_literal(v) for v in value) + ")"
    return _scalar_literal(value)


def _scalar_literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    return "'" + str(value).replace("'", "''") + "'"


# One token of SQL text: a quoted string, a quoted identifier, a parameter, or anything else.
_TOKEN = re.compile(
    r"""(?P<str>'(?:[^']|'')*'?)|(?P<ident>"(?:[^"]|"")*"?)|(?P<cast>::)"""
    r"""|(?P<param>:[A-Za-z_][A-Za-z0-9_]*)|(?P<other>[^'":]+|:)""",
    re.DOTALL,
)


@dataclass(frozen=True)
class SqlScan:
    """What a condition's text contains outside string literals."""

    params: tuple[str, ...]
    code: str
    """The text with string literals and quoted identifiers blanked out."""


def scan(sql: str) -> SqlScan:
    """Find ``:name`` parameters and the code outside literals."""
    params: list[str] = []
    code: list[str] = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        text = match.group()
        if kind == "param":
            params.append(text[1:])
            code.append(" ")
        elif kind in ("str", "ident"):
            code.append(" ")
        else:
            code.append(text)
    return SqlScan(tuple(dict.fromkeys(params)), "".join(code))


def substitute(sql: str, values: dict[str, ParamValue]) -> str:
    """Replace every ``:name`` outside literals by the SQL literal of ``values[name]``."""
    out: list[str] = []
    for match in _TOKEN.finditer(sql):
        if match.lastgroup == "param":
            out.append(sql_literal(values[match.group()[1:]]))
        else:
            out.append(match.group())
    return "".join(out)


def coerce_override(value: object, current: ParamValue) -> ParamValue | None:
    """An override (``--param name=value``: text, or a Python value) read as the type of the
    parameter's value in force; None when it cannot be read so.

    A list parameter takes a comma-separated text (``PNS,TNI``); numbers, dates (ISO) and
    true/false are read as such; text stays text.
    """
    if not isinstance(value, str):
        if isinstance(current, list) and isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, bool | int | float | dt.date | str):
            return value
        return None
    if isinstance(current, list):
        example = current[0] if current else ""
        items = [coerce_override(v.strip(), example) for v in value.split(",") if v.strip()]
        if not items or any(i is None or isinstance(i, list) for i in items):
            return None
        return [i for i in items if i is not None and not isinstance(i, list)]
    text = value.strip()
    try:
        if isinstance(current, bool):
            lowered = text.lower()
            return {"true": True, "false": False}[lowered] if lowered in ("true", "false") else None
        if isinstance(current, int):
            return int(text)
        if isinstance(current, float):
            return float(text)
        if isinstance(current, dt.date):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text


def format_value(value: ParamValue, lang: str) -> str:
    """A parameter value as a person reads it (``2400000`` -> ``2.400.000`` in Indonesian)."""
    if isinstance(value, list):
        return ", ".join(format_value(v, lang) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "id" else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
