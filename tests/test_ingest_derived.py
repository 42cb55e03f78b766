"""A combined TEMPAT, TANGGAL LAHIR (TTL) column is split into place and date of birth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from tests.ingest_builders import write_csv

from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.validate import run_validate

HEADER = ["NO", "NIK", "NAMA", "TEMPAT, TANGGAL LAHIR", "JK"]
ROWS = [
    ["1", "3201014102800001", "SITI AMINAH", "BOGOR, 01-02-1980", "P"],
    ["2", "3201010102800002", "BUDI", "Kab. Bogor / 1 Februari 1980", "L"],
    ["3", "3201014103800003", "NUR", "Sukabumi, 12 Agt 1975", "P"],
    ["4", "3201010104800004", "AHMAD", "BOGOR", "L"],
]


def test_ttl_is_split_and_kept(tmp_path: Path) -> None:
    result = read_inputs([write_csv(tmp_path / "desa.csv", [HEADER, *ROWS])])
    frame = result.frame
    assert [c for c in frame.columns if not c.startswith("_")][-6:] == [
        "nik",
        "nama",
        "tempat_tanggal_lahir",
        "tempat_lahir",
        "tanggal_lahir",
        "jenis_kelamin",
    ]
    assert frame.get_column("tempat_lahir").to_list() == ["BOGOR", "Kab. Bogor", "Sukabumi", None]
    assert frame.get_column("tanggal_lahir").to_list() == [
        "01-02-1980",
        "1 Februari 1980",
        "12 Agt 1975",
        "BOGOR",  # no date: kept whole, so that validation reports it
    ]
    assert frame.get_column("tempat_tanggal_lahir").to_list() == [r[3] for r in ROWS]
    assert [n.code for n in result.sources[0].notices] == ["TTL_DIPISAH"]


def test_a_file_with_its_own_birth_date_column_is_left_alone(tmp_path: Path) -> None:
    header = [*HEADER, "TANGGAL LAHIR"]
    rows = [[*ROWS[0], "01-02-1980"]]
    result = read_inputs([write_csv(tmp_path / "desa.csv", [header, *rows])])
    assert "tempat_lahir" not in result.frame.columns
    assert result.sources[0].notices == []


def test_validate_checks_the_dates_inside_ttl(tmp_path: Path) -> None:
    run = run_validate(
        [write_csv(tmp_path / "desa.csv", [HEADER, *ROWS])],
        out_dir=tmp_path / "out",
        as_of=dt.date(2025, 7, 1),
        report=False,
    )
    found = run.findings.select("row", "column", "value", "code").rows()
    # row 4 (line 5): no date in TTL; row 3 (line 4): NIK says 01-03-80, TTL says 1975
    assert (5, "tanggal_lahir", "BOGOR", "TGL_LAHIR_FORMAT") in found
    assert (4, "tanggal_lahir", "12 Agt 1975", "NIK_TGL_LAHIR_BEDA") in found
    assert run.records.filter(pl.col("row") == 2).get_column("tanggal_lahir").to_list() == [
        dt.date(1980, 2, 1)
    ]
    assert len(found) == 2


def test_member_list_headers_and_rt_rw_split(tmp_path: Path) -> None:
    header = [
        "NO",
        "NIK ANGGOTA KELUARGA",
        "NAMA ANGGOTA KELUARGA",
        "STATUS DLM KELUARGA",
        "JENIS KEL.",
        "TANGGAL LHR",
        "RT/RW",
        "KELURAHAN/DESA",
    ]
    rows = [
        ["1", "3201014102800001", "SITI", "ISTRI", "P", "01-02-1980", "001/002", "SUKAMAJU"],
        ["2", "3201010102800002", "BUDI", "KEPALA KELUARGA", "L", "01-02-1980", "SATU/DUA", "X"],
    ]
    path = write_csv(tmp_path / "anggota.csv", [header, *rows])
    result = read_inputs([path])
    info = result.sources[0]
    assert [c.column for c in info.columns] == [
        "no",
        "nik",
        "nama",
        "hubungan_keluarga",
        "jenis_kelamin",
        "tanggal_lahir",
        "rt_rw",
        "desa",
    ]
    assert result.frame.get_column("rt").to_list() == ["001", "SATU/DUA"]
    assert result.frame.get_column("rw").to_list() == ["002", None]
    assert [n.code for n in info.notices] == ["RT_RW_DIPISAH"]
    run = run_validate([path], out_dir=tmp_path / "out", as_of=dt.date(2025, 7, 1))
    found = run.findings.select("row", "column", "value", "code").rows()
    assert found == [(3, "rt", "SATU/DUA", "RT_RW_FORMAT")]
