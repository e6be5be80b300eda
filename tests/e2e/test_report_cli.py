"""The installed CLI for CI and review meetings: two scans a week apart against the moto server
with a baseline, a mutelist and every format; `auditor report` and `auditor diff` on saved
results; and bad mutelists or result files as one line and exit 2."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.findings import Report, Status
from auditor.report import FILE_NAMES
from auditor.report.json import render_json
from auditor.report.sarif import render_sarif
from tests.reporting import SCAN_START, finding, report_at

from .conftest import ACCOUNT, Result, auditor_executable, clean_env, run_auditor

pytestmark = pytest.mark.e2e

ALL_FORMATS = "json,html,sarif,ocsf,asff,csv,junit,markdown"


def _one_line(result: Result) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


SEVERITIES = ("informational", "low", "medium", "high", "critical")


def _target(report: dict[str, Any]) -> dict[str, Any]:
    """A FAIL below critical (so a stricter threshold exists) that becomes new this week."""
    return next(
        f
        for f in sorted(report["findings"], key=lambda f: f["id"])
        if f["status"] == "FAIL"
        and f["severity"] != "critical"
        and f["check_id"] not in ("dynamodb_table_ttl_enabled", "cloudwatch_alarm_has_action")
    )


def _last_week(report: dict[str, Any]) -> dict[str, Any]:
    """This week's scan, rewritten as if it had run a week earlier with some differences."""
    old = json.loads(json.dumps(report))
    started = datetime.fromisoformat(old["scan"]["started_at"]) - timedelta(days=7)
    old["scan"]["id"] = "scan-last-week"
    old["scan"]["started_at"] = started.isoformat()
    findings = old["findings"]
    for f in findings:
        f["first_seen"] = (started - timedelta(days=30)).isoformat()
        f["diff_state"] = None
    # The target did not fail last week: this week it is new.
    target_id = _target(report)["id"]
    next(f for f in findings if f["id"] == target_id)["status"] = "PASS"
    # An alarm that passes now failed last week: fixed.
    alarm_pass = next(
        f
        for f in findings
        if f["check_id"] == "cloudwatch_alarm_has_action" and f["status"] == "PASS"
    )
    alarm_pass["status"] = "FAIL"
    # A table that failed last week is gone now: fixed.
    gone = json.loads(json.dumps(next(f for f in findings if f["status"] == "FAIL")))
    gone["check_id"] = "dynamodb_table_pitr_enabled"
    gone["resource"] = {"id": "dropped-table", "arn": None, "type": "AWS::DynamoDB::Table"}
    gone["region"] = "eu-west-1"
    gone["id"] = "f" * 24
    findings.append(gone)
    return old


def test_two_scans_a_week_apart_with_mutes_and_every_format(
    tmp_path: Path, moto_port: int, scan_args: list[str]
) -> None:
    endpoint = ["--endpoint-url", f"http://127.0.0.1:{moto_port}"]
    first = run_auditor(tmp_path, *scan_args, *endpoint, "--fail-on", "none", "--format", "json")
    assert first.code == 0, first.stderr
    baseline = tmp_path / "last-week.json"
    baseline.write_text(json.dumps(_last_week(first.report)))
    target = _target(first.report)
    severity = target["severity"]
    stricter = SEVERITIES[SEVERITIES.index(severity) + 1]
    ttl_fail = next(
        f["resource"]["id"]
        for f in first.report["findings"]
        if f["check_id"] == "dynamodb_table_ttl_enabled" and f["status"] == "FAIL"
    )
    until = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    mutelist = tmp_path / "auditor.mute.yaml"
    mutelist.write_text(
        f"""mutes:
  - check: dynamodb_table_ttl_*
    resource: "{ttl_fail}"
    reason: Items are deleted by the nightly job
    owner: data-team@example.com
    expires: {until}
  - check: s3_*
    reason: Old exception
    owner: bob@example.com
    expires: 2024-01-31
"""
    )

    result = run_auditor(
        tmp_path,
        *scan_args,
        *endpoint,
        "--baseline",
        str(baseline),
        "--mutelist",
        str(mutelist),
        "--format",
        ALL_FORMATS,
        "--fail-on-new",
        severity,
    )

    assert result.code == 1, result.stderr  # the target is a new FAIL at that severity
    report = Report.model_validate(result.report)
    assert sorted(p.name for p in result.output_dir.iterdir()) == sorted(FILE_NAMES.values())
    new = [f for f in report.findings if f.diff_state == "new"]
    assert [f.id for f in new] == [target["id"]]
    assert new[0].first_seen == report.scan.started_at
    by_key = {(f.check_id, f.resource.id): f for f in report.findings}
    muted = by_key[("dynamodb_table_ttl_enabled", ttl_fail)]
    assert (muted.status, muted.muted, muted.diff_state) == (Status.FAIL, True, "unchanged")
    assert muted.mute is not None and muted.mute.owner == "data-team@example.com"
    assert muted.first_seen is not None and muted.first_seen < report.scan.started_at
    assert "dropped-table" in {f.resource.id for f in report.fixed}
    assert len(report.fixed) == 2
    assert [m.entry for m in report.expired_mutes] == [2]
    assert report.baseline is not None and report.baseline.scan_id == "scan-last-week"
    assert "1 new FAIL(s), 2 fixed" in result.stdout
    assert f"new   {severity:8} {target['check_id']} {ACCOUNT}" in result.stdout
    assert "muted: 1 finding(s), 1 of them FAIL" in result.stdout
    assert "mutelist entry 2 (s3_*, owner bob@example.com) expired on 2024-01-31" in result.stderr

    sarif = json.loads((result.output_dir / "auditor-report.sarif").read_text())
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert [r["partialFingerprints"]["auditorFindingId/v1"] for r in suppressed] == [muted.id]
    html = (result.output_dir / "auditor-report.html").read_text()
    assert '<dt>New FAILs</dt><dd class="bad">1</dd>' in html
    assert "dropped-table" in html

    # The same result gates differently on a stricter threshold, re-rendered offline.
    again = run_auditor(
        tmp_path,
        "report",
        str(result.output_dir / "auditor-report.json"),
        "--output-dir",
        str(tmp_path / "out2"),
        "--format",
        "csv",
        "--fail-on-new",
        stricter,
    )
    assert again.code == 0, again.stderr
    assert (tmp_path / "out2" / "auditor-report.csv").read_bytes().count(b"\r\n") == len(
        report.findings
    ) + 1


def _write(path: Path, report: Report) -> Path:
    path.write_text(render_json(report))
    return path


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    old = report_at(
        [
            finding("rds_instance_multi_az", Status.FAIL, "db-old"),
            finding("rds_instance_multi_az", Status.FAIL, "db-fixed"),
        ],
        SCAN_START - timedelta(days=7),
        scan_id="scan-old",
    )
    new = report_at(
        [
            finding("rds_instance_multi_az", Status.FAIL, "db-old"),
            finding("rds_instance_multi_az", Status.PASS, "db-fixed"),
            finding("s3_bucket_lifecycle_configured", Status.FAIL, "logs"),
        ],
        scan_id="scan-new",
    )
    return _write(tmp_path / "old.json", old), _write(tmp_path / "new.json", new)


def test_diff_writes_reports_and_prints_what_changed(tmp_path: Path) -> None:
    old, new = _pair(tmp_path)
    out = tmp_path / "out"
    result = run_auditor(
        tmp_path, "diff", str(old), str(new), "--output-dir", str(out), "--fail-on-new", "high"
    )
    assert result.code == 0, result.stderr  # the only new FAIL is low
    lines = result.stdout.splitlines()
    assert (
        "Since scan scan-old (2025-02-25 09:30 UTC): 1 new FAIL(s), 1 fixed, 1 unchanged" in lines
    )
    assert any(
        line.split()[:3] == ["new", "low", "s3_bucket_lifecycle_configured"] for line in lines
    )
    assert any(line.split()[:2] == ["fixed", "high"] and "db-fixed" in line for line in lines)
    written = Report.model_validate_json((out / "auditor-report.json").read_text())
    assert {f.resource.id: f.diff_state for f in written.findings} == {
        "db-old": "unchanged",
        "db-fixed": "fixed",
        "logs": "new",
    }
    assert (out / "auditor-report.html").exists()
    strict = run_auditor(
        tmp_path, "diff", str(old), str(new), "--output-dir", str(out), "--fail-on-new", "low"
    )
    assert strict.code == 1


def test_report_re_renders_a_saved_result_in_any_format(tmp_path: Path) -> None:
    _, new = _pair(tmp_path)
    out = tmp_path / "out"
    result = run_auditor(
        tmp_path, "report", str(new), "--output-dir", str(out), "--format", "sarif,junit", "-q"
    )
    assert result.code == 1, result.stderr  # a high FAIL, --fail-on high by default
    assert sorted(p.name for p in out.iterdir()) == [
        "auditor-report.junit.xml",
        "auditor-report.sarif",
    ]
    saved = Report.model_validate_json(new.read_text())
    stamped = saved.model_copy(
        update={
            "findings": [f.model_copy(update={"first_seen": SCAN_START}) for f in saved.findings]
        }
    )
    assert (out / "auditor-report.sarif").read_text() == render_sarif(stamped)


def test_a_mutelist_in_the_current_directory_is_used(tmp_path: Path) -> None:
    _, new = _pair(tmp_path)
    (tmp_path / "auditor.mute.toml").write_text(
        '[[mutes]]\ncheck = "rds_*"\nreason = "Dev account"\nowner = "me"\nexpires = 2025-12-31\n'
    )
    completed = subprocess.run(
        [auditor_executable(), "report", str(new), "--output-dir", "out", "--format", "json"],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr  # the only high FAIL is muted
    written = json.loads((tmp_path / "out" / "auditor-report.json").read_text())
    assert {f["resource"]["id"]: f["muted"] for f in written["findings"]} == {
        "db-old": True,
        "db-fixed": True,
        "logs": False,
    }
    assert "auditor.mute.toml" in completed.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "mutes:\n  - check: rds_*\n    owner: o\n    expires: 2025-01-01\n",
            "entry 1 (check 'rds_*'): missing 'reason'",
        ),
        (
            "mutes:\n  - check: rds_*\n    reason: r\n    owner: o\n    expires: 2025-02-30\n",
            "entry 1 (check 'rds_*'): 'expires' must be a date written YYYY-MM-DD",
        ),
        (
            "mutes:\n  - check: rds_*\n    reason: r\n    owner: o\n    expires: 2025-01-01\n"
            "    regions: [eu-west-1]\n",
            "entry 1 (check 'rds_*'): unknown key 'regions'",
        ),
    ],
)
def test_a_malformed_mutelist_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, text: str, message: str
) -> None:
    _, new = _pair(tmp_path)
    mutelist = tmp_path / "bad.yaml"
    mutelist.write_text(text)
    out = tmp_path / "out"
    result = run_auditor(
        tmp_path, "report", str(new), "--mutelist", str(mutelist), "--output-dir", str(out)
    )
    assert result.code == 2
    line = _one_line(result)
    assert line.startswith(f"auditor: error: mutelist {str(mutelist)!r}: ")
    assert message in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not valid JSON"),
        ('{"schema_version": "2.0"}', "is not an auditor JSON report of schema 1.x"),
        ('{"schema_version": "1", "scopes": []}', "is a snapshot: `auditor evaluate` reads it"),
        ('{"schema_version": "1.0", "findings": []}', "is not an auditor JSON report (tool:"),
    ],
)
def test_a_bad_result_or_baseline_is_one_line_and_exit_2(
    tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    _, new = _pair(tmp_path)
    as_result = run_auditor(tmp_path, "report", str(bad), "--output-dir", str(tmp_path / "o"))
    assert as_result.code == 2
    assert message in _one_line(as_result)
    assert "result" in _one_line(as_result)
    as_baseline = run_auditor(
        tmp_path, "report", str(new), "--baseline", str(bad), "--output-dir", str(tmp_path / "o")
    )
    assert as_baseline.code == 2
    assert _one_line(as_baseline).startswith(f"auditor: error: baseline {str(bad)!r}")


def test_a_result_from_schema_1_0_still_loads(tmp_path: Path) -> None:
    _, new = _pair(tmp_path)
    document = json.loads(new.read_text())
    document["schema_version"] = "1.0"
    for f in document["findings"]:
        for key in ("muted", "mute", "diff_state", "first_seen"):
            del f[key]
        del f["resource"]["tags"]
    for key in ("fixed", "expired_mutes", "baseline"):
        del document[key]
    new.write_text(json.dumps(document))
    result = run_auditor(tmp_path, "report", str(new), "--output-dir", str(tmp_path / "o"))
    assert result.code == 1, result.stderr


def test_unknown_format_and_fail_on_new_value_are_exit_2(tmp_path: Path) -> None:
    _, new = _pair(tmp_path)
    bad_format = run_auditor(tmp_path, "report", str(new), "--format", "pdf")
    assert bad_format.code == 2
    assert "unknown format 'pdf'" in _one_line(bad_format)
    assert "sarif" in _one_line(bad_format)
    bad_level = run_auditor(tmp_path, "report", str(new), "--fail-on-new", "none")
    assert bad_level.code == 2
    assert "--fail-on-new" in _one_line(bad_level)
