"""Per-column tolerances: the forms officers write, on the command line and in bansos.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bansos_cli.core.errors import BansosError, OptionError
from bansos_cli.pipeline.config import parse_run_config
from bansos_cli.reconcile import ReconcileOptions, Tolerance, parse_tolerance_option
from conftest import invoke_assert_code

FIXTURES = Path(__file__).parent / "fixtures" / "reconcile"


@pytest.mark.parametrize(
    ("text", "absolute", "relative"),
    [
        ("1000", 1000.0, 0.0),
        ("1.000", 1000.0, 0.0),  # Indonesian thousands
        ("0,5", 0.5, 0.0),
        ("1%", 0.0, 0.01),
        ("0,5%", 0.0, 0.005),
        ("2.5 %", 0.0, 0.025),
        ("1000+1%", 1000.0, 0.01),
        (" 1.000 + 0,5% ", 1000.0, 0.005),
        (250, 250.0, 0.0),
    ],
)
def test_tolerance_forms(text: str, absolute: float, relative: float) -> None:
    tolerance = Tolerance.parse(text, "nominal")
    assert (tolerance.absolute, tolerance.relative) == pytest.approx((absolute, relative))


@pytest.mark.parametrize("text", ["", "banyak", "-5", "1%+1000", "1000+", "%", "1,000.5.5", -1])
def test_unreadable_tolerances_are_option_errors(text: str) -> None:
    with pytest.raises(OptionError) as caught:
        Tolerance.parse(text, "nominal")
    assert "nominal" in str(caught.value)
    assert "nominal=1000+1%" in caught.value.render("en")  # the hint shows the forms


def test_tolerance_text_round_trips() -> None:
    for text in ("1000", "1%", "1000+0.5%", "0"):
        assert str(Tolerance.parse(text)) == text
    assert Tolerance.parse(str(Tolerance(absolute=1500, relative=0.02))) == Tolerance(1500, 0.02)


def test_the_option_takes_columns_commas_and_a_bare_amount() -> None:
    got = parse_tolerance_option(["nominal=1000,umur=1", "jumlah=0,5%", "2%"], "nominal")
    assert got == {
        "nominal": Tolerance(relative=0.02),  # the bare value is the amount column's; last wins
        "umur": Tolerance(absolute=1),
        "jumlah": Tolerance(relative=0.005),
    }
    assert parse_tolerance_option(["300000"], "nominal") == {"nominal": Tolerance(300000)}
    assert parse_tolerance_option(None, "nominal") == {}
    with pytest.raises(OptionError):
        parse_tolerance_option(["500"], None)  # no amount column to give it to


def test_amount_tolerance_is_the_shortcut_of_the_amount_column() -> None:
    assert ReconcileOptions(amount_tolerance=100).tolerances() == {"nominal": Tolerance(100)}
    both = ReconcileOptions(amount_tolerance=100, tolerance={"nominal": "1%"})
    assert both.tolerances() == {"nominal": Tolerance(relative=0.01)}
    assert ReconcileOptions(tolerance={"umur": 1}).as_dict()["tolerance"] == {"umur": "1"}


def test_tolerances_in_bansos_yaml() -> None:
    config = parse_run_config(
        {"reconcile": {"target": "x.xlsx", "tolerance": {"nominal": "1000+1%", "umur": 1}}}
    )
    assert config.reconcile is not None
    assert config.reconcile.tolerance == {"nominal": "1000+1%", "umur": 1}
    with pytest.raises(BansosError) as caught:
        parse_run_config({"reconcile": {"target": "x.xlsx", "tolerance": {"nominal": "lots"}}})
    assert "reconcile.tolerance" in str(caught.value)


def test_tolerance_on_the_command_line() -> None:
    sk, salur = str(FIXTURES / "sk.csv"), str(FIXTURES / "salur.csv")
    # BUDI was paid 300.000 of 600.000: 50 % off
    strict = invoke_assert_code(["reconcile", sk, salur, "--json", "--tolerance", "nominal=49%"], 1)
    assert '"nominal": 1' in strict.stdout.split('"field_differences"')[1].split("}")[0]
    loose = invoke_assert_code(["reconcile", sk, salur, "--json", "--tolerance", "nominal=50%"], 1)
    assert '"nominal": 0' in loose.stdout.split('"field_differences"')[1].split("}")[0]
    assert '"nominal": "0+50%"' not in loose.stdout and '"nominal": "50%"' in loose.stdout
