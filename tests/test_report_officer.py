"""report.xlsx as an officer reads it: their list, findings on the rows and cells, print set-up.

The input is a messy 22-row PKH export (tests/report_builders.py); every assertion opens the
written workbook with openpyxl, as Excel would show it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from bansos_cli import api
from bansos_cli.core.columns import excel_column_letter
from bansos_cli.report import ReportSheet, write_report
from report_builders import HEADER, PROBLEMS, ROWS, pkh_export

AS_OF = dt.date(2025, 7, 1)
FRONT_ID = ["BARIS", "STATUS", "NIK", "NAMA", "MASALAH"]
FRONT_EN = ["ROW", "STATUS", "NIK", "NAMA", "PROBLEMS"]
HEADER_ROW = 3  # title, the file's column letters, the header
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _fill(cell) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill and cell.fill.fill_type else ""


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("pkh")
    source = pkh_export(folder / "pkh_cibinong.xlsx")
    result = api.validate([source], as_of=AS_OF, out_dir=folder / "out")
    return result, openpyxl.load_workbook(folder / "out" / "report.xlsx")


def _data_rows(ws) -> dict[int, list]:
    """File row -> the Data sheet row's cells."""
    return {row[0].value: list(row) for row in ws.iter_rows(min_row=HEADER_ROW + 1) if row[0].value}


def test_the_data_sheet_is_the_officers_list(validated) -> None:
    _, book = validated
    assert book.sheetnames == ["Ringkasan", "Temuan", "Data"]
    ws = book["Data"]
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:5] == FRONT_ID
    assert header[5:] == HEADER  # the file's own headers, in the file's order
    letters = [c.value for c in ws[HEADER_ROW - 1]][5:]
    assert letters == [excel_column_letter(j) for j in range(len(HEADER))]
    rows = _data_rows(ws)
    assert list(rows) == ROWS  # every row, in the file's order, with its own row number
    # values as read: the damaged NIK as it stands in the file, the number cell as digits
    nik = 5 + HEADER.index("NIK")
    assert rows[7][nik].value == "3.20102E+15"
    assert rows[27][nik].value == "3201016902920020"
    assert rows[5][2].value == rows[5][nik].value  # the NIK kept in view is the row's own


def test_a_row_with_two_findings_says_both_in_one_sentence_each(validated) -> None:
    _, book = validated
    row = _data_rows(book["Data"])[9]
    assert row[1].value == "peringatan"
    lines = row[4].value.split("\n")
    assert lines == [
        "TGL LAHIR: Tanggal lahir tidak sesuai tanggal dalam NIK (NIK 25-05-75)",
        "JK: Jenis kelamin (P / NIK: L) tidak sesuai NIK",
    ]
    clean = _data_rows(book["Data"])[6]
    assert clean[1].value == "OK" and clean[4].value is None


def test_every_bad_cell_is_coloured_and_carries_a_note(validated) -> None:
    result, book = validated
    rows = _data_rows(book["Data"])
    column_of = {"nik": "NIK", "tanggal_lahir": "TGL LAHIR", "jenis_kelamin": "JK",
                 "desil": "DESIL", "nama": "NAMA"}  # fmt: skip
    colour = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
    findings = result.frames["findings"]
    assert set(findings.get_column("row").to_list()) == set(PROBLEMS)
    for f in findings.iter_rows(named=True):
        assert f["code"] in PROBLEMS[f["row"]]
        cell = rows[f["row"]][5 + HEADER.index(column_of[f["column"]])]
        assert _fill(cell) == colour[f["severity"]], f
        assert cell.comment is not None, f
        assert f["message"] in cell.comment.text
        assert "Saran: " + f["hint"] in cell.comment.text
    assert _fill(rows[9][1]) == "FFEB9C" and _fill(rows[7][1]) == "FFC7CE"  # STATUS
    notes = [c for row in rows.values() for c in row if c.comment is not None]
    assert len(notes) == findings.height  # one note per bad cell, nowhere else


def test_the_findings_sheet_names_the_files_columns_and_links_to_the_cell(validated) -> None:
    result, book = validated
    ws = book["Temuan"]
    assert [c.value for c in ws[2]] == ["BERKAS", "SHEET", "BARIS", "KOLOM", "NILAI", "KODE",
                                        "TINGKAT", "PESAN", "SARAN"]  # fmt: skip
    body = list(ws.iter_rows(min_row=3))
    assert len(body) == result.frames["findings"].height
    assert [r[2].value for r in body] == sorted(r[2].value for r in body)
    by_code = {r[5].value: r for r in body}
    assert by_code["NIK_TGL_LAHIR_BEDA"][3].value == "TGL LAHIR (F)"
    assert by_code["NIK_JK_BEDA"][3].value == "JK (G)"
    assert by_code["DESIL_RENTANG"][3].value == "DESIL (M)"
    assert by_code["DESIL_RENTANG"][6].value == "kesalahan"
    assert _fill(by_code["DESIL_RENTANG"][6]) == "FFC7CE"
    assert by_code["NIK_JK_BEDA"][7].alignment.wrap_text
    data = book["Data"]
    for r in body:
        link = r[2].hyperlink
        assert link is not None and link.location is not None
        sheet, _, ref = link.location.partition("!")
        assert sheet == "'Data'"
        target = data[ref]
        assert data.cell(target.row, 1).value == r[2].value  # the finding's row
        assert target.comment is not None and r[7].value in target.comment.text


def test_every_sheet_prints_on_a4_landscape_one_page_wide(validated) -> None:
    _, book = validated
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_options.gridLines
        footer = ws.oddFooter
        assert "&P" in footer.right.text and "&N" in footer.right.text
        assert "pkh_cibinong.xlsx" in footer.left.text
    data = book["Data"]
    assert data.print_title_rows == "$2:$3"  # the letters and the header on every page
    assert data.freeze_panes == "E4"  # header, row, status, NIK and name stay in view
    assert data.auto_filter.ref.startswith("A3:")


def test_the_summary_gives_meanings_files_and_a_chart_of_regions(validated) -> None:
    _, book = validated
    ws = book["Ringkasan"]
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert ["Berkas", "pkh_cibinong.xlsx [PKH CIBINONG]"] == [v for v in cells[2] if v][:2]
    codes = {r[0]: r for r in cells if r[0] in ("NIK_GANDA", "NIK_PANJANG", "NIK_JK_BEDA")}
    assert tuple(codes["NIK_GANDA"][1:5]) == (
        "peringatan", 2, 2, "NIK yang sama muncul di beberapa baris"
    )  # fmt: skip
    assert codes["NIK_PANJANG"][4] == "NIK tidak 16 digit"
    assert not [r for r in cells if r[4] and re.search(r"\{|…", str(r[4]))]  # no holes
    assert len(ws._charts) == 1
    regions = [r for r in cells if r[0] and str(r[0]).startswith("CIBINONG / ")]
    assert tuple(regions[0][:3]) == ("CIBINONG / SUKAHATI", 7, 2)
    notices = [r for r in cells if r[0] == "Perhatian: pkh_cibinong.xlsx"]
    assert notices and notices[0][1].endswith("(ID_TERSIMPAN_ANGKA)")
    assert ws.cell(cells.index(notices[0]) + 1, 2).alignment.wrap_text


def test_the_report_follows_the_language(tmp_path: Path) -> None:
    source = pkh_export(tmp_path / "pkh.xlsx")
    api.validate([source], as_of=AS_OF, out_dir=tmp_path / "en", lang="en")
    book = openpyxl.load_workbook(tmp_path / "en" / "report.xlsx")
    assert book.sheetnames == ["Summary", "Findings", "Data"]
    data = book["Data"]
    assert [c.value for c in data[HEADER_ROW]][:5] == FRONT_EN
    row = _data_rows(data)[9]
    assert row[4].value.split("\n")[1] == "JK: Sex (P / NIK: L) does not match the NIK"
    assert [c.value for c in book["Findings"][2]][:4] == ["FILE", "SHEET", "ROW", "COLUMN"]
    assert "Page &P of &N" in data.oddFooter.right.text


def test_a_column_bansos_split_points_at_the_files_column() -> None:
    """A village list's TEMPAT, TANGGAL LAHIR is read into tanggal_lahir: its findings,
    colours and notes are on the TTL cell, named as the file names it."""
    from bansos_cli.ingest import read_inputs
    from bansos_cli.pipeline.validate import report_sheets
    from bansos_cli.validate import validate_frame

    ingest = read_inputs([SAMPLE / "daftar_keluarga.xlsx"])
    validation = validate_frame(ingest.frame, lang="id", as_of=AS_OF, mask=False)
    sheets, _ = report_sheets(
        ingest.frame, validation, {}, mask=False, lang="id", sources=ingest.sources
    )
    findings, data = sheets[0], sheets[1]
    dates = findings.frame.filter(pl.col("code").str.starts_with("NIK_TGL_LAHIR"))
    assert dates.height
    assert set(dates.get_column("_f_column").to_list()) == {"TEMPAT, TANGGAL LAHIR (E)"}
    assert data.notes is not None
    on_dates = data.notes.filter(pl.col("text").str.contains("Tanggal lahir"))
    assert set(on_dates.get_column("column").to_list()) == {"tempat_tanggal_lahir"}


def test_run_adds_duplicates_and_eligibility_to_the_list(tmp_path: Path) -> None:
    source = pkh_export(tmp_path / "pkh_cibinong.xlsx")
    result = api.run([source], as_of=AS_OF, out_dir=tmp_path / "run")
    book = openpyxl.load_workbook(tmp_path / "run" / "report.xlsx")
    data = book["Data"]
    header = [c.value for c in data[HEADER_ROW]]
    assert header[5 : 5 + len(HEADER)] == HEADER
    added = header[5 + len(HEADER) :]
    assert added[:2] == ["KELOMPOK GANDA", "GANDA DENGAN BARIS"]
    programs = [p.program.name.upper().replace("_", "-") for p in result.detail.check.programs]
    for program in programs:
        assert f"LAYAK {program}" in added
    assert "PKH: NILAI (Rp)" in added
    rows = _data_rows(data)
    same = header.index("GANDA DENGAN BARIS")
    assert rows[5][same].value == "10" and rows[10][same].value == "5"
    assert rows[5][same - 1].value == rows[10][same - 1].value is not None
    assert rows[6][same].value is None
    status = rows[5][header.index("LAYAK PKH")]
    assert status.value in ("LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI") and _fill(status)
    # Kelayakan: one row per person, a block per program
    people = book["Kelayakan"]
    assert people.max_row == 2 + len(ROWS)
    heads = [c.value for c in people[2]]
    assert heads[:4] == ["BARIS", "NIK", "NO KK", "NAMA"]
    assert {"PKH: STATUS", "PKH: NILAI (Rp)", "PKH: ALASAN"} <= set(heads)
    assert "Per keluarga" in book.sheetnames
    families = book["Per keluarga"]
    assert families.max_row == 2 + 8  # eight NO KK in the list
    # Parameter: plain text, no Python literal
    params = [[c.value for c in r] for r in book["Parameter"].iter_rows(min_row=3)]
    assert params and not [r for r in params if "[" in str(r[3]) or "'" in str(r[3])]
    assert any(r[3] == "Rp 3.000.000 / tahun" for r in params)
    assert [c.value for c in book["Per aturan"][2]][:4] == ["PROGRAM", "ATURAN", "JENIS",
                                                           "ALASAN BILA TIDAK LOLOS"]  # fmt: skip


def test_notes_and_links_at_scale_and_the_link_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bansos_cli.report.cellparts as parts

    n = 3000
    data = pl.DataFrame({"row": list(range(2, n + 2)), "nik": ["1" * 15] * n})
    notes = pl.DataFrame({"frame_row": list(range(n)), "column": ["nik"] * n,
                          "text": [f"catatan <{i}> & co" for i in range(n)]})  # fmt: skip
    found = pl.DataFrame({"row": list(range(2, n + 2))})
    links = pl.DataFrame({"frame_row": list(range(n)), "column": ["row"] * n,
                          "sheet": ["Data"] * n, "target_row": list(range(n)),
                          "target_column": ["nik"] * n})  # fmt: skip
    monkeypatch.setattr(parts, "MAX_LINKS", 1000)
    path = write_report(
        tmp_path / "r.xlsx",
        [ReportSheet("Temuan", found, links=links), ReportSheet("Data", data, notes=notes)],
    )
    book = openpyxl.load_workbook(path)
    ws = book["Data"]
    assert ws.cell(2, 2).comment.text == "catatan <0> & co"
    assert ws.cell(n + 1, 2).comment.text == f"catatan <{n - 1}> & co"
    linked = [c for (c,) in book["Temuan"].iter_rows(min_row=2, max_col=1) if c.hyperlink]
    assert len(linked) == 1000 and linked[-1].hyperlink.location == "'Data'!B1001"
