"""Validate: type the text columns leniently and check every NIK, KK, date and code."""

from bansos_cli.validate.catalogue import CATALOGUE, SEVERITIES, FindingSpec
from bansos_cli.validate.stage import (
    FINDINGS_COLUMNS,
    ValidationResult,
    check_frame,
    confirm,
    prepare,
    summarise,
    validate_frame,
)

__all__ = [
    "CATALOGUE",
    "FINDINGS_COLUMNS",
    "SEVERITIES",
    "FindingSpec",
    "ValidationResult",
    "check_frame",
    "confirm",
    "prepare",
    "summarise",
    "validate_frame",
]
