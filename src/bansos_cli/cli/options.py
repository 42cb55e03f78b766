"""Input options shared by every command that reads beneficiary files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from bansos_cli.core.errors import OptionError
from bansos_cli.ingest import ReadOptions

FilesArgument = Annotated[
    list[str],
    typer.Argument(
        help="Input files (.xlsx .xlsm .xls .ods .csv .tsv .txt .parquet), folders or glob "
        "patterns such as 'exports/*.xlsx'.",
        show_default=False,
    ),
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Sheet name or number (1 = first sheet). Default: the sheet that looks most "
        "like a beneficiary list (summary and hidden sheets lose).",
        show_default=False,
    ),
]
HeaderRowOption = Annotated[
    int | None,
    typer.Option(
        "--header-row",
        min=1,
        help="Excel row (or text line) of the column headers. Default: detected.",
        show_default=False,
    ),
]
MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="YAML file mapping headers in the file to column names, e.g. 'NO IDENTITAS: nik'.",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Text files: force an encoding such as utf-8 or cp1252. Default: UTF-8, "
        "falling back to cp1252 with a notice.",
        show_default=False,
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="Table outputs: parquet, csv or both.")]
MaskOption = Annotated[
    bool,
    typer.Option(
        "--mask",
        "--mask-ids",
        help="Mask NIK/KK in the written files (3201**********01); the terminal always is.",
    ),
]
DelimiterOption = Annotated[
    str | None,
    typer.Option(
        "--delimiter",
        help="Text files: force the delimiter (',' ';' 'tab' '|'). Default: detected.",
        show_default=False,
    ),
]


def read_options(
    sheet: str | None,
    header_row: int | None,
    mapping: Path | None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadOptions:
    """Build :class:`ReadOptions` from the shared command-line options."""
    if delimiter is not None and delimiter.lower() in ("tab", "\\t"):
        delimiter = "\t"
    if delimiter is not None and len(delimiter) != 1:
        raise OptionError(
            f"--delimiter must be one character, not {delimiter!r}", hint="use , ; tab or |"
        )
    return ReadOptions(
        sheet=sheet, header_row=header_row, mapping=mapping, encoding=encoding, delimiter=delimiter
    )


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD command-line date (``None`` stays ``None``), or a clear option error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise OptionError(
            f"{option} must be YYYY-MM-DD, not {value!r}", hint="e.g. 2025-07-01"
        ) from None


FORMATS = {"parquet": ("parquet",), "csv": ("csv",), "both": ("parquet", "csv")}


def parse_formats(value: str) -> tuple[str, ...]:
    """``--format parquet|csv|both`` -> the table formats to write."""
    formats = FORMATS.get(value)
    if formats is None:
        raise OptionError(f"--format must be parquet, csv or both, not {value!r}")
    return formats
