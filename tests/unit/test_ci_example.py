"""The scheduled-scan GitHub Actions example: nightly, OIDC, the previous result as baseline,
SARIF to code scanning, the HTML kept, failing only on new high findings — and every auditor
option it passes exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from auditor.cli import main

WORKFLOW = Path(__file__).parents[2] / "examples" / "github-actions" / "scheduled-scan.yml"


def _workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"]["scan"]["steps"]
    return steps


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _steps() if s.get("name") == name)


def test_runs_nightly_with_oidc_and_the_permissions_it_needs() -> None:
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert re.fullmatch(r"\d+ \d+ \* \* \*", triggers["schedule"][0]["cron"])
    assert workflow["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "security-events": "write",
        "actions": "read",
    }
    aws = next(s for s in _steps() if s.get("uses", "").startswith("aws-actions/configure-aws"))
    assert "role-to-assume" in aws["with"]
    assert not any("aws-access-key-id" in s.get("with", {}) for s in _steps())


def test_scan_uses_the_previous_result_and_fails_only_on_new_high() -> None:
    restore = _step("Restore the previous result as the baseline")["run"]
    assert "gh run download" in restore and "--name auditor-result" in restore
    scan = _step("Scan")["run"]
    assert "--baseline previous/auditor-report.json" in scan
    assert "--fail-on-new high" in scan
    assert "sarif" in scan and "html" in scan
    gate = _step("Fail only on new high findings")
    assert gate["if"] == "always()"
    assert '1) echo "::error::New high' in gate["run"]


def test_uploads_sarif_and_keeps_result_and_html_even_when_failing() -> None:
    sarif = next(s for s in _steps() if "upload-sarif" in s.get("uses", ""))
    assert sarif["with"]["sarif_file"] == "out/auditor-report.sarif"
    artifacts = {
        s["with"]["name"]: s["with"]["path"]
        for s in _steps()
        if s.get("uses", "").startswith("actions/upload-artifact")
    }
    assert artifacts == {
        "auditor-result": "out/auditor-report.json",
        "auditor-report-html": "out/auditor-report.html",
    }
    for step in _steps():
        if "upload" in step.get("uses", ""):
            assert step["if"].startswith("always()")


def test_every_auditor_option_in_the_workflow_exists() -> None:
    scan = _step("Scan")["run"]
    used = set(re.findall(r"(--[a-z][a-z-]+)", scan))
    help_text = CliRunner().invoke(main, ["scan", "--help"]).output
    assert used <= set(re.findall(r"(--[a-z][a-z-]+)", help_text))
    assert {"--baseline", "--fail-on-new", "--format", "--output-dir"} <= used
