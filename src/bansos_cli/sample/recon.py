"""A decree list (SK) and the disbursement report made from it, with the truth of the pair.

The report lists most payees of the decree, but some are missing (not paid), some are extra
(paid but not in the decree), some amounts differ and some names are spelled differently.
Planted on top, each with its own code in the truth's ``problems``:

- ``paid_twice``: a payee paid a second time (a second transfer of the full amount);
- ``paid_split``: a payee paid in two transfers that add up to the decreed amount;
- ``homonym``: an extra payee with the *same name and birth date* as an unpaid decree row, but
  another NIK and another village (a different person: no second piece of evidence);
- ``region_moved``: a payee whose village on the bank's report is another one (moved, or
  paid through another village) while the NIK is the same;
- ``nik_typo``: one digit of the NIK mistyped (or two adjacent digits swapped) on the report,
  never giving a NIK another payee has;
- ``nik_excel_truncated``: the report's NIK cell was a number and lost its last digit.

The truth has one row per payee of either file.
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
from bansos_cli.sample.writers import write_lists, write_truth

DECREE_HEADERS = (
    "NO",
    "NIK",
    "NO KK",
    "NAMA PENERIMA",
    "TGL LAHIR",
    "ALAMAT",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "NOMINAL",
)
DISBURSEMENT_HEADERS = (
    "NO",
    "NIK KPM",
    "NAMA KPM",
    "TGL LAHIR",
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
    "disbursement_rows": pl.List(pl.Int64),
    "decree_amount": pl.Int64,
    "paid_amount": pl.Int64,
    "homonym_of": pl.Int64,
    "problems": pl.List(pl.String),
}

PROBLEMS = (
    "payee_missing",
    "payee_extra",
    "amount_changed",
    *NAME_KINDS,
    "nik_excel_truncated",
    "nik_typo",
    "paid_twice",
    "paid_split",
    "homonym",
    "region_moved",
)
"""Every code of the truth's ``problems``."""


@dataclass
class ReconciliationPair:
    """A decree list, its disbursement report and the truth of the pair.

    ``truth``: one row per payee; ``status`` is ``paid`` (in both), ``missing`` (decree
    only) or ``extra`` (report only); ``decree_row`` is the payee's Excel row in the decree,
    ``disbursement_rows`` those of every transfer to them (``disbursement_row`` the first),
    null/empty where absent; ``paid_amount`` is the total of the transfers; ``homonym_of``
    names the unpaid decree payee a ``homonym`` shares name and birth date with;
    ``problems`` holds the codes of :data:`PROBLEMS`.
    """

    decree: SheetSpec
    disbursement: SheetSpec
    truth: pl.DataFrame
    seed: int


def _typo_niks(rng: np.random.Generator, niks: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """One digit replaced (or two adjacent digits swapped) in every NIK, never giving a NIK
    in ``taken`` nor a leading zero: a few draws per NIK, the last one kept as it is."""
    out = niks.copy()
    todo = np.ones(niks.size, dtype=bool)
    for _ in range(20):
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        swapped, ok = damage.transpose_digits(rng, niks[idx])
        typo = damage.typo_digit(rng, niks[idx])
        candidate = np.where(ok & (rng.random(idx.size) < 0.3), swapped, typo)
        good = (candidate >= 10**15) & ~np.isin(candidate, taken)
        out[idx[good]] = candidate[good]
        todo[idx[good]] = False
    return out


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
    nik_typo_rate: float = 0.01,
    double_payment_rate: float = 0.005,
    split_payment_rate: float = 0.005,
    homonym_rate: float = 0.0025,
    region_moved_rate: float = 0.01,
    amount: int = 600_000,
    periode: str = "TAHAP 2 2025",
    reference_date: dt.date = REFERENCE_DATE,
) -> ReconciliationPair:
    """A decree of ``rows`` payees (family heads) and the report of its disbursement.

    Rates are shares of the decree's payees; homonyms are drawn among the unpaid ones.
    """
    if not 1 <= rows <= MAX_ROWS:
        raise OptionError.of("SAMPLE_ROWS_RANGE", maximum=MAX_ROWS, rows=rows)
    rates = {
        "missing_rate": missing_rate,
        "extra_rate": extra_rate,
        "amount_change_rate": amount_change_rate,
        "name_variant_rate": name_variant_rate,
        "nik_damage_rate": nik_damage_rate,
        "nik_typo_rate": nik_typo_rate,
        "double_payment_rate": double_payment_rate,
        "split_payment_rate": split_payment_rate,
        "homonym_rate": homonym_rate,
        "region_moved_rate": region_moved_rate,
    }
    for name, value in rates.items():
        if not 0.0 <= value <= 0.5:
            raise OptionError.of("SAMPLE_RATE_RANGE", name=name, maximum=0.5, value=value)
    rng = np.random.default_rng(seed)
    where = resolve_region(region)
    n_extra = int(round(rows * extra_rate))
    n_homonym_max = min(int(round(rows * homonym_rate)), int(round(rows * missing_rate)))
    wanted = rows + n_extra + n_homonym_max
    pop = make_population(rng, wanted * 4 + 40, where, reference_date)
    heads = pop.filter(pl.col("shdk") == 1).head(wanted)
    heads = heads.with_columns(
        damage.nik_text(heads["nik_int"].to_numpy()).alias("nik"),
        damage.nik_text(heads["kk_int"].to_numpy()).alias("no_kk"),
    )
    decree = heads.head(rows).sort("kode_desa", "nama", "person_id")
    extra = heads.slice(rows, n_extra)
    n = decree.height

    def pick(rate: float, pool: np.ndarray) -> np.ndarray:
        k = min(int(round(n * rate)), pool.size)
        return np.sort(rng.choice(pool, k, replace=False)) if k else np.array([], dtype=int)

    everyone = np.arange(n)
    missing = pick(missing_rate, everyone)
    paid_pool = np.setdiff1d(everyone, missing)
    twice = pick(double_payment_rate, paid_pool)
    split = pick(split_payment_rate, np.setdiff1d(paid_pool, twice))
    once = np.setdiff1d(paid_pool, np.union1d(twice, split))
    changed = pick(amount_change_rate, once)
    variant = pick(name_variant_rate, paid_pool)
    nik_bad = pick(nik_damage_rate, once)
    typo = pick(nik_typo_rate, np.setdiff1d(once, nik_bad))
    moved = pick(region_moved_rate, once)
    homonym_of = pick(homonym_rate, missing)[:n_homonym_max]
    homonyms = heads.slice(rows + n_extra, homonym_of.size)

    problems = {code: np.zeros(n, dtype=bool) for code in PROBLEMS}
    problems["payee_missing"][missing] = True
    problems["amount_changed"][changed] = True
    problems["nik_excel_truncated"][nik_bad] = True
    problems["nik_typo"][typo] = True
    problems["paid_twice"][twice] = True
    problems["paid_split"][split] = True

    names = decree["nama"]
    paid_names = names.clone()
    kinds = rng.choice(NAME_KINDS, variant.size)
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

    paid_amount = np.full(n, amount, dtype=np.int64)
    paid_amount[changed] = rng.choice([amount // 2, amount * 2, amount - 200_000], changed.size)
    paid_amount[split] = amount // 2
    nik_int = decree["nik_int"].to_numpy()
    taken = heads["nik_int"].to_numpy()
    report_nik = nik_int.copy()
    report_nik[typo] = _typo_niks(rng, nik_int[typo], taken)
    # Another village of the region for the payees the bank lists elsewhere.
    villages = where.villages.select("kode_desa", "desa", "kecamatan")
    position = {code: i for i, code in enumerate(villages["kode_desa"].to_list())}
    desa, kecamatan = decree["desa"].clone(), decree["kecamatan"].clone()
    if villages.height < 2:  # a one-village region: nowhere else to be listed
        moved = np.array([], dtype=int)
    if moved.size:
        other = rng.integers(0, villages.height - 1, moved.size)
        at = np.array([position[c] for c in decree["kode_desa"].gather(moved).to_list()])
        other = np.where(other >= at, other + 1, other)  # never the payee's own village
        desa = desa.scatter(moved, villages["desa"].gather(other))
        kecamatan = kecamatan.scatter(moved, villages["kecamatan"].gather(other))
    problems["region_moved"][moved] = True

    def transfers(idx: np.ndarray, amounts: np.ndarray, shown_names: pl.Series) -> pl.DataFrame:
        picked = decree[idx]
        return pl.DataFrame(
            {
                "person_id": picked["person_id"],
                "nik_int": pl.Series(report_nik[idx], dtype=pl.Int64),
                "nama_kpm": shown_names.gather(idx),
                "tanggal_lahir": picked["tanggal_lahir"],
                "desa": desa.gather(idx),
                "kecamatan": kecamatan.gather(idx),
                "kode_desa": picked["kode_desa"],
                "jumlah": pl.Series(amounts, dtype=pl.Int64),
                "nik_num": pl.Series(problems["nik_excel_truncated"][idx]),
            }
        )

    second = np.concatenate([twice, split])
    second_amount = np.concatenate(
        [np.full(twice.size, amount), np.full(split.size, amount - amount // 2)]
    ).astype(np.int64)
    # the homonym: another person, given the unpaid payee's name and birth date, listed in
    # another village than the payee's
    home = homonyms.select("desa", "kecamatan", "kode_desa")
    if villages.height > 1 and homonym_of.size:
        own = decree["kode_desa"].gather(homonym_of).to_numpy()
        other = rng.integers(0, villages.height - 1, homonym_of.size)
        at = np.array([position[c] for c in own])
        home = villages.select("desa", "kecamatan", "kode_desa")[
            np.where(other >= at, other + 1, other)
        ]
    outsiders = pl.concat([extra, homonyms]).with_columns(
        pl.concat([extra["nama"], decree["nama"].gather(homonym_of)]).alias("nama_kpm"),
        pl.concat([extra["tanggal_lahir"], decree["tanggal_lahir"].gather(homonym_of)]).alias(
            "tanggal_lahir"
        ),
        *[pl.concat([extra[c], home[c]]).alias(c) for c in ("desa", "kecamatan", "kode_desa")],
        pl.lit(amount, dtype=pl.Int64).alias("jumlah"),
        pl.lit(False).alias("nik_num"),
    )
    report = pl.concat(
        [
            transfers(paid_pool, paid_amount[paid_pool], paid_names),
            transfers(second, second_amount, names),
            outsiders.select(
                "person_id",
                "nik_int",
                "nama_kpm",
                "tanggal_lahir",
                "desa",
                "kecamatan",
                "kode_desa",
                "jumlah",
                "nik_num",
            ),
        ]  # fmt: skip
    )
    # The bank sorts by village, then in its own order.
    report = (
        report.with_columns(pl.Series("k", rng.random(report.height)))
        .sort("kode_desa", "k")
        .drop("k")
    )
    nik_report = report["nik_int"].to_numpy()
    nik_shown = np.where(report["nik_num"].to_numpy(), nik_report // 10 * 10, nik_report)
    start = (reference_date - dt.date(1970, 1, 1)).days
    tgl = (
        pl.Series(rng.integers(start - 40, start - 10, report.height).astype(np.int32))
        .cast(pl.Date)
        .dt.strftime("%d/%m/%Y")
    )
    report_frame = pl.DataFrame(
        {
            "NO": (pl.int_range(report.height, eager=True) + 1).cast(pl.String),
            "NIK KPM": damage.nik_text(nik_shown),
            "NAMA KPM": report["nama_kpm"],
            "TGL LAHIR": report["tanggal_lahir"].dt.strftime("%d/%m/%Y"),
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
            "TGL LAHIR": decree["tanggal_lahir"].dt.strftime("%d-%m-%Y"),
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
    truth = _truth(
        decree, outsiders, n_extra, homonym_of, problems, decree_sheet, report, report_sheet,
        amount,
    )  # fmt: skip
    return ReconciliationPair(decree_sheet, report_sheet, truth, seed)


def _truth(
    decree: pl.DataFrame,
    outsiders: pl.DataFrame,
    n_extra: int,
    homonym_of: np.ndarray,
    problems: dict[str, np.ndarray],
    decree_sheet: SheetSpec,
    report: pl.DataFrame,
    report_sheet: SheetSpec,
    amount: int,
) -> pl.DataFrame:
    """One row per payee of either file (see :class:`ReconciliationPair`)."""
    n, n_out = decree.height, outsiders.height
    codes = {c: np.concatenate([problems[c], np.zeros(n_out, dtype=bool)]) for c in PROBLEMS}
    codes["payee_extra"][n:] = True
    codes["homonym"][n + n_extra :] = True
    used = [c for c in PROBLEMS if codes[c].any()]
    problem_list = (
        pl.DataFrame({c: codes[c] for c in used}).select(
            pl.concat_list([pl.when(pl.col(c)).then(pl.lit(c)) for c in used])
            .list.drop_nulls()
            .alias("problems")
        )["problems"]
        if used
        else pl.Series("problems", [[]] * (n + n_out), dtype=pl.List(pl.String))
    )
    paid = (
        report.with_columns(pl.Series("disbursement_row", report_sheet.excel_rows()))
        .group_by("person_id")
        .agg(
            pl.col("disbursement_row").sort().alias("disbursement_rows"),
            pl.col("jumlah").sum().alias("paid_amount"),
        )
        .with_columns(pl.col("disbursement_rows").list.first().alias("disbursement_row"))
    )
    homonym_ids = np.full(n + n_out, -1, dtype=np.int64)
    homonym_ids[n + n_extra :] = decree["person_id"].to_numpy()[homonym_of]
    status = np.where(
        codes["payee_extra"], "extra", np.where(codes["payee_missing"], "missing", "paid")
    )
    truth = (
        pl.DataFrame(
            {
                "person_id": pl.concat([decree["person_id"], outsiders["person_id"]]),
                "nik": pl.concat([decree["nik"], outsiders["nik"]]),
                "nama": pl.concat([decree["nama"], outsiders["nama_kpm"]]),
                "status": status,
                "decree_row": np.r_[decree_sheet.excel_rows(), np.full(n_out, -1)],
                "decree_amount": np.r_[np.full(n, amount), np.full(n_out, -1)],
                "homonym_of": homonym_ids,
                "problems": problem_list,
            }
        )
        .join(paid, on="person_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("decree_row") >= 0).then("decree_row").alias("decree_row"),
            pl.when(pl.col("decree_amount") >= 0).then("decree_amount").alias("decree_amount"),
            pl.when(pl.col("homonym_of") >= 0).then("homonym_of").alias("homonym_of"),
            pl.col("disbursement_rows").fill_null([]),
        )
        .select(list(RECON_TRUTH_SCHEMA))
    )
    return truth.cast(RECON_TRUTH_SCHEMA)  # type: ignore[arg-type]


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
    rows = write_lists((pair.decree, pair.disbursement), paths)
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
        truth = truth.with_columns(
            pl.col("disbursement_rows").list.eval(
                pl.element().replace_strict(
                    pair.disbursement.excel_rows(), rows[1], default=None, return_dtype=pl.Int64
                )
            )
        )
        paths.append(write_truth(truth, Path(truth_path)))
    return paths
