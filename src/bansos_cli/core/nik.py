"""NIK and KK numbers as vectorised polars expressions (DOMAIN.md §2-4).

Every function takes and returns a ``pl.Expr`` so validation, deduplication and the sample
generator's tests decode millions of identifiers without a Python loop. Layout of a NIK::

    PP KK CC DD MM YY SSSS
    province, regency, kecamatan, day (+40 for women), month, 2-digit year, serial

A KK number shares the 6-digit kecamatan prefix; digits 7-12 are an issue date DDMMYY
without +40 and 13-16 a serial (both less certain than in a NIK).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

ID_LENGTH = 16
"""Digits in a NIK and in a KK number."""
FEMALE_DAY_OFFSET = 40

_ARABIC_INDIC = [chr(c) for c in range(0x0660, 0x066A)]
_EXT_ARABIC_INDIC = [chr(c) for c in range(0x06F0, 0x06FA)]
_DEVANAGARI = [chr(c) for c in range(0x0966, 0x0970)]
_ASCII = [str(d) for d in range(10)]
# spaces (incl. no-break), dots, dashes, apostrophes, and the invisible zero-width characters
# that text copied from a web page or a chat carries along
_SEPARATORS = (
    r"[\s.\-'\u2018\u2019`\u2010\u2011\u2012\u2013\u2014\u00a0\u200b\u200c\u200d\u2060\ufeff]"
)


def fold_digits(expr: pl.Expr) -> pl.Expr:
    """NFKC-normalise (full-width digits -> ASCII), map Arabic-Indic digits, trim."""
    return (
        expr.str.normalize("NFKC")
        .str.replace_many(_ARABIC_INDIC + _EXT_ARABIC_INDIC + _DEVANAGARI, _ASCII * 3)
        .str.strip_chars()
    )


def clean_id(expr: pl.Expr) -> pl.Expr:
    """The identifier as written, digits folded and spaces/dots/dashes/apostrophes removed.

    Empty results become null. The result is *not* guaranteed to be 16 digits: check with
    :func:`is_id_shape`.
    """
    cleaned = fold_digits(expr).str.replace_all(_SEPARATORS, "")
    return pl.when(cleaned.str.len_bytes() > 0).then(cleaned)


def was_altered(raw: pl.Expr) -> pl.Expr:
    """True where :func:`clean_id` changed the trimmed value (separators or non-ASCII digits)."""
    return clean_id(raw) != raw.str.strip_chars()


def has_foreign_digits(raw: pl.Expr) -> pl.Expr:
    """True where the value holds full-width or other non-ASCII digits that were folded."""
    return fold_digits(raw) != raw.str.strip_chars()


def is_scientific(raw: pl.Expr) -> pl.Expr:
    """Scientific notation as Excel shows big numbers: ``3.20101E+15``, ``3,20101E+15``."""
    return raw.str.strip_chars().str.contains(r"^[0-9]+([.,][0-9]*)?[eE][+]?[0-9]+$")


def has_decimal_suffix(raw: pl.Expr) -> pl.Expr:
    """A number that went through a float: ``3201010101800001.0``."""
    return raw.str.strip_chars().str.contains(r"^[0-9]+[.,]0+$")


def is_digits(expr: pl.Expr) -> pl.Expr:
    """Only ASCII digits (anchored at both ends)."""
    return expr.str.contains(r"^[0-9]+$")


def is_id_shape(expr: pl.Expr) -> pl.Expr:
    """Exactly 16 ASCII digits."""
    return expr.str.contains(r"^[0-9]{16}$")


def province_code(nik: pl.Expr) -> pl.Expr:
    """Digits 1-2."""
    return nik.str.slice(0, 2)


def regency_code(nik: pl.Expr) -> pl.Expr:
    """Digits 1-4 (province + regency/city)."""
    return nik.str.slice(0, 4)


def district_code(nik: pl.Expr) -> pl.Expr:
    """Digits 1-6: the kecamatan where the number was first registered."""
    return nik.str.slice(0, 6)


def _int(expr: pl.Expr, start: int, length: int) -> pl.Expr:
    return expr.str.slice(start, length).cast(pl.Int32, strict=False)


def day_field(nik: pl.Expr) -> pl.Expr:
    """Digits 7-8 as written (women: day + 40)."""
    return _int(nik, 6, 2)


def month_field(nik: pl.Expr) -> pl.Expr:
    """Digits 9-10."""
    return _int(nik, 8, 2)


def year_field(nik: pl.Expr) -> pl.Expr:
    """Digits 11-12 (two-digit year)."""
    return _int(nik, 10, 2)


def serial_field(nik: pl.Expr) -> pl.Expr:
    """Digits 13-16 as text (``0000`` is invalid)."""
    return nik.str.slice(12, 4)


def sex(nik: pl.Expr) -> pl.Expr:
    """``L`` for day 01-31, ``P`` for day 41-71, null for an impossible day."""
    day = day_field(nik)
    return (
        pl.when(day.is_between(1, 31))
        .then(pl.lit("L"))
        .when(day.is_between(41, 71))
        .then(pl.lit("P"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def birth_day(nik: pl.Expr) -> pl.Expr:
    """Day of birth with the +40 removed; null when the day field is impossible."""
    day = day_field(nik)
    return (
        pl.when(day.is_between(1, 31))
        .then(day)
        .when(day.is_between(41, 71))
        .then(day - FEMALE_DAY_OFFSET)
        .otherwise(pl.lit(None, dtype=pl.Int32))
    )


def full_year(yy: pl.Expr, *, reference: dt.date, birth_year: pl.Expr | None = None) -> pl.Expr:
    """Four-digit year from a two-digit one.

    Where ``birth_year`` (from TANGGAL LAHIR) is known, the century closest to it wins;
    otherwise years after ``reference``'s year fall in the 1900s. ``reference`` is a fixed
    parameter, never today's date, so a NIK always decodes the same way.
    """
    y2000 = yy + 2000
    pivot = pl.when(y2000 <= reference.year).then(y2000).otherwise(yy + 1900)
    if birth_year is None:
        return pivot
    y1900 = yy + 1900
    closest = (
        pl.when((y2000 - birth_year).abs() <= (y1900 - birth_year).abs())
        .then(y2000)
        .otherwise(y1900)
    )
    return pl.when(birth_year.is_not_null()).then(closest).otherwise(pivot)


def days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    """Days in ``month`` of ``year`` (Gregorian); null for a month outside 1-12."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .when(month.is_between(1, 12))
        .then(31)
        .otherwise(pl.lit(None, dtype=pl.Int32))
        .cast(pl.Int32)
    )


def is_valid_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """True where year/month/day form a real calendar date (null parts -> False)."""
    dim = days_in_month(year, month)
    ok = year.is_between(1, 9999) & day.is_between(1, dim)
    return ok.fill_null(False)


def safe_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """``pl.date`` that gives null instead of raising on impossible dates (31-02)."""
    valid = is_valid_date(year, month, day)
    built = pl.date(
        pl.when(valid).then(year).otherwise(2000),
        pl.when(valid).then(month).otherwise(1),
        pl.when(valid).then(day).otherwise(1),
    )
    return pl.when(valid).then(built).otherwise(pl.lit(None, dtype=pl.Date))


def birth_date(nik: pl.Expr, *, reference: dt.date, birth_year: pl.Expr | None = None) -> pl.Expr:
    """The birth date encoded in a NIK (null when day, month or date is impossible)."""
    year = full_year(year_field(nik), reference=reference, birth_year=birth_year)
    return safe_date(year, month_field(nik), birth_day(nik))


def date_fields_valid(nik: pl.Expr, *, reference: dt.date) -> pl.Expr:
    """True where digits 7-12 hold a possible day (+40), month and calendar date.

    29-02 of a two-digit year is accepted when either century makes it a leap year, since
    the century is not part of the number.
    """
    yy = year_field(nik)
    month = month_field(nik)
    day = birth_day(nik)
    return is_valid_date(yy + 2000, month, day) | is_valid_date(yy + 1900, month, day)


def kk_date_fields_valid(kk: pl.Expr) -> pl.Expr:
    """True where KK digits 7-12 hold a possible DDMMYY issue date (no +40)."""
    day = day_field(kk)
    month = month_field(kk)
    yy = year_field(kk)
    return is_valid_date(yy + 2000, month, day) | is_valid_date(yy + 1900, month, day)


def encode_nik(district: str, born: dt.date, sex_code: str, serial: int) -> str:
    """Build a NIK from its parts (for tests and sample data): ``sex_code`` is ``L`` or ``P``."""
    if len(district) != 6 or not district.isdigit():
        raise ValueError("district must be 6 digits")
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be 0..9999")
    day = born.day + (FEMALE_DAY_OFFSET if sex_code == "P" else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
