"""Problems found in a rules file, each with file, line, key path and rule id.

An issue carries a stable ``code`` (``SCHEMA``, ``SQL_SYNTAX``, ``TYPE``...) and its text as a
catalogue entry of ``data/messages/rules.yaml`` with parameters, so ``bansos rules lint
--lang id`` is in Bahasa Indonesia; ``str(issue)`` and :attr:`RuleIssue.message` are English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bansos_cli.core.errors import ConfigError
from bansos_cli.core.messages import Text
from bansos_cli.core.messages import text as catalogue_text


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
    text: str
    """The catalogue entry of the message (``RULE_...`` in ``rules.yaml``)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    rule_id: str | None = None
    severity: Literal["error", "warning"] = "error"

    def render_message(self, lang: str = "en") -> str:
        """The message alone, in ``lang``."""
        return catalogue_text(self.text, lang, **self.params)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.render_message("en")

    def render(self, lang: str = "en") -> str:
        """``file:line: [RULE] key: message (CODE)`` in ``lang``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        rule = f" [{self.rule_id}]" if self.rule_id else ""
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{rule}{key} {self.render_message(lang)} ({self.code})"

    def __str__(self) -> str:
        return self.render("en")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The issue as JSON (``bansos rules lint --json``), its message in ``lang``."""
        return {
            "path": self.path,
            "line": self.line,
            "key": self.key,
            "code": self.code,
            "message": self.render_message(lang),
            "rule_id": self.rule_id,
            "severity": self.severity,
        }


def issue(
    path: str,
    line: int | None,
    key: str,
    code: str,
    text: str,
    rule_id: str | None = None,
    severity: Literal["error", "warning"] = "error",
    **params: Any,
) -> RuleIssue:
    """Shorthand: ``issue(path, line, key, "TYPE", "RULE_TYPE_MIXED", what=..., types=...)``."""
    return RuleIssue(path, line, key, code, text, params, rule_id, severity)


def key_path(loc: Sequence[str | int]) -> str:
    """``('rules', 2, 'condition')`` -> ``rules[2].condition``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class _IssueText(Text):
    """An issue as an error parameter: rendered in the language of the error."""

    issue: RuleIssue | None = None

    def render(self, lang: str = "id") -> str:
        assert self.issue is not None
        return self.issue.render(lang)


class RulesError(ConfigError):
    """A rules file cannot be used; :attr:`issues` lists every problem found."""

    def __init__(self, issues: Sequence[RuleIssue]):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"] or self.issues
        more = len(errors) - 1
        params = {"problem": _IssueText("", issue=errors[0]), "more": more}
        if more:
            super().__init__(code="RULES_INVALID_MORE", params=params)
        else:
            super().__init__(code="RULES_INVALID", params=params)
