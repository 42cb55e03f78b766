"""Read a delimited text file in batches of rows, for the streaming engine.

:func:`plan_text` makes the decisions the in-memory reader makes from a file's head
(encoding, delimiter, header row, column names) and checks that the file is a plain table:
one header row, every column named, UTF-8, no layout lines (family or section lines,
notes, totals) and nothing split or joined into other columns. It proves this by reading
the head both ways (:func:`~bansos_cli.ingest.text.read_text` and a batch) and comparing.
:meth:`TextPlan.batches` then yields the file's records batch by batch, each exactly the
rows the in-memory reader would give (``row`` is the line the officer sees); a layout line
met later stops the read with :class:`~bansos_cli.core.errors.OptionError`
(``STREAMING_NOT_PLAIN``): such a file is read with ``--engine polars``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bansos_cli.core.columns import ID_COLUMNS, ROW, SHEET, SOURCE
from bansos_cli.core.errors import OptionError
from bansos_cli.core.privacy import mask_digit_runs
from bansos_cli.ingest.derived import join_sex_marks, mark_life_status, split_birth, split_rt_rw
from bansos_cli.ingest.header import CONFIRM_ROWS, SCAN_ROWS, cell_text
from bansos_cli.ingest.layout import lacking_rows, plain_layout
from bansos_cli.ingest.model import ColumnMap, SourceInfo
from bansos_cli.ingest.sources import file_format, precheck
from bansos_cli.ingest.table import _drop_blank_rows
from bansos_cli.ingest.text import (
    _SAMPLE_BYTES,
    _guess,
    _is_utf8,
    read_text,
    sniff_delimiter,
    split_records,
)

STREAMED_FORMATS = ("csv",)
"""The input formats the streaming engine reads batch by batch."""
_HEAD_RECORDS = 2_000
"""Records of the head read both ways to prove a file plain."""


def _refuse(path: Path, row: int | None = None) -> OptionError:
    if row is None:
        return OptionError.of("STREAMING_NOT_PLAIN", path=str(path))
    return OptionError.of("STREAMING_NOT_PLAIN_ROW", path=str(path), row=row)


@dataclass
class TextPlan:
    """How to read one text file batch by batch."""

    path: Path
    label: str
    separator: str
    skip: int
    """Lines before the header row."""
    header_row: int
    columns: list[ColumnMap]
    header_texts: list[str]
    info: SourceInfo

    @property
    def names(self) -> list[str]:
        return [m.column for m in self.columns]

    def _scan(self) -> pl.LazyFrame:
        return (
            pl.scan_csv(
                self.path,
                separator=self.separator,
                has_header=False,
                skip_lines=self.skip,
                infer_schema=False,
                truncate_ragged_lines=False,
                raise_if_empty=False,
                glob=False,
            )
            .with_row_index(ROW, offset=self.header_row)
            .slice(1)
        )

    def raw_batches(
        self, batch_rows: int, columns: list[str] | None = None
    ) -> Iterator[pl.DataFrame]:
        """The file's rows under the header (blank ones included) with ``source``,
        ``sheet`` and ``row``; only ``columns`` (frame names) when given."""
        scan = self._scan()
        # the columns by position (row first), whatever the reader names them
        raw_names = [n for n in scan.collect_schema().names() if n != ROW]
        if len(raw_names) != len(self.names):
            raise _refuse(self.path)
        renames = dict(zip(raw_names, self.names, strict=False))
        picked = [c for c in renames if columns is None or renames[c] in columns]
        lf = scan.select(
            pl.col(ROW).cast(pl.Int64),
            *[pl.col(c).alias(renames[c]) for c in picked],
        )
        try:
            for batch in lf.collect_batches(chunk_size=batch_rows):
                yield batch.with_columns(
                    pl.lit(self.label).alias(SOURCE), pl.lit("").alias(SHEET)
                ).select(SOURCE, SHEET, ROW, *[renames[c] for c in picked])
        except pl.exceptions.PolarsError as exc:
            # polars may quote the line it could not parse: digit runs (NIKs) are masked
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "?"
            raise OptionError.of(
                "STREAMING_READ_FAILED", path=str(self.path), reason=mask_digit_runs(first)
            ) from None

    def batches(self, batch_rows: int) -> Iterator[pl.DataFrame]:
        """The file's records batch by batch, as :func:`~bansos_cli.ingest.read_inputs`
        gives them (blank rows dropped and counted in ``info.empty_rows``). Whether the
        table is plain (no layout line anywhere) is known only at its end: the last step
        raises ``STREAMING_NOT_PLAIN`` if not, so a caller lands nothing before."""
        names = self.names
        self.info.empty_rows = 0
        self.info.rows = 0
        lacking: list[pl.DataFrame] = []
        id_rows: list[pl.Series] = []
        for raw in self.raw_batches(batch_rows):
            data = _drop_blank_rows(raw.drop(SOURCE, SHEET), names)
            self.info.empty_rows += raw.height - data.height
            # the rows without an identifier are kept (every column: a handful) and the
            # row numbers of the others, to decide the layout over the whole table
            without, others = lacking_rows(data, names)
            lacking.append(without)
            id_rows.append(others)
            scratch = SourceInfo(path=str(self.path), format="csv", columns=self.columns)
            data = mark_life_status(
                split_rt_rw(join_sex_marks(split_birth(data, scratch), scratch), scratch), scratch
            )
            if scratch.notices:  # a column split or joined: not a plain table
                raise _refuse(self.path)
            data = data.with_columns(pl.lit(self.label).alias(SOURCE), pl.lit("").alias(SHEET))
            flags = [
                pl.lit(None, dtype=pl.Boolean).alias(f"_num_{c}")
                for c in ID_COLUMNS
                if c in data.columns
            ]
            data = data.with_columns(flags)
            self.info.rows += data.height
            front = (SOURCE, SHEET, ROW)
            yield data.select(*front, *[c for c in data.columns if c not in front])
        every = pl.concat(id_rows) if id_rows else pl.Series(ROW, [], dtype=pl.Int64)
        rest = pl.concat(lacking) if lacking else pl.DataFrame()
        if not plain_layout(rest, every, names, [self.header_texts] * 2, self.info):
            first = int(rest.get_column(ROW).min() or 0) if rest.height else None  # type: ignore[arg-type]
            raise _refuse(self.path, first)


def plan_text(
    path: Path,
    label: str,
    *,
    header_row: int | None,
    mapping: dict[str, str],
    encoding: str | None,
    delimiter: str | None,
) -> TextPlan:
    """The plan to read ``path`` in batches, or :class:`OptionError` when it cannot be
    (not a text file, not UTF-8, not a plain table)."""
    fmt = file_format(path)
    if fmt not in STREAMED_FORMATS or precheck(path, fmt):
        raise OptionError.of("STREAMING_FORMAT", path=str(path), format=fmt)
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if (
        encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "utf-8-sig")
    ) or not _is_utf8(head):
        raise _refuse(path)
    sample = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = sample.split("\n")[: SCAN_ROWS + 20]
    sep = delimiter or sniff_delimiter(lines) or ","
    rows, starts = split_records(lines[: SCAN_ROWS + CONFIRM_ROWS], sep)
    guess = _guess(rows, header_row, mapping)
    # the head, read by the in-memory reader (which also raises its errors about a file
    # without data or a header) and batch by batch: the two must agree
    with tempfile.TemporaryDirectory(prefix="bansos-head-") as tmp:
        head_file = Path(tmp) / path.name
        with path.open("rb") as src, head_file.open("wb") as dst:
            taken = 0
            for line in src:
                dst.write(line)
                taken += 1
                if taken >= (guess.index if guess else 0) + _HEAD_RECORDS:
                    break
        if guess is None:
            read_text(
                path, header_row=header_row, mapping=mapping, encoding=encoding, delimiter=delimiter
            )
            raise _refuse(path)  # read_text raised already; kept for the type checker
        expected, info = read_text(
            head_file,
            header_row=header_row,
            mapping=mapping,
            encoding=encoding,
            delimiter=delimiter,
        )
        plain = (
            not info.notices
            and not info.layout_rows
            and info.encoding in ("utf-8", "utf-8-sig")
            and info.header_row == guess.index + 1
            and all(m.source_header for m in info.columns)
        )
        if not plain:
            raise _refuse(path)
        info.path = str(path)
        header_texts = [cell_text(c) for c in rows[guess.index]]
        plan = TextPlan(
            path, label, sep, starts[guess.index], guess.index + 1, info.columns, header_texts, info
        )
        probe = TextPlan(
            head_file,
            label,
            sep,
            starts[guess.index],
            guess.index + 1,
            info.columns,
            header_texts,
            SourceInfo(path=str(head_file), format="csv"),
        )
        try:
            got = pl.concat(list(probe.batches(_HEAD_RECORDS * 2)), how="vertical")
        except OptionError:
            got = None
        want = expected.with_columns(
            pl.lit(label).alias(SOURCE),
            pl.lit("").alias(SHEET),
            *[
                pl.lit(None, dtype=pl.Boolean).alias(f"_num_{c}")
                for c in ID_COLUMNS
                if c in expected.columns
            ],
        )
        if got is None or not got.select(want.columns).equals(want):
            raise _refuse(path)
    return plan


__all__ = ["STREAMED_FORMATS", "TextPlan", "plan_text"]
