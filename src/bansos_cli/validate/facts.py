"""What the checks that look across rows need to know about a whole input, gathered batch
by batch, so that the rows can then be checked one batch at a time with the results of
checking them all at once.

Two checks look across rows: NIK_GANDA (a NIK on several rows; its detail lists the first
rows with it, in input order) and the day/month ambiguity of dates (a date that reads both
ways is ``ambiguous`` only in a source whose column holds swapped dates somewhere). A
:class:`FactsCollector` sees every batch of the input (a few columns of it) in input order
and gives an :class:`InputFacts` for :func:`~bansos_cli.validate.check_frame`. It holds one
number, one row number and one part index per well-formed NIK (18 bytes a row) and the
distinct texts of each date column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from bansos_cli.core import casts
from bansos_cli.core.vocabulary import RID, ROW, SHEET, SOURCE
from bansos_cli.validate.checks import OTHER_ROWS_SHOWN, duplicate_detail, row_label
from bansos_cli.validate.typed import DATE_COLUMNS, _date_build, _id_columns

_PART = "_part"


@dataclass(frozen=True)
class InputFacts:
    """The whole-input results that every batch is checked with."""

    duplicates: pl.DataFrame
    """``_n_nik`` (UInt64) and ``_detail`` of every NIK on more than one row."""
    swapped: dict[str, list[str]] = field(default_factory=dict)
    """For each date column: the sources whose column holds day/month-swapped dates."""


@dataclass
class FactsCollector:
    """Gathers :class:`InputFacts` from the batches of an input, in input order."""

    reference: dt.date
    _numbers: list[pl.DataFrame] = field(default_factory=list)
    _dates: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    _parts: list[tuple[str, str]] = field(default_factory=list)
    _filled: set[int] = field(default_factory=set)

    def columns(self, available: list[str]) -> list[str]:
        """The columns of a batch that :meth:`add` reads."""
        wanted = {"nik", *DATE_COLUMNS}
        return [SOURCE, SHEET, ROW, *(c for c in available if c in wanted)]

    def add(self, batch: pl.DataFrame) -> None:
        """Take in one batch (``source``, ``sheet``, ``row`` and the columns of
        :meth:`columns`); batches come in input order."""
        if batch.is_empty():
            return
        keys = batch.select(SOURCE, SHEET).unique(maintain_order=True).rows()
        for key in keys:
            if key not in self._parts:
                self._parts.append(key)
        part = pl.col(SOURCE).replace_strict(
            {s: i for i, (s, _h) in enumerate(self._parts)}, return_dtype=pl.UInt16
        )
        # a source has one sheet in a streamed input (a text file): the part is the source
        self._filled.update(batch.select(part.unique()).to_series().to_list())
        if "nik" in batch.columns:
            typed = _id_columns(batch.select(ROW, SOURCE, "nik").with_row_index(RID), "nik")
            self._numbers.append(
                typed.filter(pl.col("_ok_nik")).select(
                    pl.col("_n_nik"), pl.col(ROW).cast(pl.Int64), part.alias(_PART)
                )
            )
        for col in DATE_COLUMNS:
            if col in batch.columns:
                self._dates.setdefault(col, []).append(batch.select(SOURCE, col).unique())

    def finish(self, lang: str) -> InputFacts:
        """The facts of every batch seen."""
        return InputFacts(self._duplicates(lang), self._swapped())

    def _duplicates(self, lang: str) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"_n_nik": pl.UInt64, "_detail": pl.String})
        if not self._numbers:
            return empty
        numbers = pl.concat(self._numbers)
        self._numbers = []
        sorted_ = numbers.get_column("_n_nik").sort()
        repeated = sorted_.filter(sorted_ == sorted_.shift(1)).unique()
        if repeated.is_empty():
            return empty
        filled = sorted(self._filled)
        sources = {self._parts[i][0] for i in filled}
        sheets = {self._parts[i][1] for i in filled}
        label = row_label(len(sources) > 1, len(sheets) > 1)
        names = pl.DataFrame(
            {
                _PART: pl.Series(range(len(self._parts)), dtype=pl.UInt16),
                SOURCE: [s for s, _h in self._parts],
                SHEET: [h for _s, h in self._parts],
            }
        )
        return (
            numbers.filter(pl.col("_n_nik").is_in(repeated.implode()))
            .join(names, on=_PART, how="left", maintain_order="left")
            .select("_n_nik", label.alias("_label"))
            .group_by("_n_nik", maintain_order=True)
            .agg(pl.len().alias("_n"), pl.col("_label").head(OTHER_ROWS_SHOWN).alias("_labels"))
            .select("_n_nik", duplicate_detail(lang).alias("_detail"))
        )

    def _swapped(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for col, parts in self._dates.items():
            texts = pl.concat(parts).unique()
            states = casts.per_distinct(texts, {col: _date_build(col, self.reference)}, group=False)
            swapped = texts.filter(states.get_column(f"_s_{col}") == casts.DATE_SWAPPED)
            out[col] = sorted(swapped.get_column(SOURCE).unique().to_list())
        return out


__all__ = ["FactsCollector", "InputFacts"]
