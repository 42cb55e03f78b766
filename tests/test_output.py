import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from bansos_cli.core.errors import OptionError
from bansos_cli.output import write_json, write_table


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "nik": ["3201010101800001", None],
            "n": [1, 2],
            "tgl": [dt.date(1980, 1, 1), None],
            "rows": [[3, 4], []],
        }
    )


def test_write_table_parquet_and_csv_round_trip(tmp_path: Path) -> None:
    frame = _frame()
    paths = write_table(frame, tmp_path / "sub" / "records", ("parquet", "csv"))
    assert paths == [tmp_path / "sub" / "records.parquet", tmp_path / "sub" / "records.csv"]
    assert pl.read_parquet(paths[0]).equals(frame)
    csv = pl.read_csv(paths[1], infer_schema=False)
    assert csv.get_column("nik").to_list() == ["3201010101800001", None]
    assert csv.get_column("tgl").to_list() == ["1980-01-01", None]
    assert csv.get_column("rows").to_list() == ["3; 4", ""]
    # no temporary files left behind
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == [
        "records.csv",
        "records.parquet",
    ]


def test_write_table_default_is_parquet_only(tmp_path: Path) -> None:
    assert write_table(_frame(), tmp_path / "x") == [tmp_path / "x.parquet"]


def test_write_table_rejects_unknown_format_without_writing(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="unknown output format 'xlsx'"):
        write_table(_frame(), tmp_path / "x", ("parquet", "xlsx"))
    assert list(tmp_path.iterdir()) == []


def test_write_json_sorted_utf8(tmp_path: Path) -> None:
    path = write_json(
        {"b": 1, "a": {"tanggal": dt.date(2025, 1, 2), "nama": "Ma'ruf é"}}, tmp_path / "s.json"
    )
    text = path.read_text(encoding="utf-8")
    assert text.index('"a"') < text.index('"b"')
    assert "é" in text
    assert json.loads(text) == {"a": {"nama": "Ma'ruf é", "tanggal": "2025-01-02"}, "b": 1}


def test_write_json_failure_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_json({"x": object()}, tmp_path / "s.json")
    assert list(tmp_path.iterdir()) == []


def test_table_writer_renames_every_file_only_when_all_succeed(tmp_path: Path) -> None:
    from bansos_cli.output import TableWriter

    frame = pl.DataFrame({"nik": ["3201010101800001"], "nama": ["SITI"]})
    with TableWriter(("parquet", "csv")) as writer:
        writer.submit("records", frame, tmp_path / "ok" / "records")
        writer.submit("valid", lambda: frame.head(0), tmp_path / "ok" / "valid")
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == [
        "records.csv",
        "records.parquet",
        "valid.csv",
        "valid.parquet",
    ]
    assert pl.read_parquet(tmp_path / "ok" / "records.parquet").equals(frame)

    def broken() -> pl.DataFrame:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"), TableWriter(("parquet",)) as writer:
        writer.submit("records", frame, tmp_path / "bad" / "records")
        writer.submit("valid", broken, tmp_path / "bad" / "valid")
    assert list((tmp_path / "bad").iterdir()) == []

    with pytest.raises(ValueError, match="schema"), TableWriter(("parquet",)) as writer:
        writer.submit("records", frame, tmp_path / "block" / "records")
        raise ValueError("schema check failed")
    assert list((tmp_path / "block").iterdir()) == []
