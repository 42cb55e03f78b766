"""Read rules files: safe YAML with line numbers, YAML 1.1 traps, includes, typed models.

YAML is read with a subclass of ``yaml.SafeLoader`` (only plain data, never Python objects).
Before constructing values, the node tree is walked to record the line of every key path,
to reject duplicate keys, anchors/aliases and YAML 1.1 traps (``NO`` -> false, ``0101`` ->
65, ``1:30`` -> 90), each of which silently changes what the author wrote.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bansos_cli.core.errors import ConfigError
from bansos_cli.core.limits import MAX_YAML_BYTES
from bansos_cli.core.settings import yaml_shape_problem
from bansos_cli.rules import model as m
from bansos_cli.rules.issues import RuleIssue, RulesError, issue, key_path

Loc = tuple[str | int, ...]

_CANONICAL_BOOL = {"true", "false"}
_SHORT_BOOL = {"y", "Y", "n", "N"}  # booleans in YAML 1.1 although PyYAML reads them as text
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")


_SHAPE_CODES = {
    "YAML_TOO_DEEP": "RULE_YAML_TOO_DEEP",
    "YAML_CONTROL_CHARACTER": "RULE_YAML_CONTROL_CHARACTER",
}
"""The rules-file issue of each problem :func:`yaml_shape_problem` reports."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors/aliases (no exponential expansion, no shared nodes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None,
                None,
                "anchors and aliases (*name) are not allowed in rules files",
                event.start_mark,
            )
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class Origin:
    """Where something was defined."""

    path: str
    line: int | None
    condition_line: int | None = None


@dataclass
class RuleSet:
    """A rules file with its includes merged, ready to compile."""

    path: Path
    file: m.RuleFile
    inputs: dict[str, m.InputSpec]
    parameters: dict[str, m.Parameter]
    derived: dict[str, m.Derived]
    rules: list[m.Rule]
    origins: dict[str, Origin] = field(default_factory=dict)
    """Rule id -> where the rule is defined (its file may be an included one)."""
    lines: dict[Loc, int] = field(default_factory=dict)
    """Key path -> line, for this file."""
    parameter_origins: dict[str, Origin] = field(default_factory=dict)
    """Parameter name -> where it is defined (its file may be an included one)."""

    @property
    def program(self) -> m.Program | None:
        return self.file.program

    @property
    def name(self) -> str:
        """The program id, or the file stem for a shared fragment."""
        return self.file.program.id if self.file.program else self.path.stem

    def line_of(self, *loc: str | int) -> int | None:
        """The line of the longest known prefix of ``loc`` in this file."""
        return line_for(self.lines, loc)


def line_for(lines: dict[Loc, int], loc: Iterable[str | int]) -> int | None:
    parts = tuple(loc)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return lines.get((), None)


def _scan(
    node: yaml.Node, loc: Loc, lines: dict[Loc, int], issues: list[RuleIssue], path: str
) -> None:
    """Record lines; report duplicate keys and YAML 1.1 traps."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            child = (*loc, key)
            if key in seen:
                issues.append(
                    issue(
                        path,
                        line,
                        key_path(child),
                        "DUPLICATE_KEY",
                        "RULE_DUPLICATE_KEY",
                        name=key,
                        first=seen[key],
                    )
                )
            seen[key] = line
            _trap(key_node, child, issues, path, is_key=True)
            lines[child] = line
            _scan(value_node, child, lines, issues, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _scan(item, (*loc, i), lines, issues, path)
    elif isinstance(node, yaml.ScalarNode):
        _trap(node, loc, issues, path, is_key=False)


def _trap(node: yaml.Node, loc: Loc, issues: list[RuleIssue], path: str, *, is_key: bool) -> None:
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        return  # quoted scalars are exactly what the author wrote
    raw = str(node.value)
    problem: str | None = None
    params: dict[str, Any] = {"raw": raw}
    if node.tag == "tag:yaml.org,2002:bool" and raw not in _CANONICAL_BOOL:
        problem = "RULE_TRAP_BOOLEAN"
    elif node.tag == "tag:yaml.org,2002:int" and not _PLAIN_INT.match(raw):
        problem, params["number"] = "RULE_TRAP_NUMBER", yaml.safe_load(raw)
    elif node.tag == "tag:yaml.org,2002:str" and raw in _SHORT_BOOL:
        problem = "RULE_TRAP_SHORT_BOOLEAN"
    elif node.tag == "tag:yaml.org,2002:str" and _LEADING_ZERO.match(raw):
        problem = "RULE_TRAP_LEADING_ZERO"
    if problem:
        del is_key  # the advice is the same for a key and a value: quote it
        issues.append(
            issue(path, node.start_mark.line + 1, key_path(loc), "YAML_TRAP", problem, **params)
        )


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[RuleIssue]]:
    """Parse one YAML file safely. Returns (data or None, key path -> line, issues)."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, {}, [issue(shown, None, "", "FILE", "RULE_FILE_UNREADABLE", reason=reason)]
    if len(raw) > MAX_YAML_BYTES:
        return None, {}, [issue(shown, None, "", "FILE", "RULE_FILE_TOO_LARGE")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, {}, [issue(shown, None, "", "FILE", "RULE_FILE_NOT_UTF8")]
    if (problem := yaml_shape_problem(text)) is not None:
        code, params = problem
        line = params.pop("line")
        return None, {}, [issue(shown, line, "", "YAML", _SHAPE_CODES[code], **params)]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [issue(shown, 1, "", "YAML", "RULE_YAML_EMPTY")]
        lines: dict[Loc, int] = {}
        issues: list[RuleIssue] = []
        _scan(node, (), lines, issues, shown)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, {}, [issue(shown, line, "", "YAML", "RULE_YAML_SYNTAX", detail=what)]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # e.g. an impossible unquoted date such as 1960-02-30 fails while constructing
        return None, {}, [issue(shown, None, "", "YAML", "RULE_YAML_VALUE", detail=str(exc))]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, lines, [issue(shown, 1, "", "SCHEMA", "RULE_SCHEMA_TOP_LEVEL")]
    return data, lines, issues


def _vocabulary() -> list[str]:
    names: set[str] = set()
    models: list[type[BaseModel]] = [
        m.RuleFile,
        m.Program,
        m.LegalRef,
        m.InputSpec,
        m.Parameter,
        m.ParameterValue,
        m.Derived,
        m.Rule,
        m.FamilyCap,
        m.Message,
        m.TestCase,
        m.Expectation,
        m.Source,
    ]
    for model in models:
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return sorted(names | {"row"})


_VOCABULARY = _vocabulary()


def _schema_issues(
    exc: ValidationError, data: dict[str, Any], lines: dict[Loc, int], path: str
) -> list[RuleIssue]:
    out: dict[tuple[str, str], RuleIssue] = {}
    for err in exc.errors():
        loc: Loc = tuple(err["loc"])
        # union members show up as extra loc parts (e.g. 'bool'); cut them at the last known key
        known = loc
        while known and known not in lines:
            known = known[:-1]
        params: dict[str, Any]
        if err["type"] == "extra_forbidden":
            name = str(loc[-1])
            close = difflib.get_close_matches(name, _VOCABULARY, n=1)
            text, params = "RULE_SCHEMA_UNKNOWN_KEY", {"name": name}
            if close:
                text, params = "RULE_SCHEMA_UNKNOWN_KEY_HINT", {"name": name, "close": close[0]}
            msg = f"{text}:{name}"
            known = loc if loc in lines else known
        elif err["type"] == "missing":
            text, params = "RULE_SCHEMA_MISSING", {"name": str(loc[-1])}
            msg = f"{text}:{loc}"
        elif err["type"] == "string_type" and isinstance(err.get("input"), int | float):
            text, params = "RULE_SCHEMA_QUOTE", {"detail": err["msg"]}
            msg = err["msg"]
        else:
            text, params = "RULE_SCHEMA_INVALID", {"detail": err["msg"]}
            msg = err["msg"]
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules")
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rid = rules[loc[1]].get("id")
                rule_id = str(rid) if rid is not None else None
        kp = key_path(known)
        found = issue(path, line_for(lines, known), kp, "SCHEMA", text, rule_id, **params)
        out.setdefault((kp, msg if err["type"] == "extra_forbidden" else kp), found)
    return list(out.values())


def _valid_parts(data: dict[str, Any]) -> m.RuleFile:
    """The parts of a file that are valid on their own (for lint: one broken rule does not
    hide the problems of the others). Never used to evaluate data."""
    fields = m.RuleFile.model_fields

    def one(model: Any, value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError:
            return None

    parts: dict[str, Any] = {"format": m.FORMAT}
    if isinstance(data.get("program"), dict):
        parts["program"] = one(m.Program, data["program"])
    if isinstance(data.get("include"), list):
        parts["include"] = [i for i in data["include"] if isinstance(i, str)]
    model: Any
    for key, model in (
        ("inputs", m.InputSpec),
        ("parameters", m.Parameter),
        ("derived", m.Derived),
    ):
        value = data.get(key)
        if isinstance(value, dict):
            checked = {str(k): one(model, v) for k, v in value.items()}
            parts[key] = {k: v for k, v in checked.items() if v is not None}
    for key, model in (("rules", m.Rule), ("tests", m.TestCase)):
        value = data.get(key)
        if isinstance(value, list):
            parts[key] = [x for x in (one(model, v) for v in value) if x is not None]
    if isinstance(data.get("family_cap"), dict) and parts.get("program") is not None:
        parts["family_cap"] = one(m.FamilyCap, data["family_cap"])
    defaults = {k: f.get_default(call_default_factory=True) for k, f in fields.items()}
    return m.RuleFile.model_construct(**{**defaults, **parts})


def parse_file(
    path: Path, *, partial: bool = False
) -> tuple[m.RuleFile | None, dict[Loc, int], list[RuleIssue]]:
    """One file (no includes) into a :class:`RuleFile`, with every problem found.

    ``partial``: on schema errors, still return the parts that are valid (for lint)."""
    data, lines, issues = read_yaml(path)
    if data is None:
        return None, lines, issues
    try:
        parsed = m.RuleFile.model_validate(data)
    except ValidationError as exc:
        issues = issues + _schema_issues(exc, data, lines, str(path))
        return (_valid_parts(data) if partial else None), lines, issues
    if any(i.severity == "error" for i in issues) and not partial:
        return None, lines, issues
    return parsed, lines, issues


def _differs(first: BaseModel, second: BaseModel) -> bool:
    """Two definitions of one name conflict unless they differ only in their description."""
    return first.model_dump(exclude={"description"}) != second.model_dump(exclude={"description"})


def load_ruleset(
    path: str | Path, _stack: tuple[Path, ...] = (), *, partial: bool = False
) -> tuple[RuleSet | None, list[RuleIssue]]:
    """Load a rules file and merge its includes. Returns (rule set or None, issues).

    ``partial`` (lint): a file with errors still gives the rule set of its valid parts."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _stack:
        return None, [issue(str(path), None, "include", "INCLUDE", "RULE_INCLUDE_SELF")]
    parsed, lines, issues = parse_file(path, partial=partial)
    if parsed is None:
        return None, issues
    shown = str(path)
    inputs: dict[str, m.InputSpec] = {}
    parameters: dict[str, m.Parameter] = {}
    derived: dict[str, m.Derived] = {}
    rules: list[m.Rule] = []
    origins: dict[str, Origin] = {}
    parameter_origins: dict[str, Origin] = {}
    for i, inc in enumerate(parsed.include):
        inc_path = path.parent / inc
        line = line_for(lines, ("include", i))
        if not inc_path.is_file():
            issues.append(
                issue(
                    shown,
                    line,
                    f"include[{i}]",
                    "INCLUDE",
                    "RULE_INCLUDE_MISSING",
                    file=inc,
                    beside=path.name,
                )
            )
            continue
        sub, sub_issues = load_ruleset(inc_path, (*_stack, resolved), partial=partial)
        issues.extend(sub_issues)
        if sub is None:
            continue
        inputs.update(sub.inputs)
        parameters.update(sub.parameters)
        derived.update(sub.derived)
        rules.extend(sub.rules)
        origins.update(sub.origins)
        parameter_origins.update(sub.parameter_origins)
    for section, own, merged in (
        ("inputs", parsed.inputs, inputs),
        ("parameters", parsed.parameters, parameters),
        ("derived", parsed.derived, derived),
    ):
        for name, value in own.items():
            if name in merged and _differs(merged[name], value):
                issues.append(
                    issue(
                        shown,
                        line_for(lines, (section, name)),
                        f"{section}.{name}",
                        "CONFLICT",
                        "RULE_CONFLICT",
                        name=name,
                    )
                )
            merged[name] = value  # type: ignore[assignment]
            if section == "parameters":
                parameter_origins[name] = Origin(shown, line_for(lines, (section, name)))
    for i, rule in enumerate(parsed.rules):
        line = line_for(lines, ("rules", i, "id"))
        if rule.id in origins:
            first = origins[rule.id]
            issues.append(
                issue(
                    shown,
                    line,
                    f"rules[{i}].id",
                    "DUPLICATE_RULE",
                    "RULE_DUPLICATE_RULE",
                    rule.id,
                    rule=rule.id,
                    where=f"{first.path}:{first.line}",
                )
            )
            continue
        origins[rule.id] = Origin(shown, line, line_for(lines, ("rules", i, "condition")))
        rules.append(rule)
    ruleset = RuleSet(
        path, parsed, inputs, parameters, derived, rules, origins, lines, parameter_origins
    )
    if any(i.severity == "error" for i in issues) and not partial:
        return None, issues
    return ruleset, issues


def load_rules(path: str | Path) -> RuleSet:
    """Load one rules file (with includes); raise :class:`RulesError` listing every problem."""
    ruleset, issues = load_ruleset(path)
    if ruleset is None:
        raise RulesError(issues)
    return ruleset


def shipped_rules() -> Path | None:
    """The program rule files shipped with bansos (``rules/`` of the source tree)."""
    packaged = Path(str(resources.files("bansos_cli").joinpath("data", "rules")))
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[3] / "rules"  # editable install / source tree
    return source if source.is_dir() else None


def expand_rule_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files given directly, plus ``*.yaml``/``*.yml`` inside given directories (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        elif p.exists():
            out.append(p)
        else:
            raise ConfigError.of("RULES_PATH_NOT_FOUND", path=str(p))
    if not out:
        raise RulesError(
            [issue(", ".join(map(str, paths)), None, "", "FILE", "RULE_FILE_NONE_FOUND")]
        )
    return out
