"""One command-line grammar: an option name means the same on every command.

The options come from the click commands Typer builds (``typer.main.get_command``); their
help is a catalogue code, so "the same help" is "the same code".
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import typer
import typer.main

from bansos_cli.cli import app
from bansos_cli.cli.i18n import HELP_VALUES
from bansos_cli.cli.options import RENAMED
from bansos_cli.core import messages
from conftest import invoke_assert_code

SAME_MEANING_OWN_DEFAULT = {
    "--out": "always an output folder; what a command writes there, and the folder it uses "
    "without --out (bansos-out/<input>/, bansos.yaml's out, or nothing), are its own",
    "--fail-on": "always 'exit 1 when the data has this'; the levels are the command's own "
    "(finding severity, eligibility status, duplicate class, reconciliation category)",
    "--as-of": "bansos run takes its default from bansos.yaml (rules.as_of) before today",
    "--rules": "bansos run takes its default from bansos.yaml (rules.files) before the "
    "shipped rule files",
    "--format": "bansos run takes its default from bansos.yaml (formats)",
    "--mask": "bansos run takes its default from bansos.yaml (mask)",
    "--csv-formulas": "bansos run takes its default from bansos.yaml (csv_formulas)",
    "--engine": "bansos run takes its default from bansos.yaml (engine)",
}
"""Options whose meaning (the first help code) and type are shared, but whose default or
list of values differs per command."""

DIFFERENT_MEANING = {
    "--config": "bansos run reads a bansos.yaml, bansos dedup a dedup.yaml (whose keys are "
    "the dedup: section of bansos.yaml)",
    "--strict": "bansos run: stop at the first unreadable input; rules lint: warnings fail",
    "--rows": "bansos inspect: how many rows to show; bansos sample: how many to generate",
    "--region": "bansos reconcile: the columns of the per-region totals; bansos sample: the "
    "Kemendagri code of the generated area",
}
"""Names kept on two commands with different meanings, each for a reason."""


def _commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        for sub, subcommand in getattr(command, "commands", {}).items():
            found[f"{name} {sub}"] = subcommand
        if not hasattr(command, "commands"):
            found[name] = command
    return found


def _options() -> dict[str, list[tuple[str, Any]]]:
    by_name: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for path, command in _commands().items():
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                by_name[max(param.opts, key=len)].append((path, param))
    return by_name


def _shape(path: str, param: Any) -> dict[str, object]:
    ctx = typer.Context(_commands()[path])
    return {
        "names": sorted([*param.opts, *param.secondary_opts]),
        "type": param.display_type(ctx),
        "flag": param.is_flag,
        "multiple": param.multiple,
    }


@pytest.mark.parametrize("name", sorted(n for n, uses in _options().items() if len(uses) > 1))
def test_an_option_means_the_same_on_every_command(name: str) -> None:
    uses = _options()[name]
    if name in DIFFERENT_MEANING:
        return  # documented above, with the reason
    shapes = {path: _shape(path, param) for path, param in uses}
    types = {path: s["type"] for path, s in shapes.items()}
    if name in SAME_MEANING_OWN_DEFAULT:
        # bansos run's "not given: from the config file" makes its flag/choice optional
        firsts = {path: param.help.split()[0] for path, param in uses}
        assert len(set(firsts.values())) == 1, firsts
        assert len({s["names"] == shapes[uses[0][0]]["names"] for s in shapes.values()}) == 1
        assert len({t.replace("|none", "") for t in map(str, types.values())}) == 1, types
        return
    assert len({json.dumps(s, sort_keys=True) for s in shapes.values()}) == 1, shapes
    assert len({param.help for _, param in uses}) == 1, {p: x.help for p, x in uses}
    assert len({repr(param.default) for _, param in uses}) == 1, {p: x.default for p, x in uses}


def test_every_listed_exception_is_real() -> None:
    """The lists above name options that exist on two commands or more (no stale entries)."""
    shared = {n for n, uses in _options().items() if len(uses) > 1}
    assert set(SAME_MEANING_OWN_DEFAULT) <= shared
    assert set(DIFFERENT_MEANING) <= shared


def test_every_help_code_is_in_the_catalogue_in_both_languages() -> None:
    catalogue = messages.catalogue()
    for path, command in _commands().items():
        for param in command.params:
            for code in (param.help or "").split() if not param.hidden else []:
                assert code in catalogue, (path, param.name, code)
                assert set(catalogue[code].texts) == set(messages.LANGS), code
        assert command.help in catalogue, path


def test_the_shared_reading_options_are_on_every_command_that_reads_files() -> None:
    reading = {"--sheet", "--header-row", "--mapping", "--encoding", "--delimiter"}
    for path in ("run", "inspect", "validate", "dedup", "check", "pseudonymise"):
        options = {max(p.opts, key=len) for p in _commands()[path].params if p.opts}
        assert reading <= options, (path, reading - options)
        assert "--lang" in options


def test_help_values_match_the_library() -> None:
    """The constants named in help texts are copies (importing the library on --help would
    load polars): they must equal the library's."""
    from bansos_cli.pipeline.config import CONFIG_NAME
    from bansos_cli.pipeline.pseudonymise import DEFAULT_COLUMNS, KEY_ENV, PERSONAL_COLUMNS
    from bansos_cli.sample import LAYOUTS

    assert HELP_VALUES["config"] == CONFIG_NAME
    assert HELP_VALUES["key_env"] == KEY_ENV
    assert HELP_VALUES["default_columns"] == ",".join(DEFAULT_COLUMNS)
    assert HELP_VALUES["personal_columns"] == ", ".join(PERSONAL_COLUMNS)
    assert HELP_VALUES["layouts"] == ", ".join((*LAYOUTS, "rekonsiliasi"))


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "daftar.csv"
    path.write_text("NIK,NAMA\n3201014102800001,SITI\n", encoding="utf-8")
    return path


def test_renamed_options_still_work_with_a_notice(tmp_path: Path) -> None:
    assert RENAMED == {"--reference-date": "--as-of", "--mask-ids": "--mask"}
    out = tmp_path / "o"
    args = ["validate", str(_csv(tmp_path)), "--out", str(out), "--no-report", "--json"]
    result = invoke_assert_code([*args, "--reference-date", "2025-07-01", "--mask-ids"], 0)
    assert json.loads(result.stdout)["as_of"] == "2025-07-01"
    assert result.stderr.splitlines() == [
        "! --reference-date sudah usang dan akan dihapus pada rilis berikutnya; pakai --as-of",
        "! --mask-ids sudah usang dan akan dihapus pada rilis berikutnya; pakai --mask",
    ]
    masked = pl.read_parquet(out / "records.parquet")["nik"].to_list()
    assert masked == ["3201**********01"]
    english = invoke_assert_code([*args, "--reference-date=2025-07-01", "--lang", "en"], 0)
    assert english.stderr == (
        "! --reference-date is deprecated and will be removed in the next release; use --as-of\n"
    )
    quiet = invoke_assert_code([*args, "--reference-date", "2025-07-01", "--quiet"], 0)
    assert quiet.stderr == ""
    # an old name on a command without the new one is an unknown option, as before
    unknown = invoke_assert_code(["inspect", str(_csv(tmp_path)), "--mask-ids"], 2)
    assert unknown.stderr.startswith("bansos: kesalahan: opsi --mask-ids tidak dikenal")


def test_dash_reads_standard_input_as_a_file_named_stdin(tmp_path: Path) -> None:
    data = "NIK;NAMA\n3201014102800001;SITI\n"
    out = tmp_path / "o"
    result = invoke_assert_code(
        ["validate", "-", "--as-of", "2025-07-01", "--out", str(out), "--no-report"], 0, input=data
    )
    assert "Berkas: stdin.csv" in result.stdout
    records = pl.read_parquet(out / "records.parquet")
    assert records["source"].to_list() == ["stdin.csv"]
    assert records["nik"].to_list() == ["3201014102800001"]
    inspected = json.loads(invoke_assert_code(["inspect", "-", "--json"], 0, input=data).stdout)
    assert Path(inspected["sources"][0]["path"]).name == "stdin.csv"
    twice = invoke_assert_code(["reconcile", "-", "-"], 2, input=data)
    assert twice.stderr == "bansos: kesalahan: - (stdin) hanya boleh diberikan sekali\n"
