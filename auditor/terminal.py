"""What the CLI prints: progress while collecting, a short summary, the check list."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from auditor.checkapi import Check
from auditor.engine import EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK
from auditor.findings import Report, Severity, Status

if TYPE_CHECKING:
    from auditor.report.publish import ReportSettings
    from auditor.session import Meter

_STATUS_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta", Status.PASS: "green"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


_READABLE = 100  # prose wider than this is hard to read, however wide the terminal


def text_width() -> int:
    """The width to fill prose to: the terminal's (COLUMNS, else 80 off a terminal), at most
    a comfortable reading width."""
    return min(_console().width, _READABLE)


class _LiveLine:
    """The live progress line, drawn to the console's width on every refresh: a line that
    wrapped would leave the terminal's copies of it behind, so it is cut, never wrapped."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._spinner = Spinner("dots")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        spinner = self._spinner.render(time.monotonic())
        line = Text.assemble(spinner if isinstance(spinner, Text) else "", " ")
        line.append(self._progress.line())
        room = width - line.cell_len - 1
        done, total = self._progress.counts
        if room >= _MIN_BAR and total:
            filled = room * done // total
            line.append(" ")
            line.append("━" * filled, style="bar.complete")
            line.append("━" * (room - filled), style="bar.back")
        line.no_wrap = True
        line.truncate(width, overflow="ellipsis")
        yield line


_MIN_BAR = 6  # narrower, a bar says nothing


class Progress:
    """Datasets done / total, requests sent, throttles absorbed and elapsed time, on stderr:
    a live display on a terminal; otherwise (CI, --quiet) a plain line every `interval`
    seconds, from a timer, so a long read never leaves the log silent."""

    def __init__(self, *, quiet: bool, meter: Meter | None = None, interval: float = 5.0) -> None:
        self._console = _console(stderr=True)
        self._meter = meter
        self._interactive = self._console.is_terminal and not quiet
        self._interval = interval
        self._started = time.monotonic()
        self._done = 0
        self._total = 0
        self._live: Live | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> Progress:
        return self

    def line(self) -> str:
        elapsed = time.monotonic() - self._started
        text = f"collected {self._done}/{self._total} datasets"
        if self._meter is not None:
            text += (
                f", {self._meter.requests} requests, "
                f"{self._meter.throttles_absorbed} throttles absorbed"
            )
        return f"{text} ({elapsed:.1f}s)"

    @property
    def counts(self) -> tuple[int, int]:
        """Datasets done and in all (0 in all until the plan is known)."""
        return self._done, self._total

    def start(self, text: str) -> None:
        self._started = time.monotonic()
        self._console.print(text, markup=False)
        if self._interactive:
            self._live = Live(
                _LiveLine(self),
                console=self._console,
                transient=True,
                refresh_per_second=8,
            )
            self._live.start()
            return
        self._ticker = threading.Thread(target=self._tick, name="auditor-progress", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self._interval):
            self._console.print(self.line(), markup=False)

    def note(self, text: str) -> None:
        self._console.print(text, markup=False)

    def update(self, done: int, total: int) -> None:
        self._done, self._total = done, total

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self._live is not None:
            self._live.stop()
        if exc_type is None and (self._ticker is not None or self._live is not None):
            self._console.print(self.line(), markup=False)


def _account_table(report: Report) -> Table:
    """One row per account, most FAILs first: where to look in an organization."""
    table = Table(title="Findings by account", show_edge=False)
    table.add_column("account")
    for status in Status:
        table.add_column(status.value, justify="right", style=_STATUS_STYLE[status])
    ranked = sorted(
        report.summary.by_account.items(), key=lambda item: (-item[1].FAIL, -item[1].ERROR, item[0])
    )
    for account, counts in ranked:
        table.add_row(account, str(counts.PASS), str(counts.FAIL), str(counts.ERROR))
    return table


def print_summary(report: Report, paths: Iterable[Path], *, quiet: bool) -> None:
    out = _console()
    if not quiet:
        if report.errors:
            out.print(
                f"[bold magenta]Incomplete scan:[/] {len(report.errors)} read(s) failed; "
                "these checks could not judge everything:",
            )
            for e in report.errors[:10]:
                checks = ", ".join(e.checks) or "no selected check"
                where = f" {e.resource_id}" if e.resource_id else ""
                out.print(
                    f"  {e.account_id} {e.region} {e.service}:{e.operation}{where} "
                    f"({e.error_code}) → {checks}",
                    markup=False,
                )
            if len(report.errors) > 10:
                out.print(f"  … and {len(report.errors) - 10} more (see the report)")
        table = Table(title="Findings by severity", show_edge=False)
        table.add_column("severity")
        for status in Status:
            table.add_column(status.value, justify="right", style=_STATUS_STYLE[status])
        for severity in Severity:
            counts = report.summary.by_severity[severity]
            if counts.PASS or counts.FAIL or counts.ERROR:
                table.add_row(severity.value, str(counts.PASS), str(counts.FAIL), str(counts.ERROR))
        out.print(table)
        if len(report.summary.by_account) > 1:
            out.print(_account_table(report))
        rate = report.summary.pass_rate
        out.print(
            f"{report.summary.total} findings from {len(report.scan.checks)} checks; "
            f"pass rate {'—' if rate is None else f'{rate:.0%}'}"
        )
    for path in paths:
        out.print(f"report: {path}", markup=False)


# The check list's columns in the order shown, and the order they give way in a narrow
# terminal: frameworks first (`--framework` filters by them), then service (every id starts
# with its service), then severity. The id is never cut or wrapped: it is what people copy.
_CHECK_COLUMNS = ("id", "service", "severity", "title", "frameworks")
_GIVE_WAY = ("frameworks", "service", "severity")
_WRAPPED = {"title": 16, "frameworks": 20}  # wrapped at spaces, down to this width
_GAP = 3  # between two columns of the table


def _check_cells(check: Check) -> dict[str, str]:
    m = check.metadata
    frameworks = "; ".join(f"{k}: {', '.join(v)}" for k, v in m.compliance.items())
    return {
        "id": m.id,
        "service": m.service,
        "severity": m.severity.value,
        "title": m.title,
        "frameworks": frameworks or "—",
    }


def _column_widths(rows: Sequence[dict[str, str]], width: int) -> dict[str, int]:
    """Each shown column's width: whole ids, as many columns as fit, the title before the
    frameworks when the two share what is left."""
    widest = {c: max([len(c), *(len(r[c]) for r in rows)]) for c in _CHECK_COLUMNS}
    for dropped in range(len(_GIVE_WAY) + 1):
        shown = [c for c in _CHECK_COLUMNS if c not in _GIVE_WAY[:dropped]]
        fixed = sum(widest[c] for c in shown if c not in _WRAPPED)
        room = width - fixed - _GAP * (len(shown) - 1)
        narrowest = sum(min(w, widest[c]) for c, w in _WRAPPED.items() if c in shown)
        if room >= narrowest or dropped == len(_GIVE_WAY):
            break
    widths = {c: widest[c] for c in shown if c not in _WRAPPED}
    title_room = room - (
        min(_WRAPPED["frameworks"], widest["frameworks"]) if "frameworks" in shown else 0
    )
    widths["title"] = max(1, min(widest["title"], title_room))
    if "frameworks" in shown:
        widths["frameworks"] = min(widest["frameworks"], room - widths["title"])
    return {c: widths[c] for c in shown}


def print_checks(checks: Sequence[Check]) -> None:
    """The checks as a table fitted to the terminal's width."""
    out = _console()
    rows = [_check_cells(c) for c in checks]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    widths = _column_widths(rows, out.width)
    for column, width in widths.items():
        table.add_column(column, width=width, no_wrap=column not in _WRAPPED, overflow="fold")
    for row in rows:
        table.add_row(*(row[c] for c in widths))
    out.print(table)


def checks_tsv(checks: Iterable[Check]) -> Iterator[str]:
    """One line per check, its fields tab-separated, for grep, cut and sort."""
    for check in checks:
        cells = _check_cells(check)
        yield "\t".join(" ".join(cells[c].split()) for c in _CHECK_COLUMNS)


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def exit_line(report: Report, code: int, settings: ReportSettings) -> str:
    """Why the command exits with `code`, from the same counts the exit code is decided on:
    unmuted FAILs at or above --fail-on, new ones at or above --fail-on-new, ERRORs. Short
    enough for one line of an 80-column terminal in the usual cases."""
    from auditor.diff import new_failures

    fail_on, fail_on_new = settings.fail_on, settings.fail_on_new
    at_gate = [
        f
        for f in report.findings
        if f.status is Status.FAIL and fail_on is not None and f.severity.rank >= fail_on.rank
    ]
    unmuted = [f for f in at_gate if not f.muted]
    from auditor.report.publish import sets_baseline

    judged_new = fail_on_new is not None and not sets_baseline(report, settings)
    new = new_failures(report.findings, fail_on_new) if fail_on_new and judged_new else []
    expired = len(report.expired_mutes) if settings.fail_on_expired_mutes else 0
    errors = sum(1 for f in report.findings if f.status is Status.ERROR)
    if code == EXIT_FAILED:
        reasons = []
        if unmuted and fail_on is not None:
            reasons.append(f"{_count(len(unmuted), 'unmuted FAIL')} at or above {fail_on.value}")
        if new and fail_on_new is not None:
            since = "since the baseline" if report.baseline is not None else "(no baseline)"
            count = _count(len(new), "new unmuted FAIL")
            reasons.append(f"{count} at or above {fail_on_new.value} {since}")
        if expired:
            reasons.append(f"{_count(expired, 'expired mute')} (--fail-on-expired-mutes)")
        return f"exit {code}: " + "; ".join(reasons) if reasons else f"exit {code}"
    passed = []
    if fail_on is not None:
        muted = f" ({len(at_gate)} muted)" if at_gate else ""
        passed.append(f"no unmuted FAIL at or above {fail_on.value}{muted}")
    if fail_on_new is not None and not judged_new:
        passed.append(f"--fail-on-new {fail_on_new.value} waits for a baseline")
    elif fail_on_new is not None:
        none_new = "none new" if passed else "no new unmuted FAIL"
        passed.append(f"{none_new} at or above {fail_on_new.value}")
    gates = ", ".join(passed) or "--fail-on none"
    if code == EXIT_INCOMPLETE:
        return f"exit {code}: incomplete, {_count(errors, 'ERROR')}; {gates}"
    if code == EXIT_OK and errors and settings.allow_incomplete:
        return f"exit {code}: {gates}; incomplete, {_count(errors, 'ERROR')} allowed"
    if code == EXIT_OK:
        return f"exit {code}: {gates}; no ERROR"
    return f"exit {code}"
