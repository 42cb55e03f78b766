"""``--engine spark``: the same rule definitions decided by Spark give the same eligibility.

One local[2] session serves every test here (a session takes 10-20 s to start). The tests
are skipped only when pyspark is not importable (``pip install -e '.[dev,spark]'``, which
``make test`` and ``.ci/run`` do).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import test_rules_sql
from bansos_cli import api
from bansos_cli.pipeline.check import load_programs
from bansos_cli.rules.expr import to_sql
from bansos_cli.sample import generate
from bansos_cli.sample.writers import write_frame
from conftest import invoke_assert_code
from test_rules_sql import EXTRA_CONDITIONS, rules_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
AS_OF = dt.date(2025, 7, 1)
ROWS = 50_000
generated = test_rules_sql.generated
"""The sample export with a generated column for every input the rules read (a fixture)."""

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None,
    reason="pyspark is not installed: pip install -e '.[dev,spark]' (make test does)",
)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from bansos_cli.pipeline.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def generated_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 50k-row SIKS-NG list (with injected errors and duplicates) as CSV."""
    folder = tmp_path_factory.mktemp("spark-list")
    sample = generate(ROWS, 18, layout="siks_ng", error_rate=0.1, duplicate_rate=0.03)
    return write_frame(sample.frame, folder / "daftar.csv")


def _without_timing(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in ("duration_s", "engine")}


def test_spark_gives_the_default_engines_eligibility_row_for_row(
    spark: Any, generated_list: Path
) -> None:
    default = api.check(generated_list, as_of=AS_OF)
    on_spark = api.check(generated_list, as_of=AS_OF, engine="spark", spark=spark)
    assert default.summary["engine"]["name"] == "polars"
    assert on_spark.summary["engine"] == {
        "name": "spark",
        "requested": "spark",
        "reason": "ENGINE_CHOSEN",
    }
    ours, theirs = default.frames["eligibility"], on_spark.frames["eligibility"]
    assert ours.height == 4 * ROWS  # four shipped programs, one row per person each
    statuses = set(ours.get_column("status").cast(pl.String).unique())
    assert statuses == {"LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI"}
    assert_frame_equal(ours, theirs)
    assert _without_timing(on_spark.summary) == _without_timing(default.summary)
    assert on_spark.exit_code == default.exit_code


def test_every_shipped_condition_is_spark_sql_with_the_dialect_gaps_closed() -> None:
    programs = load_programs([ROOT / "rules"], AS_OF)
    texts = [to_sql(r.checked, "spark") for p in programs for r in p.rules]
    assert texts and all("`" in t for t in texts)  # identifiers quoted
    family = [t for t in texts if "OVER (PARTITION BY `_family`)" in t]
    assert family, "family-scope rules become windows over the family"
    assert any(" RLIKE " in t for t in texts)


def test_a_cast_never_raises_under_ansi_and_division_is_null_safe() -> None:
    from bansos_cli.rules.expr import Context, analyse

    checked = analyse(
        "desil / (umur - 60) > 1 AND tanggal_lahir < '2000-01-01'",
        Context({"desil": "number", "umur": "number", "tanggal_lahir": "date"}),
    )
    text = to_sql(checked, "spark")  # type: ignore[arg-type]
    assert "TRY_CAST('2000-01-01' AS DATE)" in text
    assert "CASE WHEN (`umur` - 60) <> 0 THEN `desil` / (`umur` - 60) END" in text


def test_spark_sql_runs_them_and_ansi_mode_stays_on(spark: Any) -> None:
    from bansos_cli.rules.expr import Context, analyse

    frame = spark.createDataFrame(
        pl.DataFrame({"desil": [1, 5, None], "umur": [60, 61, 70]}).to_arrow()
    )
    frame.createOrReplaceTempView("t_gaps")
    checked = analyse("desil / (umur - 60) > 1", Context({"desil": "number", "umur": "number"}))
    text = to_sql(checked, "spark")  # type: ignore[arg-type]
    rows = spark.sql(f"SELECT {text} AS c FROM t_gaps").toArrow().column("c").to_pylist()
    assert rows == [None, True, None]  # 1/0 is NULL (not an ANSI error), as in polars
    assert spark.conf.get("spark.sql.ansi.enabled") == "true"


def test_cli_check_on_spark(spark: Any, tmp_path: Path) -> None:
    args = ["check", str(SAMPLE), "--as-of", "2025-07-01", "--engine", "spark", "--lang", "en"]
    result = invoke_assert_code([*args, "--spark-master", "local[2]", "--out", str(tmp_path)], 1)
    assert "engine spark (chosen with --engine) (ENGINE_CHOSEN)" in result.stderr
    written = pl.read_parquet(tmp_path / "eligibility.parquet")
    expected = api.check(SAMPLE, as_of=AS_OF, lang="en").frames["eligibility"]
    assert_frame_equal(written, expected)


def test_validate_and_reconcile_refuse_spark_in_one_line() -> None:
    for args in (
        ["validate", str(SAMPLE), "--engine", "spark", "--lang", "en"],
        ["reconcile", str(SAMPLE), str(SAMPLE), "--engine", "spark", "--lang", "en"],
    ):
        result = invoke_assert_code(args, 2)
        assert "engine spark does not run" in result.stderr
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_java_is_one_line_and_exit_2(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAVA_HOME", "/nonexistent-java")
    args = ["check", str(SAMPLE), "--engine", "spark", "--lang", lang]
    result = invoke_assert_code(args, 2)
    assert result.stderr.count("\n") == 1
    assert "JAVA_HOME: /nonexistent-java" in result.stderr
    assert "openjdk-17-jre-headless" in result.stderr


def test_every_condition_agrees_on_polars_and_spark(
    spark: Any, generated: pl.DataFrame, tmp_path: Path
) -> None:
    """Condition by condition, true/false/null, as the DuckDB parity test, on the conditions
    that exercise each allowed construct (LIKE/ILIKE, regexp_like, TRIM, LENGTH, CASE,
    NULLIF, dates, division, every family aggregate); the shipped conditions are compared
    through their eligibility on 50k rows above."""
    from bansos_cli.rules import compile_rules, load_rules
    from bansos_cli.rules.evaluate import prepare
    from bansos_cli.rules.expr.parity import compare

    extra = compile_rules(load_rules(rules_file(tmp_path, EXTRA_CONDITIONS)), AS_OF)
    frame = generated.with_columns(pl.col("desil_acak").alias("desil"))
    results = compare(prepare(frame, extra), extra.rules, "spark", spark=spark)
    assert [(r.rule_id, r.sql) for r in results if not r.equal] == []
    assert len(results) == len(EXTRA_CONDITIONS)
