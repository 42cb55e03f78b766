from typer.testing import CliRunner

from bansos_cli import __version__
from bansos_cli.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"bansos {__version__}"
