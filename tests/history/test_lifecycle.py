"""Lifecycle figures from a history of hand-built scans at known times."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.errors import InputFileError, OutputError
from auditor.findings import Finding, Report, Severity, Status
from auditor.history import store as store_module
from auditor.history.lifecycle import build_timeline
from auditor.history.store import History, open_history
from tests.report_factory import make_finding, make_report

DAY0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CHECKS = ["cloudwatch_alarm_has_action", "dynamodb_table_pitr_enabled", "iam_policy_no_full_admin"]


def at(day: int, findings: list[Finding], regions: list[str] | None = None) -> Report:
    report = make_report(findings, checks=CHECKS)
    start = DAY0 + timedelta(days=day)
    scan = report.scan.model_copy(
        update={
            "id": f"scan-day-{day}",
            "started_at": start,
            "finished_at": start + timedelta(minutes=3),
            "regions": regions or ["eu-west-1"],
        }
    )
    return report.model_copy(update={"scan": scan})


def orders(status: Status) -> Finding:
    return make_finding("dynamodb_table_pitr_enabled", status, "orders")


def admin(status: Status) -> Finding:
    return make_finding("iam_policy_no_full_admin", status, "AdminAll", region="global")


def alarm(status: Status) -> Finding:
    return make_finding("cloudwatch_alarm_has_action", status, "cpu")


@pytest.fixture
def history(tmp_path: Path) -> History:
    fail, ok, err = Status.FAIL, Status.PASS, Status.ERROR
    store = open_history(tmp_path / "h.db")
    store.append(
        [
            at(0, [orders(fail), admin(fail), alarm(fail)]),
            at(10, [orders(ok), admin(fail), alarm(err)]),  # an ERROR ends nothing
            at(20, [orders(fail), admin(ok), alarm(ok)]),
            at(25, [admin(ok), alarm(ok)]),  # orders gone from a region this scan judged
        ]
    )
    return store


def test_fixed_and_reopened_figures(history: History) -> None:
    timeline = build_timeline(history)
    lives = {life.resource_id: life for life in timeline.lifecycles.values()}
    day = lambda n: DAY0 + timedelta(days=n)  # noqa: E731

    assert lives["orders"].first_seen == day(0) and lives["orders"].last_seen == day(20)
    assert lives["orders"].times_reopened == 1
    assert lives["orders"].episodes == [(day(0), day(10)), (day(20), day(25))]
    assert lives["orders"].fixed_at == day(25)
    assert lives["orders"].days_open(day(30)) == 15.0
    assert lives["AdminAll"].fixed_at == day(20) and lives["AdminAll"].times_reopened == 0
    assert lives["cpu"].fixed_at == day(20)  # through the ERROR at day 10, still open
    assert timeline.mean_days_to_fix == {
        Severity.MEDIUM: 7.5,  # 10 and 5 days
        Severity.CRITICAL: 20.0,
        Severity.LOW: 20.0,
    }
    assert [(p.new, p.fixed, p.reopened) for p in timeline.trend] == [
        (3, 0, 0),
        (0, 1, 0),
        (1, 2, 1),
        (0, 1, 0),
    ]
    assert [p.open_by_severity[Severity.CRITICAL] for p in timeline.trend] == [1, 1, 0, 0]
    assert [p.mean_days_to_fix for p in timeline.trend] == [None, 10.0, 20.0, 5.0]


def test_the_window_limits_trend_and_mean_time_to_fix_not_first_seen(history: History) -> None:
    timeline = build_timeline(history, since=DAY0 + timedelta(days=15))
    assert [p.scan.id for p in timeline.trend] == ["scan-day-20", "scan-day-25"]
    assert timeline.mean_days_to_fix == {
        Severity.MEDIUM: 5.0,
        Severity.CRITICAL: 20.0,
        Severity.LOW: 20.0,
    }
    orders_life = next(x for x in timeline.lifecycles.values() if x.resource_id == "orders")
    assert orders_life.first_seen == DAY0


def test_an_absence_where_the_scan_did_not_look_fixes_nothing(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.db") as store:
        store.append(
            [at(0, [orders(Status.FAIL)]), at(3, [alarm(Status.PASS)], regions=["us-east-1"])]
        )
        life = next(iter(build_timeline(store).lifecycles.values()))
    assert life.is_open and life.fixed_at is None


def test_the_baseline_is_the_previous_scan_of_the_same_scope(history: History) -> None:
    other_scope = at(27, [orders(Status.FAIL)], regions=["us-east-1"])
    history.append([other_scope])
    latest = at(30, [admin(Status.FAIL)])
    baseline = history.previous(latest)
    assert baseline is not None and baseline.scan.id == "scan-day-25"
    fail_record = history.previous(at(15, []))
    assert fail_record is not None and fail_record.scan.id == "scan-day-10"
    # a FAIL comes back in full (it may be listed as fixed); others with their place and status
    kept = {f.resource.id: f for f in fail_record.findings}
    assert kept["AdminAll"] == admin(Status.FAIL).model_copy(update={"first_seen": None})
    assert kept["orders"].status is Status.PASS and kept["orders"].id == orders(Status.PASS).id
    assert history.previous(at(-1, [])) is None


def test_a_history_locked_past_the_busy_timeout_is_one_error_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.2)
    path = tmp_path / "h.db"
    writer = open_history(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(InputFileError, match="stayed locked by another writer"):
            open_history(path)
        with pytest.raises(OutputError, match=r"cannot record the scan in history .*locked"):
            writer.append([at(0, [orders(Status.FAIL)])])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert writer.scans() == []
    writer.close()


def test_the_meeting_view_of_an_older_report_stops_at_it(history: History) -> None:
    from auditor.history.meeting import history_view

    day10 = at(10, [orders(Status.PASS), admin(Status.FAIL), alarm(Status.ERROR)])
    view = history_view(day10, history)
    assert [p.scan.id for p in view.trend] == ["scan-day-0", "scan-day-10"]
    assert [life.resource_id for life in view.fixed] == ["orders"]
    assert view.reopened == [] and view.new == []
    assert [s.id for s in history.scans()] == [f"scan-day-{d}" for d in (0, 10, 20, 25)]
