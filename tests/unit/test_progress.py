"""Progress without a terminal: a plain line from a timer, so a long read is never silent."""

from __future__ import annotations

import time

import pytest

from auditor.session import Meter
from auditor.terminal import Progress


def test_plain_progress_prints_on_a_timer_while_nothing_completes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    meter = Meter()
    meter.request()
    meter.throttle()
    with Progress(quiet=True, meter=meter, interval=0.02) as progress:
        progress.start("Scanning account 111122223333")
        progress.update(0, 5)
        waiting = ""
        deadline = time.monotonic() + 5
        while waiting.count("collected 0/5") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
            waiting += capsys.readouterr().err
        progress.update(5, 5)
    # Nothing completed, yet the timer kept printing.
    assert waiting.startswith("Scanning account 111122223333\n")
    assert waiting.count("collected 0/5 datasets, 1 requests, 1 throttles absorbed (") >= 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("collected 5/5 datasets, 1 requests, 1 throttles absorbed (")


def test_plain_progress_line_reports_throttles_absorbed_not_those_that_failed() -> None:
    meter = Meter()
    for _ in range(3):
        meter.throttle()
    meter.throttle(failed=True)
    progress = Progress(quiet=True, meter=meter)
    progress.update(2, 4)

    assert progress.line().startswith("collected 2/4 datasets, 0 requests, 2 throttles absorbed")
