"""What a history shows over time: each finding's lifecycle (first seen, last seen, times
reopened, days open, fixed at), mean time to fix per severity, and per-scan trend points.

A FAIL opens an episode; the episode ends (fixed) at the first later scan where the finding
passes, or is absent although that scan judged its place (check run, account and region
scanned). An ERROR says nothing either way, so an episode never ends on a failed read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from auditor.findings import Severity, Status
from auditor.history.store import FindingRow, History, ScanRow
from auditor.models import GLOBAL_REGION

_DAY = 86400.0


@dataclass
class Lifecycle:
    """One finding's FAIL episodes across the history."""

    id: str
    check_id: str
    account_id: str
    region: str
    resource_id: str
    severity: Severity
    owner: str | None
    first_seen: datetime
    last_seen: datetime
    times_reopened: int = 0
    fixed_at: datetime | None = None
    muted: bool = False
    # (opened, fixed) of every episode; fixed is None while it is open.
    episodes: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.episodes[-1][1] is None

    def days_open(self, now: datetime) -> float:
        """Days spent failing over every episode, the open one counted up to `now`."""
        return sum(((end or now) - start).total_seconds() for start, end in self.episodes) / _DAY


@dataclass(frozen=True)
class TrendPoint:
    """One scan of the window: open (unmuted) FAILs by severity, and what changed at it."""

    scan: ScanRow
    open_by_severity: Mapping[Severity, int]
    new: int
    fixed: int
    reopened: int
    mean_days_to_fix: float | None  # of the episodes fixed at this scan


@dataclass(frozen=True)
class Timeline:
    lifecycles: dict[str, Lifecycle]
    trend: list[TrendPoint]
    mean_days_to_fix: dict[Severity, float]  # episodes fixed within the window
    fixes_in_window: dict[Severity, int]
    latest: ScanRow | None


def _covers(scan: ScanRow, life: Lifecycle) -> bool:
    return (
        life.check_id in scan.checks
        and life.account_id in scan.accounts
        and (life.region in scan.regions or life.region == GLOBAL_REGION)
    )


def build_timeline(
    history: History,
    since: datetime | None = None,
    scope: str | None = None,
    until: datetime | None = None,
) -> Timeline:
    """Lifecycles from the whole history (so first_seen is true); trend points and mean time
    to fix only for the scans started at or after `since`. With `scope`, only that series of
    scans (same accounts and regions) is read; with `until`, none started after it."""
    lifecycles: dict[str, Lifecycle] = {}
    trend: list[TrendPoint] = []
    durations: dict[Severity, list[float]] = defaultdict(list)
    scans = [s for s in history.scans(scope=scope) if until is None or s.started_at <= until]
    for scan in scans:
        rows = {row.id: row for row in history.findings(scan.seq)}
        opened, reopened, fixed = _advance(lifecycles, scan, rows)
        if since is not None and scan.started_at < since:
            continue
        fix_days = [
            (scan.started_at - life.episodes[-1][0]).total_seconds() / _DAY for life in fixed
        ]
        for life, days in zip(fixed, fix_days, strict=True):
            durations[life.severity].append(days)
        trend.append(
            TrendPoint(
                scan=scan,
                open_by_severity=_open_by_severity(rows.values()),
                new=opened,
                fixed=len(fixed),
                reopened=reopened,
                mean_days_to_fix=fmean(fix_days) if fix_days else None,
            )
        )
    return Timeline(
        lifecycles=lifecycles,
        trend=trend,
        mean_days_to_fix={sev: fmean(days) for sev, days in durations.items()},
        fixes_in_window={sev: len(days) for sev, days in durations.items()},
        latest=scans[-1] if scans else None,
    )


def _advance(
    lifecycles: dict[str, Lifecycle], scan: ScanRow, rows: Mapping[str, FindingRow]
) -> tuple[int, int, list[Lifecycle]]:
    """Apply one scan: (episodes opened, of them reopenings, lifecycles fixed at this scan)."""
    when = scan.started_at
    opened = reopened = 0
    fixed: list[Lifecycle] = []
    for row in rows.values():
        if row.status is not Status.FAIL:
            continue
        life = lifecycles.get(row.id)
        if life is None:
            life = lifecycles[row.id] = Lifecycle(
                id=row.id,
                check_id=row.check_id,
                account_id=row.account_id,
                region=row.region,
                resource_id=row.resource_id,
                severity=row.severity,
                owner=row.owner,
                first_seen=when,
                last_seen=when,
            )
        if not life.episodes or not life.is_open:
            if life.episodes:
                life.times_reopened += 1
                reopened += 1
            life.episodes.append((when, None))
            life.fixed_at = None
            opened += 1
        life.last_seen = when
        life.severity, life.owner, life.muted = row.severity, row.owner, row.muted
    for life in lifecycles.values():
        if not life.is_open or (life.id in rows and rows[life.id].status is not Status.PASS):
            continue
        if life.id in rows or _covers(scan, life):
            life.episodes[-1] = (life.episodes[-1][0], when)
            life.fixed_at = when
            fixed.append(life)
    return opened, reopened, fixed


def _open_by_severity(rows: Iterable[FindingRow]) -> dict[Severity, int]:
    counts = Counter(r.severity for r in rows if r.status is Status.FAIL and not r.muted)
    return {sev: counts[sev] for sev in sorted(Severity, key=lambda s: s.rank, reverse=True)}
