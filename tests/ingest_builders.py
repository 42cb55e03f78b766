"""Small hand-made workbooks and text files that look like real exports (for ingest tests)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

HEADER = ["NO", "NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "DESA/KELURAHAN", "RT"]
ROWS = [
    [
        "1",
        "3201010101800001",
        "3201010202100003",
        "SITI AMINAH",
        "01-01-1980",
        "P",
        "Cibinong",
        "001",
    ],
    [
        "2",
        "3201014505900002",
        "3201010202100003",
        "BUDI SANTOSO",
        "05-05-1990",
        "L",
        "Cibinong",
        "001",
    ],
    [
        "3",
        "3201015212850003",
        "3201010303110004",
        "Hj. NUR AINI, S.Pd",
        "12-12-1985",
        "P",
        "Pakansari",
        "002",
    ],
    [
        "4",
        "3201010707070004",
        "3201010303110004",
        "MUH. RIZKY",
        "07-07-2007",
        "L",
        "Pakansari",
        "002",
    ],
]
# Expected canonical columns of the header above.
CANONICAL = ["no", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "desa", "rt"]


def siks_like_xlsx(path: Path, *, number_nik_rows: tuple[int, ...] = ()) -> Path:
    """REKAP sheet first, then DATA with 3 title rows (merged), a blank row, header on row 5,
    an empty row in the middle of the data, and a hidden sheet that also has a header.

    Data rows land on Excel rows 6, 8, 9, 10 (row 7 is empty). ``number_nik_rows`` are
    indexes into ROWS whose NIK is written as a number cell (last digit lost, as Excel does).
    """
    wb = openpyxl.Workbook()
    recap = wb.active
    recap.title = "REKAP"
    recap.append(["REKAPITULASI PENERIMA PER KECAMATAN"])
    recap.append(["KECAMATAN", "JUMLAH KPM", "NOMINAL"])
    recap.append(["CIBINONG", 4, 1200000])
    data = wb.create_sheet("DATA")
    data.append(["DAFTAR PENERIMA BANTUAN SOSIAL"])
    data.merge_cells("A1:H1")
    data.append(["KABUPATEN BOGOR - KECAMATAN CIBINONG"])
    data.append(["Periode: Triwulan I 2026"])
    data.append([])
    data.append(HEADER)
    for i, row in enumerate(ROWS):
        values: list[object] = list(row)
        if i in number_nik_rows:
            values[1] = float(row[1][:15] + "0")
        data.append(values)
        if i == 0:
            data.append([])
    hidden = wb.create_sheet("lookup")
    hidden.append(["NIK", "NAMA", "NO KK"])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    title_lines: tuple[str, ...] = (),
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    text = "".join(line + "\r\n" for line in title_lines) + buffer.getvalue()
    path.write_bytes(text.encode(encoding))
    return path


def plain_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def date_cell_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIK", "NAMA", "TGL LAHIR"])
    ws.append(["3201010101800001", "A", dt.datetime(1980, 1, 1)])
    wb.save(path)
    return path


def legacy_workbook(path: Path, rows: list[list[object]]) -> Path:
    """Write rows to ``.xls`` (xlwt) or ``.ods`` (odfpy); floats become number cells."""
    if path.suffix == ".xls":
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("DATA")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        book.save(str(path))
        return path
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="DATA")
    for row in rows:
        line = TableRow()
        for value in row:
            if isinstance(value, float):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        table.addElement(line)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path
