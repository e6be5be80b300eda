"""What the HTML report's executive page and compliance view show, computed from the findings:
open FAILs by severity, change since the baseline, oldest open findings, per-account and
per-service tables, the status chart, and FSBP / CIS controls with their checks' status."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from auditor.checkapi import FRAMEWORKS
from auditor.findings import DiffState, Finding, Report, Severity, Status, StatusCounts
from auditor.report.html_rows import age_days

SEVERITIES = sorted(Severity, key=lambda s: s.rank, reverse=True)


@dataclass(frozen=True)
class Tally:
    """Status counts of one slice of the findings (an account, a service, a check)."""

    key: str
    passed: int = 0
    failed: int = 0
    errors: int = 0
    muted: int = 0  # muted FAILs, included in `failed`

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors

    @property
    def open(self) -> int:
        return self.failed - self.muted


def _tallies(findings: Iterable[Finding], key: str) -> list[Tally]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        c = counts[getattr(f, key)]
        c[f.status.value] += 1
        if f.muted and f.status is Status.FAIL:
            c["muted"] += 1
    return [
        Tally(k, c[Status.PASS.value], c[Status.FAIL.value], c[Status.ERROR.value], c["muted"])
        for k, c in counts.items()
    ]


def by_account(report: Report) -> list[Tally]:
    """From `summary.by_account` where the report has it (muted counted from the findings)."""
    computed = {t.key: t for t in _tallies(report.findings, "account_id")}
    given: Mapping[str, StatusCounts] | None = getattr(report.summary, "by_account", None)
    if given:
        computed = {
            account: Tally(
                account,
                counts.PASS,
                counts.FAIL,
                counts.ERROR,
                computed.get(account, Tally("")).muted,
            )
            for account, counts in given.items()
        }
    for account in report.scan.accounts:
        computed.setdefault(account, Tally(account))
    return sorted(computed.values(), key=lambda t: (-t.open, -t.errors, t.key))


def by_service(findings: Iterable[Finding]) -> list[Tally]:
    return sorted(_tallies(findings, "service"), key=lambda t: (-t.open, -t.errors, t.key))


@dataclass(frozen=True)
class SeverityLine:
    severity: Severity
    open: int
    muted: int


def open_by_severity(findings: Iterable[Finding]) -> list[SeverityLine]:
    open_, muted = Counter[Severity](), Counter[Severity]()
    for f in findings:
        if f.status is Status.FAIL:
            (muted if f.muted else open_)[f.severity] += 1
    return [SeverityLine(s, open_[s], muted[s]) for s in SEVERITIES]


@dataclass(frozen=True)
class Change:
    """Since the baseline: FAILs that are new, still open, and fixed."""

    new_fails: int
    new_by_severity: list[tuple[Severity, int]]
    still_failing: int
    fixed: int
    unverified: int


def change(report: Report) -> Change | None:
    if report.baseline is None:
        return None
    new = Counter(
        f.severity
        for f in report.findings
        if f.status is Status.FAIL and f.diff_state is DiffState.NEW
    )
    still = sum(
        1
        for f in report.findings
        if f.status is Status.FAIL and f.diff_state is DiffState.UNCHANGED
    )
    return Change(
        new_fails=sum(new.values()),
        new_by_severity=[(s, new[s]) for s in SEVERITIES if new[s]],
        still_failing=still,
        fixed=len(report.fixed),
        unverified=report.baseline.unverified,
    )


@dataclass(frozen=True)
class FixFirst:
    """One check's open (unmuted) critical or high FAILs, for the top of the agenda."""

    check_id: str
    title: str
    severity: Severity
    resources: int
    accounts: list[str]
    owners: list[str]


_URGENT = (Severity.CRITICAL, Severity.HIGH)


def fix_first(findings: Iterable[Finding]) -> list[FixFirst]:
    """Critical and high open FAILs grouped by check: the most resources first per severity."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.status is Status.FAIL and not f.muted and f.severity in _URGENT:
            by_check[f.check_id].append(f)
    items = [
        FixFirst(
            check_id=check_id,
            title=fs[0].title,
            severity=max((f.severity for f in fs), key=lambda s: s.rank),
            resources=len({(f.account_id, f.region, f.resource.id) for f in fs}),
            accounts=sorted({f.account_id for f in fs}),
            owners=sorted({f.owner for f in fs if f.owner is not None}),
        )
        for check_id, fs in by_check.items()
    ]
    return sorted(items, key=lambda i: (-i.severity.rank, -i.resources, i.check_id))


def new_fails(report: Report) -> list[Finding]:
    """FAILs that the baseline did not have, worst first (none without a baseline)."""
    if report.baseline is None:
        return []
    new = [f for f in report.findings if f.status is Status.FAIL and f.diff_state is DiffState.NEW]
    return sorted(new, key=lambda f: (-f.severity.rank, f.check_id, f.resource.id))


@dataclass(frozen=True)
class Aged:
    finding: Finding
    days: int


def oldest_open(report: Report, limit: int = 10) -> list[Aged]:
    """Open FAILs first seen before this scan (history or a baseline), oldest first: a FAIL
    first seen by this very scan has no age worth listing."""
    now = report.scan.started_at
    open_fails = [
        f
        for f in report.findings
        if f.status is Status.FAIL
        and not f.muted
        and f.first_seen is not None
        and age_days(f.first_seen, now) > 0
    ]
    open_fails.sort(key=lambda f: (f.first_seen, -f.severity.rank, f.check_id, f.resource.id))
    return [Aged(f, age_days(f.first_seen, now)) for f in open_fails[:limit]]


@dataclass(frozen=True)
class Bar:
    """One stacked bar of the status chart, in SVG user units (the chart is 100 wide)."""

    label: str
    y: float
    segments: list[tuple[str, float, float, int]]  # (status, x, width, count)
    total: int


def status_chart(findings: Iterable[Finding]) -> list[Bar]:
    """A bar per severity with findings: PASS / FAIL / ERROR shares of that severity."""
    counts: dict[Severity, Counter[Status]] = defaultdict(Counter)
    for f in findings:
        counts[f.severity][f.status] += 1
    bars: list[Bar] = []
    for severity in SEVERITIES:
        c = counts.get(severity)
        if not c:
            continue
        total, x = sum(c.values()), 0.0
        segments: list[tuple[str, float, float, int]] = []
        for status in (Status.FAIL, Status.ERROR, Status.PASS):
            if c[status]:
                width = 100 * c[status] / total
                segments.append((status.value, round(x, 3), round(width, 3), c[status]))
                x += width
        bars.append(Bar(severity.value, 14.0 * len(bars), segments, total))
    return bars


@dataclass
class Control:
    framework: str
    control: str
    checks: dict[str, Counter[Status]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        totals: Counter[Status] = sum(self.checks.values(), Counter())
        if totals[Status.FAIL]:
            return Status.FAIL.value
        if totals[Status.ERROR]:
            return Status.ERROR.value
        return Status.PASS.value


def _natural(control: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", control)]


def compliance(findings: Iterable[Finding]) -> list[tuple[str, str, list[Control]]]:
    """(framework key, framework name, controls) for each framework the findings map to."""
    controls: dict[tuple[str, str], Control] = {}
    for f in findings:
        for framework, ids in f.compliance.items():
            for control_id in ids:
                control = controls.setdefault(
                    (framework, control_id), Control(framework, control_id)
                )
                control.checks.setdefault(f.check_id, Counter())[f.status] += 1
    frameworks = sorted(
        {framework for framework, _ in controls},
        key=lambda k: (list(FRAMEWORKS).index(k) if k in FRAMEWORKS else len(FRAMEWORKS), k),
    )
    return [
        (
            framework,
            FRAMEWORKS.get(framework, framework),
            sorted(
                (c for (fw, _), c in controls.items() if fw == framework),
                key=lambda c: _natural(c.control),
            ),
        )
        for framework in frameworks
    ]
