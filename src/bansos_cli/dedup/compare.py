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
    # Occupation: kept by most people listed again, but jobs change and are coded loosely
    # (BURUH / BURUH HARIAN LEPAS): m is set well below 1. It depends on age and sex, so
    # its u is measured between people born on the same day with the same sex.
    FieldSpec("pekerjaan", ("beda", "sama"), (0.25, 0.75), (0.65, 0.35), person=True),
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
    "nik", "kk", "name_key", "given_key", "name_info", "initials", "has_initial", "full_key",
    "dob", "dob_default", "sex", "mother_key", "place_key", "kab_key", "kec_key", "desa_key",
    "job_key",
]  # fmt: skip


_IDENTITY = [
    "nik", "kk", "name_key", "dob", "sex", "mother_key", "place_key", "kab_key", "kec_key",
    "desa_key",
]  # fmt: skip


Scorer = tuple[Any, float, float]
"""A rapidfuzz scorer, its value for two equal strings, and its value for a missing side."""
_JW: Scorer = (distance.JaroWinkler.normalized_similarity, 1.0, 0.0)
_TOKEN_SET: Scorer = (fuzz.token_set_ratio, 100.0, 0.0)
_OSA: Scorer = (distance.OSA.distance, 0.0, 99.0)


def _similarities(
    left: pl.Series,
    right: pl.Series,
    scorers: list[Scorer],
    *,
    where: pl.Series | None = None,
    distinct: bool = False,
) -> list[np.ndarray]:
    """Element-wise scores of ``left[k]`` against ``right[k]``, one array per scorer.

    rapidfuzz's ``process.cpdist`` runs once per scorer, over the pairs that need it only:
    both sides present and different (and ``where``, when given). ``distinct``: score each
    distinct pair of values once (for fields with few values, like birthplaces).
    """
    same = left.eq_missing(right).fill_null(False) & left.is_not_null()
    todo = (left.is_not_null() & right.is_not_null() & same.not_()).fill_null(False)
    if where is not None:
        todo = todo & where.fill_null(False)
    idx = np.flatnonzero(todo.to_numpy())
    same_np = same.to_numpy()
    outs = [np.where(same_np, eq, none).astype(np.float32) for _, eq, none in scorers]
    if idx.size == 0:
        return outs
    pairs = pl.DataFrame({"l": left.gather(idx), "r": right.gather(idx)})
    work = pairs.unique(maintain_order=True) if distinct else pairs
    a, b = work["l"].to_list(), work["r"].to_list()
    values = [process.cpdist(a, b, scorer=scorer, workers=-1) for scorer, _, _ in scorers]
    if distinct:
        scored = work.with_columns(
            pl.Series(f"s{k}", v, dtype=pl.Float32) for k, v in enumerate(values)
        )
        joined = pairs.join(scored, on=["l", "r"], how="left", maintain_order="left")
        values = [joined[f"s{k}"].to_numpy() for k in range(len(scorers))]
    for out, value in zip(outs, values, strict=True):
        out[idx] = value
    return outs


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
    c = pl.col
    sim_nama, tsr_nama, edit_nama = _similarities(
        both["name_key_l"], both["name_key_r"], [_JW, _TOKEN_SET, _OSA]
    )
    # Only abbreviations need the comparison of full tokens (initials left out).
    maybe_initial = both.select(
        (c("has_initial_l") | c("has_initial_r")) & (c("initials_l") == c("initials_r"))
    ).to_series()
    (tsr_penuh,) = _similarities(
        both["full_key_l"], both["full_key_r"], [_TOKEN_SET], where=maybe_initial
    )
    (sim_ibu,) = _similarities(both["mother_key_l"], both["mother_key_r"], [_JW])
    (sim_tempat,) = _similarities(both["place_key_l"], both["place_key_r"], [_JW], distinct=True)
    (nik_edit,) = _similarities(both["nik_l"], both["nik_r"], [_OSA])
    (dob_edit,) = _similarities(
        both["dob_l"].dt.strftime("%Y%m%d"), both["dob_r"].dt.strftime("%Y%m%d"), [_OSA]
    )
    sims = pl.DataFrame(
        {
            "sim_nama": sim_nama,
            "tsr_nama": tsr_nama,
            "edit_nama": edit_nama,
            "tsr_penuh": tsr_penuh,
            "sim_ibu": sim_ibu,
            "sim_tempat": sim_tempat,
            "nik_edit": nik_edit,
            "dob_edit": dob_edit,
        },
        schema_overrides={"nik_edit": pl.Int32, "dob_edit": pl.Int32, "edit_nama": pl.Int32},
    )
    both = both.hstack(sims)
    low = list(names.low_information_tokens())

    def missing(a: str) -> pl.Expr:
        return c(f"{a}_l").is_null() | c(f"{a}_r").is_null()

    def same(a: str) -> pl.Expr:
        return c(f"{a}_l") == c(f"{a}_r")

    def region(a: str) -> pl.Expr:
        # Both empty counts as agreement: a list without KABUPATEN still compares KECAMATAN.
        return c(f"{a}_l").eq_missing(c(f"{a}_r"))

    given_informative = c("given_key_l").str.contains(" ") | c("given_key_l").is_in(low).not_()
    # A name variant the way officers write them (DOMAIN.md §6): one letter mistyped or two
    # swapped, or a token written as its initial (Y. SUPRIATNA / YAYAT SUPRIATNA: same
    # initials, and the full tokens of one side are among the other's).
    typo = c("edit_nama") == 1
    abbreviated = (
        (c("has_initial_l") | c("has_initial_r"))
        & (c("initials_l") == c("initials_r"))
        & (c("tsr_penuh") >= 100)
    )
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
                    ((c("tsr_nama") >= 100) & (min_info >= name_info_min))
                    | (c("sim_nama") >= 0.9)
                    | typo
                    | abbreviated,
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
        _level([(same("job_key"), 1)], missing("job_key")).alias("g_pekerjaan"),
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
        c("place_key_l"),
        # Every identity field the same, blanks included: a copied row (ganda identik).
        pl.all_horizontal(
            [c(f"{a}_l").eq_missing(c(f"{a}_r")) for a in _IDENTITY]
            + [c("name_key_l").is_not_null()]
        ).alias("identik"),
    )
    return pairs.hstack(levels)
