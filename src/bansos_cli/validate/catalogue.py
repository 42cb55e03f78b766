"""The registry of finding codes: each code's severity, column and an example.

Codes are stable: scripts and spreadsheets filter on them. Their texts (message and fix hint,
in Bahasa Indonesia and English) are in the message catalogue, ``data/messages/findings.yaml``
(see :mod:`bansos_cli.core.messages`). A message may contain ``{detail}``, filled per finding
(e.g. the successor of a retired region code, or the other rows of a duplicate NIK).
docs/validation.md lists the same table; a test keeps them in sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from bansos_cli.core import messages

SEVERITIES = ("error", "warning", "info")
MEANING_PREFIX = "MEANING_"
"""``MEANING_<CODE>`` (labels.yaml): the general meaning of a code whose message has a
``{detail}`` filled per finding."""
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class FindingSpec:
    """One finding code."""

    code: str
    severity: str
    column: str
    """The canonical column the finding points at."""
    example: str
    """A value that triggers the finding (for the documentation)."""

    def message(self, lang: str) -> str:
        """The message template in ``lang``, ``{detail}`` unfilled (from the catalogue)."""
        return messages.message(self.code).texts[lang]

    def meaning(self, lang: str) -> str:
        """What the code means in general, in ``lang``: the message itself, or for a message
        filled per finding its ``MEANING_<CODE>`` text (a summary never shows a hole)."""
        general = MEANING_PREFIX + self.code
        if general in messages.catalogue():
            return messages.text(general, lang)
        return messages.text(self.code, lang)

    def hint(self, lang: str) -> str:
        """How to fix it, in ``lang`` (from the catalogue)."""
        return messages.hint(self.code, lang) or ""

    @property
    def message_id(self) -> str:
        """:meth:`message` in Bahasa Indonesia."""
        return self.message("id")

    @property
    def message_en(self) -> str:
        """:meth:`message` in English."""
        return self.message("en")

    @property
    def hint_id(self) -> str:
        """:meth:`hint` in Bahasa Indonesia."""
        return self.hint("id")

    @property
    def hint_en(self) -> str:
        """:meth:`hint` in English."""
        return self.hint("en")


_SPECS = [
    # -- required values ---------------------------------------------------------------------
    FindingSpec("WAJIB_KOSONG", "error", "nik/nama", "(kosong)"),
    # -- NIK ---------------------------------------------------------------------------------
    FindingSpec("NIK_NOTASI_ILMIAH", "error", "nik", "3,20101E+15"),
    FindingSpec("NIK_ANGKA_EXCEL", "error", "nik", "3201010101800001.0"),
    FindingSpec("NIK_ANGKA_NOL", "warning", "nik", "3201010101800010 (sel angka)"),
    FindingSpec("NIK_KARAKTER", "error", "nik", "32010101O1800001"),
    FindingSpec("NIK_PANJANG", "error", "nik", "320101010180001"),
    FindingSpec("NIK_DINORMALISASI", "info", "nik", "3201 0101 0180 0001"),
    FindingSpec("NIK_PROVINSI", "error", "nik", "0001010101800001"),
    FindingSpec("NIK_WILAYAH_00", "error", "nik", "3200010101800001"),
    FindingSpec("NIK_WILAYAH_LAMA", "info", "nik", "9101010101800001"),
    FindingSpec("NIK_WILAYAH_TIDAK_DIKENAL", "warning", "nik", "3201990101800001"),
    FindingSpec("NIK_TANGGAL", "error", "nik", "3201013502800001"),
    FindingSpec("NIK_SERIAL_0000", "error", "nik", "3201010101800000"),
    FindingSpec("NIK_JK_BEDA", "warning", "jenis_kelamin", "NIK 3201014101800001, JK L"),
    FindingSpec(
        "NIK_TGL_LAHIR_BEDA", "warning", "tanggal_lahir", "NIK ...020380..., TGL LAHIR 03-02-1980"
    ),
    FindingSpec(
        "NIK_TGL_LAHIR_BAKU", "info", "tanggal_lahir", "NIK ...010780..., TGL LAHIR 12-03-1980"
    ),
    FindingSpec("NIK_SAMA_KK", "warning", "nik", "NIK = NO KK = 3201010101800001"),
    FindingSpec("NIK_GANDA", "warning", "nik", "baris 5, 9"),
    # -- KK ----------------------------------------------------------------------------------
    FindingSpec("KK_KOSONG", "warning", "no_kk", "(kosong)"),
    FindingSpec("KK_NOTASI_ILMIAH", "error", "no_kk", "3,20101E+15"),
    FindingSpec("KK_ANGKA_EXCEL", "error", "no_kk", "3201012001150003.0"),
    FindingSpec("KK_ANGKA_NOL", "warning", "no_kk", "3201012001150010 (sel angka)"),
    FindingSpec("KK_KARAKTER", "error", "no_kk", "32010120O1150003"),
    FindingSpec("KK_PANJANG", "error", "no_kk", "320101200115003"),
    FindingSpec("KK_DINORMALISASI", "info", "no_kk", "3201-0120-0115-0003"),
    FindingSpec("KK_PROVINSI", "error", "no_kk", "0001012001150003"),
    FindingSpec("KK_WILAYAH_00", "error", "no_kk", "3200002001150003"),
    FindingSpec("KK_WILAYAH_LAMA", "info", "no_kk", "9101012001150003"),
    FindingSpec("KK_WILAYAH_TIDAK_DIKENAL", "warning", "no_kk", "3201992001150003"),
    FindingSpec("KK_TANGGAL", "warning", "no_kk", "3201013513150003"),
    FindingSpec("KK_SERIAL_0000", "warning", "no_kk", "3201012001150000"),
    # -- birth date and other typed columns -----------------------------------------------------
    FindingSpec("TGL_LAHIR_FORMAT", "error", "tanggal_lahir", "31-02-1980"),
    FindingSpec("TGL_LAHIR_TERTUKAR", "warning", "tanggal_lahir", "12/25/1980"),
    FindingSpec("TGL_LAHIR_AMBIGU", "warning", "tanggal_lahir", "03/04/1980"),
    FindingSpec("TGL_LAHIR_SERIAL", "warning", "tanggal_lahir", "22647"),
    FindingSpec("TGL_LAHIR_MASA_DEPAN", "error", "tanggal_lahir", "01-01-2090"),
    FindingSpec("TGL_LAHIR_TUA", "warning", "tanggal_lahir", "01-01-1890"),
    FindingSpec("TANGGAL_FORMAT", "warning", "tanggal_salur", "32-13-2024"),
    FindingSpec("TANGGAL_SERIAL", "warning", "tanggal_salur", "45474"),
    FindingSpec("JK_TIDAK_DIKENAL", "error", "jenis_kelamin", "X"),
    FindingSpec("NAMA_ANGKA", "warning", "nama", "SITI 2"),
    FindingSpec("NAMA_GELAR_SAJA", "warning", "nama", "IBU"),
    FindingSpec("NAMA_ALMARHUM", "warning", "nama", "ALM. SUPARMAN"),
    FindingSpec("STATUS_MENINGGAL", "warning", "status_dasar", "MATI"),
    FindingSpec("DESIL_RENTANG", "error", "desil", "11"),
    FindingSpec("RT_RW_FORMAT", "warning", "rt/rw", "RT TIGA"),
    FindingSpec("FLAG_FORMAT", "warning", "bansos_pkh", "MUNGKIN"),
    FindingSpec("WILAYAH_NAMA_BEDA", "warning", "kecamatan", "KECAMATAN Cibinong, NIK 3273..."),
]

CATALOGUE: dict[str, FindingSpec] = {spec.code: spec for spec in _SPECS}
"""Finding code -> specification."""


_DETAIL = "\x00"
"""Stands for ``{detail}`` while a message is rendered, to split it into prefix and suffix."""


def catalogue_frame(lang: str) -> pl.DataFrame:
    """``code``, ``severity``, message prefix/suffix around ``{detail}`` and ``hint``.

    Findings get their message by a join on ``code`` and one string concatenation, so the
    catalogue is rendered once per code here, not once per finding.
    """
    rows = []
    for spec in _SPECS:
        message = messages.text(spec.code, lang, detail=_DETAIL)
        prefix, _, suffix = message.partition(_DETAIL)
        rows.append(
            {
                "code": spec.code,
                "severity": spec.severity,
                "_prefix": prefix,
                "_suffix": suffix,
                "_has_detail": _DETAIL in message,
                "hint": spec.hint(lang),
            }
        )
    return pl.DataFrame(rows)
