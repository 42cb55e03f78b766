"""Name each scored pair: what kind of duplicate it is and what the officer should do.

Classes (DOMAIN.md §7); a pair carries every class it satisfies (``classes``), and its
main class (``class``) is the first of them in :data:`CLASSES` order:

* ``nik_sama`` - same NIK, and the other fields say same person.
* ``nik_bentrok`` - same NIK, but the other fields say different people: a conflict to
  resolve, never a merge (``decision = konflik``).
* ``nik_salah_ketik`` - NIKs one digit or one transposition apart with the same name and
  birth date: a probable typo, always for review (``tinjau``), never automatic.
* ``orang_sama`` - the same person by name, birth date and the other evidence, with
  different NIKs or without one (a list without NIK gets only this class for people).
* ``baris_sama`` - the two rows are identical in every identity field (blanks included):
  a copied row, always a duplicate however many copies there are.
* ``keluarga_ganda`` - the same family twice: one KK with two heads, or two KK numbers
  sharing matched members (the family is listed twice or split).

Decisions (``decision``): ``ganda`` (duplicate), ``tinjau`` (review), ``konflik``.
"""

from __future__ import annotations

import polars as pl

from bansos_cli.dedup.config import Thresholds
from bansos_cli.dedup.fields import RID
from bansos_cli.dedup.levels import (
    JENIS_KELAMIN,
    NAMA,
    NAMA_IBU,
    NIK,
    NO_KK,
    PEKERJAAN,
    TANGGAL_LAHIR,
    TEMPAT_LAHIR,
)

CLASSES: tuple[str, ...] = (
    "nik_sama",
    "nik_bentrok",
    "nik_salah_ketik",
    "orang_sama",
    "baris_sama",
    "keluarga_ganda",
)
PERSON_CLASSES: tuple[str, ...] = ("nik_sama", "nik_salah_ketik", "orang_sama", "baris_sama")
DECISIONS: tuple[str, ...] = ("ganda", "tinjau", "konflik")
RENAMED_CLASSES: dict[str, str] = {"orang_sama_nik_beda": "orang_sama"}
"""Class names of earlier versions and their current names (CHANGELOG)."""


def identity_rule(thresholds: Thresholds) -> pl.Expr:
    """Pairs in the review band that agree on the identity Dukcapil itself checks.

    Birth date (a real one, not a default date), mother's name (``nama ibu kandung``) and
    birthplace all agree, the sex and the occupation do not disagree, and the names are
    variants of each other (level ``mirip`` or closer: a typo, an initial, a dropped
    token, a spelling class). Different people who share the date, the mother and the
    birthplace are twins, and twins get different given names, which this rule does not
    accept.
    """
    return (
        pl.lit(thresholds.identity_rule)
        & (pl.col("skor") >= thresholds.identity)
        & TANGGAL_LAHIR.is_("sama")
        & NAMA_IBU.is_("sama")
        & TEMPAT_LAHIR.is_("sama")
        & JENIS_KELAMIN.disagrees().not_()
        & PEKERJAAN.disagrees().not_()
        & NAMA.at_least("mirip")
    )


def classify_pairs(scored: pl.DataFrame, thresholds: Thresholds) -> pl.DataFrame:
    """Keep the pairs worth reporting, with ``kelas`` (main class), ``classes`` (every
    person class the pair satisfies) and ``keputusan`` (the decision)."""
    c = pl.col
    same_nik = NIK.is_("sama")
    near_nik = NIK.is_("satu_digit")
    identical = c("identik")
    # The NIK spells out the birth date: two rows with one NIK share the date even when a
    # mistyped serial gave another person born that day the same NIK. Between them, the
    # same birth date is no evidence of one person; it counts only against (a date that
    # disagrees).
    person = c("bobot_orang") - c("w_tanggal_lahir").clip(lower_bound=0.0)
    kelas = (
        pl.when(same_nik & ((person >= thresholds.same_nik_person_weight) | identical))
        .then(pl.lit("nik_sama"))
        .when(same_nik)
        .then(pl.lit("nik_bentrok"))
        .when(
            near_nik
            & NAMA.at_least("sangat_mirip")
            & TANGGAL_LAHIR.at_least("sama_tanggal_default")
            & (c("skor") >= thresholds.review)
        )
        .then(pl.lit("nik_salah_ketik"))
        .when((c("skor") >= thresholds.review) | identical)
        .then(pl.lit("orang_sama"))
    )
    keputusan = (
        pl.when(c("kelas") == "nik_bentrok")
        .then(pl.lit("konflik"))
        # A row copied whole is a duplicate however common its name (ganda identik).
        .when(identical)
        .then(pl.lit("ganda"))
        .when(c("kelas") == "nik_sama")
        .then(pl.lit("ganda"))
        .when(c("kelas") == "nik_salah_ketik")
        .then(pl.lit("tinjau"))
        # A NIK one digit off is evidence only for review, never an automatic duplicate.
        # Another NIK and another birth date: too little for an automatic duplicate.
        .when(
            (c("skor") >= thresholds.match)
            & near_nik.not_()
            & TANGGAL_LAHIR.at_least("tahun_beda_satu")
        )
        .then(pl.lit("ganda"))
        # Same real birth date, mother's name and birthplace, and a name that is a variant
        # of the other (docs/dedup.md, "Identity rule"): the same person.
        .when(identity_rule(thresholds) & near_nik.not_())
        .then(pl.lit("ganda"))
        .otherwise(pl.lit("tinjau"))
    )
    classes = pl.concat_list(
        [c("kelas"), pl.when(identical).then(pl.lit("baris_sama"))]
    ).list.drop_nulls()
    return (
        scored.with_columns(kelas.alias("kelas"))
        .filter(c("kelas").is_not_null())
        .with_columns(keputusan.alias("keputusan"), classes.alias("classes"))
    )


def family_pairs(
    prepared: pl.DataFrame, person_pairs: pl.DataFrame, scored: pl.DataFrame, min_members: int
) -> pl.DataFrame:
    """``keluarga_ganda`` pairs ``(i, j, keluarga_cocok)`` between family representatives.

    * one KK with two heads who are different people;
    * two different KK numbers with at least ``min_members`` matched members (a family listed
      twice under two KK numbers, or a split KK listed beside the old one).
    """
    c = pl.col
    fam = prepared.select(RID, "kk", "is_head")
    sizes = (
        fam.filter(c("kk").is_not_null())
        .group_by("kk")
        .agg(
            pl.len().alias("size"),
            # Representative: the (first) head, else the first member.
            c(RID).sort_by([c("is_head").not_(), c(RID)]).first().alias("rep"),
        )
    )
    person_keys = person_pairs.select("i", "j")
    # (a) same KK, two heads, not the same person.
    heads = (
        scored.filter(NO_KK.is_("sama"))
        .select("i", "j")
        .join(person_keys, on=["i", "j"], how="anti")
        .join(fam.select(c(RID).alias("i"), c("is_head").alias("hi")), on="i")
        .join(fam.select(c(RID).alias("j"), c("is_head").alias("hj")), on="j")
        .filter(c("hi") & c("hj"))
        .select("i", "j", pl.lit(1, pl.UInt32).alias("keluarga_cocok"))
    )
    # (b) matched members across two KK numbers.
    linked = (
        person_keys.join(fam.select(c(RID).alias("i"), c("kk").alias("kk_i")), on="i")
        .join(fam.select(c(RID).alias("j"), c("kk").alias("kk_j")), on="j")
        .filter(c("kk_i").is_not_null() & c("kk_j").is_not_null() & (c("kk_i") != c("kk_j")))
        .select(
            pl.min_horizontal("kk_i", "kk_j").alias("kk_a"),
            pl.max_horizontal("kk_i", "kk_j").alias("kk_b"),
            pl.when(c("kk_i") < c("kk_j")).then(c("i")).otherwise(c("j")).alias("row_a"),
            pl.when(c("kk_i") < c("kk_j")).then(c("j")).otherwise(c("i")).alias("row_b"),
        )
        .group_by("kk_a", "kk_b")
        # Distinct members matched on each side: one person listed three times counts once.
        .agg(
            pl.min_horizontal(c("row_a").n_unique(), c("row_b").n_unique())
            .cast(pl.UInt32)
            .alias("keluarga_cocok")
        )
        .join(
            sizes.select(c("kk").alias("kk_a"), c("size").alias("size_a"), c("rep").alias("ra")),
            on="kk_a",
        )
        .join(
            sizes.select(c("kk").alias("kk_b"), c("size").alias("size_b"), c("rep").alias("rb")),
            on="kk_b",
        )
        .filter(c("keluarga_cocok") >= min_members)
        .select(
            pl.min_horizontal("ra", "rb").alias("i"),
            pl.max_horizontal("ra", "rb").alias("j"),
            "keluarga_cocok",
        )
    )
    return pl.concat([heads, linked]).unique(["i", "j"], keep="first").sort("i", "j")
