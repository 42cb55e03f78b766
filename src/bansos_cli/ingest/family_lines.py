"""What a family or section line of a population book says: ``label : value`` segments.

A family book (Buku Induk Penduduk) writes each family's NO KK, address, dusun and RT/RW on
a line above its members (``No. KK : 5202...``, ``Alamat : X, Nama Dusun : Y, RT/RW : 1/2``,
``DUSUN X, RT:001, RW:001, Kodepos:...``, ``DESA X RT/RW : 002/000 DUSUN : -``); a village
list cut into sections writes ``DUSUN KRAJAN`` or ``RT 001 / RW 002`` above each section.
The labels are the header synonyms of :mod:`bansos_cli.core.columns`, so a line is read with
the same vocabulary as a header.
"""

from __future__ import annotations

import re

from bansos_cli.core.columns import SYNONYMS, canonical_for, header_key

LEVELS: tuple[str, ...] = (
    "provinsi",
    "kabupaten",
    "kecamatan",
    "desa",
    "dusun",
    "rw",
    "rt",
    "no_kk",
    "alamat",
)
"""Columns a family or section line carries, from the widest area to the family itself.
A line that sets one level clears the narrower ones set by the lines above it (a new dusun
has new RTs; a new family has its own NO KK and address)."""

_NO_LABELS = ("KODE POS", "KODEPOS", "NAMA KK", "NAMA KEPALA KELUARGA", "KEPALA KELUARGA")
"""Labels of family-line values that are not given to the members (the post code, the head
of the family's name: each member has a name of their own)."""


def _label_pattern(text: str) -> str:
    words = [w for w in re.split(r"[\s_.]+", text) if w]
    parts = [r"\s*/\s*".join(re.escape(p) for p in word.split("/")) for word in words]
    return r"[\s._]*".join(parts)


def _label_regex() -> re.Pattern[str]:
    labels = {s for c in (*LEVELS, "rt_rw") for s in (c.replace("_", " "), *SYNONYMS[c])}
    labels.update(_NO_LABELS)
    # longest first, so that RT/RW wins over RT and NAMA DUSUN over DUSUN
    alternation = "|".join(_label_pattern(s) for s in sorted(labels, key=lambda s: (-len(s), s)))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<label>{alternation})(?![A-Za-z0-9])\s*(?P<colon>[:=])?",
        re.IGNORECASE,
    )


LABEL = _label_regex()
KK_LABEL = re.compile(
    r"(?<![A-Za-z0-9])(?:NO|NOMOR|NMR)?[\s._]*(?:KK|KARTU[\s._]*KELUARGA)\s*[:=]", re.IGNORECASE
)
SEPARATORS = re.compile(r"[\s.\-'`]")
_RT_RW = re.compile(r"^\s*([^/\s]+)\s*/\s*([^/\s]+)\s*$")


def has_value(text: str) -> bool:
    """``-`` (or ``-/-``) in a family line means "none": nothing to give the members."""
    return bool(text.strip(" -/"))


def parse_labelled(text: str) -> tuple[str, list[tuple[str | None, str]]]:
    """The text before the first label, and every ``(canonical column, value)`` of a family
    or section line cell: ``Alamat : X, Nama Dusun : Y, RT/RW : -/-``, ``No. KK : 5202...``,
    ``DESA X RT/RW : 002/000 DUSUN : -``, ``DUSUN X, RT:001, RW:001``, ``RT 001 / RW 002``.

    A label followed by ``:`` counts anywhere; a bare label only at the start of the text or
    after ``,`` ``;`` ``/`` ``|``. Labels of values that belong to nobody (``Kodepos``) give
    ``None``; ``RT/RW`` is split into ``rt`` and ``rw``.
    """
    found = []
    for match in LABEL.finditer(text):
        before = text[: match.start()].rstrip()
        if match.group("colon") or not before or before[-1] in ",;/|":
            found.append(match)
    lead = text[: found[0].start()] if found else text
    pairs: list[tuple[str | None, str]] = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[match.end() : end].strip(" \t,;|/")
        name = canonical_for(match.group("label"))
        if name == "rt_rw":
            parts = _RT_RW.match(value)
            if parts:
                pairs += [("rt", parts.group(1)), ("rw", parts.group(2))]
            else:
                pairs.append(("rt", value))
            continue
        pairs.append((name if name in LEVELS else None, value))
    return lead.strip(" \t,;|"), pairs


# the same tests as polars (Rust) regular expressions over a row's cells joined with \x1f


def _kk_word(key: str) -> str:
    """A cell that folds to ``key`` (``NO.KK``, ``No KK``, ``NOKK``), between separators."""
    gap = r"[^0-9A-Za-z\x1f]*"
    return gap + gap.join(re.escape(ch) for ch in key) + gap


KK_CELL = (
    r"(?i)(?:^|\x1f)(?:"
    + "|".join(
        _kk_word(k) for k in sorted({header_key(s) for s in ("no_kk", *SYNONYMS["no_kk"])} - {""})
    )
    + r")(?:\x1f|$)"
)
KK_LABELLED = r"(?i)(?:KK|KARTU[\s._]*KELUARGA)\s*[:=]"
FIRST_ID = r"^'?[0-9][0-9 .\-']{14,30}$"
_NUMBER_CELL = r"\s*(?:[\(\[]?\s*-?\s*\d{1,3}\s*[\)\]]?\.?|KOLOM\.?|KOL\.?)?\s*"
NUMBERS_ONLY = rf"(?i)^{_NUMBER_CELL}(?:\x1f{_NUMBER_CELL})*$"
