"""The comparison registry: every compared field, its named levels and their priors.

A pair gets one level per comparison, stored as a small integer in ``g_<comparison>``:
``-1`` when either side is missing (neutral evidence), else the position of the level in
:attr:`Comparison.levels` (``0`` is always ``beda``, the last the closest agreement).
Nothing outside this module depends on those positions: code names a level
(``NAMA.code("mirip")``, ``NAMA.at_least("mirip")``) and the registry turns the name into
the number, so adding or reordering a level cannot silently change a rule.

The ``m``/``u`` values here are the *priors* of the model: ``u`` is re-estimated from random
pairs of every list and ``m`` by EM (:mod:`bansos_cli.dedup.model`); the priors weigh as a
few pseudo-pairs, so a small list falls back on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Level:
    """One level of a comparison: its name (written to ``level_<comparison>``) and priors."""

    name: str
    m: float
    """Prior share of true pairs at this level."""
    u: float
    """Prior share of pairs of different people at this level."""
    doc: str


@dataclass(frozen=True)
class Comparison:
    """One compared field and its levels, from ``beda`` (index 0) to the closest."""

    name: str
    levels: tuple[Level, ...]
    doc: str
    person: bool
    """Evidence about the person (counted to tell ``nik_sama`` from ``nik_bentrok``)."""
    max_weight: float | None = None
    """Cap on the weight of agreement (fields that family members share)."""
    scored: bool = True
    """False: compared and reported, but not part of the match score."""
    household: bool = False
    """Shared by the members of a household (address, village): between two rows of one KK
    its agreement is explained by the KK and weighs nothing."""

    @property
    def column(self) -> str:
        """The level column of a compared pair (``g_nama``)."""
        return f"g_{self.name}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    @property
    def top(self) -> str:
        """The closest level (exact agreement)."""
        return self.levels[-1].name

    def code(self, level: str) -> int:
        """The stored number of ``level``; an unknown name is a programming error."""
        try:
            return self.names.index(level)
        except ValueError:
            raise KeyError(f"comparison {self.name!r} has no level {level!r}") from None

    def is_(self, *levels: str) -> pl.Expr:
        """The pair is at one of ``levels``."""
        return pl.col(self.column).is_in([self.code(level) for level in levels])

    def at_least(self, level: str) -> pl.Expr:
        """The pair is at ``level`` or closer."""
        return pl.col(self.column) >= self.code(level)

    def not_below(self, level: str) -> pl.Expr:
        """At ``level`` or closer, or not compared (a missing side is no disagreement)."""
        return (pl.col(self.column) < 0) | self.at_least(level)

    def disagrees(self) -> pl.Expr:
        """Both sides present and different (level ``beda``)."""
        return pl.col(self.column) == 0


def _l(name: str, m: float, u: float, doc: str) -> Level:
    return Level(name, m, u, doc)


NIK = Comparison(
    "nik",
    (
        _l("beda", 0.2, 0.97, "different NIKs"),
        _l("wilayah_sama", 0.03, 0.03, "same region prefix (first 6 digits)"),
        # A NIK one digit off is common between different people born on the same day
        # (serials restart at 0001 per kecamatan and day): its u is measured there.
        _l("satu_digit", 0.1, 1e-5, "one digit different or two digits swapped"),
        _l("sama", 0.67, 1e-6, "same NIK"),
    ),
    "NIK (16 digits, structure known)",
    person=False,
)
NO_IDENTITAS = Comparison(
    "no_identitas",
    (
        _l("beda", 0.1, 0.999, "different identifiers"),
        _l("mirip", 0.05, 5e-4, "two edits apart"),
        _l("satu_digit", 0.15, 1e-4, "one character different or two swapped"),
        _l("sama", 0.7, 1e-5, "same identifier"),
    ),
    "any other identifier column (NO IDENTITAS: no NIK structure assumed)",
    person=False,
)
NAMA = Comparison(
    "nama",
    (
        _l("beda", 0.01, 0.93, "different names"),
        _l("token_sama", 0.04, 0.03, "an informative name token in common, another replaced"),
        _l("mirip_lemah", 0.05, 0.035, "token-set ratio >= 80 or Jaro-Winkler >= 0.8"),
        _l("mirip", 0.12, 0.004, "a typo, an initial, a dropped token, Jaro-Winkler >= 0.9"),
        _l("sangat_mirip", 0.18, 0.0008, "same given name, or Jaro-Winkler >= 0.95"),
        _l("sama", 0.6, 0.0002, "same name key (spelling classes, any token order)"),
    ),
    "name (DOMAIN.md §6 normalisation: titles, degrees, spelling classes, token order)",
    person=True,
)
TANGGAL_LAHIR = Comparison(
    "tanggal_lahir",
    (
        _l("beda", 0.02, 0.97, "different dates"),
        _l("tahun_beda_satu", 0.02, 0.002, "same day and month, year one apart"),
        _l("dua_digit", 0.02, 0.03, "two digits different"),
        _l("hampir_sama", 0.08, 0.008, "one digit different, or day and month swapped"),
        _l("sama_tanggal_default", 0.08, 0.0006, "same date, a default one (1 Jul, 31 Dec, 15th)"),
        _l("sama", 0.8, 0.0001, "same real date"),
    ),
    "birth date",
    person=True,
)
JENIS_KELAMIN = Comparison(
    "jenis_kelamin",
    (_l("beda", 0.03, 0.5, "different sex"), _l("sama", 0.97, 0.5, "same sex")),
    "sex",
    person=True,
)
NAMA_IBU = Comparison(
    "nama_ibu",
    (
        _l("beda", 0.1, 0.97, "different mothers' names"),
        _l("mirip", 0.1, 0.025, "Jaro-Winkler >= 0.8"),
        _l("sama", 0.8, 0.005, "same name key, or Jaro-Winkler >= 0.95"),
    ),
    "mother's name (nama ibu kandung)",
    person=True,
)
TEMPAT_LAHIR = Comparison(
    "tempat_lahir",
    (_l("beda", 0.15, 0.9, "different birthplaces"), _l("sama", 0.85, 0.1, "same birthplace")),
    "birthplace",
    person=True,
)
# Occupation: kept by most people listed again, but jobs change and are coded loosely
# (BURUH / BURUH HARIAN LEPAS). It depends on age and sex, so its u is measured between
# people born on the same day with the same sex.
PEKERJAAN = Comparison(
    "pekerjaan",
    (_l("beda", 0.25, 0.65, "different occupations"), _l("sama", 0.75, 0.35, "same occupation")),
    "occupation",
    person=True,
)
ALAMAT = Comparison(
    "alamat",
    (
        _l("beda", 0.2, 0.95, "different addresses"),
        _l("mirip_lemah", 0.15, 0.04, "token-set ratio >= 70"),
        _l("mirip", 0.25, 0.005, "token-set ratio >= 90 or Jaro-Winkler >= 0.92"),
        _l("sama", 0.4, 0.001, "same address (street, number, RT/RW, as written)"),
    ),
    "address (street, house number, RT/RW)",
    person=False,
    household=True,
)
KODE_POS = Comparison(
    "kode_pos",
    (
        _l("beda", 0.1, 0.98, "different postcodes"),
        _l("satu_digit", 0.1, 0.01, "one digit different or two swapped"),
        _l("sama", 0.8, 0.01, "same postcode"),
    ),
    "postcode",
    person=False,
    household=True,
)
# Family members share a KK number: evidence for families, not for one person.
NO_KK = Comparison(
    "no_kk",
    (_l("beda", 0.4, 0.999, "different KK numbers"), _l("sama", 0.6, 0.001, "same KK number")),
    "KK number (not scored: family members share it)",
    person=False,
    scored=False,
)
WILAYAH = Comparison(
    "wilayah",
    (
        _l("beda", 0.1, 0.6, "another regency (or another village where only villages are known)"),
        _l("kabupaten_sama", 0.3, 0.3, "same regency, another kecamatan"),
        _l("kecamatan_sama", 0.1, 0.08, "same kecamatan, another village"),
        _l("desa_mirip", 0.05, 0.005, "village names one typo apart, same kecamatan"),
        _l("desa_sama", 0.45, 0.015, "same village"),
    ),
    "region of residence (kabupaten, kecamatan, desa)",
    person=False,
    household=True,
)

COMPARISONS: tuple[Comparison, ...] = (
    NIK,
    NO_IDENTITAS,
    NAMA,
    TANGGAL_LAHIR,
    JENIS_KELAMIN,
    NAMA_IBU,
    TEMPAT_LAHIR,
    PEKERJAAN,
    ALAMAT,
    KODE_POS,
    NO_KK,
    WILAYAH,
)
"""Every comparison, in the order of the ``level_``/``weight_`` columns of ``pairs``."""
BY_NAME: dict[str, Comparison] = {c.name: c for c in COMPARISONS}


def comparison(name: str) -> Comparison:
    """The comparison called ``name``."""
    return BY_NAME[name]
