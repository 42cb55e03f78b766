"""Keyed pseudonyms for shared files: stable under one key, normalised, nothing else changed."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bansos_cli import api as bansos_api
from bansos_cli.cli import app
from bansos_cli.core.errors import OptionError
from bansos_cli.core.privacy import pseudonymise, pseudonymise_series
from bansos_cli.pipeline.pseudonymise import load_key

runner = CliRunner()
KEY = b"0123456789abcdef0123456789abcdef"
HEADER = "NIK,NO KK,NAMA,TANGGAL LAHIR,DESA\n"


def _csv(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=40))
def test_series_form_equals_one_value_at_a_time(values: list[str | None]) -> None:
    out = pseudonymise_series(pl.Series("v", values, dtype=pl.String), KEY).to_list()
    assert out == [None if v is None else pseudonymise(v, KEY) for v in values]


def test_spellings_of_one_value_share_a_pseudonym(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv",
        "3201014102800001,3201012001150003,Siti  Aminah,01-02-1980,SUKAMAJU\n",
        "3201 0141 0280 0001,3201012001150003,SITI AMINAH,1980-02-01,SUKAMAJU\n",
        ",3201012001150004,BUDI,,CIBINONG\n",
    )
    run = bansos_api.pseudonymise(
        [path], key=KEY, out_dir=tmp_path / "out", columns=["nik", "no_kk", "nama", "tanggal_lahir"]
    )
    frame = pl.read_parquet(tmp_path / "out" / "records.parquet")
    assert frame.height == 3
    nik, nama, tgl = (
        frame["nik"].to_list(),
        frame["nama"].to_list(),
        frame["tanggal_lahir"].to_list(),
    )
    assert nik[0] == nik[1] == pseudonymise("3201014102800001", KEY) and nik[2] is None
    assert nama[0] == nama[1] == pseudonymise("SITI AMINAH", KEY)
    assert tgl[0] == tgl[1] == pseudonymise("1980-02-01", KEY)
    assert frame["desa"].to_list() == ["SUKAMAJU", "SUKAMAJU", "CIBINONG"]  # untouched
    assert frame["row"].to_list() == [2, 3, 4]
    assert run.summary["columns"] == {"nik": 1, "no_kk": 2, "nama": 2, "tanggal_lahir": 1}


def test_two_offices_with_one_key_can_match_their_lists(tmp_path: Path) -> None:
    a = _csv(tmp_path / "dinsos.csv", "3201014102800001,3201012001150003,SITI,01-02-1980,X\n")
    b = _csv(tmp_path / "bank.csv", "'3201014102800001,3201012001150003,SITI A,01-02-1980,X\n")
    for path, out in ((a, "pa"), (b, "pb")):
        bansos_api.pseudonymise([path], key=KEY, out_dir=tmp_path / out)
    left = pl.read_parquet(tmp_path / "pa" / "records.parquet")
    right = pl.read_parquet(tmp_path / "pb" / "records.parquet")
    assert left.join(right, on="nik").height == 1
    other = tmp_path / "pc"
    bansos_api.pseudonymise([a], key=KEY[::-1], out_dir=other)
    assert pl.read_parquet(other / "records.parquet")["nik"][0] != left["nik"][0]


def test_no_identifier_is_left_in_the_written_files(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_data" / "siks_ng_export.xlsx"
    out = tmp_path / "out"
    bansos_api.pseudonymise([sample], key=KEY, out_dir=out, formats=("parquet", "csv"))
    text = (out / "records.csv").read_text(encoding="utf-8") + (out / "summary.json").read_text()
    truth = pl.read_parquet(sample.with_name("siks_ng_export.truth.parquet"))
    assert not any(nik in text for nik in truth["nik"].to_list()[:500])
    frame = pl.read_parquet(out / "records.parquet")
    assert frame.height == truth.height
    assert frame["nama"].drop_nulls().str.contains(r"^[0-9a-f]{16}$").all()


def test_key_sources_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANSOS_PSEUDONYM_KEY", raising=False)
    with pytest.raises(OptionError, match="a secret key is needed"):
        load_key(None)
    monkeypatch.setenv("BANSOS_PSEUDONYM_KEY", "short")
    with pytest.raises(OptionError, match="too short"):
        load_key(None)
    monkeypatch.setenv("BANSOS_PSEUDONYM_KEY", KEY.decode())
    assert load_key(None) == KEY
    with pytest.raises(OptionError, match="cannot read the key file"):
        load_key(tmp_path / "missing.txt")


def test_cli_new_key_then_pseudonymise(tmp_path: Path) -> None:
    key = tmp_path / "kunci.txt"
    made = runner.invoke(app, ["pseudonymise", "--new-key", str(key)])
    assert made.exit_code == 0, made.output
    assert (key.stat().st_mode & 0o777) == 0o600
    assert len(key.read_text().strip()) == 64
    data = _csv(tmp_path / "a.csv", "3201014102800001,3201012001150003,SITI,01-02-1980,X\n")
    out = tmp_path / "out"
    args = ["pseudonymise", str(data), "--key-file", str(key), "--out", str(out), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 1 and set(summary["columns"]) == {"nik", "no_kk", "nama"}
    assert "3201014102800001" not in result.output
    bad = runner.invoke(
        app, ["pseudonymise", str(data), "--key-file", str(key), "--columns", "x", "--lang", "en"]
    )
    assert bad.exit_code == 2 and "cannot pseudonymise 'x'" in bad.stderr
    assert "Traceback" not in bad.output
    nokey = runner.invoke(app, ["pseudonymise", str(data)], env={"BANSOS_PSEUDONYM_KEY": ""})
    assert nokey.exit_code == 2 and "--new-key" in nokey.stderr
