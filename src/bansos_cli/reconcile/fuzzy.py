"""Fuzzy fallback for rows the key left unmatched: same person, mistyped or different NIK.

Candidate pairs come from blocking joins (rows sharing half of the NIK, the NIK's birth-date
digits, the birth date, or the normalised name), so no block is compared all-against-all
beyond ``max_block`` pairs. Each candidate pair is scored once with rapidfuzz's batched
``process.cpdist`` (the element-wise form of ``cdist``: the blocking join already lists the
pairs of every block, so scoring them in one call avoids a Python loop over blocks).
A pair is accepted when the names are similar enough *and* there is independent evidence:
NIKs one digit or one transposition apart, or the same birth date. Each row takes part in at
most one pair: mutual best candidates are paired, round by round, in vectorised steps.
A fuzzy pair is a suggestion for review, never a silent merge: it is marked ``fuzzy``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bansos_cli.core.vocabulary import FUZZY_EVIDENCE, FUZZY_SCORE

LI = "_idx_l"
RI = "_idx_r"

# Evidence labels (column ``fuzzy_evidence``).
NIK_CLOSE = "nik_mirip"
"""NIKs differ by one digit or one adjacent transposition."""
SAME_BIRTH = "tgl_lahir_sama"
"""Same TANGGAL LAHIR text on both sides."""
SAME_NIK_DATE = "tgl_nik_sama"
"""Same region and birth-date digits in the NIK (first 12 digits), different serial."""

_BLOCKS = ("nik_head", "nik_tail", "nik_date", "birth", "name")


@dataclass
class FuzzyOutcome:
    pairs: pl.DataFrame
    """``_idx_l``, ``_idx_r``, ``fuzzy_score`` (0-100), ``fuzzy_evidence``."""
    skipped_blocks: int
    """Blocks left out because they would produce more than ``max_block`` candidate pairs."""


def _block_exprs(nik: pl.Expr, birth: pl.Expr, name: pl.Expr) -> dict[str, pl.Expr]:
    full = nik.str.len_chars() == 16
    return {
        # Any one-digit substitution leaves one half of a 16-digit NIK intact.
        "nik_head": pl.when(full).then(nik.str.slice(0, 8)),
        "nik_tail": pl.when(full).then(nik.str.slice(8, 8)),
        # The same person registered again: birth-date digits of the NIK (plus sex, +40).
        "nik_date": pl.when(full).then(nik.str.slice(6, 6)),
        "birth": birth,
        "name": name,
    }


def _candidates(
    left: pl.DataFrame, right: pl.DataFrame, max_block: int
) -> tuple[pl.DataFrame, int]:
    pairs: list[pl.DataFrame] = []
    skipped = 0
    for block in _BLOCKS:
        lb = left.select(pl.col("_idx").alias(LI), pl.col(block).alias("_blk")).drop_nulls("_blk")
        rb = right.select(pl.col("_idx").alias(RI), pl.col(block).alias("_blk")).drop_nulls("_blk")
        sizes = (
            lb.group_by("_blk")
            .agg(pl.len().alias("_nl"))
            .join(rb.group_by("_blk").agg(pl.len().alias("_nr")), on="_blk", how="inner")
            .with_columns((pl.col("_nl") * pl.col("_nr")).alias("_np"))
        )
        skipped += sizes.filter(pl.col("_np") > max_block).height
        kept = sizes.filter(pl.col("_np") <= max_block).select("_blk")
        pairs.append(
            lb.join(kept, on="_blk", how="semi").join(rb, on="_blk", how="inner").select(LI, RI)
        )
    return pl.concat(pairs).unique(), skipped


def _mutual_best(candidates: pl.DataFrame) -> pl.DataFrame:
    """Pick pairs so that each row is used at most once: mutual best first, then repeat.

    Ties are broken by the other side's row index, symmetrically, so swapping the sides
    swaps the result. Every round pairs at least the best remaining candidate.
    """
    chosen: list[pl.DataFrame] = []
    remaining = candidates
    while remaining.height:
        best_for_left = remaining.sort([FUZZY_SCORE, RI], descending=[True, False]).unique(
            LI, keep="first"
        )
        best_for_right = remaining.sort([FUZZY_SCORE, LI], descending=[True, False]).unique(
            RI, keep="first"
        )
        mutual = best_for_left.join(best_for_right.select(LI, RI), on=[LI, RI], how="semi")
        chosen.append(mutual)
        remaining = remaining.join(mutual.select(LI), on=LI, how="anti").join(
            mutual.select(RI), on=RI, how="anti"
        )
    if not chosen:
        return candidates.clear()
    return pl.concat(chosen)


def fuzzy_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float,
    max_block: int,
) -> FuzzyOutcome:
    """Pair unmatched rows. Each side: ``_idx``, ``_nik`` (key digits or null), ``_birth``
    (normalised birth date text or null), ``_name`` (normalised name or null)."""
    empty = pl.DataFrame(
        schema={LI: pl.UInt32, RI: pl.UInt32, FUZZY_SCORE: pl.Float64, FUZZY_EVIDENCE: pl.String}
    )
    if left.is_empty() or right.is_empty():
        return FuzzyOutcome(pairs=empty, skipped_blocks=0)

    def blocked(frame: pl.DataFrame) -> pl.DataFrame:
        exprs = _block_exprs(pl.col("_nik"), pl.col("_birth"), pl.col("_name"))
        return frame.with_columns(**exprs)

    lblk, rblk = blocked(left), blocked(right)
    candidates, skipped = _candidates(lblk, rblk, max_block)
    if candidates.is_empty():
        return FuzzyOutcome(pairs=empty, skipped_blocks=skipped)

    side_l = left.select(pl.col("_idx").alias(LI), "_nik", "_birth", "_name")
    side_r = right.select(pl.col("_idx").alias(RI), "_nik", "_birth", "_name")
    cand = candidates.join(side_l, on=LI, how="left").join(side_r, on=RI, how="left", suffix="_r")
    names_l = cand["_name"].fill_null("").to_list()
    names_r = cand["_name_r"].fill_null("").to_list()
    niks_l = cand["_nik"].fill_null("").to_list()
    niks_r = cand["_nik_r"].fill_null("").to_list()
    name_score = process.cpdist(names_l, names_r, scorer=fuzz.WRatio, dtype=np.float64)
    nik_distance = process.cpdist(niks_l, niks_r, scorer=OSA.distance, dtype=np.int32)
    cand = cand.with_columns(
        pl.Series(FUZZY_SCORE, name_score).round(1),
        pl.Series("_nik_d", nik_distance),
    )
    nik_close = (
        pl.col("_nik").is_not_null() & pl.col("_nik_r").is_not_null() & (pl.col("_nik_d") <= 1)
    )
    same_birth = pl.col("_birth").is_not_null() & (pl.col("_birth") == pl.col("_birth_r"))
    same_nik_date = (
        (pl.col("_nik").str.len_chars() == 16)
        & (pl.col("_nik_r").str.len_chars() == 16)
        & (pl.col("_nik").str.slice(0, 12) == pl.col("_nik_r").str.slice(0, 12))
    )
    evidence = pl.concat_str(
        [
            pl.when(nik_close).then(pl.lit(NIK_CLOSE)),
            pl.when(same_birth).then(pl.lit(SAME_BIRTH)),
            pl.when(same_nik_date & ~nik_close).then(pl.lit(SAME_NIK_DATE)),
        ],
        separator=",",
        ignore_nulls=True,
    )
    accepted = (
        cand.with_columns(evidence.alias(FUZZY_EVIDENCE))
        .filter(
            (pl.col(FUZZY_SCORE) >= threshold)
            & pl.col("_name").is_not_null()
            & (pl.col(FUZZY_EVIDENCE).str.len_chars() > 0)
        )
        .select(LI, RI, FUZZY_SCORE, FUZZY_EVIDENCE)
    )
    return FuzzyOutcome(pairs=_mutual_best(accepted), skipped_blocks=skipped)
