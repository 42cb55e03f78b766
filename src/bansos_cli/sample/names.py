"""Regional name pools and vectorised name drawing for synthetic people.

Each pool lists tokens with a relative weight. The *head* of a pool (the tokens written here
with explicit weights) keeps the tokens that really are common in Indonesian registers (SITI,
NUR, MUHAMMAD, SRI, DEWI, the Balinese birth-order names) as common as they are; the long
*tail* (:mod:`bansos_cli.sample.name_pools`, hundreds of real tokens per large tradition)
gets heavy-tailed Zipf weights, so a few tokens are very common but most combinations are
rare. A full name has one to three tokens: a first token, often a second and sometimes a third
(more often for the young: older people in Java frequently carry a single name), plus, for
naming traditions that use one, the family's surname (Batak marga, Maluku and Papuan family
names, Chinese-Indonesian family names). Children inherit the father's surname.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bansos_cli.sample import name_pools as tails

ANCHORS = frozenset(
    {
        "SITI",
        "NUR",
        "NURUL",
        "MUHAMMAD",
        "MOHAMMAD",
        "AHMAD",
        "ABDUL",
        "SRI",
        "DEWI",
        "ASEP",
        "ANDI",
    }
)
"""Tokens whose share of a pool stays as written when the tail is added."""
LEADING = frozenset(
    {"SITI", "NUR", "NURUL", "SRI", "MUHAMMAD", "MOHAMMAD", "MOCHAMAD", "AHMAD", "ABDUL"}
    | {"DWI", "TRI", "EKA", "ANDI", "LA", "DAENG", "BASO", "MOH", "ACHMAD", "AKHMAD"}
)
"""Tokens that rarely stand alone (SITI AMINAH, NUR HASANAH, ABDUL ROHMAN, DWI ...)."""
P_AFTER_LEADING = 0.93
_ZIPF_S = 1.0
_ZIPF_OFFSET = 8.0


@dataclass(frozen=True)
class Pool:
    """Tokens with relative weights."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]

    def draw(self, rng: np.random.Generator, n: int) -> pl.Series:
        p = np.asarray(self.weights, dtype=np.float64)
        idx = rng.choice(len(self.tokens), size=n, p=p / p.sum())
        return pl.Series(self.tokens, dtype=pl.String).gather(idx)


def _pool(head: str, *tail: str, tail_share: float = 0.0) -> Pool:
    """A pool from ``"SITI:30 NUR:12 AMINAH"`` (weight 1 when omitted) and tail lists.

    :data:`ANCHORS` keep the probability the head gives them; the rest of the mass goes
    ``1 - tail_share`` to the other head tokens (in their written proportions) and
    ``tail_share`` to the tail tokens, with Zipf weights by position (duplicates and tokens
    already in the head are skipped).
    """
    tokens: list[str] = []
    weights: list[float] = []
    for item in head.split():
        token, _, weight = item.partition(":")
        if token == "-" or token in tokens:
            continue
        tokens.append(token)
        weights.append(float(weight) if weight else 1.0)
    w = np.asarray(weights) / sum(weights)
    anchor = np.array([t in ANCHORS for t in tokens])
    extra = list(dict.fromkeys(t for text in tail for t in text.split() if t not in tokens))
    if not extra or tail_share <= 0:
        return Pool(tuple(tokens), tuple(w.tolist()))
    rest = 1.0 - float(w[anchor].sum())
    w = np.where(anchor, w, w * (1.0 - tail_share))
    z = 1.0 / (np.arange(len(extra)) + _ZIPF_OFFSET) ** _ZIPF_S
    z = z / z.sum() * rest * tail_share
    return Pool(tuple(tokens + extra), tuple(np.r_[w, z].tolist()))


@dataclass(frozen=True)
class Tradition:
    """How one naming tradition builds names."""

    male_first: Pool
    male_second: Pool
    female_first: Pool
    female_second: Pool
    surnames: Pool | None = None
    female_surname_prefix: str = ""
    """Batak women carry ``BR`` before the marga (``ROSMAULI BR SIMANJUNTAK``)."""
    balinese: bool = False
    """Names start with I/NI and a birth-order name (WAYAN, MADE, NYOMAN, KETUT)."""
    second: tuple[float, float] = (0.8, 0.35)
    """Probability of a second token for the young (25 or less) and the old (65 or more)."""
    third: tuple[float, float] = (0.22, 0.03)
    """Probability of a third token (given a second) for the young and the old."""


TRADITIONS: dict[str, Tradition] = {
    "jawa": Tradition(
        male_first=_pool(
            "SUGENG:3 SUPARMAN:3 SUTRISNO:3 BUDI:5 AGUS:6 BAMBANG:3 JOKO:4 SLAMET:5 "
            "WAHYU:3 EKO:4 DWI:4 TRI:4 HERU:3 PURWANTO:2 SUKARNO:2 SUHARTO:2 "
            "MUHAMMAD:12 AHMAD:5 SUYATNO:2 PRIYONO:2 TEGUH:2 YULI:1 SUPRIYADI:2 KUSNADI:2 "
            "PONIMAN:2 SAMINO:1 SARIMIN:1 WAGIMAN:1 DARMAJI:1 SOLIKIN:1",
            tails.JAWA_M,
            tails.YOUNG_M,
            tails.ARABIC_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:40 SANTOSO:6 PRASETYO:5 SETIAWAN:4 WIBOWO:4 NUGROHO:4 HARYANTO:3 "
            "SUSANTO:3 KURNIAWAN:3 PURNOMO:3 HIDAYAT:2 SAPUTRO:3 RAHARJO:2 WIDODO:3 "
            "SULISTYO:2 ARIFIN:2 MUSTOFA:2",
            tails.JAWA_M2,
            tails.JAWA_M,
            tail_share=0.75,
        ),
        female_first=_pool(
            "SRI:22 SITI:26 DWI:5 TRI:4 ENDANG:4 SUMARNI:3 SUPARTI:3 TUMINAH:2 SARINAH:2 "
            "SUWARNI:2 WARSINI:2 PAINAH:2 SUKINAH:2 RATNA:2 YULI:3 EKA:3 NUR:8 DEWI:6 "
            "RINI:3 WIWIK:2 PARTINI:2 MURNI:2 SUNARSIH:2",
            tails.JAWA_F,
            tails.YOUNG_F,
            tails.ARABIC_F,
            tail_share=0.75,
        ),
        female_second=_pool(
            "-:35 WAHYUNI:5 RAHAYU:6 LESTARI:5 SUSANTI:4 MULYANI:4 HANDAYANI:4 "
            "ASTUTI:4 WIDYASTUTI:2 PURWANTI:3 SETYOWATI:3 MUNAWAROH:2 AMINAH:2 "
            "KHASANAH:2 UTAMI:3 NINGSIH:3",
            tails.JAWA_F2,
            tails.JAWA_F,
            tail_share=0.75,
        ),
    ),
    "sunda": Tradition(
        male_first=_pool(
            "ASEP:10 DEDE:6 UJANG:6 CECEP:4 DADANG:4 AAN:2 ENDANG:3 DEDI:4 YAYAT:2 "
            "UJANG_SUPRIATNA:1 MUHAMMAD:14 AHMAD:5 IWAN:3 DENI:3 AGUS:4 ACENG:2 OMAN:2 "
            "ENJANG:1 JAJANG:2 NANANG:2 KOMAR:2 ROHMAT:2 HERMAN:2 YUDI:2 RUDI:2 DODI:2 "
            "ENTIS:1 ADE:4 ANDI:2",
            tails.SUNDA_M,
            tails.YOUNG_M,
            tails.ARABIC_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:38 SUNANDAR:3 SUPRIATNA:4 HIDAYAT:5 SOPIAN:3 RUSTANDI:3 KURNIA:3 "
            "SUHENDAR:3 SAEPULOH:2 MULYANA:4 RAMDANI:3 SETIAWAN:3 NURJAMAN:2 "
            "GUNAWAN:3 FIRDAUS:2 HERMAWAN:2 SUKMANA:2 SAPUTRA:2",
            tails.SUNDA_M2,
            tails.SUNDA_M,
            tails.ARABIC_M,
            tail_share=0.75,
        ),
        female_first=_pool(
            "SITI:30 ENENG:6 NENG:6 CUCU:4 IIS:4 EUIS:4 IMAS:3 NENENG:3 YATI:3 TITIN:3 "
            "NUR:8 ELIS:3 ENTIN:2 ENOK:2 OCAH:1 ICIH:2 NINING:3 LILIS:3 TATI:2 "
            "DEWI:5 SRI:6 RINA:3 ANI:3 EEN:2 YANTI:3",
            tails.SUNDA_F,
            tails.YOUNG_F,
            tails.ARABIC_F,
            tail_share=0.75,
        ),
        female_second=_pool(
            "-:36 NURHASANAH:3 MARYAM:2 KOMALASARI:2 RAHAYU:4 SUMIATI:3 "
            "SURYANI:3 MULYATI:3 NURLELA:3 KURNIASIH:3 HASANAH:3 ROHAYATI:3 "
            "SOPIAH:2 AMINAH:2 JUBAEDAH:2 ROSMIATI:2 WIDIAWATI:2",
            tails.SUNDA_F2,
            tails.SUNDA_F,
            tails.ARABIC_F,
            tail_share=0.75,
        ),
    ),
    "madura": Tradition(
        male_first=_pool(
            "MOHAMMAD:14 MUHAMMAD:10 ABDUL:6 AHMAD:5 HOLIL:2 SAMSUL:3 SUHAIMI:2 "
            "MATRAWI:2 SUPANDI:2 MARSUKI:2 HOSNAN:2 SUNARTO:2 SUNAIDI:2 MOLYADI:1 "
            "FATHOR:2 RASID:2 SAHRAWI:1",
            tails.MADURA_M,
            tails.ARABIC_M,
            tails.YOUNG_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:40 RAHMAN:4 HALIM:3 ROSYID:3 HAMID:3 HOLIK:2 QODIR:2 FATTAH:2 "
            "WAHED:2 SYAKUR:2 MANNAN:2",
            tails.ARABIC_M,
            tails.MADURA_M,
            tail_share=0.75,
        ),
        female_first=_pool(
            "SITI:34 NUR:8 HOSNIYAH:2 MAIMUNAH:3 SUNIYATI:2 MARYAM:3 FATIMAH:4 "
            "ASMAWATI:2 SUTIMAH:2 HATIJAH:2 RUKAYAH:2 SAMIYAH:2 MUNIRAH:2 SRI:4",
            tails.MADURA_F,
            tails.ARABIC_F,
            tails.YOUNG_F,
            tail_share=0.75,
        ),
        female_second=_pool(
            "-:40 AMINAH:4 FATIMAH:3 HOLIFAH:2 MAISAROH:3 ZAHRO:2 ROFIQOH:2 "
            "MUSYAROFAH:2 HALIMAH:3 ROHMAH:3",
            tails.ARABIC_F,
            tails.MADURA_F,
            tail_share=0.75,
        ),
    ),
    "batak": Tradition(
        male_first=_pool(
            "MARULI:2 TUMPAL:2 HOTMAN:2 JONNER:2 PARLINDUNGAN:2 BONAR:2 SAHAT:2 "
            "DARWIN:2 BINSAR:2 ROBERT:2 JOHANNES:2 DAVID:2 MARTIN:2 PANDAPOTAN:2 "
            "LAMHOT:2 POLTAK:2 ERWIN:2 HENDRA:2 ANDREAS:2 RUDOLF:1",
            tails.BATAK_M,
            tails.YOUNG_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:60 PARULIAN:2 MANGARA:2 TUA:1 HASUDUNGAN:1 SOLIHIN:1", tails.BATAK_M, tail_share=0.7
        ),
        female_first=_pool(
            "ROSMAULI:2 RUMONDANG:2 TIURMA:2 MASTIUR:2 LASMARIA:2 NURMALA:3 ROSLINA:3 "
            "MARIA:4 DORIS:2 HOTMAIDA:2 SONTI:2 DERMAWATI:2 ELIDA:2 MARTHA:3 RUSMIDA:2",
            tails.BATAK_F,
            tails.YOUNG_F,
            tail_share=0.7,
        ),
        female_second=_pool("-:70 ROSIDA:2 SARI:2 ELISABETH:2", tails.BATAK_F, tail_share=0.7),
        surnames=_pool(
            "SIREGAR:4 SIMANJUNTAK:4 NASUTION:5 HARAHAP:4 LUBIS:4 SINAGA:4 PANJAITAN:3 "
            "SITOMPUL:3 HUTAPEA:3 SIMATUPANG:3 SIHOMBING:3 MANURUNG:3 SITUMORANG:3 "
            "PANGARIBUAN:3 TAMBUNAN:3 SIANTURI:2 SARAGIH:3 DAMANIK:2 SEMBIRING:3 "
            "GINTING:3 TARIGAN:3 HUTAGALUNG:2 SIMAMORA:2 MARPAUNG:2 BATUBARA:2",
            tails.BATAK_MARGA,
            tail_share=0.6,
        ),
        female_surname_prefix="BR",
        second=(0.45, 0.2),
        third=(0.1, 0.0),
    ),
    "minang": Tradition(
        male_first=_pool(
            "SYAFRIL:3 ZULKIFLI:3 AFRIZAL:3 YUSRIZAL:2 MUHAMMAD:10 AHMAD:4 RUSLI:3 "
            "ZAINAL:3 ANDRIZAL:2 HENDRI:3 BUSTAMI:2 DASRIL:2 ERIZAL:2 JASMAN:2 NASRUL:2 "
            "RIDWAN:2 SYAMSUL:2 YUNUS:2 FEBRI:2",
            tails.MINANG_M,
            tails.ARABIC_M,
            tails.YOUNG_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:40 PUTRA:4 SYAHPUTRA:2 EFENDI:3 SUTAN:2 MALIN:1 HARDI:2 CANIAGO:1 KOTO:1",
            tails.MINANG_M,
            tails.ARABIC_M,
            tail_share=0.75,
        ),
        female_first=_pool(
            "SITI:16 NURHAYATI:3 YENI:3 RIKA:3 DESI:4 ELFI:3 YUSNIDAR:2 ROSNIDAR:2 "
            "ERNAWATI:3 NURAINI:3 ASNIMAR:2 DEWI:4 FITRI:4 YULIA:3 SRI:5 NUR:4",
            tails.MINANG_F,
            tails.ARABIC_F,
            tails.YOUNG_F,
            tail_share=0.75,
        ),
        female_second=_pool(
            "-:40 YULIANTI:3 HASNAH:2 WATI:3 SUSANTI:3 ROZA:2 FITRIANI:3 MARLINA:3 NOVITA:2",
            tails.MINANG_F,
            tails.ARABIC_F,
            tail_share=0.75,
        ),
    ),
    "bugis": Tradition(
        male_first=_pool(
            "ANDI:8 MUHAMMAD:14 ABDUL:5 AHMAD:4 BASO:2 LA:2 SYAMSUDDIN:2 "
            "ARSYAD:3 HASANUDDIN:3 SUDIRMAN:3 KAHAR:2 JUMADI:2 BAHARUDDIN:3 RUSDI:2 "
            "AMIRUDDIN:2 SALEH:2 DAENG:1",
            tails.BUGIS_M,
            tails.ARABIC_M,
            tails.YOUNG_M,
            tail_share=0.7,
        ),
        male_second=_pool(
            "-:36 ARSYAD:3 RAHMAN:3 ALIMUDDIN:2 SAFRI:2 HAMZAH:3 MAKMUR:3 TAHIR:3 "
            "RAUF:2 LATIF:2 JUFRI:2 SAHARUDDIN:2",
            tails.BUGIS_M,
            tails.ARABIC_M,
            tail_share=0.75,
        ),
        female_first=_pool(
            "ANDI:5 SITI:18 HASNAH:3 NURHAEDAH:3  SUHARTINI:2 MURNI:2 "
            "NURLIA:3 ASMA:3 HASNIAH:2 RAHMATIA:2 SUHARNI:2 DAHLIA:2 MARWAH:2 NUR:5 SRI:3",
            tails.BUGIS_F,
            tails.ARABIC_F,
            tails.YOUNG_F,
            tail_share=0.75,
        ),
        female_second=_pool(
            "-:40 HASNAH:3 NURHAYATI:2 RAHMATIA:2 SALMAWATI:2 KARTINI:2 NURDIANA:2 INTAN:2",
            tails.BUGIS_F,
            tails.ARABIC_F,
            tail_share=0.75,
        ),
    ),
    "bali": Tradition(
        male_first=_pool(
            "SUDARMA:3 ARTAWAN:3 SUARDANA:3 WIRAWAN:3 SUPARTA:3 MERTAYASA:2 ARDANA:3 "
            "SUDIANA:3 ADNYANA:3 ASTAWA:3 SUJANA:2 WIDIANA:2 DARMAWAN:2 SUKADANA:2",
            tails.BALI_M,
            tail_share=0.7,
        ),
        male_second=_pool("-:70 PUTRA:3 ARIMBAWA:2 PARWATA:2", tails.BALI_M, tail_share=0.7),
        female_first=_pool(
            "SUARTINI:3 SUDIARNI:3 ARIANI:3 SUKARMI:2 WIDIASTUTI:2 PUSPAWATI:3 "
            "SARIASIH:2 MURNIATI:3 ASTITI:2 SUWENI:2 DEWI:4 SRI:3 KARIASIH:2",
            tails.BALI_F,
            tail_share=0.7,
        ),
        female_second=_pool("-:80 WIDIASIH:2 ARTINI:2", tails.BALI_F, tail_share=0.7),
        balinese=True,
        second=(0.45, 0.2),
        third=(0.08, 0.0),
    ),
    "maluku": Tradition(
        male_first=_pool(
            "YOHANIS:3 ABRAHAM:2 MARTHINUS:2 SEMUEL:2 FREDERIK:2 JACOB:2 DANIEL:2 "
            "MUHAMMAD:5 ABDULLAH:2 HASAN:2 ALI:2 RUDOLF:1 PETRUS:2 ELIAS:2",
            tails.MALUKU_M,
            tail_share=0.6,
        ),
        male_second=_pool("-:70 JOHANES:2 ALEXANDER:2", tails.MALUKU_M, tail_share=0.7),
        female_first=_pool(
            "MARIA:4 YOHANA:3 CHRISTINA:2 MARTHA:2 SALOMINA:2 FERONIKA:2 ELSINA:2 "
            "SITI:5 FATIMA:2 NONA:1 SARA:2 AGUSTINA:2",
            tails.MALUKU_F,
            tail_share=0.6,
        ),
        female_second=_pool("-:75 ELISABETH:2 NOVITA:2", tails.MALUKU_F, tail_share=0.7),
        surnames=_pool(
            "LATUPEIRISSA:2 PATTIMURA:2 LATUCONSINA:2 TUASIKAL:2 PATTY:2 MATULESSY:2 "
            "SAHETAPY:2 WATTIMENA:2 LEIWAKABESSY:2 TUHUMURY:2 RUMAHORBO:1 OLLY:1 "
            "NANLOHY:2 SOPACUA:2 PELUPESSY:2 WAKANNO:2 RUMALUTUR:1",
            tails.MALUKU_SUR,
            tail_share=0.5,
        ),
        second=(0.5, 0.25),
        third=(0.1, 0.02),
    ),
    "papua": Tradition(
        male_first=_pool(
            "YOHANES:3 YAKOB:2 MARKUS:2 NATALIS:2 YOSIAS:2 PILIPUS:2 SEPINUS:2 "
            "YULIUS:2 TITUS:2 NIKOLAS:2 OKTOVIANUS:2 AGUS:2 DOMINGGUS:2 YERMIAS:2",
            tails.PAPUA_M,
            tail_share=0.6,
        ),
        male_second=_pool("-:80 ALPIUS:2 YONAS:2", tails.PAPUA_M, tail_share=0.7),
        female_first=_pool(
            "MARIA:4 YOSINA:2 MARTHA:2 NELCE:2 ERNA:2 YULIANA:2 MAGDALENA:2 "
            "AGUSTINA:2 SELINA:2 DORKAS:2 MERI:2 ANACE:2",
            tails.PAPUA_F,
            tail_share=0.6,
        ),
        female_second=_pool("-:85 SARAH:2", tails.PAPUA_F, tail_share=0.7),
        surnames=_pool(
            "WENDA:3 TABUNI:3 KOGOYA:3 WONDA:2 KAMBU:2 RUMBIAK:2 MANDACAN:2 "
            "MURIB:2 YIKWA:2 TELENGGEN:2 GOMBO:2 KOSAY:2 MAYOR:2 RUMBEWAS:2 KAREMA:1 "
            "IKOMOU:2 DEGEI:2 PIGAI:2 TEBAI:2",
            tails.PAPUA_SUR,
            tail_share=0.5,
        ),
        second=(0.45, 0.2),
        third=(0.08, 0.0),
    ),
    "tionghoa": Tradition(
        male_first=_pool(
            "HENDRA:3 WILLIAM:2 BUDI:3 SUTANTO:2 HARTONO:2 ANTON:2 JOHAN:2 KEVIN:2 "
            "ROBERT:2 FELIX:2 SUWANDI:2 HERMAN:2 LIEM:1 OEI:1 KWEE:1 TAN:1",
            tails.TIONGHOA_M,
            tail_share=0.6,
        ),
        male_second=_pool("-:70 SETIAWAN:2 HALIM:2 SANTOSO:2", tails.TIONGHOA_M, tail_share=0.7),
        female_first=_pool(
            "SUSANTI:3 LINDA:3 MELIANA:2 LILY:2 YENNY:2 CHRISTINE:2 MEILINA:2 "
            "SHINTA:2 FENNY:2 LIANA:2 WENNY:2 DEWI:2",
            tails.TIONGHOA_F,
            tail_share=0.6,
        ),
        female_second=_pool("-:75 TJANDRA:2 KUSUMA:2", tails.TIONGHOA_F, tail_share=0.7),
        surnames=_pool(
            "WIJAYA:5 GUNAWAN:4 TANOTO:2 HALIM:3 SALIM:3 KUSUMA:3 TANUWIJAYA:2 "
            "SANTOSO:3 HARTANTO:2 LIMANTO:2 SETIADI:2 SUGIANTO:2",
            tails.TIONGHOA_SUR,
            tail_share=0.5,
        ),
        second=(0.5, 0.3),
        third=(0.05, 0.0),
    ),
    "muslim": Tradition(
        male_first=_pool(tails.MUSLIM_M, tails.ARABIC_M, tails.YOUNG_M, tail_share=0.7),
        male_second=_pool(tails.MUSLIM_SECOND_M, tails.ARABIC_M, tail_share=0.75),
        female_first=_pool(tails.MUSLIM_F, tails.ARABIC_F, tails.YOUNG_F, tail_share=0.7),
        female_second=_pool(tails.MUSLIM_SECOND_F, tails.ARABIC_F, tail_share=0.75),
    ),
}
TRADITION_NAMES: tuple[str, ...] = tuple(TRADITIONS)

BALI_ORDER = ("WAYAN", "MADE", "NYOMAN", "KETUT")
BALI_ORDER_ALT = ("PUTU", "KADEK", "KOMANG", "KETUT")


def draw_names(
    rng: np.random.Generator,
    tradition: np.ndarray,
    female: np.ndarray,
    surname: pl.Series,
    birth_order: np.ndarray,
    age: np.ndarray | None = None,
) -> pl.Series:
    """Full names for people of the given traditions (codes into :data:`TRADITION_NAMES`).

    ``surname`` is the family surname for each person (empty when the tradition has none;
    women of a tradition with ``female_surname_prefix`` get it before the surname);
    ``birth_order`` (0-based) picks the Balinese birth-order name; ``age`` sets how likely
    a second and third token are (:attr:`Tradition.second`, :attr:`Tradition.third`;
    40 when not given).
    """
    n = tradition.shape[0]
    first = pl.Series("first", [""] * 0, dtype=pl.String).extend_constant("", n)
    second = first.clone()
    third = first.clone()
    prefix = first.clone()
    years = np.full(n, 40.0) if age is None else np.asarray(age, dtype=np.float64)
    old: np.ndarray = np.clip(years - 25.0, 0.0, 40.0) / 40.0
    u_second, u_third = rng.random((2, n))
    for code, name in enumerate(TRADITION_NAMES):
        trad = TRADITIONS[name]
        for is_female, first_pool, second_pool in (
            (False, trad.male_first, trad.male_second),
            (True, trad.female_first, trad.female_second),
        ):
            mask = (tradition == code) & (female == is_female)
            k = int(mask.sum())
            if not k:
                continue
            idx = np.flatnonzero(mask)
            first = first.scatter(idx, first_pool.draw(rng, k))
            t = old[idx]
            drawn_first = first.gather(idx)
            p2 = trad.second[0] * (1 - t) + trad.second[1] * t
            leading = drawn_first.is_in(pl.Series(sorted(LEADING)).implode()).to_numpy()
            has2 = u_second[idx] < np.where(leading, P_AFTER_LEADING, p2)
            has3 = has2 & (u_third[idx] < trad.third[0] * (1 - t) + trad.third[1] * t)
            drawn = second_pool.draw(rng, 2 * k)
            two, three = drawn.head(k), drawn.tail(k)
            blank = pl.Series("", [], dtype=pl.String).extend_constant("", k)
            second = second.scatter(idx, two.zip_with(pl.Series(has2), blank))
            # A repeated token is left out (``ASEP HIDAYAT HIDAYAT`` is not a name).
            keep3 = has3 & (three != two).to_numpy() & (three != drawn_first).to_numpy()
            third = third.scatter(idx, three.zip_with(pl.Series(keep3), blank))
            if trad.balinese:
                # I/NI + birth-order name; PUTU/KADEK/KOMANG are common alternatives.
                order = birth_order[idx] % 4
                alt = rng.random(k) < 0.35
                head = "NI " if is_female else "I "
                labels = pl.Series([head + x for x in BALI_ORDER + BALI_ORDER_ALT])
                prefix = prefix.scatter(idx, labels.gather(np.where(alt, order + 4, order)) + " ")
    frame = pl.DataFrame(
        {
            "prefix": prefix,
            "first": first,
            "second": second,
            "third": third,
            "surname": surname,
            "female": female,
            "trad": tradition,
        }
    )
    br = pl.lit(TRADITIONS["batak"].female_surname_prefix + " ")
    batak = TRADITION_NAMES.index("batak")
    surname_expr = (
        pl.when((pl.col("surname") != "") & pl.col("female") & (pl.col("trad") == batak))
        .then(pl.concat_str([br, pl.col("surname")]))
        .otherwise(pl.col("surname"))
    )
    parts = [
        pl.concat_str([pl.col("prefix"), pl.col("first")]),
        pl.when(pl.col("second") != "").then(pl.col("second")),
        pl.when(pl.col("third") != "").then(pl.col("third")),
        pl.when(pl.col("surname") != "").then(surname_expr),
    ]
    return frame.select(pl.concat_str(parts, separator=" ", ignore_nulls=True).alias("nama"))[
        "nama"
    ]


def draw_surnames(rng: np.random.Generator, tradition: np.ndarray) -> pl.Series:
    """One family surname per family (empty for traditions without surnames)."""
    n = tradition.shape[0]
    out = pl.Series("surname", [], dtype=pl.String).extend_constant("", n)
    for code, name in enumerate(TRADITION_NAMES):
        pool = TRADITIONS[name].surnames
        mask = tradition == code
        k = int(mask.sum())
        if pool is None or not k:
            continue
        out = out.scatter(np.flatnonzero(mask), pool.draw(rng, k))
    return out
