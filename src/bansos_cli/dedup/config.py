"""Settings of the duplicate search: field mapping, blocking, thresholds (``dedup.yaml``).

Every setting has a documented default (docs/dedup.md). A YAML file is read safely
(duplicate keys rejected) and validated by pydantic before any data is touched; unknown
keys are errors that name their key path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bansos_cli.core.settings import read_yaml, validate_settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldMap(_Strict):
    """Which column of the input holds which field. Defaults are the canonical names.

    A column that is absent from the data is simply not compared (its evidence is neutral).
    Only ``nama`` is required.
    """

    nik: str | None = "nik"
    nama: str = "nama"
    tanggal_lahir: str | None = "tanggal_lahir"
    jenis_kelamin: str | None = "jenis_kelamin"
    tempat_lahir: str | None = "tempat_lahir"
    nama_ibu_kandung: str | None = "nama_ibu_kandung"
    no_kk: str | None = "no_kk"
    hubungan_keluarga: str | None = "hubungan_keluarga"
    provinsi: str | None = "provinsi"
    kabupaten: str | None = "kabupaten"
    kecamatan: str | None = "kecamatan"
    desa: str | None = "desa"
    alamat: str | None = "alamat"
    rt: str | None = "rt"
    rw: str | None = "rw"
    kode_pos: str | None = "kode_pos"
    no_identitas: str | None = "no_identitas"
    """Any other identifier of the person (ID DTKS, a bank's customer number, a social
    security number): compared with typo levels, no NIK structure assumed."""
    pekerjaan: str | None = "pekerjaan"


KeyName = Literal[
    "baris_sama",
    "nik",
    "no_identitas",
    "identitas_sebagian",
    "nik_prefix_lahir",
    "nama_lahir",
    "token_lahir",
    "lahir_wilayah",
    "nama_wilayah",
    "token_kodepos",
    "token_tahun",
    "nama_tahun",
    "no_kk",
    "nama_kecamatan",
    "ibu_lahir",
    "nama_kk",
    "kepala_kk",
]
"""The names of :data:`bansos_cli.dedup.blocking.KEYS` (a test keeps the two equal)."""


class Blocking(_Strict):
    """Candidate generation: which keys pair records, and how big a block may get."""

    keys: tuple[KeyName, ...] = (
        "baris_sama",
        "nik",
        "no_identitas",
        "identitas_sebagian",
        "nama_lahir",
        "token_lahir",
        "lahir_wilayah",
        "nama_wilayah",
        "token_kodepos",
        "ibu_lahir",
        "nama_kk",
        "kepala_kk",
    )
    """Blocking keys to use (docs/dedup.md lists each). None of the defaults needs every
    field exact: a pair with one wrong field (birth date, a name token, the village, one
    identifier digit) is still found by another key. ``no_kk`` (every two members of a KK)
    is off by default: family members are different people, and the two cases that need
    it (a row copied within its family, two heads on one KK) are ``nama_kk`` and
    ``kepala_kk`` at a twentieth of the pairs."""
    max_block_size: int = Field(default=300, ge=2)
    """A block with more rows is not paired all-to-all: see ``window``."""
    window: int = Field(default=10, ge=1)
    """Oversized blocks are split, not dropped: sorted by name key, each row is paired with
    the next ``window`` rows (sorted neighbourhood)."""


class Thresholds(_Strict):
    """Decisions on the calibrated match probability of a pair."""

    match: float = Field(default=0.95, gt=0, lt=1)
    """At or above: the pair is a duplicate (``keputusan = ganda``)."""
    review: float = Field(default=0.5, gt=0, lt=1)
    """At or above (and below ``match``): reported for review (``keputusan = tinjau``)."""
    same_nik_person_weight: float = 0.0
    """Same NIK: the rows are one person (``nik_sama``) when the evidence of the other fields
    (name, sex, mother, birthplace; a birth date only when it disagrees, since the NIK spells
    it out) weighs at least this, else ``nik_bentrok``."""
    identity_rule: bool = True
    """Pairs scoring at least ``identity`` that agree on the real birth date, mother's name
    and birthplace, with names that are variants of each other and an occupation that does
    not disagree, are duplicates (docs/dedup.md, "Identity rule")."""
    identity: float = Field(default=0.75, gt=0, lt=1)
    """The least match probability for the identity rule (between ``review`` and ``match``:
    the rule settles pairs the score already calls likely, never unlikely ones)."""
    family_min_members: int = Field(default=2, ge=1)
    """Two different KK numbers are one family listed twice when at least this many of their
    members match."""

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.review > self.match:
            raise ValueError("review must not be above match")
        if not self.review <= self.identity <= self.match:
            raise ValueError("identity must be between review and match")
        return self


class Model(_Strict):
    """Fellegi-Sunter model estimation."""

    em_iterations: int = Field(default=40, ge=0, le=1000)
    """Iterations of EM for m and the prior (0: the documented priors)."""
    m_prior_pairs: float = Field(default=200.0, ge=0)
    """How many pseudo-pairs the documented m values weigh in EM (a list with few true
    pairs keeps close to them)."""
    u_sample_pairs: int = Field(default=50_000, ge=1000)
    """Random pairs drawn to estimate how often fields agree by chance."""
    seed: int = 42
    prior: float | None = Field(default=None, gt=0, lt=1)
    """Probability that two random records are the same person; default: estimated by EM."""
    term_frequency: bool = True
    """Adjust the name-agreement weight by how common the name is."""


class Cluster(_Strict):
    max_size: int = Field(default=30, ge=2)
    """Chain guard: a group bigger than this is split by dropping its weakest links."""
    include_review: bool = True
    """Probable NIK typos (``nik_salah_ketik``, always for review) join groups, flagged
    ``perlu_tinjau``. Other pairs below the match threshold never join a group."""


class DedupConfig(_Strict):
    """All settings of ``bansos dedup``."""

    mode: Literal["dedup", "link"] = "dedup"
    """``dedup``: duplicates within and across the inputs. ``link`` (linkage mode): only
    pairs of records from two different inputs (a list against another)."""
    fields: FieldMap = FieldMap()
    blocking: Blocking = Blocking()
    thresholds: Thresholds = Thresholds()
    model: Model = Model()
    cluster: Cluster = Cluster()
    default_dates: tuple[str, ...] = ("07-01", "12-31", "*-15")
    """Birth dates recorded when the real one is unknown (``MM-DD``; ``*-15`` = any 15th)."""


def parse_config(data: Any, *, source: str = "dedup config") -> DedupConfig:
    """Validate a mapping (e.g. parsed YAML) into a :class:`DedupConfig`; list every problem."""
    return validate_settings(DedupConfig, data, source=source, doc="docs/dedup.md")


def load_config(path: str | Path | None) -> DedupConfig:
    """Read ``dedup.yaml`` (``None``: the defaults)."""
    if path is None:
        return DedupConfig()
    return parse_config(read_yaml(path), source=str(path))
