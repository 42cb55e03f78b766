"""Programs as paid: families, KTP occupation categories, validity periods, references to
another program, parameter overrides, explanations."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos_cli import api
from bansos_cli.pipeline.check import check_frame, load_program_set, load_programs
from bansos_cli.rules import compile_rules, evaluate, load_rules
from bansos_cli.rules.occupations import categorise, labels
from conftest import invoke_assert_code

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
AS_OF = dt.date(2025, 6, 30)


# --- the occupation reference ----------------------------------------------------------------


def test_every_official_label_has_its_category() -> None:
    table = labels()
    assert table.height == 89 and table["label"].is_unique().all()
    got = categorise(table["label"])
    assert got.to_list() == table["category"].to_list()
    assert set(table["category"]) >= {"ASN", "TNI", "POLRI", "BUMN", "BUMD", "PEJABAT_NEGARA"}


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("TENTARA NASIONAL INDONESIA", "TNI"),
        ("KEPOLISIAN RI", "POLRI"),
        ("GURU PNS", "ASN"),
        ("PNS/ASN", "ASN"),
        ("ANGGOTA DPR-RI", "PEJABAT_NEGARA"),
        ("BUPATI", "PEJABAT_NEGARA"),
        ("pppk guru", "ASN"),
        ("Anggota DPRD Kab. Bogor", "PEJABAT_NEGARA"),
        ("PENSIUNAN PNS", "PENSIUNAN_ASN"),
        ("Purnawirawan TNI AD", "PENSIUNAN_ASN"),
        ("PENSIUNAN", "PENSIUNAN"),
        ("petani/pekebun", "UMUM"),
        ("OJEK ONLINE", None),
        ("", None),
    ],
)
def test_spellings_seen_in_exports(written: str, category: str | None) -> None:
    assert categorise(pl.Series([written])).to_list() == [category]


def test_the_official_labels_are_excluded_and_unknown_ones_reported_once() -> None:
    programs = load_programs([RULES / "pkh.yaml"], AS_OF)
    jobs = [
        "TENTARA NASIONAL INDONESIA",
        "KEPOLISIAN RI",
        "GURU PNS",
        "PNS/ASN",
        "ANGGOTA DPR-RI",
        "BUPATI",
        "OJEK ONLINE",
        "OJEK ONLINE",
        "Tukang Parkir",
    ]
    n = len(jobs)
    frame = pl.DataFrame(
        {
            "nik": [f"32010141076500{i:02d}" for i in range(n)],
            "no_kk": [f"32010101012000{i:02d}" for i in range(n)],
            "desil": ["2"] * n,
            "status_padan": ["PADAN"] * n,
            "pekerjaan": jobs,
        }
    )
    result = check_frame(frame, programs)
    statuses = result.frame["status"].cast(pl.String).to_list()
    assert statuses == ["TIDAK_LAYAK"] * 6 + ["LAYAK"] * 3
    pkh = result.to_dict()["programs"][0]
    assert pkh["unknown_occupations"] == {"OJEK ONLINE": 2, "Tukang Parkir": 1}
    dq = next(r for r in pkh["rules"] if r["id"] == "DQ-PEKERJAAN")
    assert (dq["severity"], dq["fail"]) == ("info", 3)


# --- families --------------------------------------------------------------------------------

KK = ["3201010101200001", "3201010101200002", "3201-0101-0120-0003", "", "3.20101E+15"]


@settings(max_examples=40, deadline=None)
@given(
    members=st.lists(
        st.tuples(st.sampled_from(KK), st.integers(1, 10), st.booleans()),
        min_size=1,
        max_size=25,
    ),
    data=st.data(),
)
def test_sembako_pays_once_per_family_whatever_the_row_order(members, data) -> None:  # type: ignore[no-untyped-def]
    program = compile_rules(load_rules(RULES / "sembako.yaml"), AS_OF)
    order = data.draw(st.permutations(range(len(members))))

    def frame(rows: list[tuple[str, int, bool]]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "nik": [f"32010141076{i:05d}" for i in range(len(rows))],
                "no_kk": [r[0] for r in rows],
                "desil": [str(r[1]) for r in rows],
                "status_padan": ["PADAN"] * len(rows),
                "keterangan_meninggal": ["MENINGGAL" if r[2] else None for r in rows],
            }
        )

    out = evaluate(frame(members), program).frame
    # the oracle: a family (a valid NO KK; otherwise the row alone) is paid once when one of
    # its living members has a desil in range
    families: dict[object, bool] = {}
    for i, (kk, desil, dead) in enumerate(members):
        key = (
            kk.replace("-", "")
            if kk.replace("-", "").isdigit() and len(kk.replace("-", "")) == 16
            else i
        )
        families[key] = families.get(key, False) or (desil <= 4 and not dead)
    paid = sum(families.values())
    assert out["amount_month"].sum() == paid * 200_000
    assert out["family_representative"].sum() == paid
    shuffled = evaluate(frame([members[i] for i in order]), program).frame
    assert shuffled["amount_month"].sum() == out["amount_month"].sum()
    assert shuffled["family_representative"].sum() == paid


def test_the_summary_gives_families_and_rupiah_per_month_and_year(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    rows = ["NIK,NO KK,DESIL,KETERANGAN PADAN"]
    for family, size in enumerate((1, 4, 6)):
        for member in range(size):
            rows.append(f"32010141076{family}{member:04d},320101010120{family:04d},2,PADAN")
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = api.check(data, rules=[RULES / "sembako.yaml"], as_of=AS_OF)
    sembako = result.summary["programs"][0]
    assert sembako["counts"]["LAYAK"] == 11
    assert (sembako["families"], sembako["families_paid"]) == (3, 3)
    assert (sembako["amount_month"], sembako["amount_year"]) == (600_000, 7_200_000)
    shown = invoke_assert_code(
        ["check", str(data), "--rules", str(RULES / "sembako.yaml"), "--as-of", "2025-06-30"], 0
    )
    assert "Keluarga dibayar: 3 dari 3; Rp 600.000 per bulan, Rp 7.200.000 per tahun" in (
        shown.stdout
    )


# --- validity periods, references, overrides ------------------------------------------------


def test_a_program_not_in_force_is_reported_not_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    (folder / "masa_depan.yaml").write_text(
        "format: bansos-rules/1\n"
        "program: {id: masa_depan, name: Program 2026, rules_version: '2026.1', "
        "valid_from: 2026-01-01}\n"
        "inputs: {desil: {type: integer}}\n"
        "parameters:\n  batas:\n    description: d\n    values:\n"
        "      - {value: 3, from: 2026-01-01, source: {title: t, publisher: p, date: '2026'}}\n"
        "rules:\n  - {id: MD-1, kind: eligibility, condition: 'desil <= :batas', "
        "on_missing: unknown, message: {id: a, en: b}}\n",
        encoding="utf-8",
    )
    programs = load_program_set([folder], dt.date(2025, 4, 30))
    assert sorted(p.name for p in programs.compiled) == ["blt_dd", "pkh", "sembako"]
    assert [(p["id"], p["valid_from"]) for p in programs.not_in_force] == [
        ("masa_depan", "2026-01-01"),
        ("pbi_jk", "2025-05-01"),
    ]
    data = tmp_path / "daftar.csv"
    data.write_text("NIK,DESIL,KETERANGAN PADAN\n3201014107650001,2,PADAN\n", "utf-8")
    shown = invoke_assert_code(
        ["check", str(data), "--rules", str(folder), "--as-of", "2025-04-30", "--lang", "en"], 0
    )
    assert "Not in force at the reference date, not evaluated: Program 2026" in shown.stdout
    later = api.check(data, rules=[folder], as_of=dt.date(2026, 2, 1))
    assert "masa_depan" in [p["id"] for p in later.summary["programs"]]
    assert later.summary["not_in_force"] == []


def test_a_reference_to_a_program_not_given_is_an_error(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text("NIK,DESIL\n3201014107650001,2\n", "utf-8")
    result = invoke_assert_code(
        ["check", str(data), "--rules", str(RULES / "blt_dd.yaml"), "--as-of", "2025-06-30"], 2
    )
    assert result.stderr.count("\n") == 1
    assert "program 'pkh' tidak dikenal; program yang ada: blt_dd (PROGRAM_REF)" in result.stderr


def test_param_overrides_on_the_command_line_and_in_python(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text(
        "NIK,DESIL,TGL LAHIR,KETERANGAN PADAN\n3201010101620001,2,01-01-1962,PADAN\n", "utf-8"
    )
    base = ["check", str(data), "--rules", str(RULES), "--as-of", "2025-06-30", "--json"]
    plain = json.loads(invoke_assert_code(base, 0).stdout)
    older = json.loads(invoke_assert_code([*base, "--param", "pkh.usia_lansia=70"], 0).stdout)

    def pkh(summary: dict) -> dict:
        return next(p for p in summary["programs"] if p["id"] == "pkh")

    assert pkh(plain)["amount_year"] == 2_400_000  # 63 years old: elderly component
    assert pkh(older)["amount_year"] == 0
    used = next(q for q in pkh(older)["parameters"] if q["name"] == "usia_lansia")
    assert (used["value"], used["overridden"], used["source"]) == (70, True, "override")
    everywhere = api.check(data, as_of=AS_OF, param={"desil_maks": 1}).summary
    assert {p["id"]: p["counts"]["TIDAK_LAYAK"] for p in everywhere["programs"]} == {
        "blt_dd": 0,
        "pbi_jk": 1,
        "pkh": 1,
        "sembako": 1,
    }
    unknown = invoke_assert_code([*base, "--param", "usia_lansai=70"], 2)
    assert "tidak ada program yang memakai parameter 'usia_lansai'" in unknown.stderr
    bad = invoke_assert_code([*base, "--param", "usia_lansia=tujuh puluh"], 2)
    assert "'tujuh puluh'" in bad.stderr
    assert invoke_assert_code([*base, "--param", "usia_lansia"], 2).stderr.count("\n") == 1


# --- explanations ----------------------------------------------------------------------------


def test_explanations_in_the_table_and_for_one_nik(tmp_path: Path) -> None:
    data = tmp_path / "daftar.csv"
    data.write_text(
        "NIK,NO KK,DESIL,TGL LAHIR,PEKERJAAN,KETERANGAN PADAN\n"
        "3201010101670001,3201010101200001,3,01-01-1967,PETANI/PEKEBUN,PADAN\n"
        "3201014101850002,3201010101200002,3,01-01-1985,MENGURUS RUMAH TANGGA,PADAN\n"
        "3201010101800003,3201010101200002,3,01-01-1980,PEGAWAI NEGERI SIPIL (PNS),PADAN\n"
        "3201010101800004,3201010101200004,6,01-01-1980,NELAYAN/PERIKANAN,PADAN\n",
        "utf-8",
    )
    out = tmp_path / "out"
    invoke_assert_code(
        [
            "check",
            str(data),
            "--rules",
            str(RULES / "pkh.yaml"),
            "--as-of",
            "2025-06-30",
            "--out",
            str(out),
            "--lang",
            "en",
        ],
        1,
    )
    table = pl.read_parquet(out / "eligibility.parquet")
    explained = table["explanation"].to_list()
    assert explained[0].startswith("PKH-DESIL: desil 3 <= 4")
    assert "PKH-KOMP-LANSIA: umur 58 < 60" in explained[0]
    assert explained[3] == "PKH-DESIL: desil 6 > 4"
    assert "EXC-KELUARGA-PEKERJAAN: family: " in explained[1]
    assert "3201010101670001" not in " ".join(explained)
    shown = invoke_assert_code(
        [
            "check",
            str(data),
            "--rules",
            str(RULES / "pkh.yaml"),
            "--as-of",
            "2025-06-30",
            "--explain",
            "3201-0101-0167-0001",
            "--lang",
            "en",
        ],
        1,
    )
    assert "Explanation for NIK 3201**********01 (1 rows by program)" in shown.stdout
    assert "pkh: LAYAK (Rp 0 per month)" in shown.stdout
    assert "PKH-DESIL: desil 3 <= 4" in shown.stdout
    assert "3201010101670001" not in shown.output
    summary = api.check(
        data, rules=[RULES / "pkh.yaml"], as_of=AS_OF, explain="3201010101670001", lang="id"
    ).summary
    assert [e["program"] for e in summary["explain"]] == ["pkh"]
    assert "PKH-KOMP-LANSIA: umur 58 < 60" in summary["explain"][0]["explanation"]
