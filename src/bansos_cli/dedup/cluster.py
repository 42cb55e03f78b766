"""Group duplicate pairs into people: connected components with a chain guard.

Components are found with vectorised label propagation (hooking to the smaller label plus
pointer jumping), so each component is labelled by its smallest row. Transitive closure can
chain different people (A~B, B~C, C~D ...); a component bigger than ``max_size`` is split by
repeatedly dropping its weakest links until every part fits, and the notice says so.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bansos_cli.core.vocabulary import CLUSTER_ID, CLUSTER_SIZE, KEEP, NEEDS_REVIEW
from bansos_cli.dedup.fields import RID

_GUARD_ROUNDS = 30


def components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Label of every node 0..n-1: the smallest node of its connected component."""
    labels = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return labels
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    while True:
        li, lj = labels[i], labels[j]
        differ = li != lj
        if not differ.any():
            return labels
        low = np.minimum(li[differ], lj[differ])
        np.minimum.at(labels, li[differ], low)
        np.minimum.at(labels, lj[differ], low)
        # Pointer jumping until every label is a root.
        while True:
            nxt = labels[labels]
            if np.array_equal(nxt, labels):
                break
            labels = nxt


def _sizes(labels: np.ndarray) -> np.ndarray:
    return np.bincount(labels, minlength=len(labels))[labels]


def guarded_components(
    n: int, i: np.ndarray, j: np.ndarray, strength: np.ndarray, max_size: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Components after the chain guard.

    Returns ``(labels, kept_edge_mask, split_components)``: the edges dropped by the guard are
    those with ``kept_edge_mask == False``. An edge of infinite strength (identical rows) is
    never dropped: any number of copies stays one group.
    """
    keep = np.ones(len(i), dtype=bool)
    labels = components(n, i, j)
    size = _sizes(labels)
    cuttable = np.isfinite(strength)
    oversized = (size[i] > max_size) & cuttable if len(i) else np.zeros(0, dtype=bool)
    split = int(len(np.unique(labels[i][oversized]))) if oversized.any() else 0
    for round_ in range(_GUARD_ROUNDS):
        if not oversized.any():
            break
        # Per oversized component drop its weakest links; after many rounds (a long chain of
        # distinct strengths) drop the weakest quarter at once.
        idx = np.flatnonzero(oversized)
        edges = pl.DataFrame({"e": idx, "c": labels[i[idx]], "s": strength[idx]})
        cut = (
            pl.col("s").min()
            if round_ < _GUARD_ROUNDS // 2
            else pl.col("s").quantile(0.25, "lower")
        )
        drop = edges.filter(pl.col("s") <= cut.over("c"))["e"].to_numpy()
        keep[drop] = False
        labels = components(n, i[keep], j[keep])
        size = _sizes(labels)
        oversized = keep & cuttable & (size[i] > max_size)
    return labels, keep, split


def keep_score(prepared: pl.DataFrame) -> pl.Expr:
    """How good a record is to keep: valid NIK, real birth date, alive, complete."""
    filled = [
        pl.col(c).is_not_null().cast(pl.Int32)
        for c in ("nik", "kk", "name_key", "dob", "sex", "mother_key", "place_key", "kec_key")
    ]
    return (
        pl.col("nik").is_not_null().cast(pl.Int32) * 10
        + pl.col("dob_default").not_().cast(pl.Int32) * 2
        + pl.col("deceased").not_().cast(pl.Int32) * 5
        + pl.sum_horizontal(filled)
    )


def cluster_frame(
    prepared: pl.DataFrame, labels: np.ndarray, review_rows: np.ndarray
) -> pl.DataFrame:
    """``_rid``, ``cluster_id`` (1.. in input order), ``cluster_size``, ``keep``
    (suggested record to keep), ``needs_review`` (the group rests on a review pair)."""
    n = len(labels)
    labels = np.asarray(labels, dtype=np.int64)
    size = np.bincount(labels, minlength=n)[labels] if n else np.zeros(0, dtype=np.int64)
    # A label is the smallest row of its group: numbering the roots in row order numbers
    # the groups in input order.
    roots = labels == np.arange(n)
    cluster_id = np.cumsum(roots)[labels] if n else np.zeros(0, dtype=np.int64)
    keep = np.ones(n, dtype=bool)
    review = np.zeros(n, dtype=bool)
    grouped = np.flatnonzero(size > 1)
    if grouped.size:
        # Most rows are alone in their group: only the rows of real groups are scored.
        members = prepared[grouped].select(
            RID,
            keep_score(prepared).alias("_score"),
            pl.Series("_label", labels[grouped]),
            pl.Series("_review", np.asarray(review_rows, dtype=bool)[grouped]),
        )
        best = (
            members.sort(["_score", RID], descending=[True, False])
            .group_by("_label")
            .agg(pl.col(RID).first().alias("_best"))
        )
        flags = members.join(best, on="_label", how="left", maintain_order="left").select(
            (pl.col(RID) == pl.col("_best")).alias("keep"),
            pl.col("_review").any().over("_label").alias("review"),
        )
        keep[grouped] = flags["keep"].to_numpy()
        review[grouped] = flags["review"].to_numpy()
    return pl.DataFrame(
        {
            RID: prepared[RID],
            CLUSTER_ID: pl.Series(cluster_id, dtype=pl.UInt32),
            CLUSTER_SIZE: pl.Series(size, dtype=pl.UInt32),
            KEEP: keep,
            NEEDS_REVIEW: review,
        }
    )
