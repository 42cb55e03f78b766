"""reconcile_frames: matching, categories, per-field differences, totals."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core import vocabulary
from bansos_cli.core.errors import OptionError
from bansos_cli.core.vocabulary import (
    CANDIDATE_HINT,
    CATEGORY,
    DIFFERENCE_RP,
    DIFFERENCES,
    FUZZY_EVIDENCE,
    FUZZY_SCORE,
    GROUP_DIFFERENCE_RP,
    KEY,
    MATCH_METHOD,
    NAME_SCORE,
    NAME_STATUS,
    RECONCILIATION,
    ROW,
    RP,
    SHEET,
    SOURCE,
    N,
    differs_column,
    row_key,
    sided,
)
from bansos_cli.reconcile import (
    CATEGORIES,
    SWAPPED,
    ReconcileOptions,
    amount_expr,
    id_key_expr,
    reconcile_frames,
)

# LEFT and RIGHT name the two lists below; the sides of a column are vocabulary.LEFT/RIGHT.
SIDES = (vocabulary.LEFT, vocabulary.RIGHT)
ROW_L, ROW_R = (sided(ROW, side) for side in SIDES)
RP_L, RP_R = (sided(RP, side) for side in SIDES)
N_L, N_R = (sided(N, side) for side in SIDES)


def side(rows: list[tuple[str | None, str, str, str]], source: str) -> pl.DataFrame:
    """A frame in the ingest contract: text columns + source, sheet, row."""
    return pl.DataFrame(
        {
            "no": [str(i + 1) for i in range(len(rows))],
            "nik": [r[0] for r in rows],
            "nama": [r[1] for r in rows],
            "nominal": [r[2] for r in rows],
            "kecamatan": [r[3] for r in rows],
            SOURCE: source,
            SHEET: "Sheet1",
            ROW: list(range(5, 5 + len(rows))),
        },
        schema_overrides={"nik": pl.String},
    )


LEFT = side(
    [
        ("3201014501900001", "SITI AMINAH", "Rp 600.000", "Cibinong"),
        ("3201010101900002", "BUDI SANTOSO", "600.000,00", "CIBINONG"),
        ("3201010101900003", "ANI", "600000", "Bojonggede"),
        ("3201010101900004", "DEDI", "600000", "Bojonggede"),
        ("3201010101900005", "EKO", "600000", "Bojonggede"),
        (None, "FAJAR", "600000", "Citeureup"),
        ("3201010101900007", "GITA PERMATA", "600000", "Citeureup"),
        ("3201010101900009", "HADI", "600000", "Citeureup"),
    ],
    "sk.xlsx",
)
RIGHT = side(
    [
        ("3201 0145 0190 0001", "Siti Amina", "600000", "CIBINONG"),
        ("3201010101900002.0", "BUDI SANTOSO", "300000", "CIBINONG"),
        ("3201010101900003", "ANI", "Rp600.000,-", "BOJONGGEDE"),
        ("3201010101900004", "DEDI", "600000", "BOJONGGEDE"),
        ("3201010101900004", "DEDI", "600000", "BOJONGGEDE"),
        ("3201010101900099", "FAJAR", "600000", "CITEUREUP"),
        ("3201010101900008", "GITA PERMATA", "600000", "CITEUREUP"),
        ("3201010101900009", "JOKO WIDODO", "600000", "CITEUREUP"),
    ],
    "salur.xlsx",
)


def by_row(result_frame: pl.DataFrame, column: str, row: int) -> dict:
    return result_frame.filter(pl.col(column) == row).row(0, named=True)


def test_categories_and_differences() -> None:
    result = reconcile_frames(LEFT, RIGHT)
    frame = result.frame
    assert result.counts == {
        "cocok": 1,
        "cocok_beda": 3,
        "bayar_ganda": 3,
        "bayar_terpecah": 0,
        "bayar_terpecah_kurang": 0,
        "ambigu": 0,
        "hanya_kiri": 3,
        "hanya_kanan": 2,
    }
    siti = by_row(frame, ROW_L, 5)
    assert siti[CATEGORY] == "cocok_beda"
    assert siti[DIFFERENCES] == "nama"
    assert siti[NAME_STATUS] == "varian"
    assert siti[NAME_SCORE] == pytest.approx(95.2, abs=0.1)
    assert siti[ROW_R] == 5
    budi = by_row(frame, ROW_L, 6)
    assert (budi[DIFFERENCES], budi[RP_L], budi[RP_R], budi[DIFFERENCE_RP]) == (
        "nominal",
        600_000,
        300_000,
        -300_000,
    )
    ani = by_row(frame, ROW_L, 7)
    assert ani[CATEGORY] == "cocok"  # case of kecamatan and amount format do not matter
    assert ani[differs_column("kecamatan")] is False
    hadi = by_row(frame, ROW_L, 12)
    assert (hadi[CATEGORY], hadi[NAME_STATUS]) == ("cocok_beda", "beda")
    # DEDI: decreed once, paid twice (the same name on both transfers)
    dedi = frame.filter(pl.col(KEY) == "3201010101900004")
    assert dedi[CATEGORY].to_list() == ["bayar_ganda"] * 3
    assert dedi[N_R].to_list() == [2, 2, 2]
    assert dedi[GROUP_DIFFERENCE_RP].to_list() == [600_000] * 3
    assert dedi[DIFFERENCE_RP].to_list() == [-600_000, 600_000, 600_000]
    assert result.left.key_missing == 1
    assert result.right.duplicate_keys == 2
    assert result.compared == ["nik", "nama", "nominal", "kecamatan"]
    assert result.name_outcomes == {"sama": 2, "varian": 1, "beda": 1}


def test_totals_explain_the_difference() -> None:
    result = reconcile_frames(LEFT, RIGHT)
    cats = {r[CATEGORY]: r for r in result.by_category.iter_rows(named=True)}
    assert cats["cocok_beda"][DIFFERENCE_RP] == -300_000
    assert cats["hanya_kiri"][DIFFERENCE_RP] == -1_800_000
    assert cats["hanya_kanan"][DIFFERENCE_RP] == 1_200_000
    assert cats["bayar_ganda"][DIFFERENCE_RP] == 600_000  # the second payment to DEDI
    assert cats["ambigu"][DIFFERENCE_RP] == 0
    assert result.by_category.columns == [
        "category", "rows", "rows_left", "rows_right", "rp_left", "rp_right", "difference_rp"
    ]  # fmt: skip
    explained = sum(e[DIFFERENCE_RP] for e in result.explanation())
    assert explained == result.right.amount_total - result.left.amount_total == -300_000
    region = result.by_region
    assert region is not None
    assert region["kecamatan"].to_list() == ["BOJONGGEDE", "CIBINONG", "CITEUREUP"]
    assert region.filter(pl.col("kecamatan") == "CIBINONG")[DIFFERENCE_RP].item() == -300_000
    assert region.columns == [
        "kecamatan", "rows_left", "rows_right", "rp_left", "rp_right", "difference_rp",
        *(f"n_{c}" for c in CATEGORIES),
    ]  # fmt: skip
    bojong = region.filter(pl.col("kecamatan") == "BOJONGGEDE").row(0, named=True)
    assert (bojong["rows_left"], bojong["rows_right"]) == (3, 3)
    # counted on their side: DEDI's decree row (not the two transfers), EKO unpaid
    assert (bojong["n_bayar_ganda"], bojong["n_hanya_kiri"], bojong["n_cocok"]) == (1, 1, 1)


def test_fuzzy_fallback_pairs_a_mistyped_nik() -> None:
    result = reconcile_frames(LEFT, RIGHT, ReconcileOptions(fuzzy=True))
    gita = by_row(result.frame, ROW_L, 11)
    assert gita[MATCH_METHOD] == "fuzzy"
    # two independent pieces: the NIK one digit off, and the same kecamatan
    assert gita[FUZZY_EVIDENCE] == "nik_mirip,wilayah_sama"
    assert gita[FUZZY_SCORE] == 100.0
    assert gita[CATEGORY] == "cocok_beda"
    assert gita[DIFFERENCES] == "nik"
    assert gita[differs_column("nik")] is True
    # FAJAR has no NIK on the left: the same name and kecamatan are one piece of evidence,
    # not enough: both rows stay unpaired and point at each other.
    fajar = by_row(result.frame, ROW_L, 10)
    assert fajar[CATEGORY] == "hanya_kiri"
    assert (fajar[CANDIDATE_HINT], fajar[FUZZY_EVIDENCE]) == ("kandidat", "wilayah_sama")
    assert (fajar[sided(ROW, "candidate")], fajar[sided(SOURCE, "candidate")]) == (10, "salur.xlsx")
    paid_fajar = by_row(result.frame, ROW_R, 10)
    assert (paid_fajar[CATEGORY], paid_fajar[sided(ROW, "candidate")]) == ("hanya_kanan", 10)
    assert result.fuzzy_pairs == 1
    assert result.candidate_hints == {"kandidat": 2, "kandidat_setara": 0}


def test_options_tolerance_ignore_rename_case() -> None:
    right = RIGHT.rename({"nominal": "jumlah"})
    options = ReconcileOptions(
        renames={"jumlah": "nominal"}, amount_tolerance=300_000, ignore=("nama",)
    )
    result = reconcile_frames(LEFT, right, options)
    assert result.compared == ["nik", "nominal", "kecamatan"]
    budi = by_row(result.frame, ROW_L, 6)
    assert budi[CATEGORY] == "cocok"
    strict = reconcile_frames(LEFT, RIGHT, ReconcileOptions(case_insensitive=False))
    assert by_row(strict.frame, ROW_L, 7)[DIFFERENCES] == "kecamatan"


def test_composite_key_and_missing_column_errors() -> None:
    result = reconcile_frames(LEFT, RIGHT, ReconcileOptions(keys=("nik", "kecamatan")))
    assert by_row(result.frame, ROW_L, 7)[KEY] == "3201010101900003|BOJONGGEDE"
    with pytest.raises(OptionError, match="key column 'nkk' is not in the left list"):
        reconcile_frames(LEFT, RIGHT, ReconcileOptions(keys=("nkk",)))
    with pytest.raises(OptionError, match="compare column 'desa' is not in the left list"):
        reconcile_frames(LEFT, RIGHT, ReconcileOptions(compare=("desa",)))


def test_key_normalisation() -> None:
    full_width = "".join(chr(0xFF10 + int(d)) for d in "3201010101900001")
    raw = pl.Series(
        ["3201 0101.0190-0001", "'3201010101900001", full_width,
         "3201010101900001.0", "3.20101E+15", "-", None]
    )  # fmt: skip
    keys = raw.to_frame("v").select(id_key_expr(pl.col("v"))).to_series().to_list()
    assert keys == ["3201010101900001"] * 4 + [None, None, None]


def test_amount_parsing() -> None:
    raw = ["Rp 1.200.000", "1.200.000,00", "1200000", "Rp1.200.000,-", "1,200,000.00",
           "1200000.0", "1.2E+06", "IDR 1.200.000", "(1.200.000)", "seribu", "", None]  # fmt: skip
    parsed = pl.Series(raw).to_frame("v").select(amount_expr(pl.col("v"))).to_series()
    assert parsed.to_list() == [1_200_000] * 8 + [-1_200_000, None, None, None]


NIKS = st.sampled_from([f"32010101019000{i:02d}" for i in range(8)] + [None, "x"])
ROWS = st.lists(
    st.tuples(NIKS, st.sampled_from(["ANI", "BUDI", "SITI AMINAH", "SITI AMINA"]),
              st.sampled_from(["600000", "Rp 300.000", "?"]), st.just("A")),
    max_size=12,
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(ROWS, ROWS, st.booleans())
def test_every_row_once_and_swap_swaps_categories(left_rows, right_rows, fuzzy) -> None:
    left, right = side(left_rows, "l"), side(right_rows, "r")
    options = ReconcileOptions(fuzzy=fuzzy)
    result = reconcile_frames(left, right, options)
    frame = result.frame
    left_seen = frame[ROW_L].drop_nulls().sort().to_list()
    right_seen = frame[ROW_R].drop_nulls().sort().to_list()
    assert left_seen == left[ROW].to_list()
    assert right_seen == right[ROW].to_list()
    explained = sum(e[DIFFERENCE_RP] for e in result.explanation())
    assert explained == result.right.amount_total - result.left.amount_total

    assert sum(frame[DIFFERENCE_RP].to_list()) == explained  # the column adds up too

    swapped = reconcile_frames(right, left, options)

    def outcomes(f: pl.DataFrame, a: str, b: str, swap: bool) -> list[tuple]:
        # one decree row and several transfers become several left rows and one right row
        # when swapped, which is never decided: compare with the many-to-one ones as ambigu
        rows = f.select(CATEGORY, a, b).rows()
        return sorted((SWAPPED[SWAPPED[c]] if not swap else SWAPPED[c], x or -1, y or -1)
                      for c, x, y in rows)  # fmt: skip

    assert outcomes(frame, ROW_L, ROW_R, swap=False) == outcomes(
        swapped.frame, ROW_R, ROW_L, swap=True
    )


SHORT_KEYS = st.sampled_from(["0123", "123", "1230", "12", "3201010101900001", None, "x"])
MIXED_ROWS = st.lists(
    st.tuples(st.one_of(NIKS, SHORT_KEYS), st.sampled_from(["ANI", "BUDI", "Ani", "CICI"]),
              st.sampled_from(["600000", "300000"]), st.sampled_from(["A", "B"])),
    max_size=12,
)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(MIXED_ROWS, MIXED_ROWS, st.sampled_from([("nik",), ("nama",), ("nik", "kecamatan")]))
def test_order_counts_and_categories_follow_the_keys(left_rows, right_rows, keys) -> None:
    """Rows come ordered by category, key text, left row, right row (nulls last), whatever
    the key lengths; n_left/n_right count the key on each side; pairs are one-to-one keys."""
    left, right = side(left_rows, "l"), side(right_rows, "r")
    frame = reconcile_frames(left, right, ReconcileOptions(keys=keys)).frame
    rows = frame.select(CATEGORY, KEY, ROW_L, ROW_R).rows()
    rank = {c: i for i, c in enumerate(CATEGORIES)}

    def order(row: tuple) -> tuple:
        category, key, left_row, right_row = row
        return (rank[category], key is None, key or "", left_row is None, left_row or 0,
                right_row is None, right_row or 0)  # fmt: skip

    assert rows == sorted(rows, key=order)

    def key_counts(df: pl.DataFrame) -> dict[str, int]:
        keyed = reconcile_frames(df, df.head(0), ReconcileOptions(keys=keys)).frame
        return dict(keyed.drop_nulls(KEY).group_by(KEY).len().rows())

    left_n, right_n = key_counts(left), key_counts(right)
    for row in frame.drop_nulls(KEY).iter_rows(named=True):
        key = row[KEY]
        assert (row[N_L], row[N_R]) == (left_n.get(key, 0), right_n.get(key, 0))
        one_to_one = left_n.get(key, 0) == 1 and right_n.get(key, 0) == 1
        assert (row[CATEGORY] in ("cocok", "cocok_beda")) == one_to_one
        if row[CATEGORY] == "ambigu":
            assert left_n.get(key, 0) > 0 and right_n.get(key, 0) > 0
        if row[CATEGORY].startswith("bayar_"):
            assert left_n.get(key, 0) == 1 and right_n.get(key, 0) > 1


def test_keys_of_different_lengths_sort_as_text() -> None:
    keys = ("13", "123", "0123", "1230", "12", None, "0999")
    left = side([(k, "ANI", "600000", "A") for k in keys], "l")
    right = side([(k, "ANI", "600000", "A") for k in ("999", "0999", "12", "12")], "r")
    frame = reconcile_frames(left, right).frame
    assert frame.select(CATEGORY, KEY).rows() == [
        ("cocok", "0999"),
        ("bayar_ganda", "12"),
        ("bayar_ganda", "12"),
        ("bayar_ganda", "12"),
        ("hanya_kiri", "0123"),
        ("hanya_kiri", "123"),
        ("hanya_kiri", "1230"),
        ("hanya_kiri", "13"),
        ("hanya_kiri", None),
        ("hanya_kanan", "999"),
    ]
    assert frame.filter(pl.col(KEY) == "12")[ROW_R].to_list() == [None, 7, 8]
    # Keys of 18 digits (the longest kept as integers) still sort as text.
    long_keys = ("999999999999999999", "100000000000000001", "100000000000000000")
    left = side([(k, "ANI", "600000", "A") for k in long_keys], "l")
    frame = reconcile_frames(left, left.head(0)).frame
    assert frame[KEY].to_list() == sorted(long_keys)


def test_columns_follow_the_declaration() -> None:
    """reconciliation.parquet is core.vocabulary.RECONCILIATION: the declared columns with
    their types, and per carried column its value on each side and (compared) a flag."""
    frame = reconcile_frames(LEFT, RIGHT, ReconcileOptions(fuzzy=True)).frame
    tail = (*row_key(SIDES[0]), *row_key(SIDES[1]), *row_key("candidate"))
    head = [c for c in RECONCILIATION.names if c not in tail]
    per_field = [
        name
        for f in ("nik", "nama", "nominal", "kecamatan")
        for name in (*(sided(f, side) for side in SIDES), differs_column(f))
    ]
    assert frame.columns == [*head, *per_field, *tail]
    assert RECONCILIATION.problems({c: str(t) for c, t in frame.schema.items()}) == []
    assert frame.select(per_field[2::3]).schema == dict.fromkeys(per_field[2::3], pl.Boolean)
