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
from bansos_cli.rules import model as m
from bansos_cli.rules.issues import RuleIssue, RulesError, key_path

Loc = tuple[str | int, ...]

_CANONICAL_BOOL = {"true", "false"}
_SHORT_BOOL = {"y", "Y", "n", "N"}  # booleans in YAML 1.1 although PyYAML reads them as text
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")
_MAX_BYTES = 2_000_000


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
                    RuleIssue(
                        path,
                        line,
                        key_path(child),
                        "DUPLICATE_KEY",
                        f"key {key!r} appears twice (first on line {seen[key]}); "
                        "YAML keeps only the last one: remove one",
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
    problem = None
    if node.tag == "tag:yaml.org,2002:bool" and raw not in _CANONICAL_BOOL:
        problem = f"unquoted {raw!r} is read as a boolean by YAML 1.1"
    elif node.tag == "tag:yaml.org,2002:int" and not _PLAIN_INT.match(raw):
        problem = f"unquoted {raw!r} is read as the number {yaml.safe_load(raw)!r} by YAML 1.1"
    elif node.tag == "tag:yaml.org,2002:str" and raw in _SHORT_BOOL:
        problem = f"unquoted {raw!r} is a boolean in the YAML 1.1 specification"
    elif node.tag == "tag:yaml.org,2002:str" and _LEADING_ZERO.match(raw):
        problem = f"unquoted {raw!r} has a leading zero; YAML 1.1 reads similar values as octal"
    if problem:
        what = "key" if is_key else "value"
        issues.append(
            RuleIssue(
                path,
                node.start_mark.line + 1,
                key_path(loc),
                "YAML_TRAP",
                f"{problem}: quote the {what} ('{raw}')",
            )
        )


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int], list[RuleIssue]]:
    """Parse one YAML file safely. Returns (data or None, key path -> line, issues)."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, {}, [RuleIssue(shown, None, "", "FILE", f"cannot read: {exc.strerror}")]
    if len(raw) > _MAX_BYTES:
        return None, {}, [RuleIssue(shown, None, "", "FILE", "file larger than 2 MB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, {}, [RuleIssue(shown, None, "", "FILE", "not UTF-8 text: save as UTF-8")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [RuleIssue(shown, 1, "", "YAML", "the file is empty")]
        lines: dict[Loc, int] = {}
        issues: list[RuleIssue] = []
        _scan(node, (), lines, issues, shown)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, {}, [RuleIssue(shown, line, "", "YAML", f"YAML syntax: {what}")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # e.g. an impossible unquoted date such as 1960-02-30 fails while constructing
        return None, {}, [RuleIssue(shown, None, "", "YAML", f"unreadable value: {exc}")]
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return None, lines, [RuleIssue(shown, 1, "", "SCHEMA", "the top level must be a mapping")]
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
        if err["type"] == "extra_forbidden":
            name = str(loc[-1])
            close = difflib.get_close_matches(name, _VOCABULARY, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            msg = f"unknown key {name!r}{hint}"
            known = loc if loc in lines else known
        else:
            msg = err["msg"]
            if err["type"] == "string_type" and isinstance(err.get("input"), int | float):
                msg += ": put the value in quotes (YAML reads 1.10 as the number 1.1)"
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules")
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rid = rules[loc[1]].get("id")
                rule_id = str(rid) if rid is not None else None
        kp = key_path(known)
        issue = RuleIssue(path, line_for(lines, known), kp, "SCHEMA", msg, rule_id)
        out.setdefault((kp, msg if err["type"] == "extra_forbidden" else kp), issue)
    return list(out.values())


def parse_file(path: Path) -> tuple[m.RuleFile | None, dict[Loc, int], list[RuleIssue]]:
    """One file (no includes) into a :class:`RuleFile`, with every problem found."""
    data, lines, issues = read_yaml(path)
    if data is None:
        return None, lines, issues
    try:
        parsed = m.RuleFile.model_validate(data)
    except ValidationError as exc:
        return None, lines, issues + _schema_issues(exc, data, lines, str(path))
    if any(i.severity == "error" for i in issues):
        return None, lines, issues
    return parsed, lines, issues


def _differs(first: BaseModel, second: BaseModel) -> bool:
    """Two definitions of one name conflict unless they differ only in their description."""
    return first.model_dump(exclude={"description"}) != second.model_dump(exclude={"description"})


def load_ruleset(
    path: str | Path, _stack: tuple[Path, ...] = ()
) -> tuple[RuleSet | None, list[RuleIssue]]:
    """Load a rules file and merge its includes. Returns (rule set or None, issues)."""
    path = Path(path)
    resolved = path.resolve()
    if resolved in _stack:
        return None, [RuleIssue(str(path), None, "include", "INCLUDE", "file includes itself")]
    parsed, lines, issues = parse_file(path)
    if parsed is None:
        return None, issues
    shown = str(path)
    inputs: dict[str, m.InputSpec] = {}
    parameters: dict[str, m.Parameter] = {}
    derived: dict[str, m.Derived] = {}
    rules: list[m.Rule] = []
    origins: dict[str, Origin] = {}
    for i, inc in enumerate(parsed.include):
        inc_path = path.parent / inc
        line = line_for(lines, ("include", i))
        if not inc_path.is_file():
            issues.append(
                RuleIssue(
                    shown,
                    line,
                    f"include[{i}]",
                    "INCLUDE",
                    f"included file {inc!r} not found next to {path.name}",
                )
            )
            continue
        sub, sub_issues = load_ruleset(inc_path, (*_stack, resolved))
        issues.extend(sub_issues)
        if sub is None:
            continue
        inputs.update(sub.inputs)
        parameters.update(sub.parameters)
        derived.update(sub.derived)
        rules.extend(sub.rules)
        origins.update(sub.origins)
    for section, own, merged in (
        ("inputs", parsed.inputs, inputs),
        ("parameters", parsed.parameters, parameters),
        ("derived", parsed.derived, derived),
    ):
        for name, value in own.items():
            if name in merged and _differs(merged[name], value):
                issues.append(
                    RuleIssue(
                        shown,
                        line_for(lines, (section, name)),
                        f"{section}.{name}",
                        "CONFLICT",
                        f"{name!r} is also defined, differently, in an "
                        "included file: define it once",
                    )
                )
            merged[name] = value  # type: ignore[assignment]
    for i, rule in enumerate(parsed.rules):
        line = line_for(lines, ("rules", i, "id"))
        if rule.id in origins:
            first = origins[rule.id]
            issues.append(
                RuleIssue(
                    shown,
                    line,
                    f"rules[{i}].id",
                    "DUPLICATE_RULE",
                    f"rule id {rule.id!r} already defined at "
                    f"{first.path}:{first.line}: rule ids must be unique",
                    rule.id,
                )
            )
            continue
        origins[rule.id] = Origin(shown, line, line_for(lines, ("rules", i, "condition")))
        rules.append(rule)
    ruleset = RuleSet(path, parsed, inputs, parameters, derived, rules, origins, lines)
    if any(i.severity == "error" for i in issues):
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
            [
                RuleIssue(
                    ", ".join(map(str, paths)), None, "", "FILE", "no rules files (*.yaml) found"
                )
            ]
        )
    return out
