"""Every finding code with its severity, messages (id/en), fix hints and an example.

Codes are stable: scripts and spreadsheets filter on them. A message may contain ``{detail}``,
filled per finding (e.g. the successor of a retired region code, or the other rows of a
duplicate NIK). docs/validation.md lists the same table; a test keeps them in sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class FindingSpec:
    """One finding code."""

    code: str
    severity: str
    column: str
    """The canonical column the finding points at."""
    message_id: str
    message_en: str
    hint_id: str
    hint_en: str
    example: str
    """A value that triggers the finding (for the documentation)."""


def _s(*args: str) -> FindingSpec:
    return FindingSpec(*args)


_SPECS = [
    # -- required values ---------------------------------------------------------------------
    _s(
        "WAJIB_KOSONG",
        "error",
        "nik/nama",
        "Kolom wajib kosong",
        "Required value is empty",
        "Isi NIK/nama sesuai KTP atau KK.",
        "Fill in the NIK/name from the ID card or KK.",
        "(kosong)",
    ),
    # -- NIK ---------------------------------------------------------------------------------
    _s(
        "NIK_NOTASI_ILMIAH",
        "error",
        "nik",
        "NIK rusak oleh Excel (notasi ilmiah, digit terakhir hilang)",
        "NIK damaged by Excel (scientific notation, last digits lost)",
        "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK.",
        "Format the NIK column as Text and retype the NIK from the ID card/KK.",
        "3,20101E+15",
    ),
    _s(
        "NIK_ANGKA_EXCEL",
        "error",
        "nik",
        "NIK tersimpan sebagai angka dan bukan 16 digit (rusak oleh Excel)",
        "NIK stored as a number and not 16 digits (damaged by Excel)",
        "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK.",
        "Format the NIK column as Text and retype the NIK from the ID card/KK.",
        "3201010101800001.0",
    ),
    _s(
        "NIK_ANGKA_NOL",
        "warning",
        "nik",
        "NIK tersimpan sebagai angka dan berakhir 0: digit terakhir mungkin terpotong Excel",
        "NIK stored as a number ending in 0: Excel may have cut the last digit",
        "Cocokkan digit terakhir dengan KTP/KK; simpan kolom NIK sebagai Teks.",
        "Check the last digit against the ID card/KK; store the NIK column as Text.",
        "3201010101800010 (sel angka)",
    ),
    _s(
        "NIK_KARAKTER",
        "error",
        "nik",
        "NIK mengandung karakter selain angka",
        "NIK contains characters other than digits",
        "NIK hanya berisi 16 angka; periksa huruf O/I yang tertukar dengan 0/1.",
        "A NIK is 16 digits only; look for the letters O/I typed instead of 0/1.",
        "32010101O1800001",
    ),
    _s(
        "NIK_PANJANG",
        "error",
        "nik",
        "NIK harus 16 digit ({detail} digit)",
        "NIK must have 16 digits ({detail} digits)",
        "Periksa digit yang hilang atau berlebih dengan KTP/KK.",
        "Check missing or extra digits against the ID card/KK.",
        "320101010180001",
    ),
    _s(
        "NIK_DINORMALISASI",
        "info",
        "nik",
        "NIK ditulis dengan spasi, titik, tanda hubung atau angka non-ASCII; "
        "dibaca sebagai {detail}",
        "NIK written with spaces, dots, dashes or non-ASCII digits; read as {detail}",
        "Tidak perlu tindakan; sebaiknya tulis NIK sebagai 16 angka saja.",
        "No action needed; preferably write the NIK as 16 plain digits.",
        "3201 0101 0180 0001",
    ),
    _s(
        "NIK_PROVINSI",
        "error",
        "nik",
        "Kode provinsi NIK ({detail}) tidak dikenal",
        "NIK province code ({detail}) does not exist",
        "Dua digit pertama NIK adalah kode provinsi; periksa dengan KTP/KK.",
        "The first two digits are the province code; check against the ID card/KK.",
        "0001010101800001",
    ),
    _s(
        "NIK_WILAYAH_00",
        "error",
        "nik",
        "Kode kabupaten/kota atau kecamatan NIK bernilai 00",
        "NIK regency or kecamatan code is 00",
        "Digit 3-6 NIK tidak boleh 00; periksa dengan KTP/KK.",
        "Digits 3-6 of a NIK cannot be 00; check against the ID card/KK.",
        "3200010101800001",
    ),
    _s(
        "NIK_WILAYAH_LAMA",
        "info",
        "nik",
        "Kode wilayah NIK adalah kode lama (sekarang {detail})",
        "NIK region code is a retired code (now {detail})",
        "Tidak perlu tindakan: NIK tidak berubah saat wilayah dimekarkan.",
        "No action needed: a NIK keeps its code after a regional split.",
        "9101010101800001",
    ),
    _s(
        "NIK_WILAYAH_TIDAK_DIKENAL",
        "warning",
        "nik",
        "Kode {detail} NIK tidak ada di tabel Kemendagri 2016-2025",
        "NIK {detail} code is not in the Kemendagri tables 2016-2025",
        "Periksa digit 1-6 NIK dengan KTP/KK (kode sangat lama juga mungkin).",
        "Check digits 1-6 against the ID card/KK (a very old code is possible).",
        "3201990101800001",
    ),
    _s(
        "NIK_TANGGAL",
        "error",
        "nik",
        "Tanggal lahir dalam NIK (digit 7-12) tidak mungkin",
        "The birth date inside the NIK (digits 7-12) is impossible",
        "Hari 01-31 (laki-laki) atau 41-71 (perempuan), bulan 01-12; periksa dengan KTP/KK.",
        "Day 01-31 (men) or 41-71 (women), month 01-12; check against the ID card/KK.",
        "3201013502800001",
    ),
    _s(
        "NIK_SERIAL_0000",
        "error",
        "nik",
        "Nomor urut NIK (4 digit terakhir) 0000",
        "NIK serial (last 4 digits) is 0000",
        "Nomor urut dimulai dari 0001; periksa dengan KTP/KK.",
        "Serials start at 0001; check against the ID card/KK.",
        "3201010101800000",
    ),
    _s(
        "NIK_JK_BEDA",
        "warning",
        "jenis_kelamin",
        "Jenis kelamin ({detail}) tidak sesuai NIK",
        "Sex ({detail}) does not match the NIK",
        "Di NIK perempuan tanggal lahir +40; periksa NIK atau jenis kelamin.",
        "Women's NIKs carry day + 40; check the NIK or the sex.",
        "NIK 3201014101800001, JK L",
    ),
    _s(
        "NIK_TGL_LAHIR_BEDA",
        "warning",
        "tanggal_lahir",
        "Tanggal lahir tidak sesuai tanggal dalam NIK ({detail})",
        "Birth date differs from the date inside the NIK ({detail})",
        "NIK tidak diganti saat tanggal lahir dikoreksi; cocokkan dengan KK/Dukcapil.",
        "A NIK is not reissued when a birth date is corrected; check the KK/Dukcapil.",
        "NIK ...020380..., TGL LAHIR 03-02-1980",
    ),
    _s(
        "NIK_TGL_LAHIR_BAKU",
        "info",
        "tanggal_lahir",
        "Tanggal lahir tidak sesuai NIK ({detail}), tetapi salah satunya tanggal baku "
        "(1 Juli, 31 Desember atau tanggal 15)",
        "Birth date differs from the NIK ({detail}), but one is a default date "
        "(1 July, 31 December or the 15th)",
        "Tanggal baku dipakai bila tanggal lahir tidak diketahui; cek bila perlu.",
        "Default dates are used when the birth date is unknown; check if needed.",
        "NIK ...010780..., TGL LAHIR 12-03-1980",
    ),
    _s(
        "NIK_SAMA_KK",
        "warning",
        "nik",
        "NIK sama dengan nomor KK (kolom tertukar?)",
        "NIK equals the KK number (columns mixed up?)",
        "Periksa apakah kolom NIK dan NO KK tertukar.",
        "Check whether NIK and KK columns are swapped.",
        "NIK = NO KK = 3201010101800001",
    ),
    _s(
        "NIK_GANDA",
        "warning",
        "nik",
        "NIK yang sama muncul di {detail}",
        "The same NIK appears on {detail}",
        "Periksa apakah orang yang sama tercatat dua kali atau NIK salah ketik; "
        "jalankan bansos dedup.",
        "Check whether one person is listed twice or a NIK is mistyped; run bansos dedup.",
        "baris 5, 9",
    ),
    # -- KK ----------------------------------------------------------------------------------
    _s(
        "KK_KOSONG",
        "warning",
        "no_kk",
        "Nomor KK kosong",
        "KK number is empty",
        "Isi nomor KK dari Kartu Keluarga.",
        "Fill in the number from the family card (KK).",
        "(kosong)",
    ),
    _s(
        "KK_NOTASI_ILMIAH",
        "error",
        "no_kk",
        "Nomor KK rusak oleh Excel (notasi ilmiah)",
        "KK number damaged by Excel (scientific notation)",
        "Format kolom NO KK sebagai Teks lalu ketik ulang dari KK.",
        "Format the KK column as Text and retype the number from the KK.",
        "3,20101E+15",
    ),
    _s(
        "KK_ANGKA_EXCEL",
        "error",
        "no_kk",
        "Nomor KK tersimpan sebagai angka dan bukan 16 digit (rusak oleh Excel)",
        "KK number stored as a number and not 16 digits (damaged by Excel)",
        "Format kolom NO KK sebagai Teks lalu ketik ulang dari KK.",
        "Format the KK column as Text and retype the number from the KK.",
        "3201012001150003.0",
    ),
    _s(
        "KK_ANGKA_NOL",
        "warning",
        "no_kk",
        "Nomor KK tersimpan sebagai angka dan berakhir 0: digit terakhir mungkin terpotong",
        "KK number stored as a number ending in 0: the last digit may have been cut",
        "Cocokkan digit terakhir dengan KK; simpan kolom NO KK sebagai Teks.",
        "Check the last digit against the KK; store the KK column as Text.",
        "3201012001150010 (sel angka)",
    ),
    _s(
        "KK_KARAKTER",
        "error",
        "no_kk",
        "Nomor KK mengandung karakter selain angka",
        "KK number contains characters other than digits",
        "Nomor KK hanya berisi 16 angka.",
        "A KK number is 16 digits only.",
        "32010120O1150003",
    ),
    _s(
        "KK_PANJANG",
        "error",
        "no_kk",
        "Nomor KK harus 16 digit ({detail} digit)",
        "KK number must have 16 digits ({detail} digits)",
        "Periksa digit yang hilang atau berlebih dengan KK.",
        "Check missing or extra digits against the KK.",
        "320101200115003",
    ),
    _s(
        "KK_DINORMALISASI",
        "info",
        "no_kk",
        "Nomor KK ditulis dengan pemisah atau angka non-ASCII; dibaca sebagai {detail}",
        "KK number written with separators or non-ASCII digits; read as {detail}",
        "Tidak perlu tindakan.",
        "No action needed.",
        "3201-0120-0115-0003",
    ),
    _s(
        "KK_PROVINSI",
        "error",
        "no_kk",
        "Kode provinsi nomor KK ({detail}) tidak dikenal",
        "KK province code ({detail}) does not exist",
        "Periksa dua digit pertama dengan KK.",
        "Check the first two digits against the KK.",
        "0001012001150003",
    ),
    _s(
        "KK_WILAYAH_00",
        "error",
        "no_kk",
        "Kode kabupaten/kota atau kecamatan nomor KK bernilai 00",
        "KK regency or kecamatan code is 00",
        "Periksa digit 3-6 dengan KK.",
        "Check digits 3-6 against the KK.",
        "3200002001150003",
    ),
    _s(
        "KK_WILAYAH_LAMA",
        "info",
        "no_kk",
        "Kode wilayah nomor KK adalah kode lama (sekarang {detail})",
        "KK region code is a retired code (now {detail})",
        "Tidak perlu tindakan.",
        "No action needed.",
        "9101012001150003",
    ),
    _s(
        "KK_WILAYAH_TIDAK_DIKENAL",
        "warning",
        "no_kk",
        "Kode {detail} nomor KK tidak ada di tabel Kemendagri 2016-2025",
        "KK {detail} code is not in the Kemendagri tables 2016-2025",
        "Periksa digit 1-6 dengan KK.",
        "Check digits 1-6 against the KK.",
        "3201992001150003",
    ),
    _s(
        "KK_TANGGAL",
        "warning",
        "no_kk",
        "Tanggal terbit dalam nomor KK (digit 7-12) tidak mungkin",
        "The issue date inside the KK number (digits 7-12) is impossible",
        "Periksa digit 7-12 dengan KK.",
        "Check digits 7-12 against the KK.",
        "3201013513150003",
    ),
    _s(
        "KK_SERIAL_0000",
        "warning",
        "no_kk",
        "Nomor urut KK (4 digit terakhir) 0000",
        "KK serial (last 4 digits) is 0000",
        "Periksa 4 digit terakhir dengan KK.",
        "Check the last 4 digits against the KK.",
        "3201012001150000",
    ),
    # -- birth date and other typed columns -----------------------------------------------------
    _s(
        "TGL_LAHIR_FORMAT",
        "error",
        "tanggal_lahir",
        "Tanggal lahir tidak terbaca",
        "Birth date cannot be read",
        "Tulis sebagai dd-mm-yyyy, mis. 17-08-1945.",
        "Write it as dd-mm-yyyy, e.g. 17-08-1945.",
        "31-02-1980",
    ),
    _s(
        "TGL_LAHIR_TERTUKAR",
        "warning",
        "tanggal_lahir",
        "Tanggal lahir ditulis bulan/hari (format Amerika); dibaca sebagai {detail}",
        "Birth date written month/day (US format); read as {detail}",
        "Periksa pengaturan wilayah Excel; tulis sebagai dd-mm-yyyy.",
        "Check Excel's regional setting; write dates as dd-mm-yyyy.",
        "12/25/1980",
    ),
    _s(
        "TGL_LAHIR_AMBIGU",
        "warning",
        "tanggal_lahir",
        "Tanggal lahir bisa dibaca hari/bulan atau bulan/hari (kolom ini memakai keduanya); "
        "dibaca sebagai {detail}",
        "Birth date can be read day/month or month/day (this column mixes both); read as {detail}",
        "Pastikan urutan hari dan bulan; tulis sebagai dd-mm-yyyy.",
        "Confirm the day/month order; write dates as dd-mm-yyyy.",
        "03/04/1980",
    ),
    _s(
        "TGL_LAHIR_MASA_DEPAN",
        "error",
        "tanggal_lahir",
        "Tanggal lahir setelah tanggal acuan ({detail})",
        "Birth date is after the reference date ({detail})",
        "Periksa tahun lahir.",
        "Check the year of birth.",
        "01-01-2090",
    ),
    _s(
        "TGL_LAHIR_TUA",
        "warning",
        "tanggal_lahir",
        "Umur lebih dari {detail} tahun pada tanggal acuan",
        "Age above {detail} years at the reference date",
        "Periksa tahun lahir; apakah orang ini masih hidup?",
        "Check the year of birth; is this person still alive?",
        "01-01-1890",
    ),
    _s(
        "TANGGAL_FORMAT",
        "warning",
        "tanggal_salur",
        "Tanggal tidak terbaca",
        "Date cannot be read",
        "Tulis sebagai dd-mm-yyyy.",
        "Write it as dd-mm-yyyy.",
        "32-13-2024",
    ),
    _s(
        "JK_TIDAK_DIKENAL",
        "error",
        "jenis_kelamin",
        "Jenis kelamin tidak dikenal",
        "Sex code not recognised",
        "Gunakan L/P, LK/PR, 1/2, LAKI-LAKI/PEREMPUAN atau PRIA/WANITA.",
        "Use L/P, LK/PR, 1/2, LAKI-LAKI/PEREMPUAN or PRIA/WANITA.",
        "X",
    ),
    _s(
        "NAMA_ANGKA",
        "warning",
        "nama",
        "Nama mengandung angka",
        "Name contains digits",
        "Periksa apakah kolom nama tertukar dengan kolom lain.",
        "Check whether the name column was mixed up with another column.",
        "SITI 2",
    ),
    _s(
        "NAMA_GELAR_SAJA",
        "warning",
        "nama",
        "Nama hanya berisi gelar atau sapaan",
        "Name is only a title or honorific",
        "Tulis nama lengkap sesuai KTP.",
        "Write the full name as on the ID card.",
        "IBU",
    ),
    _s(
        "NAMA_ALMARHUM",
        "warning",
        "nama",
        "Nama memuat tanda meninggal (ALM/ALMH)",
        "Name carries a deceased marker (ALM/ALMH)",
        "Periksa status meninggal; penerima yang meninggal harus dikeluarkan.",
        "Check the death status; deceased recipients must be removed.",
        "ALM. SUPARMAN",
    ),
    _s(
        "DESIL_RENTANG",
        "error",
        "desil",
        "Desil harus 1 sampai 10",
        "Decile must be 1 to 10",
        "Isi desil DTSEN 1-10 (boleh ditulis 'DESIL 3').",
        "Use the DTSEN decile 1-10 ('DESIL 3' is accepted).",
        "11",
    ),
    _s(
        "RT_RW_FORMAT",
        "warning",
        "rt/rw",
        "RT/RW bukan angka",
        "RT/RW is not a number",
        "Tulis RT/RW sebagai angka, mis. 003.",
        "Write RT/RW as a number, e.g. 003.",
        "RT TIGA",
    ),
    _s(
        "FLAG_FORMAT",
        "warning",
        "bansos_pkh",
        "Nilai bukan YA/TIDAK",
        "Value is not YES/NO (YA/TIDAK)",
        "Gunakan YA atau TIDAK.",
        "Use YA or TIDAK.",
        "MUNGKIN",
    ),
    _s(
        "WILAYAH_NAMA_BEDA",
        "warning",
        "kecamatan",
        "Nama wilayah tidak sesuai kode dalam NIK/KK ({detail})",
        "Region name does not match the code in the NIK/KK ({detail})",
        "Periksa nama wilayah atau NIK (orang pindah tetap memakai kode NIK lama).",
        "Check the region name or the NIK (people who moved keep their old NIK code).",
        "KECAMATAN Cibinong, NIK 3273...",
    ),
]

CATALOGUE: dict[str, FindingSpec] = {spec.code: spec for spec in _SPECS}
"""Finding code -> specification."""


def catalogue_frame(lang: str) -> pl.DataFrame:
    """``code``, ``severity``, message prefix/suffix around ``{detail}`` and ``hint``."""
    rows = []
    for spec in _SPECS:
        message = spec.message_id if lang == "id" else spec.message_en
        prefix, _, suffix = message.partition("{detail}")
        rows.append(
            {
                "code": spec.code,
                "severity": spec.severity,
                "_prefix": prefix,
                "_suffix": suffix,
                "_has_detail": "{detail}" in message,
                "hint": spec.hint_id if lang == "id" else spec.hint_en,
            }
        )
    return pl.DataFrame(rows)
