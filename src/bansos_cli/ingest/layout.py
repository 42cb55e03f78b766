"""Rows inside the data area that are not records, as village and office books draw them.

Below the header of a real export there are, besides the records (one person a row):

- **family lines** of a family book (Buku Induk Penduduk): ``No. KK : 5202... | Alamat :
  ..., RT/RW : -/-`` above each family's members (BIP 2016), a ``NO.KK | NAMA.KK | ALAMAT``
  label line with its values on the next line (BIP 2012), or the bare family number in the
  first column (BIP e-KTP); and **section lines** (``DUSUN KRAJAN``, ``RT 001 / RW 002``)
  above the records of a dusun or RT. Their values belong to the records below them;
- **copies of the header** (a report printed page by page and turned back into a sheet; the
  member header repeated for every family) and **rows of column numbers** (``(1) (2) (3)``,
  ``-1 -2 -3``) under each copy;
- **notes**: ``###``, ``Catatan:``, numbered instructions, a signature block, ``JUMLAH`` rows,
  under the data (or a page or subtotal line between the records).

None of these is a person: they are taken out of the records, get no finding, and each kind
is reported in one notice naming its rows, so that every row of the sheet is accounted for.
The values of family and section lines are given to the records below them (only where a
record's own cell is empty) and the Excel row of every record stays the one the officer sees.

Speed: a record is a row with an identifier in its NIK column, tested by one expression over
the column. Only the other rows, a handful in a normal export and the family and section
lines in a family book, are looked at one by one (Python), with a fall-back to the
vectorised checks alone when a sheet has very many of them.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from bansos_cli.core.columns import ROW, canonical_for
from bansos_cli.ingest.family_lines import (
    FIRST_ID,
    KK_CELL,
    KK_LABEL,
    KK_LABELLED,
    LEVELS,
    NUMBERS_ONLY,
    SEPARATORS,
    has_value,
    parse_labelled,
)
from bansos_cli.ingest.header import (
    cell_text,
    id_like,
    is_column_number_row,
    is_header_cell,
)
from bansos_cli.ingest.model import ColumnMap, Notice, SourceInfo
from bansos_cli.ingest.notes import STRONG_MARK, marked, prose

GROUP = "group"
"""A family or section line: its values go to the records below it."""
GROUP_LABEL = "group_label"
"""The label line of a family line (``NO.KK | NAMA.KK | ALAMAT``, BIP 2012)."""
HEADER_COPY = "header_copy"
COLUMN_NUMBERS = "column_numbers"
NOTE = "note"
ROLES = (GROUP_LABEL, GROUP, HEADER_COPY, COLUMN_NUMBERS, NOTE)

_GIVEN_ORDER = (
    "no_kk",
    "alamat",
    "provinsi",
    "kabupaten",
    "kecamatan",
    "desa",
    "dusun",
    "rt",
    "rw",
)
"""The order of the columns added from family and section lines (after the NIK)."""

MAX_CANDIDATES = 50_000
"""Rows without an identifier looked at one by one; beyond this (a sheet whose NIK column is
empty) only the vectorised checks run: header copies and notes under the data."""
TAIL_ROWS = 60
"""Rows at the end of a sheet without a NIK column searched for notes."""


@dataclass
class _Row:
    row: int
    cells: list[str]
    """Every cell as clean text, in frame column order (``""`` when blank)."""
    role: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    tentative: bool = False
    """A group that is one only when records follow it (a section line, a bare number)."""

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(i, t) for i, t in enumerate(self.cells) if t]


_LIST_ROWS = 1_000_000
"""Above this many records, :meth:`_Classifier.record_between` searches the polars Series
instead of a Python list of its row numbers (about 36 bytes a row)."""


class _Classifier:
    def __init__(
        self,
        names: list[str],
        id_column: str,
        header_rows: Sequence[Sequence[str]],
        id_rows: pl.Series,
    ):
        self.names = names
        self.protected = {i for i, n in enumerate(names) if n in ("nik", "no_kk")}
        self.no_pos = names.index("no") if "no" in names else None
        self.id_rows = id_rows
        """Sorted Excel rows of the records that have an identifier."""
        self.header_sets: list[set[str]] = [set() for _ in names]
        joined = [t.upper() for t in header_rows[0]] if header_rows else []
        self.joined = joined
        self.needed = max(2, (sum(1 for t in joined if t) + 1) // 2)
        for texts in header_rows:
            for i, t in enumerate(texts):
                if t:
                    self.header_sets[i].add(t.upper())

    @functools.cached_property
    def _id_list(self) -> list[int]:
        # asked for only when a sheet has layout lines to place (a family book); a bisect
        # on a list answers each of those many small questions faster than a call into polars
        return self.id_rows.to_list()

    @property
    def last_id_row(self) -> int:
        return int(self.id_rows[-1]) if len(self.id_rows) else 0

    def record_between(self, first: int, last: int) -> bool:
        """Is there a record with an identifier on a row in ``(first, last)``?"""
        if len(self.id_rows) > _LIST_ROWS:
            # a Python list of millions of row numbers would take tens of bytes each
            at = int(self.id_rows.search_sorted(first, side="right"))
            return at < len(self.id_rows) and int(self.id_rows[at]) < last
        rows = self._id_list
        at = bisect.bisect_right(rows, first)
        return at < len(rows) and rows[at] < last

    def header_copy(self, row: _Row) -> bool:
        filled = row.filled
        equal = sum(1 for i, t in filled if self.joined and t.upper() == self.joined[i])
        if equal >= self.needed:
            return True
        return len(filled) >= 2 and all(t.upper() in self.header_sets[i] for i, t in filled)

    def labels(self, row: _Row) -> dict[int, str] | None:
        """Positions -> columns of a family label line (``NO.KK | NAMA.KK | ALAMAT``)."""
        filled = row.filled
        if len(filled) < 2 or not all(is_header_cell(t) and not id_like(t) for _, t in filled):
            return None
        known = {i: canonical_for(t) for i, t in filled}
        named = {i: n for i, n in known.items() if n is not None}
        if len(named) < 2 or "no_kk" not in named.values():
            return None
        return named

    def group_values(self, row: _Row, labels: dict[int, str] | None) -> tuple[dict[str, str], str]:
        """The family values of a line and how it was recognised (``labelled``: a NO KK
        label or a label line above; ``bare``: a family number alone; ``section``)."""
        values: dict[str, str] = {}
        kind = "labelled" if labels else ""
        filled = row.filled
        first = SEPARATORS.sub("", filled[0][1]) if filled else ""
        if not (
            labels
            or len(filled) <= 2
            or (len(first) == 16 and first.isdigit())
            or any(KK_LABEL.search(t) for _, t in filled)
        ):
            return values, kind  # a record without a NIK: none of the kinds of line
        leads: list[bool] = []
        for i, text in filled:
            lead, pairs = parse_labelled(text)
            leads.append(not lead)
            if labels and i in labels and labels[i] in LEVELS and has_value(text):
                values.setdefault(labels[i], text)
            for name, value in pairs:
                if name is not None and has_value(value):
                    values.setdefault(name, value)
            if KK_LABEL.search(text):
                kind = "labelled"
        if "no_kk" in values and not id_like(values["no_kk"]):
            # "No. KK : diisi 16 angka" is an instruction, not a family line
            del values["no_kk"]
            kind = "labelled" if labels else ""
        if "no_kk" not in values and row.filled:
            # BIP e-KTP: the family number alone in the line's first cell
            i, text = row.filled[0]
            digits = SEPARATORS.sub("", text)
            sparse = len(row.filled) <= max(3, len(self.names) // 3)
            if i not in self.protected and sparse and len(digits) == 16 and digits.isdigit():
                values["no_kk"] = text
                kind = kind or "bare"
        if not kind and values and len(leads) <= 2 and all(leads):
            kind = "section"
        return values, kind

    def numbered(self, row: _Row) -> bool:
        """A record numbered in the NO column (a person without a NIK, not a note)."""
        if self.no_pos is None or len(row.filled) < 2:
            return False
        return row.cells[self.no_pos].isdigit()


def _row_list(rows: Sequence[int], limit: int = 12) -> str:
    """``7-9, 12, 15`` (ranges of consecutive rows; ``...`` after ``limit`` parts)."""
    parts: list[str] = []
    start = prev = None
    for r in sorted(rows):
        if prev is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = r
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    shown = ", ".join(parts[:limit])
    return shown + (", ..." if len(parts) > limit else "")


def _blank(expr: pl.Expr) -> pl.Expr:
    return expr.is_null() | expr.str.contains(r"^\s*$")


def _id_expr(column: str) -> pl.Expr:
    """Vectorised :func:`bansos_cli.ingest.header.id_like`."""
    col = pl.col(column)
    digits = col.str.replace_all(r"[\s.\-'`]", "").str.contains(r"\d{10}")
    scientific = col.str.contains(r"^\s*\d[.,]\d+\s*[eE]\s*\+?\s*\d{1,2}\s*$")
    return (digits | scientific).fill_null(False)


@dataclass
class Preamble:
    """Rows just above the header (the first family line of a BIP 2012 book sits there)."""

    rows: list[tuple[int, list[str]]]
    """``(Excel row, cells in frame column order)``, top to bottom."""


def apply_layout(
    data: pl.DataFrame,
    columns: list[ColumnMap],
    header_rows: Sequence[Sequence[str]],
    preamble: Preamble | None,
    info: SourceInfo,
) -> pl.DataFrame:
    """``data`` (``row`` + the named columns, blank rows already dropped) without the rows
    that are not records, the values of family and section lines given to the records below
    them; ``info.layout_rows`` lists the rows taken out, by kind, and notices report them.

    ``header_rows`` are the header texts in frame column order (the joined header first,
    then the header rows as written), to recognise copies of the header.
    """
    names = [m.column for m in columns]
    id_column = next((c for c in ("nik", "no_kk") if c in names), None)
    if data.is_empty() or not names:
        return data
    if id_column is None:
        return _without_identifiers(data, names, header_rows, info)
    # positions of the rows that may lack an identifier: ten digits or more that cast to an
    # integer are one (a cast is much cheaper than a regular expression), and only the few
    # other rows are gathered and tested in full (never the whole frame)
    ids = data.get_column(id_column)
    quick = (
        (ids.str.len_bytes() >= 10) & ids.cast(pl.UInt64, strict=False).is_not_null()
    ).fill_null(False)
    maybe = (~quick).arg_true()
    every = data.get_column(ROW)
    if maybe.is_empty():
        # every row a record: only a family line above the header may still apply
        candidates = data.clear()
        id_rows = every
    else:
        rest = ids.gather(maybe).to_frame(id_column)
        lacking = maybe.filter(~rest.select(_id_expr(id_column)).to_series())
        candidates = data[lacking]
        id_rows = every.filter(~pl.repeat(False, len(every), eager=True).scatter(lacking, True))
        last = int(id_rows[-1]) if len(id_rows) else 0
        candidates = candidates.filter(_worth_a_look(names, header_rows, last))
        if candidates.height > MAX_CANDIDATES:
            return _without_identifiers(data, names, header_rows, info)
    skipped, groups = _decide(candidates, names, id_column, header_rows, id_rows, preamble, info)
    if not skipped and not groups:
        return data
    out = data.filter(~pl.col(ROW).is_in(pl.Series(sorted(skipped), dtype=pl.Int64).implode()))
    return _give_values(out, groups, names, info)


def _decide(
    candidates: pl.DataFrame,
    names: list[str],
    id_column: str,
    header_rows: Sequence[Sequence[str]],
    id_rows: pl.Series,
    preamble: Preamble | None,
    info: SourceInfo,
) -> tuple[set[int], list[_Row]]:
    """The rows among ``candidates`` that are not records (recorded in ``info``) and the
    family and section lines that give values to the records below them."""
    classifier = _Classifier(names, id_column, header_rows, id_rows)
    # one Python object per row without an identifier: the handful of layout lines (see the
    # module docstring); records with an identifier never reach Python
    rows = [
        _Row(int(r[0]), [cell_text(v) for v in r[1:]])
        for r in candidates.select(ROW, *names).iter_rows()
    ]
    _classify(rows, classifier)
    groups = _preamble_groups(preamble, classifier, info)
    groups += [r for r in rows if r.role == GROUP]
    _notes(rows, classifier)
    skipped = {r.row for r in rows if r.role is not None}
    if skipped or groups:
        for row in rows:
            if row.role is not None:
                info.layout_rows.setdefault(row.role, []).append(row.row)
    return skipped, groups


def _worth_a_look(names: list[str], header_rows: Sequence[Sequence[str]], last: int) -> pl.Expr:
    """True for a row without an identifier that may be a layout line: few cells, under the
    last record, a NO KK label, a number in the first cell, a mark (``JUMLAH``, ``###``), a
    cell equal to a header cell, or only column numbers. Any other such row is a record
    (a person whose NIK is missing) and never reaches the per-row checks. The cells are
    joined once, so that each pattern is one regular expression over the row."""
    cells = [pl.col(n) for n in names]
    stripped = [c.str.strip_chars() for c in cells]
    filled = [s.str.len_bytes().fill_null(0) > 0 for s in stripped]
    first = pl.coalesce([pl.when(f).then(s) for s, f in zip(stripped, filled, strict=True)])
    joined = pl.concat_str([s.fill_null("") for s in stripped], separator="\x1f")
    texts: list[set[str]] = [set() for _ in names]
    for row in header_rows:
        for i, t in enumerate(row[: len(names)]):
            if t:
                texts[i].add(t.upper())
    copies = [
        s.str.to_uppercase().is_in(sorted(t)) for s, t in zip(stripped, texts, strict=True) if t
    ]
    look = (
        (pl.sum_horizontal([f.cast(pl.UInt16) for f in filled]) <= 3)
        | (pl.col(ROW) > last)
        | joined.str.contains(KK_LABELLED)
        | joined.str.contains(KK_CELL)
        | joined.str.contains(NUMBERS_ONLY)
        | first.str.contains(FIRST_ID)
        | first.str.contains("(?i)" + STRONG_MARK.pattern)
    )
    if copies:
        look = look | pl.any_horizontal(copies)
    return look.fill_null(False)


def _classify(rows: list[_Row], c: _Classifier) -> None:
    """Header copies, column numbers, family label lines and family/section lines."""
    labels: dict[int, str] | None = None
    label_row = -1
    for index, row in enumerate(rows):
        pending, labels = labels, None
        if c.header_copy(row):
            row.role = HEADER_COPY
            continue
        if is_column_number_row(row.cells):
            row.role = COLUMN_NUMBERS
            continue
        found = c.labels(row)
        if found is not None:
            row.role, labels, label_row = GROUP_LABEL, found, row.row
            continue
        # the values of a label line are on the very next row (no record in between)
        given = None
        if pending is not None and not c.record_between(label_row, row.row):
            given = pending
        values, kind = c.group_values(row, given)
        if not kind or not values:
            if given is not None and index > 0:
                rows[index - 1].role = None  # a label line without values is not one
            continue
        row.role, row.values, row.tentative = GROUP, values, kind in ("bare", "section")
    # a section line or a bare number is a group only when records follow it before the
    # next line of the same or a wider area (DUSUN I, RT 01, records: DUSUN I is kept)
    groups = [r for r in rows if r.role == GROUP]
    for i, row in enumerate(groups):
        if not row.tentative:
            continue
        level = _level(row)
        end = next((g.row for g in groups[i + 1 :] if _level(g) <= level), 2**62)
        if not c.record_between(row.row, end):
            row.role, row.values = None, {}


def _level(row: _Row) -> int:
    return min(LEVELS.index(n) for n in row.values)


def _notes(rows: list[_Row], c: _Classifier) -> None:
    """Notes under the last record, and marked notes (``JUMLAH``, ``Halaman 2``) between."""
    last = c.last_id_row
    trailing = [r for r in rows if r.row > last and r.role in (None, NOTE)]
    run: list[_Row] = []
    for row in reversed(trailing):
        first = row.filled[0][1] if row.filled else ""
        texts = [t for _, t in row.filled]
        noted = marked(first) or any(prose(t) for t in texts)
        if not (noted or (len(texts) <= 3 and not c.numbered(row))):
            break
        run.append(row)
    run.reverse()
    start = next(
        (
            i
            for i, row in enumerate(run)
            if row.filled and (marked(row.filled[0][1]) or any(prose(t) for _, t in row.filled))
        ),
        None,
    )
    if start is not None:
        for row in run[start:]:
            row.role = NOTE
    for row in rows:
        if row.role is None and row.row < last and row.filled and len(row.filled) <= 3:
            if STRONG_MARK.match(row.filled[0][1]) and not c.numbered(row):
                row.role = NOTE


def _preamble_groups(preamble: Preamble | None, c: _Classifier, info: SourceInfo) -> list[_Row]:
    """A family line just above the header (BIP 2012: label line, values, member header)."""
    if preamble is None:
        return []
    lines = [_Row(r, cells) for r, cells in preamble.rows if any(cells)][-2:]
    if not lines:
        return []
    if len(lines) == 2 and (labels := c.labels(lines[0])) is not None:
        values, kind = c.group_values(lines[1], labels)
        marked = [(GROUP_LABEL, lines[0].row), (GROUP, lines[1].row)]
    else:
        values, kind = c.group_values(lines[-1], None)
        marked = [(GROUP, lines[-1].row)]
        if kind != "labelled":
            return []
    if not values:
        return []
    for role, row in marked:
        info.layout_rows.setdefault(role, []).append(row)
    return [_Row(lines[-1].row, [], GROUP, values)]


def _give_values(
    data: pl.DataFrame, groups: list[_Row], names: list[str], info: SourceInfo
) -> pl.DataFrame:
    """Give every record the values of the family or section line above it."""
    if not groups:
        return data
    current: dict[str, str] = {}
    table: list[dict[str, object]] = []
    for group in sorted(groups, key=lambda g: g.row):
        top = _level(group)
        current = {k: v for k, v in current.items() if LEVELS.index(k) < top}
        current.update(group.values)
        table.append({ROW: group.row, **current})
    given = [n for n in _GIVEN_ORDER if any(n in t for t in table)]
    frame = pl.DataFrame(
        table, schema={ROW: pl.Int64, **{n: pl.String for n in given}}, orient="row"
    )
    joined = data.select(pl.col(ROW).cast(pl.Int64)).join_asof(
        frame.sort(ROW), on=ROW, strategy="backward"
    )
    updates = []
    added = []
    for name in given:
        value = joined.get_column(name)
        if name in data.columns:
            updates.append(
                pl.when(_blank(pl.col(name)))
                .then(pl.lit(value))
                .otherwise(pl.col(name))
                .alias(name)
            )
        else:
            updates.append(pl.lit(value).alias(name))
            added.append(name)
    out = data.with_columns(updates)
    if added:
        anchor = next((c for c in ("nik", "no_kk", "nama") if c in names), names[0])
        order = [c for c in out.columns if c not in added]
        at = order.index(anchor) + 1
        out = out.select([*order[:at], *added, *order[at:]])
    members = int(joined.select(pl.any_horizontal(pl.col(given).is_not_null()).sum()).item())
    rows = sorted([*info.layout_rows.get(GROUP, []), *info.layout_rows.get(GROUP_LABEL, [])])
    info.notices.append(
        Notice(
            "BARIS_KELUARGA",
            {
                "count": len(rows),
                "rows": _row_list(rows),
                "columns": ", ".join(given),
                "members": members,
            },
        )
    )
    return out


def report_layout(info: SourceInfo) -> None:
    """One notice per kind of row taken out of the data (the family lines are reported
    with their values when they are given to the records)."""

    def rows(role: str) -> dict[str, object] | None:
        found = sorted(info.layout_rows.get(role, []))
        return {"count": len(found), "rows": _row_list(found)} if found else None

    if (copies := rows(HEADER_COPY)) is not None:
        info.notices.append(Notice("JUDUL_BERULANG_DILEWATI", copies))
    if (numbers := rows(COLUMN_NUMBERS)) is not None:
        info.notices.append(Notice("BARIS_NOMOR_KOLOM_DILEWATI", numbers))
    if (notes := rows(NOTE)) is not None:
        info.notices.append(Notice("BLOK_PENUTUP_DILEWATI", notes))
    info.footer_rows = sorted(info.layout_rows.get(NOTE, []))


def _without_identifiers(
    data: pl.DataFrame, names: list[str], header_rows: Sequence[Sequence[str]], info: SourceInfo
) -> pl.DataFrame:
    """A sheet without a NIK or KK column (or with too many rows lacking one): copies of the
    header and notes under the data only, looked for with expressions and in the last rows."""
    joined = [t.upper() for t in header_rows[0]] if header_rows else []
    pairs = [(n, t) for n, t in zip(names, joined, strict=False) if t]
    skipped: set[int] = set()
    if len(pairs) >= 2:
        same = [
            (pl.col(n).str.strip_chars().str.to_uppercase() == t).fill_null(False) for n, t in pairs
        ]
        needed = max(2, (len(pairs) + 1) // 2)
        copies = data.filter(pl.sum_horizontal(same) >= needed).get_column(ROW).to_list()
        if copies:
            info.layout_rows.setdefault(HEADER_COPY, []).extend(copies)
            skipped.update(copies)
    tail = data.tail(TAIL_ROWS).filter(~pl.col(ROW).is_in(pl.Series(sorted(skipped)).implode()))
    rows = [_Row(int(r[0]), [cell_text(v) for v in r[1:]]) for r in tail.select(ROW, *names).rows()]
    if rows:
        classifier = _Classifier(names, names[0], header_rows, pl.Series([], dtype=pl.Int64))
        classifier.protected = set()
        _notes_at_tail(rows, classifier)
        for row in rows:
            if row.role == NOTE:
                info.layout_rows.setdefault(NOTE, []).append(row.row)
                skipped.add(row.row)
    if not skipped:
        return data
    return data.filter(~pl.col(ROW).is_in(pl.Series(sorted(skipped), dtype=pl.Int64).implode()))


def _notes_at_tail(rows: list[_Row], c: _Classifier) -> None:
    """:func:`_notes` for the last rows of a sheet without identifiers. A record cannot be
    told by its NIK there, so the notes must be set apart from the rows above them by a blank
    row, or begin with a JUMLAH/TOTAL/``###`` line."""
    c.id_rows = pl.Series([rows[0].row - 1], dtype=pl.Int64)
    c.__dict__.pop("_id_list", None)
    _notes(rows, c)
    notes = [r for r in rows if r.role == NOTE]
    if not notes:
        return
    above = [r for r in rows if r.row < notes[0].row]
    joined = bool(above) and above[-1].row == notes[0].row - 1
    if joined and not STRONG_MARK.match(notes[0].filled[0][1]):
        for r in notes:
            r.role = None


def lacking_rows(data: pl.DataFrame, names: list[str]) -> tuple[pl.DataFrame, pl.Series]:
    """For one batch of a table (``row`` + ``names``, blank rows dropped): its rows without
    an identifier (every column) and the row numbers of the others, for
    :func:`plain_layout` (None-like empty results without an identifier column)."""
    id_column = next((c for c in ("nik", "no_kk") if c in names), None)
    rows = data.get_column(ROW)
    if id_column is None or data.is_empty():
        return data.clear(), rows
    ids = data.get_column(id_column)
    quick = (
        (ids.str.len_bytes() >= 10) & ids.cast(pl.UInt64, strict=False).is_not_null()
    ).fill_null(False)
    rest = data.filter(~quick)
    lacking = rest.filter(~rest.select(_id_expr(id_column)).to_series())
    if lacking.is_empty():
        return lacking, rows
    return lacking, rows.filter(~rows.is_in(lacking.get_column(ROW).implode()))


def plain_layout(
    lacking: pl.DataFrame,
    id_rows: pl.Series,
    names: list[str],
    header_rows: Sequence[Sequence[str]],
    info: SourceInfo,
) -> bool:
    """Whether :func:`apply_layout` leaves a whole table as it is, decided from its rows
    without an identifier (``lacking``, every column) and the row numbers of the others
    (``id_rows``, in order), both gathered batch by batch (:func:`lacking_rows`)."""
    id_column = next((c for c in ("nik", "no_kk") if c in names), None)
    if id_column is None:
        return False
    if lacking.is_empty():
        return True
    last = int(id_rows[-1]) if len(id_rows) else 0
    candidates = lacking.filter(_worth_a_look(names, header_rows, last))
    if candidates.height > MAX_CANDIDATES:
        return False
    scratch = SourceInfo(path=info.path, format=info.format)
    skipped, groups = _decide(candidates, names, id_column, header_rows, id_rows, None, scratch)
    return not skipped and not groups
