"""Every table every command writes matches its declaration in core.vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from bansos_cli.cli import app
from bansos_cli.core import vocabulary as V

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
AS_OF = "2025-07-01"

# command line (without --out) -> the tables it writes
COMMANDS: dict[str, tuple[list[str], tuple[V.Table, ...]]] = {
    "validate": (
        ["validate", str(SAMPLE / "siks_ng_export.xlsx"), "--as-of", AS_OF],
        V.TABLES["validate"],
    ),
    "dedup": (
        ["dedup", str(SAMPLE / "siks_ng_export.xlsx"), str(SAMPLE / "blt_dd_desa.xlsx")],
        V.TABLES["dedup"],
    ),
    "check": (
        ["check", str(SAMPLE / "siks_ng_export.xlsx"), "--as-of", AS_OF],
        V.TABLES["check"],
    ),
    "reconcile": (
        ["reconcile", str(SAMPLE / "sk_penerima.xlsx"), str(SAMPLE / "laporan_penyaluran.xlsx")],
        V.TABLES["reconcile"],
    ),
    "run": (
        [
            "run",
            str(SAMPLE / "siks_ng_export.xlsx"),
            str(SAMPLE / "daftar_keluarga.xlsx"),
            "--as-of",
            AS_OF,
        ],
        V.TABLES["run"],
    ),  # fmt: skip
    "pseudonymise": (
        ["pseudonymise", str(SAMPLE / "blt_dd_desa.xlsx")],
        V.TABLES["pseudonymise"],
    ),
}


@pytest.fixture(scope="module", params=sorted(COMMANDS))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    args, tables = COMMANDS[name]
    out = tmp_path_factory.mktemp(name)
    env = {"BANSOS_PSEUDONYM_KEY": "k" * 32}  # pseudonymise's key
    result = CliRunner().invoke(
        app, [*args, "--out", str(out), "--format", "both", "--quiet"], env=env
    )
    assert result.exit_code in (0, 1), result.output
    return name, out, tables


def test_every_table_matches_its_declaration(written) -> None:
    name, out, tables = written
    for table in tables:
        parquet = out / f"{table.name}.parquet"
        assert parquet.is_file(), f"{name} did not write {parquet.name}"
        schema = {k: str(v) for k, v in pl.read_parquet_schema(parquet).items()}
        assert table.problems(schema) == []
        header = pl.read_csv(out / f"{table.name}.csv", n_rows=0, infer_schema=False).columns
        assert table.problems(dict.fromkeys(header, ""), dtypes=False) == []


def test_no_other_table_is_written(written) -> None:
    name, out, tables = written
    stems = {p.stem for p in out.iterdir() if p.suffix in (".parquet", ".csv")}
    assert stems == {t.name for t in tables}, name


def test_summary_names_its_outputs_with_one_spelling(written) -> None:
    """The JSON summary never spells the row key another way (sumber, baris, kiri_, _row)."""
    _, out, _ = written
    text = (out / "summary.json").read_text(encoding="utf-8")
    keys: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            keys.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(text))
    old = {"_row", "_source", "_sheet", "baris", "sumber", "berkas", "rp_kiri", "rp_kanan"}
    assert not keys & old
    assert not [k for k in keys if k.startswith(("kiri_", "kanan_"))]


def test_internal_columns_are_never_written(written) -> None:
    _, out, tables = written
    for table in tables:
        columns = pl.read_parquet_schema(out / f"{table.name}.parquet")
        assert not [c for c in columns if V.is_internal(c)]


def test_reserved_names_are_never_canonical_names() -> None:
    """An input column can collide with a bansos column only as a pass-through column."""
    from bansos_cli.core.columns import CANONICAL_COLUMNS

    assert not [c for c in CANONICAL_COLUMNS if V.is_reserved(c)]


@pytest.mark.parametrize(
    "header", ["STATUS", "Status", "SHEET", "ROW", "SOURCE", "CLUSTER ID", "ELIGIBILITY PKH"]
)
def test_an_input_column_named_like_a_bansos_column_is_kept(tmp_path: Path, header: str) -> None:
    src = tmp_path / "siak.csv"
    src.write_text(f"NIK,NAMA,{header}\n3201010101800001,SITI AMINAH,Hidup\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["validate", str(src), "--out", str(out), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    records = pl.read_parquet(out / "records.parquet")
    kept = V.RECORDS.problems({k: str(v) for k, v in records.schema.items()})
    assert kept == []
    name = [c for c in records.columns if c.endswith("_2")]
    assert len(name) == 1 and records.get_column(name[0]).to_list() == ["Hidup"]
    assert records.get_column("row").to_list() == [2]


def test_docs_outputs_is_generated_from_the_declarations() -> None:
    """docs/outputs.md holds V.markdown() between its markers (make docs-outputs)."""
    text = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    start = "<!-- generated: python -m bansos_cli.core.vocabulary -->\n"
    generated = text[text.index(start) + len(start) : text.index("<!-- end generated -->")]
    assert generated == V.markdown(), "run: make docs-outputs"
