"""Find the header row among title rows and name the columns.

Real exports have title rows, merged title cells and blank rows above the header, and often a
row of column numbers ("1 2 3 ...") below it. The header is the row among the first
:data:`SCAN_ROWS` whose cells best match the known header synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bansos_cli.core.columns import (
    CORE_COLUMNS,
    canonical_for,
    excel_column_letter,
    header_key,
    is_reserved,
    passthrough_name,
)
from bansos_cli.core.privacy import mask_digit_runs
from bansos_cli.ingest.model import ColumnMap

SCAN_ROWS = 100
"""Rows searched for the header: forms put it below 20 or more rows of instructions."""
CONFIRM_ROWS = 12
"""Rows below a candidate header searched for identifiers that confirm it."""
CONFIRM_BONUS = 2.0
MIN_MATCHES = 2
MIN_SCORE = 4.0
HEADER_CELL_WORDS = 8
HEADER_CELL_CHARS = 60
_COLUMN_NUMBER = re.compile(r"^[\(\[]?\s*-?\s*\d{1,3}\s*[\)\]]?\.?$")
_COLUMN_WORD = re.compile(r"^(?:KOLOM|KOL|NO\.?\s*KOLOM)\.?$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s.\-'`]")
_SCIENTIFIC = re.compile(r"^\s*\d[.,]\d+\s*[eE]\s*\+?\s*\d{1,2}\s*$")


@dataclass(frozen=True)
class HeaderGuess:
    index: int
    """0-based index of the header row within the scanned rows."""
    score: float
    matches: tuple[str, ...]
    """Canonical columns the row's cells map to, in column order."""


def cell_text(value: object) -> str:
    """A header cell as clean text (``None`` and blanks become ``""``)."""
    if value is None:
        return ""
    text = str(value).replace("\n", " ").replace("\ufeff", "").strip()
    return re.sub(r"\s+", " ", text)


def id_like(text: str) -> bool:
    """Does a cell hold an identifier (a NIK or KK number, whole or damaged): ten digits or
    more once spaces, dots, dashes and apostrophes are removed, or ``3,20101E+15``?"""
    return bool(re.search(r"\d{10}", _SEPARATORS.sub("", text))) or bool(_SCIENTIFIC.match(text))


def is_header_cell(text: str) -> bool:
    """A header names a column in a few words; a longer cell is a sentence (instructions)."""
    return len(text) <= HEADER_CELL_CHARS and len(text.split()) <= HEADER_CELL_WORDS


def score_row(cells: Sequence[object], mapping: dict[str, str]) -> HeaderGuess:
    """How much a row looks like a beneficiary-list header (index left as -1).

    A row holding an identifier is data and scores nothing; cells that are sentences
    (instructions mentioning "NIK / Nomor KTP") are not header cells and are ignored.
    """
    matches: list[str] = []
    score = 0.0
    for cell in cells:
        text = cell_text(cell)
        if not text:
            continue
        if id_like(text):
            return HeaderGuess(-1, 0.0, ())
        if not is_header_cell(text):
            continue
        name = canonical_for(text, mapping)
        if name is None or name in matches:
            continue
        matches.append(name)
        if header_key(text) in mapping or name in CORE_COLUMNS:
            score += 3.0
        elif name == "no":
            score += 0.5
        else:
            score += 1.0
    return HeaderGuess(-1, score, tuple(matches))


def _nik_position(cells: Sequence[object], mapping: dict[str, str]) -> int | None:
    for i, cell in enumerate(cells):
        text = cell_text(cell)
        if text and is_header_cell(text) and canonical_for(text, mapping) == "nik":
            return i
    return None


def confirmed_by_data(
    rows: Sequence[Sequence[object]], index: int, mapping: dict[str, str]
) -> bool:
    """Do the rows just below row ``index`` hold identifiers under its NIK cell?"""
    position = _nik_position(rows[index], mapping)
    if position is None:
        return False
    for below in rows[index + 1 : index + 1 + CONFIRM_ROWS]:
        if position < len(below) and id_like(cell_text(below[position])):
            return True
    return False


def _header_cells(cells: Sequence[object]) -> int:
    return sum(1 for cell in cells if (text := cell_text(cell)) and is_header_cell(text))


def find_header(rows: Sequence[Sequence[object]], mapping: dict[str, str]) -> HeaderGuess | None:
    """The best header row among the first :data:`SCAN_ROWS` of ``rows``, if any.

    ``rows`` may run :data:`CONFIRM_ROWS` further: a row whose NIK cell has identifiers
    below it is confirmed by the data. A confirmed row scores a bonus and is a header even
    when it names a single other column (``NIK | TANGGAL VAKSIN 1``); any other row needs
    :data:`MIN_MATCHES` known columns and :data:`MIN_SCORE`.
    """
    best: HeaderGuess | None = None
    for index, cells in enumerate(rows[:SCAN_ROWS]):
        guess = score_row(cells, mapping)
        if not guess.matches:
            continue
        confirmed = "nik" in guess.matches and confirmed_by_data(rows, index, mapping)
        enough = len(guess.matches) >= MIN_MATCHES and guess.score >= MIN_SCORE
        if not (enough or (confirmed and _header_cells(cells) >= 2)):
            continue
        score = guess.score + (CONFIRM_BONUS if confirmed else 0.0)
        if best is None or score > best.score:
            best = HeaderGuess(index, score, guess.matches)
    return best


def best_candidate(
    rows: Sequence[Sequence[object]], mapping: dict[str, str]
) -> tuple[int, Sequence[object]] | None:
    """The row that looks most like a header when none qualifies (for the error message):
    the best-scoring row, else the first with two short text cells, else the first with two
    filled cells. ``(0-based index, cells)``."""
    best: tuple[float, int] | None = None
    for index, cells in enumerate(rows[:SCAN_ROWS]):
        guess = score_row(cells, mapping)
        if guess.score > 0 and (best is None or guess.score > best[0]):
            best = (guess.score, index)
    if best is not None:
        return best[1], rows[best[1]]
    for test in (_header_cells, lambda cells: sum(1 for c in cells if cell_text(c))):
        for index, cells in enumerate(rows[:SCAN_ROWS]):
            if test(cells) >= 2:
                return index, cells
    return None


# a cell that holds a value, not a header word: a long digit run (NIK, KK, a year) or a
# column number such as "(3)"
_VALUE_CELL = re.compile(r"\d{3,}|^[\(\[]?\s*-?\s*\d{1,3}\s*[\)\]]?\.?$")


def two_row_header(
    top: Sequence[object], below: Sequence[object], mapping: dict[str, str]
) -> list[str] | None:
    """Header names of a two-row header, or None when the rows do not form one.

    Government templates group columns under a merged cell (``KELAHIRAN`` over ``TEMPAT`` and
    ``TANGGAL``; ``ALAMAT`` over ``RT`` and ``RW``) while other headers span both rows. A
    merged cell holds its text in its first cell only, so a group covers the blank cells to
    its right that have a sub-header below. Each grouped column is named by the first of
    ``<sub> <group>``, ``<group> <sub>``, ``<sub>`` (and ``<sub> LAHIR`` under a birth group)
    that is a known column name; otherwise ``<group> <sub>``. The caller keeps the result
    only when it names more known columns than the single row did.
    """
    tops = [cell_text(c) for c in top]
    subs = [cell_text(c) for c in below]
    if not any(subs) or not any(tops):
        return None
    if any(_VALUE_CELL.search(text) for text in (*tops, *subs) if text):
        return None
    # below a header cell of its own (the next cell to the right has a header too) a
    # sub-header row has nothing: only a merged group's first cell has sub-headers under it
    for i, (head, sub) in enumerate(zip(tops, subs, strict=True)):
        starts_group = i + 1 < len(tops) and not tops[i + 1] and bool(subs[i + 1])
        if head and sub and not starts_group:
            return None
    names: list[str] = []
    group = ""
    for head, sub in zip(tops, subs, strict=True):
        if head:
            group = head
        elif not sub:
            group = ""  # a column blank in both rows ends a merged group
        if not sub:
            names.append(head)
        elif not group:
            names.append(sub)
        else:
            names.append(_grouped_name(group, sub, mapping))
    return names


SEX_MARKS = {"L": "JENIS KELAMIN L", "P": "JENIS KELAMIN P"}
"""Header names of the two mark columns of a ``JENIS KELAMIN`` group over ``L`` and ``P``
(a tick in one of them); ingest turns them into ``jenis_kelamin``."""
_MALE_SUBS = {"L", "LK", "LAKILAKI", "PRIA"}
_FEMALE_SUBS = {"P", "PR", "PEREMPUAN", "WANITA"}


def header_score(names: Sequence[object], mapping: dict[str, str]) -> float:
    """:func:`score_row` of header names, counting a pair of sex mark columns as the
    ``jenis_kelamin`` column they become."""
    if SEX_MARKS["L"] in names and SEX_MARKS["P"] in names:
        names = ["JENIS KELAMIN" if n == SEX_MARKS["L"] else n for n in names]
    return score_row(names, mapping).score


def _grouped_name(group: str, sub: str, mapping: dict[str, str]) -> str:
    if canonical_for(group, mapping) == "jenis_kelamin":
        key = header_key(sub)
        if key in _MALE_SUBS or key in _FEMALE_SUBS:
            return SEX_MARKS["L" if key in _MALE_SUBS else "P"]
    candidates = [f"{sub} {group}", f"{group} {sub}", sub]
    folded = header_key(group)
    if "LAHIR" in folded or folded == "TTL":
        candidates.insert(0, f"{sub} LAHIR")
    for text in candidates:
        if canonical_for(text, mapping) is not None:
            return text
    return f"{group} {sub}"


_ANNOTATION = re.compile(r"^\([^()]{1,24}\)$")


def is_annotation_row(cells: Sequence[object]) -> bool:
    """True for a row of units or formats under the header, every filled cell in brackets:
    ``(L/P)``, ``(dd-mm-yyyy)``, ``(Rp)`` (at least two such cells, no column numbers)."""
    filled = [text for cell in cells if (text := cell_text(cell))]
    return (
        len(filled) >= 2
        and all(_ANNOTATION.match(text) for text in filled)
        and not is_column_number_row(cells)
    )


def is_column_number_row(cells: Sequence[object]) -> bool:
    """True for the row of column numbers government templates put under the header:
    ``1 2 3``, ``(1) (2) (3)``, or ``-1 -2 -3`` (Excel shows a number typed as ``(1)`` as
    minus one), optionally after a ``KOLOM`` cell; at least three, increasing."""
    numbers = []
    filled = [text for cell in cells if (text := cell_text(cell))]
    if filled and _COLUMN_WORD.match(filled[0]):
        filled = filled[1:]
    for text in filled:
        if not _COLUMN_NUMBER.match(text):
            return False
        numbers.append(int(re.sub(r"\D", "", text)))
    return len(numbers) >= 3 and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def name_columns(
    headers: Sequence[object],
    positions: Sequence[int],
    mapping: dict[str, str],
    *,
    excel: bool,
) -> list[ColumnMap]:
    """Name every column: user mapping, then built-in synonyms, else a pass-through name.

    Two headers that map to the same name are both kept: the second becomes ``<name>_2``
    (and so on). A header whose name bansos gives one of its own columns (``STATUS``,
    ``ROW``, ``CLUSTER_ID``... see :func:`bansos_cli.core.vocabulary.is_reserved`) is kept the
    same way, as ``status_2``. Blank headers become ``kolom_<letter>`` (Excel) or ``kolom_<n>``.
    """
    used: set[str] = set()
    result: list[ColumnMap] = []
    for header, position in zip(headers, positions, strict=True):
        text = cell_text(header)
        key = header_key(text)
        via = "passthrough"
        if key and key in mapping:
            name, via = mapping[key], "mapping"
        elif (known := canonical_for(text)) is not None:
            name, via = known, "synonym"
        elif text:
            name = passthrough_name(text)
        else:
            label = excel_column_letter(position).lower() if excel else str(position + 1)
            name = f"kolom_{label}"
        base, n = name, 1
        while name in used or (n == 1 and is_reserved(name)):
            n += 1
            name = f"{base}_{n}"
        if name != base and via != "passthrough":
            via = "duplicate"
        used.add(name)
        result.append(ColumnMap(text, name, via in ("mapping", "synonym"), position, via))
    return result


def shown_cells(cells: Sequence[object], limit: int = 8) -> str:
    """Cells quoted in an error message: long digit runs (NIK, KK) masked, long text cut.

    Used when no header was found, where the row shown may well be data.
    """
    texts = [cell_text(c) for c in cells]
    parts = [mask_digit_runs(text)[:30] for text in texts if text][:limit]
    return " | ".join(parts)
