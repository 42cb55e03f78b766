"""Regional name pools and vectorised name drawing for synthetic people.

Each pool lists tokens with a relative weight, so that the tokens that really are common in
Indonesian registers (SITI, NUR, MUHAMMAD, SRI, the Balinese birth-order names) are as common
here. A full name is built per person from up to three parts: a first token, an optional second
token and, for naming traditions that use one, the family's surname (Batak marga, Maluku and
Papuan family names, Chinese-Indonesian family names). Children inherit the father's surname.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Pool:
    """Tokens with relative weights; ``""`` means "no token"."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]

    def draw(self, rng: np.random.Generator, n: int) -> pl.Series:
        p = np.asarray(self.weights, dtype=np.float64)
        idx = rng.choice(len(self.tokens), size=n, p=p / p.sum())
        return pl.Series(self.tokens, dtype=pl.String).gather(idx)


def _pool(spec: str) -> Pool:
    """Parse ``"SITI:30 NUR:12 AMINAH"`` (weight 1 when omitted; ``-`` is the empty token)."""
    tokens: list[str] = []
    weights: list[float] = []
    for item in spec.split():
        token, _, weight = item.partition(":")
        tokens.append("" if token == "-" else token.replace("_", " "))
        weights.append(float(weight) if weight else 1.0)
    return Pool(tuple(tokens), tuple(weights))


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


_MUSLIM_M = (
    "MUHAMMAD:30 AHMAD:14 ABDUL:8 MOHAMMAD:4 MOCHAMAD:2 ABDULLAH:3 HASAN:2 HUSEIN:1 "
    "RIZKI:3 FAUZI:2 ARIF:3 IMAM:2 SYAIFUL:2 ZAINAL:2 RAHMAT:3 HIDAYAT:2 ILHAM:2 "
    "YUSUF:2 ISMAIL:2 IBRAHIM:2 UMAR:1 ALI:2 FIKRI:1 FAJAR:2 NURDIN:1 SAIFUDIN:1"
)
_MUSLIM_F = (
    "SITI:40 NUR:18 NURUL:6 SRI:10 DEWI:6 FATIMAH:3 AISYAH:3 KHADIJAH:1 ZAHRA:1 "
    "HALIMAH:2 AMINAH:3 MAEMUNAH:2 ROSITA:2 NURHAYATI:3 RAHMAWATI:2 FITRIANI:3 "
    "WULAN:2 INDAH:2 LESTARI:2 RATNA:2 YULIANA:2 SARAH:1 ANISA:2"
)
_MUSLIM_SECOND_M = (
    "-:30 RAHMAN:3 HIDAYAT:3 SAPUTRA:4 SETIAWAN:3 FIRMANSYAH:2 HAKIM:2 RAMADHAN:3 "
    "MAULANA:2 FAUZAN:2 IRAWAN:2 KURNIAWAN:2 NUGRAHA:2 WIJAYA:1 SYAHPUTRA:1 ALFARIZI:1"
)
_MUSLIM_SECOND_F = (
    "-:25 AMINAH:4 HASANAH:5 FATIMAH:3 RAHMAWATI:4 NURJANAH:3 KHOIRIYAH:2 "
    "MAISAROH:2 ZUBAIDAH:2 KURNIASIH:2 WULANDARI:3 LESTARI:3 PUSPITASARI:2 AULIA:2"
)

TRADITIONS: dict[str, Tradition] = {
    "jawa": Tradition(
        male_first=_pool(
            "SUGENG:3 SUPARMAN:3 SUTRISNO:3 BUDI:5 AGUS:6 BAMBANG:3 JOKO:4 SLAMET:5 "
            "WAHYU:3 EKO:4 DWI:4 TRI:4 HERU:3 PURWANTO:2 SUKARNO:2 SUHARTO:2 "
            "MUHAMMAD:12 AHMAD:5 SUYATNO:2 PRIYONO:2 TEGUH:2 YULI:1 SUPRIYADI:2 KUSNADI:2 "
            "PONIMAN:2 SAMINO:1 SARIMIN:1 WAGIMAN:1 DARMAJI:1 SOLIKIN:1"
        ),
        male_second=_pool(
            "-:40 SANTOSO:6 PRASETYO:5 SETIAWAN:4 WIBOWO:4 NUGROHO:4 HARYANTO:3 "
            "SUSANTO:3 KURNIAWAN:3 PURNOMO:3 HIDAYAT:2 SAPUTRO:3 RAHARJO:2 WIDODO:3 "
            "SULISTYO:2 ARIFIN:2 MUSTOFA:2"
        ),
        female_first=_pool(
            "SRI:22 SITI:26 DWI:5 TRI:4 ENDANG:4 SUMARNI:3 SUPARTI:3 TUMINAH:2 SARINAH:2 "
            "SUWARNI:2 WARSINI:2 PAINAH:2 SUKINAH:2 RATNA:2 YULI:3 EKA:3 NUR:8 DEWI:6 "
            "RINI:3 WIWIK:2 PARTINI:2 MURNI:2 SUNARSIH:2"
        ),
        female_second=_pool(
            "-:35 WAHYUNI:5 RAHAYU:6 LESTARI:5 SUSANTI:4 MULYANI:4 HANDAYANI:4 "
            "ASTUTI:4 WIDYASTUTI:2 PURWANTI:3 SETYOWATI:3 MUNAWAROH:2 AMINAH:2 "
            "KHASANAH:2 UTAMI:3 NINGSIH:3"
        ),
    ),
    "sunda": Tradition(
        male_first=_pool(
            "ASEP:10 DEDE:6 UJANG:6 CECEP:4 DADANG:4 AAN:2 ENDANG:3 DEDI:4 YAYAT:2 "
            "UJANG_SUPRIATNA:1 MUHAMMAD:14 AHMAD:5 IWAN:3 DENI:3 AGUS:4 ACENG:2 OMAN:2 "
            "ENJANG:1 JAJANG:2 NANANG:2 KOMAR:2 ROHMAT:2 HERMAN:2 YUDI:2 RUDI:2 DODI:2 "
            "ENTIS:1 ADE:4 ANDI:2"
        ),
        male_second=_pool(
            "-:38 SUNANDAR:3 SUPRIATNA:4 HIDAYAT:5 SOPIAN:3 RUSTANDI:3 KURNIA:3 "
            "SUHENDAR:3 SAEPULOH:2 MULYANA:4 RAMDANI:3 SETIAWAN:3 NURJAMAN:2 "
            "GUNAWAN:3 FIRDAUS:2 HERMAWAN:2 SUKMANA:2 SAPUTRA:2"
        ),
        female_first=_pool(
            "SITI:30 ENENG:6 NENG:6 CUCU:4 IIS:4 EUIS:4 IMAS:3 NENENG:3 YATI:3 TITIN:3 "
            "NUR:8 ELIS:3 ENTIN:2 ENOK:2 OCAH:1 ICIH:2 NINING:3 LILIS:3 TATI:2 "
            "DEWI:5 SRI:6 RINA:3 ANI:3 EEN:2 YANTI:3"
        ),
        female_second=_pool(
            "-:36 NURHASANAH:3 MARYAM:2 KOMALASARI:2 RAHAYU:4 SUMIATI:3 "
            "SURYANI:3 MULYATI:3 NURLELA:3 KURNIASIH:3 HASANAH:3 ROHAYATI:3 "
            "SOPIAH:2 AMINAH:2 JUBAEDAH:2 ROSMIATI:2 WIDIAWATI:2"
        ),
    ),
    "madura": Tradition(
        male_first=_pool(
            "MOHAMMAD:14 MUHAMMAD:10 ABDUL:6 AHMAD:5 HOLIL:2 SAMSUL:3 SUHAIMI:2 "
            "MATRAWI:2 SUPANDI:2 MARSUKI:2 HOSNAN:2 SUNARTO:2 SUNAIDI:2 MOLYADI:1 "
            "FATHOR:2 RASID:2 SAHRAWI:1"
        ),
        male_second=_pool(
            "-:40 RAHMAN:4 HALIM:3 ROSYID:3 HAMID:3 HOLIK:2 QODIR:2 FATTAH:2 "
            "WAHED:2 SYAKUR:2 MANNAN:2"
        ),
        female_first=_pool(
            "SITI:34 NUR:8 HOSNIYAH:2 MAIMUNAH:3 SUNIYATI:2 MARYAM:3 FATIMAH:4 "
            "ASMAWATI:2 SUTIMAH:2 HATIJAH:2 RUKAYAH:2 SAMIYAH:2 MUNIRAH:2 SRI:4"
        ),
        female_second=_pool(
            "-:40 AMINAH:4 FATIMAH:3 HOLIFAH:2 MAISAROH:3 ZAHRO:2 ROFIQOH:2 "
            "MUSYAROFAH:2 HALIMAH:3 ROHMAH:3"
        ),
    ),
    "batak": Tradition(
        male_first=_pool(
            "MARULI:2 TUMPAL:2 HOTMAN:2 JONNER:2 PARLINDUNGAN:2 BONAR:2 SAHAT:2 "
            "DARWIN:2 BINSAR:2 ROBERT:2 JOHANNES:2 DAVID:2 MARTIN:2 PANDAPOTAN:2 "
            "LAMHOT:2 POLTAK:2 ERWIN:2 HENDRA:2 ANDREAS:2 RUDOLF:1"
        ),
        male_second=_pool("-:60 PARULIAN:2 MANGARA:2 TUA:1 HASUDUNGAN:1 SOLIHIN:1"),
        female_first=_pool(
            "ROSMAULI:2 RUMONDANG:2 TIURMA:2 MASTIUR:2 LASMARIA:2 NURMALA:3 ROSLINA:3 "
            "MARIA:4 DORIS:2 HOTMAIDA:2 SONTI:2 DERMAWATI:2 ELIDA:2 MARTHA:3 RUSMIDA:2"
        ),
        female_second=_pool("-:70 ROSIDA:2 SARI:2 ELISABETH:2"),
        surnames=_pool(
            "SIREGAR:4 SIMANJUNTAK:4 NASUTION:5 HARAHAP:4 LUBIS:4 SINAGA:4 PANJAITAN:3 "
            "SITOMPUL:3 HUTAPEA:3 SIMATUPANG:3 SIHOMBING:3 MANURUNG:3 SITUMORANG:3 "
            "PANGARIBUAN:3 TAMBUNAN:3 SIANTURI:2 SARAGIH:3 DAMANIK:2 SEMBIRING:3 "
            "GINTING:3 TARIGAN:3 HUTAGALUNG:2 SIMAMORA:2 MARPAUNG:2 BATUBARA:2"
        ),
        female_surname_prefix="BR",
    ),
    "minang": Tradition(
        male_first=_pool(
            "SYAFRIL:3 ZULKIFLI:3 AFRIZAL:3 YUSRIZAL:2 MUHAMMAD:10 AHMAD:4 RUSLI:3 "
            "ZAINAL:3 ANDRIZAL:2 HENDRI:3 BUSTAMI:2 DASRIL:2 ERIZAL:2 JASMAN:2 NASRUL:2 "
            "RIDWAN:2 SYAMSUL:2 YUNUS:2 FEBRI:2"
        ),
        male_second=_pool(
            "-:40 PUTRA:4 SYAHPUTRA:2 EFENDI:3 SUTAN:2 MALIN:1 HARDI:2 CANIAGO:1 KOTO:1"
        ),
        female_first=_pool(
            "SITI:16 NURHAYATI:3 YENI:3 RIKA:3 DESI:4 ELFI:3 YUSNIDAR:2 ROSNIDAR:2 "
            "ERNAWATI:3 NURAINI:3 ASNIMAR:2 DEWI:4 FITRI:4 YULIA:3 SRI:5 NUR:4"
        ),
        female_second=_pool(
            "-:40 YULIANTI:3 HASNAH:2 WATI:3 SUSANTI:3 ROZA:2 FITRIANI:3 MARLINA:3 NOVITA:2"
        ),
    ),
    "bugis": Tradition(
        male_first=_pool(
            "ANDI:8 MUHAMMAD:14 ABDUL:5 AHMAD:4 BASO:2 LA:2 SYAMSUDDIN:2 "
            "ARSYAD:3 HASANUDDIN:3 SUDIRMAN:3 KAHAR:2 JUMADI:2 BAHARUDDIN:3 RUSDI:2 "
            "AMIRUDDIN:2 SALEH:2 DAENG:1"
        ),
        male_second=_pool(
            "-:36 ARSYAD:3 RAHMAN:3 ALIMUDDIN:2 SAFRI:2 HAMZAH:3 MAKMUR:3 TAHIR:3 "
            "RAUF:2 LATIF:2 JUFRI:2 SAHARUDDIN:2"
        ),
        female_first=_pool(
            "ANDI:5 SITI:18 HASNAH:3 NURHAEDAH:3  SUHARTINI:2 MURNI:2 "
            "NURLIA:3 ASMA:3 HASNIAH:2 RAHMATIA:2 SUHARNI:2 DAHLIA:2 MARWAH:2 NUR:5 SRI:3"
        ),
        female_second=_pool(
            "-:40 HASNAH:3 NURHAYATI:2 RAHMATIA:2 SALMAWATI:2 KARTINI:2 NURDIANA:2 INTAN:2"
        ),
    ),
    "bali": Tradition(
        male_first=_pool(
            "SUDARMA:3 ARTAWAN:3 SUARDANA:3 WIRAWAN:3 SUPARTA:3 MERTAYASA:2 ARDANA:3 "
            "SUDIANA:3 ADNYANA:3 ASTAWA:3 SUJANA:2 WIDIANA:2 DARMAWAN:2 SUKADANA:2"
        ),
        male_second=_pool("-:70 PUTRA:3 ARIMBAWA:2 PARWATA:2"),
        female_first=_pool(
            "SUARTINI:3 SUDIARNI:3 ARIANI:3 SUKARMI:2 WIDIASTUTI:2 PUSPAWATI:3 "
            "SARIASIH:2 MURNIATI:3 ASTITI:2 SUWENI:2 DEWI:4 SRI:3 KARIASIH:2"
        ),
        female_second=_pool("-:80 WIDIASIH:2 ARTINI:2"),
        balinese=True,
    ),
    "maluku": Tradition(
        male_first=_pool(
            "YOHANIS:3 ABRAHAM:2 MARTHINUS:2 SEMUEL:2 FREDERIK:2 JACOB:2 DANIEL:2 "
            "MUHAMMAD:5 ABDULLAH:2 HASAN:2 ALI:2 RUDOLF:1 PETRUS:2 ELIAS:2"
        ),
        male_second=_pool("-:70 JOHANES:2 ALEXANDER:2"),
        female_first=_pool(
            "MARIA:4 YOHANA:3 CHRISTINA:2 MARTHA:2 SALOMINA:2 FERONIKA:2 ELSINA:2 "
            "SITI:5 FATIMA:2 NONA:1 SARA:2 AGUSTINA:2"
        ),
        female_second=_pool("-:75 ELISABETH:2 NOVITA:2"),
        surnames=_pool(
            "LATUPEIRISSA:2 PATTIMURA:2 LATUCONSINA:2 TUASIKAL:2 PATTY:2 MATULESSY:2 "
            "SAHETAPY:2 WATTIMENA:2 LEIWAKABESSY:2 TUHUMURY:2 RUMAHORBO:1 OLLY:1 "
            "NANLOHY:2 SOPACUA:2 PELUPESSY:2 WAKANNO:2 RUMALUTUR:1"
        ),
    ),
    "papua": Tradition(
        male_first=_pool(
            "YOHANES:3 YAKOB:2 MARKUS:2 NATALIS:2 YOSIAS:2 PILIPUS:2 SEPINUS:2 "
            "YULIUS:2 TITUS:2 NIKOLAS:2 OKTOVIANUS:2 AGUS:2 DOMINGGUS:2 YERMIAS:2"
        ),
        male_second=_pool("-:80 ALPIUS:2 YONAS:2"),
        female_first=_pool(
            "MARIA:4 YOSINA:2 MARTHA:2 NELCE:2 ERNA:2 YULIANA:2 MAGDALENA:2 "
            "AGUSTINA:2 SELINA:2 DORKAS:2 MERI:2 ANACE:2"
        ),
        female_second=_pool("-:85 SARAH:2"),
        surnames=_pool(
            "WENDA:3 TABUNI:3 KOGOYA:3 WONDA:2 KAMBU:2 RUMBIAK:2 MANDACAN:2 "
            "MURIB:2 YIKWA:2 TELENGGEN:2 GOMBO:2 KOSAY:2 MAYOR:2 RUMBEWAS:2 KAREMA:1 "
            "IKOMOU:2 DEGEI:2 PIGAI:2 TEBAI:2"
        ),
    ),
    "tionghoa": Tradition(
        male_first=_pool(
            "HENDRA:3 WILLIAM:2 BUDI:3 SUTANTO:2 HARTONO:2 ANTON:2 JOHAN:2 KEVIN:2 "
            "ROBERT:2 FELIX:2 SUWANDI:2 HERMAN:2 LIEM:1 OEI:1 KWEE:1 TAN:1"
        ),
        male_second=_pool("-:70 SETIAWAN:2 HALIM:2 SANTOSO:2"),
        female_first=_pool(
            "SUSANTI:3 LINDA:3 MELIANA:2 LILY:2 YENNY:2 CHRISTINE:2 MEILINA:2 "
            "SHINTA:2 FENNY:2 LIANA:2 WENNY:2 DEWI:2"
        ),
        female_second=_pool("-:75 TJANDRA:2 KUSUMA:2"),
        surnames=_pool(
            "WIJAYA:5 GUNAWAN:4 TANOTO:2 HALIM:3 SALIM:3 KUSUMA:3 TANUWIJAYA:2 "
            "SANTOSO:3 HARTANTO:2 LIMANTO:2 SETIADI:2 SUGIANTO:2"
        ),
    ),
    "muslim": Tradition(
        male_first=_pool(_MUSLIM_M),
        male_second=_pool(_MUSLIM_SECOND_M),
        female_first=_pool(_MUSLIM_F),
        female_second=_pool(_MUSLIM_SECOND_F),
    ),
}
TRADITION_NAMES: tuple[str, ...] = tuple(TRADITIONS)

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


BALI_ORDER = ("WAYAN", "MADE", "NYOMAN", "KETUT")
BALI_ORDER_ALT = ("PUTU", "KADEK", "KOMANG", "KETUT")


def draw_names(
    rng: np.random.Generator,
    tradition: np.ndarray,
    female: np.ndarray,
    surname: pl.Series,
    birth_order: np.ndarray,
) -> pl.Series:
    """Full names for people of the given traditions (codes into :data:`TRADITION_NAMES`).

    ``surname`` is the family surname for each person (empty when the tradition has none;
    women of a tradition with ``female_surname_prefix`` get it before the surname);
    ``birth_order`` (0-based) picks the Balinese birth-order name.
    """
    n = tradition.shape[0]
    first = pl.Series("first", [""] * 0, dtype=pl.String).extend_constant("", n)
    second = first.clone()
    prefix = first.clone()
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
            second = second.scatter(idx, second_pool.draw(rng, k))
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
