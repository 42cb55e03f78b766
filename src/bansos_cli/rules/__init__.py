"""Eligibility rules in YAML: load, lint, compile at a reference date, evaluate, self-test."""

from bansos_cli.rules.casting import CastCache
from bansos_cli.rules.compile import CompiledProgram, CompiledRule, compile_rules, compile_ruleset
from bansos_cli.rules.evaluate import (
    RESULT_COLUMNS,
    Evaluation,
    RuleCounts,
    evaluate,
    evaluate_programs,
    evaluation_order,
    reference_columns,
)
from bansos_cli.rules.issues import RuleIssue, RulesError
from bansos_cli.rules.lint import LintReport, lint, program_components
from bansos_cli.rules.loader import (
    RuleSet,
    expand_rule_paths,
    load_rules,
    load_ruleset,
    shipped_rules,
)
from bansos_cli.rules.model import FORMAT, RuleFile, Status
from bansos_cli.rules.schema import json_schema, json_schema_text
from bansos_cli.rules.testing import TestReport, junit_xml, run_tests, write_junit

__all__ = [
    "FORMAT",
    "RESULT_COLUMNS",
    "CastCache",
    "CompiledProgram",
    "CompiledRule",
    "Evaluation",
    "LintReport",
    "RuleCounts",
    "RuleFile",
    "RuleIssue",
    "RuleSet",
    "RulesError",
    "Status",
    "TestReport",
    "compile_rules",
    "compile_ruleset",
    "evaluate",
    "evaluate_programs",
    "evaluation_order",
    "program_components",
    "reference_columns",
    "expand_rule_paths",
    "shipped_rules",
    "json_schema",
    "json_schema_text",
    "junit_xml",
    "lint",
    "load_rules",
    "load_ruleset",
    "run_tests",
    "write_junit",
]
