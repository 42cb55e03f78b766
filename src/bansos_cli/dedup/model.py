"""A Fellegi-Sunter match model: u from random pairs, m and the prior by EM, term frequencies.

* ``u`` (how often a level occurs between two *different* people) is counted on random pairs
  of records, as Splink does; almost all random pairs are non-matches. NIK levels are
  counted among people born on the same day (the NIK spells out the birth date), the
  occupation among people of the same sex born on the same day.
* ``m`` (how often a level occurs between two rows of one person) and the prior
  (probability that two random records are the same person) are estimated by EM over the
  candidate pairs, the prior as a share of *all* pairs of the list (see :func:`fit`).
* Term frequency: an exact agreement on a common name key, mother's name or birth date
  weighs less than on a rare one (``log2(m / frequency)`` instead of ``log2(m / u)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bansos_cli.dedup.compare import compare_pairs
from bansos_cli.dedup.levels import (
    COMPARISONS,
    NAMA,
    NAMA_IBU,
    NIK,
    NO_KK,
    PEKERJAAN,
    TANGGAL_LAHIR,
    TEMPAT_LAHIR,
    Comparison,
)

U_PSEUDO_COUNT = 1000.0
"""Pseudo-count for u: a small list says little about chance agreement; priors dominate."""
MIN_EM_PAIRS = 1000
"""Below this many candidate pairs EM is not trusted: the documented priors are used."""
MAX_PRIOR = 0.3
TF_PSEUDO_ROWS = 50.0
"""Value frequencies are smoothed as if this many more records had the average frequency
(a value seen twice in a list of ten is not proven rare)."""


@dataclass
class FittedModel:
    """Estimated parameters, per field: m and u per level, and the prior match share."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    iterations: int
    converged: bool
    notes: list[str] = field(default_factory=list)

    def weights(self, spec: Comparison) -> np.ndarray:
        """log2(m/u) per level of one field (0 for unscored fields, capped where asked)."""
        return _level_weights(spec, np.asarray(self.m[spec.name]), np.asarray(self.u[spec.name]))

    def as_dict(self) -> dict[str, object]:
        return {
            "prior": self.prior,
            "iterations": self.iterations,
            "converged": self.converged,
            "notes": list(self.notes),
            "fields": {
                spec.name: {
                    level: {
                        "m": round(self.m[spec.name][k], 6),
                        "u": round(self.u[spec.name][k], 8),
                        "weight": round(float(self.weights(spec)[k]), 3),
                    }
                    for k, level in enumerate(spec.names)
                }
                for spec in COMPARISONS
            },
        }


def _level_weights(spec: Comparison, m: np.ndarray, u: np.ndarray) -> np.ndarray:
    w = np.log2(np.maximum(m, 1e-12) / np.maximum(u, 1e-12))
    if not spec.scored:
        return np.zeros_like(w)
    if spec.max_weight is not None:
        w = np.minimum(w, spec.max_weight)
    return w


def _m_prior(spec: Comparison) -> np.ndarray:
    return np.asarray([level.m for level in spec.levels], dtype=float)


def _u_prior(spec: Comparison) -> np.ndarray:
    return np.asarray([level.u for level in spec.levels], dtype=float)


def _smoothed(counts: np.ndarray, prior: np.ndarray, pseudo: float) -> np.ndarray:
    total = counts.sum()
    return (counts + pseudo * prior) / (total + pseudo)


_CONTENT = (
    "nik", "kk", "name_key", "dob", "sex", "mother_key", "place_key", "kab_key", "kec_key",
    "desa_key", "job_key", "addr_key", "pos_key", "id_key",
)  # fmt: skip
"""The fields whose hash orders the records for sampling (content, not position)."""


def estimate_u(prepared: pl.DataFrame, samples: int, seed: int) -> dict[str, list[float]]:
    """u per level from random record pairs (with the priors as pseudo-counts)."""
    n = prepared.height
    u: dict[str, list[float]] = {}
    if n < 2:
        return {spec.name: _u_prior(spec).tolist() for spec in COMPARISONS}
    # Sample on a content order, so that shuffling the input rows does not change u: the
    # random positions are positions in that order (the frame itself is not reordered).
    columns = [c for c in _CONTENT if c in prepared.columns]
    content = prepared.select(
        pl.reduce(
            lambda a, b: a ^ b, [pl.col(c).hash(seed=k) for k, c in enumerate(columns)]
        ).alias("h")
    )["h"]
    order = content.arg_sort().to_numpy()
    rng = np.random.default_rng(seed)
    size = int(min(samples, n * (n - 1) // 2 * 2))
    a = rng.integers(0, n, size=size, dtype=np.int64)
    b = rng.integers(0, n, size=size, dtype=np.int64)
    keep = a != b
    pairs = pl.DataFrame(
        {"i": order[a[keep]].astype(np.uint32), "j": order[b[keep]].astype(np.uint32)}
    )
    levels = compare_pairs(prepared, pairs)
    for spec in COMPARISONS:
        g = levels[spec.column].to_numpy()
        counts = np.bincount(g[g >= 0], minlength=len(spec.levels)).astype(float)
        u[spec.name] = _smoothed(counts, _u_prior(spec), U_PSEUDO_COUNT).tolist()
    for comparison, by in ((NIK, ("dob",)), (PEKERJAAN, ("dob", "sex"))):
        same_day = _same_day_levels(prepared, content, rng, samples, comparison, by)
        if same_day is not None:
            u[comparison.name] = same_day
    for spec, column, exact_levels in _EXACT_LEVELS:
        exact = _exact_agreement(prepared, column, exact_levels)
        if exact is not None:
            u[spec.name] = _with_exact(spec, u[spec.name], *exact)
    return u


_EXACT_LEVELS: tuple[tuple[Comparison, str, dict[str, bool | None]], ...] = (
    (NAMA, "name_key", {"sama": None}),
    (TANGGAL_LAHIR, "dob", {"sama": False, "sama_tanggal_default": True}),
)
"""Levels that mean "the same value" (a birth date: a real one, ``dob_default`` False, or a
default one): their u is the share of pairs of records with the same value, counted from
the values' frequencies instead of random pairs. Two random records share a birth date
about once in 30,000 pairs: 50,000 random pairs see it once or twice, so its weight moved
by 3-4 bits from one list to the next (and EM then took "same birth date" for the match
class on a list of two kabupaten)."""


def _exact_agreement(
    prepared: pl.DataFrame, column: str, levels: dict[str, bool | None]
) -> tuple[dict[str, float], float] | None:
    """Share of pairs of (non-missing) records with the same value of ``column``, per
    level (a level's flag selects the values by ``dob_default``; None: every value), and
    the number of pairs it was counted on."""
    present = prepared.filter(pl.col(column).is_not_null())
    n = present.height
    if n < 2:
        return None
    flagged = any(flag is not None for flag in levels.values())
    # Text values are counted by their 64-bit hash (cheaper to group than the strings).
    value = pl.col(column).hash(seed=0) if present.schema[column] == pl.String else pl.col(column)
    keys = [value.alias("_v"), *(["dob_default"] if flagged else [])]
    counts = present.group_by(keys).agg(pl.len().cast(pl.Float64).alias("n"))
    pairs = n * (n - 1) / 2
    same = (pl.col("n") * (pl.col("n") - 1) / 2).sum()
    out = {}
    for level, flag in levels.items():
        part = counts if flag is None else counts.filter(pl.col("dob_default") == flag)
        out[level] = float(part.select(same).item() or 0.0) / pairs
    return out, pairs


def _with_exact(
    spec: Comparison, u: list[float], exact: dict[str, float], pairs: float
) -> list[float]:
    """``u`` with the exact levels replaced, the other levels rescaled to fill the rest.

    The share counts every pair of the list; like the sampled levels it is smoothed
    towards the documented u with :data:`U_PSEUDO_COUNT` pseudo-pairs, so that in a short
    list (where the duplicates themselves are a good part of the pairs) the prior holds.
    """
    values = np.asarray(u, dtype=float)
    prior = _u_prior(spec)
    codes = [spec.code(level) for level in exact]
    rest = np.ones(len(values), dtype=bool)
    rest[codes] = False
    for level, share in exact.items():
        k = spec.code(level)
        values[k] = (share * pairs + prior[k] * U_PSEUDO_COUNT) / (pairs + U_PSEUDO_COUNT)
    left = 1.0 - values[codes].sum()
    values[rest] = values[rest] / values[rest].sum() * left
    return values.tolist()


def _same_day_levels(
    prepared: pl.DataFrame,
    content: pl.Series,
    rng: np.random.Generator,
    samples: int,
    spec: Comparison,
    by: tuple[str, ...] = ("dob",),
) -> list[float] | None:
    """u of one field's levels among different people born on the same day.

    * NIK (``by = ("dob",)``): the NIK spells out the birth date, and serials restart at
      0001 for every kecamatan and day, so two people born on the same day in neighbouring
      kecamatan (or the same one) have NIKs one digit apart. NIK closeness only counts
      together with the birth date (see :func:`score`), so its chance rate is measured
      where the birth dates agree.
    * Occupation (``by = ("dob", "sex")``): pupils are young, housewives women, pensioners
      old; the pairs that reach the review band already agree on the birth date and (by
      the name) the sex, so chance agreement on the occupation is measured there.

    Neighbours in a random order within each ``by`` group (at most ``samples`` pairs),
    leaving out pairs with the same name or mother (likely the same person). The order is
    a hash of each record's content, so that shuffling the rows does not change it.
    """
    keyed = (
        prepared.select("_rid", *by)
        .with_columns(content.hash(seed=int(rng.integers(2**31))).alias("r"))
        .drop_nulls(list(by))
    )
    if keyed.height < 2:
        return None
    order = keyed.with_columns(_group_order(by).alias("_order")).sort("_order")
    same = pl.all_horizontal([pl.col(k) == pl.col(k).shift(-1) for k in by])
    pairs = (
        order.select(
            pl.col("_rid").alias("i"),
            pl.col("_rid").shift(-1).alias("j"),
            same.alias("same"),
        )
        .filter(pl.col("same").fill_null(False))
        .select(pl.col("i").cast(pl.UInt32), pl.col("j").cast(pl.UInt32))
    )
    if pairs.height < MIN_EM_PAIRS:
        return None
    if pairs.height > samples:
        # As many pairs as for the other fields, drawn at random.
        pairs = pairs.sample(n=samples, seed=int(rng.integers(2**31))).sort("i", "j")
    levels = compare_pairs(prepared, pairs, only=(spec, NAMA, NAMA_IBU)).filter(
        NAMA.at_least("sangat_mirip").not_() & NAMA_IBU.at_least("sama").not_()
    )
    g = levels[spec.column].to_numpy()
    counts = np.bincount(g[g >= 0], minlength=len(spec.levels)).astype(float)
    return _smoothed(counts, _u_prior(spec), U_PSEUDO_COUNT).tolist()


def _group_order(by: tuple[str, ...]) -> pl.Expr:
    """One 64-bit sort key for (birth date, sex if in ``by``, random ``r``): sorting one
    column is about three times cheaper than sorting by three. Neighbours are checked on the
    fields themselves afterwards, so the clipped dates (before 1790, after 2149) and the
    shortened random part only change the order, never which pairs count."""
    unknown = set(by) - {"dob", "sex"}
    if unknown:
        raise ValueError(f"no sort key for {sorted(unknown)}")
    day = pl.col("dob").cast(pl.Int32).clip(-65535, 65535) + 65536
    key = day.cast(pl.UInt64) * (1 << 46) + pl.col("r") // (1 << 19)
    if "sex" in by:
        key = key + (pl.col("sex") == "P").cast(pl.UInt64) * (1 << 45)
    return key


def _pattern_weights(
    g: dict[str, np.ndarray], m: dict[str, np.ndarray], u: dict[str, list[float]]
) -> dict[str, np.ndarray]:
    """The weight of every scored comparison for level arrays ``g`` (0 where missing).

    The NIK spells out the birth date, and its near levels were measured among people born
    on the same day: without the same date they are no evidence. A NIK one digit apart
    counts only together with the same name and birth date.
    """
    out: dict[str, np.ndarray] = {}
    for spec in COMPARISONS:
        gi = g[spec.name].astype(np.int64)
        w = _level_weights(spec, m[spec.name], np.asarray(u[spec.name]))
        out[spec.name] = np.where(gi >= 0, w[np.where(gi >= 0, gi, 0)], 0.0)
    one_household = g[NO_KK.name] == NO_KK.code("sama")
    for spec in COMPARISONS:
        if spec.household:
            capped = np.minimum(out[spec.name], 0.0)
            out[spec.name] = np.where(one_household, capped, out[spec.name])
    gn, gd = g[NIK.name], g[TANGGAL_LAHIR.name]
    near = (gn == NIK.code("wilayah_sama")) | (gn == NIK.code("satu_digit"))
    same_dob = gd >= TANGGAL_LAHIR.code("sama_tanggal_default")
    out[NIK.name] = np.where(near & ~same_dob, 0.0, out[NIK.name])
    one_digit = gn == NIK.code("satu_digit")
    close_name = g[NAMA.name] >= NAMA.code("sangat_mirip")
    out[NIK.name] = np.where(one_digit & ~close_name, 0.0, out[NIK.name])
    return out


def fit(
    levels: pl.DataFrame,
    u: dict[str, list[float]],
    *,
    rows: int,
    iterations: int,
    prior: float | None = None,
    m_prior_pairs: float = 200.0,
) -> FittedModel:
    """Estimate m and the prior (the probability that two random records match) by EM.

    The EM runs over all ``rows * (rows - 1) / 2`` pairs: matches are about one pair in a
    million, so a pair outside the candidate set has a negligible match posterior and the
    sums run over the candidate patterns only, while the prior is the expected number of
    matches divided by *all* pairs (as in Splink). It therefore shrinks as the list grows: a
    name and birth date shared by chance become likelier in a bigger list.

    ``u`` stays at its estimate from random pairs (as Splink does): EM moving u as well
    finds "same name in the same place" classes on real-shaped lists, where common names
    cluster by kecamatan. ``m`` starts at the documented priors, which weigh as
    ``m_prior_pairs`` pseudo-pairs: a list with few true pairs keeps close to them.
    """
    m = {spec.name: _m_prior(spec) for spec in COMPARISONS}
    total_pairs = max(rows * (rows - 1) / 2, 1.0)
    if prior is not None and iterations == 0:
        return FittedModel(_lists(m), u, prior, 0, True, ["prior given in the settings"])
    # Start: one match per 20 candidate pairs.
    lam = prior or float(min(max(levels.height / 20, 1.0) / total_pairs, MAX_PRIOR))
    if levels.height == 0 or iterations == 0:
        return FittedModel(_lists(m), u, lam, 0, False, ["EM skipped: starting prior used"])
    if levels.height < MIN_EM_PAIRS:
        # Too few pairs to learn m from: the priors, and the prior share by EM.
        m_prior_pairs = float("inf")
    gcols = [spec.column for spec in COMPARISONS]
    patterns = levels.group_by(gcols).agg(pl.len().alias("n"))
    counts = patterns["n"].to_numpy().astype(float)
    g = {spec.name: patterns[spec.column].to_numpy().astype(np.int64) for spec in COMPARISONS}
    converged = False
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007  (read after the loop)
        weights = _pattern_weights(g, m, u)
        log_ratio = np.sum([weights[s.name] for s in COMPARISONS if s.scored], axis=0)
        logit = np.log2(lam) - np.log2(1 - lam) + log_ratio
        p = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
        expected = p * counts
        new_lam = (
            lam
            if prior is not None
            else float(np.clip(expected.sum() / total_pairs, 1e-12, MAX_PRIOR))
        )
        delta = abs(np.log(new_lam) - np.log(lam))
        for spec in COMPARISONS:
            if not spec.scored or not np.isfinite(m_prior_pairs):
                continue
            gi = g[spec.name]
            present = gi >= 0
            sums = np.bincount(gi[present], weights=expected[present], minlength=len(spec.levels))
            new_m = _smoothed(sums, _m_prior(spec), m_prior_pairs)
            delta = max(delta, float(np.abs(np.log(new_m) - np.log(m[spec.name])).max()))
            m[spec.name] = new_m
        lam = new_lam
        if delta < 1e-5:
            converged = True
            break
    return FittedModel(_lists(m), u, lam, done, converged, [])


def _lists(m: dict[str, np.ndarray]) -> dict[str, list[float]]:
    return {k: v.tolist() for k, v in m.items()}


def score(
    levels: pl.DataFrame,
    model: FittedModel,
    frequencies: dict[str, pl.Series] | None = None,
) -> pl.DataFrame:
    """Add ``w_<comparison>`` weights, ``bobot`` (total match weight), ``bobot_orang``
    (person fields only) and ``skor`` (match probability) to the compared pairs.

    Term frequency: ``frequencies`` maps a comparison (``nama``, ``tanggal_lahir``,
    ``nama_ibu``, ``tempat_lahir``) to the share of records with the left side's value,
    aligned with the pairs; an exact agreement then weighs ``log2(m / frequency)`` instead
    of ``log2(m / u)``: a common name, or a birth date that many records share (the default
    dates 1 July, 31 December, the 15th), says less than a rare one. Most people of a
    kabupaten are born in its main town: agreeing on it says little, on a far-away
    birthplace a lot.
    """
    g = {spec.name: levels[spec.column].to_numpy() for spec in COMPARISONS}
    m = {k: np.asarray(v) for k, v in model.m.items()}
    weights = _pattern_weights(g, m, model.u)
    for name, freq in (frequencies or {}).items():
        spec = next(s for s in COMPARISONS if s.name == name)
        exact: tuple[str, ...] = (spec.top,)
        if spec is TANGGAL_LAHIR:
            exact = ("sama_tanggal_default", "sama")
        codes = [spec.code(level) for level in exact]
        tf = _tf_weight(model, spec, freq, codes)
        hit = np.isin(g[name], codes)
        current = weights[name]
        # Dates: never more than the level weight (a default date keeps its low weight).
        value = np.minimum(tf, current) if spec is TANGGAL_LAHIR else tf
        weights[name] = np.where(hit, value, current)
    out = levels.with_columns(
        pl.Series(f"w_{spec.name}", weights[spec.name].astype(np.float32)) for spec in COMPARISONS
    )
    prior_w = float(np.log2(model.prior / (1 - model.prior)))
    person = [f"w_{spec.name}" for spec in COMPARISONS if spec.person]
    total = pl.sum_horizontal([f"w_{spec.name}" for spec in COMPARISONS]) + prior_w
    return out.with_columns(
        total.alias("bobot"),
        pl.sum_horizontal(person).alias("bobot_orang"),
        (1.0 / (1.0 + (pl.lit(2.0) ** -total))).alias("skor"),
    )


def _tf_weight(
    model: FittedModel, spec: Comparison, frequency: pl.Series, levels: list[int]
) -> np.ndarray:
    """``log2(m / frequency)`` for exact agreement (``m`` summed over ``levels``)."""
    m = sum(model.m[spec.name][k] for k in levels)
    freq = frequency.fill_null(1.0).to_numpy()
    return np.log2(m / np.maximum(freq, 1e-12))


TF_COMPARISONS: dict[str, str] = {
    NAMA.name: "name_key",
    TANGGAL_LAHIR.name: "dob",
    NAMA_IBU.name: "mother_key",
    TEMPAT_LAHIR.name: "place_key",
}
"""Comparisons whose exact agreement is weighed by the frequency of the value (the column
of the prepared records that holds it)."""
