"""A full scan of the demo estate gives, finding by finding, what tests/e2e/fixtures/
demo_findings.json holds (written from an `auditor demo` report with tests.e2e.golden's
finding_rows): a change to how the scan reads (clients, endpoints, rates) must not change what it
finds, and a change to what it finds is made on purpose, by rewriting the fixture in the same
commit as the checks or estate that change it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.findings import Report

from .conftest import run_auditor
from .golden import finding_rows

pytestmark = pytest.mark.e2e

GOLDEN = Path(__file__).parent / "fixtures" / "demo_findings.json"


def test_demo_scan_finds_exactly_what_the_previous_implementation_found(tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = run_auditor(tmp_path, "demo", "--output-dir", str(out), "--format", "json")

    assert result.code == 0, result.stderr
    rows = finding_rows(Report.model_validate_json((out / "auditor-report.json").read_text()))
    golden = json.loads(GOLDEN.read_text())
    assert sum(row[-1] for row in golden) == 500
    assert [row for row in golden if row not in rows] == []
    assert [row for row in rows if row not in golden] == []
