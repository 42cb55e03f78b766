"""Candidate pairs by blocking: only records that share a key are compared.

Each key pairs every two records of a block. A block bigger than ``max_block_size`` is not
paired all-to-all (that is quadratic); it is sorted by name key and every record is paired
with the next ``window`` records (sorted neighbourhood), and a notice says so. Nothing is
dropped silently: the block report lists, per key, the blocks, the biggest block and how
many rows were in capped blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from bansos_cli.core import names
from bansos_cli.dedup.compare import IDENTITY_FIELDS
from bansos_cli.dedup.config import Blocking
from bansos_cli.dedup.fields import RID

_KEY_WORKERS = 2
"""Blocking keys paired at once."""


@dataclass(frozen=True)
class BlockingKey:
    """One blocking key: records with the same value of it are compared."""

    name: str
    description: str
    exact: tuple[str, ...]
    """The fields the key needs exactly equal: a pair with any other field wrong is still
    found by it. No default key needs every field."""
    values: Callable[[pl.DataFrame], pl.DataFrame]
    """``base -> (_rid, block)``: the key value(s) of each record (several for the token
    and place keys) from the hashed fields of :func:`_base`; records without a value are
    left out."""
    without_nik: bool = False
    """Only pairs where a row has no NIK: between two rows with NIKs the ``nik`` key (a
    wrong birth date) and ``nama_lahir`` (a wrong NIK digit) already find the pair."""


def _hash(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.is_not_null()).then(expr.hash(seed=0))


def _combined_hash(columns: list[str], seed: int) -> pl.Expr:
    """One 64-bit value for the combination of ``columns`` (nulls included, as one value
    per column): each column hashed with its own seed, the hashes xor-ed. Several times
    cheaper than hashing a struct; a collision only proposes a pair that comparison then
    rejects."""
    hashes = [pl.col(c).hash(seed=seed + k) for k, c in enumerate(columns)]
    return pl.reduce(lambda a, b: a ^ b, hashes)


def _base(prepared: pl.DataFrame) -> pl.DataFrame:
    """The fields the keys are made of, each once, as 64-bit hashes (equal values, equal
    hashes; a collision only proposes a pair that comparison then rejects)."""
    low = list(names.low_information_tokens())
    token = pl.element()
    informative = pl.col("tokens").list.eval(
        token.filter(token.is_in(low).not_() & (token.str.len_chars() > 1)).hash(seed=0)
    )
    id_key = pl.col("id_key")
    half = id_key.str.len_chars() // 2
    halves = pl.when(id_key.str.len_chars() >= 6).then(
        pl.concat_list(
            [(pl.lit("A") + id_key.str.slice(0, half)), (pl.lit("B") + id_key.str.slice(half))]
        ).list.eval(token.hash(seed=0))
    )
    village = pl.when(pl.col("desa_key").is_not_null()).then(
        _combined_hash(["kab_key", "kec_key", "desa_key"], 10)
    )
    region = pl.coalesce(
        pl.when(pl.col("kab_key").is_not_null() & pl.col("kec_key").is_not_null()).then(
            _combined_hash(["kab_key", "kec_key"], 20)
        ),
        _hash(pl.col("nik").str.slice(0, 6)),
    )
    identical = pl.when(pl.col("name_key").is_not_null()).then(_combined_hash(IDENTITY_FIELDS, 30))
    return prepared.select(
        RID,
        identical.alias("identical"),
        _hash(pl.col("nik")).alias("nik"),
        _hash(pl.col("nik").str.slice(0, 6)).alias("nik6"),
        _hash(id_key).alias("id"),
        halves.alias("id_halves"),
        _hash(pl.col("name_key")).alias("name"),
        _hash(pl.col("mother_key")).alias("mother"),
        _hash(pl.col("kk")).alias("kk"),
        pl.col("dob").cast(pl.Int32).alias("dob"),
        pl.col("dob").dt.year().cast(pl.Int32).alias("year"),
        village.alias("village"),
        _hash(pl.col("pos_key")).alias("postcode"),
        region.alias("region"),
        # The keys without a place of their own stay within a kabupaten: across a
        # province, chance agreements on a name token (or the mother's name) and a birth
        # date grow with the square of the list, and they swamp the duplicates (EM then
        # learns "same birth date" as the match class). Rows without a kabupaten (lists
        # without the column, like FEBRL) share one value: nothing changes for them.
        pl.when(pl.col("kab_key").is_not_null())
        .then(pl.col("kab_key").hash(seed=2))
        .otherwise(pl.lit(0, pl.UInt64))
        .alias("kabupaten"),
        informative.alias("tokens"),
        pl.col("is_head"),
    )


def _joined(*columns: str, seed: int = 7) -> pl.Expr:
    """One value for the combination of ``columns``; null when any is null."""
    present = pl.all_horizontal([pl.col(c).is_not_null() for c in columns])
    return pl.when(present).then(pl.struct(list(columns)).hash(seed=seed))


def _places(*other: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Up to two key values per record: the village, and the postcode, each combined with
    ``other`` (one row per place instead of a list column, which costs more to build)."""

    def values(base: pl.DataFrame) -> pl.DataFrame:
        parts = [
            base.select(RID, _joined(place, *other, seed=seed).alias("block"))
            for seed, place in ((7, "village"), (8, "postcode"))
        ]
        return pl.concat(parts).filter(pl.col("block").is_not_null())

    return values


def _single(*columns: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A key made of one value per record: the combination of ``columns``."""
    expr = pl.col(columns[0]) if len(columns) == 1 else _joined(*columns)

    def values(base: pl.DataFrame) -> pl.DataFrame:
        return base.select(RID, expr.alias("block")).filter(pl.col("block").is_not_null())

    return values


def _exploded(many: str, *other: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """One key value per element of the list column ``many``, combined with ``other``."""

    def values(base: pl.DataFrame) -> pl.DataFrame:
        keyed = base.select(RID, many, *other).explode(many).filter(pl.col(many).is_not_null())
        return keyed.select(RID, _joined(many, *other).alias("block")).filter(
            pl.col("block").is_not_null()
        )

    return values


def _heads(base: pl.DataFrame) -> pl.DataFrame:
    return base.filter(pl.col("is_head")).select(RID, pl.col("kk").alias("block")).drop_nulls()


_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey(
        "baris_sama", "identical in every identity field, blanks included (copied rows)",
        ("*",), _single("identical"),
    ),
    BlockingKey("nik", "same NIK", ("nik",), _single("nik")),
    BlockingKey(
        "no_identitas", "same identifier (NO IDENTITAS)", ("no_identitas",), _single("id"),
    ),
    BlockingKey(
        "identitas_sebagian",
        "same first or last half of the identifier (one typo leaves a half intact)",
        ("no_identitas",), _exploded("id_halves"),
    ),
    BlockingKey(
        "nik_prefix_lahir", "same NIK region (first 6 digits) and birth date",
        ("nik", "tanggal_lahir"), _single("nik6", "dob"),
    ),
    BlockingKey(
        "nama_lahir", "same name key and birth date, within one kabupaten",
        ("nama", "tanggal_lahir", "kabupaten"), _single("name", "dob", "kabupaten"),
    ),
    BlockingKey(
        "token_lahir",
        "one informative name token in common and same birth date, within one kabupaten",
        ("tanggal_lahir", "kabupaten"), _exploded("tokens", "dob", "kabupaten"),
    ),
    BlockingKey(
        "lahir_wilayah", "same birth date and village or postcode (any name)",
        ("tanggal_lahir", "wilayah"), _places("dob"),
    ),
    BlockingKey(
        "nama_wilayah",
        "same name key and village or postcode (any birth date), a row without NIK",
        ("nama", "wilayah"), _places("name"), without_nik=True,
    ),
    BlockingKey(
        "token_kodepos", "one informative name token in common and same postcode",
        ("kode_pos",), _exploded("tokens", "postcode"),
    ),
    BlockingKey(
        "token_tahun", "one informative name token in common and same birth year",
        ("tanggal_lahir",), _exploded("tokens", "year"),
    ),
    BlockingKey("nama_tahun", "same name key and birth year", ("nama",), _single("name", "year")),
    BlockingKey("no_kk", "same KK number", ("no_kk",), _single("kk")),
    BlockingKey(
        "nama_kecamatan", "same name key and kecamatan (or NIK region when no kecamatan)",
        ("nama",), _single("name", "region"),
    ),
    BlockingKey(
        "ibu_lahir", "same mother's name key and birth date, within one kabupaten",
        ("nama_ibu", "tanggal_lahir", "kabupaten"), _single("mother", "dob", "kabupaten"),
    ),
    BlockingKey(
        "nama_kk", "same name key and KK number", ("nama", "no_kk"), _single("name", "kk"),
    ),
    # Two heads on one KK: the family is listed twice (keluarga_ganda).
    BlockingKey("kepala_kk", "same KK number, both heads of family", ("no_kk",), _heads),
)  # fmt: skip
KEYS: dict[str, BlockingKey] = {k.name: k for k in _KEYS}
"""The blocking-key registry, by name (``blocking.keys`` in dedup.yaml)."""
KEY_DESCRIPTIONS: dict[str, str] = {k.name: k.description for k in _KEYS}
KEY_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(KEYS)}


@dataclass(frozen=True)
class BlockStats:
    """How one blocking key split the records."""

    key: str
    description: str
    blocks: int
    """Blocks with at least two records."""
    rows: int
    """Records in those blocks."""
    largest: int
    capped_blocks: int
    """Blocks above ``max_block_size`` split by sorted neighbourhood (nothing dropped)."""
    capped_rows: int
    pairs: int
    """Distinct pairs this key proposed."""


def _pairs_for_key(
    keyed: pl.DataFrame,
    sort_keys: pl.Series,
    settings: Blocking,
    needed: pl.Series | None = None,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Distinct pairs ``pair`` (``i << 32 | j``, ``i < j``) of records sharing a block.

    ``needed``: per record, whether a pair needs it (``without_nik`` keys): blocks without
    such a record are left out before pairing, and pairs of two other records after.
    """
    c = pl.col
    sizes = keyed.group_by("block").agg(pl.len().alias("size")).filter(c("size") > 1)
    capped = sizes.filter(c("size") > settings.max_block_size)
    stats = {
        "blocks": sizes.height,
        "rows": int(sizes["size"].sum() or 0),
        "largest": int(sizes["size"].cast(pl.Int64).max() or 0) if sizes.height else 0,  # type: ignore[arg-type]
        "capped_blocks": capped.height,
        "capped_rows": int(capped["size"].sum() or 0),
    }
    keyed = keyed.join(sizes, on="block", how="inner")
    if needed is not None:
        keyed = keyed.with_columns(needed.gather(keyed[RID]).alias("_needed"))
        keyed = keyed.filter(c("_needed").any().over("block"))
    small = keyed.filter(c("size") <= settings.max_block_size).select(RID, "block")
    joined = (
        small.join(small, on="block", suffix="_r")
        .filter(c(RID) < c(f"{RID}_r"))
        .select(c(RID).alias("i"), c(f"{RID}_r").alias("j"))
    )
    parts = [joined]
    big = keyed.filter(c("size") > settings.max_block_size)
    if big.height:
        big = big.with_columns(sort_keys.gather(big[RID]).alias("sort")).sort("block", "sort", RID)
        windowed = [
            big.select(c(RID).alias("a"), c(RID).shift(-step).over("block").alias("b")).drop_nulls()
            for step in range(1, settings.window + 1)
        ]
        parts.append(
            pl.concat(windowed)
            .select(pl.min_horizontal("a", "b").alias("i"), pl.max_horizontal("a", "b").alias("j"))
            .filter(c("i") != c("j"))
        )
    pairs = pl.concat(parts)
    if needed is not None:
        pairs = pairs.filter(needed.gather(pairs["i"]) | needed.gather(pairs["j"]))
    # One 64-bit value per pair: deduplicating and merging the keys' pairs is one hash
    # column instead of two.
    packed = c("i").cast(pl.UInt64) * (1 << 32) + c("j").cast(pl.UInt64)
    return pairs.select(packed.alias("pair")).unique(), stats


def candidate_pairs(
    prepared: pl.DataFrame, settings: Blocking, *, across_only: bool = False
) -> tuple[pl.DataFrame, list[BlockStats]]:
    """Distinct candidate pairs ``(i, j)`` with ``i < j`` and ``keys`` (bitmask of KEY_BITS).

    ``across_only`` (linkage mode): only pairs of records from different input files.
    """
    unknown = [k for k in settings.keys if k not in KEYS]
    if unknown:
        # Config validation lists allowed keys; this guards library callers.
        raise ValueError(f"unknown blocking keys: {unknown}")
    source = prepared["source"].cast(pl.Categorical).to_physical() if across_only else None
    parts = []
    report = []
    no_nik = prepared["nik"].is_null()
    base = _base(prepared)
    sort_keys = prepared["name_key"]

    def for_key(key: str) -> tuple[pl.DataFrame, dict[str, int]]:
        spec = KEYS[key]
        return _pairs_for_key(
            spec.values(base), sort_keys, settings, no_nik if spec.without_nik else None
        )

    # The keys are independent, and much of their work (group-bys, joins of one block
    # column) keeps one core busy: two keys are paired at a time (polars releases the GIL).
    with ThreadPoolExecutor(max_workers=_KEY_WORKERS) as pool:
        per_key = list(pool.map(for_key, settings.keys))
    for key, (pairs, stats) in zip(settings.keys, per_key, strict=True):
        if source is not None:
            i, j = _unpacked(pairs["pair"])
            pairs = pairs.filter(source.gather(i) != source.gather(j))
        report.append(
            BlockStats(key=key, description=KEY_DESCRIPTIONS[key], pairs=pairs.height, **stats)
        )
        parts.append(pairs.with_columns(pl.lit(KEY_BITS[key], pl.UInt32).alias("keys")))
    if not parts:
        empty = pl.DataFrame(schema={"i": pl.UInt32, "j": pl.UInt32, "keys": pl.UInt32})
        return empty, report
    # A key gives each pair once, so the sum of the keys' bits is their union.
    combined = pl.concat(parts).group_by("pair").agg(pl.col("keys").sum()).sort("pair")
    i, j = _unpacked(combined["pair"])
    return pl.DataFrame({"i": i, "j": j, "keys": combined["keys"].cast(pl.UInt32)}), report


def _unpacked(pair: pl.Series) -> tuple[pl.Series, pl.Series]:
    """``(i, j)`` of packed pairs (see :func:`_pairs_for_key`)."""
    return (
        (pair // (1 << 32)).cast(pl.UInt32).alias("i"),
        (pair % (1 << 32)).cast(pl.UInt32).alias("j"),
    )
