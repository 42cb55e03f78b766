"""Per-column numeric tolerances: absolute, relative, or both (as datacompy's abs_tol/rel_tol).

Two values read as numbers are equal when ``|right - left| <= absolute + relative * |left|``.
The reference of the relative part is the LEFT value (the decree, last period's list): "1 % of
what was decided". (datacompy takes the second frame's value; here the reference list is the
left one.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from bansos_cli.core.errors import OptionError

_NUMBER = r"(?:\d{1,3}(?:\.\d{3})+|\d+(?:[.,]\d+)?)"
_FORM = re.compile(rf"^\s*(?:({_NUMBER})\s*(?:\+\s*({_NUMBER})\s*%)?|({_NUMBER})\s*%)\s*$")


def _number(text: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):  # 1.000 (Indonesian thousands)
        return float(text.replace(".", ""))
    return float(text.replace(",", "."))


@dataclass(frozen=True)
class Tolerance:
    """How far two numbers may be apart and still count as equal."""

    absolute: float = 0.0
    relative: float = 0.0
    """A fraction (``0.01`` = 1 %) of the left value."""

    @classmethod
    def parse(cls, text: str | float, column: str = "") -> Tolerance:
        """``1000`` (absolute), ``1%`` (relative), ``1000+1%`` (both); ``1.000`` and ``0,5%``
        as officers write them. Anything else is an :class:`OptionError`."""
        if isinstance(text, int | float) and not isinstance(text, bool):
            if text < 0:
                raise OptionError.of("RECONCILE_TOLERANCE_FORMAT", value=str(text), column=column)
            return cls(absolute=float(text))
        match = _FORM.match(str(text))
        if not match:
            raise OptionError.of("RECONCILE_TOLERANCE_FORMAT", value=str(text), column=column)
        absolute, with_relative, relative_only = match.groups()
        if relative_only is not None:
            return cls(relative=_number(relative_only) / 100)
        return cls(
            absolute=_number(absolute),
            relative=_number(with_relative) / 100 if with_relative else 0.0,
        )

    def allows(self, difference: pl.Expr, reference: pl.Expr) -> pl.Expr:
        """``|difference| <= absolute + relative * |reference|`` (null when either is null)."""
        bound = pl.lit(self.absolute, dtype=pl.Float64)
        if self.relative:
            bound = bound + self.relative * reference.abs().cast(pl.Float64)
        return difference.abs().cast(pl.Float64) <= bound

    def __str__(self) -> str:
        parts = []
        if self.absolute or not self.relative:
            parts.append(f"{self.absolute:g}")
        if self.relative:
            parts.append(f"{self.relative * 100:g}%")
        return "+".join(parts)


def tolerance_map(values: Mapping[str, Tolerance | str | float]) -> dict[str, Tolerance]:
    """Column -> :class:`Tolerance` from tolerances or their texts."""
    return {
        column: value if isinstance(value, Tolerance) else Tolerance.parse(value, column)
        for column, value in values.items()
    }


def parse_tolerance_option(
    values: list[str] | tuple[str, ...] | None, amount: str | None
) -> dict[str, Tolerance]:
    """``--tolerance`` values: ``COLUMN=TOLERANCE`` (repeat the option or join with commas);
    a bare tolerance is the amount column's (``--tolerance 1000`` as before)."""
    items: list[str] = []
    for value in values or []:
        for piece in (p.strip() for p in value.split(",")):
            # "nominal=0,5%" is one item: a decimal comma splits it in two pieces
            previous = items[-1] if items else ""
            decimals = re.fullmatch(r"\d+%?", piece) and re.search(r"(^|=)\s*\d+$", previous)
            if decimals:
                items[-1] += "," + piece
            elif piece:
                items.append(piece)
    found: dict[str, Tolerance] = {}
    for item in items:
        column, sep, text = item.partition("=")
        if not sep:
            column, text = amount or "", item
        column = column.strip()
        if not column:
            raise OptionError.of("RECONCILE_TOLERANCE_FORMAT", value=item, column="")
        found[column] = Tolerance.parse(text, column)
    return found
