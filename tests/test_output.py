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


# --- outputs that cannot be written: one clear error, nothing half-written -------------------


def test_output_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    from bansos_cli.core.errors import OutputError

    blocker = tmp_path / "daftar.xlsx"
    blocker.write_bytes(b"not a folder")
    frame = pl.DataFrame({"a": [1]})
    with pytest.raises(OutputError, match=r"daftar\.xlsx is a file, not a folder"):
        write_table(frame, blocker / "hasil" / "records")
    assert blocker.read_bytes() == b"not a folder"


def test_disk_full_while_writing_leaves_nothing(tmp_path: Path) -> None:
    import errno

    from bansos_cli.core.errors import OutputError
    from bansos_cli.core.files import atomic_path

    target = tmp_path / "records.parquet"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match="the disk is full"), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["records.parquet"]


def test_table_writer_turns_a_failed_write_into_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from bansos_cli.core.errors import OutputError
    from bansos_cli.output import TableWriter, writers

    def full(frame: pl.DataFrame, tmp: Path, fmt: str, csv_formulas: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers, "_write_file", full)
    with pytest.raises(OutputError), TableWriter(["parquet"]) as tables:
        tables.submit("records", pl.DataFrame({"a": [1]}), tmp_path / "records")
    assert list(tmp_path.iterdir()) == []


def test_cli_output_error_is_one_line_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bansos_cli.cli import app

    data = tmp_path / "daftar.csv"
    data.write_text("NIK,NAMA\n3201014102800001,SITI\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(data), "--out", str(data / "hasil")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    # in the default language, Bahasa Indonesia
    assert len(lines) == 1 and f"({data} adalah berkas, bukan folder)" in lines[0]
