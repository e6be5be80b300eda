"""The gates a scheduled CI job sets beside --fail-on, through the installed CLI: a first run
with no baseline stays green (--baseline-missing ok), an expired mute fails the job
(--fail-on-expired-mutes), and an incomplete scan exits 3 unless --allow-incomplete."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from auditor.findings import Report, Status
from auditor.report.json import render_json
from tests.reporting import OTHER_ACCOUNT, SCAN_START, finding, report_at

from ..support.awsproxy import AwsProxy, Fault
from .conftest import Result, run_auditor

pytestmark = pytest.mark.e2e

EXPIRED_MUTE = """mutes:
  - check: s3_*
    reason: Old exception
    owner: bob@example.com
    expires: 2025-01-31
"""


def _write(path: Path, report: Report) -> Path:
    path.write_text(render_json(report))
    return path


def _result(tmp_path: Path, *statuses: Status) -> Path:
    """A saved scan: a high FAIL (rds_instance_multi_az is high) and what else is asked."""
    findings = [finding("rds_instance_multi_az", Status.FAIL, "db-1")]
    findings += [
        finding("s3_bucket_lifecycle_configured", status, f"bucket-{n}")
        for n, status in enumerate(statuses)
    ]
    return _write(tmp_path / "result.json", report_at(findings, scan_id="scan-now"))


def _stderr_lines(result: Result) -> list[str]:
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


def test_a_missing_baseline_is_exit_2_unless_baseline_missing_ok(tmp_path: Path) -> None:
    result_path = _result(tmp_path)
    missing = tmp_path / "previous" / "auditor-report.json"
    common = ["report", str(result_path), "--output-dir", str(tmp_path / "out"), "--format", "json"]

    refused = run_auditor(tmp_path, *common, "--baseline", str(missing), "--fail-on-new", "high")
    assert refused.code == 2
    assert _stderr_lines(refused) == [
        f"auditor: error: cannot read baseline {str(missing)!r}: no such file (on a first run, "
        "--baseline-missing ok lets this run set it)"
    ]

    # `diff OLD NEW` has no --baseline-missing: an absent OLD is refused, without the hint.
    no_old = run_auditor(tmp_path, "diff", str(missing), str(result_path), *common[2:])
    assert no_old.code == 2
    assert _stderr_lines(no_old) == [
        f"auditor: error: cannot read baseline {str(missing)!r}: no such file"
    ]

    first = run_auditor(
        tmp_path,
        *common,
        "--baseline",
        str(missing),
        "--baseline-missing",
        "ok",
        "--fail-on-new",
        "high",
    )
    assert first.code == 0, first.stderr  # the high FAIL is not "new": this run is the baseline
    assert (
        f"auditor: note: no baseline ({str(missing)!r} does not exist): this run sets it, and "
        "--fail-on-new does not apply"
    ) in _stderr_lines(first)
    assert first.report["baseline"] is None

    # --fail-on still applies: only the new-findings gate waits for a baseline.
    absolute = run_auditor(
        tmp_path,
        *common,
        "--baseline",
        str(missing),
        "--baseline-missing",
        "ok",
        "--fail-on",
        "high",
    )
    assert absolute.code == 1

    # The next night has the baseline: the same FAIL is unchanged, a new one fails the job.
    missing.parent.mkdir()
    missing.write_text((tmp_path / "out" / "auditor-report.json").read_text())
    newer = report_at(
        [
            finding("rds_instance_multi_az", Status.FAIL, "db-1"),
            finding("rds_instance_multi_az", Status.FAIL, "db-2"),
        ],
        SCAN_START + timedelta(days=1),
        scan_id="scan-next",
    )
    second = run_auditor(
        tmp_path,
        "report",
        str(_write(tmp_path / "next.json", newer)),
        "--output-dir",
        str(tmp_path / "out"),
        "--format",
        "json",
        "--baseline",
        str(missing),
        "--baseline-missing",
        "ok",
        "--fail-on-new",
        "high",
    )
    assert second.code == 1, second.stderr
    assert "no baseline" not in second.stderr
    new = [f["resource"]["id"] for f in second.report["findings"] if f["diff_state"] == "new"]
    assert new == ["db-2"]


def test_baseline_missing_ok_without_a_baseline_or_history_is_a_usage_error(
    tmp_path: Path,
) -> None:
    result = run_auditor(
        tmp_path,
        "report",
        str(_result(tmp_path)),
        "--baseline-missing",
        "ok",
        "--fail-on-new",
        "high",
    )
    assert result.code == 2
    assert _stderr_lines(result) == [
        "auditor: error: --baseline-missing ok needs --baseline or --history"
    ]


def test_an_empty_history_with_baseline_missing_ok_sets_the_baseline(tmp_path: Path) -> None:
    history = tmp_path / "audit-history.db"
    common = ["report", str(_result(tmp_path)), "--output-dir", str(tmp_path / "out")]
    # The history holds a scan of another account only: nothing earlier of this scope.
    elsewhere = report_at(
        [finding("rds_instance_multi_az", Status.FAIL, "db-9", account=OTHER_ACCOUNT)],
        SCAN_START - timedelta(days=1),
        scan_id="scan-elsewhere",
    )
    imported = run_auditor(
        tmp_path, "history", "import", str(history), str(_write(tmp_path / "o.json", elsewhere))
    )
    assert imported.code == 0, imported.stderr
    first = run_auditor(
        tmp_path,
        *common,
        "--history",
        str(history),
        "--baseline-missing",
        "ok",
        "--fail-on-new",
        "high",
    )
    assert first.code == 0, first.stderr
    assert (
        "auditor: note: no baseline (the history holds no earlier scan of this scope): this run "
        "sets it, and --fail-on-new does not apply"
    ) in _stderr_lines(first)
    red = run_auditor(tmp_path, *common, "--history", str(history), "--fail-on-new", "high")
    assert red.code == 1  # without the option every FAIL of a first scan is new


def test_an_expired_mute_fails_only_with_fail_on_expired_mutes(tmp_path: Path) -> None:
    mutelist = tmp_path / "auditor.mute.yaml"
    mutelist.write_text(EXPIRED_MUTE)
    # Nothing at or above --fail-on high is unmuted-and-failing but the high FAIL: gate on none.
    common = [
        "report",
        str(_result(tmp_path, Status.PASS)),
        "--mutelist",
        str(mutelist),
        "--output-dir",
        str(tmp_path / "out"),
        "--fail-on",
        "none",
    ]
    lenient = run_auditor(tmp_path, *common)
    assert lenient.code == 0, lenient.stderr
    assert [m["entry"] for m in lenient.report["expired_mutes"]] == [1]

    strict = run_auditor(tmp_path, *common, "--fail-on-expired-mutes")
    assert strict.code == 1
    assert (
        "auditor: error: mutelist entry 1 expired, and --fail-on-expired-mutes is set: renew or "
        "remove it"
    ) in _stderr_lines(strict)

    # --quiet keeps the reason: a CI log must say why the job failed.
    quiet = run_auditor(tmp_path, *common, "--fail-on-expired-mutes", "--quiet")
    assert quiet.code == 1
    assert any("--fail-on-expired-mutes is set" in line for line in _stderr_lines(quiet))

    # A mutelist whose entries are all current does not fail.
    mutelist.write_text(EXPIRED_MUTE.replace("2025-01-31", "2099-01-31"))
    current = run_auditor(tmp_path, *common, "--fail-on-expired-mutes")
    assert current.code == 0, current.stderr
    assert current.report["expired_mutes"] == []


def test_an_incomplete_result_exits_3_unless_allow_incomplete(tmp_path: Path) -> None:
    common = [
        "report",
        str(_result(tmp_path, Status.ERROR, Status.PASS)),
        "--output-dir",
        str(tmp_path / "out"),
        "--fail-on",
        "none",
    ]
    assert run_auditor(tmp_path, *common).code == 3
    allowed = run_auditor(tmp_path, *common, "--allow-incomplete")
    assert allowed.code == 0, allowed.stderr
    assert (
        "auditor: warning: the scan is incomplete (1 ERROR finding(s)); --allow-incomplete keeps "
        "that from setting the exit code"
    ) in _stderr_lines(allowed)
    # It never hides a failure: a FAIL at or above --fail-on still exits 1.
    failing = run_auditor(tmp_path, *common[:-2], "--fail-on", "high", "--allow-incomplete")
    assert failing.code == 1


def test_diff_and_merge_take_the_gates_too(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.json", report_at([], SCAN_START - timedelta(days=1)))
    new = _result(tmp_path, Status.ERROR)
    out = ["--output-dir", str(tmp_path / "out"), "--fail-on", "none"]
    for command in (["diff", str(old), str(new)], ["merge", str(new)]):
        assert run_auditor(tmp_path, *command, *out).code == 3, command
        assert run_auditor(tmp_path, *command, *out, "--allow-incomplete").code == 0, command
    mutelist = tmp_path / "auditor.mute.yaml"
    mutelist.write_text(EXPIRED_MUTE)
    expired = run_auditor(
        tmp_path,
        "merge",
        str(new),
        *out,
        "--allow-incomplete",
        "--mutelist",
        str(mutelist),
        "--fail-on-expired-mutes",
    )
    assert expired.code == 1, expired.stderr


def test_scan_first_night_green_then_a_denied_read_exits_3_unless_allowed(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    only = ["--check", "dynamodb_table_ttl_enabled"]
    previous = tmp_path / "previous" / "auditor-report.json"
    first = run_auditor(
        tmp_path,
        *scan_args,
        *only,
        "--endpoint-url",
        f"http://127.0.0.1:{moto_port}",
        "--baseline",
        str(previous),
        "--baseline-missing",
        "ok",
        "--fail-on-new",
        "low",
        "--save-snapshot",
        str(tmp_path / "first.json"),
    )
    statuses = set(first.findings("dynamodb_table_ttl_enabled").values())
    assert "FAIL" in statuses  # a FAIL that would be new without the option
    assert first.code == 0, first.stderr
    assert "this run sets it" in first.stderr

    with AwsProxy(moto_port, [Fault("DescribeTimeToLive", code="AccessDeniedException")]) as proxy:
        gap = [*scan_args, *only, "--endpoint-url", proxy.url, "--fail-on", "none"]
        snapshot = tmp_path / "snap.json"
        incomplete = run_auditor(tmp_path, *gap, "--save-snapshot", str(snapshot))
        allowed = run_auditor(tmp_path, *gap, "--allow-incomplete")
    assert incomplete.code == 3, incomplete.stderr
    assert set(incomplete.findings("dynamodb_table_ttl_enabled").values()) == {"ERROR"}
    assert allowed.code == 0, allowed.stderr
    assert "--allow-incomplete keeps that from setting the exit code" in allowed.stderr

    # `evaluate` judges the saved snapshot offline by the same rules.
    offline = ["evaluate", str(snapshot), *only, "--output-dir", str(tmp_path / "out")]
    assert run_auditor(tmp_path, *offline, "--fail-on", "none").code == 3
    assert run_auditor(tmp_path, *offline, "--fail-on", "none", "--allow-incomplete").code == 0
    clean = ["evaluate", str(tmp_path / "first.json"), *only, "--output-dir", str(tmp_path / "out")]
    missing = ["--baseline", str(tmp_path / "none.json"), "--baseline-missing", "ok"]
    assert run_auditor(tmp_path, *clean, *missing, "--fail-on-new", "low").code == 0
    assert run_auditor(tmp_path, *clean, "--fail-on-new", "low").code == 1
