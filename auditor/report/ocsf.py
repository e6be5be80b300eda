"""OCSF 1.5.0 Detection Finding events (class 2004), a JSON array with one event per finding.

The auditor's PASS / FAIL / ERROR is `status_code`; `status_id` is the OCSF review state:
Suppressed for a muted finding, Resolved for one fixed since the baseline, else New. A
baseline FAIL whose resource is gone is one more event with activity Close.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import JsonValue

from auditor.findings import DiffState, Finding, Report, Severity

OCSF_VERSION = "1.5.0"
CLASS_UID = 2004  # Detection Finding
CATEGORY_UID = 2  # Findings
FINDING_TYPE = "Software and Configuration Checks/AWS Security Best Practices"

_SEVERITY_ID = {
    Severity.INFORMATIONAL: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
    Severity.CRITICAL: 5,
}
_ACTIVITY = {1: "Create", 2: "Update", 3: "Close"}
_STATUS = {1: "New", 3: "Suppressed", 4: "Resolved"}
_AWS_ACCOUNT_TYPE_ID = 10


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _partition(finding: Finding) -> str:
    arn = finding.resource.arn or ""
    return arn.split(":")[1] if arn.startswith("arn:") and arn.count(":") >= 2 else "aws"


def _activity(finding: Finding, gone: bool) -> int:
    if gone or finding.diff_state is DiffState.FIXED:
        return 3
    return 2 if finding.diff_state is DiffState.UNCHANGED else 1


def detection_finding(
    finding: Finding, seen: datetime, version: str, *, gone: bool = False
) -> dict[str, JsonValue]:
    """One event; `gone` marks a baseline FAIL whose resource this scan no longer found."""
    activity = _activity(finding, gone)
    status_id = 4 if activity == 3 else (3 if finding.muted else 1)
    resource = finding.resource
    first_seen = finding.first_seen or seen
    fix = finding.remediation
    resource_details: dict[str, JsonValue] = {
        "uid": resource.arn or resource.id,
        "name": resource.id,
        "type": resource.type,
        "region": finding.region,
        "cloud_partition": _partition(finding),
        "data": {"evidence": finding.evidence},
    }
    if resource.tags:
        resource_details["labels"] = [f"{k}:{v}" for k, v in sorted(resource.tags.items())]
    detail = "Fixed since the baseline: the resource was not found again." if gone else None
    return {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "auditor", "vendor_name": "auditor", "version": version},
            "event_code": finding.check_id,
            "uid": finding.id,
            "profiles": ["cloud"],
        },
        "activity_id": activity,
        "activity_name": _ACTIVITY[activity],
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + activity,
        "type_name": f"Detection Finding: {_ACTIVITY[activity]}",
        "severity_id": _SEVERITY_ID[finding.severity],
        "severity": finding.severity.value.capitalize(),
        "status_id": status_id,
        "status": _STATUS[status_id],
        "status_code": finding.status.value,
        "status_detail": detail or finding.message,
        "message": finding.message,
        "time": _ms(seen),
        "time_dt": _utc(seen),
        "finding_info": {
            "uid": finding.id,
            "title": finding.title,
            "desc": finding.message,
            "types": [FINDING_TYPE],
            "first_seen_time": _ms(first_seen),
            "first_seen_time_dt": _utc(first_seen),
            "last_seen_time": _ms(seen),
            "last_seen_time_dt": _utc(seen),
        },
        "resources": [resource_details],
        "cloud": {
            "provider": "AWS",
            "region": finding.region,
            "account": {
                "uid": finding.account_id,
                "name": finding.account_id,
                "type_id": _AWS_ACCOUNT_TYPE_ID,
                "type": "AWS Account",
            },
        },
        "remediation": {
            "desc": f"Console: {fix.console}\nAWS CLI: {fix.cli}\nTerraform: {fix.terraform}"
        },
        "unmapped": {
            "check_id": finding.check_id,
            "service": finding.service,
            "compliance": {k: list(v) for k, v in finding.compliance.items()},
            "diff_state": finding.diff_state.value if finding.diff_state else None,
            "muted": finding.muted,
            "mute": finding.mute.model_dump(mode="json") if finding.mute else None,
            "owner": finding.owner,
        },
    }


def ocsf_events(report: Report) -> Iterable[dict[str, JsonValue]]:
    seen, version = report.scan.finished_at, report.tool.version
    present = {f.id for f in report.findings}
    for finding in report.findings:
        yield detection_finding(finding, seen, version)
    for finding in report.fixed:
        if finding.id not in present:
            yield detection_finding(finding, seen, version, gone=True)


def render_ocsf(report: Report) -> str:
    return json.dumps(list(ocsf_events(report)), indent=1, ensure_ascii=False) + "\n"
