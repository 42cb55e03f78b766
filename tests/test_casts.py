"""Lenient text casts shared by validate and rules (bansos_cli.core.casts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core import casts

REF = dt.date(2025, 7, 1)
MONTH_NAMES = {1: "Januari", 2: "FEB", 3: "Maret", 8: "Agustus", 10: "OKT", 12: "Des"}


def dates(texts: Sequence[str | None], reference: dt.date | None = REF) -> pl.DataFrame:
    return casts.parse_date(pl.Series(list(texts), dtype=pl.String), reference=reference)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17-08-1945", dt.date(1945, 8, 17)),
        ("17/08/1945", dt.date(1945, 8, 17)),
        ("17.08.1945", dt.date(1945, 8, 17)),
        ("17 08 1945", dt.date(1945, 8, 17)),
        ("1945-08-17", dt.date(1945, 8, 17)),
        ("1945/08/17", dt.date(1945, 8, 17)),
        ("1945-08-17 00:00:00", dt.date(1945, 8, 17)),
        ("17 Agustus 1945", dt.date(1945, 8, 17)),
        ("17-AGU-45", dt.date(1945, 8, 17)),
        ("1 Pebruari 1980", dt.date(1980, 2, 1)),
        ("17081945", dt.date(1945, 8, 17)),
        ("19450817", dt.date(1945, 8, 17)),
        ("１７-０８-１９４５", dt.date(1945, 8, 17)),
    ],
)
def test_date_formats(text: str, expected: dt.date) -> None:
    out = dates([text])
    assert out.row(0) == (expected, casts.DATE_OK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("61", dt.date(1900, 3, 1)),
        ("29252", dt.date(1980, 2, 1)),
        ("29252.75", dt.date(1980, 2, 1)),
    ],
)
def test_excel_serials_are_read_and_marked(text: str, expected: dt.date) -> None:
    # read, but marked: the officer sees a number in the cell, not a date
    assert dates([text]).row(0) == (expected, casts.DATE_SERIAL)


@pytest.mark.parametrize("text", ["31-02-2020", "60", "tidak tahu", "32-13-2025", "17-XYZ-1945"])
def test_unreadable_dates(text: str) -> None:
    assert dates([text]).row(0) == (None, casts.DATE_UNREADABLE)


def test_empty_date_has_no_state() -> None:
    assert dates(["", None, "  "]).rows() == [(None, None)] * 3


def test_two_digit_years_pivot_on_the_reference_date() -> None:
    out = dates(["01-02-25", "01-02-26", "01.02.80"])
    assert out["date"].to_list() == [dt.date(2025, 2, 1), dt.date(1926, 2, 1), dt.date(1980, 2, 1)]
    # without a reference a two-digit year cannot be placed
    assert dates(["01-02-25", "01-02-2025"], reference=None)["date"].to_list() == [
        None,
        dt.date(2025, 2, 1),
    ]


def test_twentieth_century_reference_reads_every_two_digit_year_as_19yy() -> None:
    texts = ["22-JAN-87", "22-01-87", "1-2-87", "17-AGU-05", "01.02.00", "01-02-99"]
    out = dates([*texts, "22-01-1987", "22-01-2005"], reference=casts.TWENTIETH_CENTURY)
    assert out["date"].to_list() == [
        dt.date(1987, 1, 22),
        dt.date(1987, 1, 22),
        dt.date(1987, 2, 1),
        dt.date(1905, 8, 17),
        dt.date(1900, 2, 1),
        dt.date(1999, 2, 1),
        dt.date(1987, 1, 22),  # four-digit years are kept as written
        dt.date(2005, 1, 22),
    ]
    assert set(out["state"].to_list()) == {casts.DATE_OK}
    # the same texts pivot on a real reference date as before
    assert dates(["17-AGU-05", "22-01-87"])["date"].to_list() == [
        dt.date(2005, 8, 17),
        dt.date(1987, 1, 22),
    ]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 99), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 1, 1)))
def test_twentieth_century_is_a_pivot_at_99(yy: int, reference: dt.date) -> None:
    year = casts.two_digit_year(pl.lit(yy), pl.lit(2), casts.TWENTIETH_CENTURY)
    assert pl.select(year).item() == 1900 + yy
    # a real reference reads the same year in its own century or the one before
    pivoted = pl.select(casts.two_digit_year(pl.lit(yy), pl.lit(2), reference)).item()
    assert pivoted % 100 == yy and reference.year - 100 < pivoted <= reference.year


def test_swapped_and_ambiguous_day_month() -> None:
    out = dates(["02/13/1980", "03/04/1980", "13/02/1980"])
    assert out.rows() == [
        (dt.date(1980, 2, 13), casts.DATE_SWAPPED),
        (dt.date(1980, 4, 3), casts.DATE_AMBIGUOUS),
        (dt.date(1980, 2, 13), casts.DATE_OK),
    ]
    # the same day/month value in a column without swapped values is not ambiguous
    assert dates(["03/04/1980"]).row(0) == (dt.date(1980, 4, 3), casts.DATE_OK)


def _formats(day: dt.date) -> list[str]:
    d, m, y = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    out = [
        f"{d}-{m}-{y}",
        f"{d}/{m}/{y}",
        f"{d}.{m}.{y}",
        f"{d} {m} {y}",
        f"{day.day}-{day.month}-{y}",
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}-{m}-{d} 00:00:00",
        f"{d}{m}{y}",
    ]
    if 1900 <= day.year <= 2099:  # yyyymmdd is read only for these centuries
        out.append(f"{y}{m}{d}")
    if day.month in MONTH_NAMES:
        out.append(f"{day.day} {MONTH_NAMES[day.month]} {y}")
        out.append(f"{d}-{MONTH_NAMES[day.month][:3].upper()}-{y}")
    if REF.year - 99 <= day.year <= REF.year:  # the century window of two-digit years
        out.append(f"{d}-{m}-{y[2:]}")
    return out


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_any_date_in_any_format_parses_back(day: dt.date) -> None:
    texts = _formats(day)
    serial = [str((day - casts.EXCEL_ORIGIN).days)] if day >= dt.date(1900, 3, 1) else []
    out = dates([*texts, *serial])
    assert out["date"].to_list() == [day] * (len(texts) + len(serial)), texts
    assert out["state"].to_list() == [casts.DATE_OK] * len(texts) + [casts.DATE_SERIAL] * len(
        serial
    )


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_month_first_dates_read_as_swapped_when_day_is_over_12(day: dt.date) -> None:
    out = dates([f"{day.month:02d}/{day.day:02d}/{day.year}"])
    if day.day > 12:
        assert out.row(0) == (day, casts.DATE_SWAPPED)
    elif day.day != day.month:  # day first reading wins, flagged because of the mix
        assert out.row(0)[0] == dt.date(day.year, day.day, day.month)


# --- codes and numbers ------------------------------------------------------------------------


def _apply(expr_fn: Callable[[pl.Expr], pl.Expr], texts: list[str | None]) -> list[object]:
    frame = pl.DataFrame({"x": texts}, schema={"x": pl.String})
    return frame.select(expr_fn(pl.col("x")).alias("x"))["x"].to_list()


def test_sex_codes() -> None:
    texts = ["L", "lk", "Laki-laki", "LAKI LAKI", "PRIA", "1", "P", "PR", "perempuan", "Wanita"]
    assert _apply(casts.parse_sex, [*texts, "2", "X", "", None]) == [
        *["L"] * 6,
        *["P"] * 4,
        "P",
        None,
        None,
        None,
    ]


def test_flags_and_the_dash() -> None:
    texts = ["YA", "y", "1", "Padan", "TIDAK", "Tidak Padan", "N", "0", "-", "mungkin", None]
    assert _apply(casts.parse_flag, texts) == [
        *[True] * 4,
        *[False] * 5,
        None,
        None,
    ]
    no_dash = _apply(lambda e: casts.parse_flag(e, dash_is_false=False), ["-", "TIDAK"])
    assert no_dash == [None, False]


def test_integers() -> None:
    texts = ["001", "RT 03", "RT.04", "3.0", "7,0", "RT TIGA", "-2", "12345678901", "", None]
    assert _apply(lambda e: casts.parse_int(e, prefix="RT"), texts) == [
        1,
        3,
        4,
        3,
        7,
        None,
        None,
        None,
        None,
        None,
    ]
    signed = _apply(
        lambda e: casts.parse_int(e, prefix="[A-Z]+", digits=18, signed=True, dtype=pl.Int64),
        ["-2", "DESIL 3", "12345678901", "3,5"],
    )
    assert signed == [-2, 3, 12345678901, None]


def test_desil_and_numbers() -> None:
    assert _apply(casts.parse_desil, ["3", "DESIL 3", "desil-10", "11", "DESIL X", None]) == [
        3,
        3,
        10,
        11,
        None,
        None,
    ]
    assert _apply(casts.parse_number, ["2.5", "2,5", "-1", "x"]) == [2.5, 2.5, -1.0, None]


def test_clean_text_and_blank() -> None:
    assert _apply(casts.clean_text, ["  SITI   AMINAH ", "   ", None]) == [
        "SITI AMINAH",
        None,
        None,
    ]
    assert _apply(casts.is_blank, ["  ", "", None, "a"]) == [True, True, True, False]


# --- distinct values ----------------------------------------------------------------------------

POOL = ["17-08-1945", "02/13/1980", "x", "", "29252", "01-02-25", "L", "YA", "001"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*POOL, None]), min_size=1, max_size=40))
def test_distinct_codes_round_trip(texts: list[str | None]) -> None:
    values, codes = casts.distinct_codes(pl.Series("t", texts, dtype=pl.String))
    assert values.n_unique() == values.len()
    assert values.gather(codes).to_list() == texts


def _builds() -> dict[str, casts.Build]:
    def sex(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.with_columns(
            casts.parse_sex(pl.col("s")).alias("sex"), casts.is_blank(pl.col("s")).alias("b")
        )

    return {
        "d": casts.date_build("d", date_name="date", state_name="state", reference=REF),
        "s": sex,
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([*POOL, None]), st.sampled_from([*POOL, None]))))
def test_per_distinct_equals_row_by_row(rows: list[tuple[str | None, str | None]]) -> None:
    frame = pl.DataFrame(rows, schema={"d": pl.String, "s": pl.String}, orient="row")
    grouped = casts.per_distinct(frame, _builds(), group=True)
    direct = casts.per_distinct(frame, _builds(), group=False)
    assert grouped.columns == ["date", "state", "state_both", "sex", "b"]
    assert grouped.equals(direct)
    by_hand = pl.concat(
        [b(frame.lazy().select(c)).drop(c).collect() for c, b in _builds().items()],
        how="horizontal",
    )
    assert direct.equals(by_hand)


def test_per_distinct_without_builds_keeps_the_height() -> None:
    assert casts.per_distinct(pl.DataFrame({"a": ["x", "y"]}), {}).shape == (2, 0)


def test_two_digit_years_pivot_on_the_reference_year() -> None:
    out = dates(["02-07-25", "31-12-25", "01-01-26", "15-08-45"])
    assert out["date"].to_list() == [
        dt.date(2025, 7, 2),
        dt.date(2025, 12, 31),
        dt.date(1926, 1, 1),
        dt.date(1945, 8, 15),
    ]
