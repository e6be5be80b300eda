"""`auditor demo`: the sample account end to end, as `make demo` runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.findings import Report

from .conftest import run_auditor

pytestmark = pytest.mark.e2e


def test_demo_writes_both_reports_showing_a_pass_and_a_fail_for_every_check(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"

    result = run_auditor(tmp_path, "demo", "--output-dir", str(out))

    assert result.code == 0, result.stderr
    assert f"report: {out / 'auditor-report.html'}" in result.stdout
    assert f"report: {out / 'auditor-report.json'}" in result.stdout
    report = Report.model_validate_json((out / "auditor-report.json").read_text())
    assert report.errors == []
    assert set(report.scan.regions) == {"us-east-1", "eu-west-1"}
    # The management account and its sandbox member, each with its own summary.
    assert len(report.scan.accounts) == 2
    assert set(report.summary.by_account) == set(report.scan.accounts)
    # The terminal summary has a row per account, with that account's counts.
    assert "Findings by account" in result.stdout
    for account, counts in report.summary.by_account.items():
        row = next(line for line in result.stdout.splitlines() if account in line)
        assert [int(n) for n in row.replace("│", " ").split()[1:]] == [
            counts.PASS,
            counts.FAIL,
            counts.ERROR,
        ]
    verdicts: dict[str, set[str]] = {}
    for finding in report.findings:
        verdicts.setdefault(finding.check_id, set()).add(finding.status.value)
    # Judged only in the organization's one management account, whose alarm is in place.
    once = {"cloudwatch_organizations_changes_alarmed": {"PASS"}}
    assert verdicts == {check: once.get(check, {"PASS", "FAIL"}) for check in report.scan.checks}
    assert len(report.scan.checks) >= 60
    assert (out / "auditor-report.html").stat().st_size > 10_000
