"""Last period's member list and this period's, with the truth of what changed between them.

Both lists are KPM member lists (one row per person: NIK, NO KK, name, birth date,
relationship, village, the person's quarterly PKH component). Between the two periods, each
touched family has exactly one event (codes in the truth's ``problems``):

- ``family_exit``: the whole family left the list; ``family_entry``: a new family entered;
- ``member_exit``: one member (not the head) left; ``member_entry``: a child joined a family;
- ``kk_split``: an adult member moved to a KK of their own (pecah KK), as its head;
- ``kk_renumbered``: the family got a new KK number (moved, head replaced);
- ``amount_changed``: a member's component changed (SD -> SMP...);
- ``name_variant``: a member's name is spelled differently this period.

The truth has one row per person of either list, with the columns that changed.
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
from bansos_cli.sample.people import EPOCH, SHDK_LABELS, make_population
from bansos_cli.sample.records import NAME_KINDS, _new_kk
from bansos_cli.sample.region import resolve_region
from bansos_cli.sample.writers import write_lists, write_truth

PERIOD_HEADERS = (
    "NO",
    "NIK",
    "NO KK",
    "NAMA",
    "TGL LAHIR",
    "HUBUNGAN KELUARGA",
    "DESA/KELURAHAN",
    "KECAMATAN",
    "NOMINAL",
)
EVENTS = (
    "family_exit",
    "family_entry",
    "member_exit",
    "member_entry",
    "kk_split",
    "kk_renumbered",
    "amount_changed",
    "name_variant",
)
COMPARED = {
    "no_kk": "kk",
    "nama": "nama",
    "hubungan_keluarga": "shdk",
    "nominal": "nominal",
}
"""Canonical column -> the truth's value that may change between the periods."""

PERIOD_TRUTH_SCHEMA = {
    "person_id": pl.Int64,
    "nik": pl.String,
    "status": pl.String,
    "old_row": pl.Int64,
    "new_row": pl.Int64,
    "old_kk": pl.String,
    "new_kk": pl.String,
    "changes": pl.List(pl.String),
    "problems": pl.List(pl.String),
}

# Quarterly PKH component by age (DOMAIN.md §8: yearly amounts / 4).
_COMPONENTS = ((0, 6, 750_000), (7, 12, 225_000), (13, 15, 375_000), (16, 18, 500_000))
_ELDERLY = (70, 600_000)


def _component(age: np.ndarray) -> np.ndarray:
    amount = np.zeros(age.size, dtype=np.int64)
    for low, high, value in _COMPONENTS:
        amount[(age >= low) & (age <= high)] = value
    amount[age >= _ELDERLY[0]] = _ELDERLY[1]
    return amount


@dataclass
class PeriodPair:
    """Last period's list (``old``), this period's (``new``) and the truth.

    ``truth``: one row per person; ``status`` is ``tetap``, ``berubah`` (``changes`` lists
    the canonical columns that differ), ``keluar`` (old list only) or ``masuk`` (new list
    only); ``old_row``/``new_row`` are Excel rows of the xlsx files (null where absent);
    ``old_kk``/``new_kk`` the person's KK numbers; ``problems`` the events of :data:`EVENTS`.
    """

    old: SheetSpec
    new: SheetSpec
    truth: pl.DataFrame
    seed: int


def generate_period_pair(
    rows: int,
    seed: int,
    *,
    region: str | None = None,
    family_exit_rate: float = 0.03,
    family_entry_rate: float = 0.03,
    member_exit_rate: float = 0.02,
    member_entry_rate: float = 0.02,
    kk_split_rate: float = 0.02,
    kk_renumber_rate: float = 0.02,
    amount_change_rate: float = 0.03,
    name_variant_rate: float = 0.02,
    periods: tuple[str, str] = ("TAHAP 1 2025", "TAHAP 2 2025"),
    reference_date: dt.date = REFERENCE_DATE,
) -> PeriodPair:
    """Two member lists of about ``rows`` people; rates are shares of the old list's
    families (family events) or people (``amount_change_rate``, ``name_variant_rate``)."""
    if not 1 <= rows <= MAX_ROWS:
        raise OptionError.of("SAMPLE_ROWS_RANGE", maximum=MAX_ROWS, rows=rows)
    rates = {
        "family_exit_rate": family_exit_rate,
        "family_entry_rate": family_entry_rate,
        "member_exit_rate": member_exit_rate,
        "member_entry_rate": member_entry_rate,
        "kk_split_rate": kk_split_rate,
        "kk_renumber_rate": kk_renumber_rate,
        "amount_change_rate": amount_change_rate,
        "name_variant_rate": name_variant_rate,
    }
    for name, value in rates.items():
        if not 0.0 <= value <= 0.5:
            raise OptionError.of("SAMPLE_RATE_RANGE", name=name, maximum=0.5, value=value)
    rng = np.random.default_rng(seed)
    where = resolve_region(region)
    pop = make_population(rng, int(rows * 1.3) + 60, where, reference_date)
    # whole families: the old list ends with the family that reaches ``rows`` people
    sizes = pop.group_by("family_id", maintain_order=True).len()
    n_fam = max(1, min(int(np.searchsorted(np.cumsum(sizes["len"].to_numpy()), rows)) + 1,
                       sizes.height - 2))  # fmt: skip
    old_families = sizes["family_id"].head(n_fam).to_numpy()
    old = pop.filter(pl.col("family_id").is_in(old_families.tolist()))
    pool = pop.filter(~pl.col("family_id").is_in(old_families.tolist()))
    heads = old.filter(pl.col("shdk") == 1)
    families = heads["family_id"].to_numpy()

    # one event per touched family, drawn without overlap
    free = families.copy()

    def take(rate: float, candidates: np.ndarray) -> np.ndarray:
        nonlocal free
        pool_ = np.intersect1d(free, candidates)
        k = min(int(round(families.size * rate)), pool_.size)
        chosen = np.sort(rng.choice(pool_, k, replace=False)) if k else np.array([], dtype=int)
        free = np.setdiff1d(free, chosen)
        return chosen

    with_members = old.filter(pl.col("shdk") != 1)["family_id"].unique().to_numpy()
    with_adults = (
        old.filter((pl.col("shdk") != 1) & (pl.col("age") >= 18))["family_id"].unique().to_numpy()
    )
    exit_fam = take(family_exit_rate, families)
    split_fam = take(kk_split_rate, with_adults)
    renumber_fam = take(kk_renumber_rate, families)
    member_exit_fam = take(member_exit_rate, with_members)
    member_entry_fam = take(member_entry_rate, families)

    def one_member(fams: np.ndarray, condition: pl.Expr) -> np.ndarray:
        """One person id per family in ``fams`` meeting ``condition`` (drawn at random)."""
        found = old.filter(pl.col("family_id").is_in(fams.tolist()) & condition)
        found = found.select("family_id", "person_id", pl.Series("k", rng.random(found.height)))
        return found.sort("k").unique("family_id", keep="first")["person_id"].to_numpy()

    leaving = one_member(member_exit_fam, pl.col("shdk") != 1)
    splitting = one_member(split_fam, (pl.col("shdk") != 1) & (pl.col("age") >= 18))

    # entrants: whole families from the pool, and one child per family joining an old one
    pool_heads = pool.filter(pl.col("shdk") == 1)["family_id"].to_numpy()
    n_entry = min(int(round(families.size * family_entry_rate)), pool_heads.size)
    entry_fam = pool_heads[:n_entry]
    children = pool.filter(
        ~pl.col("family_id").is_in(entry_fam.tolist()) & (pl.col("age") <= 5)
    ).head(member_entry_fam.size)
    member_entry_fam = member_entry_fam[: children.height]
    joined_to = heads.filter(pl.col("family_id").is_in(member_entry_fam.tolist())).sort("family_id")
    children = children.with_columns(
        pl.Series("family_id", joined_to["family_id"]),
        pl.Series("kk_int", joined_to["kk_int"]),
        pl.lit(4, dtype=pl.Int8).alias("shdk"),
        *[pl.Series(c, joined_to[c]) for c in ("desa", "kecamatan", "kode_desa")],
    )

    ref_days = (reference_date - EPOCH).days
    taken = pop["kk_int"].unique().to_numpy()
    new_kk = old["kk_int"].to_numpy().copy()
    new_shdk = old["shdk"].to_numpy().copy()
    person = old["person_id"].to_numpy()
    kec = old["kode_kecamatan"].cast(pl.Int64).to_numpy()  # where the new KK is issued
    split_at = np.isin(person, splitting)
    if split_at.any():
        new_kk[split_at] = _new_kk(rng, kec[split_at], ref_days, taken)
        new_shdk[split_at] = 1
        taken = np.concatenate([taken, new_kk[split_at]])
    renumber_at = np.isin(old["family_id"].to_numpy(), renumber_fam)
    if renumber_at.any():
        fam_of = old["family_id"].to_numpy()[renumber_at]
        uniq, inverse = np.unique(fam_of, return_inverse=True)
        first = np.array([np.flatnonzero(fam_of == f)[0] for f in uniq])
        fresh = _new_kk(rng, kec[renumber_at][first], ref_days, taken)
        new_kk[renumber_at] = fresh[inverse]

    amount = _component(old["age"].to_numpy())
    new_amount = amount.copy()
    paid = np.flatnonzero(amount > 0)
    k = min(int(round(old.height * amount_change_rate)), paid.size)
    changed = np.sort(rng.choice(paid, k, replace=False)) if k else np.array([], dtype=int)
    levels = np.array([750_000, 225_000, 375_000, 500_000, 600_000])
    for i in changed:
        new_amount[i] = rng.choice(levels[levels != amount[i]])
    names = old["nama"]
    k = min(int(round(old.height * name_variant_rate)), old.height)
    varied = np.sort(rng.choice(old.height, k, replace=False)) if k else np.array([], dtype=int)
    new_names = names.clone()
    kinds = rng.choice(NAME_KINDS, varied.size)
    for kind in NAME_KINDS:
        sel = varied[kinds == kind]
        if sel.size:
            new = damage.name_variant(
                kind, rng, names.gather(sel), old["female"].to_numpy()[sel], old["ayah"].gather(sel)
            )
            new_names = new_names.scatter(sel, new)
    name_changed = (new_names != names).to_numpy()

    gone = np.isin(old["family_id"].to_numpy(), exit_fam) | np.isin(person, leaving)
    old_rows = old.with_columns(
        pl.Series("nominal", amount),
        pl.Series("kk", damage.nik_text(old["kk_int"].to_numpy())),
    )
    stayed = old.with_columns(
        pl.Series("nominal", new_amount),
        pl.Series("kk", damage.nik_text(new_kk)),
        pl.Series("shdk", new_shdk),
        pl.Series("nama", new_names),
    ).filter(~pl.Series(gone))
    entrants = pl.concat(
        [pool.filter(pl.col("family_id").is_in(entry_fam.tolist())), children], how="diagonal"
    )
    entrants = entrants.with_columns(
        pl.Series("nominal", _component(entrants["age"].to_numpy())),
        pl.Series("kk", damage.nik_text(entrants["kk_int"].to_numpy())),
    )
    columns = ["person_id", "nik_int", "kk", "nama", "tanggal_lahir", "shdk", "desa",
               "kecamatan", "kode_desa", "nominal", "family_id", "member_pos"]  # fmt: skip
    new_rows = pl.concat([stayed.select(columns), entrants.select(columns)], how="vertical_relaxed")
    new_rows = new_rows.sort("kode_desa", "kk", "shdk", "person_id")
    old_rows = old_rows.select(columns).sort("kode_desa", "kk", "shdk", "person_id")

    old_sheet = _sheet("DAFTAR KPM", old_rows, periods[0])
    new_sheet = _sheet("DAFTAR KPM", new_rows, periods[1])
    events = {
        "family_exit": np.isin(old["family_id"].to_numpy(), exit_fam),
        "member_exit": np.isin(person, leaving),
        "kk_split": split_at,
        "kk_renumbered": renumber_at,
        "amount_changed": np.isin(np.arange(old.height), changed),
        "name_variant": name_changed,
    }
    truth = _truth(old, events, entrants, entry_fam, old_rows, new_rows, old_sheet, new_sheet)
    return PeriodPair(old_sheet, new_sheet, truth, seed)


def _sheet(name: str, rows: pl.DataFrame, periode: str) -> SheetSpec:
    frame = pl.DataFrame(
        {
            "NO": (pl.int_range(rows.height, eager=True) + 1).cast(pl.String),
            "NIK": damage.nik_text(rows["nik_int"].to_numpy()),
            "NO KK": rows["kk"],
            "NAMA": rows["nama"],
            "TGL LAHIR": rows["tanggal_lahir"].dt.strftime("%d-%m-%Y"),
            "HUBUNGAN KELUARGA": rows["shdk"].replace_strict(SHDK_LABELS, return_dtype=pl.String),
            "DESA/KELURAHAN": rows["desa"],
            "KECAMATAN": rows["kecamatan"],
            "NOMINAL": rows["nominal"].cast(pl.String),
        }
    )
    return SheetSpec(
        name,
        frame,
        title_rows=[f"DAFTAR ANGGOTA KELUARGA PENERIMA MANFAAT PKH {periode}"],
        number_columns=("NO", "NOMINAL"),
    )


def _truth(
    old: pl.DataFrame,
    events: dict[str, np.ndarray],
    entrants: pl.DataFrame,
    entry_fam: np.ndarray,
    old_rows: pl.DataFrame,
    new_rows: pl.DataFrame,
    old_sheet: SheetSpec,
    new_sheet: SheetSpec,
) -> pl.DataFrame:
    """One row per person of either list (see :class:`PeriodPair`)."""
    problems = pl.DataFrame({"person_id": old["person_id"], **events}).select(
        "person_id",
        pl.concat_list([pl.when(pl.col(e)).then(pl.lit(e)) for e in events])
        .list.drop_nulls()
        .alias("problems"),
    )
    entry = entrants.select(
        "person_id",
        pl.when(pl.col("family_id").is_in(entry_fam.tolist()))
        .then(pl.lit(["family_entry"]))
        .otherwise(pl.lit(["member_entry"]))
        .alias("problems"),
    )
    before = old_rows.select(
        "person_id", pl.Series("old_row", old_sheet.excel_rows()), pl.col("kk").alias("old_kk"),
        *[pl.col(v).alias("o_" + c) for c, v in COMPARED.items()],
    )  # fmt: skip
    after = new_rows.select(
        "person_id", pl.Series("new_row", new_sheet.excel_rows()), pl.col("kk").alias("new_kk"),
        *[pl.col(v).alias("n_" + c) for c, v in COMPARED.items()],
    )  # fmt: skip
    both = before.join(after, on="person_id", how="full", coalesce=True)
    changes = pl.concat_list(
        [pl.when(pl.col("o_" + c) != pl.col("n_" + c)).then(pl.lit(c)) for c in COMPARED]
    ).list.drop_nulls()
    status = (
        pl.when(pl.col("new_row").is_null())
        .then(pl.lit("keluar"))
        .when(pl.col("old_row").is_null())
        .then(pl.lit("masuk"))
        .when(changes.list.len() > 0)
        .then(pl.lit("berubah"))
        .otherwise(pl.lit("tetap"))
    )
    people = pl.concat(
        [old.select("person_id", "nik_int"), entrants.select("person_id", "nik_int")]
    )
    nik = people.select("person_id", damage.nik_text(people["nik_int"].to_numpy()).alias("nik"))
    return (
        both.join(nik, on="person_id", how="left")
        .join(pl.concat([problems, entry]), on="person_id", how="left")
        .with_columns(
            status.alias("status"),
            pl.when(pl.col("old_row").is_not_null() & pl.col("new_row").is_not_null())
            .then(changes)
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("changes"),
            pl.col("problems").fill_null([]),
        )
        .sort(pl.col("old_row").fill_null(10**9), "new_row")
        .select(list(PERIOD_TRUTH_SCHEMA))
        .cast(PERIOD_TRUTH_SCHEMA)  # type: ignore[arg-type]
    )


def write_period_pair(
    pair: PeriodPair,
    old_path: str | Path,
    new_path: str | Path,
    truth_path: str | Path | None = None,
) -> list[Path]:
    """Write both lists (.xlsx with a title row, or plain .csv/.parquet) and the truth; the
    truth's rows are those of the files written."""
    paths = [Path(old_path), Path(new_path)]
    rows = write_lists((pair.old, pair.new), paths)
    if truth_path is not None:
        truth = pair.truth
        for col, spec, new in (("old_row", pair.old, rows[0]), ("new_row", pair.new, rows[1])):
            truth = truth.with_columns(
                pl.col(col).replace_strict(
                    spec.excel_rows(), new, default=None, return_dtype=pl.Int64
                )
            )
        paths.append(write_truth(truth, Path(truth_path)))
    return paths


__all__ = ["PeriodPair", "generate_period_pair", "write_period_pair"]
