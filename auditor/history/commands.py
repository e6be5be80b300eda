"""What `auditor history` prints and how `--history` links a scan to the history: the baseline
is the previous scan of the same scope, and the scan is recorded once its reports are written."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auditor.errors import UsageError
from auditor.findings import Report, Severity, Status
from auditor.history.lifecycle import Timeline
from auditor.history.store import History, ScanRow, history_path, open_history
from auditor.report.json import load_report

_SINCE = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
SEVERITIES = sorted(Severity, key=lambda s: s.rank, reverse=True)


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """`90d`, `12w`, `36h` back from now, or a date (`2026-01-31`) or ISO time."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(value.strip().lower())
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--since {value!r} is neither a span (90d, 12w, 36h) nor a date (2026-01-31)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def open_for_scan(path: Path) -> History:
    """The history `--history` names; a folder's earlier JSON reports are imported the first
    time its database is created."""
    fresh = path.is_dir() and not history_path(path).exists()
    history = open_history(path)
    if fresh:
        try:
            history.append(_reports_in(path))
        except BaseException:
            history.close()
            history_path(path).unlink(missing_ok=True)  # created a moment ago, by us
            raise
    return history


def _reports_in(folder: Path) -> list[Report]:
    """Every auditor JSON report under `folder` (other JSON files, such as OCSF or ASFF
    outputs, are not reports and are left alone), oldest first."""
    reports = []
    for path in sorted(folder.rglob("*.json")):
        # The report's header keys come first; its findings can start far below a long summary.
        head = path.read_bytes()[:4096]
        if b'"schema_version"' in head and b'"scan"' in head:
            reports.append(load_report(path, "report"))
    return sorted(reports, key=lambda r: r.scan.started_at)


def import_reports(history: History, paths: Sequence[Path]) -> tuple[int, int]:
    """(added, already held): every file is read and validated before one transaction adds
    them all, oldest first."""
    reports = sorted((load_report(p, "report") for p in paths), key=lambda r: r.scan.started_at)
    added = history.append(reports)
    return added, len(reports) - added


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def scan_lines(history: History, since: datetime | None = None) -> list[str]:
    """One line per scan: when, id, scope, checks, and its FAIL and ERROR counts."""
    lines = []
    for scan in history.scans(since):
        rows = history.findings(scan.seq)
        status = Counter(r.status for r in rows)
        fails = Counter(r.severity for r in rows if r.status is Status.FAIL)
        by_severity = ", ".join(f"{s.value} {fails[s]}" for s in SEVERITIES if fails[s])
        lines.append(
            f"{_when(scan.started_at)}  {scan.id}  {_scope(scan)}  {len(scan.checks)} checks  "
            f"FAIL {status[Status.FAIL]}" + (f" ({by_severity})" if by_severity else "") + "  "
            f"PASS {status[Status.PASS]}  ERROR {status[Status.ERROR]}  "
            f"auditor {scan.auditor_version}"
        )
    return lines or ["the history holds no scans" + (" in that window" if since else "")]


def _scope(scan: ScanRow) -> str:
    accounts = scan.accounts[0] if len(scan.accounts) == 1 else f"{len(scan.accounts)} accounts"
    return f"{accounts} × {len(scan.regions)} region(s)"


def trend_lines(timeline: Timeline) -> list[str]:
    """A table of open (unmuted) FAILs by severity per scan, new / fixed / reopened at each,
    then mean time to fix per severity over the window."""
    if not timeline.trend:
        return ["the history holds no scans in that window"]
    header = ["scan", *(s.value for s in SEVERITIES), "new", "fixed", "reopened"]
    table = [
        [
            _when(point.scan.started_at),
            *(str(point.open_by_severity[s]) for s in SEVERITIES),
            str(point.new),
            str(point.fixed),
            str(point.reopened),
        ]
        for point in timeline.trend
    ]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *table]
    ]
    lines.append("mean time to fix (episodes fixed in the window): " + _mttf(timeline))
    return lines


def _mttf(timeline: Timeline) -> str:
    parts = [
        f"{sev.value} {timeline.mean_days_to_fix[sev]:.1f} days "
        f"({timeline.fixes_in_window[sev]} fixed)"
        for sev in SEVERITIES
        if sev in timeline.mean_days_to_fix
    ]
    return ", ".join(parts) or "nothing was fixed"
