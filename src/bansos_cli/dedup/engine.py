"""``dedup_frame``: from a text table to classified pairs and groups of duplicates."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from bansos_cli.core.messages import Notice
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.core.vocabulary import (
    CLASS,
    CLASSES_COLUMN,
    CLUSTER_ID,
    CLUSTER_SIZE,
    DECISION,
    KEEP,
    NEEDS_REVIEW,
    PAIR_LEVEL_PREFIX,
    PAIR_WEIGHT_PREFIX,
    RID_A,
    RID_B,
    ROW,
    ROW_KEY,
    SOURCE,
    A,
    B,
    row_key,
    sided,
)
from bansos_cli.dedup.blocking import KEY_BITS, BlockStats, candidate_pairs
from bansos_cli.dedup.classify import (
    CLASSES,
    DECISIONS,
    PERSON_CLASSES,
    classify_pairs,
    family_pairs,
    identity_rule,
)
from bansos_cli.dedup.cluster import cluster_frame, guarded_components
from bansos_cli.dedup.compare import compare_pairs
from bansos_cli.dedup.config import DedupConfig
from bansos_cli.dedup.fields import RID, meta_columns, prepare
from bansos_cli.dedup.levels import COMPARISONS, NIK
from bansos_cli.dedup.model import (
    TF_COMPARISONS,
    TF_PSEUDO_ROWS,
    FittedModel,
    estimate_u,
    fit,
    score,
)

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(step, index, total)`` when a step starts."""

STEPS = ("siapkan", "blok", "banding", "model", "kelas", "kelompok")


@dataclass
class DedupResult:
    """Everything the duplicate search found; plain data for the CLI, JSON and tests."""

    rows: int
    pairs: pl.DataFrame
    """One row per reported pair (see docs/dedup.md for the columns)."""
    clusters: pl.DataFrame
    """One row per input record: ``cluster_id``, ``cluster_size``, ``keep``, ..."""
    blocks: list[BlockStats]
    model: FittedModel
    candidate_pairs: int
    notices: list[Notice] = field(default_factory=list)
    """What the officer should know about the run (big blocks, split groups); codes and texts
    in the message catalogue."""
    timings: dict[str, float] = field(default_factory=dict)
    examples: pl.DataFrame | None = None
    """A few pairs per class with masked NIKs (safe to print)."""
    mode: str = "dedup"
    """``dedup`` (within and across inputs) or ``link`` (across inputs only)."""
    sources: int = 1
    """Input files among the rows."""

    def cross_source_pairs(self) -> int:
        """Reported pairs whose two rows come from different input files."""
        if not self.pairs.height:
            return 0
        return self.pairs.filter(pl.col(sided(SOURCE, A)) != pl.col(sided(SOURCE, B))).height

    def class_counts(self) -> dict[str, int]:
        """Pairs per class (a pair counts under every class it satisfies)."""
        counts = dict.fromkeys(CLASSES, 0)
        exploded = self.pairs.select(pl.col(CLASSES_COLUMN).explode())
        for kelas, n in exploded.group_by(CLASSES_COLUMN).len().iter_rows():
            counts[kelas] = n
        return counts

    def decision_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(DECISIONS, 0)
        for decision, n in self.pairs.group_by(DECISION).len().iter_rows():
            counts[decision] = n
        return counts

    def group_stats(self) -> dict[str, int]:
        grouped = self.clusters.filter(pl.col("cluster_size") > 1)
        groups = grouped["cluster_id"].n_unique() if grouped.height else 0
        return {
            "groups": groups,
            "rows_in_groups": grouped.height,
            "rows_to_review": grouped.height - groups,
            "largest": int(self.clusters["cluster_size"].max() or 0)  # type: ignore[arg-type]
            if self.rows
            else 0,
            "groups_needing_review": (
                grouped.filter(pl.col(NEEDS_REVIEW))["cluster_id"].n_unique()
                if grouped.height
                else 0
            ),
        }

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (no personal data)."""
        return {
            "rows": self.rows,
            "mode": self.mode,
            "sources": self.sources,
            "cross_source_pairs": self.cross_source_pairs(),
            "candidate_pairs": self.candidate_pairs,
            "pairs": self.pairs.height,
            "classes": self.class_counts(),
            "decisions": self.decision_counts(),
            "groups": self.group_stats(),
            "blocking": [vars(b) for b in self.blocks],
            "model": self.model.as_dict(),
            "notices": [n.code for n in self.notices],
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _keys_text(expr: pl.Expr) -> pl.Expr:
    parts = [pl.when((expr & bit) > 0).then(pl.lit(name)) for name, bit in KEY_BITS.items()]
    return pl.concat_list(parts).list.drop_nulls().list.join(",")


def _level_text() -> list[pl.Expr]:
    exprs = []
    for spec in COMPARISONS:
        mapping = dict(enumerate(spec.names))
        exprs.append(
            pl.col(spec.column)
            .replace_strict(mapping, default=None, return_dtype=pl.String)
            .alias(PAIR_LEVEL_PREFIX + spec.name)
        )
    return exprs


def _finish_pairs(reported: pl.DataFrame, meta: pl.DataFrame) -> pl.DataFrame:
    """The pairs table (core.vocabulary.PAIRS) plus the internal ``_rid_a``/``_rid_b``."""
    sides = [
        meta.select(
            pl.col(RID).alias(pos),
            *[pl.col(c).alias(sided(c, side)) for c in ROW_KEY],
        )
        for pos, side in (("i", A), ("j", B))
    ]
    weights = [
        pl.col(f"w_{s.name}").round(2).alias(PAIR_WEIGHT_PREFIX + s.name) for s in COMPARISONS
    ]
    return (
        reported.join(sides[0], on="i", how="left")
        .join(sides[1], on="j", how="left")
        .select(
            pl.col("i").alias(RID_A),
            pl.col("j").alias(RID_B),
            *row_key(A),
            *row_key(B),
            pl.col("kelas").alias(CLASS),
            pl.col("classes").alias(CLASSES_COLUMN),
            pl.col("keputusan").alias(DECISION),
            pl.col("skor").round(4).alias("score"),
            pl.col("bobot").round(2).alias("weight"),
            pl.col("bobot_orang").round(2).alias("person_weight"),
            *_level_text(),
            *weights,
            pl.col("sim_nama").alias("name_similarity"),
            pl.col("keluarga_cocok").alias("family_matches"),
            _keys_text(pl.col("keys")).alias("block_keys"),
        )
        .sort(CLASS, "score", RID_A, RID_B, descending=[False, True, False, False])
    )


def _examples(pairs: pl.DataFrame, prepared: pl.DataFrame, per_class: int = 2) -> pl.DataFrame:
    def where(side: str) -> pl.Expr:
        return pl.concat_str(
            [pl.col(sided(SOURCE, side)), pl.col(sided(ROW, side)).cast(pl.String)],
            separator=":",
        )

    top = (
        pairs.sort("score", descending=True, nulls_last=True)
        .group_by(CLASS, maintain_order=True)
        .head(per_class)
    )
    nik = prepared["nik"]
    # Only the NIKs shown are masked (not every row's).
    return (
        top.with_columns(
            nik.gather(top[RID_A]).alias("nik_a"), nik.gather(top[RID_B]).alias("nik_b")
        )
        .select(
            CLASS,
            DECISION,
            "score",
            where(A).alias("row_a"),
            mask_id_expr(pl.col("nik_a")).alias("nik_a"),
            where(B).alias("row_b"),
            mask_id_expr(pl.col("nik_b")).alias("nik_b"),
        )  # fmt: skip
        .sort(CLASS)
    )


def _frequency(prepared: pl.DataFrame, levels: pl.DataFrame, key: str, base: float) -> pl.Series:
    """Share of records with each pair's left ``key`` value, smoothed towards ``base``."""
    n = prepared.height
    share = (pl.len().over(key) + TF_PSEUDO_ROWS * base) / (n + TF_PSEUDO_ROWS)
    per_record = prepared.select(pl.when(pl.col(key).is_not_null()).then(share).alias("f"))["f"]
    return per_record.gather(levels["i"])


COMPARE_CHUNK = 2_000_000
"""Candidate pairs compared at once: bounds the memory of the two sides' fields."""


def compare_candidates(prepared: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """:func:`~bansos_cli.dedup.compare.compare_pairs` in chunks of :data:`COMPARE_CHUNK`."""
    if pairs.height <= COMPARE_CHUNK:
        return compare_pairs(prepared, pairs)
    chunks = range(0, pairs.height, COMPARE_CHUNK)
    return pl.concat([compare_pairs(prepared, pairs.slice(k, COMPARE_CHUNK)) for k in chunks])


def dedup_frame(
    frame: pl.DataFrame,
    config: DedupConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> DedupResult:
    """Find duplicate people and families in ``frame`` (ingest contract: text columns plus
    ``_source``/``_sheet``/``_row``); every input row ends up in exactly one group."""
    config = config or DedupConfig()
    timings: dict[str, float] = {}
    notices: list[Notice] = []
    clock = time.perf_counter()

    current: list[str] = []

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        if current:
            timings[current[-1]] = now - clock
        current.append(name)
        clock = now
        if progress:
            progress(name, STEPS.index(name), len(STEPS))

    step("siapkan")
    prepared = prepare(frame, config)
    meta = meta_columns(frame)
    n = prepared.height

    # u comes from random record pairs, not from the candidates: it is estimated on a second
    # thread while the blocking and the comparisons run (polars and rapidfuzz release the GIL).
    pool = ThreadPoolExecutor(max_workers=1)
    u_job = pool.submit(estimate_u, prepared, config.model.u_sample_pairs, config.model.seed)
    pool.shutdown(wait=False)  # the one job still runs; its thread ends with it

    step("blok")
    sources = int(prepared["source"].n_unique())
    across_only = config.mode == "link"
    pairs, blocks = candidate_pairs(prepared, config.blocking, across_only=across_only)
    for b in blocks:
        if b.capped_blocks:
            notices.append(
                Notice(
                    "DEDUP_BLOK_BESAR",
                    {
                        "key": b.key,
                        "blocks": b.capped_blocks,
                        "max": config.blocking.max_block_size,
                        "rows": b.capped_rows,
                        "largest": b.largest,
                        "window": config.blocking.window,
                    },
                )
            )
    if across_only and sources < 2:
        notices.append(Notice("DEDUP_TAUTAN_SATU_BERKAS", {}))

    step("banding")
    levels = compare_candidates(prepared, pairs)

    step("model")
    u = u_job.result()
    model = fit(
        levels,
        u,
        rows=_pairs_space(prepared, across_only),
        iterations=config.model.em_iterations,
        prior=config.model.prior,
        m_prior_pairs=config.model.m_prior_pairs,
    )
    scored = score_pairs(prepared, levels, model, config)

    step("kelas")
    classified = classify_pairs(scored, config.thresholds)
    person = grouping_pairs(classified, config)
    families = family_pairs(prepared, person, scored, config.thresholds.family_min_members)
    reported = _merge_families(classified, families, scored, pairs)
    if sources > 1:
        source = prepared["source"]
        cross = int((source.gather(reported["i"]) != source.gather(reported["j"])).sum())
        counts = {"files": sources, "cross": cross, "pairs": reported.height}
        if across_only:
            notices.append(Notice("DEDUP_ANTAR_BERKAS_TAUTAN", counts))
        else:
            notices.append(Notice("DEDUP_ANTAR_BERKAS", counts))

    step("kelompok")
    i = person["i"].to_numpy()
    j = person["j"].to_numpy()
    # Identical rows are one person however many copies: the chain guard never cuts them.
    strength = np.where(person["identik"].to_numpy(), np.inf, person["skor"].to_numpy())
    labels, kept, split = guarded_components(n, i, j, strength, config.cluster.max_size)
    if split:
        notices.append(
            Notice(
                "DEDUP_KELOMPOK_DIPECAH",
                {"groups": split, "max": config.cluster.max_size, "pairs": int((~kept).sum())},
            )
        )
    review = np.zeros(n, dtype=bool)
    review_edges = (person["keputusan"] == "tinjau").to_numpy() & kept
    review[i[review_edges]] = True
    review[j[review_edges]] = True
    clusters = (
        # Both frames have one row per record in input order.
        cluster_frame(prepared, labels, review)
        .hstack(meta.drop(RID))
        .select(RID, *ROW_KEY, CLUSTER_ID, CLUSTER_SIZE, KEEP, NEEDS_REVIEW)
    )
    out_pairs = _finish_pairs(reported, meta)
    timings[current[-1]] = time.perf_counter() - clock
    return DedupResult(
        rows=n,
        pairs=out_pairs,
        clusters=clusters,
        blocks=blocks,
        model=model,
        candidate_pairs=pairs.height,
        notices=notices,
        timings=timings,
        examples=_examples(out_pairs, prepared),
        mode=config.mode,
        sources=sources,
    )


def score_pairs(
    prepared: pl.DataFrame, levels: pl.DataFrame, model: FittedModel, config: DedupConfig
) -> pl.DataFrame:
    """Weights and match probability of compared pairs, with term frequencies."""
    frequencies = None
    if config.model.term_frequency and levels.height:
        frequencies = {
            name: _frequency(prepared, levels, key, model.u[name][-1])
            for name, key in TF_COMPARISONS.items()
        }
    return score(levels, model, frequencies)


def grouping_pairs(classified: pl.DataFrame, config: DedupConfig) -> pl.DataFrame:
    """The classified pairs that join two rows in one group: person duplicates, and NIKs
    one digit apart with enough other evidence (those groups are flagged for review)."""
    thresholds = config.thresholds
    return classified.filter(
        pl.col("kelas").is_in(PERSON_CLASSES)
        & (
            (pl.col("keputusan") == "ganda")
            | (
                NIK.is_("satu_digit")
                & ((pl.col("skor") >= thresholds.match) | identity_rule(thresholds))
                & pl.lit(config.cluster.include_review)
            )
        )
    )


def _pairs_space(prepared: pl.DataFrame, across_only: bool) -> int:
    """The number of rows whose pairs the prior is a share of: in linkage mode, the
    geometric mean of the file sizes, so that ``rows * (rows - 1) / 2`` is about the
    number of cross-file pairs."""
    if not across_only:
        return prepared.height
    sizes = prepared.group_by("source").len()["len"].to_numpy().astype(float)
    cross = (sizes.sum() ** 2 - (sizes**2).sum()) / 2
    return max(int(round((1 + (1 + 8 * cross) ** 0.5) / 2)), 2)


def _merge_families(
    classified: pl.DataFrame, families: pl.DataFrame, scored: pl.DataFrame, pairs: pl.DataFrame
) -> pl.DataFrame:
    """One row per pair: a family report on a pair that is also a person pair adds
    ``keluarga_ganda`` to its classes instead of repeating the pair."""
    c = pl.col
    both = classified.join(families, on=["i", "j"], how="left").with_columns(
        pl.when(c("keluarga_cocok").is_not_null())
        .then(c("classes").list.concat(pl.lit(["keluarga_ganda"])))
        .otherwise(c("classes"))
        .alias("classes")
    )
    only = (
        families.join(classified.select("i", "j"), on=["i", "j"], how="anti")
        .join(scored.drop("keys"), on=["i", "j"], how="left")
        .join(pairs.select("i", "j", "keys"), on=["i", "j"], how="left")
        .with_columns(
            pl.lit("keluarga_ganda").alias("kelas"),
            pl.lit(["keluarga_ganda"]).alias("classes"),
            pl.lit("tinjau").alias("keputusan"),
            c("keys").fill_null(0),
        )
    )
    return pl.concat([both, only], how="diagonal_relaxed")
