"""Columns that exports combine in one cell, split into the canonical columns.

Village lists often have one ``TEMPAT, TANGGAL LAHIR`` (TTL) column holding
``BOGOR, 01-02-1980``. Without a separate TANGGAL LAHIR column no birth date would be checked,
matched or used for ages; so the cell is split into ``tempat_lahir`` and ``tanggal_lahir``
(the original column is kept as it is).

An ``RT/RW`` column (``001/002``) is split into ``rt`` and ``rw`` the same way.

Others draw JENIS KELAMIN as two columns ``L`` and ``P`` under one merged cell, with a tick
(``V``, ``✓``, ``1``, ``X``) in one of them; those become one ``jenis_kelamin`` column.
"""

from __future__ import annotations

import polars as pl

from bansos_cli.core.casts import LIFE_STATUS, parse_life_status
from bansos_cli.core.columns import header_key, passthrough_name
from bansos_cli.ingest.header import SEX_MARKS
from bansos_cli.ingest.model import Notice, SourceInfo

TTL = "tempat_tanggal_lahir"
RT_RW = "rt_rw"
_MARK_L, _MARK_P = passthrough_name(SEX_MARKS["L"]), passthrough_name(SEX_MARKS["P"])

DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "tempat_lahir": (TTL,),
    "tanggal_lahir": (TTL,),
    "jenis_kelamin": (_MARK_L, _MARK_P),
    "rt": (RT_RW,),
    "rw": (RT_RW,),
}
"""The file's columns a column added here comes from (a finding on ``tanggal_lahir`` of a
village list points at its TEMPAT, TANGGAL LAHIR cell); used only where the file has no
column of that name itself."""


def _after(frame: pl.DataFrame, anchor: str, added: list[pl.Expr]) -> pl.DataFrame:
    """``frame`` with the ``added`` columns placed right after column ``anchor``."""
    out = frame.with_columns(added)
    names = [e.meta.output_name() for e in added]
    order = [c for c in out.columns if c not in names]
    at = order.index(anchor) + 1
    return out.select([*order[:at], *names, *order[at:]])


# the date at the end of the cell: 01-02-1980, 1/2/80, 1980-02-01, 1 Februari 1980, 1-FEB-80,
# or an Excel serial; the text before it (without , / ; -) is the place
_DATE_TAIL = (
    r"(\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}"
    r"|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    r"|\d{1,2}\s*[-\s]\s*[A-Za-z]{3,9}\.?\s*[-\s]\s*\d{2,4}"
    r"|\d{5})\s*$"
)


def split_birth(frame: pl.DataFrame, info: SourceInfo) -> pl.DataFrame:
    """Add ``tempat_lahir``/``tanggal_lahir`` from a TTL column when the file has no birth-date
    column of its own. A cell without a readable date at its end goes whole into
    ``tanggal_lahir``, so that validation reports it instead of finding no date at all."""
    if TTL not in frame.columns or "tanggal_lahir" in frame.columns:
        return frame
    text = pl.col(TTL).str.strip_chars()
    date = text.str.extract(_DATE_TAIL, 1)
    place = text.str.replace(_DATE_TAIL, "").str.strip_chars(" ,/;-\t")
    added = [
        pl.when(text.str.len_chars() > 0).then(pl.coalesce(date, text)).alias("tanggal_lahir"),
    ]
    if "tempat_lahir" not in frame.columns:
        added.insert(
            0,
            pl.when(date.is_not_null() & (place.str.len_chars() > 0))
            .then(place)
            .alias("tempat_lahir"),
        )
    out = _after(frame, TTL, added)
    names = [e.meta.output_name() for e in added]
    info.notices.append(Notice("TTL_DIPISAH", {"column": TTL, "columns": ", ".join(names)}))
    return out


_NO_MARK = r"^\s*(?:0|-|TIDAK)?\s*$"


def join_sex_marks(frame: pl.DataFrame, info: SourceInfo) -> pl.DataFrame:
    """Add ``jenis_kelamin`` (``L``/``P``) from the two mark columns of a JENIS KELAMIN
    group. A row ticked in both is given the text ``L+P`` (validation reports it as an unknown
    sex code); a row ticked in neither gets no value. The mark columns are kept."""
    if not {_MARK_L, _MARK_P} <= set(frame.columns) or "jenis_kelamin" in frame.columns:
        return frame

    def ticked(column: str) -> pl.Expr:
        cell = pl.col(column).str.to_uppercase()
        return cell.is_not_null() & ~cell.str.contains(_NO_MARK)

    male, female = ticked(_MARK_L), ticked(_MARK_P)
    sex = (
        pl.when(male & female)
        .then(pl.lit("L+P"))
        .when(male)
        .then(pl.lit("L"))
        .when(female)
        .then(pl.lit("P"))
        .alias("jenis_kelamin")
    )
    info.notices.append(Notice("JK_CENTANG_DIGABUNG"))
    return _after(frame, _MARK_P, [sex])


_RT_RW = r"^\D*?(\d{1,3})\s*\D+?\s*(\d{1,3})\D*$"


def split_rt_rw(frame: pl.DataFrame, info: SourceInfo) -> pl.DataFrame:
    """Add ``rt``/``rw`` from an ``RT/RW`` column (``001/002``, ``RT 01 RW 02``) when the file
    has neither of its own. A cell that is not two numbers goes whole into ``rt``, so that
    validation reports it (``RT_RW_FORMAT``)."""
    if RT_RW not in frame.columns or "rt" in frame.columns or "rw" in frame.columns:
        return frame
    text = pl.col(RT_RW).str.strip_chars()
    parts = text.str.extract_groups(_RT_RW)
    rt = parts.struct.field("1")
    rw = parts.struct.field("2")
    info.notices.append(Notice("RT_RW_DIPISAH", {"column": RT_RW}))
    added = [
        pl.when(text.str.len_chars() > 0).then(pl.coalesce(rt, text)).alias("rt"),
        rw.alias("rw"),
    ]
    return _after(frame, RT_RW, added)


LIFE_STATUS_COLUMN = "status_dasar"
_SAMPLE = 10_000


def mark_life_status(frame: pl.DataFrame, info: SourceInfo) -> pl.DataFrame:
    """Add ``status_dasar`` from a bare ``STATUS`` column (a SIAK export: ``Hidup``,
    ``Mati``, ``Pindah``) when every value is a life status; the column itself is kept
    (as ``status_2``: ``status`` names bansos's own column). Validation reports ``MATI``
    as a deceased marker, like ALM/ALMH in a name."""
    if LIFE_STATUS_COLUMN in frame.columns:
        return frame
    bare = [c.column for c in info.columns if header_key(c.source_header) == "STATUS"]
    for column in bare:
        if column not in frame.columns:
            continue
        values = frame.get_column(column).head(_SAMPLE).drop_nulls()
        values = values.filter(values.str.strip_chars() != "")
        if values.is_empty():
            continue
        known = values.to_frame().select(
            parse_life_status(pl.col(column))
            .is_in(sorted(set(LIFE_STATUS.values())))
            .fill_null(False)
            .all()
        )
        if not bool(known.item()):
            continue
        info.notices.append(Notice("STATUS_DASAR_DIKENALI", {"column": column}))
        return _after(frame, column, [pl.col(column).alias(LIFE_STATUS_COLUMN)])
    return frame
