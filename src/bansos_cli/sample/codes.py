"""Stable problem codes recorded in the truth file (documented in docs/sample-data.md).

Three kinds: *errors* are damage injected into a row (``error_rate`` controls how many rows get
one); *duplicates* mark the extra rows added for a person or family already listed
(``duplicate_rate``); *facts* are true properties of a clean row that checks should notice
but that are not mistakes of the list (a retired region code, a default birth date, ...).
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "nik_excel_truncated": "NIK stored as a number cell, last digit lost to 0 (Excel 15 digits)",
    "nik_scientific": "NIK as the text Excel shows for a big number, e.g. 3.20101E+15",
    "nik_float_suffix": "NIK text with a trailing .0 (float export)",
    "nik_typo_digit": "one NIK digit replaced by another",
    "nik_transposition": "two adjacent, different NIK digits swapped",
    "nik_digit_dropped": "one NIK digit missing (15 digits)",
    "nik_missing": "NIK cell empty",
    "nik_kk_swapped": "NIK and NO KK values swapped in the row",
    "nik_shared": "the row carries the (valid) NIK of another person",
    "kk_excel_truncated": "NO KK stored as a number cell, last digit lost to 0",
    "sex_wrong": "JENIS KELAMIN contradicts the person's sex (and the NIK day)",
    "date_day_month_swapped": "TANGGAL LAHIR written month-first (day <= 12, day != month)",
    "date_format_mixed": "TANGGAL LAHIR in another format than the rest of the column",
    "name_title": "honorific before the name (H., HJ., DRS., NY., ...)",
    "name_degree": "academic degree after the name (, S.PD, , S.E, ...)",
    "name_spelling": "spelling-class variant (MUHAMMAD/MOCHAMAD, SITI/SITTI, U/OE, ...)",
    "name_abbreviation": "a token abbreviated (MUH., ABD., an initial)",
    "name_bin_binti": "patronymic appended (BIN/BINTI + father's name)",
    "name_token_dropped": "first or last token of a multi-token name missing",
    "name_typo": "one letter of the name replaced",
}

DUPLICATE_CODES: dict[str, str] = {
    "dup_exact": "exact copy of another row (ganda identik)",
    "dup_person_other_village": (
        "the same person registered again in another village (new KK and address, a name "
        "variant; NIK the same, mistyped (also nik_typo_digit) or different (nik_different))"
    ),
    "dup_family_split_kk": "a member of a family listed a second time under a new KK (pecah KK)",
}

# Codes that only accompany a duplicate row.
VARIANT_CODES: dict[str, str] = {
    "nik_different": "a second, well-formed NIK that is not the person's own",
}

FACT_CODES: dict[str, str] = {
    "nik_retired_code": "NIK prefix is a retired (pre-split) kecamatan code: legitimate, info",
    "nik_date_differs": "birth date corrected after the NIK was issued: NIK date != TANGGAL LAHIR",
    "birthdate_default": "unknown birth date recorded as 1 July, 31 December or the 15th",
    "deceased": "the person has died (KETERANGAN MENINGGAL where the layout has it)",
    "name_deceased_marker": "the name carries ALM./ALMH. (deceased marker)",
    "job_excluded": "occupation excludes from aid (ASN, TNI, POLRI, BUMN/BUMD employee)",
    "nik_collision": "a damaged NIK happens to equal another person's valid NIK",
}

ALL_CODES: dict[str, str] = {**ERROR_CODES, **DUPLICATE_CODES, **VARIANT_CODES, **FACT_CODES}

NIK_ERROR_CODES: frozenset[str] = frozenset(
    c for c in (*ERROR_CODES, *VARIANT_CODES) if c.startswith("nik_")
)
"""Codes after which the NIK shown in the row is not the person's own valid NIK."""

# Default mix of error kinds among rows chosen for damage (relative weights).
DEFAULT_ERROR_MIX: dict[str, float] = {
    "nik_excel_truncated": 10,
    "nik_scientific": 6,
    "nik_float_suffix": 2,
    "nik_typo_digit": 8,
    "nik_transposition": 5,
    "nik_digit_dropped": 3,
    "nik_missing": 3,
    "nik_kk_swapped": 4,
    "nik_shared": 3,
    "kk_excel_truncated": 4,
    "sex_wrong": 6,
    "date_day_month_swapped": 5,
    "date_format_mixed": 6,
    "name_title": 6,
    "name_degree": 4,
    "name_spelling": 8,
    "name_abbreviation": 5,
    "name_bin_binti": 4,
    "name_token_dropped": 4,
    "name_typo": 8,
}
