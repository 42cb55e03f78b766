"""The family view of the period mode: which families (KK) entered, left, stayed or changed.

A KK number changes when a family moves, splits (pecah KK) or loses its head (DOMAIN.md §3),
so families are followed through their members, not their numbers: every KK of the old list
and every KK of the new list is a node, every person found in both periods links the KK they
were in to the KK they are in now, and each connected group of KKs is one *family unit*.
A row without a KK number is a family of its own.

A unit with no old KK entered the list (``masuk``), one with no new KK left it (``keluar``);
one old KK and one new KK under the same number with every member found in both is ``tetap``;
anything else is ``berubah``, with what changed: ``no_kk`` (new number), ``pecah`` (one family
now in several KKs), ``gabung`` (several now in one), ``anggota_masuk``, ``anggota_keluar``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bansos_cli.core.vocabulary import (
    CATEGORY,
    CHANGES,
    DIFFERENCE_RP,
    FAMILY_KK,
    LEFT,
    MEMBERS,
    RIGHT,
    RP,
    category_count_column,
    sided,
)
from bansos_cli.reconcile.keys import id_key_series, text_key_expr
from bansos_cli.reconcile.model import (
    CHANGED,
    ENTERED,
    LEFT_THE_LIST,
    PERIOD,
    STAYED,
)

LEFT_IDX = "_idx_l"
RIGHT_IDX = "_idx_r"
RANK = "_rank"
KK_LEFT, KK_RIGHT = sided(FAMILY_KK, LEFT), sided(FAMILY_KK, RIGHT)
RP_LEFT, RP_RIGHT = sided(RP, LEFT), sided(RP, RIGHT)

# What changed in a family unit (column ``changes``), in this order.
NEW_NUMBER = "no_kk"
SPLIT_UP = "pecah"
MERGED = "gabung"
MEMBER_ENTERED = "anggota_masuk"
MEMBER_LEFT = "anggota_keluar"

_ORDER = {STAYED: 0, CHANGED: 1, LEFT_THE_LIST: 2, ENTERED: 3}


def _family_ids(kk: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """Per row, a family number (equal KK numbers, one family; no KK, a family alone) and
    the normalised KK number (null for a row without one)."""
    # the KK number's digits; a cell that is no number still names its family
    text = kk.cast(pl.String).to_frame("v").select(text_key_expr(pl.col("v"))).to_series()
    key = pl.select(pl.coalesce(id_key_series(kk), text)).to_series()
    own = pl.int_range(kk.len(), eager=True).cast(pl.String)
    families = pl.select(pl.coalesce(key, pl.lit("~") + own)).to_series()
    return families.rank("dense").cast(pl.Int64).to_numpy() - 1, key


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by the edges ``a``-``b``: the smallest node
    of each component. Families are small, so a few rounds of "take the smaller label of the
    two ends", with pointer jumping, settle every label."""
    label = np.arange(n)
    while a.size:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    return label


def family_units(
    rows: pl.DataFrame,
    left_kk: pl.Series,
    right_kk: pl.Series,
    left_rp: pl.Series,
    right_rp: pl.Series,
) -> pl.DataFrame:
    """One row per family unit (core.vocabulary.FAMILIES). ``rows`` are the output rows of a
    period reconciliation (``_idx_l``, ``_idx_r``, ``_rank`` = role); ``*_kk`` the KK cells of
    each side and ``*_rp`` the amounts (input order)."""
    fam_l, key_l = _family_ids(left_kk)
    fam_r, key_r = _family_ids(right_kk)
    n_l = int(fam_l.max()) + 1 if fam_l.size else 0
    n_r = int(fam_r.max()) + 1 if fam_r.size else 0
    pairs = rows.filter(pl.col(LEFT_IDX).is_not_null() & pl.col(RIGHT_IDX).is_not_null())
    edges_a = fam_l[pairs[LEFT_IDX].to_numpy()]
    edges_b = fam_r[pairs[RIGHT_IDX].to_numpy()] + n_l
    unit = _components(n_l + n_r, edges_a, edges_b)

    li, ri = rows[LEFT_IDX], rows[RIGHT_IDX]
    left_unit = pl.Series(unit[:n_l][fam_l]) if n_l else pl.Series([], dtype=pl.Int64)
    right_unit = pl.Series(unit[n_l:][fam_r]) if n_r else pl.Series([], dtype=pl.Int64)
    codes = pl.Series(PERIOD.codes_by_role(), dtype=pl.String)
    person = pl.DataFrame(
        {
            "_unit": pl.select(
                pl.coalesce(left_unit.gather(li), right_unit.gather(ri))
            ).to_series(),
            "_cat": codes.gather(rows[RANK]),
            "_fl": pl.Series(fam_l).gather(li),
            "_fr": pl.Series(fam_r).gather(ri),
            "_kl": key_l.gather(li),
            "_kr": key_r.gather(ri),
            "_rpl": left_rp.gather(li).fill_null(0),
            "_rpr": right_rp.gather(ri).fill_null(0),
            "_inl": li.is_not_null(),
            "_inr": ri.is_not_null(),
        }
    )
    counts = [
        (pl.col("_cat") == c).sum().cast(pl.Int64).alias(category_count_column(c))
        for c in PERIOD.codes
    ]
    units = person.group_by("_unit").agg(
        pl.col("_fl").drop_nulls().n_unique().alias("_nfl"),
        pl.col("_fr").drop_nulls().n_unique().alias("_nfr"),
        pl.col("_kl").drop_nulls().unique().sort().str.join(",").alias(KK_LEFT),
        pl.col("_kr").drop_nulls().unique().sort().str.join(",").alias(KK_RIGHT),
        pl.col("_inl").sum().cast(pl.Int64).alias(sided(MEMBERS, LEFT)),
        pl.col("_inr").sum().cast(pl.Int64).alias(sided(MEMBERS, RIGHT)),
        pl.col("_rpl").sum().cast(pl.Int64).alias(RP_LEFT),
        pl.col("_rpr").sum().cast(pl.Int64).alias(RP_RIGHT),
        *counts,
    )
    n = category_count_column
    entered = pl.col(n(ENTERED)) > 0
    left = pl.col(n(LEFT_THE_LIST)) > 0
    one_to_one = (pl.col("_nfl") == 1) & (pl.col("_nfr") == 1)
    same_number = pl.col(KK_LEFT).is_not_null() & (pl.col(KK_LEFT) == pl.col(KK_RIGHT))
    numbered = (pl.col(KK_LEFT).str.len_chars() > 0) & (pl.col(KK_RIGHT).str.len_chars() > 0)
    changes = pl.concat_str(
        [
            pl.when(one_to_one & numbered & ~same_number).then(pl.lit(NEW_NUMBER)),
            pl.when((pl.col("_nfl") >= 1) & (pl.col("_nfr") > 1)).then(pl.lit(SPLIT_UP)),
            pl.when((pl.col("_nfl") > 1) & (pl.col("_nfr") >= 1)).then(pl.lit(MERGED)),
            pl.when(entered & (pl.col("_nfl") > 0)).then(pl.lit(MEMBER_ENTERED)),
            pl.when(left & (pl.col("_nfr") > 0)).then(pl.lit(MEMBER_LEFT)),
        ],
        separator=",",
        ignore_nulls=True,
    )
    category = (
        pl.when(pl.col("_nfl") == 0)
        .then(pl.lit(ENTERED))
        .when(pl.col("_nfr") == 0)
        .then(pl.lit(LEFT_THE_LIST))
        .when(pl.col(CHANGES).str.len_chars() == 0)
        .then(pl.lit(STAYED))
        .otherwise(pl.lit(CHANGED))
    )
    ordered = [
        CATEGORY,
        CHANGES,
        KK_LEFT,
        KK_RIGHT,
        sided(MEMBERS, LEFT),
        sided(MEMBERS, RIGHT),
        RP_LEFT,
        RP_RIGHT,
        DIFFERENCE_RP,
        *[n(c) for c in PERIOD.codes],
    ]
    return (
        units.with_columns(changes.alias(CHANGES))
        .with_columns(
            category.alias(CATEGORY),
            (pl.col(RP_RIGHT) - pl.col(RP_LEFT)).alias(DIFFERENCE_RP),
            pl.when(pl.col(KK_LEFT).str.len_chars() > 0).then(pl.col(KK_LEFT)).alias(KK_LEFT),
            pl.when(pl.col(KK_RIGHT).str.len_chars() > 0).then(pl.col(KK_RIGHT)).alias(KK_RIGHT),
        )
        .sort(
            pl.col(CATEGORY).replace_strict(_ORDER, return_dtype=pl.Int8),
            pl.col(KK_LEFT),
            pl.col(KK_RIGHT),
            nulls_last=True,
        )
        .select(ordered)
    )


__all__ = ["family_units"]
