"""Reconcile 1M x 1M rows: on an exact NIK key (target: under 10 s), and with the fuzzy
fallback on realistic generated lists (target: pairing precision >= 0.9995 against the
generator's truth).

Exact key: two lists generated with numpy/polars, a decree of 1M rows and a disbursement
report with 5% of the payees missing, 2% extra, 3% changed amounts, 6% spelling variants of
names and amounts written differently (``Rp 600.000`` vs ``600000``). The baseline, measured in
the same run, is what a spreadsheet VLOOKUP does: one polars join on the raw NIK text with no
normalisation, categories, comparison or totals.

Fuzzy: ``bansos_cli.sample.generate_reconciliation_pair`` (Kabupaten Bogor, 1M payees; 6% name
variants, 1% NIK typos, 2% Excel-truncated NIKs, 0.5% paid twice, 0.5% split, 0.25% homonyms
of unpaid payees, 1% listed in another village). The baseline, measured in the same run, is
what an officer does for the rows the NIK did not find: a VLOOKUP on NAMA + TGL LAHIR (exact
text, first match).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from memory import run_child  # noqa: E402

from bansos_cli.core.vocabulary import ROW, SHEET, SOURCE  # noqa: E402

ROWS = 1_000_000
TARGET_S = 10.0
DATA = HERE.parent / ".bench" / "reconcile"

_NAMES = np.array(
    ["SITI AMINAH", "BUDI SANTOSO", "AGUS HIDAYAT", "DEWI LESTARI", "MUHAMMAD RIZKI",
     "SRI WAHYUNI", "AHMAD FAUZI", "NUR HAYATI", "I WAYAN SUDARSA", "RATNA SARI DEWI"]
)  # fmt: skip
_VARIANTS = np.array(
    ["SITI AMINA", "BUDI SANTOSA", "AGUS HIDAYAT S.PD", "DEWI LESTARY", "MOHAMAD RIZKI",
     "SRI WAHYUNY", "ACHMAD FAUZI", "NURHAYATI", "WAYAN SUDARSA", "RATNA SARI"]
)  # fmt: skip


def generate(rows: int = ROWS, seed: int = 7) -> tuple[Path, Path]:
    """Write left.parquet and right.parquet (text columns, ingest contract) under .bench/."""
    DATA.mkdir(parents=True, exist_ok=True)
    left_path, right_path = DATA / f"left_{rows}.parquet", DATA / f"right_{rows}.parquet"
    # (files cached before the row key was renamed from _source/_sheet/_row are made again)
    if left_path.exists() and right_path.exists() and ROW in pl.read_parquet_schema(left_path):
        return left_path, right_path
    rng = np.random.default_rng(seed)
    extra = rows // 50
    serial = rng.choice(10**10, size=rows + extra, replace=False)
    nik = pl.Series((3201000000000000 + serial).astype(str))
    name_idx = rng.integers(0, len(_NAMES), rows + extra)
    kecamatan = pl.Series(rng.choice(["CIBINONG", "BOJONGGEDE", "CITEUREUP", "SUKARAJA"],
                                     rows + extra))  # fmt: skip
    left = pl.DataFrame(
        {
            "nik": nik[:rows],
            "nama": _NAMES[name_idx[:rows]],
            "kecamatan": kecamatan[:rows],
            "program": "BPNT",
            "nominal": "Rp 600.000",
            SOURCE: "sk.xlsx",
            SHEET: "SK",
            ROW: np.arange(2, rows + 2),
        }
    )
    keep = rng.random(rows) >= 0.05
    variant = rng.random(rows + extra) < 0.06
    names = np.where(variant, _VARIANTS[name_idx], _NAMES[name_idx])
    amounts = np.where(rng.random(rows + extra) < 0.03, "300000", "600000")
    take = np.concatenate([np.flatnonzero(keep), np.arange(rows, rows + extra)])
    rng.shuffle(take)
    right = pl.DataFrame(
        {
            "nik": nik.gather(take),
            "nama": names[take],
            "kecamatan": kecamatan.gather(take).str.to_lowercase(),
            "program": "BPNT",
            "nominal": amounts[take],
            SOURCE: "salur.xlsx",
            SHEET: "Laporan",
            ROW: np.arange(2, len(take) + 2),
        }
    )
    left.write_parquet(left_path)
    right.write_parquet(right_path)
    return left_path, right_path


_OURS = """
import tempfile, time, polars as pl
from pathlib import Path
from bansos_cli.output import write_table
from bansos_cli.reconcile import reconcile_frames
left, right = pl.read_parquet({left!r}), pl.read_parquet({right!r})
start = time.perf_counter()
result = reconcile_frames(left, right)
seconds = time.perf_counter() - start
with tempfile.TemporaryDirectory(dir={tmp!r}) as out:
    write_table(result.frame, Path(out) / "reconciliation")
write = time.perf_counter() - start - seconds
RESULT = {{"seconds": seconds, "write": write, "rows_out": result.frame.height,
           "counts": result.counts}}
"""

_BASELINE = """
import tempfile, time, polars as pl
from pathlib import Path
left, right = pl.read_parquet({left!r}), pl.read_parquet({right!r})
start = time.perf_counter()
joined = left.join(right, on="nik", how="full", suffix="_r")
seconds = time.perf_counter() - start
with tempfile.TemporaryDirectory(dir={tmp!r}) as out:
    joined.write_parquet(Path(out) / "joined.parquet")
write = time.perf_counter() - start - seconds
RESULT = {{"seconds": seconds, "write": write, "rows_out": joined.height}}
"""


FUZZY_SEED = 7
FUZZY_TARGET = 0.9995


def generate_fuzzy(rows: int = ROWS) -> tuple[Path, Path, Path]:
    """The realistic decree/report pair and its truth as Parquet under .bench/ (cached)."""
    from bansos_cli.sample import generate_reconciliation_pair, write_reconciliation_pair

    DATA.mkdir(parents=True, exist_ok=True)
    stem = DATA / f"fuzzy_{rows}_{FUZZY_SEED}"
    paths = (
        Path(f"{stem}_sk.parquet"),
        Path(f"{stem}_bayar.parquet"),
        Path(f"{stem}_truth.parquet"),
    )
    if not all(p.exists() for p in paths):
        pair = generate_reconciliation_pair(rows, FUZZY_SEED, region="3201",
                                            name_variant_rate=0.06, nik_typo_rate=0.01)  # fmt: skip
        write_reconciliation_pair(pair, *paths)
    return paths


_METRICS = """
def metrics(frame, truth):
    import polars as pl
    pairs = frame.filter(pl.col("row_left").is_not_null() & pl.col("row_right").is_not_null())
    left = truth.select(pl.col("decree_row").alias("row_left"), pl.col("person_id").alias("a"))
    right = truth.select(pl.col("disbursement_rows").alias("row_right"),
                         pl.col("person_id").alias("b")).explode("row_right")
    own = pairs.join(left.drop_nulls(), on="row_left").join(right.drop_nulls(), on="row_right")
    return own.with_columns((pl.col("a") == pl.col("b")).alias("ok"))
"""

_FUZZY = (
    _METRICS
    + """
import time, polars as pl
from bansos_cli.ingest import read_inputs
from bansos_cli.reconcile import ReconcileOptions, reconcile_frames
left, right = read_inputs([{left!r}]).frame, read_inputs([{right!r}]).frame
truth = pl.read_parquet({truth!r})
start = time.perf_counter()
result = reconcile_frames(left, right, ReconcileOptions(fuzzy=True))
seconds = time.perf_counter() - start
frame = result.frame
own = metrics(frame, truth)
fuzzy = own.filter(pl.col("match_method") == "fuzzy")
has = lambda c: pl.col("problems").list.contains(c)
damaged = truth.filter(has("nik_typo") | has("nik_excel_truncated"))
found = fuzzy.filter(pl.col("ok") & pl.col("a").is_in(damaged["person_id"].implode()))
homonyms = truth.filter(has("homonym"))
homonym_rows = frame.filter(pl.col("row_right").is_in(homonyms["disbursement_row"].implode()))
def rows(cat, col="row_left"):
    return set(frame.filter(pl.col("category") == cat)[col].drop_nulls().to_list())
def truth_rows(code, extra=None):
    found = truth.filter(has(code) if extra is None else has(code) & extra)
    return set(found["decree_row"].to_list())
renamed = pl.col("problems").list.eval(pl.element().str.starts_with("name_")).list.any()
truncated = set(truth.filter(has("nik_excel_truncated")).explode("disbursement_rows")[
    "disbursement_rows"].drop_nulls().to_list())
def keys_hit(cat):
    rows_ = frame.filter((pl.col("category") == cat) & pl.col("row_right").is_in(truncated))
    return set(rows_["key"].to_list())
def left_keys(rows_):
    return set(frame.filter(pl.col("row_left").is_in(rows_))["key"].to_list())
regions = result.by_region
bank = right.group_by(pl.col("kecamatan").str.to_uppercase(), pl.col("desa").str.to_uppercase()
                      ).agg(pl.col("nominal").cast(pl.Int64).sum()).rows()
RESULT = {{
    "seconds": seconds, "pairs": own.height, "wrong": int((~own["ok"]).sum()),
    "fuzzy": fuzzy.height, "fuzzy_wrong": int((~fuzzy["ok"]).sum()),
    "damaged": damaged.height, "damaged_found": found.height,
    "hints": result.candidate_hints, "skipped_blocks": result.fuzzy_skipped_blocks,
    "homonyms": homonyms.height,
    "homonyms_paired": int(homonym_rows["row_left"].is_not_null().sum()),
    "homonyms_hinted": int((homonym_rows["candidate_hint"] == "kandidat").sum()),
    "twice": len(truth_rows("paid_twice")), "split": len(truth_rows("paid_split")),
    "twice_found": len(rows("bayar_ganda") & truth_rows("paid_twice")),
    "split_found": len(rows("bayar_terpecah") & truth_rows("paid_split")),
    "groups_wrong": len((rows("bayar_ganda") - truth_rows("paid_twice"))
                        | (rows("bayar_terpecah") - truth_rows("paid_split"))),
    "groups_ambiguous": len(rows("ambigu")),
    "groups_ambiguous_truncated": len(keys_hit("ambigu")),
    "groups_wrong_truncated": len(left_keys((rows("bayar_ganda") - truth_rows("paid_twice"))
                                            | (rows("bayar_terpecah") - truth_rows("paid_split")))
                                  & (keys_hit("bayar_ganda") | keys_hit("bayar_terpecah"))),
    "groups_ambiguous_renamed": len(rows("ambigu") & (truth_rows("paid_twice", renamed)
                                                      | truth_rows("paid_split", renamed))),
    "bank_desa_ok": sorted(bank) == sorted(
        (k, d, rp) for k, d, n, rp in regions.select("kecamatan", "desa", "rows_right",
                                                     "rp_right").rows() if n),
    "region_cross": int(result.region_cross["pairs"].sum()),
    "region_moved": truth.filter(has("region_moved")).height,
    "every_row_once": sorted(frame["row_left"].drop_nulls()) == sorted(left["row"])
                      and sorted(frame["row_right"].drop_nulls()) == sorted(right["row"]),
    "counts": result.counts,
}}
"""
)

_FUZZY_BASELINE = (
    _METRICS
    + """
import time, polars as pl
from bansos_cli.ingest import read_inputs
left, right = read_inputs([{left!r}]).frame, read_inputs([{right!r}]).frame
truth = pl.read_parquet({truth!r})
start = time.perf_counter()
# the NIK first, as written; then, for the rows it did not find, NAMA + TGL LAHIR
by_nik = left.join(right, on="nik", how="inner", suffix="_r")
# the officer makes the two birth-date formats alike (dd-mm-yyyy, dd/mm/yyyy) and the names
# upper case before looking up
same = [pl.col("nama").str.to_uppercase().alias("_n"),
        pl.col("tanggal_lahir").str.replace_all("/", "-").alias("_t")]
open_l = left.join(right, on="nik", how="anti").with_columns(same)
open_r = right.join(left, on="nik", how="anti").with_columns(same)
by_name = open_l.join(open_r.unique(["_n", "_t"], keep="first"), on=["_n", "_t"],
                      how="inner", suffix="_r")
seconds = time.perf_counter() - start
frame = pl.concat([
    by_nik.select(pl.col("row").alias("row_left"), pl.col("row_r").alias("row_right"),
                  pl.lit("kunci").alias("match_method")),
    by_name.select(pl.col("row").alias("row_left"), pl.col("row_r").alias("row_right"),
                   pl.lit("fuzzy").alias("match_method")),
])
own = metrics(frame, truth)
fuzzy = own.filter(pl.col("match_method") == "fuzzy")
RESULT = {{"seconds": seconds, "pairs": own.height, "wrong": int((~own["ok"]).sum()),
           "fuzzy": fuzzy.height, "fuzzy_wrong": int((~fuzzy["ok"]).sum())}}
"""
)


def _precision(good: int, total: int) -> float:
    return good / total if total else float("nan")


def fuzzy_section(rows: int = ROWS) -> list[str]:
    left, right, truth = generate_fuzzy(rows)
    print(f"data: {left.name}, {right.name}", flush=True)
    paths = {"left": str(left), "right": str(right), "truth": str(truth)}
    base = run_child(_FUZZY_BASELINE.format(**paths))
    print(f"baseline VLOOKUP NIK, then NAMA + TGL LAHIR: {base['seconds']:.2f} s", flush=True)
    ours = run_child(_FUZZY.format(**paths))
    print(f"reconcile_frames --fuzzy: {ours['seconds']:.2f} s, {ours['peak_mb']:.0f} MB",
          flush=True)  # fmt: skip
    fp = _precision(ours["fuzzy"] - ours["fuzzy_wrong"], ours["fuzzy"])
    bp = _precision(base["fuzzy"] - base["fuzzy_wrong"], base["fuzzy"])
    all_ours = _precision(ours["pairs"] - ours["wrong"], ours["pairs"])
    all_base = _precision(base["pairs"] - base["wrong"], base["pairs"])
    recall = _precision(ours["damaged_found"], ours["damaged"])
    verdict = "pass" if fp >= FUZZY_TARGET else "FAIL"
    counts = ", ".join(f"{k} {v:,}" for k, v in ours["counts"].items())
    hints = ", ".join(f"{k} {v:,}" for k, v in ours["hints"].items())

    def yes(flag: bool) -> str:
        return "yes" if flag else "NO"

    return [
        "## Reconcile: fuzzy pairing at 1M x 1M, against the generator's truth",
        "",
        "`reconcile_frames(..., ReconcileOptions(fuzzy=True))` on a generated decree of "
        "1,000,000 payees (Kabupaten Bogor, seed 7) and its disbursement report: 6% name "
        "variants, 1% NIK typos, 2% Excel-truncated NIKs, 5% unpaid, 2% extra payees, 0.5% "
        "paid twice, 0.5% paid in two transfers, 0.25% homonyms of unpaid payees (same name "
        "and birth date, another NIK and village), 1% listed by the bank in another village "
        "(`bansos_cli.sample.generate_reconciliation_pair`). Both lists are read from Parquet "
        "before timing starts. A pair is right when both rows belong to the same person of "
        "the truth. Baseline, measured in the same run: a VLOOKUP on the NIK as written, then "
        "on NAMA + TGL LAHIR for the rows the NIK did not find (first match).",
        "",
        "| measure | bansos | baseline | target | result |",
        "|---|---:|---:|---:|---|",
        f"| fuzzy (second-step) pairs | {ours['fuzzy']:,} | {base['fuzzy']:,} | - | - |",
        f"| wrong fuzzy pairs | {ours['fuzzy_wrong']:,} | {base['fuzzy_wrong']:,} | - | - |",
        f"| fuzzy pairing precision | {fp:.5f} | {bp:.5f} | >= {FUZZY_TARGET} | {verdict} |",
        f"| precision of all pairs (key + fuzzy) | {all_ours:.5f} | {all_base:.5f} | - | - |",
        f"| damaged NIKs (typo, truncated) paired to their person | {recall:.4f} "
        f"({ours['damaged_found']:,} of {ours['damaged']:,}) | - | - | - |",
        f"| wall time | {ours['seconds']:.2f} s | {base['seconds']:.2f} s "
        f"| {ours['seconds'] / base['seconds']:.1f}x | - | - |",
        f"| peak memory | {ours['peak_mb']:,.0f} MB | {base['peak_mb']:,.0f} MB | - | - | - |",
        "",
        "Planted cases, checked in the same run:",
        "",
        f"- homonyms of unpaid payees: {ours['homonyms']:,}; paired by bansos: "
        f"{ours['homonyms_paired']:,}; left unpaired with a `kandidat` hint: "
        f"{ours['homonyms_hinted']:,} (the others have a default birth date, which is no "
        "evidence);",
        f"- paid twice: {ours['twice']:,}, of them `bayar_ganda`: {ours['twice_found']:,}; "
        f"paid in two transfers: {ours['split']:,}, of them `bayar_terpecah`: "
        f"{ours['split_found']:,}; decree rows wrongly in either: {ours['groups_wrong']:,} "
        f"({ours['groups_wrong_truncated']:,} of them because another payee's Excel-truncated "
        "NIK became their NIK, under a similar name); `ambigu`: "
        f"{ours['groups_ambiguous']:,} decree rows ({ours['groups_ambiguous_renamed']:,} "
        "planted double or split payments whose one transfer carries a name variant too far "
        "from the decree's to be sure it is the same person, "
        f"{ours['groups_ambiguous_truncated']:,} whose NIK another payee's Excel-truncated NIK "
        "became: a transfer under another name);",
        f"- payees in another village: {ours['region_moved']:,}; pairs in the cross table: "
        f"{ours['region_cross']:,}; the right side's totals per desa equal the bank file's own: "
        f"{yes(ours['bank_desa_ok'])};",
        f"- every row of both lists in exactly one output row: {yes(ours['every_row_once'])};",
        f"- unpaired rows with a candidate: {hints}; blocks skipped (over "
        f"`fuzzy_max_block`): {ours['skipped_blocks']:,}.",
        "",
        f"Output rows: {counts}.",
    ]


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main() -> str:
    left, right = generate()
    print(f"data: {left.name}, {right.name}", flush=True)
    paths = {"left": str(left), "right": str(right), "tmp": str(DATA)}
    load_before = _load()
    base = run_child(_BASELINE.format(**paths))
    print(f"baseline join: {base['seconds']:.2f} s", flush=True)
    ours = run_child(_OURS.format(**paths))
    load_after = _load()
    print(f"reconcile_frames: {ours['seconds']:.2f} s, {ours['peak_mb']:.0f} MB", flush=True)
    ratio = ours["seconds"] / base["seconds"] if base["seconds"] else float("nan")
    verdict = "pass" if ours["seconds"] < TARGET_S else "FAIL"
    ours_all, base_all = ours["seconds"] + ours["write"], base["seconds"] + base["write"]
    verdict_all = "pass" if ours_all < TARGET_S else "FAIL"
    counts = ", ".join(f"{k} {v:,}" for k, v in ours["counts"].items())
    fuzzy = fuzzy_section()
    return "\n".join(
        [
            "## Reconcile: 1M x 1M rows on an exact key",
            "",
            "`reconcile_frames` (the library call behind `bansos reconcile`) on a generated "
            "decree list (1,000,000 rows) and disbursement report (5% missing, 2% extra, 3% "
            "changed amounts, 6% name variants), exact NIK key, default options, in a fresh "
            "process; the data is read before timing starts. The second row adds writing "
            "`reconciliation.parquet` (`output.write_table`). Baseline, measured in the same "
            "run: one polars full join on the raw NIK text (what a VLOOKUP does: no "
            "normalisation, categories, per-field comparison or totals), and writing that join.",
            "",
            "| measure | reconcile | baseline join | ratio | target | result |",
            "|---|---:|---:|---:|---:|---|",
            f"| wall time, reconcile | {ours['seconds']:.2f} s | {base['seconds']:.2f} s "
            f"| {ratio:.1f}x | < {TARGET_S:.0f} s | {verdict} |",
            f"| wall time, reconcile + write parquet | {ours_all:.2f} s | {base_all:.2f} s "
            f"| {ours_all / base_all:.1f}x | < {TARGET_S:.0f} s | {verdict_all} |",
            f"| peak memory | {ours['peak_mb']:,.0f} MB | {base['peak_mb']:,.0f} MB "
            f"| {ours['peak_mb'] / base['peak_mb']:.1f}x | - | - |",
            "",
            f"Output rows: {ours['rows_out']:,} ({counts}).",
            "",
            f"Load average before / after the exact-key runs: {load_before} / {load_after} "
            f"({os.cpu_count()} cores; other processes share the machine).",
            "",
            *fuzzy,
            "",
            f"Load average after the fuzzy runs: {_load()}.",
        ]
    )


if __name__ == "__main__":
    print(main())
