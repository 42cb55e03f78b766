"""The reconciliation cases of tests/fixtures/reconcile/cases.yaml: what each row becomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from bansos_cli.core.vocabulary import (
    CANDIDATE_HINT,
    CATEGORY,
    DIFFERENCE_RP,
    FUZZY_EVIDENCE,
    ROW,
    SHEET,
    SOURCE,
    sided,
)
from bansos_cli.reconcile import ReconcileOptions, reconcile_frames

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "reconcile" / "cases.yaml").read_text(encoding="utf-8")
)
ROW_L, ROW_R = sided(ROW, "left"), sided(ROW, "right")


def frame(columns: list[str], rows: list[list[str]], source: str) -> pl.DataFrame:
    """A list in the ingest contract; its rows are numbered 1, 2, ... (input positions)."""
    data: dict[str, Any] = {c: [r[i] or None for r in rows] for i, c in enumerate(columns)}
    data.update({SOURCE: source, SHEET: "", ROW: list(range(1, len(rows) + 1))})
    return pl.DataFrame(data, schema_overrides=dict.fromkeys(columns, pl.String))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    left = frame(case["columns"], case["left"], "kiri.xlsx")
    right = frame(case["columns"], case["right"], "kanan.xlsx")
    result = reconcile_frames(left, right, ReconcileOptions(**case.get("options", {})))
    out, expect = result.frame, case["expect"]

    def per_row(side: str, column: str) -> list[Any]:
        row = ROW_L if side == "left" else ROW_R
        found = out.filter(pl.col(row).is_not_null()).sort(row)
        assert found[row].to_list() == list(range(1, len(case[side]) + 1))  # each row once
        return found[column].to_list()

    assert per_row("left", CATEGORY) == expect["left"]
    assert per_row("right", CATEGORY) == expect["right"]
    for category, rupiah in expect.get("effect", {}).items():
        totals = result.by_category.filter(pl.col(CATEGORY) == category)
        assert totals[DIFFERENCE_RP].item() == rupiah, category
    if "pairs" in expect:
        pairs = out.filter(pl.col(ROW_L).is_not_null() & pl.col(ROW_R).is_not_null())
        assert sorted(pairs.select(ROW_L, ROW_R).rows()) == sorted(map(tuple, expect["pairs"]))
    if "evidence" in expect:
        pairs = out.filter(pl.col(ROW_L).is_not_null() & pl.col(ROW_R).is_not_null())
        order = {tuple(p): i for i, p in enumerate(expect.get("pairs", []))}
        rows = sorted(pairs.select(ROW_L, ROW_R, FUZZY_EVIDENCE).rows(),
                      key=lambda r: order.get((r[0], r[1]), 0))  # fmt: skip
        assert [r[2] for r in rows] == expect["evidence"]
    for side, hints in expect.get("hints", {}).items():
        assert per_row(side, CANDIDATE_HINT) == hints, side
