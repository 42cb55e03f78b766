"""Where families' naming traditions come from, and where people were born.

The tradition mix per province sets which name pools a regency's families draw from. Birth
places: most people were born in the regency they live in; adults (and a few children) were
born elsewhere, in another regency of the same province, in a big city, or in the homeland
of their naming tradition (Batak families in Medan or Tarutung, Minang in Padang, ...).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from bansos_cli.core import wilayah
from bansos_cli.sample.name_pools import BIG_CITIES, BIRTH_HOMELANDS
from bansos_cli.sample.names import TRADITION_NAMES

# Naming-tradition mix by province code (share of families). Provinces not listed use the
# national default. Rough shares from the 2010 census ethnicity tables, rounded.
_DEFAULT_MIX: dict[str, float] = {
    "jawa": 40,
    "sunda": 15,
    "muslim": 15,
    "madura": 3,
    "batak": 4,
    "minang": 3,
    "bugis": 3,
    "bali": 2,
    "maluku": 1,
    "papua": 1,
    "tionghoa": 2,
}
_MIX: dict[str, dict[str, float]] = {
    "11": {"muslim": 85, "jawa": 8, "batak": 4, "minang": 3},
    "12": {"batak": 45, "jawa": 33, "muslim": 12, "minang": 4, "tionghoa": 6},
    "13": {"minang": 85, "muslim": 5, "jawa": 5, "batak": 5},
    "31": {
        "jawa": 36,
        "muslim": 25,
        "sunda": 15,
        "batak": 6,
        "tionghoa": 8,
        "minang": 5,
        "madura": 2,
        "bugis": 2,
        "maluku": 1,
    },
    "32": {"sunda": 70, "jawa": 12, "muslim": 12, "batak": 2, "minang": 2, "tionghoa": 2},
    "33": {"jawa": 88, "muslim": 9, "tionghoa": 3},
    "34": {"jawa": 90, "muslim": 8, "tionghoa": 2},
    "35": {"jawa": 70, "madura": 18, "muslim": 9, "tionghoa": 3},
    "36": {"sunda": 55, "jawa": 20, "muslim": 20, "tionghoa": 5},
    "51": {"bali": 86, "jawa": 8, "muslim": 5, "tionghoa": 1},
    "73": {"bugis": 80, "muslim": 12, "jawa": 5, "tionghoa": 3},
    "81": {"maluku": 70, "muslim": 15, "bugis": 10, "jawa": 5},
    "82": {"maluku": 60, "muslim": 25, "bugis": 10, "jawa": 5},
}
for _code in ("91", "92", "93", "94", "95", "96"):
    _MIX[_code] = {"papua": 70, "jawa": 10, "bugis": 8, "maluku": 7, "muslim": 5}


def tradition_mix(province: str) -> dict[str, float]:
    """Share of families per naming tradition for a province code."""
    return _MIX.get(province, _DEFAULT_MIX)


def _province_cities(province: str) -> pl.Series:
    """Regency and city names of a province without KABUPATEN/KOTA (deduplicated, sorted)."""
    names = wilayah.regencies().filter(pl.col("kode_provinsi") == province)["nama"]
    short = names.str.to_uppercase().str.replace(r"^(KABUPATEN|KOTA) ", "")
    return short.unique().sort()


def draw_birthplaces(
    rng: np.random.Generator,
    local: pl.Series,
    province: str,
    tradition: np.ndarray,
    age: np.ndarray,
) -> pl.Series:
    """Birthplace per person: ``local`` (the home regency) for most, else somewhere plausible.

    Born away: 30% of adults (17+), 6% of younger people. Of those, 45% in another regency
    of ``province``, 20% in a big city and 35% in a city of the tradition's homeland.
    """
    n = local.len()
    away = rng.random(n) < np.where(age >= 17, 0.30, 0.06)
    where = rng.random(n)
    nearby = _province_cities(province)
    if nearby.is_empty():  # pragma: no cover - every province has regencies
        nearby = pl.Series(BIG_CITIES)
    out = local.clone()
    pick = np.flatnonzero(away & (where < 0.45))
    out = out.scatter(pick, nearby.gather(rng.integers(0, nearby.len(), pick.size)))
    pick = np.flatnonzero(away & (where >= 0.45) & (where < 0.65))
    out = out.scatter(
        pick, pl.Series(BIG_CITIES).gather(rng.integers(0, len(BIG_CITIES), pick.size))
    )
    for code, name in enumerate(TRADITION_NAMES):
        pick = np.flatnonzero(away & (where >= 0.65) & (tradition == code))
        if pick.size:
            home = pl.Series(BIRTH_HOMELANDS[name])
            # Earlier cities of a homeland list are the larger ones: weights 1/(rank+2).
            w = 1.0 / (np.arange(home.len()) + 2.0)
            out = out.scatter(pick, home.gather(rng.choice(home.len(), pick.size, p=w / w.sum())))
    return out
