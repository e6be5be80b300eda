"""The AWS Well-Architected best practices the checks map to (pillars Reliability and Cost
Optimization), and the scorecard: each best practice's status from the findings of its checks.

Checks name best practices in their compliance metadata (`wa-rel`, `wa-cost`); this module
holds the practices themselves, so the scorecard also lists the ones no check judges and says
which of those no API can judge at all (they are about people, process and tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.findings import FailingResource, Finding, PracticeScore, PracticeStatus, Status

RELIABILITY = "wa-rel"
COST = "wa-cost"
PILLARS = {
    RELIABILITY: "AWS Well-Architected Framework, Reliability pillar",
    COST: "AWS Well-Architected Framework, Cost Optimization pillar",
}
_FRAMEWORK_DOCS = "https://docs.aws.amazon.com/wellarchitected/latest/framework"


@dataclass(frozen=True)
class Practice:
    """One best practice: its id and title as the framework gives them, and whether any AWS
    API can tell if a workload follows it."""

    id: str
    title: str
    automatable: bool

    @property
    def question(self) -> str:
        return self.id.split("-")[0]

    @property
    def url(self) -> str:
        return f"{_FRAMEWORK_DOCS}/{self.question.lower()}.html"


def _practices(automatable: set[str], rows: Iterable[tuple[str, str]]) -> dict[str, Practice]:
    return {pid: Practice(pid, title, pid in automatable) for pid, title in rows}


# The Reliability pillar, current framework version. A practice is automatable when account
# configuration can show it is followed (or not); the others are about design reviews, runbooks,
# tests and people, which no API can judge.
RELIABILITY_PRACTICES = _practices(
    {
        "REL01-BP04",
        "REL01-BP06",
        "REL02-BP01",
        "REL04-BP02",
        "REL05-BP02",
        "REL05-BP03",
        "REL05-BP04",
        "REL06-BP01",
        "REL06-BP02",
        "REL06-BP03",
        "REL06-BP04",
        "REL06-BP05",
        "REL06-BP07",
        "REL07-BP01",
        "REL07-BP03",
        "REL09-BP01",
        "REL09-BP02",
        "REL09-BP03",
        "REL09-BP04",
        "REL10-BP01",
        "REL10-BP02",
        "REL11-BP01",
        "REL11-BP02",
        "REL11-BP03",
        "REL11-BP06",
        "REL13-BP02",
    },
    [
        ("REL01-BP01", "Aware of service quotas and constraints"),
        ("REL01-BP02", "Manage service quotas across accounts and regions"),
        ("REL01-BP03", "Accommodate fixed service quotas and constraints through architecture"),
        ("REL01-BP04", "Monitor and manage quotas"),
        ("REL01-BP05", "Automate quota management"),
        (
            "REL01-BP06",
            "Ensure that a sufficient gap exists between the current quotas and the maximum "
            "usage to accommodate failover",
        ),
        (
            "REL02-BP01",
            "Use highly available network connectivity for your workload public endpoints",
        ),
        (
            "REL02-BP02",
            "Provision redundant connectivity between private networks in the cloud and "
            "on-premises environments",
        ),
        ("REL02-BP03", "Ensure IP subnet allocation accounts for expansion and availability"),
        ("REL02-BP04", "Prefer hub-and-spoke topologies over many-to-many mesh"),
        (
            "REL02-BP05",
            "Enforce non-overlapping private IP address ranges in all private address spaces "
            "where they are connected",
        ),
        ("REL03-BP01", "Choose how to segment your workload"),
        ("REL03-BP02", "Build services focused on specific business domains and functionality"),
        ("REL03-BP03", "Provide service contracts per API"),
        ("REL04-BP01", "Identify the kind of distributed systems you depend on"),
        ("REL04-BP02", "Implement loosely coupled dependencies"),
        ("REL04-BP03", "Do constant work"),
        ("REL04-BP04", "Make mutating operations idempotent"),
        (
            "REL05-BP01",
            "Implement graceful degradation to transform applicable hard dependencies into soft "
            "dependencies",
        ),
        ("REL05-BP02", "Throttle requests"),
        ("REL05-BP03", "Control and limit retry calls"),
        ("REL05-BP04", "Fail fast and limit queues"),
        ("REL05-BP05", "Set client timeouts"),
        ("REL05-BP06", "Make systems stateless where possible"),
        ("REL05-BP07", "Implement emergency levers"),
        ("REL06-BP01", "Monitor all components for the workload (Generation)"),
        ("REL06-BP02", "Define and calculate metrics (Aggregation)"),
        ("REL06-BP03", "Send notifications with real-time processing and alarming"),
        ("REL06-BP04", "Automate responses to alarms"),
        ("REL06-BP05", "Analyze logs"),
        ("REL06-BP06", "Regularly review monitoring scope and metrics"),
        ("REL06-BP07", "Monitor end-to-end tracing of requests through your system"),
        ("REL07-BP01", "Use automation when obtaining or scaling resources"),
        ("REL07-BP02", "Obtain resources upon detection of impairment to a workload"),
        (
            "REL07-BP03",
            "Obtain resources upon detection that more resources are needed for a workload",
        ),
        ("REL07-BP04", "Load test your workload"),
        ("REL08-BP01", "Use runbooks for standard activities such as deployment"),
        ("REL08-BP02", "Integrate functional testing as part of your deployment"),
        ("REL08-BP03", "Integrate resiliency testing as part of your deployment"),
        ("REL08-BP04", "Deploy using immutable infrastructure"),
        ("REL08-BP05", "Deploy changes with automation"),
        (
            "REL09-BP01",
            "Identify and back up all data that needs to be backed up, or reproduce the data "
            "from sources",
        ),
        ("REL09-BP02", "Secure and encrypt backups"),
        ("REL09-BP03", "Perform data backup automatically"),
        (
            "REL09-BP04",
            "Perform periodic recovery of the data to verify backup integrity and processes",
        ),
        ("REL10-BP01", "Deploy the workload to multiple locations"),
        ("REL10-BP02", "Automate recovery for components constrained to a single location"),
        ("REL10-BP03", "Use bulkhead architectures to limit scope of impact"),
        ("REL11-BP01", "Monitor all components of the workload to detect failures"),
        ("REL11-BP02", "Fail over to healthy resources"),
        ("REL11-BP03", "Automate healing on all layers"),
        ("REL11-BP04", "Rely on the data plane and not the control plane during recovery"),
        ("REL11-BP05", "Use static stability to prevent bimodal behavior"),
        ("REL11-BP06", "Send notifications when events impact availability"),
        (
            "REL11-BP07",
            "Architect your product to meet availability targets and uptime service level "
            "agreements (SLAs)",
        ),
        ("REL12-BP01", "Use playbooks to investigate failures"),
        ("REL12-BP02", "Perform post-incident analysis"),
        ("REL12-BP03", "Test scalability and performance requirements"),
        ("REL12-BP04", "Test resiliency using chaos engineering"),
        ("REL12-BP05", "Conduct game days regularly"),
        ("REL13-BP01", "Define recovery objectives for downtime and data loss"),
        ("REL13-BP02", "Use defined recovery strategies to meet the recovery objectives"),
        ("REL13-BP03", "Test disaster recovery implementation to validate the implementation"),
        ("REL13-BP04", "Manage configuration drift at the DR site or Region"),
        ("REL13-BP05", "Automate recovery"),
    ],
)

# The Cost Optimization practices the checks map to (the pillar's others are about finance,
# organisation and review cadence, outside what a configuration audit sees).
COST_PRACTICES = _practices(
    {"COST04-BP05", "COST06-BP02", "COST07-BP01", "COST09-BP03"},
    [
        ("COST04-BP05", "Enforce data retention policies"),
        ("COST06-BP02", "Select resource type, size, and number based on data"),
        ("COST07-BP01", "Perform pricing model analysis"),
        ("COST09-BP03", "Supply resources dynamically"),
    ],
)

PRACTICES = {RELIABILITY: RELIABILITY_PRACTICES, COST: COST_PRACTICES}


def _status(practice: Practice, checks: set[str], counts: dict[Status, int]) -> PracticeStatus:
    if not checks:
        return (
            PracticeStatus.NOT_ASSESSED if practice.automatable else PracticeStatus.NOT_AUTOMATABLE
        )
    if counts[Status.FAIL]:
        return PracticeStatus.FAIL
    if counts[Status.ERROR]:
        return PracticeStatus.ERROR
    if counts[Status.PASS]:
        return PracticeStatus.PASS
    return PracticeStatus.NOT_ASSESSED


def scorecard(findings: Iterable[Finding], pillar: str) -> list[PracticeScore]:
    """Every best practice of the pillar, in framework order, with its status from `findings`
    (muted findings keep their status, as in the compliance view)."""
    practices = PRACTICES[pillar]
    checks: dict[str, set[str]] = {pid: set() for pid in practices}
    counts: dict[str, dict[Status, int]] = {pid: dict.fromkeys(Status, 0) for pid in practices}
    not_passing: dict[str, list[FailingResource]] = {pid: [] for pid in practices}
    for f in findings:
        for pid in f.compliance.get(pillar, []):
            if pid not in practices:
                continue
            checks[pid].add(f.check_id)
            counts[pid][f.status] += 1
            if f.status is not Status.PASS:
                not_passing[pid].append(
                    FailingResource(
                        check_id=f.check_id,
                        account_id=f.account_id,
                        region=f.region,
                        resource_id=f.resource.id,
                        status=f.status,
                    )
                )
    return [
        PracticeScore(
            practice=pid,
            title=practice.title,
            status=_status(practice, checks[pid], counts[pid]),
            checks=sorted(checks[pid]),
            passed=counts[pid][Status.PASS],
            failed=counts[pid][Status.FAIL],
            errors=counts[pid][Status.ERROR],
            not_passing=sorted(
                not_passing[pid], key=lambda r: (r.status.value, r.check_id, r.resource_id)
            ),
        )
        for pid, practice in practices.items()
    ]
