"""Totals: each side by its own region columns, the cross table, the difference column,
and the column statistics."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core.vocabulary import COLUMN_STATS, REGION_CROSS, REGIONS, ROW, SHEET, SOURCE
from bansos_cli.reconcile import ReconcileOptions, amount_expr, reconcile_frames


def side(rows: list[tuple[str | None, str, str, str, str]], source: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "nik": [r[0] for r in rows],
            "nama": [r[1] for r in rows],
            "nominal": [r[2] for r in rows],
            "kecamatan": [r[3] for r in rows],
            "desa": [r[4] for r in rows],
            SOURCE: source,
            SHEET: "",
            ROW: list(range(2, 2 + len(rows))),
        },
        schema_overrides=dict.fromkeys(("nik", "nama", "nominal", "kecamatan", "desa"), pl.String),
    )


NIK = st.sampled_from([f"32010101019000{i:02d}" for i in range(6)] + [None])
PLACES = [("CIBINONG", "PAKANSARI"), ("Cibinong", "pakansari "), ("CIBINONG", "TENGAH"),
          ("CITEUREUP", "PUSPANEGARA"), ("", "")]  # fmt: skip
PLACE = st.sampled_from(PLACES)
ROWS = st.lists(
    st.tuples(NIK, st.sampled_from(["ANI", "ANI S", "BUDI"]),
              st.sampled_from(["600000", "300000", "Rp 200.000", "?"]), PLACE),
    max_size=10,
).map(lambda rows: [(n, a, rp, k, d) for n, a, rp, (k, d) in rows])  # fmt: skip


def own_totals(frame: pl.DataFrame) -> dict[tuple, tuple[int, int]]:
    """An independent sum of one list per its own (normalised) kecamatan and desa."""

    def norm(c: str) -> pl.Expr:
        text = pl.col(c).str.strip_chars().str.to_uppercase()
        return pl.when(text.str.len_chars() > 0).then(text)

    sums = frame.group_by(norm("kecamatan"), norm("desa")).agg(
        pl.len(), amount_expr(pl.col("nominal")).fill_null(0).sum().alias("rp")
    )
    return {(k, d): (n, rp) for k, d, n, rp in sums.rows()}


@settings(max_examples=40, deadline=None)
@given(ROWS, ROWS, st.booleans())
def test_each_side_totals_by_its_own_regions(left_rows, right_rows, fuzzy) -> None:
    left, right = side(left_rows, "sk"), side(right_rows, "bank")
    result = reconcile_frames(left, right, ReconcileOptions(fuzzy=fuzzy))
    regions = result.by_region
    assert regions is not None
    assert REGIONS.problems({c: str(t) for c, t in regions.schema.items()}) == []
    for frame, rows, rp in ((left, "rows_left", "rp_left"), (right, "rows_right", "rp_right")):
        got = {
            (k, d): (n, r)
            for k, d, n, r in regions.select("kecamatan", "desa", rows, rp).rows()
            if n
        }
        assert got == own_totals(frame)
    assert regions["difference_rp"].sum() == result.right.amount_total - result.left.amount_total
    # the per-category counts add up to the people of each side
    counts = regions.select(pl.col("^n_.*$").sum()).row(0, named=True)
    assert (
        counts.pop("n_hanya_kanan") + sum(counts.values())
        == left.height + (result.frame["category"] == "hanya_kanan").sum()
    )
    # every row's own difference adds up to the total difference
    assert result.frame["difference_rp"].sum() == regions["difference_rp"].sum()


def test_a_pair_across_regions_counts_in_each_sides_own_region() -> None:
    left = side(
        [
            ("3201010101900001", "ANI", "600000", "CIBINONG", "PAKANSARI"),
            ("3201010101900002", "BUDI", "600000", "CIBINONG", "PAKANSARI"),
            ("3201010101900003", "CICI", "600000", "CIBINONG", "TENGAH"),
        ],
        "sk",
    )
    right = side(
        [
            ("3201010101900001", "ANI", "600000", "CIBINONG", "PAKANSARI"),
            ("3201010101900002", "BUDI", "600000", "CITEUREUP", "PUSPANEGARA"),  # moved
            ("3201010101900003", "CICI", "600000", "cibinong", "Tengah"),  # only the case
        ],
        "bank",
    )
    result = reconcile_frames(left, right)
    regions = result.by_region
    assert regions is not None
    assert regions.select(
        "kecamatan", "desa", "rows_left", "rows_right", "rp_left", "rp_right", "difference_rp"
    ).rows() == [  # fmt: skip
        ("CIBINONG", "PAKANSARI", 2, 1, 1_200_000, 600_000, -600_000),
        ("CIBINONG", "TENGAH", 1, 1, 600_000, 600_000, 0),
        ("CITEUREUP", "PUSPANEGARA", 0, 1, 0, 600_000, 600_000),
    ]
    # BUDI is a pair (cocok_beda: the region differs), counted on the decree's side
    assert regions["n_cocok_beda"].to_list() == [1, 0, 0]
    cross = result.region_cross
    assert cross is not None
    assert REGION_CROSS.problems({c: str(t) for c, t in cross.schema.items()}) == []
    assert cross.rows(named=True) == [
        {"kecamatan_left": "CIBINONG", "desa_left": "PAKANSARI",
         "kecamatan_right": "CITEUREUP", "desa_right": "PUSPANEGARA",
         "pairs": 1, "rp_left": 600_000, "rp_right": 600_000, "difference_rp": 0},
    ]  # fmt: skip


def test_column_statistics_like_datacompy() -> None:
    left = side(
        [
            ("3201010101900001", "ANI", "600000", "CIBINONG", "PAKANSARI"),
            ("3201010101900002", "BUDI", "600000", "CIBINONG", ""),
            ("3201010101900003", "CICI", "600000", "CIBINONG", "TENGAH"),
            ("3201010101900004", "DEDI", "600000", "CIBINONG", "TENGAH"),
        ],
        "sk",
    )
    right = side(
        [
            ("3201010101900001", "ANI", "599500", "CIBINONG", "PAKANSARI"),
            ("3201010101900002", "BUDI", "300000", "CIBINONG", "TENGAH"),
            ("3201010101900003", "CICI", "600000", "CIBINONG", "TENGAH"),
            ("3201010101900004", "DEDI S", "Rp 600.000", "CIBINONG", "tengah"),
        ],
        "bank",
    )
    options = ReconcileOptions(tolerance={"nominal": "1000"})
    stats = reconcile_frames(left, right, options).column_stats
    assert COLUMN_STATS.problems({c: str(t) for c, t in stats.schema.items()}) == []
    assert stats.rows() == [
        # column, kind, pairs, equal, unequal, rate, null_mismatches, within, max, abs, rel
        ("nik", "identitas", 4, 4, 0, 1.0, 0, 0, None, None, None),
        ("nama", "nama", 4, 3, 1, 0.75, 0, 0, None, None, None),
        ("nominal", "angka", 4, 3, 1, 0.75, 0, 1, 300_000.0, 1000.0, 0.0),
        ("kecamatan", "teks", 4, 4, 0, 1.0, 0, 0, None, None, None),
        ("desa", "teks", 4, 3, 1, 0.75, 1, 0, None, None, None),
    ]
