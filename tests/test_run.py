"""``bansos run``: the whole chain, its config file, batches and the Python API."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from bansos_cli import api as bansos_api
from bansos_cli.cli import app
from bansos_cli.core.errors import ConfigError
from bansos_cli.pipeline.config import STARTER, RunConfig, parse_run_config, run_config_schema
from conftest import invoke_assert_code
from ingest_builders import HEADER, ROWS, plain_xlsx, write_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "siks_ng_export.xlsx"
AS_OF = "2025-07-01"
runner = CliRunner()

TABLES = ("records", "findings", "pairs", "clusters", "eligibility")


def _rounded(value: object) -> object:
    """Floats to 9 significant digits: EM sums in parallel, so the last bits may differ."""
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _cli(*args: str) -> object:
    return runner.invoke(app, ["run", *args])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    out = tmp_path_factory.mktemp("run") / "out"
    result = _cli(str(SAMPLE), "--as-of", AS_OF, "--out", str(out), "--lang", "en")
    return result, out


def test_sample_run_pins_the_summary(sample_run: tuple[object, Path]) -> None:
    result, out = sample_run
    assert result.exit_code == 1, result.output  # the sample has error-level findings
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == AS_OF
    assert summary["rows"] == 3000 and summary["empty_rows"] == 4
    assert summary["validate"]["by_status"] == {"ok": 2684, "warning": 264, "error": 52}
    assert summary["failed_inputs"] == []
    programs = {p["id"]: p["counts"] for p in summary["check"]["programs"]}
    assert programs == {
        "blt_dd": {"LAYAK": 273, "TIDAK_LAYAK": 1828, "PERLU_VERIFIKASI": 899},
        "pbi_jk": {"LAYAK": 2021, "TIDAK_LAYAK": 922, "PERLU_VERIFIKASI": 57},
        "pkh": {"LAYAK": 1772, "TIDAK_LAYAK": 1192, "PERLU_VERIFIKASI": 36},
        "sembako": {"LAYAK": 1772, "TIDAK_LAYAK": 1192, "PERLU_VERIFIKASI": 36},
    }
    # Sembako and BLT-DD pay once per family (820 families in the sample), not per person
    money = {
        p["id"]: (p["families"], p["families_paid"], p["amount_month"])
        for p in summary["check"]["programs"]
    }
    assert money["sembako"] == (820, 516, 516 * 200_000)
    assert money["blt_dd"] == (820, 334, 334 * 300_000)
    per_file = summary["per_file"]
    assert [(f["path"], f["rows"], f["error"]) for f in per_file] == [
        ("siks_ng_export.xlsx", 3000, 52)
    ]
    groups = summary["dedup"]["groups"]
    assert groups["rows_in_groups"] == per_file[0]["rows_in_duplicate_groups"]
    assert summary["dedup"]["rows"] == 3000


def test_records_hold_status_group_and_eligibility_side_by_side(
    sample_run: tuple[object, Path],
) -> None:
    _, out = sample_run
    records = pl.read_parquet(out / "records.parquet")
    assert records.height == 3000
    assert records.select("source", "sheet", "row").is_unique().all()
    for column in (
        "status",
        "cluster_id",
        "cluster_size",
        "keep",
        "eligibility_pkh",
        "eligibility_sembako",
        "eligibility_pbi_jk",
        "eligibility_blt_dd",
    ):
        assert column in records.columns, column
    assert records.get_column("status").value_counts().sort("status").rows() == [
        ("error", 52),
        ("ok", 2684),
        ("warning", 264),
    ]
    # Every row is in exactly one duplicate group; a group of n rows keeps exactly one.
    kept = records.group_by("cluster_id").agg(pl.col("keep").sum())
    assert kept.get_column("keep").to_list() == [1] * kept.height
    for name in TABLES:
        assert (out / f"{name}.parquet").is_file()
    assert (out / "report.xlsx").is_file()


def test_terminal_summary_masks_niks(sample_run: tuple[object, Path]) -> None:
    result, out = sample_run
    niks = pl.read_parquet(out / "records.parquet").get_column("nik").drop_nulls()
    full = [n for n in niks.to_list() if len(n) == 16 and n.isdigit()]
    assert full and not any(n in result.output for n in full)
    assert "Per file" in result.output and "Eligibility" in result.output


def test_cli_and_python_api_give_identical_outputs(
    sample_run: tuple[object, Path], tmp_path: Path
) -> None:
    _, cli_out = sample_run
    config = RunConfig(lang="en")
    api = bansos_api.run(
        [SAMPLE], config, as_of=dt.date.fromisoformat(AS_OF), out_dir=tmp_path / "api"
    )
    assert api.exit_code == 1
    for name in TABLES:
        a = pl.read_parquet(cli_out / f"{name}.parquet")
        b = pl.read_parquet(tmp_path / "api" / f"{name}.parquet")
        assert a.equals(b), name
    cli_summary = json.loads((cli_out / "summary.json").read_text(encoding="utf-8"))
    for volatile in ("duration_s", "outputs"):
        cli_summary.pop(volatile)
        api.summary.pop(volatile)
    cli_summary["dedup"].pop("timings_s")
    api.summary["dedup"].pop("timings_s")
    assert _rounded(json.loads(json.dumps(api.summary, default=str))) == _rounded(cli_summary)


def test_batch_with_a_corrupt_file_keeps_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "kecamatan"
    folder.mkdir()
    write_csv(folder / "a_cibinong.csv", [HEADER, *ROWS[:2]])
    plain_xlsx(folder / "b_citeureup.xlsx", [HEADER, *ROWS[2:]])
    (folder / "c_rusak.xlsx").write_text("this is not a workbook")
    out = tmp_path / "out"
    result = _cli(str(folder), "--as-of", AS_OF, "--out", str(out), "--lang", "en")
    assert result.exit_code == 2
    assert "c_rusak.xlsx" in result.output and "not a valid Excel workbook" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in summary["per_file"]] == ["a_cibinong.csv", "b_citeureup.xlsx"]
    assert summary["rows"] == 4
    assert [Path(f["path"]).name for f in summary["failed_inputs"]] == ["c_rusak.xlsx"]
    assert pl.read_parquet(out / "records.parquet").height == 4

    strict_out = tmp_path / "strict"
    strict = _cli(str(folder), "--as-of", AS_OF, "--out", str(strict_out), "--strict")
    assert strict.exit_code == 2
    assert "c_rusak.xlsx" in strict.stderr and "Traceback" not in strict.output
    assert not strict_out.exists()


def test_config_file_is_discovered_and_options_override_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(SAMPLE, tmp_path / "export.xlsx")
    (tmp_path / "bansos.yaml").write_text(
        f"inputs: [export.xlsx]\nout: hasil\nstages:\n  dedup: false\nrules:\n  as_of: {AS_OF}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = _cli("--lang", "en", "--out", "elsewhere", "--skip", "check", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert f"Config: {tmp_path / 'bansos.yaml'}" in result.stdout
    out = tmp_path / "elsewhere"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == AS_OF
    assert "dedup" not in summary and "check" not in summary and "validate" in summary
    assert not (out / "pairs.parquet").exists() and not (tmp_path / "hasil").exists()


def test_unknown_config_keys_are_rejected_with_their_path(tmp_path: Path) -> None:
    config = tmp_path / "bansos.yaml"
    config.write_text("inputs: [a.xlsx]\nstages:\n  validat: true\ndedup:\n  treshold: 1\n")
    result = _cli("--config", str(config), "--lang", "en")
    assert result.exit_code == 2
    assert "stages.validat: unknown key" in result.stderr
    assert "dedup.treshold: unknown key" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_duplicate_keys_and_broken_yaml_in_config(tmp_path: Path) -> None:
    config = tmp_path / "bansos.yaml"
    config.write_text("out: a\nlang: id\nout: b\n")
    with pytest.raises(ConfigError, match="duplicate key 'out' at line 3"):
        from bansos_cli.pipeline.config import load_run_config

        load_run_config(config)
    config.write_text("inputs: [a.xlsx\n")
    result = _cli("--config", str(config), "--lang", "en")
    assert result.exit_code == 2 and "not valid YAML at line" in result.stderr


def test_init_writes_a_starter_config_that_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke_assert_code(["init"], 0).stdout == "Konfigurasi awal ditulis ke bansos.yaml\n"
    text = (tmp_path / "bansos.yaml").read_text(encoding="utf-8")
    assert text == STARTER
    parsed = parse_run_config(yaml.safe_load(text))
    assert [i.path for i in parsed.inputs] == ["."]  # every data file beside the config
    again = invoke_assert_code(["init", "--lang", "en"], 2)
    assert again.stderr == (
        "bansos: error: bansos.yaml: the file already exists (use --force to overwrite)\n"
    )
    assert invoke_assert_code(["init", "--force"], 0).stdout.startswith("Konfigurasi awal")


def test_init_then_run_works_in_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bansos init && bansos run` in a folder that holds one export: the starter runs."""
    shutil.copy(SAMPLE, tmp_path / "daftar_penerima.xlsx")
    monkeypatch.chdir(tmp_path)
    invoke_assert_code(["init"], 0)
    result = invoke_assert_code(["run", "--as-of", AS_OF, "--json"], 1)  # the sample has errors
    summary = json.loads(result.stdout)
    assert [f["path"] for f in summary["per_file"]] == ["daftar_penerima.xlsx"]
    assert summary["rows"] == 3000
    assert (tmp_path / "bansos-out" / "run" / "report.xlsx").is_file()


def test_config_paths_are_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bansos run --config other/dir/bansos.yaml`: inputs, mappings, rules and out are
    read relative to other/dir, not to the working directory."""
    folder = tmp_path / "other" / "dir"
    (folder / "data").mkdir(parents=True)
    write_csv(folder / "data" / "desa.csv", [["NO", "KODE WARGA", *HEADER[2:]], *ROWS])
    (folder / "map.yaml").write_text("KODE WARGA: nik\n", encoding="utf-8")
    shutil.copytree(ROOT / "rules", folder / "aturan")
    (folder / "bansos.yaml").write_text(
        "inputs:\n  - path: data/*.csv\n    mapping: map.yaml\nout: hasil\n"
        "rules:\n  files: [aturan/pkh.yaml]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    # exit 0: read with the mapping (without it the file has no NIK column: exit 2)
    result = invoke_assert_code(
        ["run", "--config", "other/dir/bansos.yaml", "--as-of", AS_OF, "--json"], 0
    )
    summary = json.loads(result.stdout)
    assert summary["rows"] == len(ROWS)
    assert [p["id"] for p in summary["check"]["programs"]] == ["pkh"]
    assert (folder / "hasil" / "summary.json").is_file()
    assert not (tmp_path / "hasil").exists() and not (tmp_path / "bansos-out").exists()


def test_config_json_schema() -> None:
    result = runner.invoke(app, ["init", "--schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == json.loads(json.dumps(run_config_schema()))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    assert {"inputs", "stages", "validate", "dedup", "rules", "reconcile"} <= set(
        schema["properties"]
    )


def test_run_with_reconciliation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _cli(
        str(ROOT / "sample_data" / "sk_penerima.xlsx"),
        "--reconcile-with", str(ROOT / "sample_data" / "laporan_penyaluran.xlsx"),
        "--skip", "dedup", "--skip", "check", "--as-of", AS_OF, "--out", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    categories = {k: v["rows"] for k, v in summary["reconcile"]["categories"].items()}
    assert categories["hanya_kiri"] > 0 and categories["hanya_kanan"] > 0
    assert set(summary["reconcile"]["total"]) == {"rp_left", "rp_right", "difference_rp"}
    frame = pl.read_parquet(out / "reconciliation.parquet")
    assert frame.filter(pl.col("category") == "hanya_kiri")["row_left"].null_count() == 0


def test_skip_rejects_unknown_stage() -> None:
    result = invoke_assert_code(["run", str(SAMPLE), "--skip", "dedupe"], 2)
    assert result.stderr == (
        "bansos: kesalahan: --skip 'dedupe' bukan tahap "
        "(pilih salah satu: validate, dedup, check, reconcile)\n"
    )


def test_python_api_functions_share_keyword_names(tmp_path: Path) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    kwargs = {"lang": "en", "mask": True, "formats": ("parquet",)}
    v = bansos_api.validate([SAMPLE], as_of=as_of, out_dir=tmp_path / "v", **kwargs)
    d = bansos_api.dedup([SAMPLE], out_dir=tmp_path / "d", **kwargs)
    c = bansos_api.check(
        [SAMPLE], rules=[ROOT / "rules"], as_of=as_of, out_dir=tmp_path / "c", **kwargs
    )
    assert v.summary["by_status"] == {"ok": 2684, "warning": 264, "error": 52}
    assert d.summary["rows"] == 3000 and (tmp_path / "d" / "pairs.parquet").is_file()
    assert c.summary["rows"] == 3000 and (tmp_path / "c" / "eligibility.parquet").is_file()
    masked = pl.read_parquet(tmp_path / "c" / "eligibility.parquet").get_column("nik")
    assert masked.drop_nulls().str.contains(r"^\d{16}$").sum() == 0
