"""Per-field agreement levels of candidate pairs (the comparison vector, gamma).

Every field gets an integer level per pair: ``-1`` when either side is missing (neutral
evidence), ``0`` for disagreement, higher for closer agreement. String similarities come from
rapidfuzz's batched ``process.cpdist`` over all pairs at once (element-wise, multi-threaded),
never a Python loop over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import distance, fuzz, process

from bansos_cli.core import names


@dataclass(frozen=True)
class FieldSpec:
    """One compared field: its levels (index = level) and default m/u priors."""

    name: str
    levels: tuple[str, ...]
    m_prior: tuple[float, ...]
    u_prior: tuple[float, ...]
    person: bool
    """Evidence about the person (used to tell nik_sama from nik_bentrok)."""
    max_weight: float | None = None
    """Cap on the weight of agreement (fields that family members share)."""
    scored: bool = True
    """False: compared and reported, but not part of the match score."""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "nik",
        ("beda", "wilayah_sama", "satu_digit", "sama"),
        # A NIK one digit off is common between different people born on the same day
        # (serials restart at 0001 per kecamatan and day): its u is measured there.
        (0.2, 0.03, 0.1, 0.67),
        (0.97, 0.03, 1e-5, 1e-6),
        person=False,
    ),
    FieldSpec(
        "nama",
        ("beda", "mirip_lemah", "mirip", "sangat_mirip", "sama"),
        (0.01, 0.05, 0.14, 0.2, 0.6),
        (0.95, 0.045, 0.004, 0.0008, 0.0002),
        person=True,
    ),
    FieldSpec(
        "tanggal_lahir",
        ("beda", "tahun_dekat", "hampir_sama", "sama_tanggal_default", "sama"),
        # Another date in the same or next year is not a typo: as good as another date.
        (0.01, 0.01, 0.08, 0.1, 0.8),
        (0.9, 0.09, 0.008, 0.0006, 0.0001),
        person=True,
    ),
    FieldSpec("jenis_kelamin", ("beda", "sama"), (0.03, 0.97), (0.5, 0.5), person=True),
    FieldSpec(
        "nama_ibu", ("beda", "mirip", "sama"), (0.1, 0.1, 0.8), (0.97, 0.025, 0.005), person=True
    ),
    FieldSpec("tempat_lahir", ("beda", "sama"), (0.15, 0.85), (0.9, 0.1), person=True),
    # Family members share a KK number: evidence for families, not for one person.
    FieldSpec("no_kk", ("beda", "sama"), (0.4, 0.6), (0.999, 0.001), person=False, scored=False),
    FieldSpec(
        "wilayah",
        ("beda", "kabupaten_sama", "kecamatan_sama", "desa_sama"),
        # Listed again after a move is the costly case: another kecamatan must not weigh
        # much against a match.
        (0.1, 0.3, 0.1, 0.5),
        (0.6, 0.3, 0.08, 0.02),
        person=False,
        max_weight=1.5,
    ),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)

_COMPARED = [
    "nik", "kk", "name_key", "given_key", "name_info", "dob", "dob_default", "sex",
    "mother_key", "place_key", "kab_key", "kec_key", "desa_key",
]  # fmt: skip


_IDENTITY = [
    "nik", "kk", "name_key", "dob", "sex", "mother_key", "place_key", "kab_key", "kec_key",
    "desa_key",
]  # fmt: skip


def _cpdist(left: pl.Series, right: pl.Series, scorer: Any) -> np.ndarray:
    """Element-wise similarity of two string series (nulls compared as empty strings)."""
    if left.len() == 0:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(
        left.fill_null("").to_list(),
        right.fill_null("").to_list(),
        scorer=scorer,
        workers=-1,
    )


def _level(conditions: list[tuple[pl.Expr, int]], missing: pl.Expr) -> pl.Expr:
    expr: Any = pl.when(missing).then(pl.lit(-1, pl.Int8))
    for cond, value in conditions:
        expr = expr.when(cond).then(pl.lit(value, pl.Int8))
    return expr.otherwise(pl.lit(0, pl.Int8))


def compare_pairs(
    prepared: pl.DataFrame, pairs: pl.DataFrame, *, name_info_min: float = 4.0
) -> pl.DataFrame:
    """Levels (``g_<field>``) and similarities (``sim_nama``, ...) for each pair ``(i, j)``."""
    left = prepared.select(_COMPARED)[pairs["i"]]
    right = prepared.select(_COMPARED)[pairs["j"]]
    both = left.rename({c: f"{c}_l" for c in _COMPARED}).hstack(
        right.rename({c: f"{c}_r" for c in _COMPARED})
    )
    jw = distance.JaroWinkler.normalized_similarity
    sims = pl.DataFrame(
        {
            "sim_nama": _cpdist(both["name_key_l"], both["name_key_r"], jw),
            "tsr_nama": _cpdist(both["name_key_l"], both["name_key_r"], fuzz.token_set_ratio),
            "sim_ibu": _cpdist(both["mother_key_l"], both["mother_key_r"], jw),
            "sim_tempat": _cpdist(both["place_key_l"], both["place_key_r"], jw),
            "nik_edit": _cpdist(both["nik_l"], both["nik_r"], distance.OSA.distance),
            "dob_edit": _cpdist(
                both["dob_l"].dt.strftime("%Y%m%d"),
                both["dob_r"].dt.strftime("%Y%m%d"),
                distance.OSA.distance,
            ),
        },
        schema_overrides={"nik_edit": pl.Int32, "dob_edit": pl.Int32},
    )
    both = both.hstack(sims)
    c = pl.col
    low = list(names.low_information_tokens())

    def missing(a: str) -> pl.Expr:
        return c(f"{a}_l").is_null() | c(f"{a}_r").is_null()

    def same(a: str) -> pl.Expr:
        return c(f"{a}_l") == c(f"{a}_r")

    def region(a: str) -> pl.Expr:
        # Both empty counts as agreement: a list without KABUPATEN still compares KECAMATAN.
        return c(f"{a}_l").eq_missing(c(f"{a}_r"))

    given_informative = c("given_key_l").str.contains(" ") | c("given_key_l").is_in(low).not_()
    min_info = pl.min_horizontal("name_info_l", "name_info_r")
    dob_l, dob_r = c("dob_l"), c("dob_r")
    swapped = (
        (dob_l.dt.day() == dob_r.dt.month())
        & (dob_l.dt.month() == dob_r.dt.day())
        & (dob_l.dt.year() == dob_r.dt.year())
    )
    levels = both.select(
        _level(
            [
                (same("nik"), 3),
                (c("nik_edit") == 1, 2),
                (c("nik_l").str.slice(0, 6) == c("nik_r").str.slice(0, 6), 1),
            ],
            missing("nik"),
        ).alias("g_nik"),
        _level(
            [
                (same("name_key"), 4),
                ((same("given_key") & given_informative) | (c("sim_nama") >= 0.95), 3),
                (
                    ((c("tsr_nama") >= 100) & (min_info >= name_info_min)) | (c("sim_nama") >= 0.9),
                    2,
                ),
                ((c("tsr_nama") >= 80) | (c("sim_nama") >= 0.8), 1),
            ],
            missing("name_key"),
        ).alias("g_nama"),
        _level(
            [
                (same("dob") & c("dob_default_l").not_(), 4),
                (same("dob"), 3),
                (swapped | (c("dob_edit") == 1), 2),
                ((dob_l.dt.year() - dob_r.dt.year()).abs() <= 1, 1),
            ],
            missing("dob"),
        ).alias("g_tanggal_lahir"),
        _level([(same("sex"), 1)], missing("sex")).alias("g_jenis_kelamin"),
        _level(
            [(same("mother_key") | (c("sim_ibu") >= 0.95), 2), (c("sim_ibu") >= 0.8, 1)],
            missing("mother_key"),
        ).alias("g_nama_ibu"),
        _level([(c("sim_tempat") >= 0.9, 1)], missing("place_key")).alias("g_tempat_lahir"),
        _level([(same("kk"), 1)], missing("kk")).alias("g_no_kk"),
        _level(
            [
                (region("kab_key") & region("kec_key") & region("desa_key"), 3),
                (region("kab_key") & region("kec_key"), 2),
                (region("kab_key"), 1),
            ],
            missing("kab_key") & missing("kec_key"),
        ).alias("g_wilayah"),
        c("sim_nama").round(3),
        (c("tsr_nama") / 100).round(3).alias("tsr_nama"),
        c("name_key_l"),
        c("dob_l"),
        c("mother_key_l"),
        # Every identity field the same, blanks included: a copied row (ganda identik).
        pl.all_horizontal(
            [c(f"{a}_l").eq_missing(c(f"{a}_r")) for a in _IDENTITY]
            + [c("name_key_l").is_not_null()]
        ).alias("identik"),
    )
    return pairs.hstack(levels)
