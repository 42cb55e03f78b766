"""What marks a line under (or between) the records as a note: a word that opens notes,
totals or a signature block, a place-and-date line, a sentence of instructions."""

from __future__ import annotations

import re

STRONG_MARK = re.compile(
    r"^(?:#|\*{2,}|={3,}|-{3,}|CATATAN\b|KETERANGAN\s*:|KET\s*:|N\.?\s?B\b|HALAMAN\b|PAGE\b|"
    r"JUMLAH\b|TOTAL\b|SUB\s*-?\s*TOTAL\b|GRAND\s+TOTAL\b)",
    re.IGNORECASE,
)
NOTE_MARK = re.compile(
    r"^(?:KETERANGAN\b|PERHATIAN\b|PETUNJUK\b|SUMBER\b|MENGETAHUI\b|DIKETAHUI\b|DISETUJUI\b|"
    r"MENYETUJUI\b|DIBUAT\b|DISAHKAN\b|YANG\s+MEMBUAT\b|KEPALA\b|KADES\b|LURAH\b|CAMAT\b|"
    r"SEKRETARIS\b|SEKDES\b|BENDAHARA\b|KETUA\b|PETUGAS\b|OPERATOR\b|PENDAMPING\b|TTD\b|"
    r"NIP\b|\(\s*\.{3,}|\.{4,}|\d{1,2}\s*[.)]\s+\S+\s+\S+|\(\s*[A-Z][A-Za-z .,']+\s*\)$)",
    re.IGNORECASE,
)
# "Cibinong, 1 Juli 2026": the place and date line of a signature block
DATE_LINE = re.compile(r"^[^\d,]{2,40},\s*(?:\d{1,2}\s+\S+|\.{2,}|_{2,})\s+\d{4}\s*$")


def prose(text: str) -> bool:
    """A sentence of instructions, not a cell of a record."""
    words = text.split()
    if len(words) >= 12:
        return True
    letters = [c for c in text if c.isalpha()]
    lower = sum(1 for c in letters if c.islower())
    return len(words) >= 5 and lower * 2 >= len(letters)


def marked(first: str) -> bool:
    return bool(STRONG_MARK.match(first) or NOTE_MARK.match(first) or DATE_LINE.match(first))
