"""``pseudonymise``: a copy of a list to share, with NIK, KK, names and phone numbers (and
optionally birth dates, places and addresses) replaced by keyed pseudonyms.

Values are normalised before hashing, so the spellings of one value give one pseudonym:
identifiers as :func:`~bansos_cli.core.nik.clean_id` cleans them (spaces, dots, full-width
digits), names and places upper-cased with single spaces, birth dates as ISO dates when they
can be read. Every row and every other column is kept.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from bansos_cli.core import casts
from bansos_cli.core.columns import ID_COLUMNS, META_COLUMNS
from bansos_cli.core.errors import OptionError
from bansos_cli.core.files import atomic_path
from bansos_cli.core.messages import Notice
from bansos_cli.core.nik import clean_id
from bansos_cli.core.outputset import folder_name, output_set
from bansos_cli.core.privacy import (
    MIN_KEY_BYTES,
    identifier_columns,
    mask_id_runs_expr,
    masked_names,
    pseudonymise_series,
)
from bansos_cli.ingest import ReadOptions, SourceInfo, read_inputs
from bansos_cli.output import write_json, write_table
from bansos_cli.pipeline.summaries import PseudonymiseSummary, envelope, finish
from bansos_cli.pipeline.validate import records_for_output

KEY_ENV = "BANSOS_PSEUDONYM_KEY"
"""Environment variable that may hold the secret key instead of ``--key-file``."""
DEFAULT_COLUMNS = ("nik", "no_kk", "nama", "nama_ibu_kandung", "telepon")
"""The direct identifiers, pseudonymised unless ``columns`` says otherwise; birth date and
place and the address stay readable unless named (they carry the analysis)."""
PERSONAL_COLUMNS = (
    "nik",
    "no_kk",
    "nama",
    "nama_ibu_kandung",
    "tanggal_lahir",
    "tempat_lahir",
    "tempat_tanggal_lahir",
    "alamat",
    "telepon",
)
"""Columns that can be pseudonymised (``columns``)."""


@dataclass
class PseudonymiseRun:
    """What :func:`run_pseudonymise` did: the summary and the written files."""

    summary: PseudonymiseSummary
    records: pl.DataFrame
    """The records as written, pseudonymised."""
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    sources: list[SourceInfo] = field(default_factory=list)


def new_key(path: Path, *, force: bool = False) -> Path:
    """Write a new random secret key (32 bytes, hex) to ``path``, readable by its owner only.

    An existing file is never replaced unless ``force``: lists pseudonymised with the old key
    could no longer be matched with new ones.
    """
    if not force and os.path.lexists(path):
        raise OptionError.of("KEY_FILE_EXISTS", path=str(path))
    with atomic_path(path) as tmp:
        tmp.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        os.chmod(tmp, 0o600)
    os.chmod(path, 0o600)
    return Path(path)


def key_file_notice(key_file: Path | None) -> Notice | None:
    """A notice when ``key_file`` may be read by its group or by others (``chmod 600`` fixes
    it); ``None`` for a private file, no file, or a system without such permissions."""
    if key_file is None or os.name != "posix":
        return None
    try:
        mode = stat.S_IMODE(Path(key_file).stat().st_mode)
    except OSError:
        return None  # load_key reports an unreadable file
    if mode & 0o077:
        return Notice("KUNCI_TERBUKA", {"mode": f"{mode:04o}"})
    return None


def load_key(key_file: Path | None) -> bytes:
    """The secret key from ``key_file``, else from :data:`KEY_ENV`; at least 16 bytes."""
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise OptionError.of(
                "KEY_FILE_UNREADABLE",
                path=str(key_file),
                reason=getattr(exc, "strerror", None) or type(exc).__name__,
            ) from None
        where = str(key_file)
    else:
        text = os.environ.get(KEY_ENV, "").strip()
        where = KEY_ENV
        if not text:
            raise OptionError.of("KEY_MISSING", env=KEY_ENV)
    key = text.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise OptionError.of("KEY_TOO_SHORT", path=where, length=len(key), minimum=MIN_KEY_BYTES)
    return key


def _normalised(frame: pl.DataFrame, column: str, identifier: bool = False) -> pl.Series:
    text = pl.col(column).cast(pl.String)
    if identifier or column in ID_COLUMNS:
        return frame.select(clean_id(text.str.strip_chars())).to_series()
    if column == "tanggal_lahir":
        dates = casts.parse_date(frame.get_column(column).cast(pl.String), reference=None)
        iso = dates.get_column("date").dt.strftime("%Y-%m-%d")
        written = frame.select(casts.clean_text(text)).to_series()
        return pl.select(pl.coalesce(iso, written)).to_series().alias(column)
    return frame.select(casts.clean_text(text.str.to_uppercase())).to_series()


def _identifiers_by_content(
    frame: pl.DataFrame, key: bytes, chosen: set[str]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Identifiers outside the named columns, found by content: a column of NIK-like values
    (``NIK IBU``, ``NOMOR KTP LAMA``) is pseudonymised like ``nik``; NIK-like digit runs in
    the other text columns (free text) and in column names are masked."""
    skip = [*META_COLUMNS, *PERSONAL_COLUMNS, *chosen]
    found: dict[str, int] = {}
    replaced = []
    for column in identifier_columns(frame, exclude=skip):
        normal = _normalised(frame, column, identifier=True)
        replaced.append(pseudonymise_series(normal, key))
        found[column] = int(normal.n_unique() - (1 if normal.null_count() else 0))
    frame = frame.with_columns(replaced)
    free = [
        c
        for c, dtype in frame.schema.items()
        if dtype == pl.String and c not in skip and c not in found and not c.startswith("_")
    ]
    frame = frame.with_columns(mask_id_runs_expr(pl.col(c)).alias(c) for c in free)
    return frame.rename(masked_names(frame.columns)), found


def run_pseudonymise(
    paths: Sequence[str | Path],
    *,
    key: bytes,
    out_dir: Path | None = None,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    read_options: ReadOptions | None = None,
    formats: Sequence[str] = ("parquet",),
    csv_formulas: str = "neutralise",
) -> PseudonymiseRun:
    """Read ``paths`` and write ``records`` with ``columns`` pseudonymised, plus a summary.

    ``key`` is the secret (see :func:`load_key`); without it nobody can recompute the
    pseudonyms, and with it two offices get the same pseudonym for the same NIK.
    """
    unknown = [c for c in columns if c not in PERSONAL_COLUMNS]
    if unknown or not columns:
        if not unknown:
            raise OptionError.of("PSEUDONYMISE_NO_COLUMN", columns=", ".join(PERSONAL_COLUMNS))
        raise OptionError.of(
            "PSEUDONYMISE_COLUMN_UNKNOWN", column=unknown[0], columns=", ".join(PERSONAL_COLUMNS)
        )
    if len(key) < MIN_KEY_BYTES:
        raise OptionError.of("KEY_TOO_SHORT", length=len(key), minimum=MIN_KEY_BYTES)
    with output_set(out_dir, inputs=paths, csv_formulas=csv_formulas):
        started = time.perf_counter()
        ingest = read_inputs(list(paths), read_options or ReadOptions())
        frame = ingest.frame
        done: dict[str, int] = {}
        replaced = []
        for column in dict.fromkeys(columns):
            if column not in frame.columns:
                continue
            normal = _normalised(frame, column)
            replaced.append(pseudonymise_series(normal, key))
            done[column] = int(normal.n_unique() - (1 if normal.null_count() else 0))
        if not done:
            raise OptionError.of("PSEUDONYMISE_COLUMNS_ABSENT", columns=", ".join(columns))
        frame = frame.with_columns(replaced)
        if set(columns) & set(ID_COLUMNS):
            frame, found = _identifiers_by_content(frame, key, set(columns))
            done.update(found)
        out = records_for_output(frame, mask=False)
        summary: PseudonymiseSummary = {
            **envelope("pseudonymise", ingest.sources, started=started),
            "rows": out.height,
            "columns": done,
            "method": "HMAC-SHA256, first 16 hex characters, secret key",
        }
        outputs: dict[str, list[Path]] = {}
        if out_dir is not None:
            outputs["records"] = write_table(out, Path(out_dir) / "records", formats)
            outputs["summary"] = [Path(out_dir) / "summary.json"]
            finish(summary, outputs, started=started)
            write_json(summary, Path(out_dir) / "summary.json")
        else:
            finish(summary, outputs, started=started)
        return PseudonymiseRun(summary, out, outputs, list(ingest.sources))


def default_out_dir(paths: Sequence[str | Path]) -> Path:
    """``bansos-out/<stem of the first input>-pseudonim/`` (the command's default)."""
    return Path("bansos-out") / folder_name(paths[0] if paths else "input", "-pseudonim")
