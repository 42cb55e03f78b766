"""The portable SQL subset: allowlist, types, null-safe division, polars/DuckDB parity."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.ingest import read_inputs
from bansos_cli.pipeline.check import load_programs
from bansos_cli.rules import (
    compile_rules,
    compile_ruleset,
    evaluate,
    evaluate_programs,
    json_schema,
    lint,
    load_rules,
    reference_columns,
)
from bansos_cli.rules.evaluate import prepare
from bansos_cli.rules.expr import Context, Problem, analyse, to_sql
from bansos_cli.rules.expr.parity import compare
from conftest import invoke_assert_code

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
AS_OF = dt.date(2025, 7, 1)

HEADER = """format: bansos-rules/1
program: {id: t, name: T, rules_version: "1"}
inputs:
  desil: {type: integer}
  umur_tahun: {type: number}
  pekerjaan: {type: string}
  tanggal_lahir: {type: date}
  hamil: {type: boolean}
  no_kk: {type: string}
derived:
  umur: {kind: age_years, from: tanggal_lahir}
  kategori: {kind: occupation_category, from: pekerjaan}
"""


def rules_file(tmp_path: Path, conditions: list[tuple[str, str]], name: str = "r.yaml") -> Path:
    """A program with one eligibility rule per (scope, condition)."""
    body = "rules:\n"
    for i, (scope, condition) in enumerate(conditions):
        body += (
            f"  - id: R-{i}\n    kind: eligibility\n    scope: {scope}\n"
            f"    condition: {json.dumps(condition)}\n    on_missing: unknown\n"
            "    message: {id: pesan, en: message}\n"
        )
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def problem(condition: str, scope: str = "person") -> Problem:
    columns = {
        "desil": "number",
        "pekerjaan": "string",
        "tanggal_lahir": "date",
        "hamil": "boolean",
    }
    found = analyse(condition, Context(columns, scope))  # type: ignore[arg-type]
    assert isinstance(found, Problem), f"{condition!r} was accepted"
    return found


# --- the allowlist and the types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "code", "text"),
    [
        ("tanggal_lahir > 1990", "TYPE", "RULE_TYPE_MIXED"),
        ("desil = 'empat'", "TYPE", "RULE_TYPE_MIXED"),
        ("tanggal_lahir > '1990-13-01'", "TYPE", "RULE_TYPE_NOT_A_DATE"),
        ("AVG(desil) > 4", "SQL_AGGREGATE", "RULE_SQL_AGGREGATE_PERSON"),
        (
            "desil IN (SELECT desil FROM read_csv('daftar.csv'))",
            "SQL_NOT_ALLOWED",
            "RULE_SQL_QUERY",
        ),
        ("EXISTS (SELECT 1)", "SQL_NOT_ALLOWED", "RULE_SQL_QUERY"),
        ("SUM(desil) OVER () > 4", "SQL_NOT_ALLOWED", "RULE_SQL_WINDOW"),
        ("read_csv('x') IS NULL", "SQL_NOT_ALLOWED", "RULE_SQL_QUERY"),
        ("version() = 'x'", "SQL_NOT_ALLOWED", "RULE_SQL_FUNCTION"),
        ("t.desil > 4", "SQL_NOT_ALLOWED", "RULE_SQL_QUALIFIED"),
        ("desil <= 4; DROP TABLE x", "SQL_STATEMENT", "RULE_SQL_ONE_EXPRESSION"),
        ("desil +", "SQL_SYNTAX", "RULE_SQL_SYNTAX"),
        ("desil + 1", "TYPE", "RULE_TYPE_NOT_BOOLEAN"),
        ("hamil AND desil", "TYPE", "RULE_TYPE_EXPECTED"),
        ("CAST(desil AS VARCHAR) = '4'", "SQL_NOT_ALLOWED", "RULE_SQL_CAST"),
        ("receives(pekerjaan)", "SQL_NOT_ALLOWED", "RULE_SQL_LITERAL_NEEDED"),
    ],
)
def test_refused_conditions(condition: str, code: str, text: str) -> None:
    found = problem(condition)
    assert (found.code, found.text) == (code, text)


def test_family_scope_needs_aggregates_and_refuses_nesting() -> None:
    assert problem("desil <= 4", "family").text == "RULE_SQL_FAMILY_NEEDS_AGGREGATE"
    assert problem("MAX(SUM(desil)) > 1", "family").text == "RULE_SQL_AGGREGATE_NESTED"
    columns = {"desil": "number", "pekerjaan": "string"}
    ok = analyse("COUNT(*) > 4 AND MIN(desil) <= 4", Context(columns, "family"))  # type: ignore[arg-type]
    assert not isinstance(ok, Problem) and ok.aggregates


def test_date_literals_work_quoted_or_typed(tmp_path: Path) -> None:
    path = rules_file(
        tmp_path,
        [
            ("person", "tanggal_lahir < '1990-01-01'"),
            ("person", "tanggal_lahir BETWEEN DATE '1980-01-01' AND '1989-12-31'"),
            ("person", "tanggal_lahir IN ('1985-06-30', '1990-01-01')"),
        ],
    )
    program = compile_rules(load_rules(path), AS_OF)
    frame = pl.DataFrame(
        {"tanggal_lahir": ["30-06-1985", "1995-01-01", None]}, schema={"tanggal_lahir": pl.String}
    )
    out = evaluate(frame, program, outcomes=True).frame
    assert out["R-0"].cast(pl.String).to_list() == ["pass", "fail", "unknown"]
    assert out["R-1"].cast(pl.String).to_list() == ["pass", "fail", "unknown"]
    assert out["R-2"].cast(pl.String).to_list() == ["pass", "fail", "unknown"]
    assert "CAST('1990-01-01' AS DATE)" in program.rules[0].sql_text("duckdb")


def test_division_by_zero_is_null_then_on_missing_decides(tmp_path: Path) -> None:
    path = rules_file(tmp_path, [("person", "umur_tahun / desil > 10")])
    program = compile_rules(load_rules(path), AS_OF)
    frame = pl.DataFrame({"desil": ["0", "2", "5"], "umur_tahun": ["30", "30", "30"]})
    out = evaluate(frame, program, outcomes=True).frame
    assert out["R-0"].cast(pl.String).to_list() == ["unknown", "pass", "fail"]
    assert out["status"].cast(pl.String).to_list() == ["PERLU_VERIFIKASI", "LAYAK", "TIDAK_LAYAK"]
    assert (
        "no result (e.g. division by zero)"
        in evaluate(frame, program, lang="en").frame["explanation"][0]
    )
    assert program.rules[0].sql_text() == "(CASE WHEN desil <> 0 THEN umur_tahun / desil END) > 10"


def test_lint_reports_schema_and_sql_problems_in_one_pass(tmp_path: Path) -> None:
    path = rules_file(tmp_path, [("person", "tanggal_lahir > 1990"), ("person", "AVG(desil) > 2")])
    text = path.read_text(encoding="utf-8")
    text = text.replace("    on_missing: unknown\n", "    on_missing: unknwn\n", 1)
    text += (
        '  - id: R-9\n    kind: eligibility\n    condition: "desil IN (SELECT 1 FROM '
        "read_csv('/etc/passwd'))\"\n    on_missing: pass\n    message: {id: a, en: b}\n"
    )
    path.write_text(text, encoding="utf-8")
    report = lint([path], AS_OF)
    codes = sorted((i.rule_id, i.code) for i in report.errors)
    assert codes == [("R-0", "SCHEMA"), ("R-1", "SQL_AGGREGATE"), ("R-9", "SQL_NOT_ALLOWED")]
    with pytest.raises(Exception, match="on_missing"):
        load_rules(path)  # a broken file is still refused for checking data


def test_lint_speaks_indonesian(tmp_path: Path) -> None:
    path = rules_file(tmp_path, [("person", "tanggal_lahir > 1990")])
    result = invoke_assert_code(
        ["rules", "lint", str(path), "--as-of", "2025-07-01", "--lang", "id"], 1
    )
    assert "kesalahan tipe: > membandingkan date / number (TYPE)" in result.stdout
    english = invoke_assert_code(
        ["rules", "lint", str(path), "--as-of", "2025-07-01", "--lang", "en", "--json"], 1
    )
    issue = json.loads(english.stdout)["issues"][0]
    assert issue["message"] == "type error: > compares date / number"
    assert issue["code"] == "TYPE" and issue["rule_id"] == "R-0"


def test_json_schema_accepts_every_shipped_file_and_docs_example() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    validator = jsonschema.Draft7Validator(schema)
    documents = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*.yaml"))
    ]
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", docs, flags=re.DOTALL)
    documents += [yaml.safe_load(b) for b in blocks if b.startswith("format: bansos-rules/1")]
    assert len(documents) >= 6
    for document in documents:
        # YAML dates are dates; JSON Schema sees their ISO text
        problems = list(validator.iter_errors(json.loads(json.dumps(document, default=str))))
        assert not problems, [p.message for p in problems[:3]]


# --- polars and DuckDB agree on every condition --------------------------------------------

EXTRA_CONDITIONS = [
    ("person", "desil <= 4 AND umur >= 60"),
    ("person", "desil BETWEEN 1 AND 4 OR UPPER(pekerjaan) IN ('PNS', 'TNI')"),
    ("person", "NOT (desil > 4) AND pekerjaan IS NOT NULL"),
    ("person", "COALESCE(desil, 10) <= 5"),
    ("person", "pekerjaan LIKE '%TANI%' OR pekerjaan ILIKE 'bur_h%'"),
    ("person", "regexp_like(pekerjaan, '^[A-Z ]+$')"),
    ("person", "LENGTH(TRIM(pekerjaan)) > 5"),
    ("person", "umur_tahun / desil >= 10"),
    ("person", "ABS(umur - 60) <= 2"),
    ("person", "CASE WHEN hamil THEN desil <= 5 WHEN umur >= 60 THEN desil <= 3 END"),
    ("person", "NULLIF(desil, 4) IS NULL"),
    ("person", "hamil IS TRUE OR hamil IS FALSE"),
    ("person", "tanggal_lahir < '1960-01-01'"),
    ("person", "kategori IN ('ASN', 'TNI', 'POLRI') OR kategori IS NULL"),
    ("family", "COUNT(*) >= 4"),
    ("family", "BOOL_OR(kategori = 'ASN')"),
    ("family", "BOOL_AND(desil <= 4)"),
    ("family", "SUM(desil) / COUNT(desil) <= 4"),
    ("family", "AVG(desil) <= 4 AND MAX(umur) >= 60"),
    ("family", "COUNT_IF(umur < 18) >= 2 OR MIN(tanggal_lahir) < '1950-01-01'"),
]


@pytest.fixture(scope="module")
def generated() -> pl.DataFrame:
    """The sample export (3,000 people, 820 families) with generated columns for every input
    the shipped rules read that the export lacks, including empty and odd values."""
    frame = read_inputs([SAMPLE]).frame
    rng = np.random.default_rng(17)
    n = frame.height

    def pick(values: list[str | None]) -> pl.Series:
        return pl.Series(values, dtype=pl.String).gather(rng.integers(0, len(values), n))

    return frame.with_columns(
        pick(["YA", "TIDAK", None, "-"]).alias("hamil"),
        pick(["SD", " smp ", "SMA", "PAUD", "MTs", None, "SMK"]).alias("jenjang_pendidikan"),
        pick(["BERAT", "ringan", None]).alias("disabilitas"),
        pick(["YA", "TIDAK", None]).alias("bansos_pkh"),
        pick(["Y", "N", None]).alias("bansos_bpnt"),
        pick([None, None, None, "MENINGGAL"]).alias("keterangan_meninggal"),
        pick(["KEPALA KELUARGA", "ISTRI", "ANAK", None]).alias("hubungan_keluarga"),
        pick(["4", "DESIL 2", "", "0", "11", None, "7"]).alias("desil_acak"),
        pick(["30", "61.5", "0", None]).alias("umur_tahun"),
    )


def test_shipped_conditions_agree_on_polars_and_duckdb(generated: pl.DataFrame) -> None:
    pytest.importorskip("duckdb")
    programs = load_programs([RULES], AS_OF)
    evaluations = evaluate_programs(generated, programs)
    checked = 0
    for program in programs:
        refs = [reference_columns(evaluations[name]) for name in program.references]
        references = pl.concat(refs, how="horizontal") if refs else None
        prepared = prepare(generated, program, references=references)
        for result in compare(prepared, program.rules):
            assert result.equal, f"{program.name} {result.rule_id}: {result.sql}"
            checked += 1
    assert checked == sum(len(p.rules) for p in programs) >= 40


def test_extra_conditions_agree_on_polars_and_duckdb(
    generated: pl.DataFrame, tmp_path: Path
) -> None:
    pytest.importorskip("duckdb")
    program = compile_rules(load_rules(rules_file(tmp_path, EXTRA_CONDITIONS)), AS_OF)
    frame = generated.with_columns(pl.col("desil_acak").alias("desil"))
    prepared = prepare(frame, program)
    results = compare(prepared, program.rules)
    assert [r.rule_id for r in results if not r.equal] == []
    assert len(results) == len(EXTRA_CONDITIONS)
    # the data exercises every outcome, not only one
    outcomes = evaluate(frame, program, outcomes=True).frame
    for rule in program.rules:
        assert outcomes[rule.rule.id].n_unique() >= 2, rule.rule.id


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.none() | st.integers(-2, 12),
            st.none() | st.sampled_from(["PNS", " petani ", "Tni", "", "BURUH"]),
            st.none() | st.dates(dt.date(1930, 1, 1), dt.date(2025, 1, 1)),
            st.none() | st.booleans(),
            st.sampled_from(["3201010101200001", "3201010101200002", None]),
        ),
        min_size=1,
        max_size=30,
    ),
    case=st.sampled_from(range(len(EXTRA_CONDITIONS))),
)
def test_random_rows_agree_on_polars_and_duckdb(
    rows: list[tuple], case: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("duckdb")
    path = rules_file(tmp_path_factory.mktemp("p"), [EXTRA_CONDITIONS[case]])
    program = compile_rules(load_rules(path), AS_OF)
    frame = pl.DataFrame(
        {
            "desil": [None if r[0] is None else str(r[0]) for r in rows],
            "umur_tahun": [None if r[0] is None else str(r[0] * 7) for r in rows],
            "pekerjaan": [r[1] for r in rows],
            "tanggal_lahir": [None if r[2] is None else r[2].isoformat() for r in rows],
            "hamil": [None if r[3] is None else ("YA" if r[3] else "TIDAK") for r in rows],
            "no_kk": [r[4] for r in rows],
        },
        schema=dict.fromkeys(
            ["desil", "umur_tahun", "pekerjaan", "tanggal_lahir", "hamil", "no_kk"], pl.String
        ),
    )
    assert all(r.equal for r in compare(prepare(frame, program), program.rules))


def test_the_sql_text_is_one_dialect_per_engine(tmp_path: Path) -> None:
    from bansos_cli.rules.expr import DIALECTS

    program = compile_rules(
        load_rules(rules_file(tmp_path, [("family", "BOOL_OR(regexp_like(pekerjaan, '^P'))")])),
        AS_OF,
    )
    assert set(DIALECTS) == {"duckdb", "spark"}
    assert to_sql(program.rules[0].checked, "duckdb") == (
        "BOOL_OR(CAST(REGEXP_MATCHES(pekerjaan, '^P') AS BOOLEAN)) OVER (PARTITION BY \"_family\")"
    )
    assert to_sql(program.rules[0].checked, "spark") == (
        "BOOL_OR(`pekerjaan` RLIKE '^P') OVER (PARTITION BY `_family`)"
    )


def test_a_condition_is_parsed_once_per_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import sqlglot

    module = sys.modules["bansos_cli.rules.expr.analyse"]

    calls: list[str] = []
    real = sqlglot.parse

    def counting(text: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(module.sqlglot, "parse", counting)
    program, issues = compile_ruleset(load_rules(rules_file(tmp_path, EXTRA_CONDITIONS[:5])), AS_OF)
    assert program is not None and not issues
    assert len(calls) == 5
    program.rules[0].sql_text("duckdb")
    assert len(calls) == 5  # the SQL text is emitted from the same tree


def test_every_rule_issue_text_is_in_the_catalogue_and_used() -> None:
    from bansos_cli.core import messages

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "src" / "bansos_cli" / "rules").rglob("*.py")
    )
    used = set(re.findall(r'"((?:RULE|EXPLAIN)_[A-Z0-9_]+)"', source))
    domain = {c for c, m in messages.catalogue().items() if m.domain == "rules"}
    assert used - domain == set()
    assert domain - used == set()
