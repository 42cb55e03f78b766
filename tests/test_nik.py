import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core import nik as N
from bansos_cli.core import wilayah

REF = dt.date(2025, 7, 1)


def _eval(expr: pl.Expr, values: list) -> list:
    return (
        pl.DataFrame({"x": values}, schema={"x": pl.String}).select(expr.alias("y"))["y"].to_list()
    )


def test_clean_id_normalises_separators_and_digit_forms() -> None:
    values = [
        "3201 0141.0280-0001",
        "".join(chr(0xFF10 + int(d)) for d in "3201014102800001"),
        "".join(chr(0x660 + int(d)) for d in "3201014102800001"),
        "'3201014102800001",
        "  ",
        None,
    ]
    assert _eval(N.clean_id(pl.col("x")), values) == ["3201014102800001"] * 4 + [None, None]


def test_excel_damage_detectors() -> None:
    values = ["3.20101E+15", "3,20101e+15", "3201014102800001.0", "3201014102800001", "3E"]
    assert _eval(N.is_scientific(pl.col("x")), values) == [True, True, False, False, False]
    assert _eval(N.has_decimal_suffix(pl.col("x")), values) == [False, False, True, False, False]


def test_decode_parts() -> None:
    frame = pl.DataFrame({"nik": ["3201014102800001", "3273011512050123", "3201013502800001"]})
    out = frame.select(
        N.district_code(pl.col("nik")).alias("kec"),
        N.sex(pl.col("nik")).alias("sex"),
        N.birth_date(pl.col("nik"), reference=REF).alias("born"),
        N.serial_field(pl.col("nik")).alias("serial"),
        N.date_fields_valid(pl.col("nik"), reference=REF).alias("ok"),
    )
    assert out.to_dicts() == [
        {"kec": "320101", "sex": "P", "born": dt.date(1980, 2, 1), "serial": "0001", "ok": True},
        {"kec": "327301", "sex": "L", "born": dt.date(2005, 12, 15), "serial": "0123", "ok": True},
        {"kec": "320101", "sex": None, "born": None, "serial": "0001", "ok": False},
    ]


def test_century_from_birth_year_wins_over_pivot() -> None:
    frame = pl.DataFrame({"nik": ["3201010101200001", "3201010101200001"], "by": [1920, None]})
    out = frame.select(
        N.birth_date(pl.col("nik"), reference=REF, birth_year=pl.col("by")).alias("d")
    )["d"].to_list()
    assert out == [dt.date(1920, 1, 1), dt.date(2020, 1, 1)]


def test_pivot_uses_reference_not_today() -> None:
    frame = pl.DataFrame({"nik": ["3201010101300001"]})
    early = frame.select(N.birth_date(pl.col("nik"), reference=dt.date(2025, 1, 1)))
    late = frame.select(N.birth_date(pl.col("nik"), reference=dt.date(2031, 1, 1)))
    assert early.item() == dt.date(1930, 1, 1)
    assert late.item() == dt.date(2030, 1, 1)


def test_29_february_valid_in_either_century() -> None:
    # 00 is a leap year in 2000 (not in 1900): the NIK date is possible
    assert _eval(N.date_fields_valid(pl.col("x"), reference=REF), ["3201012902000001"]) == [True]
    assert _eval(N.date_fields_valid(pl.col("x"), reference=REF), ["3201012902010001"]) == [False]


def test_safe_date_never_raises() -> None:
    frame = pl.DataFrame({"y": [2021, 2020, None, 2021], "m": [2, 2, 1, 13], "d": [31, 29, 1, 1]})
    out = frame.select(N.safe_date(pl.col("y"), pl.col("m"), pl.col("d")))
    assert out.to_series().to_list() == [None, dt.date(2020, 2, 29), None, None]


def test_encode_nik_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        N.encode_nik("3201", dt.date(1980, 1, 1), "L", 1)
    with pytest.raises(ValueError):
        N.encode_nik("320101", dt.date(1980, 1, 1), "L", 10000)


DISTRICTS = wilayah.districts().get_column("kode").to_list()


@settings(max_examples=200, deadline=None)
@given(
    district=st.sampled_from(DISTRICTS),
    born=st.dates(min_value=dt.date(1926, 1, 1), max_value=dt.date(2025, 6, 30)),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(1, 9999),
)
def test_encode_decode_round_trip(district: str, born: dt.date, sex: str, serial: int) -> None:
    nik = N.encode_nik(district, born, sex, serial)
    out = pl.DataFrame({"nik": [nik]}).select(
        N.district_code(pl.col("nik")).alias("kec"),
        N.sex(pl.col("nik")).alias("sex"),
        N.birth_date(pl.col("nik"), reference=REF, birth_year=pl.lit(born.year)).alias("born"),
        N.serial_field(pl.col("nik")).cast(pl.Int32).alias("serial"),
    )
    assert out.row(0) == (district, sex, born, serial)
