"""From clean people to the rows of a list: duplicates, file order and injected errors.

The working frame ("records") keeps the clean truth columns of :func:`people.make_population`
plus display columns that damage may change: ``nik_show``/``kk_show`` (text), ``nik_num``/
``kk_num`` (written as number cells), ``nama_show``, ``female_show``, ``date_swap`` and
``date_alt`` (which other date format, 0 = the layout's own). Problem codes are kept as one
Boolean numpy mask per code, aligned with the final row order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl
import pyarrow as pa

from bansos_cli.sample import damage
from bansos_cli.sample.codes import ALL_CODES, ERROR_CODES, NIK_ERROR_CODES
from bansos_cli.sample.people import serials
from bansos_cli.sample.region import Region

Masks = dict[str, np.ndarray]

NAME_KINDS = (
    "name_title",
    "name_degree",
    "name_spelling",
    "name_abbreviation",
    "name_token_dropped",
    "name_typo",
)


def _new_kk(
    rng: np.random.Generator, kec: np.ndarray, ref_days: int, taken: np.ndarray
) -> np.ndarray:
    """Fresh KK numbers (issued in the last three years), unique across the whole list.

    Serials continue after the highest serial ``taken`` (every KK number already given)
    holds for the same 12-digit prefix, so a new KK never equals another household's KK.
    """
    from bansos_cli.sample.people import _date_parts

    issue = rng.integers(ref_days - 3 * 365, ref_days - 10, kec.size)
    d, m, y = _date_parts(issue)
    prefix = kec * 1_000_000 + d * 10_000 + m * 100 + y % 100
    used = (
        pl.DataFrame({"p": taken // 10_000, "s": taken % 10_000})
        .group_by("p")
        .agg(pl.col("s").max())
    )
    base = (
        pl.DataFrame({"p": prefix})
        .join(used, on="p", how="left", maintain_order="left")["s"]
        .fill_null(0)
        .to_numpy()
    )
    return prefix * 10_000 + base + serials(prefix, rng)


def add_duplicates(
    rng: np.random.Generator,
    recs: pl.DataFrame,
    n_dup: int,
    region: Region,
    ref_days: int,
    *,
    family_share: float = 0.3,
    person_share: float = 0.35,
) -> pl.DataFrame:
    """Append ``n_dup`` duplicate rows (``dup_code``, ``dup_src`` = ``rec_id`` of the source)."""
    n = recs.height
    if n_dup <= 0 or n == 0:
        return recs
    parts: list[pl.DataFrame] = []
    taken = recs["kk_int"].to_numpy()
    # 1. Families listed twice under a new KK: whole families while they fit the budget.
    k_fam = int(round(n_dup * family_share))
    fam_sizes = recs.group_by("family_id", maintain_order=True).len()
    order = rng.permutation(fam_sizes.height)
    sizes = fam_sizes["len"].to_numpy()[order]
    take = np.cumsum(sizes) <= k_fam
    chosen = fam_sizes["family_id"].to_numpy()[order][take]
    fam_rows = recs.filter(pl.col("family_id").is_in(pl.Series(chosen).implode()))
    if fam_rows.height:
        firsts = fam_rows.group_by("family_id").agg(pl.col("kode_kecamatan").first())
        firsts = firsts.sort("family_id")
        kec = firsts["kode_kecamatan"].cast(pl.Int64).to_numpy()
        kk_map = firsts.select("family_id").with_columns(
            pl.Series("kk_new", _new_kk(rng, kec, ref_days, taken))
        )
        taken = np.r_[taken, kk_map["kk_new"].to_numpy()]
        fam_rows = (
            fam_rows.join(kk_map, on="family_id", how="left")
            .with_columns(
                pl.col("kk_new").alias("kk_int"),
                pl.concat_str([pl.col("id_dtks"), pl.lit("2")]).alias("id_dtks"),
                pl.lit("dup_family_split_kk").alias("dup_code"),
            )
            .drop("kk_new")
        )
        parts.append(fam_rows)
    # 2. The same adult registered again in another village, with a name variant.
    k_person = int(round(n_dup * person_share))
    adults = np.flatnonzero(recs["age"].to_numpy() >= 17)
    pool = adults if adults.size else np.arange(n)
    if k_person:
        src = rng.choice(pool, k_person, replace=pool.size < k_person)
        parts.append(_moved_person(rng, recs, src, region, ref_days, taken))
    # 3. Exact copies fill the rest of the budget.
    k_exact = n_dup - sum(p.height for p in parts)
    if k_exact > 0:
        src = rng.choice(n, k_exact, replace=n < k_exact)
        parts.append(recs[src].with_columns(pl.lit("dup_exact").alias("dup_code")))
    dups = pl.concat(parts, how="vertical").with_columns(
        pl.col("rec_id").alias("dup_src"),
        (pl.int_range(pl.len()) + n).alias("rec_id"),
    )
    return pl.concat([recs, dups], how="vertical")


def _moved_person(
    rng: np.random.Generator,
    recs: pl.DataFrame,
    src: np.ndarray,
    region: Region,
    ref_days: int,
    taken: np.ndarray,
) -> pl.DataFrame:
    k = src.size
    rows = recs[src]
    villages = region.villages
    v_idx = rng.integers(0, villages.height, k)
    cur = rows["kode_desa"].to_numpy()
    codes = villages["kode_desa"].to_numpy()
    # Another village whenever the region has more than one.
    same = codes[v_idx] == cur
    v_idx = np.where(same & (villages.height > 1), (v_idx + 1) % villages.height, v_idx)
    new_village = villages[v_idx].select(
        "kode_desa", "desa", "kode_kecamatan", "kecamatan", "kabupaten", "provinsi"
    )
    kec = new_village["kode_kecamatan"].cast(pl.Int64).to_numpy()
    # NIK: the same (40%), mistyped (30%) or a second well-formed NIK (30%).
    r = rng.random(k)
    nik = rows["nik_int"].to_numpy()
    typo = damage.typo_digit(rng, nik)
    reg = region.regency_districts["kode"].cast(pl.Int64).to_numpy()
    other_prefix = reg[rng.integers(0, reg.size, k)] * 1_000_000 + (nik // 10_000) % 1_000_000
    other = other_prefix * 10_000 + 5000 + serials(other_prefix, rng)
    nik_kind = np.where(r < 0.4, 0, np.where(r < 0.7, 1, 2))
    shown = np.choose(nik_kind, [nik, typo, other])
    kind = rng.choice(NAME_KINDS, k)
    female = rows["female"].to_numpy()
    names = rows["nama"]
    varied = names.clone()
    for name_kind in NAME_KINDS:
        idx = np.flatnonzero(kind == name_kind)
        if idx.size:
            varied = varied.scatter(
                idx,
                damage.name_variant(
                    name_kind, rng, names.gather(idx), female[idx], rows["ayah"].gather(idx)
                ),
            )
    # One-token names that a kind could not change get a typo instead.
    unchanged = (varied == names).to_numpy()
    if unchanged.any():
        idx = np.flatnonzero(unchanged)
        varied = varied.scatter(idx, damage.name_typo(rng, names.gather(idx)))
        kind = np.where(unchanged, "name_typo", kind)
    rt = pl.Series(rng.integers(1, 16, k)).cast(pl.String).str.zfill(3)
    rw = pl.Series(rng.integers(1, 13, k)).cast(pl.String).str.zfill(3)
    return (
        rows.with_columns(
            *new_village.get_columns(),
            pl.Series("kk_int", _new_kk(rng, kec, ref_days, taken)),
            pl.Series("nik_show_int", shown),
            pl.Series("nik_kind", nik_kind.astype(np.int8)),
            pl.Series("nama_show", varied),
            pl.Series("name_kind", kind, dtype=pl.String),
            (pl.int_range(pl.len()) + recs["family_id"].max() + 1)
            .cast(pl.Int64)
            .alias("family_id"),
            pl.lit(1, dtype=pl.Int8).alias("shdk"),
            pl.lit(0, dtype=pl.Int16).alias("member_pos"),
            pl.lit(1, dtype=pl.Int16).alias("family_size"),
            pl.concat_str(
                [
                    pl.lit("KP. "),
                    pl.Series(
                        rng.choice(["BARU", "SUKAMULYA", "CIKEMBANG", "MEKARJAYA", "JATIMULYA"], k)
                    ),
                ]
            ).alias("alamat"),
            rt.alias("rt"),
            rw.alias("rw"),
            (pl.int_range(pl.len()) + 90_000_000).cast(pl.String).alias("id_dtks_tail"),
            pl.lit("dup_person_other_village").alias("dup_code"),
        )
        .with_columns(
            pl.concat_str([pl.col("kode_kecamatan"), pl.col("id_dtks_tail")]).alias("id_dtks"),
        )
        .drop("id_dtks_tail")
    )


def order_records(rng: np.random.Generator, recs: pl.DataFrame) -> pl.DataFrame:
    """Sort into the order of an export: by village, household (KK), member position.

    Half of the exact copies get their own place in the village instead of sitting next to
    the original row.
    """
    kk_keys = recs["kk_int"].unique().sort()
    key_of_kk = pl.DataFrame({"kk_int": kk_keys, "kk_key": rng.random(kk_keys.len())})
    loose = rng.random(recs.height) < 0.5
    return (
        recs.join(key_of_kk, on="kk_int", how="left")
        .with_columns(
            pl.when((pl.col("dup_code") == "dup_exact") & pl.Series(loose))
            .then(pl.Series(rng.random(recs.height)))
            .otherwise(pl.col("kk_key"))
            .alias("kk_key")
        )
        .sort("kode_desa", "kk_key", "member_pos", "rec_id")
        .drop("kk_key")
    )


def _pick_rows(rng: np.random.Generator, n: int, k: int, mix: Mapping[str, float]) -> Masks:
    chosen = rng.choice(n, min(k, n), replace=False)
    kinds = list(mix)
    w = np.array([mix[c] for c in kinds], dtype=np.float64)
    kind = rng.choice(len(kinds), chosen.size, p=w / w.sum())
    masks: Masks = {}
    for i, code in enumerate(kinds):
        m = np.zeros(n, dtype=bool)
        m[chosen[kind == i]] = True
        masks[code] = m
    return masks


def inject_errors(
    rng: np.random.Generator,
    recs: pl.DataFrame,
    n_errors: int,
    mix: Mapping[str, float],
) -> tuple[pl.DataFrame, Masks]:
    """Damage exactly ``n_errors`` rows (one error kind each); returns records and code masks."""
    unknown = set(mix) - set(ERROR_CODES)
    if unknown:
        raise ValueError(f"unknown error kinds {sorted(unknown)}")
    n = recs.height
    masks = _pick_rows(rng, n, n_errors, mix)
    for code in ERROR_CODES:
        masks.setdefault(code, np.zeros(n, dtype=bool))

    nik = recs["nik_show_int"].to_numpy().copy()
    kk = recs["kk_int"].to_numpy()
    nik_show = damage.nik_text(nik)
    kk_show = damage.nik_text(kk)
    names = recs["nama_show"]
    female = recs["female"].to_numpy()
    female_show = female.copy()
    date_swap = np.zeros(n, dtype=bool)
    date_alt = np.zeros(n, dtype=np.int8)
    nik_num = np.zeros(n, dtype=bool)
    kk_num = np.zeros(n, dtype=bool)
    fallback = np.zeros(n, dtype=bool)

    def idx(code: str) -> np.ndarray:
        return np.flatnonzero(masks[code])

    i = idx("nik_excel_truncated")
    nik_show = nik_show.scatter(i, damage.nik_text(nik[i] // 10 * 10))
    nik_num[i] = True
    i = idx("nik_scientific")
    nik_show = nik_show.scatter(i, damage.scientific(nik[i]))
    i = idx("nik_float_suffix")
    nik_show = nik_show.scatter(i, damage.nik_text(nik[i]) + ".0")
    i = idx("nik_typo_digit")
    nik_show = nik_show.scatter(i, damage.nik_text(damage.typo_digit(rng, nik[i])))
    i = idx("nik_transposition")
    swapped, ok = damage.transpose_digits(rng, nik[i])
    nik_show = nik_show.scatter(i, damage.nik_text(swapped))
    fallback[i[~ok]] = True
    masks["nik_transposition"][i[~ok]] = False
    i = idx("nik_digit_dropped")
    nik_show = nik_show.scatter(i, damage.drop_digit(rng, damage.nik_text(nik[i])))
    i = idx("nik_missing")
    nik_show = nik_show.scatter(i, None)
    i = idx("nik_kk_swapped")
    a, b = nik_show.gather(i), kk_show.gather(i)
    nik_show = nik_show.scatter(i, b)
    kk_show = kk_show.scatter(i, a)
    i = idx("nik_shared")
    person = recs["person_id"].to_numpy()
    other = (i + rng.integers(1, max(n, 2), i.size)) % n
    ok = person[other] != person[i]
    nik_show = nik_show.scatter(i[ok], damage.nik_text(recs["nik_int"].to_numpy()[other[ok]]))
    fallback[i[~ok]] = True
    masks["nik_shared"][i[~ok]] = False
    i = idx("kk_excel_truncated")
    kk_show = kk_show.scatter(i, damage.nik_text(kk[i] // 10 * 10))
    kk_num[i] = True
    female_show[idx("sex_wrong")] = ~female[idx("sex_wrong")]
    i = idx("date_day_month_swapped")
    day = recs["tanggal_lahir"].dt.day().to_numpy()
    month = recs["tanggal_lahir"].dt.month().to_numpy()
    ok = (day[i] <= 12) & (day[i] != month[i])
    date_swap[i[ok]] = True
    # A date that cannot be swapped is written in another format instead.
    masks["date_day_month_swapped"][i[~ok]] = False
    masks["date_format_mixed"][i[~ok]] = True
    i = idx("date_format_mixed")
    date_alt[i] = rng.integers(1, 5, i.size)

    for code in (*NAME_KINDS, "name_bin_binti"):
        i = idx(code)
        if not i.size:
            continue
        new = damage.name_variant(code, rng, names.gather(i), female[i], recs["ayah"].gather(i))
        changed = (new != names.gather(i)).to_numpy()
        names = names.scatter(i[changed], new.filter(pl.Series(changed)))
        fallback[i[~changed]] = True
        masks[code][i[~changed]] = False
    # Rows whose kind did not apply get a name typo, so the number of damaged rows is exact.
    i = np.flatnonzero(fallback)
    if i.size:
        names = names.scatter(i, damage.name_typo(rng, names.gather(i)))
        masks["name_typo"][i] = True

    # A damaged NIK may hit another person's real NIK, as in real lists: say so.
    true_nik = damage.nik_text(recs["nik_int"].to_numpy())
    damaged = np.zeros(n, dtype=bool)
    for code in ("nik_typo_digit", "nik_transposition", "nik_excel_truncated"):
        damaged |= masks[code]
    collide = (
        damaged
        & nik_show.is_in(true_nik.implode()).fill_null(False).to_numpy()
        & (nik_show != true_nik).fill_null(False).to_numpy()
    )
    masks["nik_collision"] = collide

    out = recs.with_columns(
        nik_show.alias("nik_show"),
        kk_show.alias("kk_show"),
        pl.Series("nik_num", nik_num),
        pl.Series("kk_num", kk_num),
        names.alias("nama_show"),
        pl.Series("female_show", female_show),
        pl.Series("date_swap", date_swap),
        pl.Series("date_alt", date_alt),
    )
    return out, masks


def problems_column(masks: Masks, n: int) -> pl.Series:
    """The ``problems`` list column (codes in the documented order) from per-code masks."""
    codes = [c for c in ALL_CODES if c in masks and masks[c].any()]
    if not codes:
        return pl.Series("problems", [[] for _ in range(n)], dtype=pl.List(pl.String))
    matrix = np.stack([masks[c] for c in codes], axis=1)
    # Row-major nonzero: pairs come sorted by row, then by code order.
    rows, code_idx = np.nonzero(matrix)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    values = pl.Series(codes, dtype=pl.String).gather(code_idx).to_arrow()
    lists = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)
    return pl.Series("problems", lists, dtype=pl.List(pl.String))


def nik_clean(masks: Masks, n: int) -> np.ndarray:
    """True where the NIK shown is the person's own valid NIK."""
    bad = np.zeros(n, dtype=bool)
    for code in NIK_ERROR_CODES:
        if code in masks:
            bad |= masks[code]
    return ~bad
