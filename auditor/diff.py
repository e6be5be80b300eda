"""Baseline and diff: what is new, unchanged or fixed since an earlier scan, and since when.

Findings are matched by their stable id (check, account, region, resource), so the match is
exact: a renamed resource is a new finding, and its old name's finding is gone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from auditor.findings import Baseline, DiffState, Finding, Report, Severity, Status
from auditor.models import GLOBAL_REGION

_SCOPE_TYPES = frozenset({"AWS::::Region", "AWS::::Account"})


def stamp_first_seen(report: Report) -> Report:
    """Without a baseline every finding is first seen now: the next scan carries it forward."""
    started = report.scan.started_at
    findings = [
        f if f.first_seen is not None else f.model_copy(update={"first_seen": started})
        for f in report.findings
    ]
    return report.model_copy(update={"findings": findings})


def compare(baseline: Report, report: Report) -> Report:
    """`report` with each finding's diff_state and first_seen set against `baseline`, the
    baseline's fixed FAILs listed in `fixed`, and counts in `baseline`."""
    started = report.scan.started_at
    earlier = {f.id: f for f in baseline.findings}
    findings = []
    for finding in report.findings:
        before = earlier.get(finding.id)
        if before is None or before.status is not finding.status:
            state = DiffState.NEW
            first_seen = started
        else:
            state = DiffState.UNCHANGED
            first_seen = before.first_seen or baseline.scan.started_at
        if before is not None and before.status is Status.FAIL and finding.status is Status.PASS:
            state = DiffState.FIXED
        findings.append(finding.model_copy(update={"diff_state": state, "first_seen": first_seen}))

    current = {f.id: f for f in findings}
    judged = _Coverage(baseline, report)
    fixed: list[Finding] = []
    unverified = 0
    for before in baseline.findings:
        if before.status is not Status.FAIL:
            continue
        now = current.get(before.id)
        if now is None and not judged.covers(before):
            unverified += 1
        elif now is None or now.status is Status.PASS:
            fixed.append(
                before.model_copy(
                    update={
                        "diff_state": DiffState.FIXED,
                        "first_seen": before.first_seen or baseline.scan.started_at,
                    }
                )
            )
    states = Counter(f.diff_state for f in findings)
    summary = Baseline(
        scan_id=baseline.scan.id,
        started_at=baseline.scan.started_at,
        new=states[DiffState.NEW],
        unchanged=states[DiffState.UNCHANGED],
        fixed=len(fixed),
        unverified=unverified,
    )
    return report.model_copy(update={"findings": findings, "fixed": fixed, "baseline": summary})


class _Coverage:
    """Whether the new scan judged the place an old finding was in, so its absence means the
    resource is gone, rather than unlooked-at (fail closed: when unsure, it is not fixed)."""

    def __init__(self, baseline: Report, report: Report) -> None:
        self._checks = set(report.scan.checks)
        self._accounts = set(report.scan.accounts)
        self._regions = set(report.scan.regions)
        self._old_regions = set(baseline.scan.regions)
        # A check that could not read a whole account or region reports one ERROR for it.
        self._blind = {
            (f.check_id, f.account_id, f.region)
            for f in report.findings
            if f.status is Status.ERROR and f.resource.type in _SCOPE_TYPES
        }

    def covers(self, finding: Finding) -> bool:
        region = finding.region
        # A region outside both scans' lists came from an account-wide dataset (an S3
        # bucket's own region): it was judged wherever the account's global data was.
        scanned = (
            region == GLOBAL_REGION or region in self._regions or region not in self._old_regions
        )
        blind = {(finding.check_id, finding.account_id, r) for r in (region, GLOBAL_REGION)}
        return (
            finding.check_id in self._checks
            and finding.account_id in self._accounts
            and scanned
            and not blind & self._blind
        )


def new_failures(findings: Iterable[Finding], threshold: Severity) -> list[Finding]:
    """Unmuted FAILs at or above `threshold` that the baseline did not have (every FAIL when no
    baseline was given: nothing was known before)."""
    return [
        f
        for f in findings
        if f.status is Status.FAIL
        and not f.muted
        and f.severity.rank >= threshold.rank
        and f.diff_state in (DiffState.NEW, None)
    ]


def describe(report: Report, limit: int = 10) -> list[str]:
    """A few lines for the terminal: what changed since the baseline."""
    base = report.baseline
    if base is None:
        return []
    new_fails = sorted(
        (f for f in report.findings if f.diff_state is DiffState.NEW and f.status is Status.FAIL),
        key=lambda f: (-f.severity.rank, f.check_id, f.resource.id),
    )
    lines = [
        f"Since scan {base.scan_id} ({_day(base.started_at)}): {len(new_fails)} new FAIL(s), "
        f"{base.fixed} fixed, {base.unchanged} unchanged"
        + (f", {base.unverified} not re-checked" if base.unverified else "")
    ]
    for label, items in (("new", new_fails), ("fixed", report.fixed)):
        for f in items[:limit]:
            mark = " (muted)" if f.muted else ""
            lines.append(
                f"  {label:5} {f.severity.value:8} {f.check_id} {f.account_id} {f.region} "
                f"{f.resource.id}{mark}"
            )
        if len(items) > limit:
            lines.append(f"  … and {len(items) - limit} more {label} (see the report)")
    return lines


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").rstrip()
