"""A messy 22-row PKH export of one kecamatan, hand-made from published facts (for report tests).

Kabupaten Bogor is 32.01 and Kecamatan Cibinong 32.01.01 in the Kemendagri codes; a NIK is
province, regency, kecamatan, birth day (+40 for women), month, year, serial. The file looks
like a village office's list: two title rows and a blank row above the header, the header as
the office writes it (``NO. KK``, ``TMP LAHIR``, ``TGL LAHIR``, ``JK``), one empty row in
the middle, and a NIK typed as a number. The rows carry known problems, listed in PROBLEMS.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER = ["NO", "NIK", "NO. KK", "NAMA", "TMP LAHIR", "TGL LAHIR", "JK", "ALAMAT", "RT", "RW",
          "KECAMATAN", "DESA", "DESIL"]  # fmt: skip
HEADER_ROW = 4
EMPTY_ROW = 16
KK1, KK2, KK3 = "3201010101100001", "3201011505120002", "3201010203150003"
# (NIK, NO KK, NAMA, TMP LAHIR, TGL LAHIR, JK, ALAMAT, RT, RW, DESA, DESIL)
_PEOPLE: list[tuple[object, ...]] = [
    (
        "3201014101850001",
        KK1,
        "SITI AMINAH",
        "BOGOR",
        "01-01-1985",
        "P",
        "KP. PONDOK",
        "001",
        "002",
        "PAKANSARI",
        "2",
    ),  # noqa: E501
    (
        "3201011203800002",
        KK1,
        "BUDI SANTOSO",
        "BOGOR",
        "12-03-1980",
        "L",
        "KP. PONDOK",
        "001",
        "002",
        "PAKANSARI",
        "2",
    ),  # noqa: E501
    (
        "3.20102E+15",
        KK1,
        "RINA MARLINA",
        "BOGOR",
        "15-06-2010",
        "P",
        "KP. PONDOK",
        "001",
        "002",
        "PAKANSARI",
        "2",
    ),  # noqa: E501
    (
        "320101120380003",
        KK2,
        "AHMAD FAUZI",
        "JAKARTA",
        "12-03-1980",
        "L",
        "JL. RAYA 5",
        "003",
        "001",
        "CIRIMEKAR",
        "3",
    ),  # noqa: E501
    (
        "3201012505750004",
        KK2,
        "DEDI KURNIAWAN",
        "BOGOR",
        "25-06-1975",
        "P",
        "JL. RAYA 5",
        "003",
        "001",
        "CIRIMEKAR",
        "3",
    ),  # noqa: E501
    (
        "3201014101850001",
        KK3,
        "SITI AMINAH",
        "BOGOR",
        "01-01-1985",
        "P",
        "GG. MAWAR",
        "002",
        "004",
        "SUKAHATI",
        "1",
    ),  # noqa: E501
    (
        "3201014708900006",
        KK3,
        "NUR HASANAH",
        "CIANJUR",
        "07-08-1990",
        "P",
        "GG. MAWAR",
        "002",
        "004",
        "SUKAHATI",
        "11",
    ),  # noqa: E501
    (
        "3201011502800005",
        KK3,
        "JOKO SUSILO",
        "BOGOR",
        "31-02-1980",
        "L",
        "GG. MAWAR",
        "002",
        "004",
        "SUKAHATI",
        "1",
    ),  # noqa: E501
    (
        "3201010107600007",
        "3201010606180004",
        "ALM. SLAMET",
        "BOGOR",
        "01-07-1960",
        "L",
        "KP. BARU",
        "005",
        "003",
        "PAKANSARI",
        "4",
    ),  # noqa: E501
    (
        "3201015003650008",
        "3201010606180004",
        "SUMIATI",
        "SOLO",
        "10-03-1965",
        "P",
        "KP. BARU",
        "005",
        "003",
        "PAKANSARI",
        "4",
    ),  # noqa: E501
    (
        "3201010909990009",
        "3201010606180004",
        "EKO PRASETYO",
        "BOGOR",
        "09-09-1999",
        "L",
        "KP. BARU",
        "005",
        "003",
        "PAKANSARI",
        "4",
    ),  # noqa: E501
    (
        "3201016112020010",
        "3201011212190005",
        "DEWI LESTARI",
        "BOGOR",
        "21-12-2002",
        "P",
        "JL. MELATI 2",
        "004",
        "002",
        "CIRIMEKAR",
        "2",
    ),  # noqa: E501
    (
        "3201010404980011",
        "3201011212190005",
        "RUDI HARTONO",
        "BOGOR",
        "04-04-1998",
        "L",
        "JL. MELATI 2",
        "004",
        "002",
        "CIRIMEKAR",
        "2",
    ),  # noqa: E501
    (
        "3201014405010012",
        "3201011212190005",
        "AYU WULANDARI",
        "BOGOR",
        "04-05-2001",
        "P",
        "JL. MELATI 2",
        "004",
        "002",
        "CIRIMEKAR",
        "2",
    ),  # noqa: E501
    (
        "3201011010700013",
        "3201012001110006",
        "HENDRA GUNAWAN",
        "DEPOK",
        "10-10-1970",
        "L",
        "KP. SAWAH",
        "006",
        "001",
        "SUKAHATI",
        "3",
    ),  # noqa: E501
    (
        "3201015511720014",
        "3201012001110006",
        "YULIANA",
        "DEPOK",
        "15-11-1972",
        "P",
        "KP. SAWAH",
        "006",
        "001",
        "SUKAHATI",
        "3",
    ),  # noqa: E501
    (
        "3201010203050015",
        "3201012001110006",
        "FAJAR NUGROHO",
        "BOGOR",
        "02-03-2005",
        "L",
        "KP. SAWAH",
        "006",
        "001",
        "SUKAHATI",
        "3",
    ),  # noqa: E501
    (
        "3201016208080016",
        "3201012001110006",
        "INDAH PERMATA",
        "BOGOR",
        "22-08-2008",
        "P",
        "KP. SAWAH",
        "006",
        "001",
        "SUKAHATI",
        "3",
    ),  # noqa: E501
    (
        "3201011705550017",
        "3201010303090007",
        "SUPARMAN",
        "BOGOR",
        "17-05-1955",
        "L",
        "KP. KEBON",
        "007",
        "005",
        "PAKANSARI",
        "1",
    ),  # noqa: E501
    (
        "3201015909580018",
        "3201010303090007",
        "SUKARSIH",
        "BOGOR",
        "19-09-1958",
        "P",
        "KP. KEBON",
        "007",
        "005",
        "PAKANSARI",
        "1",
    ),  # noqa: E501
    (
        "3201012806880019",
        "3201010707130008",
        "AGUS SETIAWAN",
        "BOGOR",
        "28-06-1988",
        "L",
        "JL. KENANGA 9",
        "001",
        "006",
        "CIRIMEKAR",
        "5",
    ),  # noqa: E501
    (
        3201016902920020,
        "3201010707130008",
        "LINA MARLIANI",
        "BOGOR",
        "29-02-1992",
        "P",
        "JL. KENANGA 9",
        "001",
        "006",
        "CIRIMEKAR",
        "5",
    ),  # noqa: E501
]
ROWS = [r for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(_PEOPLE) + 1) if r != EMPTY_ROW]
"""The Excel rows of the 22 people (row 16 is left empty)."""

PROBLEMS: dict[int, set[str]] = {
    7: {"NIK_NOTASI_ILMIAH"},
    8: {"NIK_PANJANG"},
    9: {"NIK_TGL_LAHIR_BEDA", "NIK_JK_BEDA"},
    5: {"NIK_GANDA"},
    10: {"NIK_GANDA"},
    11: {"DESIL_RENTANG"},
    12: {"TGL_LAHIR_FORMAT"},
    13: {"NAMA_ALMARHUM"},
    27: {"NIK_ANGKA_NOL"},
}
"""Excel row -> the finding codes it must carry (at least)."""


def pkh_export(path: Path) -> Path:
    """Write the export as ``.xlsx``; the last NIK is a number cell (as Excel stores it)."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "PKH CIBINONG"
    ws.cell(1, 1, "DAFTAR CALON PENERIMA PKH TAHAP III 2025")
    ws.cell(2, 1, "KECAMATAN CIBINONG - KABUPATEN BOGOR")
    for j, name in enumerate(HEADER, start=1):
        ws.cell(HEADER_ROW, j, name)
    for number, (row, person) in enumerate(zip(ROWS, _PEOPLE, strict=True), start=1):
        nik, kk, nama, tmp, tgl, jk, alamat, rt, rw, desa, desil = person
        values = [str(number), nik, kk, nama, tmp, tgl, jk, alamat, rt, rw, "CIBINONG", desa,
                  desil]  # fmt: skip
        for j, value in enumerate(values, start=1):
            ws.cell(row, j, value)
    book.save(path)
    return path
