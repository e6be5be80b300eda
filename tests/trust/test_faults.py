"""Fail closed under faults: transient faults (throttles, 429, 503, 500, connection resets,
latency spikes) are absorbed and change no finding; permanent faults turn exactly the findings
that needed the failed read into ERROR, exit 3, and the report names every failed read; an
interrupted scan leaves no report, half or whole, and exits non-zero."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.demo.estate import DEMO_REGIONS
from auditor.registry import load_checks, load_collectors

from ..e2e.conftest import Result, auditor_executable, clean_env, moto_server, run_auditor
from ..support.awsproxy import Fault
from ..support.faultproxy import FaultProxy, FaultRates

pytestmark = pytest.mark.e2e

REGION_ARGS = [arg for region in DEMO_REGIONS for arg in ("--region", region)]
DATASET_OF = {
    (op.service, op.name): name
    for name, collector in load_collectors().items()
    for op in collector.operations
}


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with moto_server(tmp_path_factory.mktemp("moto") / "server.log", seed=True) as server_port:
        yield server_port


def _scan(tmp_path: Path, endpoint: str, *extra: str) -> Result:
    return run_auditor(
        tmp_path,
        "scan",
        *REGION_ARGS,
        "--endpoint-url",
        endpoint,
        "--output-dir",
        str(tmp_path / "out"),
        "--fail-on",
        "none",
        *extra,
        timeout=600,
    )


def _statuses(result: Result) -> dict[str, str]:
    return {f["id"]: f["status"] for f in result.report["findings"]}


@pytest.fixture(scope="module")
def clean(port: int, tmp_path_factory: pytest.TempPathFactory) -> Result:
    result = _scan(tmp_path_factory.mktemp("clean"), f"http://127.0.0.1:{port}")
    assert result.code == 0, result.stderr
    assert result.report["errors"] == []
    return result


@pytest.mark.parametrize(
    "rates",
    [
        # 20 % throttling (of three kinds) and 5 % connection resets.
        FaultRates(throttle=0.10, too_many_requests=0.05, slow_down=0.05, reset=0.05),
        # Server errors and latency spikes on top.
        FaultRates(throttle=0.10, server_error=0.05, reset=0.05, latency=0.10, spike=0.5),
    ],
    ids=["throttle-20-reset-5", "throttle-10-500-5-reset-5-spikes-10"],
)
def test_transient_faults_change_no_finding(
    port: int, clean: Result, tmp_path: Path, rates: FaultRates
) -> None:
    with FaultProxy(port, rates, seed=20261201) as proxy:
        result = _scan(tmp_path, proxy.url)

    # Every kind of fault the rates ask for did happen (else this proves nothing about it).
    outcomes = proxy.outcomes()
    assert all(outcomes[kind] > 0 for kind, rate in rates.transient() if rate), outcomes
    assert proxy.spikes > 0 if rates.latency else proxy.spikes == 0
    assert result.code == 0, (outcomes, result.stderr, result.report["errors"])
    assert result.report["errors"] == []
    assert _statuses(result) == _statuses(clean)


def test_faults_past_the_retries_only_ever_turn_findings_into_error(
    port: int, clean: Result, tmp_path: Path
) -> None:
    # 70 % of requests answer HTTP 500: some reads outlive their retries. None of that may
    # change a verdict: a finding is as without faults, or ERROR naming the failed read. (The
    # identity check that starts a scan is spared: its failure is exit 2, tested elsewhere.)
    rates = FaultRates(server_error=0.7)
    spared = frozenset({"GetCallerIdentity"})
    with FaultProxy(port, rates, seed=11, spared=spared) as proxy:
        result = _scan(tmp_path, proxy.url)

    assert proxy.outcomes()["500"] > 0
    errors = result.report["errors"]
    assert result.code == 3 and errors, result.stderr
    assert {e["error_code"] for e in errors} == {"InternalError"}
    named = {check for e in errors for check in e["checks"]}
    before, after = _statuses(clean), _statuses(result)
    changed = {i for i in after if after[i] != before.get(i)}
    assert all(after[i] == "ERROR" for i in changed), {i: after[i] for i in changed}
    check_of = {f["id"]: f["check_id"] for f in clean.report["findings"]}
    assert all(check_of[i] in named for i in before if i not in after)
    errored = {f["check_id"] for f in result.report["findings"] if f["status"] == "ERROR"}
    assert errored == named


PERMANENT = [
    Fault("DescribeTimeToLive", code="AccessDeniedException"),
    Fault("GetQueueAttributes", code="AccessDenied"),
    Fault("DescribeDBClusters", code="InvalidParameterValue", message="Broken on purpose"),
]


def test_permanent_faults_make_exactly_the_affected_findings_error(
    port: int, clean: Result, tmp_path: Path
) -> None:
    with FaultProxy(port, FaultRates(throttle=0.05), seed=7, permanent=PERMANENT) as proxy:
        result = _scan(tmp_path, proxy.url)

    assert result.code == 3, result.stderr
    outcomes = proxy.outcomes()
    assert outcomes["permanent"] > 0 and outcomes["throttle"] > 0, outcomes
    errors = result.report["errors"]
    # The gap list names every failed read, with its code, and nothing else.
    assert {(e["operation"], e["error_code"]) for e in errors} == {
        (f.operation, f.code) for f in PERMANENT
    }
    # Regional reads fail once per region (or per resource).
    for fault in PERMANENT:
        regions = {e["region"] for e in errors if e["operation"] == fault.operation}
        assert regions == set(DEMO_REGIONS), fault
    errored = {f["id"] for f in result.report["findings"] if f["status"] == "ERROR"}
    named = {check for e in errors for check in e["checks"]}
    assert named and errored
    assert {f["check_id"] for f in result.report["findings"] if f["status"] == "ERROR"} == named
    # Only checks reading a faulted operation's dataset can have lost their judgement.
    faulted = {DATASET_OF[(e["service"], e["operation"])] for e in errors}
    checks = load_checks()
    assert all(set(checks[c].metadata.datasets) & faulted for c in named)
    # Every other finding is exactly the fault-free one.
    before, after = _statuses(clean), _statuses(result)
    assert {i: s for i, s in after.items() if i not in errored} == {
        i: s for i, s in before.items() if i in after and i not in errored
    }
    # A finding of the clean scan missing now belonged to a check the report names.
    check_of = {f["id"]: f["check_id"] for f in clean.report["findings"]}
    assert all(check_of[i] in named for i in before if i not in after)
    for message in (f["message"] for f in result.report["findings"] if f["status"] == "ERROR"):
        assert any(fault.operation in message for fault in PERMANENT), message
    html = (result.output_dir / "auditor-report.html").read_text()
    for fault in PERMANENT:
        assert fault.operation in html and fault.code in html


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_scan_leaves_no_report(port: int, tmp_path: Path, signum: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "auditor-report.json"
    earlier.write_text('{"an": "earlier report"}')
    with FaultProxy(port, delay=0.2) as proxy:
        scan = subprocess.Popen(
            [
                auditor_executable(),
                "scan",
                *REGION_ARGS,
                "--endpoint-url",
                proxy.url,
                "--output-dir",
                str(out),
                "--format",
                "json,html,sarif,csv",
                "--save-snapshot",
                str(out / "snap.json.gz"),
            ],
            env=clean_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # As a terminal's foreground job: a suite started in the background inherits
            # SIGINT ignored, and the auditor rightly keeps it ignored then.
            preexec_fn=_default_sigint,
        )
        deadline = time.monotonic() + 60
        while len(proxy.requests) < 10:  # well into the collection
            assert scan.poll() is None, scan.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        scan.send_signal(signum)
        stdout, stderr = scan.communicate(timeout=60)

    assert scan.returncode == 130, (stdout, stderr)
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    # Nothing new, nothing half-written, the earlier report untouched.
    assert sorted(p.name for p in out.iterdir()) == ["auditor-report.json"]
    assert earlier.read_text() == '{"an": "earlier report"}'
