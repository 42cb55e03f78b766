"""Property: whatever is drawn around a list of people (title rows, a block of instructions,
family or section lines, copies of the header, rows of column numbers, blank rows, notes and
a signature block under the data), bansos reads exactly the people back, with their Excel
rows, their NIKs and the NO KK of their family."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bansos_cli.ingest import read_inputs

PREFIX = "320101"
TITLES = [
    "DAFTAR PENERIMA BANTUAN LANGSUNG TUNAI DANA DESA",
    "DESA SUKAMAJU KECAMATAN CIBINONG KABUPATEN BOGOR",
    "TAHUN ANGGARAN 2025",
]
INSTRUCTIONS = [
    "Petunjuk pengisian formulir ini harus dibaca sebelum mengisi data.",
    "Kolom NIK / Nomor KTP wajib diisi 16 digit sesuai KTP-el.",
    "Ketik NIK / Nomor KTP sebagai teks agar digit terakhir tidak hilang.",
    "Kolom No. KK : diisi nomor kartu keluarga yang masih berlaku.",
    "Nama ditulis lengkap sesuai KTP tanpa gelar.",
    "Tanggal lahir ditulis dengan format hari-bulan-tahun.",
    "Baris yang tidak terpakai tidak perlu dihapus dari formulir ini.",
]
NOTES = [
    ["JUMLAH", None, None, "orang"],
    ["###"],
    ["Catatan:"],
    ["1. Sesuaikan kolom dengan data terbaru dari Dukcapil."],
    ["2. NIK ditulis 16 digit tanpa spasi atau titik."],
    [None, None, None, "Sukamaju, 12 Januari 2025"],
    [None, "Mengetahui,", None, "Operator Desa,"],
    [None, "Kepala Desa Sukamaju"],
    [None, "( SUPARMAN )", None, "( DEWI LESTARI )"],
]
NAMES = ["SITI AMINAH", "BUDI SANTOSO", "NUR AINI", "AHMAD FAUZI", "DEWI LESTARI", "SUPARMAN"]
HEADERS = {
    "plain": ["NO", "NIK", "NAMA", "JENIS KELAMIN", "TANGGAL LAHIR"],
    "numbered": ["No (1)", "NIK (2)", "Nama Lengkap (3)", "Jenis Kelamin (4)", "Tgl Lahir (5)"],
    "questionnaire": ["401 No", "403 NIK", "402 Nama", "405 Jenis Kelamin", "406 Tgl Lahir"],
    "camel": ["no", "nik", "namaLengkap", "jenisKelamin", "tanggalLahir"],
}
FAMILY_STYLES = ("none", "kk_label", "bip2012", "bare_kk", "section")


@dataclass
class Grid:
    rows: list[list[object]] = field(default_factory=list)

    def add(self, cells: list[object]) -> int:
        self.rows.append(cells)
        return len(self.rows)


@dataclass
class Case:
    grid: Grid
    people: list[tuple[int, str, str | None]]
    """``(Excel row, NIK, NO KK)``."""


def _nik(i: int) -> str:
    sex = "P" if i % 2 == 0 else "L"
    day = 1 + i % 28 + (40 if sex == "P" else 0)
    return f"{PREFIX}{day:02d}{1 + i % 12:02d}{70 + i % 25:02d}{i + 1:04d}"


def _kk(f: int) -> str:
    return f"{PREFIX}1503{15:02d}{f + 1:04d}"


@st.composite
def composed(draw: st.DrawFn) -> Case:
    style = draw(st.sampled_from(FAMILY_STYLES))
    header = list(HEADERS[draw(st.sampled_from(sorted(HEADERS)))])
    with_kk = style == "none"
    if with_kk:
        header.insert(2, "NO KK")
    numbers = draw(st.sampled_from(["", "brackets", "minus", "plain"]))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    copies = draw(st.booleans())
    grid = Grid()
    for title in draw(st.lists(st.sampled_from(TITLES), max_size=3, unique=True)):
        grid.add([title])
    if draw(st.booleans()):
        grid.add([])
    for line in draw(st.lists(st.sampled_from(INSTRUCTIONS), max_size=20)):
        grid.add([line])
    if draw(st.booleans()):
        grid.add([])

    def put_header() -> None:
        grid.add(list(header))
        if numbers == "brackets":
            grid.add([f"({i + 1})" for i in range(len(header))])
        elif numbers == "minus":
            grid.add([-(i + 1) for i in range(len(header))])
        elif numbers == "plain":
            grid.add([i + 1 for i in range(len(header))])

    people: list[tuple[int, str, str | None]] = []
    person = 0
    for f, size in enumerate(sizes):
        kk = _kk(f)
        head = NAMES[person % len(NAMES)]
        if style == "bip2012":
            grid.add(["NO.KK", None, "NAMA.KK", None, "ALAMAT"])
            grid.add([kk, None, head, None, f"DUSUN KRAJAN, RT:00{f + 1}, RW:002, Kodepos:16914,-"])
            put_header()
        else:
            if f == 0 or copies:
                put_header()
            if style == "kk_label":
                grid.add([f"No. KK : {kk}", None, f"Alamat : JL. MAWAR {f}, RT/RW : 001/002"])
            elif style == "bare_kk":
                grid.add([kk, None, head])
            elif style == "section":
                grid.add([f"DUSUN {'KRAJAN' if f % 2 else 'MEKARSARI'}"])
        for i in range(size):
            nik = _nik(person)
            cells: list[object] = [i + 1, nik, NAMES[(person + i) % len(NAMES)], "L", "01-02-1980"]
            if with_kk:
                cells.insert(2, kk)
            row = grid.add(cells)
            people.append((row, nik, kk if style != "section" else None))
            person += 1
            if draw(st.booleans()) and draw(st.booleans()):
                grid.add([])
    notes = draw(st.lists(st.booleans(), min_size=len(NOTES), max_size=len(NOTES)))
    if any(notes):
        if draw(st.booleans()):
            grid.add([])
        for note, keep in zip(NOTES, notes, strict=True):
            if keep:
                grid.add(list(note))
    return Case(grid, people)


def _write(case: Case, path: Path) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for row in case.grid.rows:
                writer.writerow(["" if v is None else v for v in row])
        return
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"created": dt.datetime(2025, 1, 1)})
    sheet = book.add_worksheet("DATA")
    for r, row in enumerate(case.grid.rows):
        for c, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    book.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=composed(), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_the_list_comes_back_whatever_surrounds_it(
    case: Case, suffix: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("composed") / f"daftar{suffix}"
    _write(case, path)
    result = read_inputs([path])
    frame = result.frame
    got = list(
        zip(
            frame.get_column("row").to_list(),
            frame.get_column("nik").to_list(),
            frame.get_column("no_kk").to_list()
            if "no_kk" in frame.columns
            else [None] * frame.height,
            strict=True,
        )
    )
    assert got == case.people
    # every other filled row is accounted for: the header, or a reported layout row
    (info,) = result.sources
    header = info.header_row or 0
    filled = {
        i + 1 for i, row in enumerate(case.grid.rows) if any(v not in (None, "") for v in row)
    }
    below = {r for r in filled if r > header} - {r for r, _, _ in case.people}
    assert below <= set(info.skipped_rows), (below, info.layout_rows)
