"""Rules engine: loading, YAML traps, safety, parameters by date, null policies, ages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli.rules import (
    RulesError,
    compile_rules,
    compile_ruleset,
    evaluate,
    load_rules,
    load_ruleset,
)
from bansos_cli.rules.casting import cast_input
from bansos_cli.rules.derive import age_months, age_years
from bansos_cli.rules.model import InputSpec, InputType

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
MINI = FIXTURES / "mini.yaml"

HEADER = """format: bansos-rules/1
program: {id: t, name: T, rules_version: "1"}
inputs:
  desil: {type: integer}
  pekerjaan: {type: string}
"""


def write_rules(tmp_path: Path, body: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def rule(kind: str, condition: str, on_missing: str, severity: str = "error") -> str:
    return f"""rules:
  - id: R-1
    kind: {kind}
    severity: {severity}
    condition: "{condition}"
    on_missing: {on_missing}
    message: {{id: "pesan", en: "message"}}
"""


def text_frame(**columns: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


# --- loading, YAML traps, schema errors ----------------------------------------------------


def test_yaml_traps_and_unknown_keys_are_reported_with_lines() -> None:
    ruleset, issues = load_ruleset(FIXTURES / "traps.yaml")
    assert ruleset is None
    found = {(i.line, i.code, i.key) for i in issues}
    assert (7, "YAML_TRAP", "inputs.desil.nullable") in found
    assert (8, "DUPLICATE_KEY", "inputs.desil") in found
    assert (19, "YAML_TRAP", "tests[0].row.desil") in found
    unknown = [i for i in issues if "on_mising" in i.message]
    assert len(unknown) == 1
    assert unknown[0].line == 14 and unknown[0].rule_id == "TRP-1"
    assert "did you mean 'on_missing'" in unknown[0].message
    version = [i for i in issues if i.key == "program.rules_version"]
    assert version and "quotes" in version[0].message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("yes", "boolean"),
        ("Off", "boolean"),
        ("1:30", "number 90"),
        ("0x1F", "number 31"),
        ("Y", "boolean"),
        ("08", "leading zero"),
    ],
)
def test_each_yaml_trap(tmp_path: Path, value: str, shown: str) -> None:
    path = write_rules(
        tmp_path,
        f"rules: []\ntests:\n  - name: t\n    as_of: 2025-01-01\n"
        f"    row: {{pekerjaan: {value}}}\n    expect: {{}}\n",
    )
    _, issues = load_ruleset(path)
    traps = [i for i in issues if i.code == "YAML_TRAP"]
    assert len(traps) == 1 and shown in traps[0].message and traps[0].line == 10


def test_quoted_values_are_not_traps(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        "rules: []\n# 'NO' quoted is text\nparameters:\n"
        "  x: {description: d, values: [{value: 'NO', from: 2020-01-01,"
        " source: s}]}\n",
    )
    ruleset, issues = load_ruleset(path)
    assert ruleset is not None and issues == []
    assert ruleset.parameters["x"].values[0].value == "NO"


def test_aliases_are_refused(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        "parameters:\n  a: &x {description: d, values: "
        "[{value: 1, from: 2020-01-01, source: s}]}\n  b: *x\n",
    )
    _, issues = load_ruleset(path)
    assert [i.code for i in issues] == ["YAML"]
    assert "aliases" in issues[0].message and issues[0].line == 8


def test_syntax_error_names_line(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "rules: [\n  - oops\n")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert str(path) in str(info.value) and "YAML syntax" in str(info.value)


def test_impossible_unquoted_date_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        "parameters:\n  x: {description: d, values: [{value: 1, from: 2020-02-30, source: s}]}\n",
    )
    _, issues = load_ruleset(path)
    assert [i.code for i in issues] == ["YAML"]


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        rule("eligibility", "desil <= 4", "unknown")
        + "  - id: R-1\n    kind: eligibility\n    condition: 'desil > 1'\n"
        "    on_missing: fail\n    message: {id: a, en: b}\n",
    )
    _, issues = load_ruleset(path)
    assert [(i.code, i.rule_id, i.line) for i in issues] == [("DUPLICATE_RULE", "R-1", 13)]


def test_include_merges_fragment_and_reports_missing_file(tmp_path: Path) -> None:
    shutil.copy(Path("rules/exclusions.yaml"), tmp_path / "exclusions.yaml")
    path = write_rules(
        tmp_path, "include: [exclusions.yaml]\n" + rule("eligibility", "desil <= 4", "unknown")
    )
    ruleset = load_rules(path)
    ids = [r.id for r in ruleset.rules]
    assert ids[0] == "EXC-PEKERJAAN" and ids[-1] == "R-1"
    assert ruleset.origins["EXC-PEKERJAAN"].path.endswith("exclusions.yaml")
    bad = write_rules(tmp_path, "include: [nope.yaml]\n", name="bad.yaml")
    _, issues = load_ruleset(bad)
    assert [i.code for i in issues] == ["INCLUDE"] and issues[0].line == 6


# --- safety: conditions are SQL expressions only ---------------------------------------------


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("desil <= 4; DROP TABLE x", "SQL_STATEMENT"),
        ("desil IN (SELECT 1)", "SQL_NOT_ALLOWED"),
        ("__import__('os').system('touch PWNED')", "SQL_NOT_ALLOWED"),
        ("desil +", "SQL_SYNTAX"),
        ("desl <= 4", "UNKNOWN_COLUMN"),
        ("pekerjaan = 1", "TYPE"),
        ("desil + 1", "TYPE"),
        ("desil <= :batas", "UNKNOWN_PARAM"),
    ],
)
def test_bad_conditions_are_issues(tmp_path: Path, condition: str, code: str) -> None:
    path = write_rules(tmp_path, rule("eligibility", condition, "unknown"))
    ruleset = load_rules(path)
    program, issues = compile_ruleset(ruleset, dt.date(2025, 1, 1))
    assert program is None
    assert [(i.code, i.rule_id, i.line) for i in issues] == [(code, "R-1", 10)]
    assert not Path("PWNED").exists()


def test_semicolon_inside_string_literal_is_fine(tmp_path: Path) -> None:
    path = write_rules(tmp_path, rule("exclusion", "pekerjaan = 'A;B'", "pass"))
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    out = evaluate(text_frame(desil=["1", "1"], pekerjaan=["A;B", "C"]), program).frame
    assert out["status"].cast(pl.String).to_list() == ["TIDAK_LAYAK", "LAYAK"]


# --- parameters by date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "sql"),
    [
        (dt.date(2024, 1, 1), "desil <= 3"),
        (dt.date(2024, 12, 31), "desil <= 3"),
        (dt.date(2025, 1, 1), "desil <= 4"),
        (dt.date(2030, 6, 1), "desil <= 4"),
    ],
)
def test_parameter_value_in_force(as_of: dt.date, sql: str) -> None:
    program = compile_rules(load_rules(MINI), as_of)
    assert program.rules[0].sql == sql
    assert program.rules[0].message_en == f"Decile above {sql[-1]}"


def test_parameter_without_value_at_date() -> None:
    _, issues = compile_ruleset(load_rules(MINI), dt.date(2023, 12, 31))
    assert [(i.code, i.key, i.line) for i in issues] == [
        ("PARAM_NO_VALUE", "parameters.desil_maks", 11)
    ]


def test_parameter_expired_until(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        "parameters:\n  p: {description: d, values: [{value: 1, "
        "from: 2020-01-01, until: 2020-12-31, source: s}]}\n"
        + rule("eligibility", "desil <= :p", "unknown"),
    )
    assert compile_ruleset(load_rules(path), dt.date(2020, 12, 31))[0] is not None
    program, issues = compile_ruleset(load_rules(path), dt.date(2021, 1, 1))
    assert program is None and issues[0].code == "PARAM_NO_VALUE"


def test_parameter_override_and_list_literal(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        "parameters:\n  jobs: {description: d, values: [{value: "
        '[PNS, "O\'NEIL"], from: 2020-01-01, source: s}]}\n'
        + rule("exclusion", "UPPER(pekerjaan) IN :jobs", "pass"),
    )
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    assert program.rules[0].sql == "UPPER(pekerjaan) IN ('PNS', 'O''NEIL')"
    frame = text_frame(desil=["1", "1", "1"], pekerjaan=["pns", "o'neil", "tani"])
    assert evaluate(frame, program).frame["status"].cast(pl.String).to_list() == [
        "TIDAK_LAYAK",
        "TIDAK_LAYAK",
        "LAYAK",
    ]
    overridden = compile_rules(load_rules(path), dt.date(2025, 1, 1), {"jobs": ["TANI"]})
    assert evaluate(frame, overridden).frame["status"].cast(pl.String).to_list() == [
        "LAYAK",
        "LAYAK",
        "TIDAK_LAYAK",
    ]


# --- null policies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "policy", "severity", "outcome", "status"),
    [
        ("eligibility", "unknown", "error", "unknown", "PERLU_VERIFIKASI"),
        ("eligibility", "fail", "error", "fail", "TIDAK_LAYAK"),
        ("eligibility", "pass", "error", "pass", "LAYAK"),
        ("exclusion", "pass", "error", "pass", "LAYAK"),
        ("exclusion", "fail", "error", "fail", "TIDAK_LAYAK"),
        ("eligibility", "fail", "warning", "fail", "PERLU_VERIFIKASI"),
        ("eligibility", "unknown", "info", "unknown", "LAYAK"),
        ("data_quality", "unknown", "warning", "unknown", "PERLU_VERIFIKASI"),
    ],
)
def test_null_policy(
    tmp_path: Path, kind: str, policy: str, severity: str, outcome: str, status: str
) -> None:
    path = write_rules(tmp_path, rule(kind, "desil <= 4", policy, severity))
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    # missing, blank, unreadable: all are "missing" for the policy
    frame = text_frame(desil=[None, "  ", "empat"], pekerjaan=[None, None, None])
    out = evaluate(frame, program, outcomes=True).frame
    assert out["R-1"].cast(pl.String).to_list() == [outcome] * 3
    assert out["status"].cast(pl.String).to_list() == [status] * 3
    assert out["unreadable"].to_list() == [[], [], ["desil"]]


def test_missing_desil_never_layak_through_three_valued_logic(tmp_path: Path) -> None:
    # NOT (desil > 4) is NULL for a missing desil; the policy decides, not SQL.
    path = write_rules(tmp_path, rule("eligibility", "NOT (desil > 4)", "unknown"))
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    out = evaluate(text_frame(desil=[None, "4", "5"]), program)
    assert out.frame["status"].cast(pl.String).to_list() == [
        "PERLU_VERIFIKASI",
        "LAYAK",
        "TIDAK_LAYAK",
    ]
    assert out.missing_columns == ["pekerjaan"]
    assert [(c.passed, c.failed, c.unknown) for c in out.rule_counts] == [(1, 1, 1)]


def test_required_input_missing_from_data(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        HEADER.replace("desil: {type: integer}", "desil: {type: integer, nullable: false}")
        + rule("eligibility", "desil <= 4", "unknown"),
        encoding="utf-8",
    )
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    with pytest.raises(Exception, match="column 'desil' needed by the rules of 't'"):
        evaluate(text_frame(pekerjaan=["x"]), program)


# --- casting --------------------------------------------------------------------------------


def test_lenient_casts() -> None:
    frame = text_frame(
        d=["4", "DESIL 3", " 7 ", "7.0", "3,5", "x", None],
        t=[
            "1965-06-30",
            "30-06-1965",
            "30/06/1965",
            "17 Agustus 1945",
            "23923",
            "31-02-2020",
            "2020-01-02 00:00:00",
        ],
        b=["YA", "tidak", "Y", "N", "1", "mungkin", None],
        s=["L", "perempuan", "LK", "PR", "1", "2", "?"],
    )
    specs = {
        "d": InputType.integer,
        "t": InputType.date,
        "b": InputType.boolean,
        "s": InputType.sex,
    }
    casts = {n: cast_input(n, InputSpec(type=t), True) for n, t in specs.items()}
    out = frame.select(
        [c.value.alias(n) for n, c in casts.items()]
        + [c.unreadable.alias(f"u_{n}") for n, c in casts.items()]
    )
    assert out["d"].to_list() == [4, 3, 7, 7, None, None, None]
    assert out["u_d"].to_list() == [False, False, False, False, True, True, False]
    assert out["t"].to_list() == [dt.date(1965, 6, 30)] * 3 + [
        dt.date(1945, 8, 17),
        dt.date(1965, 6, 30),
        None,
        dt.date(2020, 1, 2),
    ]
    assert out["b"].to_list() == [True, False, True, False, True, None, None]
    assert out["s"].to_list() == ["L", "P", "L", "P", "L", "P", None]


# --- ages -----------------------------------------------------------------------------------


def _age(birth: dt.date, as_of: dt.date, leap_day: str = "feb28") -> int | None:
    frame = pl.DataFrame({"b": [birth]})
    return frame.select(age_years(pl.col("b"), as_of, leap_day))[0, 0]


@pytest.mark.parametrize(
    ("birth", "as_of", "leap_day", "age"),
    [
        (dt.date(1965, 6, 30), dt.date(2025, 6, 30), "feb28", 60),
        (dt.date(1965, 7, 1), dt.date(2025, 6, 30), "feb28", 59),
        (dt.date(1964, 2, 29), dt.date(2024, 2, 28), "feb28", 59),
        (dt.date(1964, 2, 29), dt.date(2024, 2, 29), "feb28", 60),
        (dt.date(1964, 2, 29), dt.date(2025, 2, 28), "feb28", 61),
        (dt.date(1964, 2, 29), dt.date(2025, 2, 28), "mar1", 60),
        (dt.date(1964, 2, 29), dt.date(2025, 3, 1), "mar1", 61),
        (dt.date(1965, 12, 31), dt.date(2025, 12, 30), "feb28", 59),
        (dt.date(1965, 12, 31), dt.date(2025, 12, 31), "feb28", 60),
        (dt.date(2026, 1, 1), dt.date(2025, 12, 31), "feb28", None),
    ],
)
def test_age_boundaries(birth: dt.date, as_of: dt.date, leap_day: str, age: int | None) -> None:
    assert _age(birth, as_of, leap_day) == age


@pytest.mark.parametrize(
    ("birth", "as_of", "months"),
    [
        (dt.date(2024, 1, 31), dt.date(2024, 2, 28), 0),
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),
        (dt.date(2024, 3, 31), dt.date(2024, 4, 30), 1),
        (dt.date(2024, 3, 31), dt.date(2024, 4, 29), 0),
        (dt.date(2020, 12, 15), dt.date(2025, 12, 14), 59),
    ],
)
def test_age_months_month_ends(birth: dt.date, as_of: dt.date, months: int) -> None:
    frame = pl.DataFrame({"b": [birth]})
    assert frame.select(age_months(pl.col("b"), as_of))[0, 0] == months


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(births=st.lists(dates, min_size=1, max_size=30), as_of=dates)
def test_age_matches_polars_offset_by(births: list[dt.date], as_of: dt.date) -> None:
    """Age n means: the n-th anniversary (polars offset_by, clamped to month end) has passed
    and the (n+1)-th has not."""
    frame = pl.DataFrame({"b": births}).with_columns(age_years(pl.col("b"), as_of).alias("age"))
    frame = frame.filter(pl.col("age").is_not_null())
    check = frame.with_columns(
        reached=pl.col("b").dt.offset_by(pl.format("{}y", pl.col("age"))),
        following=pl.col("b").dt.offset_by(pl.format("{}y", pl.col("age") + 1)),
    )
    assert (check["reached"] <= as_of).all()
    assert (check["following"] > as_of).all()
    assert frame.height == sum(1 for b in births if b <= as_of)


# --- SQL conditions agree with hand-written polars ------------------------------------------

CASES = [
    ("desil <= 4 AND umur >= 60", lambda: (pl.col("desil") <= 4) & (pl.col("umur") >= 60)),
    (
        "desil BETWEEN 1 AND 4 OR UPPER(pekerjaan) IN ('PNS', 'TNI')",
        lambda: (
            pl.col("desil").is_between(1, 4)
            | pl.col("pekerjaan").str.to_uppercase().is_in(["PNS", "TNI"])
        ),
    ),
    (
        "NOT (desil > 4) AND pekerjaan IS NOT NULL",
        lambda: ~(pl.col("desil") > 4) & pl.col("pekerjaan").is_not_null(),
    ),
    ("COALESCE(desil, 10) <= 5", lambda: pl.coalesce(pl.col("desil"), 10) <= 5),
]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.none() | st.integers(1, 10),
            st.none() | st.integers(0, 100),
            st.none() | st.sampled_from(["pns", "PNS", "Tni", "petani", ""]),
        ),
        min_size=1,
        max_size=40,
    ),
    case=st.sampled_from(range(len(CASES))),
    policy=st.sampled_from(["pass", "fail", "unknown"]),
)
def test_sql_conditions_match_polars(
    rows: list[tuple], case: int, policy: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    sql, hand = CASES[case]
    tmp = tmp_path_factory.mktemp("h")
    path = tmp / "r.yaml"
    path.write_text(
        HEADER + "  umur: {type: integer}\n" + rule("eligibility", sql, policy),
        encoding="utf-8",
    )
    program = compile_rules(load_rules(path), dt.date(2025, 1, 1))
    frame = text_frame(
        desil=[None if r[0] is None else str(r[0]) for r in rows],
        umur=[None if r[1] is None else str(r[1]) for r in rows],
        pekerjaan=[r[2] for r in rows],
    )
    got = evaluate(frame, program, outcomes=True).frame["R-1"].cast(pl.String).to_list()
    typed = frame.with_columns(
        pl.col("desil").cast(pl.Int64),
        pl.col("umur").cast(pl.Int64),
        pl.when(pl.col("pekerjaan") != "").then(pl.col("pekerjaan")).alias("pekerjaan"),
    )
    truth = typed.select(hand().alias("c"))["c"].to_list()
    expected = [policy if t is None else ("pass" if t else "fail") for t in truth]
    assert got == expected
