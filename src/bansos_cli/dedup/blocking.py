"""Candidate pairs by blocking: only records that share a key are compared.

Each key pairs every two records of a block. A block bigger than ``max_block_size`` is not
paired all-to-all (that is quadratic); it is sorted by name key and every record is paired
with the next ``window`` records (sorted neighbourhood), and a notice says so. Nothing is
dropped silently: the block report lists, per key, the blocks, the biggest block and how
many rows were in capped blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from bansos_cli.core import names
from bansos_cli.dedup.compare import IDENTITY_FIELDS
from bansos_cli.dedup.config import Blocking
from bansos_cli.dedup.fields import RID


@dataclass(frozen=True)
class BlockingKey:
    """One blocking key: records with the same value of it are compared."""

    name: str
    description: str
    exact: tuple[str, ...]
    """The fields the key needs exactly equal: a pair with any other field wrong is still
    found by it. No default key needs every field."""
    values: Callable[[pl.DataFrame], pl.DataFrame]
    """``prepared -> (_rid, block)``: the key value(s) of each record (several for the
    token and region keys); records without a value are left out."""
    without_nik: bool = False
    """Only pairs where a row has no NIK: between two rows with NIKs the ``nik`` key (a
    wrong birth date) and ``nama_lahir`` (a wrong NIK digit) already find the pair."""


def _dob() -> pl.Expr:
    return pl.col("dob").dt.strftime("%Y%m%d")


def _joined(*parts: pl.Expr) -> pl.Expr:
    """Parts joined with ``|``; null when any part is null (no key without every part)."""
    return pl.concat_str(list(parts), separator="|")


def _single(expr: Callable[[], pl.Expr]) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def values(prepared: pl.DataFrame) -> pl.DataFrame:
        return prepared.select(RID, expr().alias("block")).filter(pl.col("block").is_not_null())

    return values


def _exploded(
    many: Callable[[], pl.Expr], other: Callable[[], pl.Expr]
) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """One key value per element of the list ``many()``, joined with ``other()``."""

    def values(prepared: pl.DataFrame) -> pl.DataFrame:
        return (
            prepared.select(RID, many().alias("v"), other().alias("o"))
            .filter(pl.col("o").is_not_null())
            .explode("v")
            .filter(pl.col("v").is_not_null())
            .select(RID, _joined(pl.col("v"), pl.col("o")).alias("block"))
        )

    return values


def _informative_tokens() -> pl.Expr:
    """The name tokens that say something about a person (no SITI, no initials)."""
    low = list(names.low_information_tokens())
    token = pl.element()
    return pl.col("tokens").list.eval(
        token.filter(token.is_in(low).not_() & (token.str.len_chars() > 1))
    )


def _places() -> pl.Expr:
    """Where a record lives, as up to two values: the village (with its kecamatan and
    kabupaten) and the postcode; one wrong leaves the other."""
    village = pl.when(pl.col("desa_key").is_not_null()).then(
        pl.concat_str(
            [pl.lit("D"), pl.col("kab_key"), pl.col("kec_key"), pl.col("desa_key")],
            separator="|",
            ignore_nulls=True,
        )
    )
    postcode = pl.lit("P") + pl.col("pos_key")
    return pl.concat_list([village, postcode]).list.drop_nulls()


def _token_postcodes(prepared: pl.DataFrame) -> pl.DataFrame:
    """One key per informative name token of a record, with its postcode."""
    return (
        prepared.select(RID, _informative_tokens().alias("t"), pl.col("pos_key").alias("p"))
        .explode("t")
        .filter(pl.col("t").is_not_null() & pl.col("p").is_not_null())
        .select(RID, _joined(pl.col("t"), pl.col("p")).alias("block"))
    )


def _id_halves() -> pl.Expr:
    """The identifier's first and last halves: a one-character typo leaves one intact."""
    key = pl.col("id_key")
    half = key.str.len_chars() // 2
    return pl.when(key.str.len_chars() >= 6).then(
        pl.concat_list([pl.lit("A") + key.str.slice(0, half), pl.lit("B") + key.str.slice(half)])
    )


def _nik_region() -> pl.Expr:
    """Kabupaten and kecamatan, else the NIK's region digits (where the NIK was issued)."""
    return pl.coalesce(
        pl.concat_str([pl.col("kab_key"), pl.col("kec_key")], separator="|"),
        pl.col("nik").str.slice(0, 6),
    )


def _identical() -> pl.Expr:
    """One value per distinct set of identity fields (blanks included): copied rows."""
    fields = pl.struct([pl.col(c) for c in IDENTITY_FIELDS]).hash(seed=0).cast(pl.String)
    return pl.when(pl.col("name_key").is_not_null()).then(fields)


_KEYS: tuple[BlockingKey, ...] = (
    BlockingKey(
        "baris_sama", "identical in every identity field, blanks included (copied rows)",
        ("*",), _single(_identical),
    ),
    BlockingKey("nik", "same NIK", ("nik",), _single(lambda: pl.col("nik"))),
    BlockingKey(
        "no_identitas", "same identifier (NO IDENTITAS)", ("no_identitas",),
        _single(lambda: pl.col("id_key")),
    ),
    BlockingKey(
        "identitas_sebagian",
        "same first or last half of the identifier (one typo leaves a half intact)",
        ("no_identitas",),
        _exploded(_id_halves, lambda: pl.lit("")),
    ),
    BlockingKey(
        "nik_prefix_lahir", "same NIK region (first 6 digits) and birth date", ("nik", "dob"),
        _single(lambda: _joined(pl.col("nik").str.slice(0, 6), _dob())),
    ),
    BlockingKey(
        "nama_lahir", "same name key and birth date", ("nama", "tanggal_lahir"),
        _single(lambda: _joined(pl.col("name_key"), _dob())),
    ),
    BlockingKey(
        "token_lahir", "one informative name token in common and same birth date",
        ("tanggal_lahir",), _exploded(_informative_tokens, _dob),
    ),
    BlockingKey(
        "lahir_wilayah", "same birth date and village or postcode (any name)",
        ("tanggal_lahir", "wilayah"), _exploded(_places, _dob),
    ),
    BlockingKey(
        "nama_wilayah",
        "same name key and village or postcode (any birth date), a row without NIK",
        ("nama", "wilayah"), _exploded(_places, lambda: pl.col("name_key")),
        without_nik=True,
    ),
    BlockingKey(
        "token_kodepos", "one informative name token in common and same postcode",
        ("kode_pos",), lambda prepared: _token_postcodes(prepared),
    ),
    BlockingKey(
        "token_tahun", "one informative name token in common and same birth year",
        ("tanggal_lahir",),
        _exploded(_informative_tokens, lambda: pl.col("dob").dt.year().cast(pl.String)),
    ),
    BlockingKey(
        "nama_tahun", "same name key and birth year", ("nama",),
        _single(lambda: _joined(pl.col("name_key"), pl.col("dob").dt.year().cast(pl.String))),
    ),
    BlockingKey("no_kk", "same KK number", ("no_kk",), _single(lambda: pl.col("kk"))),
    BlockingKey(
        "nama_kecamatan", "same name key and kecamatan (or NIK region when no kecamatan)",
        ("nama",), _single(lambda: _joined(pl.col("name_key"), _nik_region())),
    ),
    BlockingKey(
        "ibu_lahir", "same mother's name key and birth date", ("nama_ibu", "tanggal_lahir"),
        _single(lambda: _joined(pl.col("mother_key"), _dob())),
    ),
    BlockingKey(
        "nama_kk", "same name key and KK number", ("nama", "no_kk"),
        _single(lambda: _joined(pl.col("name_key"), pl.col("kk"))),
    ),
    # Two heads on one KK: the family is listed twice (keluarga_ganda).
    BlockingKey(
        "kepala_kk", "same KK number, both heads of family", ("no_kk",),
        _single(lambda: pl.when(pl.col("is_head")).then(pl.col("kk"))),
    ),
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


def _key_frame(prepared: pl.DataFrame, key: str) -> pl.DataFrame:
    """``(_rid, block, sort)`` rows for one blocking key; null keys are left out."""
    values = KEYS[key].values(prepared)
    sort = prepared.select(RID, pl.col("name_key").alias("sort"))
    return values.join(sort, on=RID, how="left")


def _pairs_for_key(keyed: pl.DataFrame, settings: Blocking) -> tuple[pl.DataFrame, dict[str, int]]:
    sizes = keyed.group_by("block").agg(pl.len().alias("size")).filter(pl.col("size") > 1)
    keyed = keyed.join(sizes, on="block", how="inner")
    small = keyed.filter(pl.col("size") <= settings.max_block_size).select(RID, "block")
    joined = (
        small.join(small, on="block", suffix="_r")
        .filter(pl.col(RID) < pl.col(f"{RID}_r"))
        .select(pl.col(RID).alias("i"), pl.col(f"{RID}_r").alias("j"))
    )
    big = keyed.filter(pl.col("size") > settings.max_block_size).sort("block", "sort", RID)
    windowed = [
        big.select(
            pl.col(RID).alias("a"), pl.col(RID).shift(-step).over("block").alias("b")
        ).drop_nulls()
        for step in range(1, settings.window + 1)
    ]
    parts = [joined]
    if big.height:
        both = pl.concat(windowed)
        parts.append(
            both.select(
                pl.min_horizontal("a", "b").alias("i"), pl.max_horizontal("a", "b").alias("j")
            ).filter(pl.col("i") != pl.col("j"))
        )
    pairs = pl.concat(parts).unique()
    capped = sizes.filter(pl.col("size") > settings.max_block_size)
    stats = {
        "blocks": sizes.height,
        "rows": int(sizes["size"].sum() or 0),
        "largest": int(sizes["size"].cast(pl.Int64).max() or 0) if sizes.height else 0,  # type: ignore[arg-type]
        "capped_blocks": capped.height,
        "capped_rows": int(capped["size"].sum() or 0),
    }
    return pairs, stats


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
    for key in settings.keys:
        pairs, stats = _pairs_for_key(_key_frame(prepared, key), settings)
        if source is not None:
            pairs = pairs.filter(source.gather(pairs["i"]) != source.gather(pairs["j"]))
        if KEYS[key].without_nik:
            pairs = pairs.filter(no_nik.gather(pairs["i"]) | no_nik.gather(pairs["j"]))
        report.append(
            BlockStats(key=key, description=KEY_DESCRIPTIONS[key], pairs=pairs.height, **stats)
        )
        parts.append(pairs.with_columns(pl.lit(KEY_BITS[key], pl.UInt32).alias("keys")))
    if not parts:
        empty = pl.DataFrame(schema={"i": pl.UInt32, "j": pl.UInt32, "keys": pl.UInt32})
        return empty, report
    combined = (
        pl.concat(parts).group_by("i", "j").agg(pl.col("keys").sum().cast(pl.UInt32)).sort("i", "j")
    )
    return combined, report
