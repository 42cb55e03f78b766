"""Hostile input, built in each test: refused in one line (exit 2) or read right, never a crash.

Every refusal is checked the same way (:func:`_refused`): exit code 2, one line on stderr that
names the file, no traceback, no output written, and no full NIK from the file in either
stream. The cases are the attack run's: a stray far cell in an xlsx (the reader would allocate
the whole used range), nested and binary Parquet columns, CR-only CSV, a FIFO, an unreadable
folder or file, deep or complex-key YAML, a NUL byte in a rules file, control characters in
cells, headers and file names, an existing key file, and reruns that must be byte-identical.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import Result

from bansos_cli.core.limits import MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_YAML_DEPTH
from bansos_cli.core.safe_text import escape_controls
from bansos_cli.ingest import ReadOptions, read_inputs
from bansos_cli.ingest.sheet_bounds import SheetBounds
from conftest import invoke_assert_code

NIK = "3201010101800001"
NIK_2 = "3201014102800002"
EN = {"BANSOS_LANG": "en"}

# --- building the files ---------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="DATA" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _list_rows() -> str:
    """A header and two beneficiaries in A1:C3, written the way Excel writes cells."""
    rows = [("NIK", "NAMA", "TANGGAL LAHIR"), (NIK, "SITI", "01-01-1980"), (NIK_2, "ANI", "")]
    xml = []
    for number, cells in enumerate(rows, start=1):
        xml.append(
            f'<row r="{number}">'
            + "".join(_text_cell(f"{'ABC'[i]}{number}", v) for i, v in enumerate(cells) if v)
            + "</row>"
        )
    return "".join(xml)


def _xlsx(path: Path, sheet_data: str, *, dimension: str | None = None, prefix: str = "") -> Path:
    """A workbook written by hand: one sheet ``DATA`` whose ``<sheetData>`` is given as XML.

    ``prefix`` writes the sheet's element names with a namespace prefix (``x:row``)."""
    dim = f'<{prefix}dimension ref="{dimension}"/>' if dimension else ""
    xmlns = f'xmlns:{prefix[:-1]}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<{prefix}worksheet {xmlns}>{dim}<{prefix}sheetData>{sheet_data}"
        f"</{prefix}sheetData></{prefix}worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _far(ref: str) -> str:
    """The list, then one filled cell at ``ref``."""
    row = re.sub(r"^[A-Za-z]+", "", ref)
    return _list_rows() + f'<row r="{row}">{_text_cell(ref, "x")}</row>'


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the one way a refusal is checked --------------------------------------------------------


def _refused(args: list[str], named: str, out: Path | None, *, expect: str = "") -> Result:
    """Exit 2; one line on stderr naming ``named``; nothing written to ``out``; no NIK."""
    result = invoke_assert_code(args, 2, env=EN)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bansos: error: "), lines[0]
    assert named in lines[0], lines[0]
    assert expect in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    for nik in (NIK, NIK_2):
        assert nik not in result.stdout + result.stderr
    if out is not None:
        assert not out.exists() or not any(out.iterdir()), sorted(out.iterdir())
    return result


def _validate(path: Path, out: Path, *extra: str) -> list[str]:
    return ["validate", str(path), "--out", str(out), "--as-of", "2025-07-01", *extra]


# --- xlsx: bounded reading -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expect"),
    [
        ("XFD1048576", f"has a filled cell at XFD1048576 (column 16,384), over the limit of "
         f"{MAX_SHEET_COLUMNS:,} columns"),
        ("AZ1048576", f"has a filled cell at AZ1048576: its used range is 54,525,952 cells, "
         f"over the limit of {MAX_SHEET_CELLS:,}"),
        ("az1048576", "has a filled cell at AZ1048576"),  # lower-case refs are read too
        ("ALM1", "has a filled cell at ALM1 (column 1,001)"),
    ],
)  # fmt: skip
def test_a_far_cell_is_refused_before_the_reader_allocates(
    tmp_path: Path, ref: str, expect: str
) -> None:
    path = _xlsx(tmp_path / "jauh.xlsx", _far(ref))
    assert path.stat().st_size < 5_000
    out = tmp_path / "out"
    _refused(_validate(path, out), "jauh.xlsx", out, expect=expect)


@pytest.mark.parametrize(
    "layout",
    ["unsorted", "no_r", "attribute_order", "prefixed", "cell_row_mismatch"],
)
def test_far_cells_written_in_unusual_ways_are_found(tmp_path: Path, layout: str) -> None:
    """The quick scan reads the usual shape of the XML; every other shape goes to an exact
    parse, so no way of writing the far cell slips past."""
    far = _text_cell("AZ1048576", "x")
    prefix = ""
    if layout == "unsorted":  # the far row first
        data = f'<row r="1048576">{far}</row>' + _list_rows()
    elif layout == "no_r":  # cells placed one after the other: the 60th is column BH
        cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(60))
        data = _list_rows() + f'<row r="1048576">{cells}</row>'
    elif layout == "attribute_order":
        data = _list_rows() + '<row r="1048576"><c t="inlineStr" r="AZ1048576"><is><t>x</t>'
        data += "</is></c></row>"
    elif layout == "prefixed":
        prefix = "x:"
        data = (
            (
                _list_rows().replace("<row", "<x:row").replace("</row", "</x:row")
                + '<x:row r="1048576"><x:c r="AZ1048576" t="inlineStr"><x:is><x:t>x</x:t>'
                "</x:is></x:c></x:row>"
            )
            .replace("<c ", "<x:c ")
            .replace("</c>", "</x:c>")
        )
        data = data.replace("<is>", "<x:is>").replace("</is>", "</x:is>")
        data = data.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
    else:  # the cell says row 1048576 inside row 3
        data = _list_rows() + f'<row r="4">{far}</row>'
    path = _xlsx(tmp_path / "aneh.xlsx", data, prefix=prefix)
    out = tmp_path / "out"
    _refused(_validate(path, out), "aneh.xlsx", out, expect="has a filled cell at")


def _wide_rows(rows: int, columns: int = 40) -> str:
    from bansos_cli.core.columns import excel_column_letter

    letters = [excel_column_letter(i) for i in range(columns)]
    head = "".join(_text_cell(f"{c}1", h) for c, h in zip(letters, ["NIK", "NAMA"], strict=False))
    head += "".join(_text_cell(f"{c}1", f"KOLOM {i}") for i, c in enumerate(letters[2:]))
    body = [f'<row r="1">{head}</row>']
    for r in range(2, rows + 2):
        cells = _text_cell(f"A{r}", f"32010101018{r:05d}") + _text_cell(f"B{r}", "SITI")
        cells += "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in letters[2:])
        body.append(f'<row r="{r}">{cells}</row>')
    return "".join(body)


def test_a_wide_sheet_is_read_and_a_far_one_letter_cell_in_it_is_found(tmp_path: Path) -> None:
    """Forty columns and 300 rows are read; a stray cell on row 999,999 makes the quick bound
    (AN999999) over the limits, and the exact passes find it."""
    wide = _xlsx(tmp_path / "lebar.xlsx", _wide_rows(300))
    frame = read_inputs([wide]).frame
    assert frame.height == 300 and frame.width > 40
    far = _xlsx(
        tmp_path / "lebar_jauh.xlsx",
        _wide_rows(300) + f'<row r="999999">{_text_cell("A999999", "x")}</row>',
    )
    out = tmp_path / "out"
    _refused(_validate(far, out), "lebar_jauh.xlsx", out, expect="filled cell at A999999")


def test_a_huge_stated_dimension_or_formatted_far_cells_are_still_read(tmp_path: Path) -> None:
    """Memory follows the cells that hold data: a lying ``<dimension>``, cells that are only
    formatted (``<c r="XFD1048576" s="1"/>``) and rows without cells are ignored."""
    data = (
        _list_rows()
        + '<row r="1048575" ht="20" customHeight="1"/>'
        + '<row r="1048576"><c r="XFD1048576" s="1"/><c r="AZ1048576" s="1"></c></row>'
    )
    path = _xlsx(tmp_path / "rapi.xlsx", data, dimension="A1:XFD1048576")
    result = read_inputs([path])
    assert result.frame.get_column("row").to_list() == [2, 3]
    assert result.frame.get_column("nik").to_list() == [NIK, NIK_2]


def test_the_quick_scan_does_not_parse_ordinary_cells() -> None:
    """A list whose columns and row lengths are known leaves the quick scan nothing to do:
    rows of at most four digits in columns A to Z bound the extent by Z9999."""
    bounds = SheetBounds()
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c><c r="Z{r}"><v>2</v></c></row>'
        for r in range(1, 2_000)
    )
    bounds.feed(rows.encode())
    assert (bounds.max_row, bounds.max_column, bounds.odd) == (9_999, 26, False)
    assert not bounds.quick_over()
    bounds.feed(b'<row r="2000"><c r="A1048576"><v>1</v></c><c r="AZ2000"><v>1</v></c></row>')
    assert (bounds.max_row, bounds.max_column) == (9_999_999, 52)
    assert bounds.quick_over()


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="DATA">{rows}</table:table>'
    "</office:spreadsheet></office:body></office:document-content>"
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{times} office:value-type="string"><text:p>{value}</text:p>' + (
        "</table:table-cell>"
    )


def _ods(path: Path, extra_rows: str) -> Path:
    rows = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in cells) + "</table:table-row>"
        for cells in (("NIK", "NAMA"), (NIK, "SITI"), (NIK_2, "ANI"))
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "content.xml", _ODS_CONTENT.format(rows=rows + extra_rows), zipfile.ZIP_DEFLATED
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_repeating_a_filled_cell_a_million_times_is_refused(tmp_path: Path) -> None:
    """A few hundred bytes that the reader would expand to 60 x 1,048,570 cells (8 GB)."""
    bomb = f'<table:table-row table:number-rows-repeated="1048570">{_ods_cell("x", 60)}'
    path = _ods(tmp_path / "bom.ods", bomb + "</table:table-row>")
    out = tmp_path / "out"
    _refused(_validate(path, out), "bom.ods", out, expect="has a filled cell at BH1048573")


def test_an_ods_with_repeated_empty_rows_and_cells_is_read(tmp_path: Path) -> None:
    """LibreOffice writes the rest of the sheet as repeated empty rows and cells."""
    tail = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    frame = read_inputs([_ods(tmp_path / "rapi.ods", tail)]).frame
    assert frame.get_column("nik").to_list() == [NIK, NIK_2]


# --- CSV line endings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ending",
    [b"\r", b"\r\n", b"\n", "mixed"],
)
def test_line_endings_give_the_same_rows(tmp_path: Path, ending: bytes | str) -> None:
    lines = [b"NIK,NAMA,TANGGAL LAHIR", f"{NIK},SITI,01-01-1980".encode(), f"{NIK_2},ANI,".encode()]
    if ending == "mixed":
        data = lines[0] + b"\r\n" + lines[1] + b"\r" + lines[2] + b"\n"
    else:
        assert isinstance(ending, bytes)
        data = ending.join(lines) + ending
    path = _write(tmp_path / "mac.csv", data)
    result = read_inputs([path])
    assert result.frame.columns[3:6] == ["nik", "nama", "tanggal_lahir"]
    assert result.frame.get_column("row").to_list() == [2, 3]
    assert result.frame.get_column("nik").to_list() == [NIK, NIK_2]
    codes = [n.code for n in result.sources[0].notices]
    assert ("AKHIR_BARIS_CR" in codes) == (ending in (b"\r", "mixed"))


@pytest.mark.parametrize("head_ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_cr_only_lines_far_past_the_head_are_rows_too(
    tmp_path: Path, head_ending: bytes, encoding: str
) -> None:
    """Two exports put one after the other: LF (or CR LF) lines for more than the sampled
    head, then lines ended by CR alone; every line is a row, none merged into another."""
    header = "NIK,NAMA,KETERANGAN"
    first = [f"{NIK},SITI {i},catatan" for i in range(12_000)]  # about 400 KB
    second = [f"{NIK_2},ANI {i},Café" for i in range(5)]
    data = (
        (header + head_ending.decode()).encode(encoding)
        + head_ending.join(line.encode(encoding) for line in first)
        + head_ending
        + b"\r".join(line.encode(encoding) for line in second)
        + b"\r"
    )
    path = _write(tmp_path / "gabungan.csv", data)
    options = ReadOptions(encoding=encoding) if encoding != "utf-8" else ReadOptions()
    result = read_inputs([path], options)
    assert result.frame.height == len(first) + len(second)
    assert result.frame.get_column("row").to_list()[-1] == 1 + len(first) + len(second)
    assert result.frame.get_column("nama").to_list()[-2:] == ["ANI 3", "ANI 4"]
    assert "AKHIR_BARIS_CR" in [n.code for n in result.sources[0].notices]


def test_a_crlf_file_longer_than_the_head_gets_no_line_end_notice(tmp_path: Path) -> None:
    lines = ["NIK,NAMA", *(f"{NIK},SITI {i}" for i in range(20_000))]
    path = _write(tmp_path / "windows.csv", ("\r\n".join(lines) + "\r\n").encode())
    result = read_inputs([path])
    assert result.frame.height == 20_000
    assert "AKHIR_BARIS_CR" not in [n.code for n in result.sources[0].notices]


def test_a_cr_only_csv_is_validated_with_its_rows_and_no_nik_shown(tmp_path: Path) -> None:
    path = _write(tmp_path / "mac.csv", f"NIK,NAMA\r{NIK},SITI\r{NIK_2},ANI\r".encode())
    out = tmp_path / "out"
    result = invoke_assert_code([*_validate(path, out), "--json"], 0, env=EN)
    assert json.loads(result.stdout)["rows"] == 2
    assert NIK not in result.stderr and NIK_2 not in result.stderr


# --- Parquet column types --------------------------------------------------------------------


def test_nested_and_binary_parquet_columns_are_read_as_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "NIK": [NIK, NIK_2],
            "tags": pa.array([["a", "b"], None], pa.list_(pa.string())),
            "map": pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())),
            "info": pa.array([{"x": 1, "y": "z"}, None]),
            "raw": pa.array([b"abc", b"\xff\x00"], pa.binary()),
            "text_bytes": pa.array([b"SITI", b"ANI"], pa.binary()),
            "pair": pa.array([[1, 2], [3, 4]], pa.list_(pa.int64(), 2)),
        }
    )
    path = tmp_path / "bersarang.parquet"
    pq.write_table(table, path)
    frame = read_inputs([path]).frame
    assert frame.select("tags", "map", "info", "raw", "text_bytes", "pair").rows() == [
        ('["a","b"]', '{"k":1}', '{"x":1,"y":"z"}', "0x616263", "SITI", "[1,2]"),
        (None, "{}", None, "0xff00", "ANI", "[3,4]"),
    ]


def test_a_parquet_column_that_cannot_be_text_is_named(tmp_path: Path) -> None:
    table = pa.table({"NIK": [NIK], "foto": pa.array([[b"\xff\xd8"]], pa.list_(pa.binary()))})
    path = tmp_path / "foto.parquet"
    pq.write_table(table, path)
    out = tmp_path / "out"
    _refused(_validate(path, out), "foto.parquet", out, expect="column 'foto' is of type")


# --- what is not a readable file -------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa.csv"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    _refused(_validate(fifo, out), "pipa.csv", out, expect="not a regular file")


def test_an_unreadable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ekspor"
    folder.mkdir()
    (folder / "a.csv").write_text(f"NIK,NAMA\n{NIK},SITI\n")
    # chmod does not stop root (the tests' user here): the operating system's refusal is
    # injected where the folder is listed.
    real = pathlib.Path.iterdir

    def iterdir(self: Path) -> Any:
        if self == folder:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "iterdir", iterdir)
    out = tmp_path / "out"
    _refused(_validate(folder, out), "ekspor", out, expect="cannot read folder (Permission denied)")


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rahasia.csv"
    path.write_text(f"NIK,NAMA\n{NIK},SITI\n")
    real = pathlib.Path.open

    def opener(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", opener)
    out = tmp_path / "out"
    _refused(
        _validate(path, out), "rahasia.csv", out, expect="cannot open file (Permission denied)"
    )


def test_a_file_in_a_folder_that_cannot_be_searched_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tertutup" / "a.csv"
    real = pathlib.Path.stat

    def stat_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", stat_)
    out = tmp_path / "out"
    _refused(_validate(path, out), "a.csv", out, expect="Permission denied")


# --- YAML: depth, size, keys, control characters ---------------------------------------------

_DEEP_FLOW = "a: " + "[" * 5_000 + "]" * 5_000 + "\n"
_DEEP_BLOCK = "".join("  " * i + f"k{i}:\n" for i in range(MAX_YAML_DEPTH + 5)) + "  x: 1\n"
_YAML_CASES = {
    "deep_flow": (_DEEP_FLOW.encode(), f"nests deeper than {MAX_YAML_DEPTH} levels"),
    "deep_block": (_DEEP_BLOCK.encode(), f"nests deeper than {MAX_YAML_DEPTH} levels at line"),
    "complex_key": (b"? [a, b]\n: nik\n", "not valid YAML at line 1"),
    "nul": (b"NIK KTP: nik\x00\n", "control character U+0000 at line 1"),
    "escape": (b"NIK KTP: nik\x1b[2J\n", "control character U+001B at line 1"),
    "too_large": (b"# x\n" * 600_000, "is too large (2,400,000 bytes; the limit is 2,000,000)"),
}


@pytest.mark.parametrize("case", sorted(_YAML_CASES))
@pytest.mark.parametrize("kind", ["mapping", "config", "rules"])
def test_hostile_yaml_is_one_line_not_a_crash(tmp_path: Path, case: str, kind: str) -> None:
    raw, expect = _YAML_CASES[case]
    yaml_path = _write(tmp_path / "berkas.yaml", raw)
    data = _write(tmp_path / "a.csv", f"NIK,NAMA\n{NIK},SITI\n".encode())
    out = tmp_path / "out"
    if kind == "mapping":
        args = [*_validate(data, out), "--mapping", str(yaml_path)]
    elif kind == "config":
        args = ["run", "--config", str(yaml_path)]
    else:
        args = ["check", str(data), "--rules", str(yaml_path), "--out", str(out)]
        expect = {
            "complex_key": "found unhashable key",
            "nul": "control character U+0000",
            "escape": "control character U+001B",
            "too_large": "file larger than 2 MB",
        }.get(case, expect.removesuffix(" at line"))
    result = _refused(args, "berkas.yaml", out)
    assert expect in result.stderr, result.stderr


# --- control characters on the terminal ------------------------------------------------------

_ESC = "\x1b[2J\x1b]0;judul\x07"


def test_control_characters_are_escaped_in_everything_printed(tmp_path: Path) -> None:
    name = "daftar\x1b[31m.csv"
    path = tmp_path / name
    path.write_text(
        f"NIK,NAMA{_ESC},DESA\n{NIK},SITI{_ESC},Cibinong\x9b6n\n{NIK_2},ANI,Bogor\u202e\n",
        encoding="utf-8",
    )
    shown = ""
    for args, code in (
        (["inspect", str(path)], 0),
        (_validate(path, tmp_path / "out"), 0),
        (["validate", str(tmp_path / "tidak\x1b[31mada.csv")], 2),
    ):
        result = invoke_assert_code(args, code, env=EN)
        shown += result.stdout + result.stderr
    for char in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert char not in shown
    assert "\\x1b[31m" in shown  # the file name, shown escaped
    assert "\\x1b[2J" in shown  # a cell or header


def test_json_output_escapes_what_json_leaves_raw(tmp_path: Path) -> None:
    """``--json`` stays valid JSON with the same values; DEL, C1 and bidi characters (which
    ``json.dumps`` leaves as they are) are written as ``\\u`` escapes."""
    path = tmp_path / "a.csv"
    path.write_text(f"NIK,NAMA,DESA\n{NIK},SITI\x9b6n,Bogor\u202e\x7f\n", encoding="utf-8")
    result = invoke_assert_code(["inspect", str(path), "--json"], 0, env=EN)
    for char in ("\x9b", "\u202e", "\x7f", "\x1b"):
        assert char not in result.stdout
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    assert "Bogor\u202e\x7f" in json.dumps(json.loads(result.stdout), ensure_ascii=False)


def test_escape_controls_keeps_text_and_shows_controls() -> None:
    assert escape_controls("SITI AMINAH\tdesa\n") == "SITI AMINAH\tdesa\n"
    assert escape_controls("A\x1b[2JB\rC\x00\x7f\x9b\u202eD") == (
        "A\\x1b[2JB\\x0dC\\x00\\x7f\\x9b\\u202eD"
    )


# --- pseudonymisation keys -------------------------------------------------------------------


def test_new_key_never_replaces_a_key_without_force(tmp_path: Path) -> None:
    key = tmp_path / "kunci.txt"
    invoke_assert_code(["pseudonymise", "--new-key", str(key), "-q"], 0)
    first = key.read_text()
    _refused(["pseudonymise", "--new-key", str(key)], "kunci.txt", None, expect="already exists")
    assert key.read_text() == first
    invoke_assert_code(["pseudonymise", "--new-key", str(key), "--force", "-q"], 0)
    assert key.read_text() != first
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_key_file_others_may_read_gets_a_notice(tmp_path: Path) -> None:
    key = tmp_path / "kunci.txt"
    invoke_assert_code(["pseudonymise", "--new-key", str(key), "-q"], 0)
    data = _write(tmp_path / "a.csv", f"NIK,NAMA\n{NIK},SITI\n".encode())
    args = ["pseudonymise", str(data), "--key-file", str(key), "--out", str(tmp_path / "o")]
    private = invoke_assert_code(args, 0, env=EN)
    assert "KUNCI_TERBUKA" not in private.stderr
    key.chmod(0o644)
    shared = invoke_assert_code(args, 0, env=EN)
    assert "may be read by other users (mode 0644); run chmod 600 on it (KUNCI_TERBUKA)" in (
        shared.stderr
    )


# --- determinism -----------------------------------------------------------------------------

_TIMING_KEYS = {"duration_s", "timings_s"}


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in _TIMING_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


@pytest.mark.parametrize("command", ["validate", "dedup"])
def test_identical_runs_give_identical_files(tmp_path: Path, command: str) -> None:
    """report.xlsx byte for byte; summary.json but for the two timing keys."""
    data = tmp_path / "a.csv"
    data.write_text(
        "NIK,NAMA,TANGGAL LAHIR\n"
        f"{NIK},SITI AMINAH,01-01-1980\n{NIK},SITI AMINAH,01-01-1980\n{NIK_2},ANI,02-01-1980\n"
    )
    out = tmp_path / "out"
    args = [command, str(data), "--out", str(out), "-q"]
    if command == "validate":
        args += ["--as-of", "2025-07-01"]
    runs = []
    for _ in range(2):
        invoke_assert_code(args, 0 if command == "validate" else 1)
        summary = json.loads((out / "summary.json").read_text())
        report = out / "report.xlsx"
        runs.append((summary, report.read_bytes() if report.exists() else None))
    (first, first_report), (second, second_report) = runs
    assert _without_timings(first) == _without_timings(second)
    assert first_report == second_report
    if command == "validate":
        assert first_report is not None
        with zipfile.ZipFile(out / "report.xlsx") as book:
            core = book.read("docProps/core.xml").decode()
        assert "2025-07-01T08:00:00Z" in core
    else:
        assert "timings_s" in json.dumps(first)
    frames = {p.name: pl.read_parquet(p) for p in out.glob("*.parquet")}
    assert frames, "the run wrote its tables"


def test_the_far_cell_refusal_needs_no_big_allocation(tmp_path: Path) -> None:
    """In a process limited to 1.5 GiB of address space (the reader alone would need 1.7 GB
    for ``AZ1048576``, 512 GiB for ``XFD1048576``) the refusal still comes as one line."""
    import resource
    import subprocess
    import sys

    limit = int(1.5 * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    for ref in ("AZ1048576", "XFD1048576"):
        path = _xlsx(tmp_path / f"{ref}.xlsx", _far(ref))
        done = subprocess.run(
            [sys.executable, "-m", "bansos_cli", "validate", str(path), "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            env={**os.environ, "BANSOS_LANG": "en"},
            preexec_fn=cap,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr[-2000:]
        assert done.stderr.strip().startswith(f"bansos: error: {path}: sheet 'DATA' has a filled")
        assert len(done.stderr.strip().splitlines()) == 1
