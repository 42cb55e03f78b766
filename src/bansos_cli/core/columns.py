"""The canonical column vocabulary and the header synonyms seen in real exports.

Headers are compared after :func:`header_key` folds case, spaces and punctuation, so
``NIK_KTP``, ``Nik Ktp`` and ``NIK-KTP`` are the same header.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# The row key ingest adds to every record (source, sheet, row): declared with every other
# output name in core.vocabulary. An input column of the same name is kept as ``<name>_2``.
from bansos_cli.core.vocabulary import ROW, SHEET, SOURCE, is_reserved  # noqa: E402, F401

META_COLUMNS = (SOURCE, SHEET, ROW)

# canonical name -> headers seen in the wild (DOMAIN.md §5). The canonical name itself is
# always accepted too.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nik": (
        "NIK",
        "NIK KTP",
        "NIK_KTP",
        "NO NIK",
        "NOMOR NIK",
        "NIK ART",
        "NIK PENERIMA",
        "NIK KPM",
        "NIK PENGURUS",
        "NIK KEPALA KELUARGA",
        "NIK KRT",
        "nomor_induk_kependudukan",
        "NOMOR INDUK KEPENDUDUKAN",
        "NIK ANGGOTA",
        "NIK ANGGOTA KELUARGA",
        "NO KTP",
        "NOMOR KTP",
        "NIK PENDUDUK",
        "NIK WARGA",
        "NIK PESERTA",
        "KARTU NIK",
    ),
    "no_kk": (
        "NO KK",
        "NOKK",
        "NO_KK",
        "NKK",
        "NOMOR KK",
        "NOKK_DTKS",
        "NOMOR KARTU KELUARGA",
        "nomor_kartu_keluarga",
        "NO KARTU KELUARGA",
        "KK",
        "NO. KK",
        "NO KARTU KK",
    ),
    "nama": (
        "NAMA",
        "NAMA LENGKAP",
        "NAMA PENERIMA",
        "NAMA_PENERIMA",
        "NAMA KEPALA KELUARGA",
        "NAMA KRT",
        "NAMA ART",
        "NAMA ANGGOTA",
        "NAMA ANGGOTA KELUARGA",
        "NAMA KEPALA RUMAH TANGGA",
        "NAMA_LGKP",
        "NAMA KPM",
        "NAMA PENERIMA MANFAAT",
        "NAMA_KPM",
        "NAMA PENGURUS",
        "NAMA SESUAI KTP",
        "NAMA PENDUDUK",
        "NAMA WARGA",
        "NAMA PESERTA",
        "KARTU NAMA",
        "NAMA LGKP",
        "NAMA KK",
    ),
    "nama_ibu_kandung": (
        "NAMA IBU KANDUNG",
        "IBU KANDUNG",
        "NAMA_IBU",
        "namagadis_ibukandung",
        "NAMA IBU",
        "NAMA_LGKP_IBU",
        "NAMA LENGKAP IBU",
    ),
    "nama_ayah": ("NAMA AYAH", "NAMA_LGKP_AYAH", "NAMA LENGKAP AYAH", "NAMA AYAH KANDUNG"),
    # the parents' NIKs of a population register (OpenSID ayah_nik/ibu_nik): never the
    # person's own NIK
    "nik_ayah": ("NIK AYAH", "ayah_nik", "NIK_AYAH"),
    "nik_ibu": ("NIK IBU", "ibu_nik", "NIK_IBU", "NIK IBU KANDUNG"),
    "tempat_lahir": (
        "TEMPAT LAHIR",
        "TMP LAHIR",
        "TmpLahir",
        "TMPT LAHIR",
        "TEMPAT_LHR",
        "TMPT_LHR",
        "TMP LHR",
        "KARTU TEMPAT LAHIR",
    ),
    "tanggal_lahir": (
        "TANGGAL LAHIR",
        "TGL LAHIR",
        "TglLahir",
        "TGL_LAHIR",
        "TANGGAL_LAHIR",
        "TGL LHR",
        "TGLLAHIR",
        "TANGGAL LHR",
        "TGL/BLN/TH LAHIR",
        "TGL/BLN/THN LAHIR",
        "KARTU TANGGAL LAHIR",
    ),
    # one cell "BOGOR, 01-02-1980": ingest splits it into tempat_lahir and tanggal_lahir
    "tempat_tanggal_lahir": (
        "TEMPAT TANGGAL LAHIR",
        "TEMPAT, TANGGAL LAHIR",
        "TEMPAT/TANGGAL LAHIR",
        "TEMPAT DAN TANGGAL LAHIR",
        "TEMPAT/TGL LAHIR",
        "TEMPAT TGL LAHIR",
        "TMP/TGL LAHIR",
        "TMPT TGL LAHIR",
        "TTL",
    ),
    "jenis_kelamin": (
        "JENIS KELAMIN",
        "JK",
        "JNS KELAMIN",
        "JnsKel",
        "JENKEL",
        "L/P",
        "SEX",
        "KELAMIN",
        "JENIS KEL",
        "JENIS_KLMIN",
        "JNS KLMIN",
    ),
    "hubungan_keluarga": (
        "HUB KELUARGA",
        "HUBUNGAN KELUARGA",
        "HUBUNGAN DENGAN KEPALA KELUARGA",
        "SHDK",
        "Hub_KRT",
        "Hubkel",
        "HUB KK",
        "STATUS HUBUNGAN DALAM KELUARGA",
        "HUBUNGAN",
        "STATUS DALAM KELUARGA",
        "STATUS DLM KELUARGA",
        "HUB DGN KK",
        "HUBUNGAN DGN KK",
        "HUBUNGAN DENGAN KK",
        "STAT_HBKEL",
        "STAT HBKEL",
        "HUB KEL",
        "HUBUNGAN DALAM KELUARGA",
        "kk_level",
    ),
    # relationship to the head of the *household* (BPS/DTKS scheme, DOMAIN.md §5), not of the
    # family card: the two schemes clash, so they are kept apart
    "hubungan_rumah_tangga": (
        "STATUS HUBUNGAN DALAM RUMAH TANGGA",
        "HUBUNGAN DENGAN KEPALA RUMAH TANGGA",
        "HUBUNGAN DALAM RUMAH TANGGA",
        "rtm_level",
    ),
    "provinsi": (
        "PROVINSI",
        "NMPROP",
        "NAMA PROVINSI",
        "PROV",
        "PROPINSI",
        "PROP_NAME",
        "NAMA PROP",
    ),
    "kabupaten": (
        "KABUPATEN/KOTA",
        "KABUPATEN",
        "KOTA",
        "NMKAB",
        "KAB/KOTA",
        "KAB",
        "NAMA KABUPATEN",
        "KABKOTA",
        "KAB_NAME",
        "NAMA KAB",
    ),
    "kecamatan": ("KECAMATAN", "NMKEC", "KEC", "NAMA KECAMATAN", "KEC_NAME", "NAMA KEC"),
    "desa": (
        "DESA/KELURAHAN",
        "DESA",
        "KELURAHAN",
        "NMKEL",
        "NMDESA",
        "DESA/KEL",
        "KEL/DESA",
        "KELURAHAN/DESA",
        "NAMA DESA",
        "DESA KELURAHAN",
        "KEL_NAME",
        "NAMA KEL",
        "NAMA KELURAHAN",
    ),
    "dusun": ("DUSUN", "DUKUH", "LINGKUNGAN", "BANJAR", "JORONG", "NAMA DUSUN"),
    "alamat": (
        "ALAMAT",
        "ALAMAT LENGKAP",
        "ALAMAT RUMAH",
        "ALAMAT_KTP",
        "ALAMAT KTP",
        "KARTU ALAMAT",
    ),
    "rt": ("RT", "NO RT"),
    "rw": ("RW", "NO RW"),
    # one cell "001/002": ingest splits it into rt and rw
    "rt_rw": ("RT/RW", "RT RW", "NO RT/RW", "RT/RW (NO)"),
    "kode_wilayah": ("KODE KEMDAGRI", "KODE KEMENDAGRI", "KODE WILAYAH", "KODE_WILAYAH"),
    "kode_prop_bps": ("KDPROP",),
    "kode_kab_bps": ("KDKAB",),
    "kode_kec_bps": ("KDKEC",),
    "kode_desa_bps": ("KDDESA",),
    "id_dtks": ("ID DTKS", "IDDTKS", "ID_DTKS", "IDBDT", "ID DTSEN", "ID_DTSEN"),
    "id_art": ("IDARTBDT", "ID ART", "ID INDIVIDU", "ID_ART"),
    "id_keluarga": ("ID KELUARGA", "ID KELUARGA P3KE", "ID_KELUARGA"),
    "id_rumah_tangga": (
        "NOMOR RUMAH TANGGA",
        "NO RUMAH TANGGA",
        "ID RUMAH TANGGA",
        "ID RTM",
        "id_rtm",
        "NO RTM",
        "NOMOR RTM",
    ),
    "no_kks": ("NOMOR_KARTU", "NO KKS", "NOMOR KKS", "NO KARTU KKS"),
    "no_peserta_pkh": ("NoPesertaPKH", "NO PESERTA PKH", "NOMOR PESERTA PKH"),
    "pekerjaan": (
        "PEKERJAAN",
        "JENIS PEKERJAAN",
        "PEKERJAAN UTAMA",
        "JNS PEKERJAAN",
        "PEKERJAAN/PROFESI",
        "JENIS_PKRJN",
        "JENIS PKRJN",
    ),
    "status_padan": (
        "KETERANGAN PADAN",
        "PADAN DUKCAPIL",
        "STATUS PADAN",
        "PADAN",
        "KET PADAN",
    ),
    "status_dtks": ("STATUS DTKS", "STATUS DTSEN"),
    "desil": ("DESIL", "DESIL KESEJAHTERAAN", "desil_nasional", "DESIL NASIONAL"),
    "keterangan_meninggal": (
        "KETERANGAN MENINGGAL",
        "STATUS MENINGGAL",
        "MENINGGAL",
        "KET MENINGGAL",
    ),
    # life status of a population register: SIAK "Status" (Hidup/Mati/Pindah), OpenSID
    # status_dasar (1 hidup, 2 mati, 3 pindah, 4 hilang, ...)
    "status_dasar": ("STATUS DASAR", "status_dasar", "STATUS PENDUDUK", "STATUS HIDUP"),
    "status_kawin": (
        "STATUS KAWIN",
        "STATUS PERKAWINAN",
        "STS KAWIN",
        "STATUS PERNIKAHAN",
        "STATUS NIKAH",
        "STAT_KWN",
        "STAT KWN",
    ),
    "jumlah_anggota_keluarga": (
        "JUMLAH ANGGOTA KELUARGA",
        "JML ANGGOTA KELUARGA",
        "JUMLAH ART",
        "JML ART",
        "JUMLAH JIWA",
    ),
    "telepon": (
        "NO HP",
        "NO TELP",
        "NOMOR HP",
        "TELEPON",
        "NO TELEPON",
        "HP",
        "NOMOR HANDPHONE",
        "NO HANDPHONE",
        "NO HP/WA",
        "NOMOR WA",
    ),
    "disabilitas": ("DISABILITAS", "JENIS DISABILITAS", "STATUS DISABILITAS"),
    # PKH component inputs: pregnant/postpartum flag (YA/TIDAK) and the school level attended
    "hamil": (
        "HAMIL",
        "STATUS HAMIL",
        "HAMIL/NIFAS",
        "STATUS HAMIL/NIFAS",
        "IBU HAMIL",
        "IBU HAMIL/NIFAS",
        "KEHAMILAN",
        "STATUS KEHAMILAN",
    ),
    "jenjang_pendidikan": (
        "JENJANG PENDIDIKAN",
        "JENJANG",
        "JENJANG SEKOLAH",
        "PENDIDIKAN",
        "TINGKAT PENDIDIKAN",
        "SEKOLAH",
        "KELAS/SEKOLAH",
    ),
    "bansos_bpnt": ("BANSOS BPNT", "BPNT", "SEMBAKO", "BANSOS SEMBAKO"),
    "bansos_pkh": ("BANSOS PKH", "PKH"),
    "bansos_bpnt_ppkm": ("BANSOS BPNT PPKM", "BPNT PPKM"),
    "pbi_jkn": ("PBI JKN", "PBI", "PBI JK", "PBI-JK", "PBI_JKN"),
    "blt_dd": ("BLT DD", "BLT DANA DESA", "BLT-DD"),
    "program": ("PROGRAM", "JENIS BANSOS", "NAMA PROGRAM", "JENIS BANTUAN"),
    "periode": ("PERIODE", "TAHAP", "BULAN", "PERIODE PENYALURAN"),
    "nominal": (
        "NOMINAL",
        "JUMLAH BANTUAN",
        "NILAI BANTUAN",
        "BESARAN BANTUAN",
        "JUMLAH",
        "NILAI",
        "JUMLAH UANG",
        "NOMINAL BANTUAN",
        "JUMLAH DITERIMA",
    ),
    "tanggal_salur": ("TANGGAL SALUR", "TGL SALUR", "TANGGAL PENYALURAN", "TGL TRANSAKSI"),
    "status_salur": ("STATUS SALUR", "STATUS PENYALURAN", "KETERANGAN SALUR", "STATUS TRANSAKSI"),
    "no": ("NO", "NO.", "NO URUT", "NOMOR", "NOMOR URUT"),
}

CANONICAL_COLUMNS: tuple[str, ...] = tuple(SYNONYMS)

# Columns whose values are identifiers: they must stay text and are checked for Excel damage.
ID_COLUMNS: tuple[str, ...] = ("nik", "no_kk")

# Columns that, when present, make a header row "look like" a beneficiary list. Used to score
# candidate header rows and sheets; a recap sheet has none of them.
CORE_COLUMNS: frozenset[str] = frozenset(
    {"nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "desa", "kecamatan"}
)

_PUNCT = re.compile(r"[^0-9A-Z]+")


def header_key(text: object) -> str:
    """Fold a header for comparison: NFKC, uppercase, punctuation and spaces removed."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).upper()
    return _PUNCT.sub("", folded)


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canonical, headers in SYNONYMS.items():
        for header in (canonical, *headers):
            key = header_key(header)
            # First canonical wins for an ambiguous folded header; keep the table unambiguous.
            lookup.setdefault(key, canonical)
    return lookup


HEADER_LOOKUP: dict[str, str] = _build_lookup()

# Spellings around a known header seen in real templates: a questionnaire number in front
# ("403 NIK", "402. Nama"), a column number or a note in brackets behind ("NIK (5)",
# "Jenis Kelamin (L/P)", "NIK [16 digit]"), alternatives ("NIK / Nomor KTP").
_LEADING_NUMBER = re.compile(r"^\s*[\(\[]?\s*\d{1,4}[a-zA-Z]?\s*[\)\]]?\s*[.):\-]?\s*(?=[^\W\d_])")
_TRAILING_NOTE = re.compile(r"\s*[\(\[][^()\[\]]{1,30}[\)\]]\s*[*:.]?\s*$")
_ALTERNATIVES = re.compile(r"\s*(?:/|\||\bATAU\b|\bOR\b)\s*", re.IGNORECASE)


def _known(text: str, extra: dict[str, str] | None) -> str | None:
    key = header_key(text)
    if not key:
        return None
    if extra and key in extra:
        return extra[key]
    return HEADER_LOOKUP.get(key)


def _unnumbered(text: str) -> str:
    """``text`` without a leading questionnaire number or a trailing bracketed note."""
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_NOTE.sub("", _LEADING_NUMBER.sub("", text, count=1), count=1)
    return text


def canonical_for(header: object, extra: dict[str, str] | None = None) -> str | None:
    """The canonical column a header maps to, or ``None`` when it is not known.

    ``extra`` maps folded headers (see :func:`header_key`) to canonical names and wins over
    the built-in table (user mapping files). A header is also known when it is a known one
    with a questionnaire number in front (``403 NIK``) or a bracketed number or note behind
    (``NIK (5)``, ``Jenis Kelamin (L/P)``), or when it offers alternatives that all name the
    same column (``NIK / Nomor KTP``). camelCase and run-together spellings (``namaLengkap``,
    ``tanggallahir``) fold to the same key as the spaced ones.
    """
    if header is None:
        return None
    if not extra:
        return _builtin(str(header))
    return _canonical(str(header), extra)


@functools.lru_cache(maxsize=65_536)
def _builtin(text: str) -> str | None:
    """:func:`canonical_for` without a user mapping (header search asks about the same
    cells of every scanned row again and again)."""
    return _canonical(text, None)


def _canonical(text: str, extra: dict[str, str] | None) -> str | None:
    known = _known(text, extra)
    if known is not None:
        return known
    bare = _unnumbered(text)
    if bare != text and (known := _known(bare, extra)) is not None:
        return known
    if not _ALTERNATIVES.search(bare):
        return None
    names = {_known(_unnumbered(part), extra) for part in _ALTERNATIVES.split(bare) if part}
    names.discard(None)
    return names.pop() if len(names) == 1 else None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def passthrough_name(header: object) -> str:
    """A snake_case column name for an unmapped header (kept, never dropped); camelCase is
    split (``statusNikah`` -> ``status_nikah``)."""
    text = unicodedata.normalize("NFKC", str(header)).strip()
    if not text.isupper():
        text = _CAMEL.sub("_", text)
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return name or "kolom"


def excel_column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> ``A``, 25 -> ``Z``, 27 -> ``AB``)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
