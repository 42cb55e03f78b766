"""Dedup: find duplicate people and families, with the reason for each (DOMAIN.md §7)."""

from bansos_cli.dedup.blocking import KEY_DESCRIPTIONS, BlockStats
from bansos_cli.dedup.classify import CLASSES, DECISIONS, PERSON_CLASSES
from bansos_cli.dedup.config import DedupConfig, load_config, parse_config
from bansos_cli.dedup.engine import DedupResult, ProgressCallback, dedup_frame

__all__ = [
    "CLASSES",
    "DECISIONS",
    "KEY_DESCRIPTIONS",
    "PERSON_CLASSES",
    "BlockStats",
    "DedupConfig",
    "DedupResult",
    "ProgressCallback",
    "dedup_frame",
    "load_config",
    "parse_config",
]
