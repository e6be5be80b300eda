"""Progress in CI (no terminal): plain lines on stderr with datasets done / total, requests
sent and throttles absorbed, counted by botocore event hooks and checked against the wire."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..support.awsproxy import AwsProxy, Fault, RecordedRequest
from .conftest import run_auditor

pytestmark = pytest.mark.e2e

_FINAL = re.compile(
    r"collected (\d+)/(\d+) datasets, (\d+) requests, (\d+) throttles absorbed \(\d+\.\d+s\)"
)


def test_progress_counts_requests_and_throttles_absorbed(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    seen = {"n": 0}

    def first_two(_: RecordedRequest) -> bool:
        seen["n"] += 1
        return seen["n"] <= 2

    throttle = Fault("DescribeDBInstances", code="Throttling", when=first_two)
    with AwsProxy(moto_port, [throttle]) as proxy:
        result = run_auditor(
            tmp_path, *scan_args, "--endpoint-url", proxy.url, "--service", "rds", "--quiet"
        )

    assert result.report["errors"] == []
    lines = [m.groups() for m in map(_FINAL.search, result.stderr.splitlines()) if m]
    assert lines, result.stderr
    done, total, requests, absorbed = map(int, lines[-1])
    # rds checks read instances and clusters in both regions (plus the alarms some need).
    assert done == total >= 4
    # Every request but the identity check went through the counted clients, retries included.
    assert requests == len(proxy.requests) - 1
    assert absorbed == 2
