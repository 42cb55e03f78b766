"""``bansos inspect`` and the command-line contract for bad input (exit 2, one line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bansos_cli.cli import app
from conftest import invoke_assert_code
from ingest_builders import ROWS, siks_like_xlsx

runner = CliRunner()


def test_inspect_shows_sheet_header_mapping_and_masks_niks(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx", number_nik_rows=(1,))
    result = runner.invoke(app, ["inspect", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Sheet read: DATA" in out
    assert "Header row: 5" in out
    assert "DESA/KELURAHAN" in out and "desa" in out
    assert "stored as numbers" in out
    for row in ROWS:
        assert row[1] not in out, "a full NIK leaked into the terminal"
    assert "3201**********01" in out


def test_inspect_json(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx")
    result = runner.invoke(app, ["inspect", str(path), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    source = data["sources"][0]
    assert source["sheet"] == "DATA"
    assert source["header_row"] == 5
    assert [c["letter"] for c in source["columns"]][:3] == ["A", "B", "C"]
    assert source["rows"] == 4 and source["empty_rows"] == 1
    assert source["preview"][0]["nik"] == "3201**********01"
    assert source["preview"][0]["row"] == 6


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "inspect" in result.stdout


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.xlsx", "file not found"),
        (lambda d: (d / "x.docx").write_text("x") and d / "x.docx", "unsupported file type"),
        (lambda d: (d / "e.xlsx").write_bytes(b"") == 0 and d / "e.xlsx", "file is empty"),
        (lambda d: (d / "t.xlsx").write_text("hello") and d / "t.xlsx", "not a valid Excel"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(tmp_path: Path, setup, message: str) -> None:  # type: ignore[no-untyped-def]
    path = setup(tmp_path)
    result = runner.invoke(app, ["inspect", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_bad_option_value_exit_2(tmp_path: Path) -> None:
    path = siks_like_xlsx(tmp_path / "export.xlsx")
    for lang, message in (
        (
            "id",
            "bansos: kesalahan: --delimiter harus satu karakter, bukan ';;' (pakai , ; tab atau |)",
        ),
        ("en", "bansos: error: --delimiter must be one character, not ';;' (use , ; tab or |)"),
    ):
        result = invoke_assert_code(["inspect", str(path), "--delimiter", ";;", "--lang", lang], 2)
        assert result.stderr == message + "\n"
