"""The synthetic data generator: determinism, rates, NIK rules, truth consistency."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bansos_cli.core import wilayah
from bansos_cli.core.errors import OptionError
from bansos_cli.sample import (
    DEFAULT_ERROR_MIX,
    DUPLICATE_CODES,
    ERROR_CODES,
    generate,
    generate_reconciliation_pair,
)
from bansos_cli.sample.layouts import SIKS_NG_HEADERS

N = 6000


@pytest.fixture(scope="module")
def siks() -> object:
    return generate(N, 11, layout="siks_ng", error_rate=0.12, duplicate_rate=0.05)


def _has(code: str) -> pl.Expr:
    return pl.col("problems").list.contains(code)


def _nik_rule_violations(niks: pl.Series, truth: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``truth`` whose ``niks`` break DOMAIN.md §2 (vectorised, written for the test)."""
    known = wilayah.district_history()["kode"].implode()
    provinces = wilayah.province_history()["kode"].implode()
    frame = truth.with_columns(niks.alias("n"))
    day = pl.col("n").str.slice(6, 2).cast(pl.Int32, strict=False)
    plain_day = pl.when(day > 40).then(day - 40).otherwise(day)
    century = (pl.col("tanggal_lahir").dt.year() // 100).cast(pl.String)
    as_date = pl.concat_str(
        [
            century,
            pl.col("n").str.slice(10, 2),
            pl.lit("-"),
            pl.col("n").str.slice(8, 2),
            pl.lit("-"),
            plain_day.cast(pl.String).str.zfill(2),
        ]
    ).str.to_date("%Y-%m-%d", strict=False)
    ok = (
        pl.col("n").str.contains(r"^\d{16}$")
        & pl.col("n").str.slice(0, 2).is_in(provinces)
        & pl.col("n").str.slice(0, 6).is_in(known)
        & (pl.col("n").str.slice(2, 2) != "00")
        & (pl.col("n").str.slice(4, 2) != "00")
        & (((day >= 1) & (day <= 31)) | ((day >= 41) & (day <= 71)))
        & as_date.is_not_null()
        & (pl.col("n").str.slice(12, 4) != "0000")
        & ((day > 40) == (pl.col("jenis_kelamin") == "P"))
    )
    return frame.filter(~ok.fill_null(False))


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = generate(800, 5, layout="siks_ng")
    b = generate(800, 5, layout="siks_ng")
    c = generate(800, 6, layout="siks_ng")
    assert a.frame.equals(b.frame)
    assert a.truth.equals(b.truth)
    assert not a.frame.equals(c.frame)


def test_siks_ng_headers_and_shapes(siks) -> None:  # type: ignore[no-untyped-def]
    assert tuple(siks.frame.columns) == SIKS_NG_HEADERS
    assert siks.frame.height == siks.truth.height == N
    assert all(t == pl.String for t in siks.frame.schema.values())
    rows = siks.truth["row"].to_numpy()
    assert (np.diff(rows) >= 1).all()
    # Empty rows in the middle shift the Excel rows of what follows.
    assert rows[-1] - rows[0] + 1 == N + len(siks.data.empty_before)


def test_duplicate_rows_are_exact_count_and_share_person_ids(siks) -> None:  # type: ignore[no-untyped-def]
    truth = siks.truth
    assert truth["is_duplicate"].sum() == round(N * 0.05)
    dups = truth.filter(pl.col("is_duplicate"))
    assert dups["dup_of_row"].null_count() == 0
    src = truth.select(
        pl.col("row").alias("dup_of_row"),
        pl.col("person_id").alias("src_person"),
        pl.col("no_kk").alias("src_kk"),
        pl.col("kode_desa").alias("src_desa"),
        pl.col("family_id").alias("src_family"),
    )
    joined = dups.join(src, on="dup_of_row", how="left")
    assert (joined["person_id"] == joined["src_person"]).all()
    split = joined.filter(_has("dup_family_split_kk"))
    assert split.height > 0
    assert (split["no_kk"] != split["src_kk"]).all()
    assert (split["family_id"] == split["src_family"]).all()
    moved = joined.filter(_has("dup_person_other_village"))
    assert moved.height > 0
    assert (moved["kode_desa"] != moved["src_desa"]).all()
    # Copies are exact when made; an injected error may later hit either row of a pair.
    damaged = truth.filter(
        pl.col("problems").list.eval(pl.element().is_in(list(ERROR_CODES))).list.any()
    )["row"].implode()
    exact = joined.filter(
        _has("dup_exact") & ~pl.col("row").is_in(damaged) & ~pl.col("dup_of_row").is_in(damaged)
    ).select("dup_of_row", "row")
    assert exact.height > 0
    frame = siks.frame.with_columns(pl.Series("row", truth["row"]))
    left = exact.join(frame, on="row", maintain_order="left").drop("row", "dup_of_row")
    right = exact.join(frame, left_on="dup_of_row", right_on="row", maintain_order="left").drop(
        "row", "dup_of_row"
    )
    assert left.equals(right)
    every = {c for codes in truth["problems"].to_list() for c in codes}
    assert set(DUPLICATE_CODES) <= every


def test_error_rate_and_mix_within_tolerance(siks) -> None:  # type: ignore[no-untyped-def]
    truth = siks.truth
    k = round(N * 0.12)
    error_rows = truth.filter(
        pl.col("problems").list.eval(pl.element().is_in(list(ERROR_CODES))).list.any()
    )
    moved = truth.filter(_has("dup_person_other_village")).height
    # Exactly k rows are damaged; moved duplicates also carry their name/NIK variant codes.
    assert k <= error_rows.height <= k + moved
    total = sum(DEFAULT_ERROR_MIX.values())
    for code in ("nik_excel_truncated", "nik_scientific", "sex_wrong"):
        got = truth.filter(_has(code)).height
        expected = k * DEFAULT_ERROR_MIX[code] / total
        assert abs(got - expected) <= 4 * np.sqrt(expected) + 2, code


def test_clean_niks_follow_the_rules_and_are_unique_per_person(siks) -> None:  # type: ignore[no-untyped-def]
    truth = siks.truth.with_columns(pl.Series("shown", siks.frame["NIK"]))
    clean = truth.filter(pl.col("nik_clean"))
    assert clean.height > 0.8 * N
    assert (clean["shown"] == clean["nik"]).all()
    # The generator's own retired-code flag is honest: those prefixes are not current.
    assert _nik_rule_violations(clean["shown"], clean).height == 0
    assert (
        clean.group_by("shown")
        .agg(pl.col("person_id").n_unique())
        .filter(pl.col("person_id") > 1)
        .height
        == 0
    )
    assert (
        clean.group_by("person_id")
        .agg(pl.col("shown").n_unique())
        .filter(pl.col("shown") > 1)
        .height
        == 0
    )
    # Every person's true NIK is valid too.
    assert _nik_rule_violations(truth["nik"], truth).height == 0


def test_damage_matches_its_code(siks) -> None:  # type: ignore[no-untyped-def]
    t = siks.truth.with_columns(
        pl.Series("shown", siks.frame["NIK"]),
        pl.Series("kk_shown", siks.frame["NO KK"]),
        pl.Series("jk", siks.frame["JENIS KELAMIN"]),
        pl.Series("nama_shown", siks.frame["NAMA"]),
    )
    # Duplicates of other villages carry their own NIK variant; keep single-error rows.
    t = t.filter(~pl.col("is_duplicate"))
    trunc = t.filter(_has("nik_excel_truncated"))
    assert (trunc["shown"] == trunc["nik"].str.slice(0, 15) + "0").all()
    assert trunc["shown"].str.ends_with("0").all()
    sci = t.filter(_has("nik_scientific"))
    assert sci["shown"].str.contains(r"^\d(\.\d{1,5})?E\+15$").all()
    typo = t.filter(_has("nik_typo_digit")).select("shown", "nik")
    diff = [sum(a != b for a, b in zip(x, y, strict=True)) for x, y in typo.iter_rows()]
    assert diff and set(diff) == {1}
    trans = t.filter(_has("nik_transposition")).select("shown", "nik")
    for x, y in trans.iter_rows():
        pos = [i for i in range(16) if x[i] != y[i]]
        assert len(pos) == 2 and pos[1] == pos[0] + 1 and x[pos[0]] == y[pos[1]]
    assert t.filter(_has("nik_digit_dropped"))["shown"].str.len_chars().eq(15).all()
    assert t.filter(_has("nik_missing"))["shown"].is_null().all()
    swapped = t.filter(_has("nik_kk_swapped"))
    assert (swapped["shown"] == swapped["no_kk"]).all()
    assert (swapped["kk_shown"] == swapped["nik"]).all()
    shared = t.filter(_has("nik_shared"))
    owners = t.select(pl.col("nik").alias("shown"), pl.col("person_id").alias("owner"))
    shared = shared.join(owners.unique("shown"), on="shown", how="left")
    assert (shared["owner"].is_null() | (shared["owner"] != shared["person_id"])).all()
    wrong = t.filter(_has("sex_wrong"))
    assert ((wrong["jk"] == "PEREMPUAN") == (wrong["jenis_kelamin"] == "L")).all()
    ok = t.filter(pl.col("problems").list.len() == 0)
    assert ((ok["jk"] == "PEREMPUAN") == (ok["jenis_kelamin"] == "P")).all()
    assert (ok["nama_shown"] == ok["nama"]).all()
    for code in (
        "name_title",
        "name_degree",
        "name_spelling",
        "name_abbreviation",
        "name_bin_binti",
        "name_token_dropped",
        "name_typo",
    ):
        rows = t.filter(_has(code))
        assert (rows["nama_shown"] != rows["nama"]).all(), code
    titled = t.filter(_has("name_title"))["nama_shown"]
    assert titled.str.contains(r"^(H|HJ|KH|DRS|DRA|IR|BPK|UST|HAJI|NY|IBU|HAJJAH|NYONYA)\.? ").all()
    assert (
        t.filter(_has("name_bin_binti"))["nama_shown"].str.contains(r" (BIN|BINTI|B\.|BT\.) ").all()
    )


def test_dates_show_swaps_and_other_formats(siks) -> None:  # type: ignore[no-untyped-def]
    t = siks.truth.with_columns(pl.Series("tgl", siks.frame["TANGGAL LAHIR"]))
    own = t.filter(pl.col("problems").list.len() == 0)
    assert (own["tgl"] == own["tanggal_lahir"].dt.strftime("%d-%m-%Y")).all()
    swapped = t.filter(_has("date_day_month_swapped"))
    assert swapped.height > 0
    assert (swapped["tgl"] == swapped["tanggal_lahir"].dt.strftime("%m-%d-%Y")).all()
    mixed = t.filter(_has("date_format_mixed"))
    assert (mixed["tgl"] != mixed["tanggal_lahir"].dt.strftime("%d-%m-%Y")).all()


def test_default_dates_and_facts(siks) -> None:  # type: ignore[no-untyped-def]
    t = siks.truth
    default = t.filter(_has("birthdate_default"))["tanggal_lahir"]
    assert default.len() > 0
    md = list(zip(default.dt.month().to_list(), default.dt.day().to_list(), strict=True))
    assert all(m_d in {(7, 1), (12, 31)} or m_d[1] == 15 for m_d in md)
    retired = t.filter(_has("nik_retired_code"))["nik"].str.slice(0, 6)
    current = wilayah.districts()["kode"].implode()
    assert retired.len() > 0
    assert not retired.is_in(current).any()
    assert t["deceased"].sum() == t.filter(_has("deceased")).height > 0


def test_zero_rates_give_a_clean_list() -> None:
    r = generate(1500, 2, error_rate=0.0, duplicate_rate=0.0)
    errors = set(ERROR_CODES) | set(DUPLICATE_CODES)
    codes = {c for row in r.truth["problems"].to_list() for c in row}
    assert not codes & errors
    assert r.truth["nik_clean"].all()
    assert (r.frame["nik"] == r.truth["nik"]).all()
    assert list(r.truth["row"]) == list(range(2, 1502))


def test_papua_region_uses_retired_codes_of_the_same_area() -> None:
    r = generate(1500, 4, region="9301", error_rate=0.0, duplicate_rate=0.0)
    retired = r.truth.filter(_has("nik_retired_code"))
    assert retired.height > 100
    assert retired["nik"].str.starts_with("91").all()
    assert _nik_rule_violations(r.truth["nik"], r.truth).height == 0


def test_blt_dd_lists_family_heads_of_one_village() -> None:
    r = generate(400, 8, layout="blt_dd", region="320105")
    assert r.frame.columns[:4] == ["NO", "NIK", "NO KK", "NAMA KEPALA KELUARGA"]
    assert r.truth.filter(~pl.col("is_duplicate"))["shdk"].eq(1).all()
    assert r.truth["kode_desa"].n_unique() == 1
    assert r.data.footer_rows and r.data.title_rows


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layout": "xls"}, "unknown layout"),
        ({"region": "99"}, "no village"),
        ({"region": "32a"}, "not a Kemendagri code"),
        ({"error_rate": 1.5}, "error_rate must be between 0 and 0.9, got 1.5"),
        ({"error_mix": {"nik_bogus": 1.0}}, "unknown error kinds"),
    ],
)
def test_bad_options_raise_option_error(kwargs: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        generate(10, 1, **kwargs)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.integers(1, 300),
    seed=st.integers(0, 2**31),
    layout=st.sampled_from(["canonical", "siks_ng", "blt_dd", "keluarga"]),
)
def test_any_size_gives_one_truth_row_per_row(rows: int, seed: int, layout: str) -> None:
    r = generate(rows, seed, layout=layout, region="3201")
    assert r.frame.height == r.truth.height == rows
    assert r.truth["row"].is_unique().all()
    clean = r.truth.filter(pl.col("nik_clean"))
    assert _nik_rule_violations(clean["nik"], clean).height == 0


def test_reconciliation_pair_truth() -> None:
    p = generate_reconciliation_pair(1000, 9, region="320105")
    t = p.truth
    assert t.filter(pl.col("status") == "missing").height == 50
    # 20 extra payees, and 2 homonyms of unpaid ones (0.25 %): paid, not in the decree
    assert t.filter(pl.col("status") == "extra").height == 22
    assert (t["decree_row"].is_null() == (t["status"] == "extra")).all()
    assert (t["disbursement_row"].is_null() == (t["status"] == "missing")).all()
    changed = t.filter(_has("amount_changed"))
    assert changed.height == 30
    assert (changed["paid_amount"] != changed["decree_amount"]).all()
    plain = t.filter((pl.col("status") == "paid") & ~_has("amount_changed"))
    twice, split = plain.filter(_has("paid_twice")), plain.filter(_has("paid_split"))
    assert twice.height == split.height == 5
    assert (twice["paid_amount"] == 2 * twice["decree_amount"]).all()
    assert (split["paid_amount"] == split["decree_amount"]).all()
    assert (pl.concat([twice, split])["disbursement_rows"].list.len() == 2).all()
    once = plain.filter(~_has("paid_twice") & ~_has("paid_split"))
    assert (once["paid_amount"] == once["decree_amount"]).all()
    assert (once["disbursement_rows"].list.len() == 1).all()
    report = p.disbursement.frame.with_columns(
        pl.Series("disbursement_row", p.disbursement.excel_rows())
    )
    named = t.filter(
        pl.col("problems").list.eval(pl.element().str.starts_with("name_")).list.any()
        & (pl.col("disbursement_rows").list.len() == 1)
    ).join(report, on="disbursement_row")
    assert named.height > 0
    assert (named["NAMA KPM"] != named["nama"]).all()
    # a homonym: the unpaid payee's name and birth date, another NIK, another village
    homonyms = t.filter(_has("homonym")).join(
        t.select("person_id", "decree_row"), left_on="homonym_of", right_on="person_id"
    )
    decree = p.decree.frame.with_columns(pl.Series("decree_row", p.decree.excel_rows()))
    pairs = homonyms.join(report, on="disbursement_row").join(
        decree, left_on="decree_row_right", right_on="decree_row"
    )
    assert pairs.height == 2
    assert (pairs["NAMA KPM"] == pairs["NAMA PENERIMA"]).all()
    assert (pairs["TGL LAHIR"].str.replace_all("/", "-") == pairs["TGL LAHIR_right"]).all()
    assert (pairs["NIK KPM"] != pairs["NIK"]).all()
    assert (pairs["DESA/KELURAHAN"] != pairs["DESA/KELURAHAN_right"]).all()
    # typos: one edit away, never another payee's NIK
    typo = t.filter(_has("nik_typo")).join(report, on="disbursement_row")
    assert typo.height == 10
    assert not typo["NIK KPM"].is_in(t["nik"].implode()).any()
    moved = (
        t.filter(_has("region_moved"))
        .join(report, on="disbursement_row")
        .join(decree, on="decree_row")
    )
    assert moved.height == 10
    assert (moved["DESA/KELURAHAN"] != moved["DESA/KELURAHAN_right"]).all()
    assert p.decree.frame.height == 1000
    assert p.disbursement.frame.height == 1000 - 50 + 5 + 5 + 20 + 2


def test_every_family_has_its_own_kk(siks) -> None:  # type: ignore[no-untyped-def]
    truth = siks.truth
    per_kk = truth.group_by("no_kk").agg(pl.col("family_id").n_unique().alias("families"))
    assert (per_kk["families"] == 1).all()
    # Split families and re-registered people did get new KK numbers.
    moved = truth.filter(_has("dup_family_split_kk") | _has("dup_person_other_village"))
    assert moved.height > 0
    src_kk = truth.filter(~pl.col("is_duplicate"))["no_kk"].unique().implode()
    assert not moved["no_kk"].is_in(src_kk).any()


def test_names_are_diverse_but_common_tokens_stay_common() -> None:
    result = generate(20_000, 3, layout="canonical", error_rate=0.0, duplicate_rate=0.0)
    names = result.truth["nama"]
    people = names.len()
    assert names.n_unique() > 0.5 * people  # about 0.12 with the old small pools
    mothers = result.frame["nama_ibu_kandung"]
    assert mothers.n_unique() > 0.2 * people
    tokens = names.str.split(" ").list.unique().explode()
    share = {t: float((tokens == t).sum()) / people for t in ("SITI", "MUHAMMAD", "NUR")}
    assert 0.09 < share["SITI"] < 0.17
    assert 0.05 < share["MUHAMMAD"] < 0.11
    assert 0.02 < share["NUR"] < 0.06
    lengths = names.str.split(" ").list.len()
    assert set(lengths.unique().to_list()) >= {1, 2, 3}
    # At most three own tokens, plus BR and the marga of a Batak woman.
    assert lengths.max() <= 5
    # Most people were born in the home regency, but not everyone.
    local = (result.frame["tempat_lahir"] == "BOGOR").mean()
    assert local is not None and 0.6 < float(local) < 0.9
