"""The organization GitHub Actions example: a matrix of shards signing in with OIDC, each
uploading its result, then one merge job — and every auditor option it passes exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from auditor.cli import main

WORKFLOW = Path(__file__).parents[2] / "examples" / "github-actions" / "org-scan.yml"


def _workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"][job]["steps"]
    return steps


def _step(job: str, name: str) -> dict[str, Any]:
    return next(s for s in _steps(job) if s.get("name") == name)


def _options(command: str) -> set[str]:
    return set(re.findall(r"(--[a-z][a-z-]+)", command))


def _help(command: str) -> set[str]:
    return _options(CliRunner().invoke(main, [command, "--help"]).output)


def test_shards_sign_in_with_oidc_and_scan_their_share_of_the_org() -> None:
    workflow = _workflow()
    assert workflow["permissions"]["id-token"] == "write"
    scan = workflow["jobs"]["scan"]
    shards = scan["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    assert scan["strategy"]["fail-fast"] is False
    aws = next(s for s in _steps("scan") if s.get("uses", "").startswith("aws-actions/configure"))
    assert "role-to-assume" in aws["with"]
    assert not any("aws-access-key-id" in s.get("with", {}) for s in _steps("scan"))
    run = _step("scan", "Scan")["run"]
    assert "auditor scan --org" in run
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in run
    assert "--format json" in run


def test_each_shard_uploads_its_result_and_the_merge_job_joins_them() -> None:
    upload = _step("scan", "Upload the shard's result")
    assert upload["uses"].startswith("actions/upload-artifact")
    assert upload["with"]["name"] == "auditor-shard-${{ matrix.shard }}"
    assert upload["with"]["path"] == "out/auditor-report.json"
    merge = _workflow()["jobs"]["merge"]
    assert merge["needs"] == "scan"
    download = _step("merge", "Download every shard's result")
    assert download["uses"].startswith("actions/download-artifact")
    assert download["with"]["pattern"] == "auditor-shard-*"
    run = _step("merge", "Merge")["run"]
    assert "auditor merge shards/auditor-shard-*/auditor-report.json" in run
    assert "json,html,sarif" in run
    sarif = next(s for s in _steps("merge") if "upload-sarif" in s.get("uses", ""))
    assert sarif["with"]["sarif_file"] == "out/auditor-report.sarif"
    assert merge["permissions"]["security-events"] == "write"


def test_every_auditor_option_in_the_workflow_exists() -> None:
    scan_used = _options(_step("scan", "Scan")["run"])
    merge_used = _options(_step("merge", "Merge")["run"])
    assert {"--org", "--shard", "--role-name", "--output-dir"} <= scan_used <= _help("scan")
    assert {"--format", "--output-dir"} <= merge_used <= _help("merge")
