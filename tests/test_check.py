"""``bansos check`` and ``bansos rules test|lint|schema`` end to end, plus the shipped rules."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.pipeline.check import check_frame, load_programs
from bansos_cli.rules import RuleFile, json_schema
from conftest import invoke_assert_code

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

CSV = (
    "NIK,NAMA,DESIL,TGL LAHIR,PEKERJAAN,KETERANGAN PADAN,KECAMATAN\n"
    "3201014107650001,SITI,4,30-06-1965,PETANI,PADAN,CIBINONG\n"
    "3201014107650002,BUDI,5,01-01-1970,pns,PADAN,CIBINONG\n"
    "3201014107650003,ANI,,01-01-1980,,PADAN,BOGOR\n"
)


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_shipped_rules_pass_their_embedded_tests() -> None:
    result = invoke("rules", "test", str(RULES))
    assert result.exit_code == 0, result.output
    assert re.search(r"(\d+)/\1 kasus lolos dari 5 berkas", result.stdout)
    english = invoke("rules", "test", str(RULES), "--lang", "en", "--quiet")
    assert english.exit_code == 0 and english.stdout == ""


def test_shipped_rules_lint_clean() -> None:
    result = invoke("rules", "lint", str(RULES), "--as-of", "2025-06-30", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout == "5 berkas diperiksa per 2025-06-30: 0 kesalahan, 0 peringatan\n"
    english = invoke("rules", "lint", str(RULES), "--as-of", "2025-06-30", "--lang", "en")
    assert english.stdout == "5 file(s) checked at 2025-06-30: 0 error(s), 0 warning(s)\n"


@pytest.mark.parametrize(
    ("content", "code"),
    [(None, "FILE"), ("rules: [\n", "YAML"), ("", "YAML")],
    ids=["missing", "broken-yaml", "empty"],
)
def test_lint_and_test_exit_2_on_an_unusable_file(
    tmp_path: Path, content: str | None, code: str
) -> None:
    """Exit 2 (unusable input), not 1 (the rules have errors), when a file cannot be read."""
    path = tmp_path / "pkh.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    for command in (
        ["rules", "lint", str(path), "--as-of", "2025-06-30"],
        ["rules", "test", str(path)],
    ):
        result = invoke_assert_code(command, 2)
        if content is not None:  # the file's problem is listed with its code
            assert f"({code})" in result.output
        else:  # no such file: the one-line error
            assert result.stderr.startswith("bansos: kesalahan: ") and str(path) in result.stderr


def test_broken_copy_fails_naming_file_line_and_rule(tmp_path: Path) -> None:
    for name in ("pkh.yaml", "exclusions.yaml"):
        (tmp_path / name).write_text((RULES / name).read_text(encoding="utf-8"), "utf-8")
    pkh = tmp_path / "pkh.yaml"
    text = pkh.read_text(encoding="utf-8")
    pkh.write_text(
        text.replace('condition: "desil <= :desil_maks"', 'condition: "desil_kk <= :desil_maks"'),
        encoding="utf-8",
    )
    line = 1 + text.split('condition: "desil <= :desil_maks"')[0].count("\n")
    junit = tmp_path / "junit.xml"
    result = invoke("rules", "test", str(pkh), "--junit", str(junit), "--lang", "en")
    assert result.exit_code == 1
    assert f"{pkh}:{line}: [PKH-DESIL]" in result.stderr
    assert "unknown column 'desil_kk'; did you mean 'desil'?" in result.stderr
    suites = ET.parse(junit).getroot()
    suite = suites.find("testsuite")
    assert suite is not None and int(suite.get("failures", "0")) == int(suite.get("tests", "0"))
    failure = suites.find(".//failure")
    assert failure is not None and "PKH-DESIL" in (failure.text or "")


def test_wrong_expectation_shows_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "sembako.yaml"
    text = (RULES / "sembako.yaml").read_text(encoding="utf-8")
    (tmp_path / "exclusions.yaml").write_text(
        (RULES / "exclusions.yaml").read_text(encoding="utf-8"), "utf-8"
    )
    path.write_text(
        text.replace(
            "- {status: LAYAK}\n      - {status: TIDAK_LAYAK}",
            "- {status: TIDAK_LAYAK}\n      - {status: TIDAK_LAYAK}",
        ),
        encoding="utf-8",
    )
    result = invoke("rules", "test", str(path), "--lang", "en")
    assert result.exit_code == 1
    assert "FAIL" in result.stderr and "desil 5 layak sejak 2026" in result.stderr
    assert "row 1: status expected TIDAK_LAYAK, got LAYAK" in result.stderr


def test_lint_reports_traps_with_lines() -> None:
    result = invoke(
        "rules",
        "lint",
        str(ROOT / "tests/fixtures/rules/traps.yaml"),
        "--as-of",
        "2025-01-01",
        "--json",
    )
    assert result.exit_code == 1
    issues = json.loads(result.stdout)["issues"]
    assert {(i["line"], i["code"]) for i in issues} >= {
        (7, "YAML_TRAP"),
        (8, "DUPLICATE_KEY"),
        (14, "SCHEMA"),
        (19, "YAML_TRAP"),
    }


def test_schema_is_draft07_and_describes_rules() -> None:
    result = invoke("rules", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in result.stdout and "#/definitions/Rule" in result.stdout
    rule = schema["definitions"]["Rule"]
    assert rule["additionalProperties"] is False
    assert set(rule["required"]) >= {"id", "kind", "condition", "on_missing", "message"}
    assert json_schema() == schema


def test_docs_examples_are_valid_rules_files(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    full = [b for b in blocks if b.startswith("format: bansos-rules/1")]
    assert full, "docs/rules.md has no complete example"
    for i, block in enumerate(full):
        path = tmp_path / f"example{i}.yaml"
        path.write_text(block, encoding="utf-8")
        RuleFile.model_validate(yaml.safe_load(block))
        result = invoke("rules", "test", str(path))
        assert result.exit_code == 0, result.output


def test_check_frame_statuses_and_components() -> None:
    programs = load_programs([RULES / "pkh.yaml"], dt.date(2025, 6, 30))
    frame = pl.DataFrame(
        {
            "source": ["a.csv"] * 3,
            "sheet": [""] * 3,
            "row": [2, 3, 4],
            "nik": ["3201014107650001", "3201014107650002", "3201014107650003"],
            "desil": ["4", "5", None],
            "tanggal_lahir": ["1965-06-30", "1970-01-01", None],
            "status_padan": ["PADAN"] * 3,
            "kecamatan": ["A", "A", "B"],
        },
    )
    result = check_frame(frame, programs, mask_ids=True)
    out = result.frame
    assert out["status"].cast(pl.String).to_list() == ["LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI"]
    assert out["components"].to_list() == [["lansia"], [], []]
    assert out["nik"].to_list()[0] == "3201**********01"
    assert out["row"].to_list() == [2, 3, 4]
    regions = result.programs[0].regions.sort("kecamatan").to_dicts()
    assert regions[0] == {
        "kecamatan": "A",
        "LAYAK": 1,
        "TIDAK_LAYAK": 1,
        "PERLU_VERIFIKASI": 0,
        "total": 2,
    }


def test_check_cli_writes_outputs(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(
        "check",
        str(data),
        "--rules",
        str(RULES / "pkh.yaml"),
        "--as-of",
        "2025-06-30",
        "--out",
        str(out),
    )
    assert result.exit_code == 1  # BUDI is a PNS with desil 5
    assert "Tanggal acuan: 2025-06-30" in result.stdout
    frame = pl.read_parquet(out / "eligibility.parquet")
    assert frame["status"].cast(pl.String).to_list() == ["LAYAK", "TIDAK_LAYAK", "PERLU_VERIFIKASI"]
    assert frame["failed_rules"].to_list()[1] == [
        "EXC-PEKERJAAN",
        "EXC-KELUARGA-PEKERJAAN",
        "PKH-DESIL",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2025-06-30" and summary["rows"] == 3
    pkh = summary["programs"][0]
    assert pkh["counts"] == {"LAYAK": 1, "TIDAK_LAYAK": 1, "PERLU_VERIFIKASI": 1}
    assert {"name": "usia_lansia", "uncertain": True}.items() <= next(
        p for p in pkh["parameters"] if p["name"] == "usia_lansia"
    ).items()
    assert (out / "report.xlsx").stat().st_size > 0
    never = invoke(
        "check",
        str(data),
        "--rules",
        str(RULES / "pkh.yaml"),
        "--as-of",
        "2025-06-30",
        "--fail-on",
        "never",
        "--quiet",
    )
    assert never.exit_code == 0 and never.stdout == ""


def test_check_defaults_to_the_shipped_rules_like_run(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text(CSV, encoding="utf-8")
    result = invoke_assert_code(["check", str(data), "--as-of", "2025-06-30", "--json"], 1)
    programs = [p["id"] for p in json.loads(result.stdout)["programs"]]
    assert sorted(programs) == ["blt_dd", "pbi_jk", "pkh", "sembako"]
    shown = invoke_assert_code(["check", str(data), "--as-of", "2025-06-30"], 1).stdout
    assert "Program Keluarga Harapan (pkh," in shown and "Program Program" not in shown


def test_check_cli_broken_rules_exit_2_one_line(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text(CSV, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "tests/fixtures/rules/broken_condition.yaml").read_text("utf-8"), encoding="utf-8"
    )
    result = invoke(
        "check",
        str(data),
        "--rules",
        str(bad),
        "--as-of",
        "2025-01-01",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.exit_code == 2
    assert f"{bad}:16: [BRK-TYPO]" in result.stderr
    assert not (tmp_path / "out").exists()
    dated = invoke("check", str(data), "--rules", str(RULES), "--as-of", "30-06-2025")
    assert dated.exit_code == 2 and "YYYY-MM-DD" in dated.stderr


def test_programs_share_their_input_casts(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input several programs declare alike is cast once; results are unchanged."""
    from bansos_cli.pipeline import check as check_pipeline
    from bansos_cli.rules import casting, shipped_rules

    frame = pl.DataFrame(
        {
            "nik": ["3201014102800001", "3201010102500002"],
            "desil": ["2", "DESIL 7"],
            "tanggal_lahir": ["01-02-1980", "01-02-1950"],
            "status_padan": ["PADAN", "PADAN"],
        }
    )
    programs = check_pipeline.load_programs([shipped_rules()], dt.date(2025, 7, 1))
    cast_columns: list[str] = []
    real = casting.cast_frame

    def counting(frame, inputs, *, reference):  # type: ignore[no-untyped-def]
        cast_columns.extend(inputs)
        return real(frame, inputs, reference=reference)

    monkeypatch.setattr(casting, "cast_frame", counting)
    shared = check_pipeline.check_frame(frame, programs)
    assert cast_columns.count("desil") == 1 and cast_columns.count("tanggal_lahir") == 1
    from bansos_cli.rules import evaluate

    independent = [p for p in programs if not p.references]
    assert len(independent) == 3  # blt_dd refers to pkh and sembako
    alone = [evaluate(frame, p).frame.select("status", "components") for p in independent]
    results = {p.program.name: p for p in shared.programs}
    for program, expected in zip(independent, alone, strict=True):
        got = results[program.name].evaluation.frame.select("status", "components")
        assert got.equals(expected)
