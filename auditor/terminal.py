"""What the CLI prints: progress while collecting, a short summary, the check list."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.table import Table

from auditor.checkapi import Check
from auditor.findings import Report, Severity, Status

_STATUS_STYLE = {Status.FAIL: "bold red", Status.ERROR: "bold magenta", Status.PASS: "green"}


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


class Progress:
    """Datasets done / total on stderr: a live line on a terminal, sparse lines otherwise."""

    def __init__(self, *, quiet: bool, interval: float = 5.0) -> None:
        self._console = _console(stderr=True)
        self._quiet = quiet
        self._interactive = self._console.is_terminal and not quiet
        self._interval = interval
        self._last = 0.0
        self._started = time.monotonic()
        self._status: object = None

    def __enter__(self) -> Progress:
        return self

    def start(self, text: str) -> None:
        self._started = time.monotonic()
        if self._quiet:
            return
        if self._interactive:
            status = self._console.status(text)
            status.start()
            self._status = status
            self._text = text
        else:
            self._console.print(text)

    def update(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self._started
        line = f"collected {done}/{total} datasets ({elapsed:.1f}s)"
        if self._status is not None:
            self._status.update(f"{self._text}: {line}")  # type: ignore[attr-defined]
        elif not self._quiet and (done == total or time.monotonic() - self._last >= self._interval):
            self._last = time.monotonic()
            self._console.print(line)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._status is not None:
            self._status.stop()  # type: ignore[attr-defined]


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
