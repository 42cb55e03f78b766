"""User column mapping files (``--mapping map.yaml``): source header -> column name.

Format (either form)::

    NAMA KPM: nama          # plain mapping
    columns:                # or under a ``columns`` key
      NO. IDENTITAS: nik

Headers are compared like the built-in synonyms (case, spaces and punctuation ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

from bansos_cli.core.columns import header_key
from bansos_cli.core.errors import ConfigError
from bansos_cli.core.settings import read_yaml

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def load_mapping(source: str | Path | dict[str, str] | None) -> dict[str, str]:
    """Load a mapping (file path or dict) into ``{folded header: column name}``."""
    if source is None:
        return {}
    where = None
    if isinstance(source, dict):
        raw: object = source
    else:
        where = str(source)
        raw = read_yaml(
            source, what="mapping file", hint="write one 'HEADER IN FILE: column_name' per line"
        )
    if isinstance(raw, dict) and set(raw) == {"columns"}:
        raw = raw["columns"]
    if not isinstance(raw, dict):
        raise ConfigError(
            "mapping must be a table of 'HEADER IN FILE: column_name' lines", path=where
        )
    mapping: dict[str, str] = {}
    for header, name in raw.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(
                f"mapping for header {header!r}: {name!r} is not a column name",
                path=where,
                hint="use lower-case snake_case such as nik, no_kk, nama, tanggal_lahir",
            )
        key = header_key(header)
        if not key:
            raise ConfigError(f"mapping has an empty header {header!r}", path=where)
        mapping[key] = name
    return mapping
