"""The family cap of a program (PKH: at most 4 members of one family receive components)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.core.columns import canonical_for
from bansos_cli.rules import compile_rules, compile_ruleset, evaluate, json_schema, load_rules
from bansos_cli.rules.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
AS_OF = dt.date(2025, 6, 30)
PKH = compile_rules(load_rules(RULES / "pkh.yaml"), AS_OF)
NO_CAP = dataclasses.replace(PKH, family_cap=None)
KK1, KK2 = "3201010101200001", "3201010101200002"
runner = CliRunner()

# birth dates and school levels giving one component each (amounts at 2025-06-30)
MEMBERS = {
    "sd": ({"tanggal_lahir": "2015-01-10", "jenjang_pendidikan": "SD"}, 900_000.0),
    "hamil": ({"tanggal_lahir": "1995-01-01", "hamil": "YA"}, 3_000_000.0),
    "dini": ({"tanggal_lahir": "2022-01-10"}, 3_000_000.0),
    "smp": ({"tanggal_lahir": "2012-01-10", "jenjang_pendidikan": "SMP"}, 1_500_000.0),
    "sma": ({"tanggal_lahir": "2009-01-10", "jenjang_pendidikan": "SMA"}, 2_000_000.0),
    "dewasa": ({"tanggal_lahir": "1985-01-10"}, 0.0),
}
COLUMNS = ("nik", "no_kk", "desil", "status_padan", "tanggal_lahir", "hamil", "jenjang_pendidikan")


def frame(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    """A text frame as ingest gives it."""
    data = {c: [r.get(c) for r in rows] for c in COLUMNS}
    return pl.DataFrame(data, schema=dict.fromkeys(COLUMNS, pl.String))


def person(kind: str, no_kk: str | None, i: int, desil: str = "2") -> dict[str, str | None]:
    extra, _ = MEMBERS[kind]
    nik = f"32010110011{i:05d}"
    return {"nik": nik, "no_kk": no_kk, "desil": desil, "status_padan": "PADAN", **extra}


def results(rows: list[dict[str, str | None]], lang: str = "id") -> pl.DataFrame:
    return evaluate(frame(rows), PKH, lang=lang).frame


def test_family_of_five_keeps_the_four_highest_amounts() -> None:
    kinds = ["sd", "hamil", "dini", "smp", "sma", "dewasa"]
    rows = [person(k, KK1, i) for i, k in enumerate(kinds)]
    out = results(rows)
    assert out["status"].cast(pl.String).to_list() == ["LAYAK"] * 6
    assert out["components"].to_list() == [
        [],
        ["ibu_hamil"],
        ["anak_usia_dini"],
        ["smp"],
        ["sma"],
        [],
    ]
    assert out["amount_year"].to_list() == [0.0, 3e6, 3e6, 1.5e6, 2e6, 0.0]
    assert out["capped"].to_list() == [True, False, False, False, False, False]
    assert out["reasons"][0] == "PKH-BATAS-KELUARGA: Melebihi batas 4 anggota per keluarga"
    english = results(rows, lang="en")
    assert english["reasons"][0] == "PKH-BATAS-KELUARGA: Over the cap of 4 members per family"


def test_two_families_do_not_affect_each_other() -> None:
    # six SD children in family 1 (two capped: the last in input order), three in family 2
    rows = [person("sd", KK1 if i % 2 == 0 or i > 6 else KK2, i) for i in range(9)]
    kk = [r["no_kk"] for r in rows]
    assert kk.count(KK1) == 6 and kk.count(KK2) == 3
    out = results(rows)
    assert out["capped"].to_list() == [False] * 7 + [True] * 2
    # the cap keeps the first four of family 1 by input order when amounts tie
    assert out.filter(pl.Series(kk) == KK1)["capped"].to_list() == [False] * 4 + [True] * 2


def test_rows_without_a_usable_family_key_are_never_grouped() -> None:
    keys = [None, "", "  ", "3.20101E+15", "3.20101E+15", "3201010101", "-", "3201010101200003"]
    rows = [person("sd", k, i) for i, k in enumerate(keys)]
    out = results(rows)
    assert out["capped"].to_list() == [False] * len(keys)
    assert out["components"].to_list() == [["sd"]] * len(keys)


def test_key_separators_are_ignored_when_grouping() -> None:
    keys = ["3201010101200001", "3201 0101 0120 0001", "3201-0101-0120-0001", "'3201010101200001"]
    rows = [person("sd", k, i) for i, k in enumerate([*keys, KK1])]
    assert results(rows)["capped"].to_list() == [False, False, False, False, True]


def test_members_without_components_or_excluded_use_no_slot() -> None:
    rows = [person("dewasa", KK1, 0), person("sd", KK1, 1, desil="9")]
    rows += [person("sd", KK1, i) for i in range(2, 6)]
    out = results(rows)
    assert out["status"].cast(pl.String).to_list() == ["LAYAK", "TIDAK_LAYAK"] + ["LAYAK"] * 4
    assert out["capped"].to_list() == [False] * 6


def test_capped_row_keeps_its_status_and_other_reasons() -> None:
    rows = [person("hamil", KK1, i) for i in range(4)]
    rows.append(person("sd", KK1, 4, desil=""))  # desil missing: PERLU_VERIFIKASI, still paid
    out = results(rows)
    assert out["status"].cast(pl.String).to_list()[4] == "PERLU_VERIFIKASI"
    assert out["capped"].to_list() == [False] * 4 + [True]
    assert out["reasons"][4] == (
        "PKH-DESIL: data kosong atau tidak terbaca; "
        "PKH-BATAS-KELUARGA: Melebihi batas 4 anggota per keluarga"
    )


def test_capped_rows_are_counted() -> None:
    rows = [person("sd", KK1, i) for i in range(7)]
    evaluation = evaluate(frame(rows), PKH)
    assert evaluation.capped == 3
    cap = evaluation.rule_counts[-1]
    assert (cap.rule_id, cap.kind, cap.passed, cap.failed, cap.unknown) == (
        "PKH-BATAS-KELUARGA",
        "family_cap",
        4,
        3,
        0,
    )


def test_program_without_cap_has_an_all_false_capped_column() -> None:
    rows = [person("sd", KK1, i) for i in range(6)]
    out = evaluate(frame(rows), NO_CAP).frame
    assert out["capped"].to_list() == [False] * 6
    assert out["components"].to_list() == [["sd"]] * 6


PROGRAM = """\
format: bansos-rules/1
program: {id: contoh, name: Contoh, rules_version: "1"}
inputs:
  kk: {type: string}
  desil: {type: integer}
  umur_teks: {type: integer}
parameters:
  nominal: {description: amount, unit: rupiah/year, values: [{value: 100, from: 2020-01-01,
    source: {title: t, publisher: p, date: '2020'}}]}
  batas: {description: cap, values: [{value: 2, from: 2020-01-01,
    source: {title: t, publisher: p, date: '2020'}}]}
rules:
  - id: C-KOMP
    kind: component
    component: bantuan
    amount: nominal
    condition: "desil <= 4"
    on_missing: fail
    message: {id: "bukan", en: "not"}
"""


def write(tmp_path: Path, cap: str, program: str = PROGRAM) -> Path:
    path = tmp_path / "contoh.yaml"
    path.write_text(program + cap, encoding="utf-8")
    return path


def test_literal_cap_with_default_message(tmp_path: Path) -> None:
    path = write(tmp_path, "family_cap: {key: kk, max_members: 2}\n")
    program = compile_rules(load_rules(path), AS_OF)
    data = pl.DataFrame({"kk": ["1", "1", "1", "2"], "desil": ["1", "2", "3", "1"]})
    out = evaluate(data, program).frame
    assert out["capped"].to_list() == [False, False, True, False]
    assert out["reasons"][2] == "FAMILY-CAP: Melebihi batas 2 anggota per keluarga"


@pytest.mark.parametrize(
    ("cap", "code", "message"),
    [
        ("family_cap: {key: kkk, max_members: 2}", "FAMILY_CAP", "'kkk' is not an input"),
        ("family_cap: {key: desil, max_members: 2}", "FAMILY_CAP", "must be of type string"),
        ("family_cap: {key: kk, max_members: bts}", "FAMILY_CAP", "unknown parameter 'bts'"),
        ("family_cap: {key: kk, max_members: setengah}", "FAMILY_CAP", "2.5: it must be a whole"),
        ("family_cap: {key: kk, max_members: 2, key_pattern: '[0-9'}", "FAMILY_CAP", "regular"),
        ("family_cap: {key: kk, max_members: 0}", "SCHEMA", "must be 1 or more"),
        ("family_cap: {key: kk, max_members: true}", "SCHEMA", None),
        ("family_cap: {key: kk, max_member: 2}", "SCHEMA", "did you mean 'max_members'?"),
        ("family_cap: {key: kk, max_members: 2, order: random}", "SCHEMA", None),
        (
            "family_cap: {key: kk, max_members: 2, message: {id: '{tidak_ada}', en: x}}",
            "FAMILY_CAP",
            "unknown parameter {tidak_ada}",
        ),
    ],
)
def test_cap_problems_are_reported(
    tmp_path: Path, cap: str, code: str, message: str | None
) -> None:
    program_text = PROGRAM
    if "setengah" in cap:
        half = (
            "  setengah: {description: half, values: [{value: 2.5, from: 2020-01-01, "
            "source: {title: t, publisher: p, date: '2020'}}]}"
        )
        program_text = PROGRAM.replace("parameters:\n", f"parameters:\n{half}\n")
    path = write(tmp_path, cap + "\n", program_text)
    ruleset, issues = load_ruleset(path)
    if ruleset is not None:
        program, compile_issues = compile_ruleset(ruleset, AS_OF)
        assert program is None
        issues += compile_issues
    found = [i for i in issues if i.code == code]
    assert found, issues
    assert {i.line for i in found} == {program_text.count("\n") + 1}
    if message:
        assert any(message in i.message for i in found), found


def test_parameter_cap_used_by_lint_and_fragment_cap_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "family_cap:\n  key: kk\n  max_members: batas\n"
        "  message: {id: 'Lebih dari {batas}', en: 'More than {batas}'}\n",
    )
    args = ["rules", "lint", str(path), "--as-of", "2025-06-30", "--strict", "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.stdout
    program = compile_rules(load_rules(path), AS_OF)
    assert program.family_cap is not None and program.family_cap.message_en == "More than 2"
    fragment = tmp_path / "fragment.yaml"
    fragment.write_text(
        "format: bansos-rules/1\ninputs: {kk: {type: string}}\n"
        "family_cap: {key: kk, max_members: 4}\n",
        encoding="utf-8",
    )
    _, issues = load_ruleset(fragment)
    assert any("shared fragment cannot have one" in i.message for i in issues)


def test_schema_describes_the_family_cap() -> None:
    schema = json_schema()
    assert "family_cap" in schema["properties"]
    cap = schema["definitions"]["FamilyCap"]
    assert cap["additionalProperties"] is False
    assert set(cap["required"]) == {"key", "max_members"}
    assert set(cap["properties"]) >= {"id", "key", "key_pattern", "max_members", "order"}
    assert "capped" in schema["definitions"]["Expectation"]["properties"]


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("STATUS HAMIL", "hamil"),
        ("Hamil", "hamil"),
        ("HAMIL/NIFAS", "hamil"),
        ("IBU HAMIL", "hamil"),
        ("KEHAMILAN", "hamil"),
        ("JENJANG PENDIDIKAN", "jenjang_pendidikan"),
        ("JENJANG", "jenjang_pendidikan"),
        ("Pendidikan", "jenjang_pendidikan"),
        ("TINGKAT PENDIDIKAN", "jenjang_pendidikan"),
        ("SEKOLAH", "jenjang_pendidikan"),
        ("KELAS/SEKOLAH", "jenjang_pendidikan"),
        ("NO KK", "no_kk"),
        ("PENDIDIKAN TERAKHIR", None),
    ],
)
def test_pkh_component_headers_are_canonical(header: str, canonical: str | None) -> None:
    assert canonical_for(header) == canonical


CSV = (
    "NO,NO KK,NIK,NAMA,DESIL,TGL LAHIR,STATUS HAMIL,JENJANG PENDIDIKAN,KETERANGAN PADAN\n"
    f"1,{KK1},3201011001150001,ANI,2,10-01-2015,,SD,PADAN\n"
    f"2,{KK1},3201014107950001,SITI,2,01-01-1995,YA,,PADAN\n"
    f"3,{KK1},3201011001220001,BAYU,2,10-01-2022,,,PADAN\n"
    f"4,{KK1},3201011001120001,CITRA,2,10-01-2012,,SMP,PADAN\n"
    f"5,{KK1},3201011001090001,DEDI,2,10-01-2009,,SMA,PADAN\n"
    f"6,{KK2},3201011001150002,EKA,2,10-01-2015,,SD,PADAN\n"
)


def test_check_cli_shows_and_writes_the_capped_row(tmp_path: Path) -> None:
    data = tmp_path / "pkh.csv"
    data.write_text(CSV, encoding="utf-8")
    out = tmp_path / "hasil"
    args = ["check", str(data), "-r", str(RULES / "pkh.yaml"), "--as-of", "2025-06-30"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output  # nobody is TIDAK_LAYAK
    line = next(x for x in result.stdout.splitlines() if "PKH-BATAS-KELUARGA" in x)
    assert line.replace("│", " ").split() == ["PKH-BATAS-KELUARGA", "family_cap", "5", "1", "0"]
    assert "Komponen dilepas karena batas anggota per keluarga (baris): 1" in result.stdout
    eligibility = pl.read_parquet(out / "eligibility.parquet")
    capped = eligibility.filter(pl.col("capped"))
    assert capped["row"].to_list() == [2]  # ANI (SD, the lowest amount), CSV line 2
    assert capped["nama"].to_list() == ["ANI"]
    assert capped["components"].to_list() == [[]]
    assert eligibility["amount_year"].sum() == 3e6 + 3e6 + 1.5e6 + 2e6 + 0.9e6
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["programs"][0]["capped"] == 1
    assert summary["programs"][0]["counts"]["LAYAK"] == 6
    english = runner.invoke(app, [*args, "--json", "--lang", "en"])
    assert "Traceback" not in english.output and english.exit_code == 0
    assert json.loads(english.stdout)["programs"][0]["capped"] == 1


KINDS = sorted(MEMBERS)
_row = st.tuples(
    st.sampled_from([KK1, KK2, "3201010101200003", None, "3.20101E+15"]),
    st.sampled_from(KINDS),
    st.sampled_from(["1", "2", "4", "5", ""]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_row, min_size=1, max_size=24))
def test_no_family_has_more_than_four_paid_members(spec: list[tuple[str | None, str, str]]) -> None:
    rows = [person(kind, kk, i, desil) for i, (kk, kind, desil) in enumerate(spec)]
    data = frame(rows)
    capped = evaluate(data, PKH).frame
    plain = evaluate(data, NO_CAP).frame
    # the cap never changes anybody's status (so never the set of LAYAK persons)
    assert capped["status"].to_list() == plain["status"].to_list()
    paid = capped.with_columns(data["no_kk"]).filter(pl.col("components").list.len() > 0)
    per_family = paid.filter(pl.col("no_kk").str.contains(r"^[0-9]{16}$")).group_by("no_kk").len()
    assert per_family.height == 0 or per_family["len"].max() <= 4
    # only rows that had components lose them; every other row is untouched
    lost = capped["capped"]
    assert (plain["components"].list.len().filter(lost) > 0).all()
    kept = ~lost
    assert capped["components"].filter(kept).to_list() == plain["components"].filter(kept).to_list()
    # exactly max(0, receivers - 4) members of each family are capped, the lowest amounts
    before = plain.with_columns(data["no_kk"], lost.alias("lost")).filter(
        (pl.col("components").list.len() > 0) & pl.col("no_kk").str.contains(r"^[0-9]{16}$")
    )
    for (_kk,), group in before.group_by("no_kk"):
        assert group["lost"].sum() == max(0, group.height - 4)
        if group["lost"].any():
            lowest_kept = group.filter(~pl.col("lost"))["amount_year"].min()
            assert group.filter(pl.col("lost"))["amount_year"].max() <= lowest_kept


def test_run_cli_shows_the_capped_column(tmp_path: Path) -> None:
    data = tmp_path / "pkh.csv"
    data.write_text(CSV, encoding="utf-8")
    args = ["run", str(data), "--rules", str(RULES / "pkh.yaml"), "--as-of", "2025-06-30"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "hasil"), "--skip", "dedup"])
    assert "Traceback" not in result.output
    assert "Dibatasi per keluarga" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.strip().startswith("pkh "))
    assert line.replace("│", " ").split() == ["pkh", "6", "0", "0", "1"]
