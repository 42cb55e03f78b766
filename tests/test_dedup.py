"""The duplicate search on hand-made frames: classes, decisions, groups, config errors."""

from __future__ import annotations

import polars as pl
import pytest

from bansos_cli.core.errors import ConfigError, OptionError
from bansos_cli.dedup import DedupConfig, dedup_frame, load_config, parse_config

COLUMNS = [
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "no_kk",
    "hubungan_keluarga",
    "kecamatan",
]
ROWS = [
    ("3201010101800001", "SITI AMINAH", "01-01-1980", "P", "3201010101100001", "1", "CIBINONG"),
    ("3201010101800001", "Hj. Siti Aminah", "1980-01-01", "P", "3201010101100001", "1", "CIBINONG"),
    ("3201010101800001", "BUDI SANTOSO", "05-06-1975", "L", "3201010101100002", "1", "CIBINONG"),
    ("3201010101800010", "SITI AMINAH", "01/01/1980", "P", "3201010101100003", "1", "CIBINONG"),
    (
        "3201020202900002",
        "MUHAMMAD ALI BIN UMAR",
        "02-02-1990",
        "L",
        "3201020202100001",
        "1",
        "BOGOR",
    ),
    ("3201029999900002", "MOCH. ALI", "02-02-1990", "L", "3201020202100001", "1", "BOGOR"),
    ("3201030303850003", "JOKO WIDODO", "03-03-1985", "L", "3201030303100001", "1", "X"),
    ("3201030303850004", "SRI RAHAYU", "03-03-1985", "P", "3201030303100009", "1", "X"),
    ("3201040404700005", "I WAYAN SUDARSANA", "04-04-1970", "L", "3201040404100001", "1", "Y"),
    ("3201040404700006", "PUTU ARTINI", "04-04-1972", "P", "3201040404100001", "3", "Y"),
]


def frame(rows=ROWS, source: str = "a.xlsx") -> pl.DataFrame:
    df = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    return df.with_columns(
        pl.lit(source).alias("source"),
        pl.lit("DATA").alias("sheet"),
        pl.int_range(2, pl.len() + 2).alias("row"),
    )


def pair_classes(result) -> set[tuple[int, int, str, str]]:
    return set(result.pairs.select("_rid_a", "_rid_b", "class", "decision").iter_rows())


def test_classes_and_decisions() -> None:
    result = dedup_frame(frame())
    assert pair_classes(result) == {
        (0, 1, "nik_sama", "ganda"),
        (0, 2, "nik_bentrok", "konflik"),
        (1, 2, "nik_bentrok", "konflik"),
        (0, 3, "nik_salah_ketik", "tinjau"),
        (1, 3, "nik_salah_ketik", "tinjau"),
        (4, 5, "orang_sama", "ganda"),
    }
    assert result.class_counts()["keluarga_ganda"] == 0


def test_groups_cover_every_row_once_and_exclude_conflicts() -> None:
    result = dedup_frame(frame())
    clusters = result.clusters
    assert clusters["_rid"].to_list() == list(range(len(ROWS)))
    ids = dict(zip(clusters["_rid"], clusters["cluster_id"], strict=True))
    assert ids[0] == ids[1] == ids[3]
    assert ids[2] != ids[0]  # nik_bentrok is a conflict, never a merge
    assert ids[4] == ids[5]
    assert ids[6] != ids[7]
    # One suggested record to keep per group.
    kept = clusters.group_by("cluster_id").agg(pl.col("keep").sum())
    assert kept["keep"].to_list() == [1] * kept.height
    # The group resting on a NIK typo is flagged for review.
    flagged = clusters.filter(pl.col("cluster_id") == ids[0])["needs_review"].to_list()
    assert flagged == [True, True, True]


def test_pairs_name_both_sources_and_excel_rows_across_files() -> None:
    both = pl.concat([frame(ROWS[:2], "desa_a.xlsx"), frame(ROWS[2:], "desa_b.csv")])
    result = dedup_frame(both)
    row = (
        result.pairs.filter(pl.col("class") == "nik_salah_ketik").sort("_rid_a").row(0, named=True)
    )
    assert (row["source_a"], row["row_a"]) == ("desa_a.xlsx", 2)
    assert (row["source_b"], row["row_b"]) == ("desa_b.csv", 3)
    assert row["level_nik"] == "satu_digit"
    assert row["level_nama"] == "sama"
    assert "nama_lahir" in row["block_keys"]


def test_family_listed_twice_under_two_kk_numbers() -> None:
    family = [
        (
            "3301010101700001",
            "SUPARMAN",
            "01-01-1970",
            "L",
            "3301011111110001",
            "KEPALA KELUARGA",
            "A",
        ),
        ("3301014202750002", "SUMIATI", "02-02-1975", "P", "3301011111110001", "ISTRI", "A"),
        ("3301010303000003", "ADI PRASETYO", "03-03-2000", "L", "3301011111110001", "ANAK", "A"),
    ]
    again = [
        (
            "3301010101700099",
            "SUPARMAN",
            "01-01-1970",
            "L",
            "3301012222220002",
            "KEPALA KELUARGA",
            "A",
        ),
        ("3301014202750098", "SUMIATI", "02-02-1975", "P", "3301012222220002", "ISTRI", "A"),
    ]
    result = dedup_frame(frame(family + again))
    fam = result.pairs.filter(pl.col("classes").list.contains("keluarga_ganda"))
    # The family report is on the heads' pair, which is also a person pair: one row, both
    # classes, never the pair twice.
    assert fam.select("_rid_a", "_rid_b", "class", "classes", "family_matches").rows() == [
        (0, 3, "orang_sama", ["orang_sama", "keluarga_ganda"], 2)
    ]
    assert result.pairs.select("_rid_a", "_rid_b").is_duplicated().sum() == 0


def test_same_kk_under_two_heads() -> None:
    rows = [
        ("3301010101700001", "SUPARMAN", "01-01-1970", "L", "3301011111110001", "1", "A"),
        ("3301010505800002", "WAGIMAN", "05-05-1980", "L", "3301011111110001", "1", "A"),
    ]
    result = dedup_frame(frame(rows))
    assert pair_classes(result) == {(0, 1, "keluarga_ganda", "tinjau")}


def test_common_name_alone_is_not_a_duplicate() -> None:
    rows = [
        (None, "SITI", "01-01-1980", "P", None, None, "A"),
        (None, "SITI AMINAH", "01-01-1980", "P", None, None, "A"),
        (None, "SITI AMINAH", "09-09-1961", "P", None, None, "A"),
    ]
    result = dedup_frame(frame(rows))
    assert result.pairs.height == 0
    assert result.clusters["cluster_size"].to_list() == [1, 1, 1]


def test_oversized_blocks_are_capped_with_a_notice() -> None:
    rows = [
        (
            None,
            f"ORANG NOMOR {chr(65 + i % 26)}{chr(65 + i // 26)}",
            "01-01-1980",
            "P",
            None,
            None,
            "A",
        )
        for i in range(40)
    ]
    config = parse_config({"blocking": {"max_block_size": 10, "window": 2}})
    result = dedup_frame(frame(rows), config)
    stats = {b.key: b for b in result.blocks}
    assert stats["token_lahir"].capped_blocks == 2  # ORANG|1980..., NOMOR|1980...
    assert stats["token_lahir"].capped_rows == 80
    capped = [n for n in result.notices if n.code == "DEDUP_BLOK_BESAR"]
    assert [n.params["key"] for n in capped] == ["token_lahir"]
    assert "above 10 rows" in capped[0].render("en")
    assert "lebih dari 10 baris" in capped[0].render("id")
    # Sorted neighbourhood: each row meets its 2 nearest neighbours in each capped block.
    assert stats["token_lahir"].pairs == 39 + 38


def test_any_table_with_a_field_mapping() -> None:
    df = pl.DataFrame(
        {
            "ID": ["3201010101800001", "3201010101800001"],
            "FULL NAME": ["SOEKARNO", "SUKARNO"],
            "BORN": ["1980-01-01", "01-01-1980"],
        }
    )
    config = parse_config({"fields": {"nik": "ID", "nama": "FULL NAME", "tanggal_lahir": "BORN"}})
    result = dedup_frame(df, config)
    assert pair_classes(result) == {(0, 1, "nik_sama", "ganda")}
    assert result.clusters["row"].to_list() == [1, 2]


def test_missing_name_column_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="no name column 'nama'"):
        dedup_frame(pl.DataFrame({"nik": ["1"]}))


def test_config_unknown_keys_are_listed_with_their_path(tmp_path) -> None:
    path = tmp_path / "dedup.yaml"
    path.write_text(
        "thresholds:\n  match: 0.9\n  mach: 0.8\nblocking:\n  max_block_size: 1\nfoo: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "thresholds.mach: unknown key" in message
    assert "foo: unknown key" in message
    assert "blocking.max_block_size: Input should be greater than or equal to 2" in message


def test_config_rejects_unknown_blocking_key_and_review_above_match() -> None:
    with pytest.raises(ConfigError, match=r"blocking\.keys\.0"):
        parse_config({"blocking": {"keys": ["nama_ibu"]}})
    with pytest.raises(ConfigError, match="review must not be above match"):
        parse_config({"thresholds": {"match": 0.6, "review": 0.9}})


def test_config_defaults_and_broken_yaml(tmp_path) -> None:
    assert load_config(None) == DedupConfig()
    path = tmp_path / "dedup.yaml"
    path.write_text("thresholds: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_summary_is_json_ready_and_has_no_identifiers() -> None:
    import json

    result = dedup_frame(frame())
    text = json.dumps(result.summary())
    assert "3201010101800001" not in text
    summary = result.summary()
    assert summary["rows"] == len(ROWS)
    assert summary["classes"]["nik_sama"] == 1
    assert summary["groups"]["groups"] == 2
    examples = result.examples
    assert examples is not None
    assert not examples["nik_a"].str.contains("3201010101800001").any()
