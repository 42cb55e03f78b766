"""The JSON Schema (draft-07) of the rules-file format, for editor autocompletion."""

from __future__ import annotations

import json
from typing import Any

from bansos_cli.rules.model import RuleFile

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def _to_draft07(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$defs":
                out["definitions"] = _to_draft07(value)
            elif key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            else:
                out[key] = _to_draft07(value)
        return out
    if isinstance(node, list):
        return [_to_draft07(v) for v in node]
    return node


def json_schema() -> dict[str, Any]:
    """The schema as a dict: draft-07 (``definitions``), generated from the pydantic models."""
    schema = _to_draft07(RuleFile.model_json_schema(by_alias=True, mode="validation"))
    schema = {
        "$schema": DRAFT_07,
        "title": "bansos rules file (bansos-rules/1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
    return schema


def json_schema_text() -> str:
    """:func:`json_schema` as indented JSON text."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=False)
