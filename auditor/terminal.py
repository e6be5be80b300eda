"""What the CLI prints: progress while collecting, a short summary, the check list."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from auditor.checkapi import Check
from auditor.findings import Report, Severity, Status

if TYPE_CHECKING:
    from auditor.session import Meter

_STATUS_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta", Status.PASS: "green"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


class _MeterColumn(ProgressColumn):
    """Requests sent and throttles absorbed, read live from the scan's meter."""

    def __init__(self, meter: Meter) -> None:
        super().__init__()
        self._meter = meter

    def render(self, task: Task) -> Text:
        return Text(
            f"{self._meter.requests} requests, {self._meter.throttles_absorbed} throttles absorbed"
        )


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
        self._live: RichProgress | None = None
        self._task: TaskID | None = None
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

    def start(self, text: str) -> None:
        self._started = time.monotonic()
        if self._interactive:
            columns: list[str | ProgressColumn] = [
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("datasets"),
            ]
            if self._meter is not None:
                columns.append(_MeterColumn(self._meter))
            columns.append(TimeElapsedColumn())
            self._live = RichProgress(*columns, console=self._console, transient=True)
            self._live.start()
            self._task = self._live.add_task(text, total=None)
            return
        self._console.print(text, markup=False)
        self._ticker = threading.Thread(target=self._tick, name="auditor-progress", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self._interval):
            self._console.print(self.line(), markup=False)

    def note(self, text: str) -> None:
        self._console.print(text, markup=False)

    def update(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        if self._live is not None and self._task is not None:
            self._live.update(self._task, completed=done, total=total)

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


def print_checks(checks: Iterable[Check]) -> None:
    table = Table(show_edge=False)
    # Ids are what people copy into --check and configuration: never cut them short.
    table.add_column("id", no_wrap=True, overflow="fold")
    for column in ("service", "severity", "title", "frameworks"):
        table.add_column(column)
    for c in checks:
        m = c.metadata
        frameworks = "; ".join(f"{k}: {', '.join(v)}" for k, v in m.compliance.items())
        table.add_row(m.id, m.service, m.severity.value, m.title, frameworks or "—")
    _console().print(table)
