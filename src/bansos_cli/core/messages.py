"""The one message catalogue: every text a user reads, by code, in Bahasa Indonesia and English.

The texts are data, in ``bansos_cli/data/messages/*.yaml`` (one file per domain: ``findings``,
``notices``, ``errors``, ``cli``, ``labels``). Each entry is::

    CODE:
      id: "NIK harus 16 digit ({length} digit)"
      en: "A NIK has 16 digits ({length} here)"
      hint:                         # optional: what to do
        id: "..."
        en: "..."

Placeholders are ``str.format`` fields. ``{n:,}`` formats a number with the thousands
separator of the language (``1.029`` in Bahasa Indonesia, ``1,029`` in English). A parameter
that is itself a :class:`Text` is rendered in the same language (a message quoting another,
e.g. the kind of file in a YAML error); a list or tuple parameter is rendered item by item and
joined with ``"; "``. A missing parameter is a bug and raises :class:`KeyError` (tests fill
every placeholder of every code).

Code carries a :class:`Text` (a code and its parameters) until it is shown; the CLI, the
report and the summaries render it in the chosen language with :meth:`Text.render`.
"""

from __future__ import annotations

import functools
import os
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

LANGS: tuple[str, ...] = ("id", "en")
"""The languages every message exists in; the first is the default."""
DEFAULT_LANG = "id"
LANG_ENV = "BANSOS_LANG"
"""Environment variable that sets the language when ``--lang`` is not given."""


def env_lang() -> str:
    """The language from ``BANSOS_LANG`` when it names a known language, else the default."""
    chosen = (os.environ.get(LANG_ENV) or "").strip().lower()
    return chosen if chosen in LANGS else DEFAULT_LANG


@dataclass(frozen=True)
class Message:
    """One catalogue entry."""

    code: str
    domain: str
    """The catalogue file it comes from (``findings``, ``notices``, ``errors``, ``cli``...)."""
    texts: Mapping[str, str]
    hints: Mapping[str, str] | None = None

    @property
    def params(self) -> frozenset[str]:
        """The placeholder names used by the texts and hints (the same in every language)."""
        names: set[str] = set()
        for template in (*self.texts.values(), *(self.hints or {}).values()):
            names.update(_fields(template))
        return frozenset(names)


def _fields(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


class _Formatter(string.Formatter):
    """``str.format`` with a strict lookup and language-aware thousands separators."""

    def __init__(self, lang: str):
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int):
            raise KeyError(key)
        value = kwargs[key]  # KeyError: a placeholder without a value is a bug
        if isinstance(value, Text):
            return value.render(self.lang)
        if isinstance(value, list | tuple):
            return "; ".join(
                item.render(self.lang) if isinstance(item, Text) else str(item) for item in value
            )
        return value

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if "," in format_spec and self.lang == "id":
            text = text.translate(_SWAP)
        return text


_SWAP = str.maketrans({",": ".", ".": ","})


def format_number(value: int | float, lang: str, decimals: int = 0) -> str:
    """``1029`` -> ``1.029`` (id) / ``1,029`` (en); ``decimals`` digits after the point."""
    return _Formatter(lang).format_field(value, f",.{decimals}f")


def format_rupiah(value: int | float | None, lang: str) -> str:
    """``617400000`` -> ``Rp 617.400.000`` (id) / ``Rp 617,400,000`` (en); ``-`` for none."""
    if value is None:
        return "-"
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {format_number(abs(round(value)), lang)}"


def _read_domain(domain: str) -> dict[str, Message]:
    import yaml  # the catalogue is read on first use, not at start-up

    text = (
        resources.files("bansos_cli.data")
        .joinpath("messages", f"{domain}.yaml")
        .read_text(encoding="utf-8")
    )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(text, Loader=loader) or {}
    entries: dict[str, Message] = {}
    for code, entry in raw.items():
        hint = entry.get("hint")
        entries[str(code)] = Message(
            code=str(code),
            domain=domain,
            texts={lang: str(entry[lang]) for lang in LANGS if lang in entry},
            hints={lang: str(hint[lang]) for lang in LANGS if lang in hint} if hint else None,
        )
    return entries


DOMAINS: tuple[str, ...] = (
    "findings",
    "notices",
    "errors",
    "cli",
    "labels",
    "columns",
    "report",
    "rules",
)
"""The catalogue files, in lookup order (a code is unique across all of them)."""


@functools.cache
def catalogue() -> dict[str, Message]:
    """Every message by code (read once from the package data)."""
    merged: dict[str, Message] = {}
    for domain in DOMAINS:
        try:
            entries = _read_domain(domain)
        except FileNotFoundError:
            continue
        for code, message in entries.items():
            if code in merged:
                raise ValueError(f"message code {code} is in {merged[code].domain} and {domain}")
            merged[code] = message
    return merged


def message(code: str) -> Message:
    """The entry of ``code`` (:class:`KeyError` for an unknown code: a bug)."""
    return catalogue()[code]


def text(code: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The text of ``code`` in ``lang`` with its placeholders filled from ``params``."""
    entry = message(code)
    template = entry.texts.get(lang) or entry.texts[DEFAULT_LANG]
    return _Formatter(lang).vformat(template, (), params)


def hint(code: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str | None:
    """The hint of ``code`` in ``lang`` (``None`` when the entry has none)."""
    entry = message(code)
    if not entry.hints:
        return None
    template = entry.hints.get(lang) or entry.hints[DEFAULT_LANG]
    return _Formatter(lang).vformat(template, (), params)


@dataclass(frozen=True)
class Text:
    """A message not yet rendered: its code and parameters (rendered in any language later)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return text(self.code, lang, **self.params)

    def hint(self, lang: str = DEFAULT_LANG) -> str | None:
        return hint(self.code, lang, **self.params)


COLUMN_LABEL_PREFIX = "COL_"
"""``COL_<name>`` in ``columns.yaml``: the header people read for bansos's column ``name``."""


def column_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """The header shown for an output column: its label (``row`` -> ``BARIS``) when bansos
    names the column, else the name itself (the officer's columns)."""
    code = COLUMN_LABEL_PREFIX + name.upper()
    return text(code, lang) if code in catalogue() else name


@dataclass(frozen=True)
class Notice(Text):
    """Something the user should know that is not a data finding (how a file was read, a
    block of candidates cut short): a code of ``data/messages/notices.yaml`` and its
    parameters. docs/reading-files.md and docs/dedup.md list every code."""

    def text(self, lang: str) -> str:
        """The message in ``lang`` (``id`` or ``en``)."""
        return self.render(lang)


def labels(prefix: str, lang: str) -> Iterator[tuple[str, str]]:
    """``(code, text)`` for every parameterless code starting with ``prefix`` (table headers)."""
    for code, entry in catalogue().items():
        if code.startswith(prefix) and not entry.params:
            yield code, text(code, lang)


__all__ = [
    "DEFAULT_LANG",
    "DOMAINS",
    "LANGS",
    "LANG_ENV",
    "Message",
    "Notice",
    "Text",
    "catalogue",
    "column_label",
    "env_lang",
    "format_number",
    "format_rupiah",
    "hint",
    "labels",
    "message",
    "text",
]
