"""FEBRL3 and FEBRL4 for the dedup benchmark: bansos at its defaults, Splink 5 as its FEBRL
demos configure it, recordlinkage's ECM classifier; each in a fresh child process on the same
records (the fixed conversion of ``febrl.py`` for bansos, the original columns for the
baselines, which are built for them).

Truth: two records of one FEBRL original (``rec-<n>-org`` / ``rec-<n>-dup-<k>``); FEBRL4 counts
links across the two files only. Predicted pairs: bansos's reported pairs whose decision is not
``konflik`` (FEBRL has no NIK, so there are none); Splink's and recordlinkage's pairs at a match
probability of 0.5, and Splink's also at its best threshold (the figure its demo reports).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import febrl  # noqa: E402
from memory import run_child  # noqa: E402

SETS = ("febrl3", "febrl4")

_SCORE = r"""
import polars as pl

def truth_pairs(entity, source):
    t = pl.DataFrame({"r": range(len(entity)), "e": entity, "s": source})
    p = t.join(t, on="e", suffix="_b").filter(pl.col("r") < pl.col("r_b"))
    if len(set(source)) > 1:
        p = p.filter(pl.col("s") != pl.col("s_b"))
    return p.select(a=pl.col("r").cast(pl.Int64), b=pl.col("r_b").cast(pl.Int64))

def f1(truth, pred):
    pred = pred.select(
        a=pl.min_horizontal("a", "b").cast(pl.Int64), b=pl.max_horizontal("a", "b").cast(pl.Int64)
    ).unique()
    hit = truth.join(pred, on=["a", "b"], how="semi").height
    p = hit / pred.height if pred.height else 1.0
    r = hit / truth.height
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "pred_pairs": pred.height, "truth_pairs": truth.height}

def best_threshold(truth, scored):
    # scored: a, b, p (match probability); the threshold with the highest F1
    best = None
    for t in sorted(set(round(x, 4) for x in scored["p"].to_list())):
        r = f1(truth, scored.filter(pl.col("p") >= t))
        if best is None or r["f1"] > best["f1"]:
            best = {**r, "threshold": t}
    return best
"""


def _ours(name: str, paths: list[Path]) -> dict:
    code = (
        _SCORE
        + f"""
import sys, time
sys.path.insert(0, {str(HERE)!r})
import febrl
from pathlib import Path
from bansos_cli.dedup import DedupConfig, dedup_frame
from bansos_cli.dedup.blocking import candidate_pairs
from bansos_cli.dedup.fields import prepare
from bansos_cli.ingest import read_inputs
paths = [Path(p) for p in {[str(p) for p in paths]!r}]
frame = read_inputs(paths).frame
entity = febrl.truth_entities(paths).to_list()
truth = truth_pairs(entity, frame["source"].to_list())
start = time.perf_counter()
result = dedup_frame(frame)
elapsed = time.perf_counter() - start
pairs = result.pairs
within = pairs.filter(pl.col("source_a") == pl.col("source_b")).height if len(paths) > 1 else 0
if len(paths) > 1:
    pairs = pairs.filter(pl.col("source_a") != pl.col("source_b"))
pred = pairs.filter(pl.col("decision") != "konflik").select(a="_rid_a", b="_rid_b")
config = DedupConfig()
cand, _ = candidate_pairs(prepare(frame, config), config.blocking)
cand = cand.select(a=pl.col("i").cast(pl.Int64), b=pl.col("j").cast(pl.Int64))
completeness = truth.join(cand, on=["a", "b"], how="semi").height / truth.height
RESULT = {{"time_s": elapsed, **f1(truth, pred), "completeness": completeness,
          "candidates": result.candidate_pairs, "within_file_pairs": within,
          "ganda": f1(truth, pairs.filter(pl.col("decision") == "ganda").select(
              a="_rid_a", b="_rid_b"))["f1"]}}
"""
    )
    return run_child(code)


def _splink(name: str) -> dict:
    code = (
        _SCORE
        + f"""
import sys, time
sys.path.insert(0, {str(HERE)!r})
import febrl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
frames = febrl.raw_frames({name!r})
offset = 0
inputs = []
entity, source = [], []
for k, f in enumerate(frames):
    f = f.with_columns(pl.int_range(offset, offset + f.height).alias("unique_id"))
    offset += f.height
    entity += f["rec_id"].str.extract(r"rec-(\\d+)", 1).cast(pl.Int64).to_list()
    source += [k] * f.height
    inputs.append(f.drop("rec_id").to_arrow())
truth = truth_pairs(entity, source)
start = time.perf_counter()
db_api = DuckDBAPI()
if {name!r} == "febrl3":
    # the Splink FEBRL3 demo's settings
    blocking = [block_on("soc_sec_id"), block_on("given_name"), block_on("surname"),
                block_on("date_of_birth"), block_on("postcode")]
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    deterministic = [
        block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    recall, em_rules = 0.9, [block_on("date_of_birth"), block_on("postcode")]
else:
    # the Splink FEBRL4 demo's detailed model
    blocking = [block_on("given_name", "surname"),
                "l.given_name = r.surname and l.surname = r.given_name",
                block_on("date_of_birth"), block_on("soc_sec_id"),
                block_on("state", "address_1"), block_on("street_number", "address_1"),
                block_on("postcode")]
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ],
    )
    deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    recall, em_rules = 0.8, [block_on("date_of_birth"), block_on("postcode")]
linker = Linker([db_api.register(f) for f in inputs], settings, log_level=30)
linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
for rule in em_rules:
    linker.training.estimate_parameters_using_expectation_maximisation(
        rule, estimate_without_term_frequencies=True)
pred = linker.inference.predict(threshold_match_probability=0.01)
scored = pl.from_arrow(pred.as_duckdbpyrelation().arrow()).select(
    a=pl.col("unique_id_l"), b=pl.col("unique_id_r"), p=pl.col("match_probability"))
elapsed = time.perf_counter() - start
at_half = f1(truth, scored.filter(pl.col("p") >= 0.5).select("a", "b"))
RESULT = {{"time_s": elapsed, **at_half, "best": best_threshold(truth, scored)}}
"""
    )
    return run_child(code)


def _recordlinkage(name: str) -> dict:
    code = (
        _SCORE
        + f"""
import sys, time
sys.path.insert(0, {str(HERE)!r})
import febrl
import recordlinkage as rl
frames = [f.to_pandas() for f in febrl.raw_frames({name!r})]
entity = []
source = []
for k, f in enumerate(frames):
    entity += f["rec_id"].str.extract(r"rec-(\\d+)")[0].astype(int).tolist()
    source += [k] * len(f)
truth = truth_pairs(entity, source)
start = time.perf_counter()
indexer = rl.Index()
for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):
    indexer.block(column)
candidates = indexer.index(*frames)
compare = rl.Compare()
compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
compare.exact("date_of_birth", "date_of_birth")
compare.exact("suburb", "suburb")
compare.exact("state", "state")
compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
compare.exact("street_number", "street_number")
compare.exact("postcode", "postcode")
compare.exact("soc_sec_id", "soc_sec_id")
features = compare.compute(candidates, *frames)
links = rl.ECMClassifier(binarize=None).fit_predict(features)
elapsed = time.perf_counter() - start
a = links.get_level_values(0).to_numpy()
b = links.get_level_values(1).to_numpy()
if len(frames) > 1:
    b = b + len(frames[0])
pred = pl.DataFrame({{"a": a.astype("int64"), "b": b.astype("int64")}})
RESULT = {{"time_s": elapsed, **f1(truth, pred), "candidates": len(candidates)}}
"""
    )
    return run_child(code)


def run() -> dict[str, dict[str, dict]]:
    """Every system on every set: ``{set: {"bansos": ..., "splink": ..., ...}}``."""
    lists = febrl.write_lists(HERE.parent / ".bench" / "febrl")
    out: dict[str, dict[str, dict]] = {}
    for name in SETS:
        print(f"  {name}: bansos, Splink 5, recordlinkage", flush=True)
        out[name] = {"bansos": _ours(name, lists[name])}
        for system, runner in (("splink", _splink), ("recordlinkage", _recordlinkage)):
            try:
                out[name][system] = runner(name)
            except RuntimeError as exc:
                out[name][system] = {"error": str(exc).strip().splitlines()[-1][:200]}
    return out
