"""Rule inputs: the per-distinct frame cast equals the row-wise expressions."""

from __future__ import annotations

import datetime as dt

import polars as pl

from bansos_cli.core import casts
from bansos_cli.rules.casting import UNREADABLE_PREFIX, cast_frame, cast_input
from bansos_cli.rules.model import InputSpec, InputType

AS_OF = dt.date(2025, 6, 30)
SPECS = {
    "d": InputSpec(type=InputType.integer),
    "t": InputSpec(type=InputType.date),
    "b": InputSpec(type=InputType.boolean),
    "s": InputSpec(type=InputType.sex),
    "k": InputSpec(type=InputType.integer, allowed=[1, 2, 3]),
    "x": InputSpec(type=InputType.number),
}
VALUES = {
    "d": ["4", "DESIL 3", " 7 ", "7.0", "3,5", "x", None, "-2"],
    "t": ["30-06-1965", "12/31/1965", "01-02-25", "01-02-26", "31-02-2020", "", "23923", None],
    "b": ["YA", "tidak", "-", "PADAN", "mungkin", None, "1", "T"],
    "s": ["L", "perempuan", "LAKI LAKI", "?", None, "2", "wanita", "pr"],
    "k": ["1", "2", "4", "DESIL 3", None, "x", "3", "1"],
    "x": ["2,5", "2.5", "-1", "x", None, "0", "1e3", ""],
}


def _frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame(
        {c: [v[i % len(v)] for i in range(rows)] for c, v in VALUES.items()},
        schema={c: pl.String for c in VALUES},
    )


def _row_wise(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for name, spec in SPECS.items():
        cast = cast_input(name, spec, True, pl.String(), reference=AS_OF)
        exprs += [cast.value.alias(name), cast.unreadable.alias(f"{UNREADABLE_PREFIX}{name}")]
    return frame.select(exprs)


def test_frame_cast_equals_row_wise_on_a_large_frame() -> None:
    frame = _frame(casts.DISTINCT_MIN_ROWS + 8)
    out = cast_frame(frame, SPECS, reference=AS_OF)
    assert out.equals(_row_wise(frame))


def test_values_read_as_the_rules_need_them() -> None:
    out = cast_frame(_frame(8), SPECS, reference=AS_OF)
    assert out["d"].to_list() == [4, 3, 7, 7, None, None, None, -2]
    assert out["t"].to_list() == [
        dt.date(1965, 6, 30),
        dt.date(1965, 12, 31),
        dt.date(2025, 2, 1),
        dt.date(1926, 2, 1),
        None,
        None,
        dt.date(1965, 6, 30),
        None,
    ]
    assert out[f"{UNREADABLE_PREFIX}t"].to_list() == [False] * 4 + [True] + [False] * 3
    # a dash is not a confirmed "no" for a rule
    assert out["b"].to_list() == [True, False, None, True, None, None, True, False]
    assert out[f"{UNREADABLE_PREFIX}b"].to_list() == [False, False, True, False, True] + [False] * 3
    assert out["s"].to_list() == ["L", "P", "L", None, None, "P", "P", "P"]
    assert out["k"].to_list() == [1, 2, None, 3, None, None, 3, 1]
    assert out["x"].to_list() == [2.5, 2.5, -1.0, None, None, 0.0, 1000.0, None]


def test_missing_and_typed_columns() -> None:
    frame = pl.DataFrame({"t": [dt.date(2000, 1, 2), None]})
    specs = {"t": InputSpec(type=InputType.date), "m": InputSpec(type=InputType.integer)}
    out = cast_frame(frame, specs, reference=AS_OF)
    assert out.rows() == [(dt.date(2000, 1, 2), False, None, False), (None, False, None, False)]
