"""Name variants, the identity rule and the batched similarities of the duplicate search."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import distance, fuzz

from bansos_cli.dedup import DedupConfig, dedup_frame
from bansos_cli.dedup.compare import _JW, _OSA, _TOKEN_SET, _similarities, compare_pairs
from bansos_cli.dedup.fields import prepare
from bansos_cli.dedup.levels import NAMA
from bansos_cli.dedup.model import estimate_u

COLUMNS = [
    "nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu_kandung", "tempat_lahir",
    "no_kk", "hubungan_keluarga", "kecamatan", "desa",
]  # fmt: skip


def _background(n: int = 400) -> list[tuple]:
    """Different people (distinct names, dates, mothers) so that the model has a list."""
    rng = np.random.default_rng(3)
    syll = ["KA", "RI", "MU", "TO", "SA", "NI", "DA", "WE", "LO", "PU", "GE", "HA"]
    rows = []
    for k in range(n):
        a, b, c, d = rng.integers(0, len(syll), 4)
        name = f"{syll[a]}{syll[b]}{syll[c]} {syll[d]}{syll[a]}N{k}"
        mother = f"{syll[c]}{syll[d]}MI{k}"
        day, month, year = 1 + k % 28, 1 + k % 12, 1950 + k % 50
        nik = f"3201{k % 90 + 10:02d}{day:02d}{month:02d}{year % 100:02d}{k:04d}"
        rows.append(
            (nik, name, f"{day:02d}-{month:02d}-{year}", "L" if k % 2 else "P", mother,
             ["BOGOR", "CIANJUR", "GARUT"][k % 3], f"32010{k:011d}", "1", "CIBINONG", "A")
        )  # fmt: skip
    return rows


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COLUMNS, orient="row").with_columns(
        pl.lit("a.xlsx").alias("source"),
        pl.lit("DATA").alias("sheet"),
        pl.int_range(2, pl.len() + 2).alias("row"),
    )


def _name_level(a: str, b: str) -> str:
    rows = [
        ("3201011203880001", a, "12-03-1988", "L", "SUMARNI", "BOGOR", None, None, "X", "Y"),
        ("3201011203880002", b, "12-03-1988", "L", "SUMARNI", "BOGOR", None, None, "X", "Y"),
    ]
    prepared = prepare(_frame(rows), DedupConfig())
    pairs = pl.DataFrame({"i": [0], "j": [1]}, schema={"i": pl.UInt32, "j": pl.UInt32})
    return NAMA.names[compare_pairs(prepared, pairs)[NAMA.column].item()]


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("ALI", "ALN", "mirip"),  # one letter mistyped
        ("SITI RAHAYU", "SITI RAHAUY", "mirip"),  # two letters swapped
        ("Y. SUPRIATNA", "YAYAT SUPRIATNA", "mirip"),  # a token written as its initial
        ("DENI S. GUNAWAN", "DENI SETIAWAN GUNAWAN", "mirip"),
        ("ST. MULYANI", "SITI MULYANI", "sama"),  # a spelling class, not only similar
        ("P. SUPRIATNA", "AGUS SUPRIATNA", "mirip_lemah"),  # the initial is not the other's
        ("DEDE RAMDANI", "DEDE SOPIAN", "mirip_lemah"),  # twins share a token, not a variant
        ("SLAMET RIYADI", "BAMBANG RIYADI", "token_sama"),  # one name part replaced
        ("BUDI", "SLAMET", "beda"),
    ],
)
def test_name_variant_levels(a: str, b: str, level: str) -> None:
    assert _name_level(a, b) == level


def _moved(name_b: str, mother_b: str = "SUMARNI WIDYASTUTI") -> pl.DataFrame:
    """A person listed again in another village under a name variant and another NIK."""
    first = ("3201051203880007", "YAYAT SUPRIATNA", "12-03-1988", "L", "SUMARNI WIDYASTUTI",
             "KEBUMEN", "3201050000000001", "1", "CIBINONG", "A")  # fmt: skip
    again = ("3201091203880042", name_b, "12-03-1988", "L", mother_b, "KEBUMEN",
             "3201090000000002", "1", "CITEUREUP", "B")  # fmt: skip
    return _frame([*_background(), first, again])


def _decision(result, i: int, j: int) -> str | None:
    hit = result.pairs.filter(
        (pl.col("_rid_a") == i) & (pl.col("_rid_b") == j) & (pl.col("class") != "keluarga_ganda")
    )
    return hit["decision"].item() if hit.height else None


# A prior as small as in a list of a million rows puts the pair in the review band.
_BIG_LIST = {"model": {"prior": 2e-7}}


def test_identity_rule_groups_a_moved_person_with_a_name_variant() -> None:
    rows = len(_background())
    result = dedup_frame(_moved("Y. SUPRIATNA"), DedupConfig(**_BIG_LIST))  # type: ignore[arg-type]
    pair = result.pairs.filter(pl.col("_rid_a") == rows)
    assert 0.8 <= pair["score"].item() < 0.95
    assert _decision(result, rows, rows + 1) == "ganda"
    groups = result.clusters["cluster_id"]
    assert groups[rows] == groups[rows + 1]
    off = DedupConfig(**_BIG_LIST, thresholds={"identity_rule": False})  # type: ignore[arg-type]
    without = dedup_frame(_moved("Y. SUPRIATNA"), off)
    assert _decision(without, rows, rows + 1) == "tinjau"
    assert without.clusters["cluster_id"][rows] != without.clusters["cluster_id"][rows + 1]


def test_identity_rule_needs_the_same_mother_and_a_name_variant() -> None:
    rows = len(_background())
    # Twins: same date, mother and birthplace, another given name.
    config = DedupConfig(**_BIG_LIST)  # type: ignore[arg-type]
    twins = dedup_frame(_moved("DEDE SUPRIATNA"), config)
    assert _decision(twins, rows, rows + 1) != "ganda"
    other_mother = dedup_frame(_moved("Y. SUPRIATNA", mother_b="ENOK RAHAYU"), config)
    assert _decision(other_mother, rows, rows + 1) != "ganda"


_TEXT = st.one_of(st.none(), st.sampled_from(["", "SITI", "SITI AMINAH", "ALI", "ALN", "BUDI"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), max_size=12), st.booleans())
def test_batched_similarities_equal_rapidfuzz_one_by_one(pairs, distinct) -> None:
    left = pl.Series([p[0] for p in pairs], dtype=pl.String)
    right = pl.Series([p[1] for p in pairs], dtype=pl.String)
    jw, tsr, osa = _similarities(left, right, [_JW, _TOKEN_SET, _OSA], distinct=distinct)
    for k, (a, b) in enumerate(pairs):
        if a is None or b is None:
            assert (jw[k], tsr[k], osa[k]) == (0.0, 0.0, 99.0)
        else:
            assert jw[k] == pytest.approx(distance.JaroWinkler.normalized_similarity(a, b))
            assert osa[k] == distance.OSA.distance(a, b)
            expected = 100.0 if a == b else fuzz.token_set_ratio(a, b)
            assert tsr[k] == pytest.approx(expected, abs=1e-4)


def _with_jobs(frame: pl.DataFrame, job_a: str | None, job_b: str | None) -> pl.DataFrame:
    """The moved-person list with an occupation column (background rows: one job each)."""
    rows = frame.height
    jobs = [f"PEKERJAAN {k}" for k in range(rows - 2)] + [job_a, job_b]
    return frame.with_columns(pl.Series("pekerjaan", jobs, dtype=pl.String))


@pytest.mark.parametrize(
    ("job_a", "job_b", "decision"),
    [
        ("PETANI/PEKEBUN", "PETANI / PEKEBUN", "ganda"),  # same occupation, other spacing
        ("PETANI/PEKEBUN", None, "ganda"),  # missing: neutral
        ("PETANI/PEKEBUN", "PEDAGANG", "tinjau"),  # another occupation: not automatic
    ],
)
def test_identity_rule_needs_an_occupation_that_does_not_disagree(
    job_a: str, job_b: str | None, decision: str
) -> None:
    rows = len(_background())
    frame = _with_jobs(_moved("Y. SUPRIATNA"), job_a, job_b)
    result = dedup_frame(frame, DedupConfig(**_BIG_LIST))  # type: ignore[arg-type]
    assert _decision(result, rows, rows + 1) == decision
    level = result.pairs.filter(pl.col("_rid_a") == rows)["level_pekerjaan"].item()
    assert level == {"ganda": "sama", "tinjau": "beda"}.get(decision) or job_b is None


def test_occupation_u_is_measured_between_people_of_one_birth_date_and_sex() -> None:
    # Occupation follows sex here: two random people share it half the time, two of the
    # same sex born on the same day always. The u of agreement is taken from the latter.
    n = 4000
    rng = np.random.default_rng(5)
    letters = np.array(list("ABCDEGHIKLMNOPRSTUWY"))

    def words(count: int) -> list[str]:
        return ["".join(rng.choice(letters, 8)) for _ in range(count)]

    frame = pl.DataFrame(
        {
            "nama": words(n),
            "nama_ibu_kandung": words(n),
            "tanggal_lahir": [f"1980-01-{1 + k % 20:02d}" for k in range(n)],
            "jenis_kelamin": ["L" if k % 2 else "P" for k in range(n)],
            "pekerjaan": ["PETANI" if k % 2 else "MENGURUS RUMAH TANGGA" for k in range(n)],
        }
    )
    prepared = prepare(frame, DedupConfig())
    u = estimate_u(prepared, samples=100_000, seed=1)
    assert u["pekerjaan"][1] > 0.8
    random_pairs = (
        prepared.sample(2000, seed=2)["job_key"] == prepared.sample(2000, seed=3)["job_key"]
    )
    assert random_pairs.mean() < 0.6  # type: ignore[operator]
