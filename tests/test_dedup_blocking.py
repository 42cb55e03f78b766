"""Blocking that survives one wrong field, identical rows, linkage mode, the registries."""

from __future__ import annotations

import typing

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bansos_cli.dedup import DedupConfig, dedup_frame, parse_config
from bansos_cli.dedup.blocking import KEYS, candidate_pairs
from bansos_cli.dedup.config import KeyName
from bansos_cli.dedup.fields import prepare
from bansos_cli.dedup.levels import COMPARISONS

COLUMNS = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu_kandung", "desa"]
SYLLABLES = ["KA", "RI", "MU", "TO", "SA", "NI", "DA", "WE", "LO", "PU", "GE", "HA", "BU", "YO"]


def _background(n: int, seed: int = 3) -> list[tuple]:
    """Different people: two-token names, dates, mothers, NIKs, three villages."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        a, b, c, d = rng.integers(0, len(SYLLABLES), 4)
        name = f"{SYLLABLES[a]}{SYLLABLES[b]}N{k} {SYLLABLES[c]}{SYLLABLES[d]}WAN{k}"
        day, month, year = 1 + k % 28, 1 + k % 12, 1950 + k % 50
        nik = f"3201{k % 90 + 10:02d}{day:02d}{month:02d}{year % 100:02d}{k % 9000 + 1:04d}"
        rows.append(
            (nik, name, f"{day:02d}-{month:02d}-{year}", "LP"[k % 2], f"IBU{k}", f"DESA{k % 3}")
        )
    return rows


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def _corrupt(row: tuple, field: str, draw: st.DrawFn) -> tuple:
    nik, name, dob, sex, mother, desa = row
    if field == "tanggal_lahir":
        day = int(dob[:2])
        dob = f"{day % 28 + 1:02d}{dob[2:]}" if draw(st.booleans()) else dob[:-1] + "9"
    elif field == "nama":
        tokens = name.split(" ")
        k = draw(st.integers(0, len(tokens) - 1))
        tokens[k] = draw(st.sampled_from(["BAMBANG", "SRI", tokens[k][:-1] + "X"]))
        name = " ".join(tokens)
    else:
        k = draw(st.integers(6, 15))
        digit = str((int(nik[k]) + draw(st.integers(1, 9))) % 10)
        nik = nik[:k] + digit + nik[k + 1 :]
    return (nik, name, dob, sex, mother, desa)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 199),
    st.sampled_from(["tanggal_lahir", "nama", "nik"]),
    st.booleans(),
    st.data(),
)
def test_one_corrupted_field_keeps_the_pair_a_candidate(
    person: int, field: str, with_nik: bool, data: st.DataObject
) -> None:
    """A duplicate with one wrong field (birth date, one name token, one NIK digit) is still
    proposed by the default blocking keys, with or without NIKs in the list."""
    rows = _background(200)
    if not with_nik:
        if field == "nik":
            field = "nama"
        rows = [(None, *r[1:]) for r in rows]
    copy = _corrupt(rows[person], field, data.draw)
    prepared = prepare(_frame([*rows, copy]), DedupConfig())
    pairs, _ = candidate_pairs(prepared, DedupConfig().blocking)
    found = pairs.filter((pl.col("i") == person) & (pl.col("j") == len(rows)))
    assert found.height == 1, (rows[person], copy)


def test_identical_rows_of_any_count_form_one_group() -> None:
    copies = 40
    same = ("3201010101800001", "SITI AMINAH", "01-01-1980", "P", "SUMARNI", "DESA0")
    result = dedup_frame(_frame([*_background(100), *[same] * copies]))
    ids = result.clusters["cluster_id"].to_list()[100:]
    assert len(set(ids)) == 1
    assert result.clusters["cluster_size"][100] == copies
    pairs = result.pairs.filter(pl.col("_rid_a") >= 100)
    assert pairs.height == copies * (copies - 1) // 2
    assert set(pairs["decision"]) == {"ganda"}
    assert set(pairs["class"]) == {"nik_sama"}
    assert pairs["classes"].list.contains("baris_sama").all()


def test_identical_rows_without_any_key_field_and_above_the_block_cap() -> None:
    # No NIK, no birth date, no village: only the copy itself pairs the rows; more copies
    # than max_block_size are split by sorted neighbourhood and still chain into one group.
    rows = [(None, "BUDI", None, None, None, None)] * 12
    config = parse_config({"blocking": {"max_block_size": 5, "window": 2}})
    result = dedup_frame(_frame(rows), config)
    assert result.clusters["cluster_size"].to_list() == [12] * 12
    assert set(result.pairs["class"]) == {"orang_sama"}


def test_linkage_mode_reports_only_pairs_across_files_and_says_so() -> None:
    people = _background(60)
    left = _frame(people[:40]).with_columns(pl.lit("sk.xlsx").alias("source"))
    right = _frame([*people[30:40], people[0], people[0]]).with_columns(
        pl.lit("bayar.xlsx").alias("source")
    )
    both = pl.concat([left, right])
    linked = dedup_frame(both, parse_config({"mode": "link"}))
    assert (linked.pairs["source_a"] != linked.pairs["source_b"]).all()
    # people[0] twice in the second file: a duplicate within it, not a link
    assert linked.pairs.height == 12
    assert linked.summary()["mode"] == "link"
    assert linked.summary()["cross_source_pairs"] == 12
    (notice,) = [n for n in linked.notices if n.code == "DEDUP_ANTAR_BERKAS_TAUTAN"]
    assert "12 of 12 reported pairs" in notice.render("en")
    assert "12 dari 12 pasangan" in notice.render("id")
    alone = dedup_frame(left, parse_config({"mode": "link"}))
    assert [n.code for n in alone.notices] == ["DEDUP_TAUTAN_SATU_BERKAS"]
    assert alone.pairs.height == 0
    deduped = dedup_frame(both)
    assert deduped.summary()["cross_source_pairs"] == 12
    assert deduped.pairs.height == 13


def test_blocking_key_names_are_the_registry() -> None:
    assert set(typing.get_args(KeyName)) == set(KEYS)
    assert all(key in KEYS for key in DedupConfig().blocking.keys)
    # no default key needs every field
    fields = {spec.name for spec in COMPARISONS}
    for key in DedupConfig().blocking.keys:
        if key != "baris_sama":
            assert set(KEYS[key].exact) < fields | {"wilayah", "dob", "kabupaten"}


def test_levels_are_named_and_distinct() -> None:
    for spec in COMPARISONS:
        assert spec.names[0] == "beda"
        assert len(set(spec.names)) == len(spec.names)
        assert spec.code(spec.top) == len(spec.levels) - 1


def _keyed_pairs(rows: list[tuple], kabupaten: list[str] | None) -> dict[tuple[int, int], set]:
    frame = _frame(rows)
    if kabupaten is not None:
        frame = frame.with_columns(pl.Series("kabupaten", kabupaten))
    pairs, _ = candidate_pairs(prepare(frame, DedupConfig()), DedupConfig().blocking)
    names = list(KEYS)
    return {
        (i, j): {names[k] for k in range(len(names)) if bits >> k & 1}
        for i, j, bits in pairs.iter_rows()
    }


def test_keys_without_a_place_stay_within_a_kabupaten() -> None:
    # Same name, birth date and mother, different NIKs and villages: within one kabupaten
    # the place-less keys pair them; across two kabupaten they do not (chance agreements
    # across a province grow with the square of the list); without a kabupaten column
    # (FEBRL, village lists) every row is in one.
    one = ("3201010101800001", "SITI AMINAH", "01-01-1980", "P", "SUMARNI", "DESA0")
    two = ("3202020101800002", "SITI AMINAH", "01-01-1980", "P", "SUMARNI", "DESA1")
    place_less = {"nama_lahir", "token_lahir", "ibu_lahir"}
    same = _keyed_pairs([one, two], ["BOGOR", "BOGOR"])
    assert place_less <= same[(0, 1)]
    assert (0, 1) not in _keyed_pairs([one, two], ["BOGOR", "SUKABUMI"])
    assert place_less <= _keyed_pairs([one, two], None)[(0, 1)]
    # the NIK still pairs rows across kabupaten
    moved = (one[0], *two[1:])
    assert _keyed_pairs([one, moved], ["BOGOR", "SUKABUMI"])[(0, 1)] == {"nik"}
