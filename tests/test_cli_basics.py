from typer.testing import CliRunner

from bansos_cli import __version__
from bansos_cli.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"bansos {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "bansos_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"bansos {__version__}"


def test_no_arguments_shows_help_listing_every_command() -> None:
    result = runner.invoke(app, [])
    for command in (
        "run",
        "init",
        "inspect",
        "validate",
        "dedup",
        "check",
        "rules",
        "reconcile",
        "sample",
    ):
        assert f" {command} " in result.output, command
