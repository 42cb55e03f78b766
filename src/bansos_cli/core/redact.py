"""Masking of identifiers in text on its way to a person: the terminal, logs, error messages.

Pure Python (no data library), so the command line can mask everything it prints without
loading polars. :mod:`bansos_cli.core.privacy` holds the vectorised forms for tables, built
on the same definitions.
"""

from __future__ import annotations

import re

KEEP_HEAD = 4
KEEP_TAIL = 2
ID_RUN_DIGITS = 16
"""Digits in a NIK or KK number: a run of this many (or more) is masked wherever it stands."""


def mask_id(value: object) -> str:
    """Mask an identifier for display: ``3201234567890001`` -> ``3201**********01``.

    Short or empty values are masked entirely except their length, so that even a broken
    identifier never leaks.
    """
    if value is None:
        return ""
    text = str(value)
    if len(text) <= KEEP_HEAD + KEEP_TAIL:
        return "*" * len(text)
    return text[:KEEP_HEAD] + "*" * (len(text) - KEEP_HEAD - KEEP_TAIL) + text[-KEEP_TAIL:]


# 16+ digits, a single space, dot or dash allowed between two of them ("3201.0141.0280.0009")
_ID_RUN = re.compile(rf"[0-9](?:[ .\-]?[0-9]){{{ID_RUN_DIGITS - 1},}}")
_DIGIT_RUN = re.compile(r"\d{6,}")


def mask_text(text: str) -> str:
    """``text`` with every run of 16 or more digits (a NIK or KK number, anywhere; also written
    in groups, ``3201.0141.0280.0009``) masked: ``NIK 3201014102800001 salah`` ->
    ``NIK 3201**********01 salah``.

    The one masking function for what reaches the terminal: the command line writes all its
    output through it (errors, notices, tables, third-party error text), and column names
    made of a data row are masked with it in the files.
    """
    return _ID_RUN.sub(lambda m: mask_id(m.group(0)), text)


def mask_digit_runs(text: str) -> str:
    """Stricter, for a fragment of a data row quoted inside a message (a parse error, a
    header cell): every run of six or more digits masked, since a cut-off NIK is shorter
    than 16 digits: ``3201014102`` -> ``3201****02``."""
    return _DIGIT_RUN.sub(lambda m: mask_id(m.group(0)), text)
