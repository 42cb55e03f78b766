"""Build the typed helper frame: cleaned identifiers, parsed dates/codes, region lookups.

Speed matters here (millions of rows), so two patterns recur:

- *parse distinct values once*: dates, sex codes, flags and names repeat a lot; each
  distinct text is parsed once (:func:`bansos_cli.core.casts.per_distinct`) and the
  result gathered back to the rows;
- *fast path for clean identifiers*: most NIK/KK cells are already 16 ASCII digits; the
  costly normalisation (Unicode digits, separators, Excel damage) runs only on the others.

Helper columns are prefixed ``_v_`` (typed value), ``_ok_``, ``_s_`` (date state) and so on;
the stage drops them before returning records.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from bansos_cli.core import casts, names, vocabulary
from bansos_cli.core import nik as N
from bansos_cli.core.columns import SOURCE
from bansos_cli.validate import regions

DATE_COLUMNS = ("tanggal_lahir", "tanggal_salur")
FLAG_COLUMNS = (
    "bansos_bpnt",
    "bansos_pkh",
    "bansos_bpnt_ppkm",
    "pbi_jkn",
    "blt_dd",
    "status_padan",
    "hamil",
)
NAME_COLUMNS = ("nama", "nama_ibu_kandung", "tempat_lahir")
INT_COLUMNS = {"rt": "RT", "rw": "RW", "jumlah_anggota_keluarga": ""}
AREA_COLUMNS = ("rt", "rw")
"""RT and RW: ``-`` or ``0`` means "none" (a village without RW), not a bad value."""
_NO_AREA = r"^\s*(?:-+|0+|\.|/)\s*$"
ID_COLUMNS = ("nik", "no_kk")

RID = vocabulary.RID
"""Internal 0-based row id, used to join findings back to records."""

# the one list of titles and degrees (core.names), longest first so that the alternation
# prefers HAJJAH over HAJ...
_TITLES = "|".join(sorted(names.TITLE_TOKENS, key=lambda t: (-len(t), t)))
_DECEASED = "|".join(sorted(names.DECEASED_MARKERS, key=lambda t: (-len(t), t)))
_TITLE_RE = rf"\b(?:{_TITLES})\b"
_DECEASED_RE = rf"\b(?:{_DECEASED})\b"


def _blank_flag(column: str) -> pl.Expr:
    return casts.is_blank(pl.col(column)).alias(f"_b_{column}")


def _id_columns(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """``_v_`` (normalised), ``_w_`` (as written, trimmed), ``_ok_`` (16 digits), ``_n_`` (as
    UInt64) and damage flags (``_alt_`` normalised, ``_sci_`` E+ notation, ``_dec_`` ``.0``,
    ``_dig_`` digits only)."""
    raw = pl.col(col)
    # 16 ASCII digits without a leading zero, tested by an integer cast (much cheaper than a
    # regex); anything else (a sign, spaces, a leading 0) takes the careful path below
    number = frame.select(raw.cast(pl.UInt64, strict=False)).to_series()
    fast = frame.select(
        (raw.str.len_bytes() == 16) & (number >= 10**15).fill_null(False)
    ).to_series()
    height = frame.height
    # the costly normalisation runs only on cells that are not already 16 ASCII digits
    rest = frame.select(RID, col).filter(~fast & raw.is_not_null())
    rest = (
        rest.with_columns(N.clean_id(raw).alias("_c"))
        .select(
            RID,
            pl.col("_c"),
            raw.str.strip_chars().alias("_w"),
            N.is_id_shape(pl.col("_c")).fill_null(False).alias("_ok"),
            (pl.col("_c") != raw.str.strip_chars()).fill_null(False).alias("_alt"),
            N.is_scientific(raw).fill_null(False).alias("_sci"),
            N.has_decimal_suffix(raw).fill_null(False).alias("_dec"),
            N.is_digits(pl.col("_c")).fill_null(False).alias("_dig"),
        )
        .with_columns(
            pl.when(pl.col("_ok")).then(pl.col("_c").cast(pl.UInt64, strict=False)).alias("_n")
        )
    )
    where = rest.get_column(RID)

    def spread(name: str, base: pl.Series) -> pl.Series:
        return base.scatter(where, rest.get_column(name)) if rest.height else base

    no = pl.repeat(False, height, dtype=pl.Boolean, eager=True)
    value = spread("_c", frame.get_column(col))
    # a fast cell has no white space to trim
    written = spread("_w", frame.get_column(col))
    ok = fast | spread("_ok", no.clone())
    # 16 digits fit in a UInt64: field arithmetic on integers is far cheaper than slicing
    number = pl.select(pl.when(fast).then(number)).to_series()
    new = pl.DataFrame(
        {
            f"_v_{col}": value,
            f"_w_{col}": written,
            f"_ok_{col}": ok,
            f"_alt_{col}": spread("_alt", no.clone()),
            f"_sci_{col}": spread("_sci", no.clone()),
            f"_dec_{col}": spread("_dec", no.clone()),
            f"_dig_{col}": fast | spread("_dig", no.clone()),
            f"_n_{col}": spread("_n", number),
        }
    )
    return frame.hstack(new)


def _digits(number: pl.Expr, start: int, length: int) -> pl.Expr:
    """Digits ``start``.. (0-based, ``length`` of them) of a 16-digit number, as Int32."""
    return ((number // 10 ** (16 - start - length)) % 10**length).cast(pl.Int32)


def _date_fields(frame: pl.DataFrame, number: str, prefix: str) -> pl.DataFrame:
    """Add digits 7-12 (DD MM YY) of the 16-digit ``number`` column as three Int32 columns,
    ``<prefix>_dd``, ``<prefix>_month`` and ``<prefix>_yy``."""
    # one division of the 64-bit number, then 32-bit arithmetic: cheaper than three
    # 64-bit divisions and casts
    name = f"{prefix}_ddmmyy"
    ddmmyy = pl.col(name)
    return (
        frame.with_columns(_digits(pl.col(number), 6, 6).alias(name))
        .with_columns(
            (ddmmyy // 10_000).alias(f"{prefix}_dd"),
            (ddmmyy // 100 % 100).alias(f"{prefix}_month"),
            (ddmmyy % 100).alias(f"{prefix}_yy"),
        )
        .drop(name)
    )


def _nik_parts(frame: pl.DataFrame, *, reference: dt.date) -> pl.DataFrame:
    """Decoded NIK fields (sex, birth day/month/yy, date validity) for well-formed NIKs."""
    frame = _date_fields(frame, "_n_nik", "_nik")
    dd = pl.col("_nik_dd")
    frame = frame.with_columns(
        pl.when(dd.is_between(1, 31))
        .then(pl.lit("L"))
        .when(dd.is_between(41, 71))
        .then(pl.lit("P"))
        .alias("_nik_sex"),
        pl.when(dd.is_between(1, 31))
        .then(dd)
        .when(dd.is_between(41, 71))
        .then(dd - N.FEMALE_DAY_OFFSET)
        .alias("_nik_day"),
    ).drop("_nik_dd")
    valid = _date_digits_valid(pl.col("_nik_day"), pl.col("_nik_month"), pl.col("_nik_yy"))
    return frame.with_columns(valid.alias("_nik_date_ok"))


def _date_digits_valid(day: pl.Expr, month: pl.Expr, yy: pl.Expr) -> pl.Expr:
    """DD MM YY is a real date in either century (29-02-00 is valid in 2000)."""
    return N.is_valid_date(yy + 2000, month, day) | N.is_valid_date(yy + 1900, month, day)


def _date_build(col: str, reference: dt.date) -> casts.Build:
    build = casts.date_build(
        col, date_name=f"_v_{col}", state_name=f"_s_{col}", reference=reference
    )
    if col != "tanggal_lahir":
        return build
    date = pl.col(f"_v_{col}")

    def with_parts(lf: pl.LazyFrame) -> pl.LazyFrame:
        # the day, month and two-digit year the checks compare with the NIK: taken here, once
        # per distinct text, instead of from the date of every row
        return build(lf).with_columns(
            date.dt.day().alias("_tgl_day"),
            date.dt.month().alias("_tgl_month"),
            (date.dt.year() % 100).alias("_tgl_yy"),
        )

    return with_parts


def _name_build(col: str) -> casts.Build:
    def build(lf: pl.LazyFrame) -> pl.LazyFrame:
        lf = lf.with_columns(casts.clean_text(pl.col(col)).alias(f"_v_{col}"))
        if col != "nama":
            return lf
        upper = pl.col("_v_nama").str.to_uppercase()
        words = upper.str.replace_all(r"[.,'`\-()]", " ")
        only_titles = words.str.replace_all(_TITLE_RE, "").str.strip_chars().str.len_bytes() == 0
        return lf.with_columns(
            N.fold_digits(upper).str.contains(r"[0-9]").fill_null(False).alias("_nama_angka"),
            (upper.is_not_null() & only_titles).fill_null(False).alias("_nama_gelar"),
            (words.str.contains(_DECEASED_RE) & ~only_titles).fill_null(False).alias("_nama_alm"),
        )

    return build


def _parse_build(col: str, parse: Callable[[pl.Expr], pl.Expr]) -> casts.Build:
    def build(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.with_columns(parse(pl.col(col)).alias(f"_v_{col}"), _blank_flag(col))

    return build


def _area_build(col: str, prefix: str) -> casts.Build:
    """RT/RW as a number; ``-``/``0`` is no RT/RW (null, and blank for the checks)."""

    def build(lf: pl.LazyFrame) -> pl.LazyFrame:
        none = pl.col(col).str.contains(_NO_AREA).fill_null(False)
        value = casts.parse_int(pl.col(col), prefix=prefix)
        return lf.with_columns(
            pl.when(~none).then(value).alias(f"_v_{col}"),
            (casts.is_blank(pl.col(col)) | none).alias(f"_b_{col}"),
        )

    return build


def typed_columns(
    frame: pl.DataFrame,
    *,
    reference: dt.date,
    swapped: Mapping[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Add helper columns holding the typed value of every known column, and check flags.

    ``swapped``: for a batch of a larger input, the sources whose date column (the key)
    holds day/month-swapped values anywhere in the input (see :mod:`bansos_cli.validate.facts`);
    None: decided on ``frame``."""
    cols = set(frame.columns)
    out = frame.with_row_index(RID)
    builds: dict[str, casts.Build] = {}
    for col in DATE_COLUMNS:
        if col in cols:
            builds[col] = _date_build(col, reference)
    if "jenis_kelamin" in cols:
        builds["jenis_kelamin"] = _parse_build("jenis_kelamin", casts.parse_sex)
    if "desil" in cols:
        builds["desil"] = _parse_build("desil", casts.parse_desil)
    for col, prefix in INT_COLUMNS.items():
        if col in cols:
            if col in AREA_COLUMNS:
                builds[col] = _area_build(col, prefix)
            else:
                builds[col] = _parse_build(col, functools.partial(casts.parse_int, prefix=prefix))
    if "status_dasar" in cols:
        builds["status_dasar"] = _parse_build("status_dasar", casts.parse_life_status)
    for col in FLAG_COLUMNS:
        if col in cols:
            builds[col] = _parse_build(col, casts.parse_flag)
    for col in NAME_COLUMNS:
        if col in cols:
            builds[col] = _name_build(col)
    # the distinct-value parsing and the identifier columns are independent: parse in a
    # second thread (polars runs outside the GIL) while the identifiers are decoded here
    with ThreadPoolExecutor(max_workers=1) as pool:
        parsed = pool.submit(casts.per_distinct, frame, builds)
        for col in ID_COLUMNS:
            if col in cols:
                out = _id_columns(out, col)
                out = _join_regions(out, col)
        decoded = _nik_parts(out, reference=reference)
        if "no_kk" in cols:
            decoded = (
                _date_fields(decoded, "_n_no_kk", "_kk")
                .with_columns(
                    _date_digits_valid(
                        pl.col("_kk_dd"), pl.col("_kk_month"), pl.col("_kk_yy")
                    ).alias("_kk_date_ok")
                )
                .drop("_kk_dd", "_kk_month", "_kk_yy")
            )
        added = decoded.select(c for c in decoded.columns if c not in set(out.columns))
        out = out.hstack(parsed.result().get_columns()).hstack(added.get_columns())
    for col in DATE_COLUMNS:
        if col in cols:
            state = f"_s_{col}"
            if swapped is not None:
                known = pl.col(SOURCE).is_in(list(swapped.get(col, ())))
                out = casts.resolve_ambiguous(out.lazy(), state, SOURCE, swapped=known).collect()
            elif (out.get_column(state) == casts.DATE_SWAPPED).any():
                out = casts.resolve_ambiguous(out.lazy(), state, SOURCE).collect()
            else:  # no month/day value anywhere: nothing is ambiguous
                out = out.drop(f"{state}_both")
    return out


_PREFIXES = 10**6
"""Distinct 6-digit region prefixes (000000-999999)."""


def _join_regions(frame: pl.DataFrame, col: str) -> pl.DataFrame:
    """Region status of the 6-digit prefix, looked up once per distinct prefix."""
    key = f"_pfx_{col}"
    prefix = frame.select((pl.col(f"_n_{col}") // 10**10).cast(pl.UInt32).alias(key)).to_series()
    # a prefix is below 10**6: a table indexed by the prefix itself finds the distinct ones
    # and then each row's status with a gather, instead of hashing every row twice
    seen = pl.repeat(False, _PREFIXES, dtype=pl.Boolean, eager=True)
    prefixes = seen.scatter(prefix.drop_nulls(), True).arg_true().cast(pl.UInt32)
    status = regions.prefix_status(prefixes.cast(pl.String).str.zfill(6)).select(
        pl.col("_pfx").cast(pl.UInt32).alias(key),
        pl.col("_status").alias(f"_rs_{col}"),
        pl.col("_detail").alias(f"_rd_{col}"),
    )
    slot = pl.repeat(None, _PREFIXES, dtype=pl.UInt32, eager=True).scatter(
        status.get_column(key), pl.int_range(status.height, dtype=pl.UInt32, eager=True)
    )
    at = slot.gather(prefix)
    added = status.select(pl.col(f"_rs_{col}", f"_rd_{col}").gather(at))
    return frame.hstack([prefix, *added.get_columns()])


def region_name_mismatch(frame: pl.DataFrame) -> pl.DataFrame:
    """``_rid``, ``_wil_col``, ``_wil_detail`` for rows whose region names match neither the
    NIK's nor the KK's prefix (kabupaten checked first, then kecamatan; one finding a row).

    Names are judged once per distinct (prefixes, names) combination, then the few bad
    combinations are joined back to the rows (one pass over the rows each way).
    """
    empty = pl.DataFrame(schema={RID: pl.UInt32, "_wil_col": pl.String, "_wil_detail": pl.String})
    id_cols = [c for c in ID_COLUMNS if f"_pfx_{c}" in frame.columns]
    levels = [
        (lvl, col)
        for lvl, col in (("kab", "kabupaten"), ("kec", "kecamatan"))
        if col in frame.columns
    ]
    if not id_cols or not levels:
        return empty
    # a prefix fixes its region status: combinations are told apart by prefixes and names
    prefixes = [f"_pfx_{c}" for c in id_cols]
    keys = [*prefixes, *(f"_rs_{c}" for c in id_cols)]
    names = [col for _, col in levels]
    combos = frame.lazy().select([*keys, *names]).unique(subset=[*prefixes, *names]).collect()
    flagged = []
    for level, col in levels:
        width = 4 if level == "kab" else 6
        base = (
            combos.select(*keys, col)
            .unique(subset=[*prefixes, col])
            .with_columns(
                pl.col(col).alias("_name"),
                *[
                    pl.when(pl.col(f"_rs_{c}").is_in([regions.OK, regions.RETIRED]))
                    .then(pl.col(f"_pfx_{c}").cast(pl.String).str.zfill(6).str.slice(0, width))
                    .alias(f"_code_{c}")
                    for c in id_cols
                ],
            )
            .with_columns(regions.name_key(pl.col("_name")).alias("_key"))
        )
        base = base.filter(
            (pl.col("_key").str.len_bytes() > 0)
            & pl.any_horizontal([pl.col(f"_code_{c}").is_not_null() for c in id_cols])
        )
        matched = []
        for c in id_cols:
            pairs = base.select(pl.col(f"_code_{c}").alias("kode"), "_key").drop_nulls().unique()
            checked = regions.names_match(pairs, level).select(
                pl.col("kode").alias(f"_code_{c}"), "_key", pl.col("_match").alias(f"_m_{c}")
            )
            base = base.join(checked, on=[f"_code_{c}", "_key"], how="left")
            matched.append(pl.col(f"_m_{c}").fill_null(False))
        bad = base.filter(~pl.any_horizontal(matched)).select(
            *prefixes,
            col,
            pl.concat_str(
                [
                    pl.col("_name"),
                    pl.lit(" / "),
                    pl.coalesce([pl.col(f"_code_{c}") for c in id_cols]),
                ]
            ).alias("_wil_detail"),
        )
        if not bad.is_empty():
            flagged.append(
                combos.select(*prefixes, *names)
                .join(bad, on=[*prefixes, col], how="inner", nulls_equal=True)
                .with_columns(pl.lit(col).alias("_wil_col"))
            )
    if not flagged:
        return empty
    # a combination bad at both levels keeps its kabupaten finding (one finding a row)
    bad_combos = pl.concat(flagged).unique(
        subset=[*prefixes, *names], keep="first", maintain_order=True
    )
    rows = frame.select(RID, *prefixes, *names).join(
        bad_combos, on=[*prefixes, *names], how="inner", nulls_equal=True
    )
    return rows.select(RID, "_wil_col", "_wil_detail")
