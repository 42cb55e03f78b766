"""The command-line grammar: every option that more than one command takes, defined once.

The same name means the same thing on every command. Help texts are catalogue codes
(``data/messages/cli.yaml``), rendered in the language of the run when help is shown; a help
made of two codes is a shared meaning followed by what differs per command (its default).
Nothing here imports a data library: a command imports its pipeline inside its body, so
``--help``, ``--version`` and shell completion start fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bansos_cli.cli.i18n import set_lang
from bansos_cli.core import messages
from bansos_cli.core.errors import OptionError

if TYPE_CHECKING:
    from bansos_cli.ingest import ReadOptions


def resolve_lang(lang: str | None) -> str:
    """The message language: ``--lang``, else ``BANSOS_LANG``, else Indonesian. It becomes the
    language of the errors printed for the rest of the run."""
    chosen = (lang or os.environ.get(messages.LANG_ENV) or messages.DEFAULT_LANG).strip().lower()
    if chosen not in messages.LANGS:
        raise OptionError.of("CLI_UNKNOWN_LANG", value=chosen)
    set_lang(chosen)
    return chosen


# --- inputs -------------------------------------------------------------------------------

FilesArgument = Annotated[
    list[str],
    typer.Argument(metavar="FILE", help="HELP_FILES", show_default=False),
]
SheetOption = Annotated[str | None, typer.Option("--sheet", help="HELP_SHEET", show_default=False)]
HeaderRowOption = Annotated[
    int | None,
    typer.Option("--header-row", min=1, help="HELP_HEADER_ROW", show_default=False),
]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", help="HELP_MAPPING", show_default=False)
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="HELP_ENCODING", show_default=False)
]
DelimiterOption = Annotated[
    str | None, typer.Option("--delimiter", help="HELP_DELIMITER", show_default=False)
]

# --- outputs ------------------------------------------------------------------------------
# --out is always a folder; what lands in it and the default folder differ per command.

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HELP_OUT HELP_OUT_PER_INPUT", show_default=False),
]
"""Commands that always write: default ``bansos-out/<first input name>/``."""
OutIfGivenOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HELP_OUT HELP_OUT_IF_GIVEN", show_default=False),
]
"""Commands that write only when asked (dedup, check, reconcile)."""
PseudonymOutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HELP_OUT HELP_OUT_PSEUDONYMISE", show_default=False),
]
RunOutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HELP_OUT HELP_OUT_RUN", show_default=False),
]
SampleOutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="HELP_OUT HELP_OUT_SAMPLE", show_default=False),
]
FormatOption = Annotated[str, typer.Option("--format", help="HELP_FORMAT")]
RunFormatOption = Annotated[
    str | None,
    typer.Option("--format", help="HELP_FORMAT HELP_DEFAULT_CONFIG", show_default=False),
]
MaskOption = Annotated[bool, typer.Option("--mask/--no-mask", help="HELP_MASK")]
RunMaskOption = Annotated[
    bool | None,
    typer.Option("--mask/--no-mask", help="HELP_MASK HELP_DEFAULT_CONFIG", show_default=False),
]
CsvFormulasOption = Annotated[
    str,
    typer.Option("--csv-formulas", help="HELP_CSV_FORMULAS"),
]
RunCsvFormulasOption = Annotated[
    str | None,
    typer.Option(
        "--csv-formulas",
        help="HELP_CSV_FORMULAS HELP_DEFAULT_CONFIG",
        show_default=False,
    ),
]
NoReportOption = Annotated[bool, typer.Option("--no-report", help="HELP_NO_REPORT")]

# --- dates, rules, exit codes -------------------------------------------------------------

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="HELP_AS_OF HELP_AS_OF_TODAY", show_default=False),
]
RunAsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="HELP_AS_OF HELP_AS_OF_RUN", show_default=False),
]
RulesOption = Annotated[
    list[str] | None,
    typer.Option("--rules", "-r", help="HELP_RULES HELP_RULES_SHIPPED", show_default=False),
]
ParamOption = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", metavar="NAME=VALUE", help="HELP_PARAM", show_default=False),
]
ExplainOption = Annotated[
    str | None,
    typer.Option("--explain", metavar="NIK", help="HELP_EXPLAIN", show_default=False),
]
RunRulesOption = Annotated[
    list[str] | None,
    typer.Option("--rules", "-r", help="HELP_RULES HELP_RULES_RUN", show_default=False),
]
# --fail-on: "exit 1 when the data has this"; the values are each command's own levels.
ValidateFailOnOption = Annotated[
    str, typer.Option("--fail-on", help="HELP_FAIL_ON HELP_FAIL_ON_VALIDATE")
]
RunFailOnOption = Annotated[
    str | None,
    typer.Option("--fail-on", help="HELP_FAIL_ON HELP_FAIL_ON_RUN", show_default=False),
]
CheckFailOnOption = Annotated[
    str, typer.Option("--fail-on", help="HELP_FAIL_ON HELP_FAIL_ON_CHECK")
]
DedupFailOnOption = Annotated[
    str, typer.Option("--fail-on", help="HELP_FAIL_ON HELP_FAIL_ON_DEDUP")
]
ReconcileFailOnOption = Annotated[
    str, typer.Option("--fail-on", help="HELP_FAIL_ON HELP_FAIL_ON_RECONCILE")
]

# --- engines (bansos_cli/pipeline/engines.py) ------------------------------------------------

ENGINE_NAMES = ("auto", "polars", "streaming", "spark")
"""The values of ``--engine``: a copy of ``pipeline.engines.NAMES`` (importing it would load
the library on ``--help``; tests/test_engines.py checks that they match)."""
EngineOption = Annotated[str, typer.Option("--engine", help="HELP_ENGINE")]
SparkMasterOption = Annotated[
    str | None,
    typer.Option("--spark-master", help="HELP_SPARK_MASTER", show_default=False),
]
RunEngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="HELP_ENGINE HELP_ENGINE_RUN", show_default=False),
]

# --- what is printed ----------------------------------------------------------------------

LangOption = Annotated[str | None, typer.Option("--lang", help="HELP_LANG", show_default=False)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="HELP_QUIET")]
JsonOption = Annotated[bool, typer.Option("--json", help="HELP_JSON")]

RENAMED: dict[str, str] = {
    "--reference-date": "--as-of",
    "--mask-ids": "--mask",
}
"""Old option names still accepted (hidden, with a notice on stderr) for one release."""


def read_options(
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Path | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ReadOptions:
    """Build :class:`~bansos_cli.ingest.ReadOptions` from the shared command-line options."""
    from bansos_cli.ingest import ReadOptions

    return ReadOptions(
        sheet=sheet,
        header_row=header_row,
        mapping=mapping,
        encoding=encoding,
        delimiter=parse_delimiter(delimiter),
    )


def parse_delimiter(value: str | None) -> str | None:
    """``--delimiter``: one character, or ``tab``."""
    if value is not None and value.lower() in ("tab", "\\t"):
        return "\t"
    if value is not None and len(value) != 1:
        raise OptionError.of("CLI_BAD_DELIMITER", value=value)
    return value


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """A YYYY-MM-DD command-line date (``None`` stays ``None``), or a clear option error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise OptionError.of("CLI_BAD_DATE", option=option, value=value) from None


def parse_csv_formulas(value: str) -> str:
    """``--csv-formulas neutralise|keep``."""
    from bansos_cli.core.outputset import CSV_FORMULAS

    return parse_choice(value, "--csv-formulas", CSV_FORMULAS)


FORMATS = {"parquet": ("parquet",), "csv": ("csv",), "both": ("parquet", "csv")}


def parse_formats(value: str) -> tuple[str, ...]:
    """``--format parquet|csv|both`` -> the table formats to write."""
    formats = FORMATS.get(value.strip().lower())
    if formats is None:
        raise OptionError.of(
            "CLI_BAD_CHOICE", option="--format", value=value, allowed="parquet, csv, both"
        )
    return formats


def parse_choice(value: str, option: str, allowed: Sequence[str]) -> str:
    """One of ``allowed`` (compared without case), as spelled in ``allowed``."""
    by_key = {a.lower(): a for a in allowed}
    chosen = by_key.get(value.strip().lower())
    if chosen is None:
        raise OptionError.of(
            "CLI_BAD_CHOICE", option=option, value=value, allowed=", ".join(allowed)
        )
    return chosen


def parse_list(values: Sequence[str] | None) -> tuple[str, ...]:
    """Repeatable options that also take comma lists: ``--key nik --key periode`` or
    ``--key nik,periode``; each value once, in order."""
    out: list[str] = []
    for value in values or []:
        out += [v.strip() for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


# --- standard input -----------------------------------------------------------------------

STDIN = "-"
"""An input path that means standard input."""
_MAGIC = ((b"PK\x03\x04", ".xlsx"), (b"\xd0\xcf\x11\xe0", ".xls"), (b"PAR1", ".parquet"))


@contextmanager
def stdin_inputs(paths: Sequence[str]) -> Iterator[list[str]]:
    """``paths`` with ``-`` replaced by a temporary copy of standard input, ``stdin.csv`` (or
    ``stdin.xlsx``/``.xls``/``.parquet`` by its first bytes), read by the normal reader and
    deleted afterwards."""
    if STDIN not in paths:
        yield list(paths)
        return
    if list(paths).count(STDIN) > 1:
        raise OptionError.of("CLI_STDIN_TWICE")
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise OptionError.of("CLI_STDIN_TERMINAL")
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
    suffix = next((s for magic, s in _MAGIC if data.startswith(magic)), ".csv")
    with tempfile.TemporaryDirectory(prefix="bansos-stdin-") as folder:
        copy = Path(folder) / f"stdin{suffix}"
        copy.write_bytes(data)
        yield [str(copy) if p == STDIN else p for p in paths]


# --- renamed options ----------------------------------------------------------------------


def rename_deprecated(args: Sequence[str], known: set[str]) -> tuple[list[str], list[str]]:
    """``args`` with the old option names of :data:`RENAMED` replaced by the new ones (when
    the command has the new one), and the old names that were used."""
    out: list[str] = []
    used: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            out += [arg, *rest]
            break
        name, sep, value = arg.partition("=")
        new = RENAMED.get(name)
        if new is not None and new in known:
            used.append(name)
            arg = f"{new}{sep}{value}"
        out.append(arg)
    return out, list(dict.fromkeys(used))
