"""A Fellegi-Sunter match model: u from random pairs, the prior by EM, term frequencies.

* ``u`` (how often a level occurs between two *different* people) is counted on random pairs
  of records, as Splink does; almost all random pairs are non-matches. NIK levels are
  counted among people born on the same day (the NIK spells out the birth date), the
  occupation among people of the same sex born on the same day.
* The prior (probability that two random records are the same person) is estimated by EM
  over all pairs of the list; ``m`` stays at documented values (see :func:`fit`).
* Term frequency: an exact agreement on a common name key, mother's name or birth date
  weighs less than on a rare one (``log2(m / frequency)`` instead of ``log2(m / u)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bansos_cli.dedup.compare import FIELDS, FieldSpec, compare_pairs

PSEUDO_COUNT = 50.0
"""Pseudo-count pulling m estimates towards their priors."""
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

    def weights(self, spec: FieldSpec) -> np.ndarray:
        """log2(m/u) per level of one field (0 for unscored fields, capped where asked)."""
        w = np.log2(np.asarray(self.m[spec.name]) / np.asarray(self.u[spec.name]))
        if not spec.scored:
            return np.zeros_like(w)
        if spec.max_weight is not None:
            w = np.minimum(w, spec.max_weight)
        return w

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
                    for k, level in enumerate(spec.levels)
                }
                for spec in FIELDS
            },
        }


def _smoothed(counts: np.ndarray, prior: np.ndarray, pseudo: float = PSEUDO_COUNT) -> np.ndarray:
    total = counts.sum()
    return (counts + pseudo * prior) / (total + pseudo)


def estimate_u(prepared: pl.DataFrame, samples: int, seed: int) -> dict[str, list[float]]:
    """u per level from random record pairs (with the priors as pseudo-counts)."""
    n = prepared.height
    u: dict[str, list[float]] = {}
    if n < 2:
        return {spec.name: list(spec.u_prior) for spec in FIELDS}
    # Sample on a content order, so that shuffling the input rows does not change u.
    prepared = (
        prepared.sort(
            pl.struct(pl.all().exclude("_rid")).hash(seed=0), "name_key", "nik", nulls_last=True
        )
        .drop("_rid")
        .with_row_index("_rid")
    )
    rng = np.random.default_rng(seed)
    size = int(min(samples, n * (n - 1) // 2 * 2))
    a = rng.integers(0, n, size=size, dtype=np.int64)
    b = rng.integers(0, n, size=size, dtype=np.int64)
    keep = a != b
    pairs = pl.DataFrame({"i": a[keep].astype(np.uint32), "j": b[keep].astype(np.uint32)})
    levels = compare_pairs(prepared, pairs)
    for spec in FIELDS:
        g = levels[f"g_{spec.name}"].to_numpy()
        counts = np.bincount(g[g >= 0], minlength=len(spec.levels)).astype(float)
        u[spec.name] = _smoothed(counts, np.asarray(spec.u_prior), U_PSEUDO_COUNT).tolist()
    for name, by in (("nik", ("dob",)), ("pekerjaan", ("dob", "sex"))):
        same_day = _same_day_levels(prepared, rng, samples, name, by)
        if same_day is not None:
            u[name] = same_day
    return u


def _same_day_levels(
    prepared: pl.DataFrame,
    rng: np.random.Generator,
    samples: int,
    field: str,
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

    Neighbours in random order within each ``by`` group (at most ``samples`` pairs),
    leaving out pairs with the same name or mother (likely the same person).
    """
    keyed = (
        prepared.select("_rid", *by)
        .with_columns(pl.Series("r", rng.random(prepared.height)))
        .drop_nulls(list(by))
    )
    if keyed.height < 2:
        return None
    order = keyed.sort(*by, "r")
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
    levels = compare_pairs(prepared, pairs).filter(
        (pl.col("g_nama") < 3) & (pl.col("g_nama_ibu") < 2)
    )
    spec = next(s for s in FIELDS if s.name == field)
    g = levels[f"g_{field}"].to_numpy()
    counts = np.bincount(g[g >= 0], minlength=len(spec.levels)).astype(float)
    return _smoothed(counts, np.asarray(spec.u_prior), U_PSEUDO_COUNT).tolist()


def fit(
    levels: pl.DataFrame,
    u: dict[str, list[float]],
    *,
    rows: int,
    iterations: int,
    prior: float | None = None,
) -> FittedModel:
    """Estimate the prior (the probability that two random records match) by EM.

    The EM runs over all ``rows * (rows - 1) / 2`` pairs: matches are about one pair in a
    million, so a pair outside the candidate set has a negligible match posterior and the
    sums run over the candidate patterns only, while the prior is the expected number of
    matches divided by *all* pairs (as in Splink). It therefore shrinks as the list grows: a
    name and birth date shared by chance become likelier in a bigger list.

    ``m`` stays at the documented values (:data:`~bansos_cli.dedup.compare.FIELDS`): letting
    EM move them collapses on real-shaped lists, where common names cluster by kecamatan
    and NIK serials restart per birth date, into "same name in the same place" or "NIKs one
    serial apart" classes (docs/dedup.md, "Why m is fixed").
    """
    gcols = [f"g_{spec.name}" for spec in FIELDS]
    m = {spec.name: np.asarray(spec.m_prior, dtype=float) for spec in FIELDS}
    m_out = {k: v.tolist() for k, v in m.items()}
    total_pairs = max(rows * (rows - 1) / 2, 1.0)
    if prior is not None:
        return FittedModel(m_out, u, prior, 0, True, ["prior given in the settings"])
    # Start: one match per 20 candidate pairs.
    lam = float(min(max(levels.height / 20, 1.0) / total_pairs, MAX_PRIOR))
    if levels.height == 0 or iterations == 0:
        return FittedModel(m_out, u, lam, 0, False, ["EM skipped: starting prior used"])
    patterns = levels.group_by(gcols).agg(pl.len().alias("n"))
    counts = patterns["n"].to_numpy().astype(float)
    log_ratio = np.zeros(len(counts))
    for spec in FIELDS:
        if not spec.scored:
            continue
        gi = patterns[f"g_{spec.name}"].to_numpy().astype(np.int64)
        present = gi >= 0
        idx = np.where(present, gi, 0)
        ratio = np.log2(m[spec.name][idx]) - np.log2(np.asarray(u[spec.name])[idx])
        if spec.max_weight is not None:
            ratio = np.minimum(ratio, spec.max_weight)
        log_ratio += np.where(present, ratio, 0.0)
    converged = False
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007  (read after the loop)
        logit = np.log2(lam) - np.log2(1 - lam) + log_ratio
        p = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
        new_lam = float(np.clip((p * counts).sum() / total_pairs, 1e-12, MAX_PRIOR))
        delta = abs(np.log(new_lam) - np.log(lam))
        lam = new_lam
        if delta < 1e-6:
            converged = True
            break
    return FittedModel(m_out, u, lam, done, converged, [])


def score(
    levels: pl.DataFrame,
    model: FittedModel,
    name_frequency: pl.Series | None = None,
    dob_frequency: pl.Series | None = None,
    mother_frequency: pl.Series | None = None,
    place_frequency: pl.Series | None = None,
) -> pl.DataFrame:
    """Add ``w_<field>`` weights, ``bobot`` (total match weight), ``bobot_orang`` (person
    fields only) and ``skor`` (match probability) to the compared pairs.

    Term frequency: ``name_frequency`` / ``dob_frequency`` / ``mother_frequency`` /
    ``place_frequency`` (aligned with the pairs) are the shares of records with the left name
    key / birth date / mother's name key / birthplace; when given, an exact agreement
    weighs ``log2(m / frequency)`` instead of ``log2(m / u)``: a common name, or a birth
    date that many records share (the default dates 1 July, 31 December, the 15th), says
    less than a rare one.
    """
    out = levels
    columns = []
    g_name = out["g_nama"].to_numpy()
    g_dob = out["g_tanggal_lahir"].to_numpy()
    for spec in FIELDS:
        w = model.weights(spec)
        g = out[f"g_{spec.name}"].to_numpy().astype(np.int64)
        values = np.where(g >= 0, w[np.where(g >= 0, g, 0)], 0.0)
        if spec.name == "nama" and name_frequency is not None:
            top = len(spec.levels) - 1
            values = np.where(g == top, _tf_weight(model, spec, name_frequency, (top,)), values)
        if spec.name == "tanggal_lahir" and dob_frequency is not None:
            exact = (3, 4)  # sama_tanggal_default, sama
            tf = _tf_weight(model, spec, dob_frequency, exact)
            values = np.where(np.isin(g, exact), np.minimum(tf, values), values)
        if spec.name == "nama_ibu" and mother_frequency is not None:
            top = len(spec.levels) - 1
            tf = _tf_weight(model, spec, mother_frequency, (top,))
            values = np.where(g == top, tf, values)
        if spec.name == "tempat_lahir" and place_frequency is not None:
            # Most people of a kabupaten are born in its main town: agreeing on it says
            # little, agreeing on a far-away birthplace says a lot.
            top = len(spec.levels) - 1
            tf = _tf_weight(model, spec, place_frequency, (top,))
            values = np.where(g == top, tf, values)
        if spec.name == "nik":
            # The NIK spells out the birth date, and its near levels were measured among
            # people born on the same day: without that, they are no evidence. A NIK one
            # digit apart counts only together with the same name and birth date.
            near = (g == 1) | (g == 2)
            values = np.where(near & (g_dob < 3), 0.0, values)
            values = np.where((g == 2) & (g_name < 3), 0.0, values)
        columns.append(pl.Series(f"w_{spec.name}", values.astype(np.float32)))
    out = out.with_columns(columns)
    prior_w = float(np.log2(model.prior / (1 - model.prior)))
    person = [f"w_{spec.name}" for spec in FIELDS if spec.person]
    total = pl.sum_horizontal([f"w_{spec.name}" for spec in FIELDS]) + prior_w
    return out.with_columns(
        total.alias("bobot"),
        pl.sum_horizontal(person).alias("bobot_orang"),
        (1.0 / (1.0 + (pl.lit(2.0) ** -total))).alias("skor"),
    )


def _tf_weight(
    model: FittedModel, spec: FieldSpec, frequency: pl.Series, levels: tuple[int, ...]
) -> np.ndarray:
    """``log2(m / frequency)`` for exact agreement (``m`` summed over ``levels``)."""
    m = sum(model.m[spec.name][k] for k in levels)
    freq = frequency.fill_null(1.0).to_numpy()
    return np.log2(m / np.maximum(freq, 1e-12))
