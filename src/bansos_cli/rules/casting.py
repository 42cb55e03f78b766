"""Read the text columns the rules need into typed columns, leniently.

A cell that is present but cannot be read (``abc`` as a desil, ``31-02-2020`` as a date, a
value outside ``allowed``) becomes null, so each rule's ``on_missing`` policy decides; the
column name is listed in the row's ``unreadable`` column so nobody loses sight of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from bansos_cli.rules.model import InputSpec, InputType

DTYPES: dict[InputType, pl.DataType] = {
    InputType.string: pl.String(),
    InputType.integer: pl.Int64(),
    InputType.number: pl.Float64(),
    InputType.date: pl.Date(),
    InputType.boolean: pl.Boolean(),
    InputType.sex: pl.String(),
}

_TRUE = ["YA", "Y", "TRUE", "BENAR", "1", "ADA"]
_FALSE = ["TIDAK", "TDK", "N", "NO", "FALSE", "SALAH", "0", "TIDAK ADA"]
_MALE = ["L", "LK", "LAKI-LAKI", "LAKI LAKI", "LAKI", "PRIA", "1", "M", "MALE"]
_FEMALE = ["P", "PR", "PEREMPUAN", "WANITA", "2", "F", "FEMALE", "W"]
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %m %Y")
_MONTHS = {
    "JANUARI": "01",
    "FEBRUARI": "02",
    "MARET": "03",
    "APRIL": "04",
    "MEI": "05",
    "JUNI": "06",
    "JULI": "07",
    "AGUSTUS": "08",
    "SEPTEMBER": "09",
    "OKTOBER": "10",
    "NOVEMBER": "11",
    "DESEMBER": "12",
    "JAN": "01",
    "FEB": "02",
    "MAR": "03",
    "APR": "04",
    "JUN": "06",
    "JUL": "07",
    "AGU": "08",
    "AGT": "08",
    "AGS": "08",
    "SEP": "09",
    "OKT": "10",
    "NOV": "11",
    "DES": "12",
}
_EXCEL_ORIGIN = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class CastColumn:
    """The typed value of one input and whether a present cell was unreadable."""

    value: pl.Expr
    unreadable: pl.Expr


def _text(name: str) -> pl.Expr:
    stripped = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _date(text: pl.Expr) -> pl.Expr:
    upper = text.str.to_uppercase()
    # "17 Agustus 1945", "17-AGU-1945": month names to numbers, separators to spaces
    named = upper.str.replace_all(r"[-/.]", " ").str.replace_many(
        list(_MONTHS), list(_MONTHS.values()), leftmost=True
    )
    iso_prefix = text.str.extract(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}", 1)
    serial = text.str.extract(r"^(\d{2,5})(?:\.0+)?$", 1).cast(pl.Int32, strict=False)
    candidates = [text.str.to_date(fmt, strict=False) for fmt in _DATE_FORMATS[:-1]]
    candidates.append(named.str.to_date("%d %m %Y", strict=False))
    candidates.append(iso_prefix.str.to_date("%Y-%m-%d", strict=False))
    candidates.append(pl.when(serial >= 61).then(pl.lit(_EXCEL_ORIGIN) + pl.duration(days=serial)))
    return pl.coalesce(candidates).cast(pl.Date)


def _mapped(text: pl.Expr, yes: list[str], no: list[str], yes_v: object, no_v: object) -> pl.Expr:
    upper = text.str.to_uppercase()
    return pl.when(upper.is_in(yes)).then(pl.lit(yes_v)).when(upper.is_in(no)).then(pl.lit(no_v))


def cast_input(
    name: str, spec: InputSpec, present: bool, source: pl.DataType | None = None
) -> CastColumn:
    """Expressions that read column ``name`` as ``spec.type`` (all null if not ``present``).

    ``source`` is the column's current type: a column already of the target type (a typed
    Parquet file, a frame built in Python) is used as it is.
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
        value = text.str.extract(r"^(?:[A-Za-z]+\s*)?([+-]?\d{1,18})(?:[.,]0+)?$", 1).cast(
            pl.Int64, strict=False
        )
    elif spec.type == InputType.number:
        cleaned = text.str.replace(r"^([+-]?\d+),(\d+)$", "$1.$2")
        value = cleaned.cast(pl.Float64, strict=False)
    elif spec.type == InputType.date:
        value = _date(text)
    elif spec.type == InputType.boolean:
        value = _mapped(text, _TRUE, _FALSE, True, False).cast(pl.Boolean)
    else:  # sex
        value = _mapped(text, _MALE, _FEMALE, "L", "P").cast(pl.String)
    if spec.allowed is not None:
        if spec.type == InputType.string:
            allowed = [str(a).upper() for a in spec.allowed]
            value = pl.when(value.str.to_uppercase().is_in(allowed)).then(value)
        else:
            value = pl.when(value.is_in(pl.Series(spec.allowed, dtype=dtype).implode())).then(value)
    return CastColumn(value.cast(dtype), text.is_not_null() & value.is_null())
