"""CSV: one row per finding, for spreadsheets.

Written with a UTF-8 byte order mark so Excel reads non-ASCII names right, and guarded against
formula injection: a cell that starts with = + - @ (or a tab or carriage return) is prefixed
with ' so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from auditor.findings import Finding, Report

COLUMNS = (
    "id",
    "check_id",
    "status",
    "muted",
    "severity",
    "service",
    "title",
    "account_id",
    "region",
    "resource_id",
    "resource_arn",
    "resource_type",
    "message",
    "diff_state",
    "first_seen",
    "mute_owner",
    "mute_expires",
    "mute_reason",
    "compliance",
    "evidence",
    "owner",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(f: Finding) -> Iterable[str]:
    mute = f.mute
    compliance = "; ".join(
        f"{framework} {control}"
        for framework, controls in sorted(f.compliance.items())
        for control in controls
    )
    return (
        f.id,
        f.check_id,
        f.status.value,
        "true" if f.muted else "false",
        f.severity.value,
        f.service,
        f.title,
        f.account_id,
        f.region,
        f.resource.id,
        f.resource.arn or "",
        f.resource.type,
        f.message,
        f.diff_state.value if f.diff_state else "",
        f.first_seen.isoformat() if f.first_seen else "",
        mute.owner if mute else "",
        mute.expires.isoformat() if mute else "",
        mute.reason if mute else "",
        compliance,
        json.dumps(f.evidence, ensure_ascii=False, sort_keys=True) if f.evidence else "",
        f.owner or "",
    )


def render_csv(report: Report) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for finding in report.findings:
        writer.writerow([safe_cell(cell) for cell in _row(finding)])
    return out.getvalue()
