"""Findings and the report: the JSON contract other tools read (`auditor schema` prints it)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, JsonValue

REPORT_SCHEMA_VERSION = "1.1"


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105 - a status, not a password
    FAIL = "FAIL"
    ERROR = "ERROR"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFORMATIONAL = "informational"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 … informational 0."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFORMATIONAL: 0,
}


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Remediation(Contract):
    console: str = Field(description="Where to fix it in the AWS console.")
    cli: str = Field(description="An AWS CLI command that fixes it.")
    terraform: str = Field(description="The Terraform argument or resource that fixes it.")


class ResourceRef(Contract):
    arn: str | None = None
    id: str
    type: str = Field(description="CloudFormation resource type, e.g. AWS::RDS::DBInstance.")
    tags: dict[str, str] | None = Field(
        default=None,
        description="The resource's tags where its collector read them (null: not read); "
        "suppressions can match on them.",
    )


class DiffState(StrEnum):
    """A finding compared with the baseline scan's finding of the same id."""

    NEW = "new"  # not in the baseline, or in it with another status
    UNCHANGED = "unchanged"  # in the baseline with the same status
    FIXED = "fixed"  # a FAIL in the baseline that now passes (or is gone: see Report.fixed)


class Mute(Contract):
    """A mutelist entry: what it matches, and who accepted the risk until when."""

    entry: int = Field(description="Position of the entry in the mutelist file, from 1.")
    check: list[str] = Field(default_factory=list, description="Check id globs (any matches).")
    account: list[str] = Field(default_factory=list, description="Account id globs.")
    region: list[str] = Field(default_factory=list, description="Region globs.")
    resource: list[str] = Field(default_factory=list, description="Resource ARN or id globs.")
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tag key -> value glob; every one must match."
    )
    owned_by: list[str] = Field(
        default_factory=list, description="Globs of the finding's owner (see Finding.owner)."
    )
    reason: str
    owner: str
    expires: date = Field(description="The last day (UTC) on which the entry applies.")


class Finding(Contract):
    id: str = Field(
        description="Stable: the same check, account, region and resource give the same id."
    )
    check_id: str
    status: Status
    severity: Severity
    service: str
    title: str
    message: str
    account_id: str
    region: str = Field(
        description='AWS region, or "global" for account-wide services such as IAM.'
    )
    resource: ResourceRef
    evidence: dict[str, JsonValue] = Field(default_factory=dict)
    remediation: Remediation
    compliance: dict[str, list[str]] = Field(default_factory=dict)
    muted: bool = Field(
        default=False,
        description="A suppression entry matched: the status stands, but a muted FAIL never "
        "sets the exit code.",
    )
    mute: Mute | None = Field(default=None, description="The entry that muted the finding.")
    diff_state: DiffState | None = Field(
        default=None, description="Compared with the baseline scan (null: no baseline given)."
    )
    first_seen: datetime | None = Field(
        default=None,
        description="Start of the first scan that saw this finding with its current status.",
    )
    owner: str | None = Field(
        default=None,
        description="Who owns the resource: its owner tag (owner_tags), the account's tag in "
        'AWS Organizations, the configured account map, else "unowned" (null: not resolved).',
    )


def finding_id(check_id: str, account_id: str, region: str, resource: ResourceRef) -> str:
    key = "\x1f".join((check_id, account_id, region, resource.arn or "", resource.id))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


class Tool(Contract):
    name: str = "auditor"
    version: str


class ScanInfo(Contract):
    id: str
    started_at: datetime
    finished_at: datetime
    accounts: list[str]
    regions: list[str]
    checks: list[str]
    api_calls: dict[str, int] = Field(
        default_factory=dict, description="AWS operations sent during collection, with counts."
    )
    severity_overrides: dict[str, Severity] = Field(
        default_factory=dict,
        description="Check id to the severity the configuration gave it (findings carry it).",
    )
    parameters: dict[str, dict[str, JsonValue]] = Field(
        default_factory=dict,
        description="Check id to the parameters it ran with, for checks the configuration tuned.",
    )


class StatusCounts(Contract):
    PASS: int = 0
    FAIL: int = 0
    ERROR: int = 0


class PracticeStatus(StrEnum):
    """A Well-Architected best practice's status on the scorecard."""

    PASS = "PASS"  # noqa: S105  every finding of its checks passes
    FAIL = "FAIL"  # at least one finding fails
    ERROR = "ERROR"  # nothing fails, but something could not be checked
    NOT_ASSESSED = "NOT_ASSESSED"  # no check of this scan judged a resource for it
    NOT_AUTOMATABLE = "NOT_AUTOMATABLE"  # no API can judge it: a review must


class FailingResource(Contract):
    """A FAIL or ERROR finding behind a best practice's status."""

    check_id: str
    account_id: str
    region: str
    resource_id: str
    status: Status


class PracticeScore(Contract):
    """One Well-Architected best practice on the scorecard."""

    practice: str
    title: str
    status: PracticeStatus
    checks: list[str] = Field(description="The checks of this scan that judged the practice.")
    passed: int
    failed: int
    errors: int
    not_passing: list[FailingResource] = Field(
        default_factory=list, description="FAIL and ERROR findings behind the status."
    )


class Summary(Contract):
    total: int
    by_status: StatusCounts
    by_severity: dict[Severity, StatusCounts]
    pass_rate: float | None = Field(
        description="PASS / (PASS + FAIL), or null when nothing was judged."
    )
    by_account: dict[str, StatusCounts] = Field(
        default_factory=dict,
        description="Status counts per account id (absent in reports before it was added).",
    )
    well_architected: dict[str, list[PracticeScore]] = Field(
        default_factory=dict,
        description="Per Well-Architected pillar (wa-rel, wa-cost), every best practice with its "
        "status from the findings of the checks mapped to it (absent in older reports).",
    )


class ScanError(Contract):
    """A gap in the scan: a read that failed and the checks it left unjudged."""

    account_id: str
    region: str
    service: str
    operation: str
    error_code: str
    message: str
    resource_id: str | None = None
    checks: list[str]


class Baseline(Contract):
    """The earlier scan this report was compared with, and what changed since."""

    scan_id: str
    started_at: datetime
    new: int = Field(description="Findings with diff_state new.")
    unchanged: int = Field(description="Findings with diff_state unchanged.")
    fixed: int = Field(description="Baseline FAILs now fixed: the length of Report.fixed.")
    unverified: int = Field(
        description="Baseline FAILs whose resource this scan did not judge again (check not "
        "run, account or region not scanned, or its read failed): neither fixed nor open."
    )


class Report(Contract):
    schema_version: str = REPORT_SCHEMA_VERSION
    tool: Tool
    scan: ScanInfo
    summary: Summary
    findings: list[Finding]
    errors: list[ScanError]
    baseline: Baseline | None = Field(
        default=None, description="The scan compared with (--baseline), if any."
    )
    fixed: list[Finding] = Field(
        default_factory=list,
        description="Every FAIL of the baseline that is fixed now, as the baseline recorded it "
        "(diff_state fixed): its resource passes now or is gone.",
    )
    expired_mutes: list[Mute] = Field(
        default_factory=list,
        description="Mutelist entries past their expiry date: they muted nothing; renew or remove.",
    )
