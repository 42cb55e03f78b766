"""Reading YAML settings files into typed models, with errors a user can act on.

YAML is parsed with a ``SafeLoader`` subclass that rejects duplicate keys (YAML 1.1 keeps the
last one silently); pydantic validation problems are listed all at once with their key path
(``stages.validat: unknown key``). Used by ``bansos.yaml`` and ``dedup.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bansos_cli.core.errors import ConfigError
from bansos_cli.core.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH
from bansos_cli.core.messages import Text

M = TypeVar("M", bound=BaseModel)


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys with their line number."""


class DuplicateKeyError(yaml.YAMLError):
    """A key written twice in one mapping (YAML itself would keep the last silently)."""

    def __init__(self, key: Any, line: int):
        super().__init__(f"duplicate key {key!r} at line {line}")
        self.key = key
        self.line = line


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool | type(None)):
            # a list or mapping as a key (``? [a, b]``): unhashable, and never a setting
            raise yaml.constructor.ConstructorError(
                None, None, "a list or a mapping used as a key", key_node.start_mark
            )
        if key in seen:
            raise DuplicateKeyError(key, key_node.start_mark.line + 1)
        seen.add(key)
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


CONFIG_FILE = Text("PART_CONFIG_FILE")

# What the YAML reader itself refuses (YAML 1.1 printable set): NUL and other controls.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_COLLECTION_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def yaml_shape_problem(text: str) -> tuple[str, dict[str, Any]] | None:
    """Why a YAML text must not be parsed into values, as ``(message code, parameters)``:
    a control character (``YAML_CONTROL_CHARACTER``, with its line), or nesting deeper than
    :data:`~bansos_cli.core.limits.MAX_YAML_DEPTH` (``YAML_TOO_DEEP``, with the line where
    it goes too deep), which would exhaust Python's recursion while building the values.
    ``None`` for a text that may be loaded. Malformed YAML is left to the loader's message.

    The depth is counted on the parser's events, which nest without recursion.
    """
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        return "YAML_CONTROL_CHARACTER", {"line": line, "char": f"U+{ord(bad.group()):04X}"}
    depth = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, _COLLECTION_START):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    return "YAML_TOO_DEEP", {"line": line, "limit": MAX_YAML_DEPTH}
            elif isinstance(event, _COLLECTION_END):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml stops at its own depth limit (1000)
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            return "YAML_TOO_DEEP", {"line": line, "limit": MAX_YAML_DEPTH}
        return None  # the loader reports it with its line
    return None


def check_yaml_size(size: int, where: str, what: Text) -> None:
    """Refuse a YAML file larger than :data:`~bansos_cli.core.limits.MAX_YAML_BYTES`."""
    if size > MAX_YAML_BYTES:
        raise ConfigError.of(
            "YAML_TOO_LARGE", path=where, what=what, size=size, limit=MAX_YAML_BYTES
        )


def read_yaml(path: str | Path, *, what: Text = CONFIG_FILE, hint: Text | None = None) -> Any:
    """Parse a YAML file safely; missing, unreadable or broken files raise :class:`ConfigError`.

    ``what`` names the file in messages (``mapping file is not valid YAML at line 2``);
    ``hint``, when given, replaces the hint of a broken-YAML message.
    """
    path = Path(path)
    where = str(path)
    try:
        if path.is_file():
            check_yaml_size(path.stat().st_size, where, what)
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError.of("YAML_NOT_FOUND", path=where, what=what) from None
    except UnicodeDecodeError:
        raise ConfigError.of("YAML_NOT_UTF8", path=where, what=what) from None
    except OSError as exc:
        raise ConfigError.of(
            "YAML_UNREADABLE", path=where, what=what, reason=exc.strerror or type(exc).__name__
        ) from None
    if (problem := yaml_shape_problem(text)) is not None:
        code, params = problem
        raise ConfigError.of(code, path=where, what=what, **params)
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as exc:
        raise ConfigError.of(
            "YAML_DUPLICATE_KEY", path=where, hint=hint, what=what, key=exc.key, line=exc.line
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise ConfigError.of("YAML_INVALID_NO_LINE", path=where, hint=hint, what=what) from None
        raise ConfigError.of(
            "YAML_INVALID", path=where, hint=hint, what=what, line=mark.line + 1
        ) from None


def key_path(loc: tuple[Any, ...]) -> str:
    """``('stages', 'validat')`` -> ``stages.validat``."""
    return ".".join(str(part) for part in loc) or "(root)"


def validate_settings(model: type[M], data: Any, *, source: str, doc: str) -> M:
    """Validate parsed YAML into ``model``; every problem is listed, each with its key path.

    ``None`` (an empty file) gives the model's defaults. ``doc`` names the page that lists the
    allowed keys (used in the hint).
    """
    if data is None:
        return model()
    if not isinstance(data, dict):
        raise ConfigError.of("SETTINGS_NOT_A_MAPPING", path=source, doc=doc)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = key_path(err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append(Text("PART_UNKNOWN_KEY", {"key": where}))
            else:  # pydantic's own sentence (English)
                problems.append(Text("PART_BAD_VALUE", {"key": where, "problem": err["msg"]}))
        raise ConfigError.of("SETTINGS_INVALID", path=source, doc=doc, problems=problems) from None
