"""Vectorised damage: each function turns clean values of the chosen rows into damaged ones.

Functions take the values of the selected rows only (a polars Series or numpy array) and
return the damaged values in the same order. Callers compare old and new values to see which
rows really changed (a one-token name cannot lose a token) and fall back to another kind.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

POW10 = 10 ** np.arange(15, -1, -1, dtype=np.int64)
"""Place value of each of the 16 NIK digits, most significant first."""


def nik_text(values: np.ndarray) -> pl.Series:
    """16-digit zero-padded text of integer NIK/KK values."""
    return pl.Series(values, dtype=pl.Int64).cast(pl.String).str.zfill(16)


def digit_at(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    return (values // POW10[pos]) % 10


def typo_digit(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Replace one digit (anywhere) by a different digit."""
    pos = rng.integers(0, 16, values.size)
    old = digit_at(values, pos)
    new = (old + rng.integers(1, 10, values.size)) % 10
    return values + (new - old) * POW10[pos]


def transpose_digits(rng: np.random.Generator, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Swap two adjacent different digits; returns the values and which rows changed."""
    out = values.copy()
    done = np.zeros(values.size, dtype=bool)
    for _ in range(6):  # a few tries per row: most NIKs have many unequal neighbours
        pos = rng.integers(0, 15, values.size)
        a = digit_at(values, pos)
        b = digit_at(values, pos + 1)
        ok = ~done & (a != b)
        delta = (b - a) * POW10[pos] + (a - b) * POW10[pos + 1]
        out = np.where(ok, values + delta, out)
        done |= ok
    return out, done


def drop_digit(rng: np.random.Generator, text: pl.Series) -> pl.Series:
    pos = pl.Series(rng.integers(0, 16, text.len()), dtype=pl.Int64)
    frame = pl.DataFrame({"t": text, "p": pos})
    return frame.select(
        pl.concat_str(
            [pl.col("t").str.slice(0, pl.col("p")), pl.col("t").str.slice(pl.col("p") + 1)]
        )
    ).to_series()


def scientific(values: np.ndarray) -> pl.Series:
    """What Excel shows for a 16-digit number in a General cell: ``3.20101E+15``."""
    mantissa = pl.Series(values // 10**10, dtype=pl.Int64).cast(pl.String)
    frac = mantissa.str.slice(1).str.strip_chars_end("0")
    return pl.select(
        pl.concat_str(
            [
                mantissa.str.slice(0, 1),
                pl.when(frac != "").then(pl.concat_str([pl.lit("."), frac])).otherwise(pl.lit("")),
                pl.lit("E+15"),
            ]
        )
    ).to_series()


# --- names -----------------------------------------------------------------------------------

TITLES_M = ("H.", "H", "KH.", "DRS.", "IR.", "BPK.", "UST.", "HAJI")
TITLES_F = ("HJ.", "HJ", "NY.", "DRA.", "IBU", "HAJJAH", "NYONYA")
DEGREES = (
    ", S.PD",
    ", S.PD.I",
    ", S.E",
    ", S.H",
    ", S.SOS",
    ", S.AG",
    ", S.KOM",
    " S.PD",
    ", A.MD",
    ", SKM",
    ", S.T",
    ", M.PD",
    ", S.IP",
    ", S.KEP",
)

# (pattern, replacement) tried in order; the first that changes the name wins. Two orders so
# that a name with several candidates does not always get the same variant.
_SPELLING_A = (
    (r"\bMUHAMMAD\b", "MUHAMAD"),
    (r"\bMOHAMMAD\b", "MOCHAMMAD"),
    (r"\bSITI\b", "SITTI"),
    (r"\bNUR\b", "NOOR"),
    (r"\bABDUL\b", "ABDOEL"),
    (r"U([A-Z])", "OE$1"),
    (r"\bJ([AOU])", "DJ$1"),
    (r"\bC([AEIOU])", "TJ$1"),
    (r"NY", "NJ"),
    (r"SY", "SJ"),
    (r"KH", "CH"),
    (r"I\b", "IE"),
    (r"Y([AOU])", "J$1"),
    (r"F", "P"),
    (r"Z", "J"),
    (r"([LMNRST])", "$1$1"),
)
_SPELLING_B = (
    (r"\bMUHAMMAD\b", "MOHAMAD"),
    (r"\bMOHAMMAD\b", "MUHAMMAD"),
    (r"\bSITI\b", "SITY"),
    (r"\bNUR\b", "NURUL"),
    (r"AH\b", "A"),
    (r"I\b", "Y"),
    (r"KH", "H"),
    (r"SY", "S"),
    (r"P", "F"),
    (r"\bU", "OE"),
    (r"([AIUE])H([AIUE])", "$1$2"),
    (r"\bJ", "DJ"),
    (r"E", "I"),
)


def _apply_first(name: pl.Expr, rules: tuple[tuple[str, str], ...]) -> pl.Expr:
    chain: Any = None
    for pattern, repl in rules:
        replaced = name.str.replace(pattern, repl)
        if chain is None:
            chain = pl.when(replaced != name).then(replaced)
        else:
            chain = chain.when(replaced != name).then(replaced)
    assert chain is not None
    return chain.otherwise(name)


def name_spelling(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    group_b = pl.Series(rng.random(names.len()) < 0.5)
    frame = pl.DataFrame({"n": names, "b": group_b})
    return frame.select(
        pl.when(pl.col("b"))
        .then(_apply_first(pl.col("n"), _SPELLING_B))
        .otherwise(_apply_first(pl.col("n"), _SPELLING_A))
    ).to_series()


def name_abbreviation(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    n = pl.col("n")
    tokens = n.str.split(" ")
    k = tokens.list.len()
    initial = pl.concat_str([n.str.slice(0, 1), pl.lit(". "), n.str.replace(r"^\S+\s+", "")])
    middle = pl.concat_str(
        [
            tokens.list.first(),
            pl.lit(" "),
            tokens.list.get(1, null_on_oob=True).str.slice(0, 1),
            pl.lit(". "),
            tokens.list.slice(2).list.join(" "),
        ]
    )
    short_m = pl.Series(rng.choice(["MUH.", "M.", "MOH.", "MHD."], names.len()))
    frame = pl.DataFrame({"n": names, "m": short_m})
    return frame.select(
        pl.when(n.str.contains(r"\b(MUHAMMAD|MOHAMMAD|MOCHAMAD)\b"))
        .then(n.str.replace(r"\b(MUHAMMAD|MOHAMMAD|MOCHAMAD)\b", pl.col("m")))
        .when(n.str.contains(r"\bABDUL\b"))
        .then(n.str.replace(r"\bABDUL\b", "ABD."))
        .when(n.str.contains(r"\bSITI\b"))
        .then(n.str.replace(r"\bSITI\b", "ST."))
        .when(k >= 3)
        .then(middle)
        .when(k == 2)
        .then(initial)
        .otherwise(n)
    ).to_series()


def name_title(rng: np.random.Generator, names: pl.Series, female: np.ndarray) -> pl.Series:
    m = pl.Series(TITLES_M).gather(rng.integers(0, len(TITLES_M), names.len()))
    f = pl.Series(TITLES_F).gather(rng.integers(0, len(TITLES_F), names.len()))
    title = pl.select(pl.when(pl.Series(female)).then(f).otherwise(m)).to_series()
    return pl.select(pl.concat_str([title, pl.lit(" "), names])).to_series()


def name_degree(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    deg = pl.Series(DEGREES).gather(rng.integers(0, len(DEGREES), names.len()))
    return pl.select(pl.concat_str([names, deg])).to_series()


def name_bin_binti(
    rng: np.random.Generator, names: pl.Series, female: np.ndarray, father: pl.Series
) -> pl.Series:
    word = pl.Series(
        np.where(
            female,
            rng.choice([" BINTI ", " BT. ", " BINTI "], names.len()),
            rng.choice([" BIN ", " B. ", " BIN "], names.len()),
        )
    )
    return pl.select(pl.concat_str([names, word, father])).to_series()


def name_token_dropped(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    first = pl.Series(rng.random(names.len()) < 0.5)
    frame = pl.DataFrame({"n": names, "f": first})
    n = pl.col("n")
    return frame.select(
        pl.when(~n.str.contains(" "))
        .then(n)
        .when(pl.col("f"))
        .then(n.str.replace(r"^\S+\s+", ""))
        .otherwise(n.str.replace(r"\s+\S+$", ""))
    ).to_series()


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def name_typo(rng: np.random.Generator, names: pl.Series) -> pl.Series:
    length = names.str.len_chars().to_numpy()
    pos = (rng.random(names.len()) * np.maximum(length, 1)).astype(np.int64)
    letter = pl.Series(list(_LETTERS)).gather(rng.integers(0, 26, names.len()))
    other = pl.Series(list(_LETTERS[1:] + _LETTERS[:1])).gather(
        pl.Series(list(_LETTERS)).search_sorted(letter)
    )
    frame = pl.DataFrame({"n": names, "p": pos, "c": letter, "o": other})
    old = pl.col("n").str.slice(pl.col("p"), 1)
    new = pl.when(old == pl.col("c")).then(pl.col("o")).otherwise(pl.col("c"))
    return frame.select(
        pl.concat_str(
            [pl.col("n").str.slice(0, pl.col("p")), new, pl.col("n").str.slice(pl.col("p") + 1)]
        )
    ).to_series()


def name_variant(
    kind: str,
    rng: np.random.Generator,
    names: pl.Series,
    female: np.ndarray,
    father: pl.Series,
) -> pl.Series:
    """Apply one name damage kind (an ``name_*`` code without the prefix handling)."""
    if kind == "name_title":
        return name_title(rng, names, female)
    if kind == "name_degree":
        return name_degree(rng, names)
    if kind == "name_spelling":
        return name_spelling(rng, names)
    if kind == "name_abbreviation":
        return name_abbreviation(rng, names)
    if kind == "name_bin_binti":
        return name_bin_binti(rng, names, female, father)
    if kind == "name_token_dropped":
        return name_token_dropped(rng, names)
    if kind == "name_typo":
        return name_typo(rng, names)
    raise ValueError(f"unknown name damage {kind!r}")
