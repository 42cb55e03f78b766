"""Layouts: how records become the text columns of a file, and how a sheet is laid out.

A :class:`SheetSpec` says everything a writer needs to put a frame on an Excel sheet the way
real exports look (title rows, a blank row, the header, blank rows in the data, number cells),
and lets the truth compute the exact Excel row of every data row before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bansos_cli.sample.people import SHDK_LABELS

LAYOUTS = ("canonical", "siks_ng", "blt_dd", "keluarga")

SIKS_NG_HEADERS = (
    "ID DTKS",
    "PROVINSI",
    "KABUPATEN/KOTA",
    "KECAMATAN",
    "DESA/KELURAHAN",
    "ALAMAT",
    "DUSUN",
    "RT",
    "RW",
    "NO KK",
    "NIK",
    "NAMA",
    "TANGGAL LAHIR",
    "TEMPAT LAHIR",
    "JENIS KELAMIN",
    "PEKERJAAN",
    "NAMA IBU KANDUNG",
    "HUB KELUARGA",
    "KETERANGAN PADAN",
    "BANSOS BPNT",
    "BANSOS PKH",
    "BANSOS BPNT PPKM",
    "PBI JKN",
    "DESIL",
)
BLT_DD_HEADERS = (
    "NO",
    "NIK",
    "NO KK",
    "NAMA KEPALA KELUARGA",
    "JENIS KELAMIN",
    "TANGGAL LAHIR",
    "JUMLAH ANGGOTA KELUARGA",
    "ALAMAT",
    "RT",
    "RW",
    "JENIS PEKERJAAN",
    "DESIL",
    "KETERANGAN",
)
KELUARGA_HEADERS = (
    "NO",
    "NO KK",
    "NIK",
    "NAMA",
    "TEMPAT, TANGGAL LAHIR",
    "L",
    "P",
    "HUBUNGAN KELUARGA",
    "ALAMAT",
    "RT",
    "RW",
    "DESIL",
)
KELUARGA_GROUPS = {"JENIS KELAMIN": ("L", "P")}
"""Two-row header of the family list: JENIS KELAMIN merged over its L and P tick columns."""
KELUARGA_MERGED = ("NO KK", "ALAMAT")
"""Columns merged over the consecutive rows of one family, as village lists draw them."""
CANONICAL_HEADERS = (
    "nik",
    "no_kk",
    "nama",
    "nama_ibu_kandung",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "pekerjaan",
    "provinsi",
    "kabupaten",
    "kecamatan",
    "desa",
    "dusun",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
    "id_dtks",
    "status_padan",
    "desil",
    "keterangan_meninggal",
    "bansos_bpnt",
    "bansos_pkh",
    "bansos_bpnt_ppkm",
    "pbi_jkn",
)

_MONTHS = (
    "JANUARI",
    "FEBRUARI",
    "MARET",
    "APRIL",
    "MEI",
    "JUNI",
    "JULI",
    "AGUSTUS",
    "SEPTEMBER",
    "OKTOBER",
    "NOVEMBER",
    "DESEMBER",
)
_MON3 = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES")


@dataclass
class SheetSpec:
    """How one frame is placed on one Excel sheet."""

    name: str
    frame: pl.DataFrame
    title_rows: list[str] = field(default_factory=list)
    merge_title: bool = True
    blank_before_header: int = 1
    empty_before: list[int] = field(default_factory=list)
    """0-based data-row indices before which one empty row is written."""
    number_cells: dict[str, np.ndarray] = field(default_factory=dict)
    """Column -> Boolean mask of rows whose value is written as a *number* cell."""
    number_columns: tuple[str, ...] = ()
    """Columns written as numbers wherever the text is all digits (RT/RW lose zeros)."""
    footer_rows: list[str] = field(default_factory=list)
    hidden: bool = False
    header_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Group title -> its consecutive member columns: a two-row header, the title merged
    over the members' labels and every other header merged over both rows."""
    merge_runs: tuple[str, ...] = ()
    """Columns whose runs of equal consecutive values are written as one merged cell."""

    @property
    def header_row(self) -> int:
        """Excel row (1-based) of the (first) header row."""
        if not self.title_rows:
            return 1
        return len(self.title_rows) + self.blank_before_header + 1

    @property
    def header_height(self) -> int:
        """Rows the header takes: 2 with grouped columns, else 1."""
        return 2 if self.header_groups else 1

    def excel_rows(self) -> np.ndarray:
        """Excel row (1-based) of every data row, counting title and empty rows."""
        n = self.frame.height
        shift = np.zeros(n, dtype=np.int64)
        for pos in self.empty_before:
            shift[pos:] += 1
        return self.header_row + self.header_height + np.arange(n, dtype=np.int64) + shift


def date_text(recs: pl.DataFrame, base: str) -> pl.Expr:
    """TANGGAL LAHIR as text: ``base`` is ``dmy-``, ``dmy/`` or ``iso``; swaps and alternatives.

    ``date_alt``: 1 the other separator (ISO for ``iso`` layouts' alternative), 2 ISO or
    ``dd-mm-yyyy``, 3 ``17 AGUSTUS 1985``, 4 ``17-AGU-85``.
    """
    d = pl.col("tanggal_lahir").dt.day().cast(pl.String).str.zfill(2)
    m = pl.col("tanggal_lahir").dt.month().cast(pl.String).str.zfill(2)
    y = pl.col("tanggal_lahir").dt.year().cast(pl.String)
    month_idx = pl.col("tanggal_lahir").dt.month().cast(pl.Int64) - 1
    long_m = pl.lit(pl.Series(_MONTHS)).gather(month_idx)
    short_m = pl.lit(pl.Series(_MON3)).gather(month_idx)

    def dmy(sep: str, first: pl.Expr, second: pl.Expr) -> pl.Expr:
        return pl.concat_str([first, pl.lit(sep), second, pl.lit(sep), y])

    if base == "iso":
        own = pl.concat_str([y, pl.lit("-"), m, pl.lit("-"), d])
        swapped = pl.concat_str([y, pl.lit("-"), d, pl.lit("-"), m])
        alt1, alt2 = dmy("/", d, m), dmy("-", d, m)
    else:
        sep = "-" if base == "dmy-" else "/"
        other = "/" if sep == "-" else "-"
        own = dmy(sep, d, m)
        swapped = dmy(sep, m, d)
        alt1 = dmy(other, d, m)
        alt2 = pl.concat_str([y, pl.lit("-"), m, pl.lit("-"), d])
    alt3 = pl.concat_str(
        [pl.col("tanggal_lahir").dt.day().cast(pl.String), pl.lit(" "), long_m, pl.lit(" "), y]
    )
    alt4 = pl.concat_str([d, pl.lit("-"), short_m, pl.lit("-"), y.str.slice(2)])
    return (
        pl.when(pl.col("date_swap"))
        .then(swapped)
        .when(pl.col("date_alt") == 1)
        .then(alt1)
        .when(pl.col("date_alt") == 2)
        .then(alt2)
        .when(pl.col("date_alt") == 3)
        .then(alt3)
        .when(pl.col("date_alt") == 4)
        .then(alt4)
        .otherwise(own)
    )


def _yes_no(col: str) -> pl.Expr:
    return pl.when(pl.col(col)).then(pl.lit("YA")).otherwise(pl.lit("TIDAK"))


def _padan() -> pl.Expr:
    return pl.when(pl.col("padan_show")).then(pl.lit("PADAN")).otherwise(pl.lit("TIDAK PADAN"))


def _hub() -> pl.Expr:
    return pl.col("shdk").cast(pl.Int64).replace_strict(SHDK_LABELS, return_dtype=pl.String)


def render_canonical(recs: pl.DataFrame) -> pl.DataFrame:
    return recs.select(
        pl.col("nik_show").alias("nik"),
        pl.col("kk_show").alias("no_kk"),
        pl.col("nama_show").alias("nama"),
        "nama_ibu_kandung",
        "tempat_lahir",
        date_text(recs, "iso").alias("tanggal_lahir"),
        pl.when(pl.col("female_show"))
        .then(pl.lit("P"))
        .otherwise(pl.lit("L"))
        .alias("jenis_kelamin"),
        _hub().alias("hubungan_keluarga"),
        "pekerjaan",
        "provinsi",
        "kabupaten",
        "kecamatan",
        "desa",
        "dusun",
        "alamat",
        "rt",
        "rw",
        pl.col("kode_desa").alias("kode_wilayah"),
        "id_dtks",
        _padan().alias("status_padan"),
        pl.col("desil").cast(pl.String),
        pl.when(pl.col("deceased")).then(pl.lit("MENINGGAL")).alias("keterangan_meninggal"),
        _yes_no("bansos_bpnt").alias("bansos_bpnt"),
        _yes_no("bansos_pkh").alias("bansos_pkh"),
        _yes_no("bansos_bpnt_ppkm").alias("bansos_bpnt_ppkm"),
        _yes_no("pbi_jkn").alias("pbi_jkn"),
    )


def render_siks_ng(recs: pl.DataFrame) -> pl.DataFrame:
    frame = recs.select(
        "id_dtks",
        "provinsi",
        "kabupaten",
        "kecamatan",
        "desa",
        "alamat",
        "dusun",
        "rt",
        "rw",
        "kk_show",
        "nik_show",
        "nama_show",
        date_text(recs, "dmy-").alias("tgl"),
        "tempat_lahir",
        pl.when(pl.col("female_show"))
        .then(pl.lit("PEREMPUAN"))
        .otherwise(pl.lit("LAKI-LAKI"))
        .alias("jk"),
        "pekerjaan",
        "nama_ibu_kandung",
        _hub().alias("hub"),
        _padan().alias("padan"),
        _yes_no("bansos_bpnt").alias("b1"),
        _yes_no("bansos_pkh").alias("b2"),
        _yes_no("bansos_bpnt_ppkm").alias("b3"),
        _yes_no("pbi_jkn").alias("b4"),
        pl.col("desil").cast(pl.String),
    )
    return frame.rename(dict(zip(frame.columns, SIKS_NG_HEADERS, strict=True)))


_KETERANGAN = (
    "",
    "",
    "",
    "LANSIA TUNGGAL",
    "KEHILANGAN MATA PENCAHARIAN",
    "DISABILITAS",
    "PENYAKIT KRONIS",
    "",
    "",
)


def render_blt_dd(recs: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    ket = pl.Series(_KETERANGAN).gather(rng.integers(0, len(_KETERANGAN), recs.height))
    frame = recs.select(
        (pl.int_range(pl.len()) + 1).cast(pl.String).alias("no"),
        "nik_show",
        "kk_show",
        "nama_show",
        pl.when(pl.col("female_show")).then(pl.lit("P")).otherwise(pl.lit("L")).alias("jk"),
        date_text(recs, "dmy/").alias("tgl"),
        pl.col("family_size").cast(pl.String),
        "alamat",
        pl.col("rt").str.strip_chars_start("0"),
        pl.col("rw").str.strip_chars_start("0"),
        "pekerjaan",
        pl.col("desil").cast(pl.String),
        pl.when(ket != "").then(ket).alias("ket"),
    )
    return frame.rename(dict(zip(frame.columns, BLT_DD_HEADERS, strict=True)))


def render_keluarga(recs: pl.DataFrame) -> pl.DataFrame:
    """A village family list: one row per person, family by family, place and date of birth
    in one cell, sex as a tick in an L or a P column."""
    tick = pl.lit("V")
    frame = recs.select(
        (pl.int_range(pl.len()) + 1).cast(pl.String).alias("no"),
        "kk_show",
        "nik_show",
        "nama_show",
        pl.concat_str([pl.col("tempat_lahir"), pl.lit(", "), date_text(recs, "dmy-")]).alias("ttl"),
        pl.when(~pl.col("female_show")).then(tick).alias("l"),
        pl.when(pl.col("female_show")).then(tick).alias("p"),
        _hub().alias("hub"),
        "alamat",
        "rt",
        "rw",
        pl.col("desil").cast(pl.String),
    )
    return frame.rename(dict(zip(frame.columns, KELUARGA_HEADERS, strict=True)))
