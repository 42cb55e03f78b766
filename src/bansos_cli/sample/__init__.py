"""Synthetic beneficiary lists with ground truth, for demos, tests and benchmarks.

Real lists are personal data; these are made from real Kemendagri region codes and rules of
NIK/KK construction, then damaged the way real exports are, recording every injected problem
in a truth frame (see docs/sample-data.md).
"""

from __future__ import annotations

from bansos_cli.sample.codes import (
    ALL_CODES,
    DEFAULT_ERROR_MIX,
    DUPLICATE_CODES,
    ERROR_CODES,
    FACT_CODES,
)
from bansos_cli.sample.generate import REFERENCE_DATE, SampleResult, generate
from bansos_cli.sample.layouts import LAYOUTS
from bansos_cli.sample.period import PeriodPair, generate_period_pair, write_period_pair
from bansos_cli.sample.recon import (
    ReconciliationPair,
    generate_reconciliation_pair,
    write_reconciliation_pair,
)
from bansos_cli.sample.writers import write_sample

__all__ = [
    "ALL_CODES",
    "DEFAULT_ERROR_MIX",
    "DUPLICATE_CODES",
    "ERROR_CODES",
    "FACT_CODES",
    "LAYOUTS",
    "PeriodPair",
    "REFERENCE_DATE",
    "ReconciliationPair",
    "SampleResult",
    "generate",
    "generate_period_pair",
    "generate_reconciliation_pair",
    "write_period_pair",
    "write_reconciliation_pair",
    "write_sample",
]
