"""Engines: one registry, one ``--engine`` option, ``auto`` says what it picked and why."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bansos_cli import api
from bansos_cli.cli.options import ENGINE_NAMES
from bansos_cli.core.errors import OptionError
from bansos_cli.core.messages import text
from bansos_cli.pipeline import engines
from bansos_cli.pipeline.config import RunConfig, parse_run_config
from conftest import invoke_assert_code

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
AS_OF = dt.date(2025, 7, 1)


def test_the_option_values_are_the_registry_names() -> None:
    assert ENGINE_NAMES == engines.NAMES
    assert engines.NAMES[0] == engines.AUTO
    config_engines = RunConfig.model_fields["engine"].annotation
    assert set(typing_args(config_engines)) == set(engines.NAMES)


def typing_args(annotation: object) -> tuple[object, ...]:
    import typing

    return typing.get_args(annotation)


def test_auto_runs_in_memory_when_the_input_fits() -> None:
    choice = engines.choose_engine("auto", "validate", [SAMPLE], memory=8 * 10**9)
    assert choice.name == "polars" and choice.requested == "auto"
    assert choice.notice.code == "ENGINE_AUTO_IN_MEMORY"
    assert choice.to_dict() == {
        "name": "polars",
        "requested": "auto",
        "reason": "ENGINE_AUTO_IN_MEMORY",
    }


def test_auto_says_when_the_input_does_not_fit_and_nothing_streams_the_command() -> None:
    need = engines.estimate_memory([SAMPLE])
    assert need == int(engines.BASELINE + SAMPLE.stat().st_size * engines.MEMORY_FACTOR["xlsx"])
    choice = engines.choose_engine(None, "validate", [SAMPLE], memory=need)  # need > half
    assert choice.name == "polars"
    assert choice.notice.code == "ENGINE_AUTO_TOO_BIG"
    mb = round(need / 1e6)
    assert f"{mb:,} MB" in choice.notice.text("en")
    assert f"{mb:,} MB".replace(",", ".") in choice.notice.text("id")


def test_auto_stays_in_memory_when_the_system_does_not_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engines, "available_memory", lambda: None)
    choice = engines.choose_engine("auto", "check", [SAMPLE])
    assert (choice.name, choice.notice.code) == ("polars", "ENGINE_AUTO_NO_MEMORY_INFO")


def test_auto_takes_the_fallback_engine_that_runs_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    streaming = engines.Engine("streaming", frozenset({"validate"}))
    monkeypatch.setitem(engines.ENGINES, "streaming", streaming)
    need = engines.estimate_memory([SAMPLE])
    choice = engines.choose_engine("auto", "validate", [SAMPLE], memory=need)
    assert (choice.name, choice.notice.code) == ("streaming", "ENGINE_AUTO_STREAMING")
    assert "streaming" in choice.notice.text("en")


def test_a_parquet_input_is_estimated_by_its_rows_and_run_holds_more(tmp_path: Path) -> None:
    import polars as pl

    path = tmp_path / "list.parquet"
    pl.DataFrame({"nik": ["3201010101900001"] * 1000}).write_parquet(path)
    assert engines.estimate_memory([path]) == engines.BASELINE + 1000 * engines.BYTES_PER_ROW
    added = engines.estimate_memory([path], "run") - engines.BASELINE
    assert added == int(1000 * engines.BYTES_PER_ROW * engines.COMMAND_FACTOR["run"])


def test_an_input_that_cannot_be_expanded_is_left_to_the_reader(tmp_path: Path) -> None:
    assert engines.estimate_memory([tmp_path / "missing.xlsx", SAMPLE]) == (
        engines.estimate_memory([SAMPLE])
    )


def test_a_named_engine_must_run_the_command() -> None:
    assert engines.choose_engine("POLARS", "check", [SAMPLE]).notice.code == "ENGINE_CHOSEN"
    with pytest.raises(OptionError) as bad:
        engines.choose_engine("streaming", "check", [SAMPLE])
    assert bad.value.code == "ENGINE_NOT_FOR_COMMAND"
    assert "polars" in bad.value.render("en")
    with pytest.raises(OptionError) as unknown:
        engines.choose_engine("duckdb", "validate", [SAMPLE])
    assert unknown.value.code == "CLI_BAD_CHOICE"


def test_an_engine_whose_package_is_missing_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    missing = engines.Engine("spark", frozenset({"check"}), lambda: False, "spark")
    monkeypatch.setitem(engines.ENGINES, "spark", missing)
    with pytest.raises(OptionError) as bad:
        engines.choose_engine("spark", "check", [SAMPLE])
    assert bad.value.code == "ENGINE_NOT_INSTALLED"
    assert "pip install 'bansos-cli[spark]'" in bad.value.render("en")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_validate_prints_the_engine_it_picked(lang: str, tmp_path: Path) -> None:
    result = invoke_assert_code(
        ["validate", str(SAMPLE), "--out", str(tmp_path), "--no-report", "--lang", lang], 1
    )
    assert "(ENGINE_AUTO_IN_MEMORY)" in result.stderr
    expected = text("ENGINE_AUTO_IN_MEMORY", lang, need_mb=1, available_mb=2).split(":")[0]
    assert expected in result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["engine"] == {
        "name": "polars",
        "requested": "auto",
        "reason": "ENGINE_AUTO_IN_MEMORY",
    }


@pytest.mark.parametrize(
    "args",
    [
        ["validate", str(SAMPLE), "--engine", "streaming"],
        ["check", str(SAMPLE), "--engine", "streaming"],
        ["reconcile", str(SAMPLE), str(SAMPLE), "--engine", "streaming"],
        ["run", str(SAMPLE), "--engine", "streaming"],
        ["validate", str(SAMPLE), "--engine", "gpu"],
    ],
)
def test_an_engine_that_cannot_run_the_command_is_one_line_and_exit_2(
    args: list[str], tmp_path: Path
) -> None:
    result = invoke_assert_code([*args, "--lang", "en"] if args[0] != "run" else args, 2)
    assert result.stderr.count("\n") == 1
    assert "engine" in result.stderr


def test_the_api_takes_the_engine_and_records_it() -> None:
    for result in (
        api.validate(SAMPLE, as_of=AS_OF, engine="polars"),
        api.check(SAMPLE, as_of=AS_OF, engine="polars"),
        api.reconcile(
            ROOT / "sample_data" / "sk_penerima.xlsx",
            ROOT / "sample_data" / "laporan_penyaluran.xlsx",
            engine="polars",
        ),
    ):
        assert result.summary["engine"]["name"] == "polars"
        assert result.summary["engine"]["reason"] == "ENGINE_CHOSEN"
        assert result.detail.engine.name == "polars"


def test_run_config_takes_the_engine(tmp_path: Path) -> None:
    config = parse_run_config({"engine": "polars"})
    result = api.run(SAMPLE, config, as_of=AS_OF)
    assert result.summary["engine"] == {
        "name": "polars",
        "requested": "polars",
        "reason": "ENGINE_CHOSEN",
    }
    with pytest.raises(Exception) as bad:
        parse_run_config({"engine": "gpu"})
    assert "engine" in str(bad.value)
