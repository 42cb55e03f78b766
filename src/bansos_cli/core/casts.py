"""Lenient casts from text cells to typed values, shared by every stage that reads exports.

Each parser is a polars expression (or, for dates, a small lazy plan) that gives null where
the text cannot be read; nothing here raises on bad data, so a stage can turn every
unreadable cell into a finding (validate) or a missing value (rules).

Exports repeat the same few texts millions of times (birth dates, sex codes, deciles, YA/TIDAK
flags), so :func:`per_distinct` parses each *distinct* text once and spreads the results back
to the rows with an integer gather. Formats read (DOMAIN.md §4-5):

- dates: ``dd-mm-yyyy``, ``dd/mm/yyyy``, ``dd.mm.yyyy``, ``dd mm yyyy``, ISO ``yyyy-mm-dd``
  (also ``/`` or ``.``, with or without a time), ``ddmmyyyy``/``yyyymmdd``, Indonesian or
  English month names (``17 Agustus 1945``, ``17-AGU-45``), Excel serials (1900 system,
  origin 1899-12-30, serials >= 61), two-digit years pivoted on an explicit reference date,
  and ``mm/dd/yyyy`` when that is the only possible reading (state ``swapped``);
- sex codes: ``L/P``, ``LK/PR``, ``1/2``, ``LAKI-LAKI/PEREMPUAN``, ``PRIA/WANITA`` ...;
- flags: ``YA/TIDAK``, ``Y/N``, ``1/0``, ``1/2`` (BPS: 1 = ya), ``PADAN/TIDAK PADAN`` ...;
- integers (``001``, ``RT 03``, ``3.0``) and deciles (``3``, ``DESIL 3``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

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
# BPS questionnaires and OpenSID code yes/no as 1/2 (1 = ya, 2 = tidak)
FALSE_WORDS = (
    "2",
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
)

DATE_OK = "ok"
DATE_SWAPPED = "swapped"
DATE_AMBIGUOUS = "ambiguous"
DATE_UNREADABLE = "unreadable"
DATE_SERIAL = "serial"
"""Read from an Excel serial number (``22647`` -> 1962-01-01): a date column that was
typed or pasted as numbers; the date is right, but the officer sees a number."""

TWENTIETH_CENTURY = dt.date(1999, 12, 31)
"""A ``reference`` that reads every two-digit year as 19yy (``22-JAN-87`` -> 1987, but also
``05`` -> 1905): for a stage that has no reference date and reads birth dates of adults."""

EXCEL_ORIGIN = dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as used for serials >= 61 (after the fake 29-02-1900)."""
_MAX_SERIAL = 2_958_465  # 9999-12-31

Build = Callable[[pl.LazyFrame], pl.LazyFrame]
"""Adds typed columns to a lazy frame holding one text column (see :func:`per_distinct`)."""

DISTINCT_MIN_ROWS = 50_000
"""Below this many rows the texts are parsed as they are (grouping would cost more)."""
# A column is parsed row by row when more than 90% of its first 20,000 cells differ (names,
# identifiers): grouping would hash every text and still parse almost as many. Birth dates
# stay grouped: ~70% distinct in such a sample, but a few tens of thousands in a million rows.
_SAMPLE = 20_000
_MAX_DISTINCT_SHARE = 0.9


# --- distinct values --------------------------------------------------------------------------


def distinct_codes(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The distinct non-null values of ``text`` and, per row, the UInt32 index of its value
    among them (null for a null cell), computed in one hashing pass."""
    encoded = text.cast(pl.String).cast(pl.Categorical(pl.Categories.random()))
    return _categories(encoded).alias(text.name), encoded.to_physical()


def _categories(encoded: pl.Series) -> pl.Series:
    # a fresh ``Categories`` per column: its strings, in the order of the physical codes, are
    # exactly the column's distinct values
    dtype = encoded.dtype
    assert isinstance(dtype, pl.Categorical)
    return dtype.categories.to_series()


_UNIFORM_PROBES = 64
"""Cells, spread over a column, compared with its first cell before the whole column is."""


def _uniform_value(text: pl.Series) -> str | None:
    """The value of every cell of ``text`` when they are all the same non-null text."""
    if not text.len() or text.null_count():
        return None
    text = text.cast(pl.String)
    first = text[0]
    # a few cells spread over the column first: most columns that are not uniform show it
    # there, without comparing every cell
    sample = text.gather_every(max(1, text.len() // _UNIFORM_PROBES))
    if not bool((sample == first).all()):
        return None
    return first if bool((text == first).all()) else None


def _mostly_distinct(text: pl.Series) -> bool:
    sample = text.head(_SAMPLE)
    return sample.n_unique() > _MAX_DISTINCT_SHARE * max(sample.len(), 1)


def per_distinct(
    frame: pl.DataFrame, builds: Mapping[str, Build], *, group: bool | None = None
) -> pl.DataFrame:
    """Run each ``column -> build`` on the column's distinct texts and spread the columns it
    adds back to every row of ``frame``.

    Returns only the added columns, in ``frame``'s row order. A build sees a lazy frame with
    the one text column (nulls included) and must be row-wise: its output for a text may not
    depend on the other texts. Small frames and columns that are mostly distinct (names,
    identifiers) are parsed row by row instead, with the same result; ``group`` True or False
    forces one way for every column.
    """
    if not builds:
        return pl.DataFrame(height=frame.height)
    grouped = [
        c
        for c in builds
        if group
        or (
            group is None
            and frame.height >= DISTINCT_MIN_ROWS
            and not _mostly_distinct(frame.get_column(c))
        )
    ]
    # a column holding one value in every cell (a flag column of a one-programme list, a
    # constant RT) is parsed once without hashing its cells: one comparison proves it
    uniform = {c: v for c in grouped if (v := _uniform_value(frame.get_column(c))) is not None}
    encoded = frame.select(
        pl.col(c).cast(pl.String).cast(pl.Categorical(pl.Categories.random()))
        for c in grouped
        if c not in uniform
    )
    plans = []
    for column, build in builds.items():
        if column not in grouped:
            plans.append(build(frame.lazy().select(pl.col(column))).drop(column))
            continue
        if column in uniform:
            # parsed once; its one row is repeated below (no gather)
            source = pl.LazyFrame({column: [uniform[column]]}, schema={column: pl.String})
            plans.append(build(source).drop(column))
            continue
        series = encoded.get_column(column)
        values = _categories(series)
        # one extra row for the null cell, so that nulls get their parsed result too
        codes = series.to_physical().fill_null(values.len())
        source = pl.LazyFrame(
            {column: values.extend(pl.Series([None], dtype=pl.String))},
            schema={column: pl.String},
        )
        plans.append(build(source).drop(column).select(pl.all().gather(codes)))
    parts = pl.collect_all(plans)
    columns = [
        series.new_from_index(0, frame.height) if column in uniform else series
        for column, part in zip(builds, parts, strict=True)
        for series in part.get_columns()
    ]
    return pl.DataFrame(columns, height=frame.height)


def parse_distinct(text: pl.Series, build: Build) -> pl.DataFrame:
    """:func:`per_distinct` for one Series: the columns ``build`` adds, one row per cell."""
    name = text.name or "text"
    return per_distinct(text.alias(name).cast(pl.String).to_frame(), {name: build})


# --- codes, numbers, text ------------------------------------------------------------------------


def _key(text: pl.Expr) -> pl.Expr:
    """Uppercase letters and digits only (``Laki-laki`` -> ``LAKILAKI``)."""
    return fold_digits(text).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")


def parse_sex(text: pl.Expr) -> pl.Expr:
    """``L``/``P`` from every coding of DOMAIN.md §5; null when empty or unknown."""
    mapping = {k: "L" for k in MALE} | {k: "P" for k in FEMALE}
    return _key(text).replace_strict(mapping, default=None, return_dtype=pl.String)


def parse_flag(text: pl.Expr, *, dash_is_false: bool = True) -> pl.Expr:
    """YA/TIDAK (and Y/N, 1/0, PADAN/TIDAK PADAN) as Boolean; null when empty or unknown.

    ``-`` (a dash for "none") reads as False unless ``dash_is_false`` is off, when it is
    unknown like any other unreadable text.
    """
    mapping = {k: True for k in TRUE_WORDS} | {k: False for k in FALSE_WORDS}
    if dash_is_false:
        mapping["-"] = False
    key = fold_digits(text).str.to_uppercase()
    key = pl.when(key == "-").then(pl.lit("-")).otherwise(_key(text))
    return key.replace_strict(mapping, default=None, return_dtype=pl.Boolean)


LIFE_STATUS: dict[str, str] = {
    "HIDUP": "HIDUP",
    "MATI": "MATI",
    "MENINGGAL": "MATI",
    "MENINGGALDUNIA": "MATI",
    "SUDAHMENINGGAL": "MATI",
    "WAFAT": "MATI",
    "PINDAH": "PINDAH",
    "PINDAHDALAMNEGERI": "PINDAH",
    "PINDAHLUARNEGERI": "PINDAH",
    "HILANG": "HILANG",
    "PERGI": "PERGI",
}
"""The life status of a population register (SIAK ``Status``, OpenSID ``status_dasar``)."""
LIFE_STATUS_CODES = {"1": "HIDUP", "2": "MATI", "3": "PINDAH", "4": "HILANG", "6": "PERGI"}
"""OpenSID's numeric ``status_dasar`` codes."""


def parse_life_status(text: pl.Expr) -> pl.Expr:
    """``HIDUP``/``MATI``/``PINDAH``/``HILANG``/``PERGI`` from the words or OpenSID codes;
    null when empty or unknown."""
    return _key(text).replace_strict(
        LIFE_STATUS | LIFE_STATUS_CODES, default=None, return_dtype=pl.String
    )


def parse_int(
    text: pl.Expr,
    *,
    prefix: str = "",
    digits: int = 9,
    signed: bool = False,
    dtype: pl.DataType | type[pl.DataType] = pl.Int32,
) -> pl.Expr:
    """An integer as officers write it (``001`` -> 1, ``RT 03`` -> 3, ``3.0``/``3,0`` -> 3).

    ``prefix`` is a regex (matched on the uppercased text) for a word that may come first,
    e.g. ``RT`` or ``[A-Z]+``; at most ``digits`` digits; a sign only when ``signed``. Null
    otherwise.
    """
    s = fold_digits(text).str.to_uppercase()
    if prefix:
        s = s.str.replace(rf"^(?:{prefix})[\s.:\-_]*", "")
    s = s.str.replace(r"[.,]0+$", "")
    sign = "[+-]?" if signed else ""
    return pl.when(s.str.contains(rf"^{sign}\d{{1,{digits}}}$")).then(s.cast(dtype, strict=False))


def parse_desil(text: pl.Expr) -> pl.Expr:
    """Decile as written (``3``, ``DESIL 3``) as Int16, range not checked; null if unreadable."""
    return parse_int(text, prefix="DESIL", digits=3, dtype=pl.Int16)


def parse_number(text: pl.Expr) -> pl.Expr:
    """A decimal number (``2.5``, ``2,5``) as Float64; null if unreadable."""
    s = fold_digits(text).str.replace(r"^([+-]?\d+),(\d+)$", "$1.$2")
    return s.cast(pl.Float64, strict=False)


def clean_text(text: pl.Expr) -> pl.Expr:
    """Trimmed text with inner runs of whitespace collapsed; empty -> null."""
    s = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s)


def is_blank(text: pl.Expr) -> pl.Expr:
    """Null or only whitespace."""
    return text.is_null() | (text.str.strip_chars().str.len_bytes() == 0)


# --- dates -------------------------------------------------------------------------------------


def two_digit_year(year: pl.Expr, year_text_len: pl.Expr, reference: dt.date | None) -> pl.Expr:
    """Four-digit year: a two-digit year up to ``reference``'s (``25`` in 2025) is in its
    century, a later one in the century before. Four-digit years pass through; without a
    ``reference`` a two-digit year cannot be placed and gives null."""
    if reference is None:
        return pl.when(year_text_len != 2).then(year)
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


_SEP = r"(?:\s*[-/.]\s*|\s+)"


def add_parsed_date(
    frame: pl.LazyFrame,
    column: str,
    *,
    date_name: str,
    state_name: str,
    reference: dt.date | None,
    group: str | None = None,
    resolve_ambiguity: bool = True,
) -> pl.LazyFrame:
    """Read ``column`` in every date format of DOMAIN.md §4 into ``date_name`` and
    ``state_name``.

    The state is ``ok``, ``swapped`` (only readable as month/day), ``ambiguous`` (day and
    month both <= 12 in a column where swapped values occur; read as day/month),
    ``serial`` (an Excel serial number), ``unreadable``, or null for an empty cell.
    ``reference`` is the pivot of two-digit years (None: two-digit years are unreadable).
    ``group`` names a column (the source file) within which "this column uses both orders"
    is decided. Without ``resolve_ambiguity`` the state is never ``ambiguous`` and a Boolean
    ``<state_name>_both`` column (day and month could swap) is kept for
    :func:`resolve_ambiguous`; that form is row-wise, so it can run in :func:`per_distinct`.
    Work happens in temporary columns (``_t_...``) so that each step is a small expression.
    """
    t = f"_t_{column}_"

    def c(name: str) -> pl.Expr:
        return pl.col(t + name)

    def to_int(expr: pl.Expr) -> pl.Expr:
        return expr.cast(pl.Int32, strict=False)

    s = fold_digits(pl.col(column)).str.to_uppercase()
    frame = frame.with_columns(pl.when(s.str.len_bytes() > 0).then(s).alias(t + "s"))
    iso = c("s").str.extract_groups(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][0-9:.]*)?$")
    dmy = c("s").str.extract_groups(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2}}|\d{{4}})$")
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
        two_digit_year(c("y"), c("yl"), reference).alias(t + "y"),
        two_digit_year(c("ny"), c("nyl"), reference).alias(t + "ny"),
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
        .then(pl.lit(EXCEL_ORIGIN) + pl.duration(days=c("serial")))
        .cast(pl.Date)
    )
    swapped = c("dm").is_null() & c("md").is_not_null()
    both = c("dm").is_not_null() & c("md").is_not_null() & (c("a") != c("b"))
    written = pl.coalesce(
        c("iso"),
        c("dm"),
        c("md"),
        c("named"),
        pl.when(c("p1").is_between(19, 20)).then(c("ymd")),
        c("dmy8"),
        c("ymd"),
    )
    frame = frame.with_columns(written.alias(t + "written"))
    frame = frame.with_columns(
        pl.coalesce(c("written"), serial_date).alias(date_name),
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
        .when(c("written").is_null())
        .then(pl.lit(DATE_SERIAL))
        .otherwise(pl.lit(DATE_OK))
    )
    frame = frame.with_columns(state.alias(state_name), c("both").alias(f"{state_name}_both"))
    frame = frame.drop(pl.selectors.starts_with(t))
    if resolve_ambiguity:
        frame = resolve_ambiguous(frame, state_name, group)
    return frame


def resolve_ambiguous(
    frame: pl.LazyFrame, state_name: str, group: str | None, *, swapped: pl.Expr | None = None
) -> pl.LazyFrame:
    """Turn ``ok`` into ``ambiguous`` where day and month could swap and the column (within
    ``group``) holds swapped values; drops the ``<state_name>_both`` helper column.
    ``swapped``, when given, says per row whether its group holds swapped values (decided
    beforehand over the whole input, when ``frame`` is one batch of it)."""
    if swapped is not None:
        any_swapped = swapped
    else:
        is_swapped = pl.col(state_name) == DATE_SWAPPED
        any_swapped = is_swapped.any() if group is None else is_swapped.any().over(group)
    both = pl.col(f"{state_name}_both")
    return frame.with_columns(
        pl.when((pl.col(state_name) == DATE_OK) & both & any_swapped.fill_null(False))
        .then(pl.lit(DATE_AMBIGUOUS))
        .otherwise(pl.col(state_name))
        .alias(state_name)
    ).drop(f"{state_name}_both")


def date_build(
    column: str, *, date_name: str, state_name: str | None, reference: dt.date | None
) -> Build:
    """A :data:`Build` adding ``date_name`` (and, if named, ``state_name`` with its
    ``<state_name>_both`` helper) from ``column``; for :func:`per_distinct`."""

    def build(frame: pl.LazyFrame) -> pl.LazyFrame:
        state = state_name or f"_state_{column}"
        out = add_parsed_date(
            frame,
            column,
            date_name=date_name,
            state_name=state,
            reference=reference,
            resolve_ambiguity=False,
        )
        return out if state_name else out.drop(state, f"{state}_both")

    return build


def parse_date(text: pl.Series, *, reference: dt.date | None) -> pl.DataFrame:
    """Dates of one Series (each distinct text parsed once): columns ``date`` and ``state``,
    with ``ambiguous`` decided over the whole Series."""
    name = "_text"
    parsed = parse_distinct(
        text.alias(name),
        date_build(name, date_name="date", state_name="state", reference=reference),
    )
    return resolve_ambiguous(parsed.lazy(), "state", None).collect()
