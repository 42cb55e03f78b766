"""Clean synthetic households: families, members, NIKs, KKs, addresses and welfare status.

Everything is drawn with numpy arrays per family and expanded to members with ``np.repeat``;
there is no Python loop over people. The result is the ground truth before any damage.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from bansos_cli.sample.names import TRADITION_NAMES, draw_names, draw_surnames
from bansos_cli.sample.places import draw_birthplaces, tradition_mix
from bansos_cli.sample.region import Region

# Dukcapil SHDK codes (DOMAIN.md §5) and their printed labels.
SHDK_LABELS = {
    1: "KEPALA KELUARGA",
    2: "SUAMI",
    3: "ISTRI",
    4: "ANAK",
    5: "MENANTU",
    6: "CUCU",
    7: "ORANG TUA",
    8: "MERTUA",
    9: "FAMILI LAIN",
    10: "PEMBANTU",
    11: "LAINNYA",
}

EXCLUDED_JOBS = (
    "PEGAWAI NEGERI SIPIL (PNS)",
    "TENTARA NASIONAL INDONESIA (TNI)",
    "KEPOLISIAN RI (POLRI)",
    "KARYAWAN BUMN",
    "KARYAWAN BUMD",
)
_ADULT_JOBS = (
    ("PETANI/PEKEBUN", 18),
    ("BURUH HARIAN LEPAS", 22),
    ("WIRASWASTA", 14),
    ("PEDAGANG", 7),
    ("KARYAWAN SWASTA", 9),
    ("BURUH TANI/PERKEBUNAN", 8),
    ("SOPIR", 3),
    ("TUKANG BATU", 3),
    ("NELAYAN/PERIKANAN", 2),
    ("TUKANG KAYU", 2),
    ("BELUM/TIDAK BEKERJA", 8),
    ("PERANGKAT DESA", 0.6),
    ("GURU", 1.0),
)
_KAMPUNG = (
    "CIBEUREUM",
    "SUKAMAJU",
    "MEKARSARI",
    "BABAKAN",
    "CIPAYUNG",
    "SUKASARI",
    "CIKARET",
    "PASIR MUNCANG",
    "CIJERUK",
    "KEBON KOPI",
    "LEUWILIANG",
    "TEGALWARU",
    "SINDANGSARI",
    "KRAJAN",
    "NGASEM",
    "SIDOMULYO",
    "KARANGANYAR",
    "SUMBERSARI",
    "TANJUNG",
    "PANGKALAN",
)
_STREETS = (
    "MERDEKA",
    "SUDIRMAN",
    "DIPONEGORO",
    "KARTINI",
    "PAHLAWAN",
    "MAWAR",
    "MELATI",
    "ANGGREK",
    "RAYA",
    "PEMUDA",
    "KENANGA",
    "BOUGENVILLE",
    "CEMPAKA",
    "MASJID",
    "PASAR",
)
_ROMAN = ("I", "II", "III", "IV", "V", "VI")

DESIL_SHARE = (0.21, 0.18, 0.15, 0.13, 0.1, 0.08, 0.06, 0.04, 0.03, 0.02)

EPOCH = dt.date(1970, 1, 1)


def _pick(rng: np.random.Generator, labels: tuple[str, ...], n: int) -> pl.Series:
    return pl.Series(labels, dtype=pl.String).gather(rng.integers(0, len(labels), n))


def _date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day, month, year arrays of day counts since 1970-01-01."""
    d64 = days.astype("datetime64[D]")
    years = d64.astype("datetime64[Y]")
    months = d64.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d64 - months.astype("datetime64[D]")).astype(np.int64) + 1
    return day, month, year


def _days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day counts since 1970-01-01 of valid (year, month, day) arrays."""
    ym = (year - 1970) * 12 + (month - 1)
    return ym.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + day - 1


def _rank_within(keys: np.ndarray, order_key: np.ndarray) -> np.ndarray:
    """0-based rank of each element among the elements with the same key."""
    order = np.lexsort((order_key, keys))
    sorted_keys = keys[order]
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(keys.size), 0))
    rank = np.empty(keys.size, dtype=np.int64)
    rank[order] = np.arange(keys.size) - group_start
    return rank


def serials(prefix12: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Serial numbers 0001.. unique per 12-digit prefix, in random order within a prefix."""
    return _rank_within(prefix12, rng.random(prefix12.size)) + 1


def make_population(
    rng: np.random.Generator, n_persons: int, region: Region, reference: dt.date
) -> pl.DataFrame:
    """``n_persons`` clean people in households of ``region`` (one row per person)."""
    ref_days = (reference - EPOCH).days
    # Households: average size about 3.6, so draw a few more families than needed.
    n_fam = max(1, int(n_persons / 3.3) + 8)
    head_female = rng.random(n_fam) < 0.16
    head_age = (22 + rng.beta(2.0, 2.6, n_fam) * 62).astype(np.int64)
    has_spouse = np.where(head_female, rng.random(n_fam) < 0.08, rng.random(n_fam) < 0.86)
    spouse_age = np.clip(head_age + np.rint(rng.normal(-3, 4, n_fam)).astype(np.int64), 18, 95)
    mother_age = np.where(head_female, head_age, np.where(has_spouse, spouse_age, head_age - 3))
    n_child = rng.choice(7, n_fam, p=[0.18, 0.22, 0.26, 0.17, 0.09, 0.05, 0.03])
    n_child = np.minimum(n_child, np.maximum(mother_age - 18, 0) // 3)
    has_parent = (rng.random(n_fam) < 0.08) & (head_age < 62)
    has_grandchild = (rng.random(n_fam) < 0.25) & (head_age >= 52)
    size = 1 + has_spouse + n_child + has_parent + has_grandchild
    # Keep just enough families; the last one may be cut short.
    cum = np.cumsum(size)
    n_fam = int(np.searchsorted(cum, n_persons) + 1)
    size = size[:n_fam].copy()
    size[-1] -= int(cum[n_fam - 1] - n_persons)

    fam = np.repeat(np.arange(n_fam), size)
    start = np.r_[0, np.cumsum(size)[:-1]]
    pos = np.arange(n_persons) - start[fam]
    sp = has_spouse[:n_fam][fam].astype(np.int64)
    nc = n_child[:n_fam][fam]
    gc = has_grandchild[:n_fam][fam].astype(np.int64)
    child_k = pos - 1 - sp
    is_head = pos == 0
    is_spouse = (sp == 1) & (pos == 1)
    is_child = ~is_head & ~is_spouse & (child_k < nc)
    is_grand = ~is_head & ~is_spouse & ~is_child & (child_k < nc + gc)
    is_parent = ~is_head & ~is_spouse & ~is_child & ~is_grand

    hf = head_female[:n_fam][fam]
    rnd = rng.random(n_persons)
    female = np.where(
        is_head, hf, np.where(is_spouse, ~hf, np.where(is_parent, rnd < 0.65, rnd < 0.49))
    )
    shdk = np.select(
        [is_head, is_spouse & female, is_spouse, is_child, is_grand],
        [1, 3, 2, 4, 6],
        default=np.where(rng.random(n_persons) < 0.6, 7, 8),
    )
    h_age = head_age[:n_fam][fam]
    m_age = mother_age[:n_fam][fam]
    child_age = np.maximum(m_age - 20 - 3 * child_k - rng.integers(0, 4, n_persons), 0)
    age = np.select(
        [is_head, is_spouse, is_child, is_grand],
        [h_age, spouse_age[:n_fam][fam], child_age, rng.integers(0, 12, n_persons)],
        default=np.minimum(h_age + rng.integers(22, 34, n_persons), 96),
    )
    birth = ref_days - (age * 365.25).astype(np.int64) - rng.integers(0, 365, n_persons)
    b_day, b_month, b_year = _date_parts(birth)
    # Unknown birth dates are registered as 1 July, 31 December or the 15th (DOMAIN.md §2).
    default = rng.random(n_persons) < np.where(age >= 55, 0.14, 0.025)
    kind = rng.integers(0, 3, n_persons)
    b_day = np.where(default, np.choose(kind, [1, 31, 15]), b_day)
    b_month = np.where(default, np.choose(kind, [7, 12, b_month]), b_month)
    birth = _days(b_year, b_month, b_day)
    age = ((ref_days - birth) / 365.2425).astype(np.int64)

    # --- region of the household -------------------------------------------------------
    villages = region.villages
    weights = rng.gamma(2.0, 1.0, villages.height)
    v_idx_f = rng.choice(villages.height, n_fam, p=weights / weights.sum())
    v_idx = v_idx_f[fam]
    kec_code = villages["kode_kecamatan"].cast(pl.Int64).to_numpy()[v_idx]

    # --- NIK ------------------------------------------------------------------------------
    # Registered where the person lived first; adults sometimes elsewhere in the regency.
    reg_codes = region.regency_districts["kode"].cast(pl.Int64).to_numpy()
    elsewhere = (age >= 17) & (rng.random(n_persons) < 0.12)
    nik_kec = np.where(elsewhere, reg_codes[rng.integers(0, reg_codes.size, n_persons)], kec_code)
    retired_code = np.zeros(n_persons, dtype=bool)
    local = region.local_retired
    if local.height:
        # People registered before a Papua split keep the old code.
        succ = dict(
            zip(
                local["kode_pengganti"].cast(pl.Int64).to_list(),
                local["kode"].cast(pl.Int64).to_list(),
                strict=False,
            )
        )
        old = pl.Series(nik_kec).replace_strict(succ, default=0, return_dtype=pl.Int64).to_numpy()
        retired_code = (old > 0) & (age >= 4) & (rng.random(n_persons) < 0.5)
        nik_kec = np.where(retired_code, old, nik_kec)
    else:
        retired = region.retired_codes["kode"].cast(pl.Int64).to_numpy()
        retired_code = (age >= 17) & (rng.random(n_persons) < 0.004)
        nik_kec = np.where(retired_code, retired[rng.integers(0, retired.size, n_persons)], nik_kec)
    # A corrected birth date does not change the NIK: a small share differs.
    nik_date_differs = rng.random(n_persons) < 0.008
    nik_birth = np.where(nik_date_differs, birth + rng.integers(1, 400, n_persons), birth)
    n_day, n_month, n_year = _date_parts(nik_birth)
    prefix12 = nik_kec * 1_000_000 + (n_day + 40 * female) * 10_000 + n_month * 100 + n_year % 100
    nik = prefix12 * 10_000 + serials(prefix12, rng)

    # --- KK -----------------------------------------------------------------------------
    kk_kec = kec_code[start]
    issue = rng.integers(ref_days - 17 * 365, ref_days - 30, n_fam)
    i_day, i_month, i_year = _date_parts(issue)
    kk_prefix = kk_kec * 1_000_000 + i_day * 10_000 + i_month * 100 + i_year % 100
    kk = kk_prefix * 10_000 + serials(kk_prefix, rng)

    # --- names ---------------------------------------------------------------------------
    mix = tradition_mix(region.province)
    trad_p = np.array([mix.get(t, 0.0) for t in TRADITION_NAMES])
    trad_f = rng.choice(len(TRADITION_NAMES), n_fam, p=trad_p / trad_p.sum())
    trad = trad_f[fam]
    fam_surname = draw_surnames(rng, trad_f).gather(fam)
    own_surname = draw_surnames(rng, trad)
    # Surname of the father's line for the head (if male) and the children.
    carries_family = (is_head & ~female) | is_child | is_grand | (is_spouse & ~female)
    surname = pl.select(
        pl.when(pl.Series(carries_family)).then(fam_surname).otherwise(own_surname)
    ).to_series()
    birth_order = np.where(is_child, child_k, rng.integers(0, 4, n_persons))
    nama = draw_names(rng, trad, female, surname, birth_order, age)
    # Mothers not listed in the household: a generation older than the person.
    mother_name = draw_names(
        rng,
        trad,
        np.ones(n_persons, dtype=bool),
        own_surname,
        rng.integers(0, 4, n_persons),
        age + rng.integers(18, 40, n_persons),
    )
    # Children's mother is the female head or the wife when she is listed.
    has_mother = (hf | (has_spouse[:n_fam][fam] & ~hf)) & (is_child)
    mother_idx = start[fam] + np.where(hf, 0, 1)
    nama_ibu = pl.select(
        pl.when(pl.Series(has_mother))
        .then(nama.gather(np.where(has_mother, mother_idx, 0)))
        .otherwise(mother_name)
    ).to_series()
    father_first = draw_names(
        rng,
        trad,
        np.zeros(n_persons, dtype=bool),
        pl.Series([""] * n_persons),
        rng.integers(0, 4, n_persons),
        age + rng.integers(20, 45, n_persons),
    )
    has_father = is_child & ~hf
    ayah = pl.select(
        pl.when(pl.Series(has_father))
        .then(nama.gather(start[fam]))
        .otherwise(father_first)
        .str.split(" ")
        .list.first()
    ).to_series()

    # --- work, welfare, status ----------------------------------------------------------
    jobs = pl.Series([j for j, _ in _ADULT_JOBS])
    jw = np.array([w for _, w in _ADULT_JOBS])
    adult_job = jobs.gather(rng.choice(len(_ADULT_JOBS), n_persons, p=jw / jw.sum()))
    excluded = (age >= 20) & (age <= 58) & (rng.random(n_persons) < 0.012)
    exc_job = pl.Series(EXCLUDED_JOBS).gather(rng.integers(0, len(EXCLUDED_JOBS), n_persons))
    r = rng.random(n_persons)
    pekerjaan = pl.select(
        pl.when(pl.Series(age < 5))
        .then(pl.lit("BELUM/TIDAK BEKERJA"))
        .when(pl.Series(age < 19))
        .then(
            pl.when(pl.Series(r < 0.9))
            .then(pl.lit("PELAJAR/MAHASISWA"))
            .otherwise(pl.lit("BELUM/TIDAK BEKERJA"))
        )
        .when(pl.Series(excluded))
        .then(exc_job)
        .when(pl.Series(age >= 67))
        .then(
            pl.when(pl.Series(r < 0.55))
            .then(pl.lit("BELUM/TIDAK BEKERJA"))
            .when(pl.Series(r < 0.6))
            .then(pl.lit("PENSIUNAN"))
            .otherwise(pl.lit("PETANI/PEKEBUN"))
        )
        .when(pl.Series(female & (r < 0.55)))
        .then(pl.lit("MENGURUS RUMAH TANGGA"))
        .otherwise(adult_job)
    ).to_series()
    deceased = rng.random(n_persons) < np.where(age >= 60, 0.05, 0.003)

    desil_f = rng.choice(10, n_fam, p=np.asarray(DESIL_SHARE) / sum(DESIL_SHARE)) + 1
    desil = desil_f[fam]
    vulnerable_f = np.zeros(n_fam, dtype=bool)
    np.logical_or.at(vulnerable_f, fam, (age < 18) | (age >= 60))
    r_f = rng.random((3, n_fam))
    pkh_f = (desil_f <= 4) & vulnerable_f & (r_f[0] < 0.55)
    bpnt_f = ((desil_f <= 4) & (r_f[1] < 0.7)) | ((desil_f <= 6) & (r_f[1] < 0.08))
    ppkm_f = bpnt_f & (r_f[2] < 0.12)
    pbi = (desil <= 5) & (rng.random(n_persons) < 0.85)
    padan = rng.random(n_persons) >= 0.025

    # --- address --------------------------------------------------------------------------
    is_desa = (villages["jenis"] == "desa").to_numpy()[v_idx_f]
    rw_f = rng.integers(1, 13, n_fam)
    rt_f = rng.integers(1, 16, n_fam)
    kampung = _pick(rng, _KAMPUNG, n_fam)
    street = _pick(rng, _STREETS, n_fam)
    house = pl.Series(rng.integers(1, 120, n_fam)).cast(pl.String)
    rt_s = pl.Series(rt_f).cast(pl.String).str.zfill(3)
    rw_s = pl.Series(rw_f).cast(pl.String).str.zfill(3)
    fam_frame = pl.DataFrame(
        {
            "is_desa": is_desa,
            "kampung": kampung,
            "street": street,
            "house": house,
            "rt": rt_s,
            "rw": rw_s,
            "dusun_label": pl.Series(_ROMAN).gather((rw_f - 1) // 3),
        }
    ).select(
        pl.when("is_desa")
        .then(
            pl.concat_str([pl.lit("KP. "), "kampung", pl.lit(" RT "), "rt", pl.lit("/RW "), "rw"])
        )
        .otherwise(pl.concat_str([pl.lit("JL. "), "street", pl.lit(" NO. "), "house"]))
        .alias("alamat"),
        pl.when("is_desa").then(pl.concat_str([pl.lit("DUSUN "), "dusun_label"])).alias("dusun"),
        "rt",
        "rw",
    )
    kab_name = villages["kabupaten"].str.replace(r"^(KABUPATEN|KOTA) ", "")
    local_city = kab_name.gather(v_idx)
    tempat = draw_birthplaces(rng, local_city, region.province, trad, age)

    fam_id = np.arange(n_fam)
    region_cols = villages.select(
        "kode_desa", "desa", "kode_kecamatan", "kecamatan", "kabupaten", "provinsi"
    )[v_idx]
    frame = pl.DataFrame(
        {
            "person_id": np.arange(n_persons, dtype=np.int64),
            "family_id": fam_id[fam].astype(np.int64),
            "nik_int": nik,
            "kk_int": kk[fam],
            "nama": nama,
            "nama_ibu_kandung": nama_ibu,
            "ayah": ayah,
            "tempat_lahir": tempat,
            "tanggal_lahir": pl.Series(birth.astype(np.int32)).cast(pl.Date),
            "female": female,
            "shdk": shdk.astype(np.int8),
            "age": age.astype(np.int16),
            "pekerjaan": pekerjaan,
            "job_excluded": excluded,
            "deceased": deceased,
            "desil": desil.astype(np.int8),
            "bansos_pkh": pkh_f[fam],
            "bansos_bpnt": bpnt_f[fam],
            "bansos_bpnt_ppkm": ppkm_f[fam],
            "pbi_jkn": pbi,
            "padan": padan,
            "nik_retired_code": retired_code,
            "nik_date_differs": nik_date_differs,
            "birthdate_default": default,
            "member_pos": pos.astype(np.int16),
            "family_size": size[fam].astype(np.int16),
        }
    )
    frame = pl.concat([frame, region_cols, fam_frame[fam]], how="horizontal")
    return frame.with_columns(
        pl.concat_str(
            [pl.col("kode_kecamatan"), pl.col("family_id").cast(pl.String).str.zfill(8)]
        ).alias("id_dtks")
    )
