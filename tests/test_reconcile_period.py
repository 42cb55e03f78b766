"""The period mode: masuk, keluar, tetap, berubah (which fields), and the family view."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bansos_cli import api
from bansos_cli.core.vocabulary import FAMILIES, ROW, SHEET, SOURCE
from bansos_cli.reconcile import PERIOD_CATEGORIES, ReconcileOptions, reconcile_frames
from bansos_cli.sample import generate_period_pair, write_period_pair

K = "32010120021500"  # KK numbers below: K + two digits


def members(rows: list[tuple[str, str | None, str, str]], source: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "nik": [r[0] for r in rows],
            "no_kk": [r[1] for r in rows],
            "nama": [r[2] for r in rows],
            "nominal": [r[3] for r in rows],
            SOURCE: source,
            SHEET: "",
            ROW: list(range(2, 2 + len(rows))),
        },
        schema_overrides={"no_kk": pl.String},
    )


OLD = members(
    [
        ("1001", K + "01", "A1", "300000"), ("1002", K + "01", "A2", "0"),  # stays
        ("2001", K + "02", "B1", "300000"), ("2002", K + "02", "B2", "0"),  # B2: pecah KK
        ("3001", K + "03", "C1", "300000"),  # the family leaves
        ("4001", K + "04", "D1", "300000"), ("4002", K + "04", "D2", "0"),  # new KK number
        ("5001", None, "E1", "300000"),  # no KK number: a family of its own
        ("6001", K + "06", "F1", "300000"), ("6002", K + "06", "F2", "0"),  # F2 leaves
    ],
    "lama.xlsx",
)  # fmt: skip
NEW = members(
    [
        ("1001", K + "01", "A1", "300000"), ("1002", K + "01", "A2", "0"),
        ("2001", K + "02", "B1", "300000"), ("2002", K + "05", "B2", "300000"),
        ("4001", K + "07", "D1", "300000"), ("4002", K + "07", "D2", "0"),
        ("4003", K + "07", "D3", "0"),  # a baby joins the renumbered family
        ("7001", K + "08", "G1", "300000"),  # a new family
        ("5001", None, "E1", "300000"),
        ("6001", K + "06", "F1", "300000"),
    ],
    "baru.xlsx",
)  # fmt: skip


def test_person_categories_and_changed_fields() -> None:
    result = reconcile_frames(OLD, NEW, ReconcileOptions(period=True))
    rows = result.frame.select("category", "key", "differences").rows()
    assert rows == [
        ("tetap", "1001", ""), ("tetap", "1002", ""), ("tetap", "2001", ""),
        ("tetap", "5001", ""), ("tetap", "6001", ""),
        ("berubah", "2002", "no_kk,nominal"), ("berubah", "4001", "no_kk"),
        ("berubah", "4002", "no_kk"),
        ("keluar", "3001", None), ("keluar", "6002", None),
        ("masuk", "4003", None), ("masuk", "7001", None),
    ]  # fmt: skip
    assert list(result.counts) == list(PERIOD_CATEGORIES)
    assert result.counts == {"tetap": 5, "berubah": 3, "ambigu": 0, "keluar": 2, "masuk": 2}
    cats = {r["category"]: r["difference_rp"] for r in result.by_category.iter_rows(named=True)}
    assert cats == {"tetap": 0, "berubah": 300_000, "ambigu": 0, "keluar": -300_000,
                    "masuk": 300_000}  # fmt: skip


def test_family_view_follows_people_not_numbers() -> None:
    families = reconcile_frames(OLD, NEW, ReconcileOptions(period=True)).families
    assert families is not None
    assert FAMILIES.problems({c: str(t) for c, t in families.schema.items()}) == []
    got = families.select(
        "category", "changes", "no_kk_left", "no_kk_right", "members_left", "members_right",
        "n_tetap", "n_berubah", "n_keluar", "n_masuk",
    ).rows()  # fmt: skip
    assert got == [
        ("tetap", "", K + "01", K + "01", 2, 2, 2, 0, 0, 0),
        ("tetap", "", None, None, 1, 1, 1, 0, 0, 0),  # E1, without a KK number
        ("berubah", "pecah", K + "02", f"{K}02,{K}05", 2, 2, 1, 1, 0, 0),
        ("berubah", "no_kk,anggota_masuk", K + "04", K + "07", 2, 3, 0, 2, 0, 1),
        ("berubah", "anggota_keluar", K + "06", K + "06", 2, 1, 1, 0, 1, 0),
        ("keluar", "", K + "03", None, 1, 0, 0, 0, 1, 0),
        ("masuk", "", None, K + "08", 0, 1, 0, 0, 0, 1),
    ]
    # the family's money: the split-off member now receives 300.000
    split = families.filter(pl.col("changes") == "pecah").row(0, named=True)
    assert (split["rp_left"], split["rp_right"], split["difference_rp"]) == (300_000, 600_000,
                                                                            300_000)  # fmt: skip


def test_two_families_merging_into_one() -> None:
    old = members([("1", K + "01", "A", "0"), ("2", K + "02", "B", "0")], "l")
    new = members([("1", K + "09", "A", "0"), ("2", K + "09", "B", "0")], "r")
    families = reconcile_frames(old, new, ReconcileOptions(period=True)).families
    assert families is not None
    assert families.select("category", "changes", "no_kk_left", "no_kk_right").rows() == [
        ("berubah", "gabung", f"{K}01,{K}02", K + "09")
    ]


def test_no_family_view_without_kk_numbers_or_outside_the_period_mode() -> None:
    assert reconcile_frames(OLD.drop("no_kk"), NEW.drop("no_kk"),
                            ReconcileOptions(period=True)).families is None  # fmt: skip
    assert reconcile_frames(OLD, NEW).families is None


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pl.DataFrame]:
    out = tmp_path_factory.mktemp("periode")
    pair = generate_period_pair(4000, 31, region="3201")
    old, new, truth = write_period_pair(pair, out / "lama.xlsx", out / "baru.parquet",
                                        out / "truth.parquet")  # fmt: skip
    return old, new, pl.read_parquet(truth)


def test_generated_periods_match_the_truth(generated: tuple[Path, Path, pl.DataFrame]) -> None:
    """Every person of both periods in its category, with exactly the fields that changed;
    every family event found at the family level."""
    old, new, truth = generated
    result = api.reconcile(old, new, period=True)
    frame = result.frames["reconciliation"]
    assert result.summary["mode"] == "periode"
    for side, column in (("row_left", "old_row"), ("row_right", "new_row")):
        got = frame.filter(pl.col(side).is_not_null()).select(
            pl.col(side).alias(column), "category", "differences"
        )
        joined = truth.filter(pl.col(column).is_not_null()).join(got, on=column, how="full")
        assert joined.height == truth[column].count() == got.height  # each row exactly once
        assert (joined["status"] == joined["category"]).all()
        changed = joined.filter(pl.col("status") == "berubah")
        expected = changed["changes"].list.sort().list.join(",")
        assert (changed["differences"].str.split(",").list.sort().list.join(",")
                == expected).all()  # fmt: skip
    families = result.frames["families"]

    def kk_of(event: str, column: str) -> set[str]:
        return set(truth.filter(pl.col("problems").list.contains(event))[column])

    def family(category: str, change: str | None = None) -> set[str]:
        found = families.filter(pl.col("category") == category)
        if change is not None:
            found = found.filter(pl.col("changes").str.contains(change))
        column = "no_kk_right" if category == "masuk" else "no_kk_left"
        return set(found[column].str.split(",").explode())

    assert family("keluar") == kk_of("family_exit", "old_kk")
    assert family("masuk") == kk_of("family_entry", "new_kk")
    assert family("berubah", "pecah") == kk_of("kk_split", "old_kk")
    assert family("berubah", "no_kk") == kk_of("kk_renumbered", "old_kk")
    assert family("berubah", "anggota_keluar") == kk_of("member_exit", "old_kk")
    assert family("berubah", "anggota_masuk") == kk_of("member_entry", "new_kk")
    assert families["members_left"].sum() == truth["old_row"].count()
    assert families["members_right"].sum() == truth["new_row"].count()


def test_masked_family_numbers(generated: tuple[Path, Path, pl.DataFrame]) -> None:
    old, new, _ = generated
    families = api.reconcile(old, new, period=True, mask=True).frames["families"]
    kk = families["no_kk_left"].drop_nulls().str.split(",").explode()
    assert kk.str.contains(r"^\d{4}\*{10}\d{2}$").all()
