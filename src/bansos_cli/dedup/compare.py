"""Per-field agreement levels of candidate pairs (the comparison vector, gamma).

Every field gets an integer level per pair: ``-1`` when either side is missing (neutral
evidence), ``0`` for disagreement, higher for closer agreement. String similarities come from
rapidfuzz's batched ``process.cpdist`` over all pairs at once (element-wise, multi-threaded),
never a Python loop over pairs.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import distance, fuzz, process

from bansos_cli.core import names
from bansos_cli.dedup.levels import (
    ALAMAT,
    COMPARISONS,
    JENIS_KELAMIN,
    KODE_POS,
    NAMA,
    NAMA_IBU,
    NIK,
    NO_IDENTITAS,
    NO_KK,
    PEKERJAAN,
    TANGGAL_LAHIR,
    TEMPAT_LAHIR,
    WILAYAH,
    Comparison,
)

_COMPARED = [
    "nik", "kk", "name_key", "given_key", "name_info", "initials", "has_initial", "full_key",
    "tokens", "dob", "dob_default", "sex", "mother_key", "place_key", "kab_key", "kec_key",
    "desa_key", "job_key", "addr_key", "pos_key", "id_key",
]  # fmt: skip


IDENTITY_FIELDS = [
    "nik", "kk", "name_key", "dob", "sex", "mother_key", "place_key", "kab_key", "kec_key",
    "desa_key", "addr_key", "pos_key", "id_key",
]  # fmt: skip
"""Fields that must all be equal (blanks included) for two rows to be identical copies."""


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


def _level(
    comparison: Comparison, conditions: list[tuple[pl.Expr, str]], missing: pl.Expr
) -> pl.Expr:
    """``g_<comparison>``: the first level whose condition holds (closest first), -1 when a
    side is missing, else ``beda``."""
    expr: Any = pl.when(missing).then(pl.lit(-1, pl.Int8))
    for cond, level in conditions:
        expr = expr.when(cond).then(pl.lit(comparison.code(level), pl.Int8))
    return expr.otherwise(pl.lit(comparison.code("beda"), pl.Int8)).alias(comparison.column)


def _dates(both: pl.DataFrame) -> pl.Series:
    """OSA distance between the two birth dates written as ``yyyymmdd``."""
    (edit,) = _similarities(
        both["dob_l"].dt.strftime("%Y%m%d"), both["dob_r"].dt.strftime("%Y%m%d"), [_OSA]
    )
    return pl.Series("dob_edit", edit, dtype=pl.Int32)


_NEEDS: dict[str, tuple[str, ...]] = {
    NIK.name: ("nik",),
    NO_IDENTITAS.name: ("id_key",),
    NAMA.name: (
        "name_key", "given_key", "name_info", "initials", "has_initial", "full_key", "tokens",
    ),
    TANGGAL_LAHIR.name: ("dob", "dob_default"),
    JENIS_KELAMIN.name: ("sex",),
    NAMA_IBU.name: ("mother_key",),
    TEMPAT_LAHIR.name: ("place_key",),
    PEKERJAAN.name: ("job_key",),
    ALAMAT.name: ("addr_key",),
    KODE_POS.name: ("pos_key",),
    NO_KK.name: ("kk",),
    WILAYAH.name: ("kab_key", "kec_key", "desa_key"),
}  # fmt: skip
"""The prepared fields each comparison reads."""


def compare_pairs(
    prepared: pl.DataFrame,
    pairs: pl.DataFrame,
    *,
    name_info_min: float = 4.0,
    only: Collection[Comparison] | None = None,
) -> pl.DataFrame:
    """Levels (``g_<comparison>``, see :mod:`~bansos_cli.dedup.levels`) and similarities
    (``sim_nama``, ...) for each pair ``(i, j)``.

    ``only``: just these comparisons' levels (no similarities, no ``identik``), reading and
    scoring only the fields they need (the samples of :mod:`~bansos_cli.dedup.model`).
    """
    wanted = {spec.name for spec in only} if only is not None else set(_NEEDS)
    needed = {c for name in wanted for c in _NEEDS[name]}
    if only is None:
        needed |= set(IDENTITY_FIELDS)
    columns = [c for c in _COMPARED if c in prepared.columns and c in needed]
    fields = prepared.select(columns)
    left = fields[pairs["i"]]
    right = fields[pairs["j"]]
    both = left.rename({c: f"{c}_l" for c in columns}).hstack(
        right.rename({c: f"{c}_r" for c in columns})
    )
    c = pl.col
    sims: dict[str, np.ndarray] = {}
    if NAMA.name in wanted:
        sims["sim_nama"], sims["tsr_nama"], sims["edit_nama"] = _similarities(
            both["name_key_l"], both["name_key_r"], [_JW, _TOKEN_SET, _OSA]
        )
        # Only abbreviations need the comparison of full tokens (initials left out).
        maybe_initial = both.select(
            (c("has_initial_l") | c("has_initial_r")) & (c("initials_l") == c("initials_r"))
        ).to_series()
        (sims["tsr_penuh"],) = _similarities(
            both["full_key_l"], both["full_key_r"], [_TOKEN_SET], where=maybe_initial
        )
    if NAMA_IBU.name in wanted:
        (sims["sim_ibu"],) = _similarities(both["mother_key_l"], both["mother_key_r"], [_JW])
    if TEMPAT_LAHIR.name in wanted:
        (sims["sim_tempat"],) = _similarities(
            both["place_key_l"], both["place_key_r"], [_JW], distinct=True
        )
    if WILAYAH.name in wanted:
        (sims["sim_desa"],) = _similarities(
            both["desa_key_l"], both["desa_key_r"], [_JW], distinct=True
        )
    if NIK.name in wanted:
        (sims["nik_edit"],) = _similarities(both["nik_l"], both["nik_r"], [_OSA])
    if NO_IDENTITAS.name in wanted:
        (sims["id_edit"],) = _similarities(both["id_key_l"], both["id_key_r"], [_OSA])
    if KODE_POS.name in wanted:
        (sims["pos_edit"],) = _similarities(
            both["pos_key_l"], both["pos_key_r"], [_OSA], distinct=True
        )
    if ALAMAT.name in wanted:
        (sims["tsr_alamat"],) = _similarities(both["addr_key_l"], both["addr_key_r"], [_TOKEN_SET])
        # Jaro-Winkler decides a level only below a token-set ratio of 90 (see _levels).
        (sims["sim_alamat"],) = _similarities(
            both["addr_key_l"],
            both["addr_key_r"],
            [_JW],
            where=pl.Series(sims["tsr_alamat"] < 90),
        )
    edits = {"nik_edit", "id_edit", "pos_edit", "edit_nama"}
    both = both.hstack(
        [pl.Series(k, v, dtype=pl.Int32 if k in edits else pl.Float32) for k, v in sims.items()]
    )
    if TANGGAL_LAHIR.name in wanted:
        both = both.hstack([_dates(both)])
    return pairs.hstack(_levels(both, wanted, name_info_min, full=only is None))


def _levels(
    both: pl.DataFrame, wanted: set[str], name_info_min: float, *, full: bool
) -> pl.DataFrame:
    """The level columns of the ``wanted`` comparisons (and, when ``full``, the reported
    similarities and ``identik``) from the two sides' fields and similarities."""
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
    # A name variant the way officers write them (DOMAIN.md §6): one letter mistyped or two
    # swapped, or a token written as its initial (Y. SUPRIATNA / YAYAT SUPRIATNA: same
    # initials, and the full tokens of one side are among the other's).
    typo = c("edit_nama") == 1
    abbreviated = (
        (c("has_initial_l") | c("has_initial_r"))
        & (c("initials_l") == c("initials_r"))
        & (c("tsr_penuh") >= 100)
    )
    # One informative token in common (a replaced or missing other name part).
    token = pl.element()
    shared = (
        c("tokens_l")
        .list.set_intersection(c("tokens_r"))
        .list.eval(token.filter(token.is_in(low).not_() & (token.str.len_chars() > 1)))
        .list.len()
        > 0
    )
    min_info = pl.min_horizontal("name_info_l", "name_info_r")
    dob_l, dob_r = c("dob_l"), c("dob_r")
    same_day = (dob_l.dt.day() == dob_r.dt.day()) & (dob_l.dt.month() == dob_r.dt.month())
    swapped = (
        (dob_l.dt.day() == dob_r.dt.month())
        & (dob_l.dt.month() == dob_r.dt.day())
        & (dob_l.dt.year() == dob_r.dt.year())
    )
    no_region_l = c("kab_key_l").is_null() & c("kec_key_l").is_null() & c("desa_key_l").is_null()
    no_region_r = c("kab_key_r").is_null() & c("kec_key_r").is_null() & c("desa_key_r").is_null()
    above = region("kab_key") & region("kec_key")
    levels = [
        _level(
            NIK,
            [
                (same("nik"), "sama"),
                (c("nik_edit") == 1, "satu_digit"),
                (c("nik_l").str.slice(0, 6) == c("nik_r").str.slice(0, 6), "wilayah_sama"),
            ],
            missing("nik"),
        ),
        _level(
            NO_IDENTITAS,
            [
                (same("id_key"), "sama"),
                (c("id_edit") == 1, "satu_digit"),
                (c("id_edit") == 2, "mirip"),
            ],
            missing("id_key"),
        ),
        _level(
            NAMA,
            [
                (same("name_key"), "sama"),
                ((same("given_key") & given_informative) | (c("sim_nama") >= 0.95), "sangat_mirip"),
                (
                    ((c("tsr_nama") >= 100) & (min_info >= name_info_min))
                    | (c("sim_nama") >= 0.9)
                    | typo
                    | abbreviated,
                    "mirip",
                ),
                ((c("tsr_nama") >= 80) | (c("sim_nama") >= 0.8), "mirip_lemah"),
                (shared, "token_sama"),
            ],
            missing("name_key"),
        ),
        _level(
            TANGGAL_LAHIR,
            [
                (same("dob") & c("dob_default_l").not_(), "sama"),
                (same("dob"), "sama_tanggal_default"),
                (swapped | (c("dob_edit") == 1), "hampir_sama"),
                (same_day & ((dob_l.dt.year() - dob_r.dt.year()).abs() == 1), "tahun_beda_satu"),
                (c("dob_edit") == 2, "dua_digit"),
            ],
            missing("dob"),
        ),
        _level(JENIS_KELAMIN, [(same("sex"), "sama")], missing("sex")),
        _level(
            NAMA_IBU,
            [
                (same("mother_key") | (c("sim_ibu") >= 0.95), "sama"),
                (c("sim_ibu") >= 0.8, "mirip"),
            ],
            missing("mother_key"),
        ),
        _level(TEMPAT_LAHIR, [(c("sim_tempat") >= 0.9, "sama")], missing("place_key")),
        _level(PEKERJAAN, [(same("job_key"), "sama")], missing("job_key")),
        _level(
            ALAMAT,
            [
                (same("addr_key"), "sama"),
                ((c("tsr_alamat") >= 90) | (c("sim_alamat") >= 0.92), "mirip"),
                (c("tsr_alamat") >= 70, "mirip_lemah"),
            ],
            missing("addr_key"),
        ),
        _level(
            KODE_POS,
            [(same("pos_key"), "sama"), (c("pos_edit") == 1, "satu_digit")],
            missing("pos_key"),
        ),
        _level(NO_KK, [(same("kk"), "sama")], missing("kk")),
        _level(
            WILAYAH,
            [
                (above & same("desa_key"), "desa_sama"),
                (above & (c("sim_desa") >= 0.9), "desa_mirip"),
                (region("kab_key") & same("kec_key"), "kecamatan_sama"),
                (same("kab_key"), "kabupaten_sama"),
            ],
            no_region_l | no_region_r,
        ),
    ]
    # Expressions are only built above: just the wanted ones are evaluated.
    columns = {spec.column for spec in COMPARISONS if spec.name in wanted}
    exprs = [e for e in levels if e.meta.output_name() in columns]
    if full:
        exprs += [
            c("sim_nama").round(3),
            (c("tsr_nama") / 100).round(3).alias("tsr_nama"),
            # Every identity field the same, blanks included: a copied row (ganda identik).
            pl.all_horizontal(
                [c(f"{a}_l").eq_missing(c(f"{a}_r")) for a in IDENTITY_FIELDS]
                + [c("name_key_l").is_not_null()]
            ).alias("identik"),
        ]
    return both.select(exprs)
