"""Rules: compile + evaluate 20 rules on 1M generated rows (target < 1 s); parity.

Figures: from already-typed columns (the engine itself), from text columns as ingest
delivers them (lenient casting included), each with and without the explanation column.
Baseline: the same 20 conditions written by hand as polars expressions with the same null
policy, measured in the same run. Parity: every condition (the 20 here and every shipped one)
through polars and DuckDB on the same prepared frame, identical true/false/null required.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from bansos_cli.rules import compile_rules, evaluate, load_rules, reference_columns
from bansos_cli.rules.evaluate import evaluate_programs, prepare
from bansos_cli.rules.expr.parity import compare

ROWS = 1_000_000
TARGET_S = 1.0
AS_OF = dt.date(2025, 6, 30)
JOBS = ["PETANI", "PNS", "tni", "Buruh", "NELAYAN", "polri", "PEDAGANG", None]


def _rules_yaml() -> str:
    lines = [
        "format: bansos-rules/1",
        "program: {id: bench, name: Bench, rules_version: '1'}",
        "inputs:",
        "  desil: {type: integer}",
        "  pekerjaan: {type: string}",
        "  tanggal_lahir: {type: date}",
        "  status_padan: {type: string}",
        "parameters:",
    ]
    for i in range(5):
        lines.append(
            f"  p{i}: {{description: d, values: [{{value: {i + 3}, from: 2020-01-01, source: s}}]}}"
        )
    lines += [
        "  jobs: {description: d, values: [{value: [PNS, TNI, POLRI], from: 2020-01-01, "
        "source: s}]}",
        "derived:",
        "  umur: {kind: age_years, from: tanggal_lahir}",
        "rules:",
    ]
    conditions = []
    for i in range(5):
        conditions.append(("eligibility", f"desil <= :p{i}", "unknown"))
        conditions.append(("exclusion", "UPPER(TRIM(pekerjaan)) IN :jobs", "pass"))
        conditions.append(("component", f"umur >= {55 + i}", "unknown"))
        conditions.append(("exclusion", "status_padan = 'TIDAK PADAN'", "unknown"))
    for n, (kind, cond, policy) in enumerate(conditions):
        extra = f"    component: c{n}\n" if kind == "component" else ""
        lines.append(
            f'  - id: B-{n:02d}\n    kind: {kind}\n{extra}    condition: "{cond}"\n'
            f"    on_missing: {policy}\n    message: {{id: m, en: m}}"
        )
    return "\n".join(lines) + "\n"


def _data() -> pl.DataFrame:
    rng = np.random.default_rng(7)
    desil = pl.Series(rng.integers(1, 11, ROWS).astype(str))
    desil = pl.select(pl.when(pl.Series(rng.random(ROWS)) >= 0.05).then(desil)).to_series()
    jobs = pl.Series(JOBS, dtype=pl.String).gather(rng.integers(0, len(JOBS), ROWS))
    births = (np.datetime64("1930-01-01") + rng.integers(0, 34000, ROWS)).astype("datetime64[D]")
    return pl.DataFrame(
        {
            "desil": desil,
            "pekerjaan": jobs,
            "tanggal_lahir": pl.Series(births).dt.strftime("%d-%m-%Y"),
            "status_padan": pl.Series(rng.choice(["PADAN", "TIDAK PADAN"], ROWS), dtype=pl.String),
        }
    )


def _hand(frame: pl.DataFrame) -> pl.DataFrame:
    """Baseline: the same conditions by hand on typed columns, with the same null policy."""
    code = {"pass": 0, "fail": 1, "unknown": 2}

    def outcome(cond: pl.Expr, exclusion: bool, policy: str, name: str) -> pl.Expr:
        t, f = (1, 0) if exclusion else (0, 1)
        return (
            pl.when(cond.is_null())
            .then(code[policy])
            .when(cond)
            .then(t)
            .otherwise(f)
            .cast(pl.Int8)
            .alias(name)
        )

    age = (
        AS_OF.year
        - pl.col("tanggal_lahir").dt.year().cast(pl.Int32)
        - (
            (
                pl.col("tanggal_lahir").dt.month().cast(pl.Int32) * 100
                + pl.col("tanggal_lahir").dt.day().cast(pl.Int32)
            )
            > AS_OF.month * 100 + AS_OF.day
        ).cast(pl.Int32)
    )
    exprs = []
    for i in range(5):
        exprs.append(outcome(pl.col("desil") <= i + 3, False, "unknown", f"a{i}"))
        exprs.append(
            outcome(
                pl.col("pekerjaan")
                .str.strip_chars()
                .str.to_uppercase()
                .is_in(["PNS", "TNI", "POLRI"]),
                True,
                "pass",
                f"b{i}",
            )
        )
        exprs.append(outcome(age >= 55 + i, False, "unknown", f"c{i}"))
        exprs.append(outcome(pl.col("status_padan") == "TIDAK PADAN", True, "unknown", f"d{i}"))
    out = frame.lazy().with_columns(exprs).collect()
    blocking = pl.any_horizontal([pl.col(f"{k}{i}") == 1 for k in "abd" for i in range(5)])
    return out.select(pl.when(blocking).then(pl.lit("TIDAK_LAYAK")).otherwise(pl.lit("LAYAK")))


def _best_interleaved(fns, rounds: int = 5) -> list[float]:
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main() -> str:
    text = _data()
    typed = text.with_columns(
        pl.col("desil").cast(pl.Int64),
        pl.col("tanggal_lahir").str.to_date("%d-%m-%Y"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(_rules_yaml(), encoding="utf-8")
        ruleset = load_rules(path)

        def run(frame: pl.DataFrame, explain: bool) -> None:
            program = compile_rules(ruleset, AS_OF)
            evaluate(frame, program, explain=explain)

        # interleaved rounds, best of each: on a shared machine a slow spell then hits every
        # measurement alike instead of one of them
        t_text, t_typed, t_text_explain, t_typed_explain, t_hand = _best_interleaved(
            [
                lambda: run(text, False),
                lambda: run(typed, False),
                lambda: run(text, True),
                lambda: run(typed, True),
                lambda: _hand(typed),
            ]
        )
        bench_program = compile_rules(ruleset, AS_OF)
        parity = compare(prepare(text, bench_program), bench_program.rules)
    parity += _shipped_parity()
    equal = sum(1 for p in parity if p.equal)
    rows = [
        ("20 rules, 1M rows, text input (cast + compile + evaluate)", t_text),
        ("20 rules, 1M rows, typed input (compile + evaluate)", t_typed),
        ("20 rules, 1M rows, text input, with explanations", t_text_explain),
        ("20 rules, 1M rows, typed input, with explanations", t_typed_explain),
    ]
    out = [
        "## Eligibility rules (`bansos check` engine)",
        "",
        "20 SQL rules (eligibility, exclusion, component; age derived) on 1,000,000 generated "
        "rows; best of 5 interleaved rounds. Baseline: the same 20 conditions hand-written "
        "as polars expressions on typed columns (no lists of failed rules, no reasons, no "
        "explanations).",
        "",
        "| measurement | seconds | baseline (s) | ratio | target | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for label, seconds in rows:
        ok = "pass" if seconds < TARGET_S else "FAIL"
        out.append(
            f"| {label} | {seconds:.3f} | {t_hand:.3f} | {seconds / t_hand:.1f}x "
            f"| < {TARGET_S:.0f} s | {ok} |"
        )
    load = os.getloadavg()[0]
    out += [
        "",
        f"Load average when measured: {load:.1f} on {os.cpu_count()} cores. On a shared machine "
        "the seconds grow with the load; the ratios to the baseline (measured in the same "
        "interleaved rounds) hold better.",
    ]
    compared = sum(p.rows for p in parity)
    out += [
        "",
        f"Parity polars / DuckDB: {equal} of {len(parity)} conditions identical "
        f"({100 * equal / len(parity):.0f} %, {compared:,} condition-rows compared: the 20 "
        f"above on 1,000,000 rows, every shipped condition on {SHIPPED_ROWS:,} generated rows).",
    ]
    different = [p.rule_id for p in parity if not p.equal]
    if different:
        out.append(f"Conditions that differ: {', '.join(different)}.")
    return "\n".join(out) + "\n"


SHIPPED_ROWS = 200_000


def _shipped_parity() -> list:
    """Every shipped condition, on generated rows with every input they read."""
    from bansos_cli.pipeline.check import load_programs
    from bansos_cli.rules import shipped_rules

    rng = np.random.default_rng(11)
    n = SHIPPED_ROWS

    def pick(values: list) -> pl.Series:
        return pl.Series(values, dtype=pl.String).gather(rng.integers(0, len(values), n))

    births = (np.datetime64("1930-01-01") + rng.integers(0, 34000, n)).astype("datetime64[D]")
    frame = pl.DataFrame(
        {
            "nik": pick(["3201014107650001", "3.20101E+15", None, "3201011001150003"]),
            "no_kk": pl.Series((rng.integers(0, n // 4, n) + 3201010101200000).astype(str)),
            "desil": pick(["1", "2", "3", "4", "5", "6", "DESIL 3", "", None, "11"]),
            "tanggal_lahir": pl.Series(births).dt.strftime("%d-%m-%Y"),
            "pekerjaan": pick(JOBS + ["PEGAWAI NEGERI SIPIL (PNS)", "PENSIUNAN PNS", "GURU"]),
            "status_padan": pick(["PADAN", "TIDAK PADAN", None]),
            "keterangan_meninggal": pick([None, None, "MENINGGAL"]),
            "hamil": pick(["YA", "TIDAK", None]),
            "jenjang_pendidikan": pick(["SD", "SMP", "SMA", "PAUD", None]),
            "disabilitas": pick(["BERAT", None]),
            "bansos_pkh": pick(["YA", "TIDAK", None]),
            "bansos_bpnt": pick(["YA", "TIDAK", None]),
        }
    )
    programs = load_programs([shipped_rules()], AS_OF)
    evaluations = evaluate_programs(frame, programs)
    found = []
    for program in programs:
        refs = [reference_columns(evaluations[name]) for name in program.references]
        references = pl.concat(refs, how="horizontal") if refs else None
        found += compare(prepare(frame, program, references=references), program.rules)
    return found


if __name__ == "__main__":
    print(main())
