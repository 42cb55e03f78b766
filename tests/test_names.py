"""Indonesian name normalisation (DOMAIN.md §6), driven by tests/fixtures/dedup/names.yaml."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.core import names

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "dedup" / "names.yaml").read_text(encoding="utf-8")
)["cases"]


def _one(expr_fn, value):
    return pl.DataFrame({"n": [value]}, schema={"n": pl.String}).select(expr_fn(pl.col("n"))).item()


def _key(value: str) -> str | None:
    return _one(names.name_key_expr, value)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_name_case(case: dict) -> None:
    raw = case["name"]
    if "clean" in case:
        assert _one(names.clean_name_expr, raw) == case["clean"]
    if "tokens" in case:
        assert _one(names.name_tokens_expr, raw).to_list() == case["tokens"]
    if "key" in case:
        assert _key(raw) == case["key"]
    if "given" in case:
        assert _one(names.given_key_expr, raw) == case["given"]
    if "deceased" in case:
        assert _one(names.deceased_expr, raw) is case["deceased"]
    for other in case.get("same_as", []):
        assert _key(other) == _key(raw), other
    for other in case.get("not_same_as", []):
        assert _key(other) != _key(raw), other


def test_token_weights_cap_low_information_tokens() -> None:
    tokens = pl.Series("t", [["SITI", "AMINAH"], ["SITI", "RAHAYU"], ["SITI"], ["BUDI"]])
    weights = dict(names.token_weights(tokens).select("token", "weight").iter_rows())
    assert weights["SITI"] == pytest.approx(min(math.log2(4 / 3), names.LOW_INFORMATION_WEIGHT))
    assert weights["AMINAH"] == pytest.approx(2.0)  # log2(4 / 1)
    assert weights["BUDI"] == pytest.approx(2.0)
    assert weights["SITI"] < weights["AMINAH"]


def test_low_information_tokens_are_folded() -> None:
    low = names.low_information_tokens()
    assert {"SITI", "NUR", "WAYAN", "KETUT", "NI"} <= low
    assert _key("MUHAMMAD") in low  # the folded Muhammad key


@settings(deadline=None)  # a polars query per example: slow on a loaded machine
@given(
    st.lists(
        st.sampled_from(["SITI", "AMINAH", "BUDI", "RAHAYU", "JOKO", "WIDODO"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    st.randoms(),
)
def test_key_ignores_token_order(tokens: list[str], rnd) -> None:
    shuffled = tokens[:]
    rnd.shuffle(shuffled)
    assert _key(" ".join(tokens)) == _key(" ".join(shuffled))


@settings(deadline=None)  # a polars query per example: slow on a loaded machine
@given(st.text(max_size=30))
def test_normaliser_never_fails_and_gives_plain_words(text: str) -> None:
    key = _key(text)
    assert key is None or (key.strip() == key and all(t.isalpha() for t in key.split(" ")))


def _all_case_names() -> list[str | None]:
    values: list[str | None] = [None, "", "BIN", "ALM.", "H. M. ALI, S.PD"]
    for case in CASES:
        values += [case["name"], *case.get("same_as", []), *case.get("not_same_as", [])]
    return values


def test_name_parts_equal_the_single_expressions() -> None:
    frame = pl.DataFrame({"n": _all_case_names()}, schema={"n": pl.String})
    parts = names.name_parts(frame, "n")
    n = pl.col("n")
    tokens = names.name_tokens_expr(n)
    single = frame.select(
        names.name_key_expr(n).alias("name_key"),
        names.given_key_expr(n).alias("given_key"),
        names.deceased_expr(n).alias("deceased"),
        names.initials_expr(tokens).alias("initials"),
        names.has_initial_expr(tokens).alias("has_initial"),
        names.full_tokens_key_expr(tokens).alias("full_key"),
        names.folded_tokens_expr(tokens).list.unique().list.sort().alias("tokens"),
    )
    assert parts.select(single.columns).with_columns(pl.col("tokens").list.sort()).equals(single)


def test_initials_and_full_tokens_of_an_abbreviated_name() -> None:
    frame = pl.DataFrame({"n": ["Y. SUPRIATNA", "YAYAT SUPRIATNA", "H. SITI"]})
    parts = names.name_parts(frame, "n")
    assert parts["initials"].to_list() == ["YS", "YS", "S"]
    assert parts["has_initial"].to_list() == [True, False, False]  # H. is a title, dropped
    assert parts["full_key"].to_list() == ["SUPRIATNA", "SUPRIATNA YAYAT", "SITI"]


def test_name_keys_equal_the_single_expression() -> None:
    frame = pl.DataFrame({"n": _all_case_names()}, schema={"n": pl.String})
    keys = names.name_keys(frame, "n", "key")
    assert keys.columns == ["n", "key"]
    assert keys["key"].equals(frame.select(names.name_key_expr(pl.col("n")).alias("key"))["key"])
