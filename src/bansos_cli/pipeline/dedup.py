"""``dedup``: read one or many lists, find duplicate people and families, write the outputs.

read inputs -> :func:`bansos_cli.dedup.dedup_frame` -> ``pairs.parquet``,
``clusters.parquet``, ``summary.json`` and two sheets in ``report.xlsx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from bansos_cli.core.columns import ROW, SHEET, SOURCE
from bansos_cli.core.privacy import mask_id_expr
from bansos_cli.dedup import DedupConfig, DedupResult, ProgressCallback, dedup_frame, load_config
from bansos_cli.dedup.fields import RID, resolve_column
from bansos_cli.ingest import ReadOptions, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.report import ReportSheet, write_report


@dataclass
class DedupRun:
    """What ``bansos dedup`` computed and wrote."""

    result: DedupResult
    sources: list[str]
    outputs: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The content of ``summary.json`` (no personal data)."""
        return {
            "sources": self.sources,
            **self.result.summary(),
            "outputs": [str(p) for p in self.outputs],
        }


def identity_frame(frame: pl.DataFrame, config: DedupConfig, mask_ids: bool) -> pl.DataFrame:
    """``_rid`` plus NIK, name and birth date as written (NIK masked when asked)."""
    exprs: list[pl.Expr] = [pl.int_range(pl.len(), dtype=pl.UInt32).alias(RID)]
    for label, wanted in (
        ("nik", config.fields.nik),
        ("nama", config.fields.nama),
        ("tanggal_lahir", config.fields.tanggal_lahir),
        ("no_kk", config.fields.no_kk),
    ):
        column = resolve_column(frame, wanted)
        value = pl.col(column).cast(pl.String) if column else pl.lit(None, pl.String)
        if mask_ids and label in ("nik", "no_kk"):
            value = mask_id_expr(value)
        exprs.append(value.alias(label))
    return frame.select(exprs)


_TEXT = {
    "id": {
        "pairs": "Data ganda",
        "pairs_title": "Pasangan baris yang diduga ganda, dengan alasan (kelas, skor, kecocokan)",
        "groups": "Kelompok ganda",
        "groups_title": "Baris per kelompok orang yang sama; 'simpan' = usulan baris dipertahankan",
        "rows": "Baris data",
        "pairs_n": "Pasangan dilaporkan",
        "groups_n": "Kelompok ganda",
        "extra": "Baris berlebih (ditinjau)",
    },
    "en": {
        "pairs": "Duplicates",
        "pairs_title": "Pairs of rows suspected to be duplicates, with reasons",
        "groups": "Duplicate groups",
        "groups_title": "Rows per group of the same person; 'simpan' = suggested row to keep",
        "rows": "Data rows",
        "pairs_n": "Pairs reported",
        "groups_n": "Duplicate groups",
        "extra": "Surplus rows (to review)",
    },
}


def report_sheets(
    result: DedupResult, identity: pl.DataFrame, lang: str = "id"
) -> list[ReportSheet]:
    """The duplicate pairs and the duplicate groups as report sheets."""
    text = _TEXT.get(lang, _TEXT["id"])
    a = identity.rename({c: f"{c}_a" for c in identity.columns if c != RID}).rename({RID: "rid_a"})
    b = identity.rename({c: f"{c}_b" for c in identity.columns if c != RID}).rename({RID: "rid_b"})
    pairs = (
        result.pairs.join(a, on="rid_a", how="left")
        .join(b, on="rid_b", how="left")
        .select(
            "kelas",
            "keputusan",
            "skor",
            "sumber_a",
            "baris_a",
            "nik_a",
            "nama_a",
            "tanggal_lahir_a",
            "no_kk_a",
            "sumber_b",
            "baris_b",
            "nik_b",
            "nama_b",
            "tanggal_lahir_b",
            "no_kk_b",
            "cocok_nik",
            "cocok_nama",
            "cocok_tanggal_lahir",
            "cocok_jenis_kelamin",
            "cocok_nama_ibu",
            "cocok_wilayah",
            "keluarga_cocok",
        )  # fmt: skip
    )
    groups = (
        result.clusters.filter(pl.col("cluster_size") > 1)
        .join(identity, on=RID, how="left")
        .select(
            pl.col("cluster_id").alias("kelompok"),
            pl.col("cluster_size").alias("jumlah"),
            "simpan",
            "perlu_tinjau",
            pl.col(SOURCE).alias("sumber"),
            pl.col(SHEET).alias("sheet"),
            pl.col(ROW).alias("baris"),
            "nik",
            "nama",
            "tanggal_lahir",
            "no_kk",
        )
        .sort("kelompok", "baris")
    )
    return [
        ReportSheet(text["pairs"], pairs, title=text["pairs_title"]),
        ReportSheet(text["groups"], groups, title=text["groups_title"]),
    ]


def run_dedup(
    paths: Sequence[str | Path],
    *,
    config: DedupConfig | str | Path | None = None,
    out_dir: str | Path | None = None,
    read_options: ReadOptions | None = None,
    lang: str = "id",
    mask: bool = False,
    formats: Sequence[str] = ("parquet",),
    progress: ProgressCallback | None = None,
) -> DedupRun:
    """Read the inputs together, find duplicates across and within them, write the outputs.

    The config is validated before any file is read. With ``out_dir``: ``pairs`` and
    ``clusters`` tables (Parquet and/or CSV), ``summary.json`` and ``report.xlsx``.
    """
    settings = config if isinstance(config, DedupConfig) else load_config(config)
    ingest = read_inputs(paths, read_options)
    result = dedup_frame(ingest.frame, settings, progress=progress)
    run = DedupRun(result, sorted({s.path for s in ingest.sources}))
    if out_dir is not None:
        out = Path(out_dir)
        written = write_table(result.pairs, out / "pairs", formats)
        written += write_table(result.clusters, out / "clusters", formats)
        identity = identity_frame(ingest.frame, settings, mask)
        groups = result.group_stats()
        text = _TEXT.get(lang, _TEXT["id"])
        summary = [
            (text["rows"], result.rows),
            (text["pairs_n"], result.pairs.height),
            *[(k, v) for k, v in result.class_counts().items()],
            (text["groups_n"], groups["groups"]),
            (text["extra"], groups["rows_to_review"]),
        ]
        written.append(
            write_report(out / "report.xlsx", report_sheets(result, identity, lang), summary)
        )
        run.outputs = [*written, out / "summary.json"]
        write_json(run.to_dict(), out / "summary.json")
    return run
