"""Between evaluation and the files the CLI writes: apply the mutelist and the baseline, render
every format before any is written, and pick the exit code (muted FAILs never set it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.diff import compare, new_failures, stamp_first_seen
from auditor.engine import EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK, exit_code
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
    # --baseline-missing ok: no baseline (an absent --baseline file, or no earlier scan in the
    # history) means this run sets it, so --fail-on-new does not fail it.
    baseline_missing_ok: bool = False
    absent_baseline: Path | None = None  # the --baseline file that was not there
    fail_on_expired_mutes: bool = False
    allow_incomplete: bool = False


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


def sets_baseline(report: Report, settings: ReportSettings) -> bool:
    """True when --baseline-missing ok found nothing to compare with: this run is the first."""
    return settings.baseline_missing_ok and report.baseline is None


def gate(report: Report, settings: ReportSettings) -> int:
    """1 for an unmuted FAIL at or above --fail-on, a new one at or above --fail-on-new (unless
    this run sets the baseline), or an expired mute with --fail-on-expired-mutes; else 3 when
    something could not be judged (0 with --allow-incomplete); else 0."""
    unmuted = [f for f in report.findings if not (f.muted and f.status is Status.FAIL)]
    code = exit_code(report.model_copy(update={"findings": unmuted}), settings.fail_on)
    if (
        settings.fail_on_new is not None
        and not sets_baseline(report, settings)
        and new_failures(report.findings, settings.fail_on_new)
    ):
        return EXIT_FAILED
    if settings.fail_on_expired_mutes and report.expired_mutes:
        return EXIT_FAILED
    if code == EXIT_INCOMPLETE and settings.allow_incomplete:
        return EXIT_OK
    return code


def gate_notes(report: Report, settings: ReportSettings) -> list[str]:
    """What the CI gate options decided, for stderr (even with --quiet: they explain the exit)."""
    notes = []
    if sets_baseline(report, settings):
        where = (
            f"{str(settings.absent_baseline)!r} does not exist"
            if settings.absent_baseline is not None
            else "the history holds no earlier scan of this scope"
        )
        notes.append(
            f"note: no baseline ({where}): this run sets it, and --fail-on-new does not apply"
        )
    if settings.fail_on_expired_mutes and report.expired_mutes:
        expired = report.expired_mutes
        which = ("entry " if len(expired) == 1 else "entries ") + ", ".join(
            str(e.entry) for e in expired
        )
        notes.append(
            f"error: mutelist {which} expired, and --fail-on-expired-mutes is set: renew or "
            f"remove {'it' if len(expired) == 1 else 'them'}"
        )
    errors = sum(1 for f in report.findings if f.status is Status.ERROR)
    if settings.allow_incomplete and errors:
        notes.append(
            f"warning: the scan is incomplete ({errors} ERROR finding(s)); "
            "--allow-incomplete keeps that from setting the exit code"
        )
    return notes
