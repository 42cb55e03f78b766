"""A decree list (SK) and the disbursement report made from it, with the truth of the pair.

The report lists most payees of the decree, but some are missing (not paid), some are extra
(paid but not in the decree), some amounts differ and some names are spelled differently;
the bank's file also has a few Excel-damaged NIKs. The truth has one row per payee of either
file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bansos_cli.core.errors import OptionError
from bansos_cli.sample import damage
from bansos_cli.sample.generate import MAX_ROWS, REFERENCE_DATE
from bansos_cli.sample.layouts import SheetSpec
from bansos_cli.sample.people import make_population
from bansos_cli.sample.records import NAME_KINDS
from bansos_cli.sample.region import resolve_region
from bansos_cli.sample.writers import _suffix, write_frame, write_truth, write_workbook

DECREE_HEADERS = (
    "NO",
    "NIK",
    "NO KK",
    "NAMA PENERIMA",
    "ALAMAT",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "NOMINAL",
)
DISBURSEMENT_HEADERS = (
    "NO",
    "NIK KPM",
    "NAMA KPM",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "PERIODE",
    "JUMLAH DITERIMA",
    "TGL TRANSAKSI",
    "STATUS TRANSAKSI",
)

RECON_TRUTH_SCHEMA = {
    "person_id": pl.Int64,
    "nik": pl.String,
    "nama": pl.String,
    "status": pl.String,
    "decree_row": pl.Int64,
    "disbursement_row": pl.Int64,
    "decree_amount": pl.Int64,
    "paid_amount": pl.Int64,
    "problems": pl.List(pl.String),
}


@dataclass
class ReconciliationPair:
    """A decree list, its disbursement report and the truth of the pair.

    ``truth``: one row per payee; ``status`` is ``paid`` (in both), ``missing`` (decree
    only) or ``extra`` (report only); ``decree_row``/``disbursement_row`` are Excel rows of
    the xlsx files (null where absent); ``problems`` holds ``payee_missing``, ``payee_extra``,
    ``amount_changed``, ``name_*`` variant codes and ``nik_excel_truncated`` (report side).
    """

    decree: SheetSpec
    disbursement: SheetSpec
    truth: pl.DataFrame
    seed: int


def generate_reconciliation_pair(
    rows: int,
    seed: int,
    *,
    region: str | None = None,
    missing_rate: float = 0.05,
    extra_rate: float = 0.02,
    amount_change_rate: float = 0.03,
    name_variant_rate: float = 0.06,
    nik_damage_rate: float = 0.02,
    amount: int = 600_000,
    periode: str = "TAHAP 2 2025",
    reference_date: dt.date = REFERENCE_DATE,
) -> ReconciliationPair:
    """A decree of ``rows`` payees (family heads) and the report of its disbursement."""
    if not 1 <= rows <= MAX_ROWS:
        raise OptionError.of("SAMPLE_ROWS_RANGE", maximum=MAX_ROWS, rows=rows)
    for name, value in (
        ("missing_rate", missing_rate),
        ("extra_rate", extra_rate),
        ("amount_change_rate", amount_change_rate),
        ("name_variant_rate", name_variant_rate),
        ("nik_damage_rate", nik_damage_rate),
    ):
        if not 0.0 <= value <= 0.5:
            raise OptionError.of("SAMPLE_RATE_RANGE", name=name, maximum=0.5, value=value)
    rng = np.random.default_rng(seed)
    where = resolve_region(region)
    n_extra = int(round(rows * extra_rate))
    pop = make_population(rng, (rows + n_extra) * 4 + 40, where, reference_date)
    heads = pop.filter(pl.col("shdk") == 1).head(rows + n_extra)
    heads = heads.with_columns(
        damage.nik_text(heads["nik_int"].to_numpy()).alias("nik"),
        damage.nik_text(heads["kk_int"].to_numpy()).alias("no_kk"),
    )
    decree = heads.head(rows).sort("kode_desa", "nama", "person_id")
    extra = heads.slice(rows)
    n = decree.height

    def pick(rate: float, pool: np.ndarray) -> np.ndarray:
        k = min(int(round(n * rate)), pool.size)
        return np.sort(rng.choice(pool, k, replace=False)) if k else np.array([], dtype=int)

    everyone = np.arange(n)
    missing = pick(missing_rate, everyone)
    paid_pool = np.setdiff1d(everyone, missing)
    changed = pick(amount_change_rate, paid_pool)
    variant = pick(name_variant_rate, paid_pool)
    nik_bad = pick(nik_damage_rate, paid_pool)

    paid_amount = np.full(n, amount, dtype=np.int64)
    paid_amount[changed] = rng.choice([amount // 2, amount * 2, amount - 200_000], changed.size)
    names = decree["nama"]
    kinds = rng.choice(NAME_KINDS, variant.size)
    problems: dict[str, np.ndarray] = {
        code: np.zeros(n + extra.height, dtype=bool)
        for code in (
            "payee_missing",
            "payee_extra",
            "amount_changed",
            *NAME_KINDS,
            "nik_excel_truncated",
        )
    }
    paid_names = names.clone()
    for kind in NAME_KINDS:
        sel = variant[kinds == kind]
        if sel.size:
            new = damage.name_variant(
                kind,
                rng,
                names.gather(sel),
                decree["female"].to_numpy()[sel],
                decree["ayah"].gather(sel),
            )
            ok = (new != names.gather(sel)).to_numpy()
            paid_names = paid_names.scatter(sel[ok], new.filter(pl.Series(ok)))
            problems[kind][sel[ok]] = True
    problems["payee_missing"][missing] = True
    problems["amount_changed"][changed] = True
    problems["payee_extra"][n:] = True
    nik_num = np.zeros(n + extra.height, dtype=bool)
    nik_num[nik_bad] = True
    problems["nik_excel_truncated"][nik_bad] = True

    paid = np.setdiff1d(everyone, missing)
    report = pl.concat(
        [
            decree.select("person_id", "nik_int", "desa", "kecamatan", "kode_desa").with_columns(
                pl.Series("nama_kpm", paid_names),
                pl.Series("jumlah", paid_amount),
                pl.Series("nik_num", nik_num[:n]),
            )[paid],
            extra.select("person_id", "nik_int", "desa", "kecamatan", "kode_desa").with_columns(
                extra["nama"].alias("nama_kpm"),
                pl.lit(amount, dtype=pl.Int64).alias("jumlah"),
                pl.lit(False).alias("nik_num"),
            ),
        ]
    )
    # The bank sorts by village, then in its own order.
    report = (
        report.with_columns(pl.Series("k", rng.random(report.height)))
        .sort("kode_desa", "k")
        .drop("k")
    )
    nik_report = report["nik_int"].to_numpy()
    nik_shown = pl.Series(np.where(report["nik_num"].to_numpy(), nik_report // 10 * 10, nik_report))
    start = (reference_date - dt.date(1970, 1, 1)).days
    tgl = (
        pl.Series(rng.integers(start - 40, start - 10, report.height).astype(np.int32))
        .cast(pl.Date)
        .dt.strftime("%d/%m/%Y")
    )
    report_frame = pl.DataFrame(
        {
            "NO": (pl.int_range(report.height, eager=True) + 1).cast(pl.String),
            "NIK KPM": damage.nik_text(nik_shown.to_numpy()),
            "NAMA KPM": report["nama_kpm"],
            "DESA/KELURAHAN": report["desa"],
            "KECAMATAN": report["kecamatan"],
            "PERIODE": pl.Series([periode] * report.height, dtype=pl.String),
            "JUMLAH DITERIMA": report["jumlah"].cast(pl.String),
            "TGL TRANSAKSI": tgl,
            "STATUS TRANSAKSI": pl.Series(["BERHASIL"] * report.height, dtype=pl.String),
        }
    )
    decree_frame = pl.DataFrame(
        {
            "NO": (pl.int_range(n, eager=True) + 1).cast(pl.String),
            "NIK": decree["nik"],
            "NO KK": decree["no_kk"],
            "NAMA PENERIMA": decree["nama"],
            "ALAMAT": decree["alamat"],
            "DESA/KELURAHAN": decree["desa"],
            "KECAMATAN": decree["kecamatan"],
            "NOMINAL": pl.Series([str(amount)] * n, dtype=pl.String),
        }
    )
    kab = str(where.villages["kabupaten"][0])
    regent = "WALI KOTA" if kab.startswith("KOTA") else "BUPATI"
    decree_sheet = SheetSpec(
        "LAMPIRAN SK",
        decree_frame,
        title_rows=[
            f"LAMPIRAN KEPUTUSAN {regent} {kab.replace('KABUPATEN ', '')}",
            f"NOMOR 400.9/{int(rng.integers(100, 999))}/KPTS/DINSOS/{reference_date.year}",
            f"DAFTAR KELUARGA PENERIMA MANFAAT {periode}",
        ],
        number_columns=("NO", "NOMINAL"),
    )
    report_sheet = SheetSpec(
        "LAPORAN",
        report_frame,
        title_rows=[f"LAPORAN REALISASI PENYALURAN BANTUAN SOSIAL {periode}"],
        number_cells={"NIK KPM": report["nik_num"].to_numpy()},
        number_columns=("NO", "JUMLAH DITERIMA"),
    )
    decree_rows = decree_sheet.excel_rows()
    report_rows = pl.DataFrame(
        {"person_id": report["person_id"], "disbursement_row": report_sheet.excel_rows()}
    )
    codes = [c for c in problems if problems[c].any()]
    prob = pl.DataFrame({c: problems[c] for c in codes}) if codes else pl.DataFrame()
    problem_list = (
        prob.select(
            pl.concat_list([pl.when(pl.col(c)).then(pl.lit(c)) for c in codes])
            .list.drop_nulls()
            .alias("problems")
        )["problems"]
        if codes
        else pl.Series("problems", [[]] * (n + extra.height), dtype=pl.List(pl.String))
    )
    both = pl.concat([decree, extra], how="vertical")
    status = np.where(
        problems["payee_extra"], "extra", np.where(problems["payee_missing"], "missing", "paid")
    )
    truth = (
        pl.DataFrame(
            {
                "person_id": both["person_id"],
                "nik": both["nik"],
                "nama": both["nama"],
                "status": status,
                "decree_row": np.r_[decree_rows, np.full(extra.height, -1)],
                "decree_amount": np.r_[np.full(n, amount), np.full(extra.height, -1)],
                "problems": problem_list,
            }
        )
        .join(report_rows, on="person_id", how="left")
        .join(
            report.select("person_id", pl.col("jumlah").alias("paid_amount")),
            on="person_id",
            how="left",
        )
        .with_columns(
            pl.when(pl.col("decree_row") >= 0).then("decree_row").alias("decree_row"),
            pl.when(pl.col("decree_amount") >= 0).then("decree_amount").alias("decree_amount"),
        )
        .select(list(RECON_TRUTH_SCHEMA))
    )
    return ReconciliationPair(decree_sheet, report_sheet, truth.cast(RECON_TRUTH_SCHEMA), seed)  # type: ignore[arg-type]


def write_reconciliation_pair(
    pair: ReconciliationPair,
    decree_path: str | Path,
    disbursement_path: str | Path,
    truth_path: str | Path | None = None,
) -> list[Path]:
    """Write both lists (.xlsx laid out with titles, or plain .csv/.parquet) and the truth.

    The truth's row columns are the rows of the files actually written.
    """
    paths = [Path(decree_path), Path(disbursement_path)]
    rows = []
    for spec, path in zip((pair.decree, pair.disbursement), paths, strict=True):
        if _suffix(path) == ".xlsx":
            write_workbook(path, [spec])
            rows.append(spec.excel_rows())
        else:
            write_frame(spec.frame, path)
            rows.append(np.arange(spec.frame.height, dtype=np.int64) + 2)
    if truth_path is not None:
        truth = pair.truth
        for col, spec, new in (
            ("decree_row", pair.decree, rows[0]),
            ("disbursement_row", pair.disbursement, rows[1]),
        ):
            truth = truth.with_columns(
                pl.col(col).replace_strict(
                    spec.excel_rows(), new, default=None, return_dtype=pl.Int64
                )
            )
        paths.append(write_truth(truth, Path(truth_path)))
    return paths
