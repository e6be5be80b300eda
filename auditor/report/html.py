"""The HTML report for review meetings: one self-contained, printable page. The gaps come first,
then the executive page, the checks and the compliance view, then the findings by check.

Everything that grows with the checks is markup; the rows, which grow with the resources,
travel as compact JSON (see html_rows) that the page's own script filters, sorts and pages,
so a report of 100,000 findings stays small and quick to open.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

import jinja2
from pydantic import JsonValue

from auditor.checkapi import FRAMEWORKS
from auditor.errors import PluginError
from auditor.findings import DiffState, Finding, Remediation, Report, Severity, Status
from auditor.registry import load_checks
from auditor.report import meeting
from auditor.report.html_rows import RowEncoder, script_json

if TYPE_CHECKING:
    from auditor.history.meeting import HistoryView

# Inside a check group: confirmed failures, then what could not be judged, then passes.
_STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2}
_DIFF_ORDER = {DiffState.NEW: 0, DiffState.FIXED: 1, DiffState.UNCHANGED: 2, None: 3}
_SEVERITIES = meeting.SEVERITIES

# Inlined verbatim; the page's Content-Security-Policy allows exactly these by hash, so
# neither an injected <script> nor an inline event handler could run even if escaping failed.
_INLINE_STYLE = "_report.css"
_INLINE_SCRIPT = "_report.js"


@dataclass(frozen=True)
class CheckGroup:
    """The findings of one check, with what the check says about itself."""

    check_id: str
    title: str
    severity: Severity
    service: str
    compliance: dict[str, list[str]]
    remediations: list[Remediation]
    findings: list[Finding]
    counts: dict[Status, int]
    muted: int
    new: int

    @property
    def failing(self) -> int:
        return self.counts[Status.FAIL] + self.counts[Status.ERROR]


@dataclass(frozen=True)
class NotPassing:
    """FAIL and ERROR counts for one severity or one service."""

    key: str
    fail: int
    error: int


def _row_order(f: Finding) -> tuple[int, int, str, str, str]:
    return (
        _STATUS_ORDER[f.status],
        _DIFF_ORDER[f.diff_state],
        f.resource.id,
        f.account_id,
        f.region,
    )


def _group(findings: list[Finding]) -> CheckGroup:
    first = findings[0]
    remediations: dict[tuple[str, str, str], Remediation] = {}
    compliance: dict[str, list[str]] = {}
    for f in findings:
        fix = f.remediation
        remediations.setdefault((fix.console, fix.cli, fix.terraform), fix)
        for framework, controls in f.compliance.items():
            known = compliance.setdefault(framework, [])
            known.extend(c for c in controls if c not in known)
    counts = dict.fromkeys(Status, 0) | Counter(f.status for f in findings)
    return CheckGroup(
        check_id=first.check_id,
        title=first.title,
        severity=max((f.severity for f in findings), key=lambda s: s.rank),
        service=first.service,
        compliance=compliance,
        remediations=list(remediations.values()),
        findings=sorted(findings, key=_row_order),
        counts=counts,
        muted=sum(1 for f in findings if f.muted and f.status is Status.FAIL),
        new=sum(1 for f in findings if f.diff_state is DiffState.NEW and f.status is Status.FAIL),
    )


def check_groups(findings: list[Finding]) -> list[CheckGroup]:
    """One group per check: checks with FAIL or ERROR first, worst severity first."""
    by_check: dict[str, list[Finding]] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    groups = [_group(fs) for fs in by_check.values()]
    return sorted(groups, key=lambda g: (g.failing == 0, -g.severity.rank, g.check_id))


def pass_rate_label(passed: int, failed: int) -> str:
    """PASS / (PASS + FAIL), one decimal; one failure never rounds to 100%, one pass not to 0%."""
    judged = passed + failed
    if not judged:
        return "—"
    percent = round(100 * passed / judged, 1)
    if failed and percent == 100:
        percent = 99.9
    elif passed and percent == 0:
        percent = 0.1
    return f"{percent:g}%"


def _pretty_json(value: dict[str, JsonValue]) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").rstrip()


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _rate(tally: meeting.Tally) -> str:
    return pass_rate_label(tally.passed, tally.failed)


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("report_templates", ""),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pretty_json"] = _pretty_json
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["rate"] = _rate
    return env


def _hash_source(env: jinja2.Environment, template: str) -> str:
    # The hash of the text exactly as `{% include %}` places it between the tags.
    digest = hashlib.sha256(env.get_template(template).render().encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@cache
def content_security_policy() -> str:
    """No fetches of any kind; only our own inline style and script run."""
    env = _environment()
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {_hash_source(env, _INLINE_STYLE)}",
            f"script-src {_hash_source(env, _INLINE_SCRIPT)}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


@dataclass(frozen=True)
class About:
    """Why a check matters and where to read more, from the check's own metadata."""

    rationale: str
    references: tuple[str, ...]


def _about(services: set[str]) -> dict[str, About]:
    # A report may be rendered again where a plugin check is not installed: no rationale then.
    try:
        checks = load_checks(services)
    except PluginError:
        return {}
    return {
        check_id: About(c.metadata.rationale, c.metadata.references)
        for check_id, c in checks.items()
    }


def _rows_payload(report: Report, groups: list[CheckGroup]) -> dict[str, JsonValue]:
    encoder = RowEncoder(report.scan.started_at)
    for g in groups:
        encoder.add_check(g.check_id, g.findings)
    return encoder.payload()


def render_html(report: Report, history: HistoryView | None = None) -> str:
    """The page; with `history` (a view of the scan history), its section "Over time" too."""
    findings = report.findings
    groups = check_groups(findings)
    judged_checks = {g.check_id for g in groups}
    by_status = report.summary.by_status
    services = meeting.by_service(findings)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            csp=content_security_policy(),
            inline_style=_INLINE_STYLE,
            inline_script=_INLINE_SCRIPT,
            groups=groups,
            about=_about({g.service for g in groups}),
            checks_without_findings=[c for c in report.scan.checks if c not in judged_checks],
            incomplete=bool(report.errors) or by_status.ERROR > 0,
            failing_checks=sum(1 for g in groups if g.counts[Status.FAIL]),
            pass_rate=pass_rate_label(by_status.PASS, by_status.FAIL),
            open_by_severity=meeting.open_by_severity(findings),
            muted_fails=sum(1 for f in findings if f.muted and f.status is Status.FAIL),
            change=meeting.change(report),
            oldest=meeting.oldest_open(report),
            fix_first=meeting.fix_first(findings),
            new_fails=meeting.new_fails(report),
            list_limit=50,
            accounts=meeting.by_account(report),
            service_rows=services,
            chart=meeting.status_chart(findings),
            compliance=meeting.compliance(findings),
            statuses=[Status.FAIL, Status.ERROR, Status.PASS],
            severities=[s for s in _SEVERITIES if any(g.severity is s for g in groups)],
            services=sorted(t.key for t in services),
            regions=sorted({f.region for f in findings}),
            owners=sorted({f.owner for f in findings if f.owner is not None}),
            duration=_duration((report.scan.finished_at - report.scan.started_at).total_seconds()),
            api_calls=sum(report.scan.api_calls.values()),
            frameworks=FRAMEWORKS,
            rows=script_json(_rows_payload(report, groups)),
            history=history,
        )
    )
