"""What a check module needs: `@check`, its metadata, verdicts, and the scope it reads.

Checks are pure: they read a `Scope` (one account and region of the snapshot) and yield
`Verdict`s. They never see a dataset that failed to load: the engine reports ERROR instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from auditor.datasets import ALL_DATASETS, Dataset, ScopeKind
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import GLOBAL_REGION, CollectionError, ScopeSnapshot
from auditor.wellarchitected import PILLARS, PRACTICES

T = TypeVar("T")

# Framework keys a check may map to; the values are control ids of that framework.
FRAMEWORKS = {
    "fsbp": "AWS Foundational Security Best Practices",
    "cis-3.0": "CIS AWS Foundations Benchmark v3.0",
    "cis-4.0": "CIS AWS Foundations Benchmark v4.0",
    "cis-5.0": "CIS AWS Foundations Benchmark v5.0",
    # Well-Architected best practice ids (REL09-BP03, COST04-BP05)
    **PILLARS,
}
# Frameworks of controls (pass/fail standards), as opposed to the Well-Architected pillars.
STANDARDS = ("fsbp", "cis-3.0", "cis-4.0", "cis-5.0")


class CheckParameters(BaseModel):
    """A check's tunable values. Subclass it with defaults taken from the study materials
    (7-day backups, 80 % CPU…); configuration overrides them, validated by this model."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParameters(CheckParameters):
    """The parameters of a check that has none."""


P = TypeVar("P", bound=CheckParameters)

_CHECK_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


class CheckMetadata(BaseModel):
    """Everything a reader of a finding needs to know about the check that made it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="<service>_<resource>_<property>, stable forever.")
    title: str = Field(description="States the good state, e.g. 'RDS instances run Multi-AZ'.")
    service: str
    severity: Severity
    resource_type: str
    datasets: tuple[str, ...]
    rationale: str
    remediation: Remediation
    references: tuple[str, ...] = ()
    compliance: dict[str, list[str]] = Field(default_factory=dict)
    parameters: dict[str, JsonValue] = Field(
        default_factory=dict, description="Tunable values with their defaults."
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _CHECK_ID.match(value):
            raise ValueError(
                f"check id {value!r} is not snake_case <service>_<resource>_<property>"
            )
        return value

    @field_validator("title", "rationale")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("references")
    @classmethod
    def _https_references(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ref in value:
            if not ref.startswith("https://"):
                raise ValueError(f"reference {ref!r} is not an https URL")
        return value

    @field_validator("compliance")
    @classmethod
    def _known_frameworks(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for framework, controls in value.items():
            if framework not in FRAMEWORKS:
                raise ValueError(f"unknown framework {framework!r}; known: {sorted(FRAMEWORKS)}")
            if not controls:
                raise ValueError(f"framework {framework!r} lists no control ids")
            unknown = [
                c for c in controls if framework in PRACTICES and c not in PRACTICES[framework]
            ]
            if unknown:
                raise ValueError(f"{framework} has no best practice {unknown}")
        return value

    @model_validator(mode="after")
    def _datasets_known(self) -> CheckMetadata:
        if not self.datasets:
            raise ValueError(f"check {self.id} declares no datasets")
        unknown = [d for d in self.datasets if d not in ALL_DATASETS]
        if unknown:
            raise ValueError(f"check {self.id} declares unknown datasets {unknown}")
        if not self.id.startswith(self.service + "_"):
            raise ValueError(f"check id {self.id} does not start with its service {self.service!r}")
        return self

    @property
    def scope(self) -> ScopeKind:
        """Regional when any dataset is: such a check runs per region and may also read the
        account's global datasets (IAM roles for Lambda functions, say)."""
        scopes = {ALL_DATASETS[d].scope for d in self.datasets}
        return "regional" if "regional" in scopes else "global"


@dataclass(frozen=True)
class Verdict:
    """A check's judgement of one resource; the engine turns it into a Finding."""

    status: Status
    resource: ResourceRef
    message: str
    evidence: Mapping[str, JsonValue] = field(default_factory=dict)
    region: str | None = None  # overrides the scope's region (an S3 bucket lives in its own)
    error: CollectionError | None = None


def passed(
    resource: ResourceRef, message: str, *, region: str | None = None, **evidence: JsonValue
) -> Verdict:
    return Verdict(Status.PASS, resource, message, evidence, region)


def failed(
    resource: ResourceRef, message: str, *, region: str | None = None, **evidence: JsonValue
) -> Verdict:
    return Verdict(Status.FAIL, resource, message, evidence, region)


def unreadable(
    resource: ResourceRef, error: CollectionError, *, region: str | None = None
) -> Verdict:
    """A resource whose deciding data could not be read: ERROR, never a guess."""
    return Verdict(
        Status.ERROR,
        resource,
        f"Could not judge: {error.describe()}",
        {"operation": error.operation, "error_code": error.error_code},
        region,
        error,
    )


class DatasetNotDeclared(RuntimeError):
    """A check read a dataset it did not declare: a bug in the check."""


class Scope:
    """The part of the snapshot one check run may read: one account and region, plus the
    account's global datasets, and the check's parameters."""

    def __init__(
        self,
        snapshot: ScopeSnapshot,
        declared: Iterable[str],
        parameters: CheckParameters | None = None,
        account: ScopeSnapshot | None = None,
        own_accounts: Iterable[str] = (),
        peers: Mapping[str, ScopeSnapshot] | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._account = account
        self._own_accounts = frozenset(own_accounts)
        self._peers = dict(peers or {})
        self._declared = frozenset(declared)
        self._parameters = parameters

    @property
    def account_id(self) -> str:
        return self._snapshot.account_id

    @property
    def region(self) -> str:
        return self._snapshot.region

    @property
    def own_accounts(self) -> frozenset[str]:
        """This account and, with --org, every account of the organization (whichever share a
        shard reads): the accounts the operator runs."""
        return self._own_accounts | {self.account_id}

    def get(self, dataset: Dataset[T]) -> T:
        if dataset.name not in self._declared:
            raise DatasetNotDeclared(f"dataset {dataset.name!r} read but not declared")
        source = source_scope(dataset.name, self._snapshot, self._account)
        value = None if source is None else getattr(source, dataset.name)
        if value is None or isinstance(value, CollectionError):
            # The engine runs a check only where all its datasets were read.
            raise DatasetNotDeclared(f"dataset {dataset.name!r} is not available in this scope")
        result: T = value
        return result

    def organization_reads(self, dataset: Dataset[T]) -> dict[str, T]:
        """A global dataset as the organization's other accounts in this snapshot read it
        (with --org), by account id: what only the management account may ask answers for
        its members. Failed reads, and accounts this snapshot (or shard) lacks, are left out."""
        if dataset.name not in self._declared:
            raise DatasetNotDeclared(f"dataset {dataset.name!r} read but not declared")
        if dataset.scope != "global":
            raise ValueError(f"dataset {dataset.name!r} is not account-wide")
        reads: dict[str, T] = {}
        for account_id, peer in sorted(self._peers.items()):
            value = getattr(peer, dataset.name)
            usable = value is not None and not isinstance(value, CollectionError)
            if account_id != self.account_id and usable:
                reads[account_id] = value
        return reads

    def parameters(self, model: type[P]) -> P:
        """This run's parameters, typed as the check's own model."""
        if self._parameters is None:
            return model()
        if not isinstance(self._parameters, model):
            raise TypeError(f"parameters are {type(self._parameters).__name__}, not {model}")
        return self._parameters


def source_scope(
    dataset: str, scope: ScopeSnapshot, account: ScopeSnapshot | None
) -> ScopeSnapshot | None:
    """Where a dataset lives for a check running in `scope`: global datasets of a regional
    check come from the account's global scope."""
    if ALL_DATASETS[dataset].scope == "global" and scope.region != GLOBAL_REGION:
        return account
    return scope


CheckFunction = Callable[[Scope], Iterable[Verdict]]


@dataclass(frozen=True)
class Check:
    metadata: CheckMetadata
    run: CheckFunction
    source: str = "builtin"
    parameter_model: type[CheckParameters] = NoParameters
    # Set by the configuration file: parameter values, and the severity it replaced.
    overrides: Mapping[str, Any] = field(default_factory=dict, hash=False)
    default_severity: Severity | None = None

    @property
    def id(self) -> str:
        return self.metadata.id

    def configure(self, overrides: Mapping[str, Any] | None = None) -> CheckParameters:
        """The check's parameters with `overrides` (else the configured ones) applied;
        pydantic's ValidationError on an unknown name or a bad value."""
        chosen = self.overrides if overrides is None else overrides
        return self.parameter_model.model_validate(dict(chosen))


def check(
    *,
    id: str,
    title: str,
    service: str,
    severity: Severity,
    resource_type: str,
    datasets: Iterable[Dataset[Any]],
    rationale: str,
    remediation: Remediation,
    references: Iterable[str] = (),
    compliance: Mapping[str, list[str]] | None = None,
    parameters: type[CheckParameters] = NoParameters,
) -> Callable[[CheckFunction], Check]:
    """Attach validated metadata to a check function; the registry finds the result."""
    metadata = CheckMetadata(
        id=id,
        title=title,
        service=service,
        severity=severity,
        resource_type=resource_type,
        datasets=tuple(d.name for d in datasets),
        rationale=rationale,
        remediation=remediation,
        references=tuple(references),
        compliance=dict(compliance or {}),
        parameters=cast(dict[str, JsonValue], parameters().model_dump(mode="json")),
    )

    def wrap(fn: CheckFunction) -> Check:
        return Check(metadata=metadata, run=fn, parameter_model=parameters)

    return wrap
