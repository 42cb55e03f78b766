"""Lenient casts from the text frame to typed canonical columns.

Every cast returns a typed expression that is null where the text cannot be read, so the
checks can emit one finding per unreadable cell; nothing here raises on bad data.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from bansos_cli.core.nik import fold_digits, is_valid_date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("JANUARI", "JAN", "JANUARY"),
        ("FEBRUARI", "FEB", "PEBRUARI", "PEB", "FEBRUARY"),
        ("MARET", "MAR", "MARCH"),
        ("APRIL", "APR"),
        ("MEI", "MAY"),
        ("JUNI", "JUN", "JUNE"),
        ("JULI", "JUL", "JULY"),
        ("AGUSTUS", "AGU", "AGT", "AGS", "AGUS", "AUG", "AUGUST"),
        ("SEPTEMBER", "SEP", "SEPT"),
        ("OKTOBER", "OKT", "OCT", "OCTOBER"),
        ("NOVEMBER", "NOV", "NOPEMBER", "NOP"),
        ("DESEMBER", "DES", "DEC", "DECEMBER"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

MALE = ("L", "LK", "LAKI", "LAKILAKI", "LELAKI", "PRIA", "1", "M", "MALE", "COWOK")
FEMALE = ("P", "PR", "PEREMPUAN", "WANITA", "2", "F", "W", "FEMALE", "CEWEK")
TRUE_WORDS = ("YA", "Y", "YES", "1", "TRUE", "BENAR", "ADA", "PADAN", "V")
FALSE_WORDS = (
    "TIDAK",
    "T",
    "TDK",
    "N",
    "NO",
    "0",
    "FALSE",
    "SALAH",
    "TIDAKADA",
    "TIDAKPADAN",
    "BELUMPADAN",
    "-",
)

DATE_OK = "ok"
DATE_SWAPPED = "swapped"
DATE_AMBIGUOUS = "ambiguous"
DATE_UNREADABLE = "unreadable"

_EXCEL_ORIGIN = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31


def _two_digit_year(year: pl.Expr, year_text_len: pl.Expr, reference: dt.date) -> pl.Expr:
    pivot = reference.year % 100
    century = reference.year - pivot
    return (
        pl.when(year_text_len == 2)
        .then(pl.when(year <= pivot).then(year + century).otherwise(year + century - 100))
        .otherwise(year)
    )


def _date_from(frame: pl.LazyFrame, out: str, y: str, m: str, d: str) -> pl.LazyFrame:
    """Add ``out`` = date(y, m, d) from temp columns, null where impossible (staged so the
    expression tree stays small)."""
    valid = is_valid_date(pl.col(y), pl.col(m), pl.col(d))
    frame = frame.with_columns(valid.alias(f"{out}_ok"))
    ok = pl.col(f"{out}_ok")
    built = pl.date(
        pl.when(ok).then(pl.col(y)).otherwise(2000),
        pl.when(ok).then(pl.col(m)).otherwise(1),
        pl.when(ok).then(pl.col(d)).otherwise(1),
    )
    return frame.with_columns(
        pl.when(ok).then(built).otherwise(pl.lit(None, dtype=pl.Date)).alias(out)
    ).drop(f"{out}_ok")


def add_parsed_date(
    frame: pl.LazyFrame,
    column: str,
    *,
    date_name: str,
    state_name: str,
    reference: dt.date,
    group: str | None = None,
    resolve_ambiguity: bool = True,
) -> pl.LazyFrame:
    """Read ``column`` in every date format of DOMAIN.md §4 into ``date_name`` and
    ``state_name``.

    The state is ``ok``, ``swapped`` (only readable as month/day), ``ambiguous`` (day and
    month both <= 12 in a column where swapped values occur; read as day/month),
    ``unreadable``, or null for an empty cell. ``group`` names a column (the source file)
    within which "this column uses both orders" is decided. Without ``resolve_ambiguity``
    the state is never ``ambiguous`` and a Boolean ``<state_name>_both`` column (day and
    month could swap) is kept for :func:`resolve_ambiguous`. Work happens in temporary
    columns (``_t_...``) so that each step is a small expression.
    """
    t = f"_t_{column}_"

    def c(name: str) -> pl.Expr:
        return pl.col(t + name)

    def to_int(expr: pl.Expr) -> pl.Expr:
        return expr.cast(pl.Int32, strict=False)

    s = fold_digits(pl.col(column)).str.to_uppercase()
    frame = frame.with_columns(pl.when(s.str.len_bytes() > 0).then(s).alias(t + "s"))
    iso = c("s").str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][0-9:.]*)?$")
    dmy = c("s").str.extract_groups(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})$")
    named = c("s").str.extract_groups(r"^(\d{1,2})[\s\-/.]*([A-Z]+)\.?[\s\-/.,]*(\d{2}|\d{4})$")
    compact = c("s").str.extract_groups(r"^(\d{2})(\d{2})(\d{4})$")
    serial = pl.when(c("s").str.contains(r"^\d{1,7}(\.\d+)?$")).then(
        c("s").cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    )
    frame = frame.with_columns(
        to_int(iso.struct.field("1")).alias(t + "iy"),
        to_int(iso.struct.field("2")).alias(t + "im"),
        to_int(iso.struct.field("3")).alias(t + "id"),
        to_int(dmy.struct.field("1")).alias(t + "a"),
        to_int(dmy.struct.field("2")).alias(t + "b"),
        to_int(dmy.struct.field("3")).alias(t + "y"),
        dmy.struct.field("3").str.len_bytes().alias(t + "yl"),
        to_int(named.struct.field("1")).alias(t + "nd"),
        named.struct.field("2")
        .replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
        .alias(t + "nm"),
        to_int(named.struct.field("3")).alias(t + "ny"),
        named.struct.field("3").str.len_bytes().alias(t + "nyl"),
        to_int(compact.struct.field("1")).alias(t + "p1"),
        to_int(compact.struct.field("2")).alias(t + "p2"),
        to_int(compact.struct.field("3")).alias(t + "p3"),
        serial.alias(t + "serial"),
    )
    frame = frame.with_columns(
        _two_digit_year(c("y"), c("yl"), reference).alias(t + "y"),
        _two_digit_year(c("ny"), c("nyl"), reference).alias(t + "ny"),
        (c("p1") * 100 + c("p2")).alias(t + "cy"),
        (c("p3") // 100).alias(t + "cm"),
        (c("p3") % 100).alias(t + "cd"),
    )
    frame = _date_from(frame, t + "iso", t + "iy", t + "im", t + "id")
    frame = _date_from(frame, t + "dm", t + "y", t + "b", t + "a")
    frame = _date_from(frame, t + "md", t + "y", t + "a", t + "b")
    frame = _date_from(frame, t + "named", t + "ny", t + "nm", t + "nd")
    frame = _date_from(frame, t + "ymd", t + "cy", t + "cm", t + "cd")
    frame = _date_from(frame, t + "dmy8", t + "p3", t + "p2", t + "p1")
    serial_date = (
        pl.when(c("serial").is_between(61, _MAX_SERIAL))
        .then(pl.lit(_EXCEL_ORIGIN) + pl.duration(days=c("serial")))
        .cast(pl.Date)
    )
    swapped = c("dm").is_null() & c("md").is_not_null()
    both = c("dm").is_not_null() & c("md").is_not_null() & (c("a") != c("b"))
    frame = frame.with_columns(
        pl.coalesce(
            c("iso"),
            c("dm"),
            c("md"),
            c("named"),
            pl.when(c("p1").is_between(19, 20)).then(c("ymd")),
            c("dmy8"),
            c("ymd"),
            serial_date,
        ).alias(date_name),
        swapped.fill_null(False).alias(t + "swapped"),
        both.fill_null(False).alias(t + "both"),
    )
    state = (
        pl.when(c("s").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col(date_name).is_null())
        .then(pl.lit(DATE_UNREADABLE))
        .when(c("swapped"))
        .then(pl.lit(DATE_SWAPPED))
        .otherwise(pl.lit(DATE_OK))
    )
    frame = frame.with_columns(state.alias(state_name), c("both").alias(f"{state_name}_both"))
    frame = frame.drop(pl.selectors.starts_with(t))
    if resolve_ambiguity:
        frame = resolve_ambiguous(frame, state_name, group)
    return frame


def resolve_ambiguous(frame: pl.LazyFrame, state_name: str, group: str | None) -> pl.LazyFrame:
    """Turn ``ok`` into ``ambiguous`` where day and month could swap and the column (within
    ``group``) holds swapped values; drops the ``<state_name>_both`` helper column."""
    swapped = pl.col(state_name) == DATE_SWAPPED
    any_swapped = swapped.any() if group is None else swapped.any().over(group)
    both = pl.col(f"{state_name}_both")
    return frame.with_columns(
        pl.when((pl.col(state_name) == DATE_OK) & both & any_swapped.fill_null(False))
        .then(pl.lit(DATE_AMBIGUOUS))
        .otherwise(pl.col(state_name))
        .alias(state_name)
    ).drop(f"{state_name}_both")


def parse_date(text: pl.Series, *, reference: dt.date) -> pl.DataFrame:
    """Convenience wrapper of :func:`add_parsed_date` for one Series: ``date``, ``state``."""
    frame = pl.LazyFrame({"x": text})
    out = add_parsed_date(frame, "x", date_name="date", state_name="state", reference=reference)
    return out.select("date", "state").collect()


def _key(text: pl.Expr) -> pl.Expr:
    """Uppercase letters and digits only (``Laki-laki`` -> ``LAKILAKI``)."""
    return fold_digits(text).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")


def parse_sex(text: pl.Expr) -> pl.Expr:
    """``L``/``P`` from every coding of DOMAIN.md §5; null when empty or unknown."""
    mapping = {k: "L" for k in MALE} | {k: "P" for k in FEMALE}
    return _key(text).replace_strict(mapping, default=None, return_dtype=pl.String)


def parse_int(text: pl.Expr, *, strip_prefix: str = "") -> pl.Expr:
    """A non-negative integer (``001`` -> 1, ``RT 03`` -> 3, ``3.0`` -> 3); null otherwise."""
    s = fold_digits(text).str.to_uppercase()
    if strip_prefix:
        s = s.str.replace(rf"^{strip_prefix}[\s.:]*", "")
    s = s.str.replace(r"\.0+$", "")
    return pl.when(s.str.contains(r"^\d{1,9}$")).then(s.cast(pl.Int32, strict=False))


def parse_desil(text: pl.Expr) -> pl.Expr:
    """Decile as written (``3``, ``DESIL 3``), range not checked; null if unreadable."""
    s = fold_digits(text).str.to_uppercase().str.replace(r"^DESIL[\s\-_:]*", "")
    s = s.str.replace(r"\.0+$", "")
    return pl.when(s.str.contains(r"^\d{1,3}$")).then(s.cast(pl.Int16, strict=False))


def parse_flag(text: pl.Expr) -> pl.Expr:
    """YA/TIDAK (and Y/N, 1/0, PADAN/TIDAK PADAN) as Boolean; null when empty or unknown."""
    mapping = {k: True for k in TRUE_WORDS} | {k: False for k in FALSE_WORDS}
    key = fold_digits(text).str.to_uppercase()
    key = pl.when(key == "-").then(pl.lit("-")).otherwise(_key(text))
    return key.replace_strict(mapping, default=None, return_dtype=pl.Boolean)


def clean_text(text: pl.Expr) -> pl.Expr:
    """Trimmed text with inner runs of whitespace collapsed; empty -> null."""
    s = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s)


def is_blank(text: pl.Expr) -> pl.Expr:
    """Null or only whitespace."""
    return text.is_null() | (text.str.strip_chars().str.len_bytes() == 0)
