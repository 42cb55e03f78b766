"""What ingest returns: one text frame plus what was learned about each source."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from bansos_cli.core.messages import Notice

__all__ = ["Notice"]  # re-exported: ingest's notices are the common kind (core.messages)


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of a workbook as seen while choosing the data sheet."""

    name: str
    index: int
    rows: int | None
    """Rows in the sheet's used range, title and blank rows included (None: not read)."""
    visible: bool
    score: float
    """How well the best header row of this sheet matches the beneficiary columns."""
    header_row: int | None
    """The Excel row (1-based) of the best header candidate, if any."""


@dataclass(frozen=True)
class ColumnMap:
    """How one source column became a frame column."""

    source_header: str
    """The header text as it appears in the file (``""`` when blank)."""
    column: str
    """Name of the column in the frame."""
    canonical: bool
    """True when ``column`` is a canonical name (see ``core.columns``), False for pass-through."""
    position: int
    """0-based position of the column in the source (Excel: absolute column index)."""
    via: str
    """``mapping`` (user file), ``synonym`` (built-in table) or ``passthrough``."""


@dataclass
class SourceInfo:
    """Everything learned about one input file (one sheet of it)."""

    path: str
    format: str
    """``xlsx``, ``xlsm``, ``xls``, ``ods``, ``csv``, ``parquet``."""
    source: str = ""
    """The ``_source`` value of this input's records: the file name, with as many parent
    folders as needed to tell apart files of the same name (``kec_a/daftar.xlsx``)."""
    sheet: str | None = None
    sheet_reason: str = ""
    sheets: list[SheetInfo] = field(default_factory=list)
    header_row: int | None = None
    """Excel row / CSV line (1-based) of the header; ``None`` for Parquet."""
    header_reason: str = ""
    columns: list[ColumnMap] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    """Records kept (non-empty data rows)."""
    empty_rows: int = 0
    """Blank data rows below the header that were skipped (counted, never silently lost)."""
    footer_rows: list[int] = field(default_factory=list)
    """Rows under the data that hold a signature or totals block (skipped, with a notice)."""
    number_cells: dict[str, int] = field(default_factory=dict)
    """For identifier columns: how many cells were stored as numbers in the workbook."""
    notices: list[Notice] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        """Source headers kept as pass-through columns."""
        return [c.source_header for c in self.columns if not c.canonical]

    def summary(self) -> dict[str, object]:
        """The JSON-ready line of this input in ``summary.json`` (no personal data)."""
        return {
            "path": self.path,
            "format": self.format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows,
            "empty_rows": self.empty_rows,
            "notices": [n.code for n in self.notices],
        }


@dataclass
class IngestResult:
    """The records of all inputs in one text frame, plus per-source metadata.

    ``frame`` holds every canonical and pass-through column as ``pl.String`` (no value ever
    passes through a float), plus ``_source`` (file name), ``_sheet`` and ``_row`` (the Excel
    row or CSV line the officer sees). For each identifier column present (``nik``, ``no_kk``)
    there is a Boolean ``_num_<column>`` column: True where the workbook stored the cell as a
    number (Excel damage is likely), False where it was text, null where unknown.
    """

    frame: pl.DataFrame
    sources: list[SourceInfo]

    @property
    def rows(self) -> int:
        return self.frame.height

    @property
    def empty_rows(self) -> int:
        return sum(s.empty_rows for s in self.sources)
