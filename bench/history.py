"""Times the scan history at scale: appending reports of N findings, reading the previous scan
as a baseline, the lifecycle timeline over every scan, and the meeting HTML's history view.

    .venv/bin/python -m bench.history [N] [SCANS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from auditor.history.lifecycle import build_timeline
from auditor.history.meeting import history_view
from auditor.history.store import open_history
from auditor.report.html import render_html
from tests.browser.large_report import large_report


def main(count: int, scans: int) -> None:
    base = large_report(count)
    reports = []
    for n in range(scans):
        start = base.scan.started_at + timedelta(days=7 * n)
        scan = base.scan.model_copy(update={"id": f"bench-{n}", "started_at": start})
        reports.append(base.model_copy(update={"scan": scan}))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "h.db"
        with open_history(path) as history:
            for report in reports[:-1]:
                began = time.perf_counter()
                history.append([report])
                print(f"append {count} findings: {time.perf_counter() - began:.2f} s")
            began = time.perf_counter()
            history.previous(reports[-1])
            print(f"previous scan as baseline: {time.perf_counter() - began:.2f} s")
            began = time.perf_counter()
            build_timeline(history)
            print(f"timeline over {scans - 1} scans: {time.perf_counter() - began:.2f} s")
            began = time.perf_counter()
            view = history_view(reports[-1], history)
            print(f"history view (with the current scan): {time.perf_counter() - began:.2f} s")
            began = time.perf_counter()
            html = render_html(reports[-1], view)
            print(
                f"HTML with history: {time.perf_counter() - began:.2f} s, {len(html) / 1e6:.1f} MB"
            )
        print(f"history file: {path.stat().st_size / 1e6:.1f} MB" if path.exists() else "")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 4,
    )
