"""The comparison fields of the duplicate search: birth dates and sex codes as dedup reads them."""

from __future__ import annotations

import datetime as dt

import polars as pl

from bansos_cli.dedup import DedupConfig
from bansos_cli.dedup.fields import prepare


def _prepared(dates: list[str | None], sexes: list[str | None]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "nama": [f"ORANG NOMOR {k}" for k in range(len(dates))],
            "tanggal_lahir": dates,
            "jenis_kelamin": sexes,
        },
        schema={"nama": pl.String, "tanggal_lahir": pl.String, "jenis_kelamin": pl.String},
    )
    return prepare(frame, DedupConfig())


def test_birth_dates() -> None:
    # every format of core.casts (tested there); month names, long and short; dedup has no
    # reference date, so every two-digit year is 19yy
    expected = {
        "1945-08-17 00:00:00": dt.date(1945, 8, 17),
        "17 Agustus 1945": dt.date(1945, 8, 17),
        "17 AUGUST 1945": dt.date(1945, 8, 17),
        "17-AGU-1945": dt.date(1945, 8, 17),
        "22-JAN-87": dt.date(1987, 1, 22),
        "22-01-87": dt.date(1987, 1, 22),
        "17-AGU-05": dt.date(1905, 8, 17),
        "tidak tahu": None,
        "31-02-1980": None,
    }
    texts: list[str | None] = [*expected, None]
    prepared = _prepared(texts, ["L"] * len(texts))
    assert prepared["dob"].to_list() == [*expected.values(), None]


def test_every_month_name_is_read() -> None:
    months = ["JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS"]
    months += ["SEPTEMBER", "OKTOBER", "NOVEMBER", "DESEMBER"]
    prepared = _prepared([f"15 {m} 1970" for m in months], ["P"] * 12)
    assert prepared["dob"].to_list() == [dt.date(1970, k, 15) for k in range(1, 13)]
    assert prepared["dob_default"].to_list() == [True] * 12  # "*-15" is a default date


def test_sex_codes() -> None:
    codes = ["L", "lk", "Laki-laki", "PRIA", "1", "P", "PR", "perempuan", "WANITA", "2", "X", None]
    prepared = _prepared(["01-01-1980"] * len(codes), codes)
    assert prepared["sex"].to_list() == [*["L"] * 5, *["P"] * 5, None, None]


def test_a_name_of_only_a_deceased_marker_has_no_name_evidence() -> None:
    frame = pl.DataFrame({"nama": ["ALMH. ST.", "SITI AMINAH", "ALM.", None, "SITI"]})
    prepared = prepare(frame, DedupConfig())
    assert prepared.height == 5
    assert prepared["tokens"].to_list() == [[], ["SITI", "AMINAH"], [], None, ["SITI"]]
    info = prepared["name_info"].to_list()
    assert info[0] == info[2] == info[3] == 0.0
    assert info[1] > info[4] > 0.0
    assert prepared["deceased"].to_list() == [True, False, True, False, False]
