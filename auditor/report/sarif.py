"""SARIF 2.1.0 for GitHub code scanning: one rule per check, one result per FAIL.

Code scanning accepts only repository-relative locations, so each result points at a stable
pseudo-path `aws/<account>/<region>/<service>/<resource id>` and names the resource ARN as a
logical location. Alerts are matched across runs by `partialFingerprints` (the finding id).
PASS findings are not results (code scanning would open alerts for them); ERROR findings and
failed reads become tool execution notifications, so a gap is visible but never an alert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

from pydantic import JsonValue

from auditor.findings import DiffState, Finding, Report, Severity, Status

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "auditorFindingId/v1"

# GitHub reads security-severity as a CVSS-like score: >= 9.0 critical, 7.0-8.9 high,
# 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
    Severity.INFORMATIONAL: "0.0",
}
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFORMATIONAL: "note",
}
_BASELINE_STATE = {DiffState.NEW: "new", DiffState.UNCHANGED: "unchanged"}


def artifact_uri(finding: Finding) -> str:
    parts = (finding.account_id, finding.region, finding.service, finding.resource.id)
    return "aws/" + "/".join(quote(part, safe="") for part in parts)


def _rule(finding: Finding) -> dict[str, JsonValue]:
    fix = finding.remediation
    controls = [
        f"{framework}:{control}"
        for framework, ids in sorted(finding.compliance.items())
        for control in ids
    ]
    return {
        "id": finding.check_id,
        "name": "".join(word.capitalize() for word in finding.check_id.split("_")),
        "shortDescription": {"text": finding.title},
        "fullDescription": {"text": f"{finding.title} ({finding.service}, {finding.severity})."},
        "help": {
            "text": f"Console: {fix.console}\nAWS CLI: {fix.cli}\nTerraform: {fix.terraform}",
            "markdown": (
                f"**Console:** {fix.console}\n\n**AWS CLI:**\n\n```sh\n{fix.cli}\n```\n\n"
                f"**Terraform:**\n\n```hcl\n{fix.terraform}\n```"
            ),
        },
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[finding.severity],
            "precision": "very-high",
            "problem.severity": {"error": "error", "warning": "warning"}.get(
                _LEVEL[finding.severity], "recommendation"
            ),
            "tags": ["security", "aws", finding.service, *controls],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, JsonValue]:
    resource = finding.resource
    result: dict[str, JsonValue] = {
        "ruleId": finding.check_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding)}},
                "logicalLocations": [
                    {
                        "name": resource.id,
                        "fullyQualifiedName": resource.arn or resource.id,
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT: finding.id},
        "properties": {
            "accountId": finding.account_id,
            "region": finding.region,
            "resourceType": resource.type,
            "owner": finding.owner,
            "evidence": finding.evidence,
        },
    }
    if finding.diff_state in _BASELINE_STATE:
        result["baselineState"] = _BASELINE_STATE[finding.diff_state]
    if finding.first_seen is not None:
        result["provenance"] = {"firstDetectionTimeUtc": _utc(finding.first_seen)}
    if finding.muted and finding.mute is not None:
        mute = finding.mute
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{mute.reason} (owner {mute.owner}; until {mute.expires})",
                "properties": {"owner": mute.owner, "expires": mute.expires.isoformat()},
            }
        ]
    return result


def _notifications(report: Report) -> Iterable[dict[str, JsonValue]]:
    for error in report.errors:
        yield {
            "level": "error",
            "message": {
                "text": f"{error.service}:{error.operation} failed with {error.error_code} in "
                f"{error.account_id} {error.region}: {error.message}"
            },
            "properties": {"checks": list(error.checks), "resourceId": error.resource_id},
        }
    for finding in report.findings:
        if finding.status is Status.ERROR:
            yield {
                "level": "error",
                "message": {"text": f"{finding.check_id} could not judge: {finding.message}"},
                "associatedRule": {"id": finding.check_id},
                "properties": {
                    "accountId": finding.account_id,
                    "region": finding.region,
                    "resourceId": finding.resource.id,
                },
            }


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sarif_log(report: Report) -> dict[str, JsonValue]:
    rules: dict[str, int] = {}
    rule_list: list[JsonValue] = []
    results: list[JsonValue] = []
    # Every check that judged something is a rule, so a check with no FAIL still shows.
    for finding in report.findings:
        if finding.check_id not in rules:
            rules[finding.check_id] = len(rule_list)
            rule_list.append(_rule(finding))
    for finding in report.findings:
        if finding.status is Status.FAIL:
            results.append(_result(finding, rules[finding.check_id]))
    notifications: list[JsonValue] = list(_notifications(report))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": report.tool.name,
                        "version": report.tool.version,
                        "semanticVersion": report.tool.version,
                        "rules": rule_list,
                    }
                },
                "automationDetails": {"id": f"{report.tool.name}/{report.scan.id}"},
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "startTimeUtc": _utc(report.scan.started_at),
                        "endTimeUtc": _utc(report.scan.finished_at),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
                "properties": {
                    "accounts": list(report.scan.accounts),
                    "regions": list(report.scan.regions),
                },
            }
        ],
    }


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
