"""Derived variables the engine computes, so that rule authors never do date arithmetic.

Age is counted in completed years (or months) at an explicit reference date. The month and
day parts are widened to 32-bit integers before any arithmetic: polars returns them as 8-bit
integers, which silently wrap in expressions such as ``month * 100 + day``.

A year (or month) is completed on the same day of the month; when that day does not exist in
the reference month (29 February in a common year, the 31st in a 30-day month) it is completed
on the month's last day, as polars ``offset_by`` and dateutil do. ``leap_day: mar1`` moves the
29-February birthday to 1 March in common years instead.
"""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl

from bansos_cli.rules.model import Derived
from bansos_cli.rules.occupations import categorise


def age_years(birth: pl.Expr, as_of: dt.date, leap_day: str = "feb28") -> pl.Expr:
    """Completed years between ``birth`` and ``as_of``; null if unknown or after ``as_of``."""
    year = birth.dt.year().cast(pl.Int32)
    month_day = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    if not calendar.isleap(as_of.year):
        month_day = (
            pl.when(month_day == 229).then(228 if leap_day == "feb28" else 301).otherwise(month_day)
        )
    ref_month_day = as_of.month * 100 + as_of.day
    age = pl.lit(as_of.year, dtype=pl.Int32) - year - (month_day > ref_month_day).cast(pl.Int32)
    return pl.when(birth <= pl.lit(as_of)).then(age)


def age_months(birth: pl.Expr, as_of: dt.date) -> pl.Expr:
    """Completed months between ``birth`` and ``as_of``; null if unknown or after ``as_of``."""
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    month = birth.dt.month().cast(pl.Int32)
    day = birth.dt.day().cast(pl.Int32)
    months = (as_of.year - birth.dt.year().cast(pl.Int32)) * 12 + (as_of.month - month)
    anniversary = pl.min_horizontal(day, pl.lit(days_in_month, dtype=pl.Int32))
    age = months - (anniversary > as_of.day).cast(pl.Int32)
    return pl.when(birth <= pl.lit(as_of)).then(age)


def occupation_category(text: pl.Expr) -> pl.Expr:
    """The category (ASN, TNI, POLRI, ...) of a KTP occupation, null when unrecognised."""
    # a batch-level call: the lookup joins each distinct text with the reference table once
    return text.map_batches(categorise, return_dtype=pl.String)


def derived_expr(spec: Derived, as_of: dt.date) -> pl.Expr:
    """The expression computing one derived variable from its (already typed) input."""
    source = pl.col(spec.from_)
    if spec.kind == "age_years":
        return age_years(source, as_of, spec.leap_day)
    if spec.kind == "occupation_category":
        return occupation_category(source)
    return age_months(source, as_of)
