"""Fuzzy pairing: unique best candidates only, and its precision on generated lists."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.ingest import read_inputs
from bansos_cli.reconcile import EVIDENCE, MIN_PIECES, ReconcileOptions, reconcile_frames
from bansos_cli.reconcile.fuzzy import LI, QUALITY, RI, unique_best
from bansos_cli.sample import generate_reconciliation_pair, write_reconciliation_pair

CANDIDATES = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from([2095.0, 2100.0, 3092.5])),
    max_size=25,
    unique_by=lambda c: (c[0], c[1]),
)


def chosen(candidates: list[tuple[int, int, float]]) -> set[tuple[int, int]]:
    frame = pl.DataFrame(candidates, schema={LI: pl.Int64, RI: pl.Int64, QUALITY: pl.Float64},
                         orient="row")  # fmt: skip
    return set(unique_best(frame).select(LI, RI).rows())


@settings(max_examples=200, deadline=None)
@given(CANDIDATES)
def test_a_pair_is_never_taken_while_an_equally_good_candidate_is_free(candidates) -> None:
    pairs = chosen(candidates)
    lefts, rights = [p[0] for p in pairs], [p[1] for p in pairs]
    assert len(set(lefts)) == len(lefts) and len(set(rights)) == len(rights)  # one-to-one
    quality = {(a, b): q for a, b, q in candidates}
    free_l = {a for a, _, _ in candidates} - set(lefts)
    free_r = {b for _, b, _ in candidates} - set(rights)
    for a, b in pairs:
        q = quality[(a, b)]
        # every other candidate of either row is worse, or was taken by a better pair
        assert not [r for (x, r), v in quality.items() if x == a and r != b and v >= q
                    and r in free_r]  # fmt: skip
        assert not [x for (x, r), v in quality.items() if r == b and x != a and v >= q
                    and x in free_l]  # fmt: skip
    # what is left is undecidable: no free row has a unique best that picks it back
    left_over = {(a, b): q for (a, b), q in quality.items() if a in free_l and b in free_r}
    for (a, b), q in left_over.items():
        rivals_a = [v for (x, _), v in left_over.items() if x == a]
        rivals_b = [v for (_, y), v in left_over.items() if y == b]
        unique = rivals_a.count(max(rivals_a)) == 1 and rivals_b.count(max(rivals_b)) == 1
        assert not (unique and q == max(rivals_a) == max(rivals_b))
    swapped = chosen([(b, a, q) for a, b, q in candidates])
    assert swapped == {(b, a) for a, b in pairs}


def test_the_evidence_registry() -> None:
    assert MIN_PIECES == 2
    assert [e.code for e in EVIDENCE] == [
        "nik_sama", "nik_mirip", "tgl_nik_sama", "tgl_lahir_sama", "wilayah_sama", "kk_sama",
        "ibu_sama",
    ]  # fmt: skip
    pieces = {e.code: e.piece for e in EVIDENCE}
    # the NIK's date digits and TANGGAL LAHIR say the same thing: one piece
    assert pieces["tgl_nik_sama"] == pieces["tgl_lahir_sama"]
    assert pieces["nik_mirip"] == pieces["nik_sama"]
    assert len(set(pieces.values())) == 5


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame,
                                                                  pl.DataFrame]:  # fmt: skip
    out = tmp_path_factory.mktemp("fuzzy")
    pair = generate_reconciliation_pair(20_000, 17, region="3201", name_variant_rate=0.06,
                                        nik_typo_rate=0.01)  # fmt: skip
    paths = write_reconciliation_pair(pair, out / "sk.parquet", out / "bayar.parquet",
                                      out / "truth.parquet")  # fmt: skip
    left, right = (read_inputs([p]).frame for p in paths[:2])
    return left, right, pl.read_parquet(paths[2])


def _owners(frame: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    pairs = frame.filter(pl.col("row_left").is_not_null() & pl.col("row_right").is_not_null())
    left = truth.select(pl.col("decree_row").alias("row_left"), pl.col("person_id").alias("a"))
    right = truth.select(pl.col("disbursement_rows").alias("row_right"),
                         pl.col("person_id").alias("b")).explode("row_right")  # fmt: skip
    return pairs.join(left.drop_nulls(), on="row_left").join(right.drop_nulls(), on="row_right")


def test_fuzzy_pairs_on_generated_lists_are_right(
    generated: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    """20,000 payees, 6 % name variants, 1 % NIK typos, 2 % Excel-truncated NIKs, homonyms:
    every pair (key or fuzzy) is the same person, and most damaged NIKs are found."""
    left, right, truth = generated
    result = reconcile_frames(left, right, ReconcileOptions(fuzzy=True))
    owners = _owners(result.frame, truth)
    wrong = owners.filter(pl.col("a") != pl.col("b"))
    assert wrong.height == 0, wrong
    fuzzy = owners.filter(pl.col("match_method") == "fuzzy")
    damaged = truth.filter(
        pl.col("problems").list.contains("nik_typo")
        | pl.col("problems").list.contains("nik_excel_truncated")
    )
    assert fuzzy.height >= 0.95 * damaged.height
    assert set(fuzzy["a"]) <= set(damaged["person_id"])
    # every row of both sides in exactly one output row
    assert sorted(result.frame["row_left"].drop_nulls()) == sorted(left["row"])
    assert sorted(result.frame["row_right"].drop_nulls()) == sorted(right["row"])


def test_without_fuzzy_the_damaged_niks_stay_unpaired(
    generated: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    left, right, truth = generated
    result = reconcile_frames(left, right)
    assert result.fuzzy_pairs == 0
    assert result.candidate_hints == {"kandidat": 0, "kandidat_setara": 0}
    unpaid = truth.filter(pl.col("status") == "missing").height
    problems = pl.col("problems").list
    damaged = truth.filter(problems.contains("nik_typo") | problems.contains("nik_excel_truncated"))
    damaged = damaged.height
    assert result.counts["hanya_kiri"] == unpaid + damaged


def test_swapping_the_sides_gives_the_same_fuzzy_pairs(
    generated: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    left, right, _ = generated
    options = ReconcileOptions(fuzzy=True)
    ours = reconcile_frames(left, right, options).frame.filter(pl.col("match_method") == "fuzzy")
    theirs = reconcile_frames(right, left, options).frame.filter(pl.col("match_method") == "fuzzy")
    assert set(ours.select("row_left", "row_right").rows()) == set(
        theirs.select("row_right", "row_left").rows()
    )
