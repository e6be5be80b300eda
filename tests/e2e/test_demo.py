"""`auditor demo`: the sample account end to end, as `make demo` runs it.

Two demo runs serve the whole module (each takes seconds): the plain one `make demo` makes, and
a second compared with it, quiet and gated with --fail-on high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.findings import Report

from .conftest import Result, run_auditor

pytestmark = pytest.mark.e2e


def _demo(tmp_path: Path, *args: str) -> Result:
    out = tmp_path / "out"
    result = run_auditor(tmp_path, "demo", "--output-dir", str(out), *args)
    assert result.code in (0, 1), result.stderr
    return result


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return _demo(tmp_path_factory.mktemp("first"))


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory, first: Result) -> Result:
    baseline = first.output_dir / "auditor-report.json"
    return _demo(
        tmp_path_factory.mktemp("second"),
        "--baseline",
        str(baseline),
        "--fail-on",
        "high",
        "--format",
        "json",
        "--quiet",
    )


def test_demo_writes_both_reports_showing_a_pass_and_a_fail_for_every_check(
    first: Result,
) -> None:
    out = first.output_dir
    assert out.is_absolute()

    assert first.code == 0, first.stderr
    assert f"report: {out / 'auditor-report.html'}" in first.stdout
    assert f"report: {out / 'auditor-report.json'}" in first.stdout
    # The last lines: where to open the report, then why the run exits as it does.
    assert first.stdout.splitlines()[-2:] == [
        f"open in a browser: file://{out / 'auditor-report.html'}",
        "exit 0: --fail-on none; no ERROR",
    ]
    report = Report.model_validate_json((out / "auditor-report.json").read_text())
    assert report.errors == []
    assert set(report.scan.regions) == {"us-east-1", "eu-west-1"}
    # The management account and its sandbox member, each with its own summary.
    assert len(report.scan.accounts) == 2
    assert set(report.summary.by_account) == set(report.scan.accounts)
    # The terminal summary has a row per account, with that account's counts.
    assert "Findings by account" in first.stdout
    for account, counts in report.summary.by_account.items():
        row = next(line for line in first.stdout.splitlines() if account in line)
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


def test_demo_says_it_is_seeding_on_stderr(first: Result) -> None:
    lines = first.stderr.splitlines()
    assert lines[0].startswith("Seeding the sample organization on moto at http://127.0.0.1:")
    assert lines[1].startswith("Seeded in ")
    assert lines[1].endswith(" s; scanning it.")


def test_quiet_demo_says_nothing_of_seeding(second: Result) -> None:
    assert "Seed" not in second.stderr
    # Quiet keeps the report's path and the reason for the exit code, nothing else.
    assert second.stdout.splitlines() == [
        f"report: {second.output_dir / 'auditor-report.json'}",
        f"exit 1: {_unmuted_high(second)} unmuted FAILs at or above high",
    ]


def _json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((result.output_dir / "auditor-report.json").read_text())
    return data


def _unmuted_high(result: Result) -> int:
    return sum(
        1
        for f in _json(result)["findings"]
        if f["status"] == "FAIL" and f["severity"] in ("high", "critical") and not f["muted"]
    )


def test_a_second_demo_compared_with_the_first_shows_nothing_new_and_nothing_fixed(
    first: Result, second: Result
) -> None:
    before, after = _json(first), _json(second)

    assert after["baseline"]["scan_id"] == before["scan"]["id"]
    assert after["baseline"]["new"] == 0
    assert after["baseline"]["fixed"] == 0
    assert after["baseline"]["unverified"] == 0
    assert after["baseline"]["unchanged"] == len(after["findings"]) == len(before["findings"])
    assert after["fixed"] == []
    assert {f["diff_state"] for f in after["findings"]} == {"unchanged"}
    # The same sandbox account and the same resources, finding by finding.
    assert after["scan"]["accounts"] == before["scan"]["accounts"]
    assert sorted(f["id"] for f in after["findings"]) == sorted(f["id"] for f in before["findings"])


def test_demo_fail_on_gates_the_exit_code_as_a_scan_does(first: Result, second: Result) -> None:
    high_fails = [
        f
        for f in _json(second)["findings"]
        if f["status"] == "FAIL" and f["severity"] in ("high", "critical") and not f["muted"]
    ]

    assert high_fails  # the sample account fails on purpose ...
    assert second.code == 1, second.stderr  # ... so --fail-on high exits 1
    assert first.code == 0  # and without it the demo exits 0, as `make demo` needs
