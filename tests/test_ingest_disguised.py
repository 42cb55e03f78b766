""" "Excel" files that are not workbooks: delimited text is read, a web page is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.core.errors import InputFileError
from bansos_cli.ingest import read_inputs


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_tab_separated_text_under_an_excel_name_is_read_as_text(
    tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(b"\xef\xbb\xbfNO\tNIK\tNAMA\r\n1\t3201014102800001\tSITI\r\n")
    result = read_inputs([path])
    assert result.frame.get_column("nik").to_list() == ["3201014102800001"]
    assert result.frame.get_column("row").to_list() == [2]
    assert result.sources[0].notices[0].code == "EXCEL_BERISI_TEKS"


def test_a_web_page_under_an_excel_name_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "laporan.xls"
    path.write_text("<html><body><table><tr><td>NIK</td></tr></table></body></html>")
    with pytest.raises(InputFileError, match="web page"):
        read_inputs([path])
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "simpan sebagai Excel Workbook (.xlsx)" in result.stderr  # the default: Indonesian
    assert "Traceback" not in result.output
    english = CliRunner().invoke(app, ["validate", str(path), "--lang", "en"])
    assert "save it as an Excel Workbook (.xlsx)" in english.stderr


def test_a_broken_binary_file_keeps_the_workbook_error(tmp_path: Path) -> None:
    path = tmp_path / "rusak.xls"
    path.write_bytes(b"garbage\x00\x01\x02")
    with pytest.raises(InputFileError, match="cannot read workbook"):
        read_inputs([path])
