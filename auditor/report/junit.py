"""JUnit XML for CI dashboards: a test suite per check, a test case per check × resource.

FAIL is a <failure>, ERROR an <error> (the check could not judge), a muted FAIL is <skipped>
with the mute's reason, owner and end date, and PASS is a plain passing case.
"""

from __future__ import annotations

import re
from collections import Counter
from xml.etree import ElementTree as ET

from auditor.findings import Finding, Report, Status

# Characters XML 1.0 cannot carry at all, even escaped; an account owner controls resource
# names and tags, so drop them rather than write a file no parser reads.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _case_name(f: Finding) -> str:
    return f"{f.account_id}/{f.region}/{f.resource.id}"


def _case(suite: ET.Element, f: Finding) -> None:
    case = ET.SubElement(
        suite, "testcase", name=_text(_case_name(f)), classname=f"auditor.{f.check_id}", time="0"
    )
    details = "\n".join(
        (
            _text(f.message),
            f"severity: {f.severity.value}",
            f"resource: {_text(f.resource.arn or f.resource.id)} ({f.resource.type})",
            f"owner: {_text(f.owner or 'unowned')}",
        )
    )
    if f.status is Status.FAIL and f.muted and f.mute is not None:
        mute = f.mute
        skipped = ET.SubElement(
            case,
            "skipped",
            message=_text(f"muted until {mute.expires} by {mute.owner}: {mute.reason}"),
        )
        skipped.text = details
    elif f.status is Status.FAIL:
        failure = ET.SubElement(
            case, "failure", message=_text(f.message), type=f"FAIL.{f.severity.value}"
        )
        failure.text = details
    elif f.status is Status.ERROR:
        error = ET.SubElement(case, "error", message=_text(f.message), type="ERROR")
        error.text = details


def render_junit(report: Report) -> str:
    by_check: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_check.setdefault(f.check_id, []).append(f)
    root = ET.Element("testsuites", name="auditor")
    totals: Counter[str] = Counter()
    timestamp = report.scan.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    for check_id in sorted(by_check):
        findings = by_check[check_id]
        counts = Counter(
            "skipped" if f.status is Status.FAIL and f.muted else f.status.value for f in findings
        )
        suite = ET.SubElement(
            root,
            "testsuite",
            name=check_id,
            tests=str(len(findings)),
            failures=str(counts[Status.FAIL.value]),
            errors=str(counts[Status.ERROR.value]),
            skipped=str(counts["skipped"]),
            time="0",
            timestamp=timestamp,
        )
        for f in findings:
            _case(suite, f)
        totals.update(
            tests=len(findings),
            failures=counts[Status.FAIL.value],
            errors=counts[Status.ERROR.value],
            skipped=counts["skipped"],
        )
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
