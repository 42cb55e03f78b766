"""The rule-file format as typed models: what a YAML rules file may contain.

Every model forbids unknown keys, so a typo (``on_mising``) is an error with its key path
instead of a silently ignored setting. The JSON Schema of the format is generated from these
models (:mod:`bansos_cli.rules.schema`).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FORMAT = "bansos-rules/1"
"""The value of the ``format`` key of every rules file this version understands."""

Scalar = bool | int | float | str | dt.date
ParamValue = Scalar | list[Scalar]
CellValue = bool | int | float | str | dt.date | None

NAME_PATTERN = r"^[a-z_][a-z0-9_]*$"
RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:[-_.][A-Z0-9]+)*$"


class Status(StrEnum):
    """The eligibility status of one person for one program."""

    LAYAK = "LAYAK"
    """Eligible: every eligibility rule passed, no exclusion applied."""
    TIDAK_LAYAK = "TIDAK_LAYAK"
    """Not eligible: an eligibility or exclusion rule of severity ``error`` failed."""
    PERLU_VERIFIKASI = "PERLU_VERIFIKASI"
    """Needs verification: a rule could not be decided (missing data) or a warning failed."""


Outcome = Literal["pass", "fail", "unknown"]
RuleKind = Literal["eligibility", "exclusion", "component", "data_quality"]
Severity = Literal["error", "warning", "info"]
MissingPolicy = Literal["fail", "pass", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LegalRef(_Strict):
    """One legal or documentary basis of a program."""

    ref: str = Field(description="Citation, e.g. 'Permensos 1/2018 tentang PKH'.")
    title: str | None = None
    url: str | None = None
    note: str | None = None


class Program(_Strict):
    """Metadata of the program a rules file decides eligibility for."""

    id: str = Field(pattern=NAME_PATTERN, description="Stable program id, e.g. 'pkh'.")
    name: str
    rules_version: str = Field(description="Version of this rule set, e.g. '2025.1'.")
    description: str | None = None
    legal_basis: list[LegalRef] = Field(default_factory=list)
    valid_from: dt.date | None = Field(
        default=None,
        description="First day the program is in force; before it, `bansos check` reports the "
        "program as not in force instead of evaluating it.",
    )
    valid_until: dt.date | None = Field(
        default=None, description="Last day the program is in force (inclusive); open if absent."
    )

    @model_validator(mode="after")
    def _period(self) -> Program:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("'valid_until' is before 'valid_from'")
        return self

    def in_force(self, as_of: dt.date) -> bool:
        """True when ``as_of`` lies in the program's validity period."""
        if self.valid_from is not None and as_of < self.valid_from:
            return False
        return self.valid_until is None or as_of <= self.valid_until


class Source(_Strict):
    """A public source of a parameter value: what it is, who published it, when."""

    title: str = Field(min_length=1, description="Title of the regulation, letter or report.")
    publisher: str = Field(min_length=1, description="Who published it (ministry, agency).")
    date: dt.date | str = Field(
        description="Publication or signing date (YYYY-MM-DD, or YYYY-MM / YYYY when only "
        "that is known)."
    )
    url: str | None = None
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    def cite(self) -> str:
        """``title (publisher, date)``."""
        when = self.date.isoformat() if isinstance(self.date, dt.date) else self.date
        return f"{self.title} ({self.publisher}, {when})"


class InputType(StrEnum):
    """How a text column of the beneficiary list is read before rules see it."""

    string = "string"
    integer = "integer"
    number = "number"
    date = "date"
    boolean = "boolean"
    sex = "sex"


class InputSpec(_Strict):
    """A column the rules read, with its type; cells that cannot be read become null."""

    type: InputType
    nullable: bool = Field(
        default=True,
        description="False: the column must exist in the data (a null cell is still reported "
        "and decided by each rule's on_missing policy).",
    )
    allowed: list[Scalar] | None = Field(
        default=None,
        description="Allowed values; any other value is treated as unreadable (null).",
    )
    description: str | None = None


class ParameterValue(_Strict):
    """One value of a parameter, in force from a date, with the source it comes from."""

    value: ParamValue
    from_: dt.date = Field(alias="from", description="First day the value is in force.")
    until: dt.date | None = Field(
        default=None, description="Last day the value is in force (inclusive); open if absent."
    )
    source: Source | str = Field(
        description="Where the value comes from: title, publisher and date of a public "
        "source (a plain text is accepted; lint warns that it does not say who and when)."
    )
    uncertain: bool = Field(
        default=False, description="True when sources disagree or the value is not confirmed."
    )
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _source_text(cls, value: Source | str) -> Source | str:
        if isinstance(value, str) and not value.strip():
            raise ValueError("give the source: title, publisher, date")
        return value

    @property
    def citation(self) -> str:
        """The source as one line of text."""
        return self.source.cite() if isinstance(self.source, Source) else self.source

    @field_validator("value")
    @classmethod
    def _non_empty_list(cls, value: ParamValue) -> ParamValue:
        if isinstance(value, list) and not value:
            raise ValueError("a list value needs at least one element")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> ParameterValue:
        if self.until is not None and self.until < self.from_:
            raise ValueError("'until' is before 'from'")
        return self


class Parameter(_Strict):
    """A named number or list used by conditions as ``:name``, with dated values."""

    description: str
    unit: str | None = None
    values: list[ParameterValue] = Field(min_length=1)


class Derived(_Strict):
    """A variable the engine computes from an input, e.g. age at the reference date."""

    kind: Literal["age_years", "age_months", "occupation_category"] = Field(
        description="age_years / age_months: completed years / months at the reference date "
        "(from a date input); occupation_category: the category of a KTP occupation "
        "(ASN, TNI, POLRI, ...) from the shipped occupation table (from a string input)."
    )
    from_: str = Field(
        alias="from", pattern=NAME_PATTERN, description="The input column it is computed from."
    )
    leap_day: Literal["feb28", "mar1"] = Field(
        default="feb28",
        description="When someone born on 29 February completes a year in a common year: "
        "on 28 February (as polars offset_by and dateutil) or on 1 March.",
    )
    description: str | None = None


class Message(_Strict):
    """The reason shown to a person's record when a rule does not pass."""

    id: str = Field(min_length=1, description="Bahasa Indonesia; may use {parameter} names.")
    en: str = Field(min_length=1, description="English; may use {parameter} names.")


class Rule(_Strict):
    """One rule: a SQL condition over the inputs, derived variables and parameters."""

    id: str = Field(pattern=RULE_ID_PATTERN, description="Stable id, e.g. 'PKH-EL-01'.")
    kind: RuleKind = Field(
        description="eligibility: condition true = criterion met; exclusion: condition true = "
        "person excluded; component: condition true = qualifies for the component; "
        "data_quality: condition true = data is usable."
    )
    severity: Severity = Field(
        default="error",
        description="error: a failure makes the person TIDAK_LAYAK; warning: PERLU_VERIFIKASI; "
        "info: reported only.",
    )
    scope: Literal["person", "family"] = Field(
        default="person",
        description="person: the condition is decided per row; family: per family (the "
        "normalised NO KK), with aggregates over its members (BOOL_OR, COUNT, SUM, ...) and "
        "the outcome given to every member; a family-scope component is paid once per family.",
    )
    condition: str = Field(
        min_length=1, description="An expression of the portable SQL subset (docs/rules.md)."
    )
    on_missing: MissingPolicy = Field(
        description="Outcome when the condition is NULL because data is missing: fail, pass "
        "or unknown (unknown makes the person PERLU_VERIFIKASI)."
    )
    message: Message
    component: str | None = Field(
        default=None, pattern=NAME_PATTERN, description="Component name (kind component)."
    )
    amount: str | None = Field(
        default=None,
        pattern=NAME_PATTERN,
        description="Parameter holding the component's amount (kind component).",
    )
    description: str | None = None

    @model_validator(mode="after")
    def _component_fields(self) -> Rule:
        if self.kind == "component" and self.component is None:
            raise ValueError("a rule of kind 'component' needs 'component'")
        if self.kind != "component" and (self.component or self.amount):
            raise ValueError("'component' and 'amount' are only for rules of kind 'component'")
        return self


class FamilyCap(_Strict):
    """A program-level cap: at most ``max_members`` persons of one family receive components.

    Among the persons of one family (same normalised ``key``) who would receive at least one
    component, the first ``max_members`` by total component amount (highest first, ties by
    input row order) keep them; the others keep their status but get no components, amount 0
    and the cap's reason. A row whose key is empty or does not match ``key_pattern`` is a
    family of its own.
    """

    id: str = Field(
        default="FAMILY-CAP",
        pattern=RULE_ID_PATTERN,
        description="Id shown in the reasons of capped rows and in the per-rule counts.",
    )
    key: str = Field(
        pattern=NAME_PATTERN,
        description="Input column (type string) that identifies a family, e.g. no_kk.",
    )
    key_pattern: str | None = Field(
        default=None,
        description="Regular expression the whole key must match (after removing spaces, "
        "dots, dashes and apostrophes) to be grouped, e.g. '[0-9]{16}'; other keys are each "
        "a family of their own. Absent: any non-empty key.",
    )
    max_members: int | str = Field(
        description="At most this many members of one family receive components: a number "
        "(1 or more) or the name of a parameter holding it (dated, with a source).",
    )
    order: Literal["amount"] = Field(
        default="amount",
        description="Who keeps the components: highest total amount first, then input order.",
    )
    message: Message | None = Field(
        default=None,
        description="Reason of a capped row; may use {max_members} and {parameter} names. "
        "Default: 'Melebihi batas N anggota per keluarga' / 'Over the cap of N members "
        "per family'.",
    )
    description: str | None = None

    @field_validator("max_members", mode="before")
    @classmethod
    def _not_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):  # pydantic would read true as 1
            raise ValueError("give a whole number (1 or more) or a parameter name")
        return value

    @field_validator("max_members")
    @classmethod
    def _positive_or_name(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 1:
            raise ValueError("must be 1 or more")
        if isinstance(value, str) and not re.match(NAME_PATTERN, value):
            raise ValueError(f"parameter name {value!r} must be lower_snake_case (a-z, 0-9, _)")
        return value


class Expectation(_Strict):
    """What one test row must give."""

    status: Status | None = None
    rules: dict[str, Outcome] = Field(
        default_factory=dict, description="Expected outcome per rule id (others unchecked)."
    )
    components: list[str] | None = Field(
        default=None, description="Exact set of components the row qualifies for."
    )
    amount: float | None = Field(
        default=None, description="Total component amount, rupiah per year."
    )
    amount_month: float | None = Field(
        default=None, description="Total component amount, rupiah per month."
    )
    family_representative: bool | None = Field(
        default=None, description="True: the row receives the family's per-family amounts."
    )
    explanation: list[str] | None = Field(
        default=None, description="Texts the row's explanation must contain (English)."
    )
    capped: bool | None = Field(
        default=None, description="True: the row lost its components to the family cap."
    )


class TestCase(_Strict):
    """An embedded test: rows as they come from a list (text), a date, expected results."""

    __test__ = False  # not a pytest class

    name: str
    as_of: dt.date = Field(description="Reference date of this case.")
    parameters: dict[str, ParamValue] = Field(
        default_factory=dict, description="Parameter overrides for this case."
    )
    rows: list[dict[str, CellValue]] = Field(default_factory=list)
    row: dict[str, CellValue] | None = Field(
        default=None, description="One row (instead of rows); expect is then one mapping."
    )
    expect: list[Expectation] | Expectation = Field(default_factory=list)
    in_force: bool | None = Field(
        default=None,
        description="Expected: the program is (true) or is not (false) in force on as_of; "
        "a case with in_force: false needs no rows.",
    )

    @property
    def expected(self) -> list[Expectation]:
        """One expectation per row."""
        return self.expect if isinstance(self.expect, list) else [self.expect]

    @model_validator(mode="after")
    def _same_length(self) -> TestCase:
        if self.row is not None:
            if self.rows:
                raise ValueError("give either 'row' or 'rows', not both")
            self.rows = [self.row]
            self.row = None
        if not self.rows and self.in_force is not False:
            raise ValueError("give 'rows' (a list) or 'row' (one mapping)")
        if isinstance(self.expect, Expectation):
            self.expect = [self.expect]
        if len(self.rows) != len(self.expected):
            raise ValueError(
                f"{len(self.rows)} rows but {len(self.expected)} expectations; give one per row"
            )
        return self


class RuleFile(_Strict):
    """A whole rules file: a program (or a shared fragment without one) and its rules."""

    format: Literal["bansos-rules/1"] = Field(description="Format version: 'bansos-rules/1'.")
    program: Program | None = Field(
        default=None, description="Absent for a shared fragment that programs include."
    )
    include: list[str] = Field(
        default_factory=list, description="Other rules files (relative paths) merged into this."
    )
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    derived: dict[str, Derived] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    family_cap: FamilyCap | None = Field(
        default=None,
        description="Program-level cap on the members of one family who receive components.",
    )
    tests: list[TestCase] = Field(default_factory=list)

    @field_validator("inputs", "parameters", "derived")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        bad = [k for k in value if not re.match(NAME_PATTERN, k)]
        if bad:
            raise ValueError(f"name {bad[0]!r} must be lower_snake_case (a-z, 0-9, _)")
        return value

    @model_validator(mode="after")
    def _cap_needs_program(self) -> RuleFile:
        if self.family_cap is not None and self.program is None:
            raise ValueError(
                "'family_cap' belongs to a program file: a shared fragment cannot have one"
            )
        return self
