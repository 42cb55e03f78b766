"""bansos dedup: exit codes, output files, masked NIKs, --json, config errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from bansos_cli.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "dedup"
LIST_A, LIST_B = str(FIXTURES / "list_a.csv"), str(FIXTURES / "list_b.csv")
FULL_NIKS = ("3201010101800001", "3201011505750002")


def invoke(*args: str):
    result = runner.invoke(app, ["dedup", *args])
    assert "Traceback" not in result.output
    return result


def test_duplicates_across_files_exit_1_and_outputs(tmp_path: Path) -> None:
    result = invoke(LIST_A, LIST_B, "--out", str(tmp_path), "--lang", "en", "--format", "both")
    assert result.exit_code == 1
    assert "7 data rows" in result.stdout
    assert "Duplicate groups: 1 (1 surplus rows)" in result.stdout
    for nik in FULL_NIKS:
        assert nik not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".bansos-set",  # the list of the set (docs/security.md)
        "clusters.csv",
        "clusters.parquet",
        "pairs.csv",
        "pairs.parquet",
        "report.xlsx",
        "summary.json",
    ]
    pairs = pl.read_parquet(tmp_path / "pairs.parquet").sort("class")
    assert pairs.select("class", "decision").rows() == [
        ("nik_bentrok", "konflik"),
        ("nik_sama", "ganda"),
    ]
    same = pairs.filter(pl.col("class") == "nik_sama").row(0, named=True)
    # The cross-file pair names both sources and the Excel/CSV rows the officer sees.
    assert (Path(same["source_a"]).name, same["row_a"]) == ("list_a.csv", 2)
    assert (Path(same["source_b"]).name, same["row_b"]) == ("list_b.csv", 2)
    assert same["level_nama"] == "sama"  # "Hj. Siti Aminah" = "SITI AMINAH"
    clashing = pairs.filter(pl.col("class") == "nik_bentrok").row(0, named=True)
    assert (clashing["row_a"], clashing["row_b"]) == (3, 4)
    clusters = pl.read_parquet(tmp_path / "clusters.parquet")
    assert clusters.height == 7  # every input row in exactly one group
    assert clusters.group_by("cluster_id").len()["len"].sort().to_list() == [1, 1, 1, 1, 1, 2]
    # The NIK conflict is never merged: rows 3 and 4 of list_a stay apart.
    conflict = clusters.filter(
        pl.col("row").is_in([3, 4]) & pl.col("source").str.ends_with("a.csv")
    )
    assert conflict["cluster_id"].n_unique() == 2
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == 7
    assert summary["classes"]["nik_sama"] == 1
    assert summary["classes"]["nik_bentrok"] == 1
    assert summary["groups"]["rows_to_review"] == 1


def test_no_duplicates_exit_0_in_indonesian() -> None:
    result = invoke(LIST_B, "--lang", "id")
    assert result.exit_code == 0
    assert "Tidak ada data ganda." in result.stdout


def test_json_output_is_the_summary_without_personal_data() -> None:
    result = invoke(LIST_A, LIST_B, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["rows"] == 7
    assert data["pairs"] == 2
    assert data["decisions"] == {"ganda": 1, "tinjau": 0, "konflik": 1}
    assert [b["key"] for b in data["blocking"]][:2] == ["baris_sama", "nik"]
    for nik in FULL_NIKS:
        assert nik not in result.stdout


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "dedup.yaml"
    config.write_text("thresholds:\n  match: 0.9\n  nonsense: 1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(LIST_A, "--config", str(config), "--out", str(out), "--lang", "en")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "thresholds.nonsense: unknown key" in lines[0]
    assert "dedup.yaml" in lines[0]
    assert not out.exists()  # nothing written on bad input


def test_unordered_thresholds_are_rejected(tmp_path: Path) -> None:
    config = tmp_path / "dedup.yaml"
    config.write_text("thresholds: {match: 0.6, review: 0.8}\n", encoding="utf-8")
    result = invoke(LIST_A, "--config", str(config), "--lang", "en")
    assert result.exit_code == 2
    assert "review must not be above match" in result.stderr


def test_missing_file_exit_2() -> None:
    result = invoke(str(FIXTURES / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr


def test_help_names_outputs_and_exit_codes() -> None:
    result = runner.invoke(app, ["dedup", "--help"])
    assert result.exit_code == 0
    assert "--config" in result.stdout and "--fail-on" in result.stdout
    assert "Kode keluar 0" in result.stdout
    english = runner.invoke(app, ["dedup", "--help", "--lang", "en"])
    assert "Exit code 0" in english.stdout


def test_fail_on_chooses_the_classes_that_fail() -> None:
    """Exit 1 on any duplicate by default; only on the named classes, or never."""
    classes = json.loads(invoke(LIST_A, LIST_B, "--json").stdout)["classes"]
    found = sorted(k for k, v in classes.items() if v)
    absent = sorted(k for k, v in classes.items() if not v)
    assert found and absent
    assert invoke(LIST_A, LIST_B, "--quiet").exit_code == 1
    assert invoke(LIST_A, LIST_B, "--quiet", "--fail-on", "never").exit_code == 0
    assert invoke(LIST_A, LIST_B, "--quiet", "--fail-on", found[0]).exit_code == 1
    assert invoke(LIST_A, LIST_B, "--quiet", "--fail-on", ",".join(absent)).exit_code == 0
    bad = invoke(LIST_A, LIST_B, "--fail-on", "ganda")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("bansos: kesalahan: --fail-on tidak menerima 'ganda' (pilih ")
