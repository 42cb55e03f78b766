"""Reading YAML settings files into typed models, with errors a user can act on.

YAML is parsed with a ``SafeLoader`` subclass that rejects duplicate keys (YAML 1.1 keeps the
last one silently); pydantic validation problems are listed all at once with their key path
(``stages.validat: unknown key``). Used by ``bansos.yaml`` and ``dedup.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bansos_cli.core.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys with their line number."""


def _construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ConfigError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str | Path, *, what: str = "config file", hint: str | None = None) -> Any:
    """Parse a YAML file safely; missing, unreadable or broken files raise :class:`ConfigError`.

    ``what`` names the file in messages (``mapping file is not valid YAML at line 2``).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"cannot read the {what}: it does not exist", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read the {what}: it is not UTF-8 text", path=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} ({exc.strerror})", path=str(path)) from None
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except ConfigError as exc:
        raise ConfigError(f"{what}: {exc.detail}", path=str(path), hint=hint) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{what} is not valid YAML{where}", path=str(path), hint=hint) from None


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
        raise ConfigError("must be a mapping of settings", path=source, hint=f"see {doc}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = key_path(err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown key")
            else:
                problems.append(f"{where}: {err['msg']}")
        raise ConfigError(
            "; ".join(problems), path=source, hint=f"see {doc} for the allowed keys"
        ) from None
