"""Fuzzy fallback for rows the key left unpaired: the same person under a mistyped NIK.

Candidate pairs come from blocking joins (rows sharing half of the NIK, the NIK's birth-date
digits, the birth date, the KK number or the normalised name), so no block is compared
all-against-all beyond ``max_block`` pairs. Each candidate pair is scored once with
rapidfuzz's batched ``process.cpdist`` (the element-wise form of ``cdist``: the blocking join
already lists the pairs of every block, so scoring them in one call avoids a Python loop).

A similar name is never enough. Each kind of :data:`EVIDENCE` belongs to one *piece* (the NIK,
the birth date, the region, the family, the mother); kinds of one piece say the same thing
twice (the NIK's date digits and TANGGAL LAHIR are one birth date). The NIK is evidence of its
own only beyond its birth-date digits: two NIKs one edit apart in the region digits (first 6)
only say that the birth dates are equal, because most NIKs end in serial 0001 or 0002 and two
people born on the same day in kecamatan whose codes differ by one digit get NIKs one edit
apart by chance. A pair is accepted when
the names are similar enough *and* :data:`MIN_PIECES` independent pieces agree. Among the
accepted candidates, a pair is taken only when each row is the other's unique best
(most pieces, then the best name score): two equally good candidates are never guessed
between. A name that agrees only in part (WRatio finds AAN inside SALMAN, ASEP inside ASEP
UDIN, but the whole names differ) needs a third piece, and birth dates known on both sides
that differ rule a fuzzy pair out. Rows that stay unpaired but have a candidate point at it
(``kandidat``: too little
evidence; ``kandidat_setara``: enough evidence, but an equally good rival).
A fuzzy pair is a suggestion for review, never a silent merge: it is marked ``fuzzy``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bansos_cli.core.vocabulary import CANDIDATE_HINT, FUZZY_EVIDENCE, FUZZY_SCORE
from bansos_cli.reconcile.keys import (
    KEY_SEPARATOR,
    date_key_series,
    folded_name_expr,
    id_key_series,
    map_unique,
    text_key_expr,
)
from bansos_cli.reconcile.model import CANDIDATE, CANDIDATE_TIED, ReconcileOptions

LI = "_idx_l"
RI = "_idx_r"
OTHER = "_idx_other"
"""Hints: the row of the other side the hint points at."""
PIECES = "_pieces"
QUALITY = "_quality"
ENOUGH = "_enough"
"""The candidate has the evidence a pair needs (and nothing against it)."""

MIN_PIECES = 2
"""Independent pieces of evidence beyond the name that a fuzzy pair needs (one more when the
names only agree in part: one found inside the other)."""

SIDE_COLUMNS = ("_nik", "_birth", "_birth_weak", "_name", "_place", "_kk", "_mother")
"""What each side gives (besides ``_idx``); any may be null."""


def _both(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & pl.col(name + "_r").is_not_null()


def _same(name: str) -> pl.Expr:
    return _both(name) & (pl.col(name) == pl.col(name + "_r"))


def _full_niks() -> pl.Expr:
    return (pl.col("_nik").str.len_chars() == 16) & (pl.col("_nik_r").str.len_chars() == 16)


def _same_region_one_edit() -> pl.Expr:
    return (pl.col("_nik_d") == 1) & (
        pl.col("_nik").str.slice(0, 6) == pl.col("_nik_r").str.slice(0, 6)
    )


def _nik_date_weak(nik: pl.Expr) -> pl.Expr:
    """The NIK's birth date (digits 7-10, +40 for women) is a default date (DOMAIN.md §2)."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False) % 40
    month = nik.str.slice(8, 2)
    return (day == 15) | ((day == 1) & (month == "07")) | ((day == 31) & (month == "12"))


@dataclass(frozen=True)
class Evidence:
    """One kind of evidence beyond the name: its label, its piece, and its test on a
    candidate frame (each side's column ``_x`` beside the other's ``_x_r``)."""

    code: str
    piece: str
    doc: str
    test: Callable[[], pl.Expr]


EVIDENCE: tuple[Evidence, ...] = (
    Evidence(
        "nik_sama", "nik", "the same NIK (when the key is another column)",
        lambda: _both("_nik") & (pl.col("_nik_d") == 0),
    ),
    Evidence(
        "nik_mirip", "nik",
        "NIKs one digit or one adjacent transposition apart, in the same region (first 6 digits)",
        lambda: _both("_nik") & (pl.col("_nik_d") == 1) & _full_niks()
        & (pl.col("_nik").str.slice(0, 6) == pl.col("_nik_r").str.slice(0, 6)),
    ),
    Evidence(
        "tgl_nik_sama", "lahir",
        "the same birth-date digits of the NIK (7-12, with the sex), not a default date",
        lambda: _both("_nik") & _full_niks() & ~_same_region_one_edit()
        & (pl.col("_nik_d") > 0)
        & (pl.col("_nik").str.slice(6, 6) == pl.col("_nik_r").str.slice(6, 6))
        & ~_nik_date_weak(pl.col("_nik")),
    ),
    Evidence(
        "tgl_lahir_sama", "lahir", "the same TANGGAL LAHIR (not a default date)",
        lambda: _same("_birth") & ~pl.col("_birth_weak").fill_null(False),
    ),
    Evidence(
        "wilayah_sama", "wilayah", "the same region (the --region columns both lists have)",
        lambda: _same("_place"),
    ),
    Evidence("kk_sama", "kk", "the same NO KK", lambda: _same("_kk")),
    Evidence("ibu_sama", "ibu", "the same NAMA IBU KANDUNG", lambda: _same("_mother")),
)  # fmt: skip
"""Every kind of evidence, in the order ``fuzzy_evidence`` lists them."""

NIK_COLUMN = "nik"
KK_COLUMN = "no_kk"
BIRTH_COLUMN = "tanggal_lahir"
MOTHER_COLUMN = "nama_ibu_kandung"
EVIDENCE_COLUMNS = (NIK_COLUMN, KK_COLUMN, BIRTH_COLUMN, MOTHER_COLUMN)
"""The columns evidence is read from (besides the name and the region columns)."""


def _birth(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Birth dates as ``YYYY-MM-DD`` (:func:`~bansos_cli.reconcile.keys.date_key_series`)
    and whether each is a default date (1 July, 31 December, the 15th: what is written when
    the real date is unknown, DOMAIN.md §2)."""
    iso, parsed = date_key_series(values)
    day, month = parsed.dt.day(), parsed.dt.month()
    weak = (day == 15) | ((month == 7) & (day == 1)) | ((month == 12) & (day == 31))
    return iso, weak.fill_null(False)


def side_frame(
    rows: pl.DataFrame, options: ReconcileOptions, shared: Collection[str], place: Sequence[str]
) -> pl.DataFrame:
    """``_idx`` and :data:`SIDE_COLUMNS` of ``rows`` (one side's unpaired rows). Only the
    columns both lists have (``shared``) give evidence; ``place`` are the region columns
    both lists have."""
    assert options.name is not None

    def none(dtype: type[pl.DataType] = pl.String) -> pl.Series:
        return pl.repeat(None, rows.height, dtype=dtype, eager=True)

    def ids(column: str) -> pl.Series:
        return id_key_series(rows[column]) if column in shared else none()

    birth, weak = (
        _birth(rows[BIRTH_COLUMN]) if BIRTH_COLUMN in shared else (none(), none(pl.Boolean))
    )
    mother = (
        map_unique(rows[MOTHER_COLUMN], folded_name_expr(pl.col("v")))
        if MOTHER_COLUMN in shared
        else none()
    )
    region = (
        rows.select(
            pl.concat_str([text_key_expr(pl.col(c)) for c in place], separator=KEY_SEPARATOR)
        ).to_series()
        if place
        else none()
    )
    name = map_unique(rows[options.name], folded_name_expr(pl.col("v")))
    return pl.DataFrame(
        [
            rows["_idx"],
            ids(NIK_COLUMN).alias("_nik"),
            birth.alias("_birth"),
            weak.alias("_birth_weak"),
            name.alias("_name"),
            region.alias("_place"),
            ids(KK_COLUMN).alias("_kk"),
            mother.alias("_mother"),
        ]
    )


_BLOCKS = ("nik_head", "nik_tail", "nik_date", "birth", "kk", "name")


@dataclass
class FuzzyOutcome:
    pairs: pl.DataFrame
    """``_idx_l``, ``_idx_r``, ``fuzzy_score`` (0-100), ``fuzzy_evidence``."""
    left_hints: pl.DataFrame
    """``_idx``, ``candidate_hint``, ``_idx_other``, ``fuzzy_score``, ``fuzzy_evidence`` of
    the left rows left unpaired that have a candidate on the right."""
    right_hints: pl.DataFrame
    skipped_blocks: int
    """Blocks left out because they would produce more than ``max_block`` candidate pairs."""


def _block_exprs(nik: pl.Expr, birth: pl.Expr, kk: pl.Expr, name: pl.Expr) -> dict[str, pl.Expr]:
    full = nik.str.len_chars() == 16
    return {
        # Any one-digit substitution leaves one half of a 16-digit NIK intact.
        "nik_head": pl.when(full).then(nik.str.slice(0, 8)),
        "nik_tail": pl.when(full).then(nik.str.slice(8, 8)),
        # The same person registered again: birth-date digits of the NIK (plus sex, +40).
        "nik_date": pl.when(full).then(nik.str.slice(6, 6)),
        "birth": birth,
        "kk": kk,
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


def _top(side: str) -> pl.Expr:
    """A candidate is (one of) the best of its row on ``side`` (``LI``/``RI``)."""
    return pl.col(QUALITY) == pl.col(QUALITY).max().over(side)


def unique_best(candidates: pl.DataFrame) -> pl.DataFrame:
    """Pairs in which each row is the other's unique best candidate, round by round.

    A candidate is better than another with more pieces of evidence, then with a higher name
    score (``_quality``). A row whose best is shared by two candidates is paired with neither
    while both are free; once one of them is paired (as someone's unique best), the other may
    become the unique best. Swapping the sides swaps the result.
    """
    chosen: list[pl.DataFrame] = []
    remaining = candidates
    while remaining.height:
        ranked = remaining.with_columns(
            _top(LI).alias("_top_l"), _top(RI).alias("_top_r")
        ).with_columns(
            pl.col("_top_l").sum().over(LI).alias("_n_l"),
            pl.col("_top_r").sum().over(RI).alias("_n_r"),
        )
        mutual = ranked.filter(
            pl.col("_top_l") & pl.col("_top_r") & (pl.col("_n_l") == 1) & (pl.col("_n_r") == 1)
        ).select(candidates.columns)
        if mutual.is_empty():
            break
        chosen.append(mutual)
        remaining = remaining.join(mutual.select(LI), on=LI, how="anti").join(
            mutual.select(RI), on=RI, how="anti"
        )
    if not chosen:
        return candidates.clear()
    return pl.concat(chosen)


def _hints(candidates: pl.DataFrame, paired: pl.DataFrame, own: str, other: str) -> pl.DataFrame:
    """Per row of ``own`` side left unpaired: its best candidate that is unpaired too."""
    free = candidates.join(paired.select(LI), on=LI, how="anti").join(
        paired.select(RI), on=RI, how="anti"
    )
    hint = pl.when(pl.col(ENOUGH)).then(pl.lit(CANDIDATE_TIED)).otherwise(pl.lit(CANDIDATE))
    return (
        free.sort([QUALITY, other], descending=[True, False])
        .unique(own, keep="first")
        .select(
            pl.col(own).alias("_idx"),
            hint.alias(CANDIDATE_HINT),
            pl.col(other).alias(OTHER),
            FUZZY_SCORE,
            FUZZY_EVIDENCE,
        )
        .sort("_idx")
    )


def fuzzy_pairs(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float,
    max_block: int,
) -> FuzzyOutcome:
    """Pair unpaired rows. Each side: ``_idx`` and :data:`SIDE_COLUMNS` (normalised NIK
    digits, birth date and whether it is a default date, name key, region, KK, mother)."""
    pair_schema = {LI: pl.Int64, RI: pl.Int64, FUZZY_SCORE: pl.Float64, FUZZY_EVIDENCE: pl.String}
    hint_schema = {
        "_idx": pl.Int64,
        CANDIDATE_HINT: pl.String,
        OTHER: pl.Int64,
        FUZZY_SCORE: pl.Float64,
        FUZZY_EVIDENCE: pl.String,
    }
    empty = FuzzyOutcome(
        pl.DataFrame(schema=pair_schema),
        pl.DataFrame(schema=hint_schema),
        pl.DataFrame(schema=hint_schema),
        0,
    )
    if left.is_empty() or right.is_empty():
        return empty

    def blocked(frame: pl.DataFrame) -> pl.DataFrame:
        exprs = _block_exprs(pl.col("_nik"), pl.col("_birth"), pl.col("_kk"), pl.col("_name"))
        return frame.with_columns(**exprs)

    candidates, skipped = _candidates(blocked(left), blocked(right), max_block)
    empty.skipped_blocks = skipped
    if candidates.is_empty():
        return empty

    side_l = left.select(pl.col("_idx").alias(LI), *SIDE_COLUMNS)
    side_r = right.select(pl.col("_idx").alias(RI), *SIDE_COLUMNS)
    cand = candidates.join(side_l, on=LI, how="left").join(side_r, on=RI, how="left", suffix="_r")
    # rows without a name never pair: score only the others
    cand = cand.filter(pl.col("_name").is_not_null() & pl.col("_name_r").is_not_null())
    names_l, names_r = cand["_name"].to_list(), cand["_name_r"].to_list()
    name_score = process.cpdist(names_l, names_r, scorer=fuzz.WRatio, dtype=np.float64)
    nik_distance = process.cpdist(
        cand["_nik"].fill_null("").to_list(),
        cand["_nik_r"].fill_null("").to_list(),
        scorer=OSA.distance,
        dtype=np.int32,
    )
    cand = cand.with_columns(
        pl.Series(FUZZY_SCORE, name_score).round(1), pl.Series("_nik_d", nik_distance)
    )
    keep = (cand[FUZZY_SCORE] >= threshold).to_numpy()
    cand = cand.filter(pl.Series(keep))
    # WRatio also rewards one name found inside the other (AAN in SALMAN, ASEP in ASEP UDIN):
    # a whole-name score tells those partial agreements apart, which need one more piece
    whole = (
        np.maximum(
            *(
                process.cpdist(
                    [n for n, k in zip(names_l, keep, strict=True) if k],
                    [n for n, k in zip(names_r, keep, strict=True) if k],
                    scorer=scorer,
                    dtype=np.float64,
                )
                for scorer in (fuzz.ratio, fuzz.token_sort_ratio)
            )
        )
        if cand.height
        else np.zeros(0)
    )
    cand = cand.with_columns(pl.Series("_whole", whole))
    flags = cand.select([e.test().fill_null(False).alias(e.code) for e in EVIDENCE])
    pieces = sorted({e.piece for e in EVIDENCE})
    by_piece = [
        pl.any_horizontal([pl.col(e.code) for e in EVIDENCE if e.piece == p]) for p in pieces
    ]
    # birth dates known on both sides (not default ones) that differ: never the same person
    # for a fuzzy pair, whatever else agrees
    contradicts = (
        _both("_birth")
        & (pl.col("_birth") != pl.col("_birth_r"))
        & ~pl.col("_birth_weak").fill_null(False)
        & ~pl.col("_birth_weak_r").fill_null(False)
    )
    needed = pl.when(pl.col("_whole") < threshold).then(MIN_PIECES + 1).otherwise(MIN_PIECES)
    judged = cand.select(
        LI, RI, FUZZY_SCORE, needed.alias("_needed"), contradicts.fill_null(False).alias("_no")
    )
    scored = pl.concat([judged, flags], how="horizontal").with_columns(
        pl.sum_horizontal(by_piece).cast(pl.Int32).alias(PIECES),
        pl.concat_str(
            [pl.when(pl.col(e.code)).then(pl.lit(e.code)) for e in EVIDENCE],
            separator=",",
            ignore_nulls=True,
        ).alias(FUZZY_EVIDENCE),
    )
    scored = scored.filter(pl.col(PIECES) >= 1).select(
        pl.col(LI).cast(pl.Int64),
        pl.col(RI).cast(pl.Int64),
        FUZZY_SCORE,
        FUZZY_EVIDENCE,
        PIECES,
        (pl.col(PIECES) * 1000 + pl.col(FUZZY_SCORE)).alias(QUALITY),
        ((pl.col(PIECES) >= pl.col("_needed")) & ~pl.col("_no")).alias(ENOUGH),
    )
    accepted = scored.filter(pl.col(ENOUGH)).drop(ENOUGH)
    paired = unique_best(accepted)
    return FuzzyOutcome(
        pairs=paired.select(LI, RI, FUZZY_SCORE, FUZZY_EVIDENCE).sort(LI),
        left_hints=_hints(scored, paired, LI, RI),
        right_hints=_hints(scored, paired, RI, LI),
        skipped_blocks=skipped,
    )
