"""The family cap: at most N members of one family receive a program's components.

PKH pays components to at most four members of a family (DOMAIN §8). Rules decide per
person; the cap is applied afterwards, per family, with polars expressions (no loop over
rows): among the rows of one family that would receive at least one component, rank by
total component amount (highest first) then input order, and take the components away
from every row ranked beyond the cap. A row whose family key is empty or malformed is never
grouped with another row, so it is never capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from bansos_cli.core.nik import clean_id, is_id_shape
from bansos_cli.rules.issues import RuleIssue, issue
from bansos_cli.rules.loader import RuleSet
from bansos_cli.rules.model import FamilyCap, InputType
from bansos_cli.rules.params import ResolvedParameter, format_value

KIND = "family_cap"
"""The ``kind`` of the cap's entry in the per-rule counts."""
CAPPED = "capped"
"""The Boolean result column: the row lost its components to the cap."""

_INDEX, _FAMILY, _AMOUNT, _RECEIVES = "_i", "_cap_family", "_amount", "_receives"
FAMILY_KEY_INPUT = "no_kk"
"""The data column whose normalised value (16 digits) identifies a family."""
FAMILY_OUT = "family"
"""The result column holding that normalised key."""
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DEFAULT_MESSAGE = {
    "id": "Melebihi batas {max_members} anggota per keluarga",
    "en": "Over the cap of {max_members} members per family",
}


@dataclass(frozen=True)
class CompiledCap:
    """A family cap resolved at a reference date."""

    cap: FamilyCap
    max_members: int
    message_id: str
    message_en: str

    @property
    def id(self) -> str:
        return self.cap.id

    def family_keys(self, frame: pl.DataFrame) -> pl.Series:
        """The normalised family key of every row of ``frame``, null when it is empty or
        malformed. Keys already written as plain digits skip the costly cleaning."""
        raw = frame.get_column(self.cap.key).cast(pl.String)
        plain = raw.str.contains(r"^[0-9]+$").fill_null(False)
        key = raw.set(~plain, None)
        if not plain.all():
            cleaned = raw.filter(~plain).to_frame().select(clean_id(pl.col(raw.name)))
            key = key.scatter(plain.not_().arg_true(), cleaned.to_series())
        pattern = self.cap.key_pattern
        valid = key.str.contains(f"^(?:{pattern})$") if pattern else key.str.len_chars() > 0
        return key.set(~valid.fill_null(False), None)


def family_key(frame: pl.DataFrame) -> pl.Series:
    """The normalised NO KK of every row (16 digits), null where it is empty or malformed."""
    if FAMILY_KEY_INPUT not in frame.columns:
        return pl.Series(FAMILY_OUT, [None] * frame.height, dtype=pl.String)
    raw = frame.get_column(FAMILY_KEY_INPUT).cast(pl.String)
    distinct = raw.unique().to_frame("raw").with_columns(clean_id(pl.col("raw")).alias("key"))
    distinct = distinct.with_columns(pl.when(is_id_shape(pl.col("key"))).then(pl.col("key")))
    distinct = distinct.drop_nulls("raw")
    return raw.replace_strict(
        distinct["raw"], distinct["key"], default=None, return_dtype=pl.String
    ).alias(FAMILY_OUT)


def compile_cap(
    ruleset: RuleSet, resolved: dict[str, ResolvedParameter]
) -> tuple[CompiledCap | None, list[RuleIssue]]:
    """Check the program's ``family_cap`` against the inputs and parameters in force."""
    cap = ruleset.file.family_cap
    if cap is None:
        return None, []
    path = str(ruleset.path)
    issues: list[RuleIssue] = []

    def report(key: str, text: str, **params: Any) -> None:
        line = ruleset.line_of("family_cap", key)
        issues.append(issue(path, line, f"family_cap.{key}", "FAMILY_CAP", text, cap.id, **params))

    spec = ruleset.inputs.get(cap.key)
    if spec is None:
        report("key", "RULE_CAP_KEY_NOT_INPUT", name=cap.key)
    elif spec.type != InputType.string:
        report("key", "RULE_CAP_KEY_TYPE", name=cap.key, type=spec.type.value)
    if cap.key_pattern is not None:
        try:
            pl.select(pl.lit("").str.contains(f"^(?:{cap.key_pattern})$"))
        except Exception as exc:  # polars raises several error types for a bad regex
            first = str(exc).strip().splitlines()
            report("key_pattern", "RULE_CAP_PATTERN", detail=first[0] if first else str(exc))
    limit: int | None = None
    if isinstance(cap.max_members, int):
        limit = cap.max_members
    elif cap.max_members not in ruleset.parameters:
        report("max_members", "RULE_CAP_UNKNOWN_PARAM", name=cap.max_members)
    elif cap.max_members in resolved:  # else already reported as PARAM_NO_VALUE
        value = resolved[cap.max_members].value
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            report("max_members", "RULE_CAP_NOT_WHOLE", name=cap.max_members, value=repr(value))
        else:
            limit = value
    templates = cap.message.model_dump() if cap.message else _DEFAULT_MESSAGE
    messages: dict[str, str] = {}
    for lang in ("id", "en"):
        shown = {n: format_value(p.value, lang) for n, p in resolved.items()}
        if limit is not None:
            shown["max_members"] = format_value(limit, lang)
        template = templates[lang]
        bad = [n for n in _PLACEHOLDER.findall(template) if n not in shown]
        if bad and limit is not None:
            report(f"message.{lang}", "RULE_MESSAGE_PLACEHOLDER", lang=lang, name=bad[0])
        messages[lang] = _PLACEHOLDER.sub(
            lambda mt, values=shown: values.get(mt.group(1), mt.group()), template
        )
    if issues or limit is None:
        return None, issues
    return CompiledCap(cap, limit, messages["id"], messages["en"]), []


def capped_rows(frame: pl.DataFrame, cap: CompiledCap) -> pl.Series:
    """Boolean per row of ``frame``: the row is beyond its family's cap.

    ``frame`` has the cap's key column and the ``components`` and ``amount_year``
    results. Only the receivers of families larger than the cap are ranked: a count per
    hash of the key finds them cheaply (a hash collision can only make a bucket larger, so
    no over-full family is missed), then the exact key, amount and row order decide.
    """
    receivers = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(_INDEX),
        pl.col(cap.cap.key),
        pl.col("amount_year").alias(_AMOUNT),
        (pl.col("components").list.len() > 0).alias(_RECEIVES),
    ).filter(pl.col(_RECEIVES))
    # keys are cleaned for the receivers only (the others take no place in a family)
    candidates = receivers.with_columns(cap.family_keys(receivers).alias(_FAMILY)).filter(
        pl.col(_FAMILY).is_not_null()
    )
    over_full = candidates.filter(pl.len().over(pl.col(_FAMILY).hash()) > cap.max_members)
    beyond = (
        over_full.sort([_FAMILY, _AMOUNT, _INDEX], descending=[False, True, False])
        .filter(pl.int_range(pl.len()).over(_FAMILY) >= cap.max_members)
        .get_column(_INDEX)
    )
    return pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True).scatter(beyond, True)


def apply_cap(frame: pl.DataFrame, cap: CompiledCap, lang: str) -> pl.DataFrame:
    """Take the components away from the members of a family beyond the cap.

    ``frame`` has the cap's key column and the ``components``, ``amount_year`` and
    ``reasons`` results; a Boolean ``capped`` column is added.
    """
    reason = f"{cap.id}: {cap.message_id if lang == 'id' else cap.message_en}"
    reasons = pl.col("reasons")
    return frame.with_columns(capped_rows(frame, cap).alias(CAPPED)).with_columns(
        pl.when(pl.col(CAPPED))
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("components"))
        .alias("components"),
        pl.when(pl.col(CAPPED))
        .then(pl.lit(0.0))
        .otherwise(pl.col("amount_year"))
        .alias("amount_year"),
        pl.when(pl.col(CAPPED) & (reasons == ""))
        .then(pl.lit(reason))
        .when(pl.col(CAPPED))
        .then(reasons + pl.lit(f"; {reason}"))
        .otherwise(reasons)
        .alias("reasons"),
    )
