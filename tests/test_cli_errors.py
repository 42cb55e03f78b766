"""Errors in the language of the run: one line on stderr, exit code 2, no traceback.

The language of an error is ``--lang`` when the command line has it, else ``BANSOS_LANG``,
else Bahasa Indonesia, for the parser's own errors (unknown option, missing argument, bad
value) as for the problems bansos finds (a missing file, a bad option value).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from bansos_cli.cli.app import BansosCommand, BansosGroup
from conftest import invoke_assert_code

CASES = [
    (
        ["validate", "tidak-ada.xlsx"],
        "bansos: kesalahan: tidak-ada.xlsx: berkas tidak ditemukan "
        "(periksa letak folder dan ejaan nama berkas)",
        "bansos: error: tidak-ada.xlsx: file not found (check the path and the spelling)",
    ),
    (
        ["validate"],
        "bansos: kesalahan: argumen BERKAS belum diberikan (lihat 'bansos validate -h')",
        "bansos: error: missing argument FILE (see 'bansos validate -h')",
    ),
    (
        ["validate", "a.csv", "--bogus"],
        "bansos: kesalahan: opsi --bogus tidak dikenal (maksud Anda: --out?; "
        "lihat 'bansos validate -h')",
        "bansos: error: no such option --bogus (did you mean --out?; see 'bansos validate -h')",
    ),
    (
        ["inspect", "a.csv", "--header-row", "dua"],
        "bansos: kesalahan: nilai tidak sah untuk --header-row: 'dua' bukan bilangan bulat "
        "(lihat 'bansos inspect -h')",
        "bansos: error: invalid value for --header-row: 'dua' is not a whole number "
        "(see 'bansos inspect -h')",
    ),
    (
        ["inspect", "a.csv", "--header-row", "0"],
        "bansos: kesalahan: nilai tidak sah untuk --header-row: paling kecil 1, bukan 0 "
        "(lihat 'bansos inspect -h')",
        "bansos: error: invalid value for --header-row: at least 1, not 0 "
        "(see 'bansos inspect -h')",
    ),
    (
        ["validate", "a.csv", "--out"],
        "bansos: kesalahan: opsi --out memerlukan nilai",
        "bansos: error: option --out needs a value",
    ),
    (
        ["reconcile", "a.xlsx", "b.xlsx", "c.xlsx"],
        "bansos: kesalahan: argumen berlebih: c.xlsx (lihat 'bansos reconcile -h')",
        "bansos: error: unexpected extra argument(s): c.xlsx (see 'bansos reconcile -h')",
    ),
    (
        ["valdate", "a.csv"],
        "bansos: kesalahan: perintah 'valdate' tidak dikenal "
        "(maksud Anda: validate?; lihat 'bansos -h')",
        "bansos: error: no such command 'valdate' (did you mean validate?; see 'bansos -h')",
    ),
    (
        ["validate", "a.csv", "--as-of", "1-7-2025"],
        "bansos: kesalahan: --as-of harus berbentuk YYYY-MM-DD, bukan '1-7-2025' (mis. 2025-07-01)",
        "bansos: error: --as-of must be YYYY-MM-DD, not '1-7-2025' (e.g. 2025-07-01)",
    ),
    (
        ["check", "a.csv", "--fail-on", "gagal"],
        "bansos: kesalahan: --fail-on tidak menerima 'gagal' "
        "(pilih salah satu: TIDAK_LAYAK, PERLU_VERIFIKASI, never)",
        "bansos: error: --fail-on does not take 'gagal' "
        "(use one of TIDAK_LAYAK, PERLU_VERIFIKASI, never)",
    ),
]


@pytest.mark.parametrize(("args", "indonesian", "english"), CASES, ids=lambda v: str(v)[:40])
def test_errors_are_one_line_in_the_language_of_the_run(
    args: list[str], indonesian: str, english: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a.csv does not exist: only the option is wrong
    for extra, env, expected in (
        ([], {}, indonesian),
        (["--lang", "id"], {"BANSOS_LANG": "en"}, indonesian),  # --lang wins over the env
        (["--lang", "en"], {}, english),
        ([], {"BANSOS_LANG": "en"}, english),
    ):
        # --lang right after the command name, so that it is never taken as a value
        result = invoke_assert_code([*args[:1], *extra, *args[1:]], 2, env=env)
        assert result.stderr == expected + "\n"
        assert result.stdout == ""


def test_an_unusable_lang_leaves_the_parser_error_to_the_environment() -> None:
    result = invoke_assert_code(
        ["validate", "--lang", "xx", "--bogus"], 2, env={"BANSOS_LANG": "en"}
    )
    assert result.stderr.startswith("bansos: error: no such option --bogus")


def test_an_unknown_language_is_named_in_the_default_language(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("NIK\n3201014102800001\n", encoding="utf-8")
    result = invoke_assert_code(["validate", str(path), "--lang", "fr"], 2)
    assert result.stderr == (
        "bansos: kesalahan: bahasa 'fr' tidak dikenal (pakai --lang id atau --lang en)\n"
    )


def test_a_missing_required_option_is_named(tmp_path: Path) -> None:
    """No bansos command has a required option today; the message for one is still ready."""
    demo = typer.Typer(cls=BansosGroup)

    @demo.callback()
    def _root() -> None:
        """A group with one command."""

    @demo.command("hitung", cls=BansosCommand)
    def _count(kolom: Annotated[str, typer.Option("--kolom")]) -> None:
        """A command with a required option."""

    runner = CliRunner()
    for env, expected in (
        ({"BANSOS_LANG": None}, "bansos: kesalahan: opsi --kolom wajib diisi "
                                "(lihat 'demo hitung -h')"),
        ({"BANSOS_LANG": "en"}, "bansos: error: missing option --kolom (see 'demo hitung -h')"),
    ):  # fmt: skip
        result = runner.invoke(demo, ["hitung"], prog_name="demo", env=env)
        assert result.exit_code == 2
        assert result.stderr == expected + "\n"
        assert "Traceback" not in result.output


def test_help_follows_the_language() -> None:
    indonesian = invoke_assert_code(["validate", "--help"], 0).stdout
    english = invoke_assert_code(["validate", "--help", "--lang", "en"], 0).stdout
    assert "Pemakaian: bansos validate [OPSI] {BERKAS}..." in indonesian
    assert "Folder hasil (dibuat" in indonesian
    assert "Contoh:" in indonesian and "[bawaan: parquet]" in indonesian
    assert "Usage: bansos validate [OPTIONS] {FILE}..." in english
    assert "Output folder (created" in english
    assert "Examples:" in english and "[default: parquet]" in english
