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
from bansos_cli.core.messages import Text

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
        # imported here: YAML and pydantic cost start-up time a run without a file skips
        from bansos_cli.core.settings import read_yaml

        raw = read_yaml(source, what=Text("PART_MAPPING_FILE"), hint=Text("PART_MAPPING_HINT"))
    if isinstance(raw, dict) and set(raw) == {"columns"}:
        raw = raw["columns"]
    if not isinstance(raw, dict):
        raise ConfigError.of("MAPPING_NOT_A_TABLE", path=where)
    mapping: dict[str, str] = {}
    for header, name in raw.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError.of("MAPPING_BAD_COLUMN", path=where, header=header, name=name)
        key = header_key(header)
        if not key:
            raise ConfigError.of("MAPPING_EMPTY_HEADER", path=where, header=header)
        mapping[key] = name
    return mapping
