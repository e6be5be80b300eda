"""Between evaluation and the files the CLI writes: apply the mutelist and the baseline, render
every format before any is written, and pick the exit code (muted FAILs never set it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.diff import compare, new_failures, stamp_first_seen
from auditor.engine import EXIT_FAILED, exit_code
from auditor.findings import Report, Severity, Status
from auditor.mutelist import Mutelist, apply_mutelist
from auditor.report import renderer

if TYPE_CHECKING:
    from auditor.history.store import History


@dataclass(frozen=True)
class ReportSettings:
    """What the report options of every command ask for, already validated and loaded."""

    output_dir: Path
    formats: tuple[str, ...]
    fail_on: Severity | None
    fail_on_new: Severity | None = None
    quiet: bool = False
    mutelist: Mutelist | None = None
    baseline: Report | None = None
    history: History | None = None  # --history: the baseline when none is given
    record_history: bool = False  # append the report to the history once it is written


def finish(report: Report, settings: ReportSettings) -> Report:
    """Mute, then compare with the baseline, else the previous scan of the same scope in the
    history (or stamp first_seen when there is neither)."""
    if settings.mutelist is not None:
        report = apply_mutelist(report, settings.mutelist)
    baseline = settings.baseline
    if baseline is None and settings.history is not None:
        baseline = settings.history.previous(report)
    if baseline is not None:
        return compare(baseline, report)
    return stamp_first_seen(report)


def render_all(
    report: Report, formats: tuple[str, ...], history: History | None = None
) -> dict[str, bytes]:
    # Everything is rendered before anything is written: a renderer bug leaves no partial set.
    rendered = {fmt: renderer(fmt)(report).encode() for fmt in formats if fmt != "html"}
    if "html" in formats:
        from auditor.history.meeting import history_view
        from auditor.report.html import render_html

        view = history_view(report, history) if history is not None else None
        rendered["html"] = render_html(report, view).encode()
    return {fmt: rendered[fmt] for fmt in formats}


def gate(report: Report, settings: ReportSettings) -> int:
    """1 for an unmuted FAIL at or above --fail-on, or a new one at or above --fail-on-new;
    else 3 when something could not be judged; else 0."""
    unmuted = [f for f in report.findings if not (f.muted and f.status is Status.FAIL)]
    code = exit_code(report.model_copy(update={"findings": unmuted}), settings.fail_on)
    if settings.fail_on_new is not None and new_failures(report.findings, settings.fail_on_new):
        return EXIT_FAILED
    return code
