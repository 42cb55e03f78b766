"""Problems found in a rules file, each with file, line, key path and rule id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bansos_cli.core.errors import ConfigError


@dataclass(frozen=True)
class RuleIssue:
    """One problem in a rules file."""

    path: str
    """The rules file."""
    line: int | None
    """1-based line in that file (``None`` when unknown)."""
    key: str
    """Key path, e.g. ``rules[2].condition``."""
    code: str
    """Stable code: ``YAML``, ``YAML_TRAP``, ``DUPLICATE_KEY``, ``SCHEMA``, ``SQL_SYNTAX``, ..."""
    message: str
    rule_id: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{rule}{key} {self.message} ({self.code})"


def key_path(loc: Sequence[str | int]) -> str:
    """``('rules', 2, 'condition')`` -> ``rules[2].condition``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class RulesError(ConfigError):
    """A rules file cannot be used; :attr:`issues` lists every problem found."""

    def __init__(self, issues: Sequence[RuleIssue]):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"] or self.issues
        more = len(errors) - 1
        # the issue itself (file:line: key: message) is the linter's text, in English
        params = {"problem": str(errors[0]), "more": more}
        if more:
            super().__init__(code="RULES_INVALID_MORE", params=params)
        else:
            super().__init__(code="RULES_INVALID", params=params)
