"""Invariants of the duplicate search (hypothesis) and components against a networkx oracle."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bansos_cli.dedup import DedupConfig, dedup_frame
from bansos_cli.dedup.classify import classify_pairs
from bansos_cli.dedup.cluster import cluster_frame, components, guarded_components
from bansos_cli.dedup.compare import compare_pairs
from bansos_cli.dedup.engine import grouping_pairs, score_pairs
from bansos_cli.dedup.fields import prepare
from bansos_cli.dedup.levels import NAMA, TANGGAL_LAHIR
from bansos_cli.dedup.model import _exact_agreement, estimate_u

NAMES = [
    "SITI AMINAH",
    "HJ. SITI AMINAH",
    "BUDI SANTOSO",
    "JOKO WIDODO",
    "DJOKO WIDODO",
    "SRI RAHAYU",
    "MUHAMMAD ALI",
    "MOCH ALI",
]
NIKS = ["3201010101800001", "3201010101800010", "3201024502900002", "3201030303850003", None]
DATES = ["01-01-1980", "1980-01-01", "05-02-1990", "03-03-1985", None]

record = st.tuples(
    st.sampled_from(NIKS),
    st.sampled_from(NAMES),
    st.sampled_from(DATES),
    st.sampled_from(["L", "P", None]),
)


def _frame(rows) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["nik", "nama", "tanggal_lahir", "jenis_kelamin"], orient="row"
    ).with_columns(pl.int_range(2, pl.len() + 2).alias("row"), pl.lit("x.csv").alias("source"))


def _partition(result, rows_key) -> set[frozenset]:
    """Groups as sets of the rows' identities (independent of row order)."""
    ids = result.clusters.select("cluster_id").to_series().to_list()
    groups: dict[int, set] = {}
    for key, cid in zip(rows_key, ids, strict=True):
        groups.setdefault(cid, set()).add(key)
    return {frozenset(g) for g in groups.values()}


FAST = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(record, min_size=1, max_size=12), st.randoms())
def test_row_order_does_not_change_groups(rows, rnd) -> None:
    tagged = [(*r, k) for k, r in enumerate(rows)]
    shuffled = tagged[:]
    rnd.shuffle(shuffled)
    first = dedup_frame(_frame([r[:4] for r in tagged]))
    second = dedup_frame(_frame([r[:4] for r in shuffled]))
    assert _partition(first, [r[4] for r in tagged]) == _partition(second, [r[4] for r in shuffled])


@FAST
@given(st.lists(record, min_size=1, max_size=12), st.data())
def test_every_row_in_one_group_and_exact_copies_together(rows, data) -> None:
    copy_of = data.draw(st.integers(0, len(rows) - 1))
    rows = [*rows, rows[copy_of]]
    result = dedup_frame(_frame(rows))
    clusters = result.clusters
    assert clusters["_rid"].to_list() == list(range(len(rows)))
    assert clusters["row"].to_list() == list(range(2, len(rows) + 2))
    ids = clusters["cluster_id"].to_list()
    if rows[copy_of][1] is not None and (rows[copy_of][0] or rows[copy_of][2]):
        assert ids[copy_of] == ids[-1]
    sizes = clusters.group_by("cluster_id").agg(pl.len(), pl.col("cluster_size").first())
    assert (sizes["len"] == sizes["cluster_size"]).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.data())
def test_components_match_networkx(n, data) -> None:
    edges = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40)
    )
    i = np.array([a for a, _ in edges], dtype=np.int64)
    j = np.array([b for _, b in edges], dtype=np.int64)
    labels = components(n, i, j)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    expected = np.empty(n, dtype=np.int64)
    for comp in nx.connected_components(graph):
        expected[list(comp)] = min(comp)
    assert labels.tolist() == expected.tolist()


def _oracle_groups(frame: pl.DataFrame, result) -> set[frozenset]:
    """Brute force: every pair of rows compared and scored with the fitted model, the
    grouping pairs joined by networkx connected components."""
    config = DedupConfig()
    prepared = prepare(frame, config)
    n = prepared.height
    a, b = np.triu_indices(n, k=1)
    pairs = pl.DataFrame({"i": a.astype(np.uint32), "j": b.astype(np.uint32)})
    levels = compare_pairs(prepared, pairs)
    scored = score_pairs(prepared, levels, result.model, config)
    classified = classify_pairs(scored, config.thresholds)
    grouped = grouping_pairs(classified, config)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(grouped.select("i", "j").rows())
    return {frozenset(c) for c in nx.connected_components(graph)}


# every record has a name and a birth date (pairs without either are never grouped)
dated = st.tuples(
    st.sampled_from(NIKS), st.sampled_from(NAMES), st.sampled_from(DATES[:4]),
    st.sampled_from(["L", "P", None]),
)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(dated, min_size=1, max_size=14))
def test_all_pairs_brute_force_oracle_agrees_on_random_inputs(rows) -> None:
    frame = _frame(rows)
    result = dedup_frame(frame)
    assert _partition(result, list(range(len(rows)))) == _oracle_groups(frame, result)
    # one row per pair, never the same pair twice (under two classes)
    assert not result.pairs.select("_rid_a", "_rid_b").is_duplicated().any()
    assert (result.pairs["_rid_a"] < result.pairs["_rid_b"]).all()


def test_all_pairs_brute_force_oracle_on_a_small_frame() -> None:
    rows = [
        ("3201010101800001", "SITI AMINAH", "01-01-1980", "P"),
        ("3201010101800001", "HJ. SITI AMINAH", "1980-01-01", "P"),
        ("3201030303850003", "JOKO WIDODO", "03-03-1985", "L"),
        (None, "DJOKO WIDODO", "03-03-1985", "L"),
        ("3201024502900002", "SRI RAHAYU", "05-02-1990", "P"),
    ]
    result = dedup_frame(_frame(rows))
    expected = _oracle_groups(_frame(rows), result)
    assert _partition(result, list(range(len(rows)))) == expected
    assert expected == {frozenset({0, 1}), frozenset({2, 3}), frozenset({4})}


def test_chain_guard_splits_long_chains_at_weak_links() -> None:
    n = 10
    i = np.arange(n - 1)
    j = np.arange(1, n)
    strength = np.array([0.99, 0.99, 0.99, 0.99, 0.6, 0.99, 0.99, 0.99, 0.99])
    labels, kept, split = guarded_components(n, i, j, strength, max_size=5)
    assert split == 1
    assert kept.tolist() == [True] * 4 + [False] + [True] * 4
    assert labels.tolist() == [0] * 5 + [5] * 5


def test_exact_agreement_u_is_the_share_of_pairs_with_one_value() -> None:
    names = ["SITI", "SITI", "SITI", "BUDI", "BUDI", "ADI", None]
    dates = ["01-07-1980", "01-07-1980", "02-03-1980", "02-03-1980", "02-03-1980", None, None]
    frame = pl.DataFrame({"nama": names, "tanggal_lahir": dates})
    prepared = prepare(frame, DedupConfig())
    shares, pairs = _exact_agreement(prepared, "name_key", {"sama": None})  # type: ignore[misc]
    present = [n for n in names if n]
    same = sum(a == b for a, b in itertools.combinations(present, 2))
    assert pairs == len(present) * (len(present) - 1) / 2
    assert shares == {"sama": same / pairs}
    # birth dates split by default date (1 July) and real date
    shares, _ = _exact_agreement(  # type: ignore[misc]
        prepared, "dob", {"sama": False, "sama_tanggal_default": True}
    )
    assert shares == {"sama": 3 / 10, "sama_tanggal_default": 1 / 10}
    # u does not depend on the random sample for these levels, and stays a distribution
    a, b = estimate_u(prepared, 100, seed=1), estimate_u(prepared, 100, seed=2)
    for spec, level in ((NAMA, "sama"), (TANGGAL_LAHIR, "sama")):
        assert a[spec.name][spec.code(level)] == b[spec.name][spec.code(level)]
        assert abs(sum(a[spec.name]) - 1.0) < 1e-9


def test_cluster_frame_numbers_groups_in_input_order_and_keeps_the_best_row() -> None:
    frame = pl.DataFrame(
        {
            "nik": [None, "3201010101800001", None, "3201010101800002", None],
            "nama": ["A", "A", "B", "C", "B"],
        }
    )
    prepared = prepare(frame, DedupConfig())
    labels = np.array([0, 0, 2, 3, 2])
    review = np.array([False, False, True, False, False])
    out = cluster_frame(prepared, labels, review)
    assert out["cluster_id"].to_list() == [1, 1, 2, 3, 2]
    assert out["cluster_size"].to_list() == [2, 2, 2, 1, 2]
    assert out["keep"].to_list() == [False, True, True, True, False]
    assert out["needs_review"].to_list() == [False, False, True, False, True]
