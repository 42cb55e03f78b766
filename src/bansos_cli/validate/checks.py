"""Every check as a (code, column, condition, detail) rule over the typed helper frame.

Conditions are polars expressions over the columns built by :mod:`bansos_cli.validate.typed`;
:func:`collect_findings` filters the frame once per rule (cheap on Boolean columns) and stacks
the hits into the long findings table.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from bansos_cli.core import casts
from bansos_cli.core.columns import ROW, SHEET, SOURCE
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.validate import regions
from bansos_cli.validate.typed import FLAG_COLUMNS, RID, region_name_mismatch

FINDING_SCHEMA = {
    RID: pl.UInt32,
    "code": pl.String,
    "column": pl.String,
    "value": pl.String,
    "_detail": pl.String,
}


@dataclass(frozen=True)
class Rule:
    code: str
    column: str
    """Canonical column the finding points at (its raw text becomes ``value``)."""
    condition: pl.Expr
    detail: pl.Expr | None = None


def _years_before(reference: dt.date, years: int) -> dt.date:
    try:
        return reference.replace(year=reference.year - years)
    except ValueError:  # 29 February
        return reference.replace(year=reference.year - years, day=28)


def _is_default_date(day: pl.Expr, month: pl.Expr) -> pl.Expr:
    return ((day == 1) & (month == 7)) | ((day == 31) & (month == 12)) | (day == 15)


def _id_rules(cols: set[str], col: str, prefix: str) -> list[Rule]:
    if col not in cols:
        return []
    clean = pl.col(f"_v_{col}")
    ok = pl.col(f"_ok_{col}")
    num = pl.col(f"_num_{col}").fill_null(False) if f"_num_{col}" in cols else pl.lit(False)
    present = clean.is_not_null()
    sci = pl.col(f"_sci_{col}")
    decimal = pl.col(f"_dec_{col}")
    damaged = sci | decimal | (num & ~ok)
    digits = pl.col(f"_dig_{col}")
    status = pl.col(f"_rs_{col}")
    return [
        Rule(f"{prefix}_NOTASI_ILMIAH", col, sci),
        Rule(f"{prefix}_ANGKA_EXCEL", col, ~sci & (decimal | (num & present & ~ok))),
        Rule(f"{prefix}_ANGKA_NOL", col, num & ok & (pl.col(f"_n_{col}") % 10 == 0)),
        Rule(f"{prefix}_KARAKTER", col, present & ~damaged & ~digits),
        Rule(
            f"{prefix}_PANJANG",
            col,
            present & ~damaged & digits & ~ok,
            clean.str.len_chars().cast(pl.String),
        ),
        Rule(
            f"{prefix}_DINORMALISASI",
            col,
            ok & ~num & pl.col(f"_alt_{col}"),
            mask_id_expr(clean),
        ),
        Rule(f"{prefix}_PROVINSI", col, status == regions.PROVINCE_UNKNOWN, pl.col(f"_rd_{col}")),
        Rule(f"{prefix}_WILAYAH_00", col, status == regions.ZERO),
        Rule(f"{prefix}_WILAYAH_LAMA", col, status == regions.RETIRED, pl.col(f"_rd_{col}")),
        Rule(
            f"{prefix}_WILAYAH_TIDAK_DIKENAL", col, status == regions.UNKNOWN, pl.col(f"_rd_{col}")
        ),
        # on a number cell the last digit may be Excel's (ANGKA_NOL says so): the real serial
        # is unknown there, so 0000 is reported only for cells stored as text
        Rule(f"{prefix}_SERIAL_0000", col, ok & ~num & (pl.col(f"_n_{col}") % 10_000 == 0)),
    ]


def build_rules(frame: pl.DataFrame, *, reference: dt.date, max_age: int, lang: str) -> list[Rule]:
    """All rules that apply to the columns present in ``frame``."""
    cols = set(frame.columns)
    rules: list[Rule] = []
    nik_ok = pl.col("_ok_nik")

    # required values
    rules.append(Rule("WAJIB_KOSONG", "nik", pl.col("_v_nik").is_null()))
    if "nama" in cols:
        rules.append(Rule("WAJIB_KOSONG", "nama", pl.col("_v_nama").is_null()))

    rules += _id_rules(cols, "nik", "NIK")
    rules.append(Rule("NIK_TANGGAL", "nik", nik_ok & ~pl.col("_nik_date_ok")))
    if "no_kk" in cols:
        kk_ok = pl.col("_ok_no_kk")
        rules.append(Rule("KK_KOSONG", "no_kk", pl.col("_v_no_kk").is_null()))
        rules += _id_rules(cols, "no_kk", "KK")
        rules.append(Rule("KK_TANGGAL", "no_kk", kk_ok & ~pl.col("_kk_date_ok")))
        rules.append(
            Rule("NIK_SAMA_KK", "nik", nik_ok & kk_ok & (pl.col("_n_nik") == pl.col("_n_no_kk")))
        )

    if "jenis_kelamin" in cols:
        jk = pl.col("_v_jenis_kelamin")
        rules.append(
            Rule("JK_TIDAK_DIKENAL", "jenis_kelamin", ~pl.col("_b_jenis_kelamin") & jk.is_null())
        )
        nik_sex = pl.col("_nik_sex")
        rules.append(
            Rule(
                "NIK_JK_BEDA",
                "jenis_kelamin",
                nik_ok & jk.is_not_null() & nik_sex.is_not_null() & (jk != nik_sex),
                pl.concat_str([jk, pl.lit(" / NIK: "), nik_sex]),
            )
        )

    if "tanggal_lahir" in cols:
        tgl = pl.col("_v_tanggal_lahir")
        state = pl.col("_s_tanggal_lahir")
        shown = tgl.dt.strftime("%d-%m-%Y")
        rules += [
            Rule("TGL_LAHIR_FORMAT", "tanggal_lahir", state == casts.DATE_UNREADABLE),
            Rule("TGL_LAHIR_TERTUKAR", "tanggal_lahir", state == casts.DATE_SWAPPED, shown),
            Rule("TGL_LAHIR_AMBIGU", "tanggal_lahir", state == casts.DATE_AMBIGUOUS, shown),
            Rule("TGL_LAHIR_SERIAL", "tanggal_lahir", state == casts.DATE_SERIAL, shown),
            Rule(
                "TGL_LAHIR_MASA_DEPAN",
                "tanggal_lahir",
                tgl > pl.lit(reference),
                pl.lit(reference.strftime("%d-%m-%Y")),
            ),
            Rule(
                "TGL_LAHIR_TUA",
                "tanggal_lahir",
                tgl < pl.lit(_years_before(reference, max_age)),
                pl.lit(str(max_age)),
            ),
        ]
        day, month, yy = pl.col("_nik_day"), pl.col("_nik_month"), pl.col("_nik_yy")
        differs = (
            nik_ok
            & tgl.is_not_null()
            & pl.col("_nik_date_ok")
            & (
                (pl.col("_tgl_day") != day)
                | (pl.col("_tgl_month") != month)
                | (pl.col("_tgl_yy") != yy)
            )
        )
        soft = _is_default_date(pl.col("_tgl_day"), pl.col("_tgl_month")) | _is_default_date(
            day, month
        )
        nik_shown = pl.concat_str(
            [
                pl.lit("NIK "),
                day.cast(pl.String).str.zfill(2),
                pl.lit("-"),
                month.cast(pl.String).str.zfill(2),
                pl.lit("-"),
                yy.cast(pl.String).str.zfill(2),
            ]
        )
        rules += [
            Rule("NIK_TGL_LAHIR_BEDA", "tanggal_lahir", differs & ~soft, nik_shown),
            Rule("NIK_TGL_LAHIR_BAKU", "tanggal_lahir", differs & soft, nik_shown),
        ]
    if "tanggal_salur" in cols:
        rules.append(
            Rule(
                "TANGGAL_FORMAT",
                "tanggal_salur",
                pl.col("_s_tanggal_salur") == casts.DATE_UNREADABLE,
            )
        )
        rules.append(
            Rule(
                "TANGGAL_SERIAL",
                "tanggal_salur",
                pl.col("_s_tanggal_salur") == casts.DATE_SERIAL,
                pl.col("_v_tanggal_salur").dt.strftime("%d-%m-%Y"),
            )
        )
    if "status_dasar" in cols:
        rules.append(Rule("STATUS_MENINGGAL", "status_dasar", pl.col("_v_status_dasar") == "MATI"))

    if "nama" in cols:
        rules += [
            Rule("NAMA_ANGKA", "nama", pl.col("_nama_angka")),
            Rule("NAMA_GELAR_SAJA", "nama", pl.col("_nama_gelar")),
            Rule("NAMA_ALMARHUM", "nama", pl.col("_nama_alm")),
        ]
    if "desil" in cols:
        desil = pl.col("_v_desil")
        rules.append(
            Rule(
                "DESIL_RENTANG",
                "desil",
                ~pl.col("_b_desil") & ~desil.is_between(1, 10).fill_null(False),
            )
        )
    for col in ("rt", "rw"):
        if col in cols:
            rules.append(
                Rule(
                    "RT_RW_FORMAT",
                    col,
                    ~pl.col(f"_b_{col}") & pl.col(f"_v_{col}").is_null(),
                )
            )
    for col in FLAG_COLUMNS:
        if col in cols:
            rules.append(
                Rule(
                    "FLAG_FORMAT",
                    col,
                    ~pl.col(f"_b_{col}") & pl.col(f"_v_{col}").is_null(),
                )
            )
    return rules


def _other_rows_detail(
    frame: pl.DataFrame, lang: str, known: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``_rid``/``_detail`` for every row whose NIK also appears on another row. ``known``:
    the repeated NIKs of the whole input with their detail (``_n_nik``, ``_detail``; see
    :mod:`bansos_cli.validate.facts`), when ``frame`` is one batch of it."""
    if known is not None:
        number = pl.col("_n_nik")
        return (
            frame.select(RID, "_n_nik", "_ok_nik")
            .filter(pl.col("_ok_nik") & number.is_in(known.get_column("_n_nik").implode()))
            .join(known, on="_n_nik", how="left", maintain_order="left")
            .select(RID, "_detail")
        )

    def varies(column: str) -> bool:
        values = frame.get_column(column)
        return bool(values.len()) and bool((values != values.first()).any())

    label = row_label(varies(SOURCE), varies(SHEET))
    # 16 digits fit in a UInt64: hashing integers is much cheaper than hashing text
    # repeated values found on the sorted numbers (a sort beats hashing 1M values here)
    numbers = frame.get_column("_n_nik").drop_nulls().sort()
    repeated = numbers.filter(numbers == numbers.shift(1)).unique()
    candidates = frame.select(
        pl.col("_ok_nik") & pl.col("_n_nik").is_in(repeated.implode())
    ).to_series()
    dup = (
        frame.select(RID, "_v_nik", SOURCE, SHEET, ROW)
        .filter(candidates)
        .lazy()
        .select(RID, pl.col("_v_nik"), label.alias("_label"))
        .filter(pl.len().over("_v_nik") > 1)
        .with_columns(
            pl.len().over("_v_nik").alias("_n"),
            pl.col("_label").head(OTHER_ROWS_SHOWN).implode().over("_v_nik").alias("_labels"),
        )
        .select(RID, duplicate_detail(lang).alias("_detail"))
    )
    return dup.collect()


OTHER_ROWS_SHOWN = 10
"""Rows a NIK_GANDA finding lists (the first ones, in input order)."""


def row_label(source_varies: bool, sheet_varies: bool) -> pl.Expr:
    """A row as the officer finds it (``file:sheet!row``), naming only what varies in the
    input."""
    parts: list[pl.Expr] = []
    if source_varies:
        parts += [pl.col(SOURCE), pl.lit(":")]
    if sheet_varies:
        parts += [pl.col(SHEET), pl.lit("!")]
    return pl.concat_str([*parts, pl.col(ROW).cast(pl.String)])


def duplicate_detail(lang: str) -> pl.Expr:
    """The detail of a NIK_GANDA finding from ``_n`` (rows with the NIK) and ``_labels``
    (the first :data:`OTHER_ROWS_SHOWN` of them)."""
    word = "baris" if lang == "id" else "rows"
    return pl.concat_str(
        [
            pl.col("_n").cast(pl.String),
            pl.lit(f" {word}: "),
            pl.col("_labels").list.join(", "),
            pl.when(pl.col("_n") > OTHER_ROWS_SHOWN).then(pl.lit(", ...")).otherwise(pl.lit("")),
        ]
    )


def _with_row_values(rows: pl.DataFrame, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``rows`` (with a ``_rid``) plus ``frame``'s ``columns`` at those rows (``_rid`` is the
    row position in ``frame``: a gather, not a join over the whole frame)."""
    at = rows.get_column(RID)
    return rows.with_columns(frame.select(pl.col(columns).gather(at)).get_columns())


def collect_findings(
    frame: pl.DataFrame,
    *,
    reference: dt.date,
    max_age: int,
    lang: str,
    duplicates: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The long findings table (internal columns ``_rid``, ``code``, ``column``, ``value``,
    ``_detail``), in rule order then row order. ``duplicates``: see
    :func:`_other_rows_detail`."""
    rules = build_rules(frame, reference=reference, max_age=max_age, lang=lang)
    # the duplicate and region-name checks are independent of the rules: run them in a
    # second thread (polars works outside the GIL) while the rules are evaluated here
    with ThreadPoolExecutor(max_workers=1) as pool:
        dup_names = pool.submit(
            lambda: (_other_rows_detail(frame, lang, duplicates), region_name_mismatch(frame))
        )
        found = _rule_findings(frame, rules)
        dup, names = dup_names.result()
    if dup.height:
        found = pl.concat(
            [
                found,
                _with_row_values(dup, frame, ["nik"]).select(
                    RID,
                    pl.lit("NIK_GANDA").alias("code"),
                    pl.lit("nik").alias("column"),
                    pl.col("nik").alias("value"),
                    "_detail",
                ),
            ]
        )
    if names.height:
        value = pl.coalesce(
            [
                pl.when(pl.col("_wil_col") == c).then(pl.col(c))
                for c in ("kabupaten", "kecamatan")
                if c in frame.columns
            ]
        )
        found = pl.concat(
            [
                found,
                _with_row_values(
                    names, frame, [c for c in ("kabupaten", "kecamatan") if c in frame.columns]
                ).select(
                    RID,
                    pl.lit("WILAYAH_NAMA_BEDA").alias("code"),
                    pl.col("_wil_col").alias("column"),
                    value.alias("value"),
                    pl.col("_wil_detail").alias("_detail"),
                ),
            ]
        )
    return found.with_columns(pl.col(RID).cast(pl.UInt32))


def _rule_findings(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The findings of ``rules`` (``_rid``, ``code``, ``column``, ``value``, ``_detail``)."""
    # Evaluate every condition once over all rows, keep the (few) rows where any fires, and
    # run the per-rule filters on those only. Lazily, so that the sub-expressions the rules
    # share are computed once.
    fired = (
        frame.lazy()
        .select(
            pl.any_horizontal([rule.condition.fill_null(False) for rule in rules]).alias("_any")
        )
        .collect()
        .to_series()
    )
    # only the columns the rules read are filtered (the typed frame is wide)
    needed = {RID, *(rule.column for rule in rules)}
    for rule in rules:
        needed.update(rule.condition.meta.root_names())
        if rule.detail is not None:
            needed.update(rule.detail.meta.root_names())
    lf = frame.select([c for c in frame.columns if c in needed]).filter(fired).lazy()
    parts = [
        lf.filter(rule.condition.fill_null(False)).select(
            pl.col(RID),
            pl.lit(rule.code).alias("code"),
            pl.lit(rule.column).alias("column"),
            pl.col(rule.column).alias("value"),
            (rule.detail if rule.detail is not None else pl.lit(None, dtype=pl.String))
            .cast(pl.String)
            .alias("_detail"),
        )
        for rule in rules
    ]
    return pl.concat(parts).collect() if parts else pl.DataFrame(schema=FINDING_SCHEMA)
