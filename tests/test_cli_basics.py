from pathlib import Path

import pytest
from typer.testing import CliRunner

from bansos_cli import __version__
from bansos_cli.cli import app
from conftest import invoke_assert_code

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


def test_every_help_example_names_real_options() -> None:
    """The examples under each command's --help parse with that command's own options."""
    import shlex

    import typer.main

    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    seen = 0
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        for line in (command.epilog or "").splitlines()[1:]:
            # the bansos part of a shell line: after a pipe into it, before a redirection
            words = shlex.split(line.split(" | ")[-1].split(" > ")[0])
            assert words[:2] == ["bansos", name], line
            command.make_context(name, words[2:], parent=ctx)  # raises on an unknown option
            seen += 1
    assert seen >= 20


def test_an_internal_error_is_one_masked_line_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bansos_cli.pipeline import validate as validate_pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("cannot compare 3201014102800001\nsecond line")

    monkeypatch.setattr(validate_pipeline, "run_validate", broken)
    data = tmp_path / "daftar.csv"
    data.write_text("NIK,NAMA\n3201014102800001,SITI\n", encoding="utf-8")
    for lang, line in (
        ("en", "bansos: internal error: ValueError: cannot compare 3201**********01 (this is a "
         "bug in bansos: please report it with the command you ran; BANSOS_DEBUG=1 shows the "
         "traceback)"),
        ("id", "bansos: kesalahan internal: ValueError: cannot compare 3201**********01 (ini bug "
         "di bansos: laporkan bersama perintah yang dijalankan; BANSOS_DEBUG=1 menampilkan "
         "traceback)"),
    ):  # fmt: skip
        result = invoke_assert_code(["validate", str(data), "--lang", lang], 3)
        assert "3201014102800001" not in result.output
        assert result.stderr == line + "\n"
    monkeypatch.setenv("BANSOS_DEBUG", "1")
    debug = runner.invoke(app, ["validate", str(data)])
    assert isinstance(debug.exception, ValueError)


def test_error_messages_are_printed_literally() -> None:
    result = runner.invoke(app, ["validate", "[bold]tidak-ada.xlsx"])
    assert result.exit_code == 2
    assert "[bold]tidak-ada.xlsx" in result.stderr


def test_brackets_in_file_names_and_cells_are_shown_as_written(tmp_path: Path) -> None:
    """A file name or a cell with [..] is not a glob pattern nor terminal markup."""
    import polars as pl

    csv = tmp_path / "daftar [final].csv"
    csv.write_text("NIK,NAMA,CATATAN [lama]\n3201014102800001,SITI [bold]AMINAH,x\n")
    parquet = tmp_path / "daftar [final].parquet"
    pl.read_csv(csv, glob=False).write_parquet(parquet)
    for path in (csv, parquet):
        out = tmp_path / f"out-{path.suffix[1:]}"
        result = runner.invoke(
            app, ["validate", str(path), "--out", str(out), "--as-of", "2025-07-01"]
        )
        assert result.exit_code in (0, 1), result.output
        assert f"{path.name}" in result.stdout
        assert f"{out / 'records.parquet'}" in result.stdout
        shown = runner.invoke(app, ["inspect", str(path)])
        assert shown.exit_code == 0, shown.output
        assert "SITI [bold]AMINAH" in shown.stdout and "CATATAN [lama]" in shown.stdout
