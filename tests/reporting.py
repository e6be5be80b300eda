"""Helpers for the tests of suppressions, diffs and report formats: findings in any account,
reports at any moment, and the HTML report's row payload decoded the way its script does."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.engine import summarize
from auditor.findings import Finding, Mute, Report, ResourceRef, ScanInfo, Status, finding_id
from auditor.mutelist import Mutelist, apply_mutelist
from tests.report_factory import ACCOUNT, make_finding, make_report

OTHER_ACCOUNT = "210987654321"
SCAN_START = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)


def finding(
    check_id: str,
    status: Status,
    resource_id: str,
    *,
    account: str = ACCOUNT,
    region: str = "eu-west-1",
    arn: str | None = None,
    tags: dict[str, str] | None = None,
    message: str | None = None,
    resource_type: str = "AWS::Test::Resource",
) -> Finding:
    """make_finding, in any account, with tags and a resource type when asked."""
    base = make_finding(check_id, status, resource_id, region=region, arn=arn, message=message)
    resource = ResourceRef(id=resource_id, arn=arn, type=resource_type, tags=tags)
    return base.model_copy(
        update={
            "account_id": account,
            "resource": resource,
            "id": finding_id(check_id, account, region, resource),
        }
    )


def report_at(
    findings: Iterable[Finding],
    started: datetime = SCAN_START,
    *,
    scan_id: str = "scan-0001",
    checks: list[str] | None = None,
    regions: list[str] | None = None,
    accounts: list[str] | None = None,
) -> Report:
    """A report of these findings whose scan started at `started`."""
    findings = list(findings)
    base = make_report(findings, checks=checks)
    scan: ScanInfo = base.scan.model_copy(
        update={
            "id": scan_id,
            "started_at": started,
            "finished_at": started + timedelta(minutes=3),
            "accounts": accounts or sorted({f.account_id for f in findings} or {ACCOUNT}),
            "regions": regions if regions is not None else base.scan.regions,
        }
    )
    return base.model_copy(update={"scan": scan, "summary": summarize(findings)})


def mute(
    report: Report,
    *,
    reason: str,
    owner: str,
    expires: date = date(2025, 12, 31),
    **selectors: Any,
) -> Report:
    """The report with a one-entry mutelist applied."""
    entry = Mute(entry=1, reason=reason, owner=owner, expires=expires, **selectors)
    return apply_mutelist(report, Mutelist(Path("auditor.mute.yaml"), (entry,)))


_DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.DOTALL)
_STATUS = ("FAIL", "ERROR", "PASS")
_DIFF = (None, "new", "unchanged", "fixed")


def html_payload(html: str) -> dict[str, Any]:
    match = _DATA.search(html)
    assert match is not None, "the report has no row data"
    payload: dict[str, Any] = json.loads(match.group(1))
    return payload


def html_rows(html: str) -> dict[str, list[dict[str, Any]]]:
    """Check id -> its rows as dicts, decoded as _report.js decodes them."""
    payload = html_payload(html)
    strings, mutes = payload["strings"], payload["mutes"]

    def fill(index: int, rid: str) -> str | None:
        return None if index < 0 else strings[index].replace("\x00", rid)

    decoded = {}
    for check in payload["checks"]:
        rows = []
        for r in check["rows"]:
            rid = r[1]
            evidence = fill(r[7], rid)
            rows.append(
                {
                    "status": _STATUS[r[0]],
                    "id": rid,
                    "arn": fill(r[2], rid),
                    "type": strings[r[3]],
                    "account": strings[r[4]],
                    "region": strings[r[5]],
                    "message": fill(r[6], rid),
                    "evidence": json.loads(evidence) if evidence else None,
                    "diff": _DIFF[r[8]],
                    "age": r[9],
                    "mute": mutes[r[10]] if r[10] >= 0 else None,
                    "tags": json.loads(strings[r[11]]) if r[11] >= 0 else None,
                }
            )
        decoded[check["id"]] = rows
    return decoded
