"""The streaming engine of ``validate``: the in-memory engine's outputs, row for row, in
memory bounded by a batch of rows."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bansos_cli.core.errors import OptionError
from bansos_cli.core.vocabulary import ROW_KEY
from bansos_cli.pipeline import engines
from bansos_cli.pipeline.validate import run_validate
from conftest import invoke_assert_code

AS_OF = dt.date(2026, 1, 15)
BATCH = 7_000
COUNTS = ("rows", "by_status", "by_severity", "by_code", "by_area", "area_columns", "empty_rows")


def _damaged(path: Path, out: Path, *, seed: int) -> Path:
    """``path`` (a generated SIKS-NG CSV) with blank rows and month-first dates added."""
    frame = pl.read_csv(path, infer_schema=False).with_row_index("_i")
    date = pl.col("TANGGAL LAHIR")
    day = date.str.slice(0, 2)
    # a month-first date (day above 12 in second place) on a few rows: a swapped date,
    # which makes every day/month-reversible date of the file ambiguous
    swap = (pl.col("_i") % 997 == 5) & (day.cast(pl.Int32, strict=False) > 12)
    frame = frame.with_columns(
        pl.when(swap)
        .then(pl.concat_str([date.str.slice(3, 2), pl.lit("-"), day, date.str.slice(5)]))
        .otherwise(date)
        .alias("TANGGAL LAHIR")
    )
    blank = (
        frame.filter(pl.col("_i") % 613 == seed)
        .select(pl.col("_i"), *[pl.lit(None, pl.String).alias(c) for c in frame.columns[1:]])
        .with_columns(pl.col("_i").cast(pl.Float64) + 0.5)
    )
    both = pl.concat([frame.with_columns(pl.col("_i").cast(pl.Float64)), blank])
    both.sort("_i").drop("_i").write_csv(out)
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    base = tmp_path_factory.mktemp("streaming")
    made = []
    for rows, seed, name in ((50_000, 11, "kab_a.csv"), (8_000, 12, "kab_b.csv")):
        invoke_assert_code(
            ["sample", "--out", str(base), "--name", "raw_" + name, "--rows", str(rows),
             "--seed", str(seed), "--layout", "siks_ng", "--quiet"],
            0,
        )  # fmt: skip
        made.append(_damaged(base / ("raw_" + name), base / name, seed=seed % 7))
    return made


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    return {
        name: pl.read_parquet(out / f"{name}.parquet").sort(list(ROW_KEY), maintain_order=True)
        for name in ("records", "valid", "findings")
    }


@pytest.mark.parametrize("lang, mask", [("id", False), ("en", True)])
def test_streaming_gives_the_in_memory_outputs_row_for_row(
    inputs: list[Path], tmp_path: Path, lang: str, mask: bool
) -> None:
    formats = ("parquet", "csv") if mask else ("parquet",)
    common = {"as_of": AS_OF, "lang": lang, "mask": mask, "report": False, "formats": formats}
    memory = run_validate(inputs, out_dir=tmp_path / "polars", engine="polars", **common)
    streamed = run_validate(
        inputs, out_dir=tmp_path / "streaming", engine="streaming", batch_rows=BATCH, **common
    )
    assert streamed.engine is not None and streamed.engine.name == "streaming"
    want, got = _tables(tmp_path / "polars"), _tables(tmp_path / "streaming")
    for name in want:
        assert_frame_equal(got[name], want[name])
    for key in COUNTS:
        assert streamed.summary[key] == memory.summary[key], key  # type: ignore[literal-required]
    if "csv" in formats:  # appended batch by batch, the same bytes
        for name in want:
            csv = f"{name}.csv"
            assert (tmp_path / "streaming" / csv).read_bytes() == (
                tmp_path / "polars" / csv
            ).read_bytes()
    # the input exercises what looks across rows and batches: repeated NIKs (their rows
    # listed across batches and files), ambiguous dates, blank rows
    codes = memory.summary["by_code"]
    assert codes["NIK_GANDA"]["count"] > 1_000
    assert codes["TGL_LAHIR_TERTUKAR"]["count"] > 0 and codes["TGL_LAHIR_AMBIGU"]["count"] > 0
    assert memory.summary["empty_rows"] > 50
    assert memory.summary["rows"] > 7 * BATCH
    findings = want["findings"]
    assert findings.filter(pl.col("message").str.contains("kab_b.csv:")).height > 0


def _peak_kib(path: Path, out: Path, engine: str) -> int:
    """Peak resident memory of a fresh process validating ``path`` on ``engine``: its
    ``VmHWM`` (``ru_maxrss`` would start from this process's own peak, kept across exec)."""
    code = (
        "import datetime; from pathlib import Path; "
        "from bansos_cli.pipeline.validate import run_validate; "
        f"run_validate([{str(path)!r}], out_dir=Path({str(out)!r}), "
        f"as_of=datetime.date(2026, 1, 15), engine={engine!r}, batch_rows=10_000, "
        "report=False); "
        "print(next(line.split()[1] for line in open('/proc/self/status') "
        "if line.startswith('VmHWM:')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def test_streaming_memory_grows_far_less_than_the_input(inputs: list[Path], tmp_path: Path) -> None:
    """Four times the rows: the in-memory peak grows with them, the streaming peak barely
    (what it gains is mostly the memory-mapped file's pages, one byte a byte of CSV)."""
    big = tmp_path / "big.csv"
    pl.concat([pl.read_csv(inputs[0], infer_schema=False)] * 4).write_csv(big)
    small = _peak_kib(inputs[0], tmp_path / "small", "streaming")
    streamed = _peak_kib(big, tmp_path / "streaming", "streaming")
    in_memory = _peak_kib(big, tmp_path / "polars", "polars")
    assert streamed - small < 0.5 * (in_memory - small), (small, streamed, in_memory)


def test_a_file_with_a_totals_line_is_refused_and_nothing_lands(tmp_path: Path) -> None:
    lines = ["NIK,NAMA,NO KK"]
    lines += [f"32010115059{i:05d},ORANG {i},320101150590{i % 97:04d}" for i in range(1, 60)]
    lines.append("JUMLAH,59,")
    path = tmp_path / "daftar.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke_assert_code(
        ["validate", str(path), "--engine", "streaming", "--out", str(out), "--lang", "en"], 2
    )
    assert result.stderr.count("\n") == 1
    assert "--engine polars" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    # the in-memory engine reads it (the totals line is taken out)
    invoke_assert_code(["validate", str(path), "--engine", "polars", "--out", str(out)], 0)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_streaming_says_it_writes_no_report(inputs: list[Path], tmp_path: Path, lang: str) -> None:
    result = invoke_assert_code(
        ["validate", str(inputs[1]), "--engine", "streaming", "--out", str(tmp_path),
         "--lang", lang],
        1,
    )  # fmt: skip
    assert "(ENGINE_STREAMING_NO_REPORT)" in result.stderr
    assert not (tmp_path / "report.xlsx").exists()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["engine"]["name"] == "streaming"
    assert "report" not in summary["outputs"]


def test_streaming_needs_an_output_folder(inputs: list[Path]) -> None:
    with pytest.raises(OptionError) as bad:
        run_validate([inputs[1]], as_of=AS_OF, engine="streaming")
    assert bad.value.code == "STREAMING_NEEDS_OUT"


def test_auto_streams_a_text_input_that_does_not_fit_but_not_a_workbook(
    inputs: list[Path],
) -> None:
    need = engines.estimate_memory([inputs[0]])
    choice = engines.choose_engine("auto", "validate", [inputs[0]], memory=need)
    assert (choice.name, choice.notice.code) == ("streaming", "ENGINE_AUTO_STREAMING")
    book = Path(__file__).parents[1] / "sample_data" / "siks_ng_export.xlsx"
    need = engines.estimate_memory([book])
    choice = engines.choose_engine("auto", "validate", [book], memory=need)
    assert (choice.name, choice.notice.code) == ("polars", "ENGINE_AUTO_TOO_BIG")
