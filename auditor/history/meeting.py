"""What the meeting HTML shows from a history: trend charts as inline-SVG geometry (open FAILs
by severity per scan, new vs fixed per scan, mean time to fix), the per-owner table, what is
new, fixed and reopened since the last review, and the mutes that expire within 14 days."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from auditor.findings import Mute, Report, Severity, Status
from auditor.history.lifecycle import Lifecycle, Timeline, TrendPoint, build_timeline
from auditor.history.store import History, scope_key

CHART_SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
WIDTH, HEIGHT, PAD = 640, 200, 30
EXPIRY_DAYS = 14
LISTED = 50


@dataclass(frozen=True)
class Line:
    label: str
    points: str  # SVG polyline points
    last: float


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    value: int


@dataclass(frozen=True)
class Charts:
    width: int
    height: int
    open_lines: list[Line]
    open_max: int
    new_bars: list[Bar]
    fixed_bars: list[Bar]
    bar_width: float
    change_max: int
    mttf: Line | None
    mttf_max: float
    labels: list[tuple[float, str]]  # x, date of each scan


@dataclass(frozen=True)
class OwnerRow:
    owner: str
    by_severity: list[int]
    total: int
    oldest_days: int
    trend: str  # ↑ more open than at the previous scan, ↓ fewer, → the same
    previous: int | None


@dataclass(frozen=True)
class Expiring:
    mute: Mute
    days_left: int
    findings: int


@dataclass(frozen=True)
class HistoryView:
    trend: list[TrendPoint]
    charts: Charts
    owners: list[OwnerRow]
    new: list[Lifecycle]
    fixed: list[Lifecycle]
    reopened: list[Lifecycle]
    expiring: list[Expiring]
    mean_days_to_fix: list[tuple[Severity, float, int]]
    previous_review: datetime | None
    severities: tuple[Severity, ...] = CHART_SEVERITIES
    listed: int = LISTED


def _x(index: int, count: int) -> float:
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    return round(PAD + index * step, 1)


def _y(value: float, top: float) -> float:
    return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value / top if top else 0.0), 1)


def _line(label: str, values: list[float], top: float) -> Line:
    n = len(values)
    points = " ".join(f"{_x(i, n)},{_y(v, top)}" for i, v in enumerate(values))
    return Line(label, points, values[-1] if values else 0.0)


def charts(trend: list[TrendPoint]) -> Charts:
    n = len(trend)
    open_max = max((p.open_by_severity[s] for p in trend for s in CHART_SEVERITIES), default=0)
    change_max = max((max(p.new, p.fixed) for p in trend), default=0)
    slot = (WIDTH - 2 * PAD) / max(n, 1)
    bar = round(min(slot / 3, 24), 1)

    def bars(values: list[int], offset: float) -> list[Bar]:
        out = []
        for i, v in enumerate(values):
            y = _y(v, change_max)
            out.append(Bar(round(_x(i, n) + offset, 1), y, round(HEIGHT - PAD - y, 1), v))
        return out

    fixes = [(i, p.mean_days_to_fix) for i, p in enumerate(trend) if p.mean_days_to_fix is not None]
    mttf_max = max((d for _, d in fixes), default=0.0)
    mttf = None
    if fixes:
        points = " ".join(f"{_x(i, n)},{_y(d, mttf_max)}" for i, d in fixes)
        mttf = Line("mean days to fix", points, fixes[-1][1])
    return Charts(
        width=WIDTH,
        height=HEIGHT,
        open_lines=[
            _line(s.value, [float(p.open_by_severity[s]) for p in trend], open_max)
            for s in CHART_SEVERITIES
        ],
        open_max=open_max,
        new_bars=bars([p.new for p in trend], -bar),
        fixed_bars=bars([p.fixed for p in trend], 0.0),
        bar_width=bar,
        change_max=change_max,
        mttf=mttf,
        mttf_max=round(mttf_max, 1),
        labels=[(_x(i, n), f"{p.scan.started_at:%m-%d}") for i, p in enumerate(trend)],
    )


def _owners(report: Report, timeline: Timeline, history: History) -> list[OwnerRow]:
    now = report.scan.started_at
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    oldest: dict[str, int] = defaultdict(int)
    for f in report.findings:
        if f.status is not Status.FAIL or f.muted:
            continue
        owner = f.owner or "unowned"
        counts[owner][f.severity] += 1
        life = timeline.lifecycles.get(f.id)
        opened = life.episodes[-1][0] if life is not None and life.is_open else f.first_seen
        if opened is not None:
            oldest[owner] = max(oldest[owner], (now - opened).days)
    earlier = [p.scan for p in timeline.trend if p.scan.id != report.scan.id]
    before: Counter[str] | None = None
    if earlier:
        before = Counter(
            r.owner or "unowned"
            for r in history.findings(earlier[-1].seq)
            if r.status is Status.FAIL and not r.muted
        )
    rows = []
    for owner, c in counts.items():
        total = sum(c.values())
        previous = before[owner] if before is not None else None
        trend = (
            ""
            if previous is None
            else ("↑" if total > previous else "↓" if total < previous else "→")
        )
        rows.append(
            OwnerRow(owner, [c[s] for s in Severity], total, oldest[owner], trend, previous)
        )
    if before is not None:  # owners whose every finding was fixed since
        for owner, previous in before.items():
            if owner not in counts:
                rows.append(OwnerRow(owner, [0] * len(Severity), 0, 0, "↓", previous))
    return sorted(rows, key=lambda r: (-r.total, r.owner))


def _expiring(report: Report) -> list[Expiring]:
    today = report.scan.started_at.date()
    entries: dict[int, Mute] = {}
    matched: Counter[int] = Counter()
    for f in report.findings:
        if f.mute is not None:
            entries[f.mute.entry] = f.mute
            matched[f.mute.entry] += 1
    soon = [
        Expiring(m, (m.expires - today).days, matched[m.entry])
        for m in entries.values()
        if 0 <= (m.expires - today).days <= EXPIRY_DAYS
    ]
    return sorted(soon, key=lambda e: (e.days_left, e.mute.entry))


def history_view(report: Report, history: History) -> HistoryView:
    """The history of `report`'s scope, `report` included (as if recorded)."""
    with history.preview(report):
        timeline = build_timeline(
            history,
            scope=scope_key(report.scan.accounts, report.scan.regions),
            until=report.scan.started_at,  # an older report: its meeting, not a later one
        )
        owners = _owners(report, timeline, history)
    now = report.scan.started_at
    lives = sorted(
        timeline.lifecycles.values(),
        key=lambda life: (-life.severity.rank, life.check_id, life.resource_id),
    )
    started_now = [life for life in lives if life.is_open and life.episodes[-1][0] == now]
    earlier = [p.scan.started_at for p in timeline.trend if p.scan.started_at < now]
    return HistoryView(
        trend=timeline.trend,
        charts=charts(timeline.trend),
        owners=owners,
        new=[life for life in started_now if life.times_reopened == 0],
        fixed=[life for life in lives if life.fixed_at == now],
        reopened=[life for life in started_now if life.times_reopened > 0],
        expiring=_expiring(report),
        mean_days_to_fix=[
            (s, round(timeline.mean_days_to_fix[s], 1), timeline.fixes_in_window[s])
            for s in sorted(timeline.mean_days_to_fix, key=lambda s: -s.rank)
        ],
        previous_review=earlier[-1] if earlier else None,
    )
