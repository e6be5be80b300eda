"""The history through the real CLI: scans of a changing estate on a moto server (127.0.0.1)
appended to one SQLite file, their baselines taken from it, and the lifecycle it shows."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.history.lifecycle import build_timeline
from auditor.history.store import APPLICATION_ID, SCHEMA_VERSION, open_history, read_version
from tests.e2e.conftest import auditor_executable, clean_env, moto_client, moto_server, run_auditor
from tests.support.faultproxy import FaultProxy

CHECKS = ["--check", "s3_bucket_versioning_enabled", "--check", "sqs_queue_has_dead_letter_queue"]


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    with moto_server(tmp_path / "moto.log") as server_port:
        yield server_port


def scan(tmp_path: Path, port: int, db: Path, *extra: str, out: str = "out") -> Any:
    result = run_auditor(
        tmp_path,
        "scan",
        "--region",
        "us-east-1",
        *CHECKS,
        "--endpoint-url",
        f"http://127.0.0.1:{port}",
        "--output-dir",
        str(tmp_path / out),
        "--history",
        str(db),
        "--fail-on",
        "none",
        "--format",
        "json,markdown",
        *extra,
    )
    assert result.code == 0, result.stderr
    return json.loads((tmp_path / out / "auditor-report.json").read_text())


def by_resource(report: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {
        f["resource"]["id"]: (f["status"], f["diff_state"])
        for f in report["findings"]
        if f["check_id"] == "s3_bucket_versioning_enabled"
    }


def test_three_scans_of_a_changing_estate(tmp_path: Path, port: int) -> None:
    s3 = moto_client(port, "s3")
    sqs = moto_client(port, "sqs")
    for bucket in ("alpha", "bravo"):
        s3.create_bucket(Bucket=bucket)
    sqs.create_queue(QueueName="orders")
    db = tmp_path / "audit-history.db"

    first = scan(tmp_path, port, db)
    assert first["baseline"] is None  # the history was empty: nothing to compare with
    assert by_resource(first) == {"alpha": ("FAIL", None), "bravo": ("FAIL", None)}

    # alpha fixed, bravo gone, charlie new
    s3.put_bucket_versioning(Bucket="alpha", VersioningConfiguration={"Status": "Enabled"})
    s3.delete_bucket(Bucket="bravo")
    s3.create_bucket(Bucket="charlie")
    second = scan(tmp_path, port, db)
    assert second["baseline"]["scan_id"] == first["scan"]["id"]
    assert by_resource(second) == {"alpha": ("PASS", "fixed"), "charlie": ("FAIL", "new")}
    assert sorted(f["resource"]["id"] for f in second["fixed"]) == ["alpha", "bravo"]
    digest = (tmp_path / "out" / "auditor-report.md").read_text()
    assert f"### Since ` {first['scan']['id']} `" in digest
    assert "1 new FAIL(s), 2 fixed, 1 unchanged." in digest  # the queue still fails
    new_rows = digest.split("#### New FAILs")[1].split("#### Fixed")[0]
    assert "` charlie `" in new_rows and "` alpha `" not in new_rows

    # alpha's versioning suspended: the same finding fails again
    s3.put_bucket_versioning(Bucket="alpha", VersioningConfiguration={"Status": "Suspended"})
    third = scan(tmp_path, port, db)
    assert third["baseline"]["scan_id"] == second["scan"]["id"]
    assert by_resource(third) == {"alpha": ("FAIL", "new"), "charlie": ("FAIL", "unchanged")}
    charlie = next(f for f in third["findings"] if f["resource"]["id"] == "charlie")
    assert datetime.fromisoformat(charlie["first_seen"]) == datetime_of(second)

    listed = run_auditor(tmp_path, "history", str(db))
    assert listed.code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split()[3] for line in lines] == [
        first["scan"]["id"],
        second["scan"]["id"],
        third["scan"]["id"],
    ]
    # alpha, bravo and the queue fail at first; alpha and charlie and the queue at the end
    assert "FAIL 3 (medium 1, low 2)" in lines[0]
    assert "FAIL 3 (medium 1, low 2)" in lines[2]

    with open_history(db, create=False) as history:
        timeline = build_timeline(history)
    starts = [datetime_of(r) for r in (first, second, third)]
    lives = {life.resource_id: life for life in timeline.lifecycles.values()}
    alpha, bravo, charlie_life = lives["alpha"], lives["bravo"], lives["charlie"]
    assert alpha.first_seen == starts[0] and alpha.last_seen == starts[2]
    assert alpha.times_reopened == 1 and alpha.is_open and alpha.fixed_at is None
    assert alpha.episodes == [(starts[0], starts[1]), (starts[2], None)]
    assert bravo.fixed_at == starts[1] and not bravo.is_open and bravo.times_reopened == 0
    assert charlie_life.first_seen == starts[1] and charlie_life.is_open
    assert [(p.new, p.fixed, p.reopened) for p in timeline.trend] == [
        (3, 0, 0),
        (1, 2, 0),
        (1, 0, 1),
    ]

    trend = run_auditor(tmp_path, "history", str(db), "--trend", "--since", "90d")
    assert trend.code == 0, trend.stderr
    rows = [line.split() for line in trend.stdout.splitlines()[1:4]]
    # scan date, time, UTC, critical, high, medium, low, informational, new, fixed, reopened
    assert [row[3:] for row in rows] == [
        ["0", "0", "1", "2", "0", "3", "0", "0"],
        ["0", "0", "1", "1", "0", "1", "2", "0"],
        ["0", "0", "1", "2", "0", "1", "0", "1"],
    ]
    assert "low" in trend.stdout.splitlines()[-1] and "2 fixed" in trend.stdout


def datetime_of(report: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(report["scan"]["started_at"])


def test_two_scans_appending_at_once_are_both_recorded(tmp_path: Path, port: int) -> None:
    moto_client(port, "s3").create_bucket(Bucket="alpha")
    db = tmp_path / "h.db"
    reports: dict[str, Any] = {}

    def one(name: str) -> None:
        reports[name] = scan(tmp_path, port, db, out=name)

    threads = [threading.Thread(target=one, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open_history(db, create=False) as history:
        held = {s.id for s in history.scans()}
        counts = [len(history.findings(s.seq)) for s in history.scans()]
    assert held == {reports["a"]["scan"]["id"], reports["b"]["scan"]["id"]}
    assert counts == [len(reports["a"]["findings"])] * 2 and counts[0] > 0


def test_an_interrupted_scan_adds_nothing(tmp_path: Path, port: int) -> None:
    s3 = moto_client(port, "s3")
    for index in range(6):
        s3.create_bucket(Bucket=f"bucket-{index}")
    db = tmp_path / "h.db"
    earlier = scan(tmp_path, port, db)
    before = db.read_bytes()
    with FaultProxy(port, delay=0.3) as proxy:
        process = subprocess.Popen(
            [
                auditor_executable(),
                "scan",
                "--region",
                "us-east-1",
                *CHECKS,
                "--endpoint-url",
                proxy.url,
                "--output-dir",
                str(tmp_path / "late"),
                "--history",
                str(db),
            ],
            env=clean_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(proxy.requests) < 3:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    with open_history(db, create=False) as history:
        assert [s.id for s in history.scans()] == [earlier["scan"]["id"]]
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not a database at all, just some text" * 40, "not an auditor history"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "not an auditor history"),
    ],
)
def test_a_corrupt_history_is_one_line_and_left_untouched(
    tmp_path: Path, content: bytes, says: str
) -> None:
    db = tmp_path / "h.db"
    db.write_bytes(content)
    for args in (["history", str(db)], ["history", "import", str(db), str(db)]):
        result = run_auditor(tmp_path, *args)
        assert result.code == 2
        assert says in result.stderr and len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert db.read_bytes() == content


def test_a_foreign_or_newer_history_is_refused_before_any_aws_call(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE invoices (id INTEGER)")
    newer = tmp_path / "newer.db"
    open_history(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for path, says in ((foreign, "not an auditor history"), (newer, "newer than this auditor")):
        before = path.read_bytes()
        # no endpoint: the scan would fail on credentials if it got that far
        result = run_auditor(
            tmp_path,
            "scan",
            "--region",
            "us-east-1",
            "--history",
            str(path),
            "--output-dir",
            str(tmp_path / "out"),
        )
        assert result.code == 2, result.stderr
        assert says in result.stderr and len(result.stderr.splitlines()) == 1
        assert path.read_bytes() == before
        assert not (tmp_path / "out").exists()
    assert read_version(newer) == (APPLICATION_ID, SCHEMA_VERSION + 1)


def test_a_folder_of_reports_is_imported_on_first_use(tmp_path: Path, port: int) -> None:
    moto_client(port, "s3").create_bucket(Bucket="alpha")
    folder = tmp_path / "reports"
    first = scan(tmp_path, port, tmp_path / "unused.db", out="reports/2026-01")
    (folder / "notes.json").write_text('{"not": "a report"}')
    second = scan(tmp_path, port, folder)
    assert second["baseline"]["scan_id"] == first["scan"]["id"]
    with open_history(folder / "auditor-history.db", create=False) as history:
        assert [s.id for s in history.scans()] == [first["scan"]["id"], second["scan"]["id"]]

    again = run_auditor(
        tmp_path,
        "history",
        "import",
        str(folder / "auditor-history.db"),
        str(folder / "2026-01" / "auditor-report.json"),
    )
    assert again.code == 0 and "0 scan(s) added, 1 already held" in again.stdout


def test_history_without_a_file_or_with_a_missing_one_is_one_line(tmp_path: Path) -> None:
    for args, says in (
        (["history"], "history needs a file"),
        (["history", str(tmp_path / "absent.db")], "no such file"),
        (["history", str(tmp_path / "x.db"), "--since", "soon"], "--since 'soon'"),
    ):
        result = run_auditor(tmp_path, *args)
        assert result.code == 2 and says in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "absent.db").exists() and not (tmp_path / "x.db").exists()
