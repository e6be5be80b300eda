"""The GitHub Actions examples and the IAM role they assume: actionlint passes every workflow;
each installs a pinned release of the auditor with pipx and pins every action by commit id;
the scheduled scan starts green, keeps a durable baseline, fails on expired mutes and
incomplete scans and writes the job summary; the trust and baseline policies say what they
must; and every auditor option a workflow passes exists."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"
WORKFLOWS = sorted((EXAMPLES / "github-actions").glob("*.yml"))
IAM = EXAMPLES / "aws-iam"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
OPTION = re.compile(r"(--[a-z][a-z-]+)")


def _actionlint() -> str:
    beside = Path(sys.executable).with_name("actionlint")
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is not installed (pip install -e '.[dev]')"
    return found


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    # shellcheck and pyflakes are turned off: whether they are on PATH must not change the result.
    return subprocess.run(
        [_actionlint(), "-verbose", "-no-color", "-shellcheck=", "-pyflakes=", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _workflow(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((EXAMPLES / "github-actions" / name).read_text())
    return document


def _steps(name: str, job: str = "scan") -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow(name)["jobs"][job]["steps"]
    return steps


def _step(name: str, title: str, job: str = "scan") -> dict[str, Any]:
    return next(s for s in _steps(name, job) if s.get("name") == title)


def _all_steps() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (path, step)
        for path in WORKFLOWS
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
    ]


def test_actionlint_checks_every_example_workflow() -> None:
    assert len(WORKFLOWS) == 4
    result = _lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Found 0 errors in {len(WORKFLOWS)} files" in result.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    # The check above is not vacuous: an injectable expression in a script, and an action on a
    # retired runtime, are reported.
    text = (EXAMPLES / "github-actions" / "scheduled-scan.yml").read_text()
    text = text.replace('echo "code=$?"', 'echo "${{ github.event.head_commit.message }}"')
    text = re.sub(r"actions/checkout@[0-9a-f]{40} # v\S+", "actions/checkout@v4", text)
    broken = tmp_path / "broken.yml"
    broken.write_text(text)
    result = _lint(broken)
    assert result.returncode == 1
    assert '"github.event.head_commit.message" is potentially untrusted' in result.stdout
    assert 'update the version of action "actions/checkout@v4"' in result.stdout
    assert "Found total 2 errors" in result.stderr


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment() -> None:
    uses = [(path, step["uses"]) for path, step in _all_steps() if "uses" in step]
    assert len(uses) >= 15
    for path, ref in uses:
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned by a full commit id"
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line
    # One version of each action everywhere, so an update cannot be half done.
    by_action: dict[str, set[str]] = {}
    for _, ref in uses:
        action, sha = ref.split("@")
        by_action.setdefault(action, set()).add(sha)
    assert {a: len(s) for a, s in by_action.items() if len(s) > 1} == {}


def test_every_workflow_installs_a_pinned_release_with_pipx() -> None:
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text())
        assert workflow["env"]["AUDITOR_REPO"] == "https://github.com/OWNER/auditor"
        assert re.fullmatch(r"v\d+\.\d+\.\d+", workflow["env"]["AUDITOR_REF"])
        installs = [
            s["run"] for p, s in _all_steps() if p == path and "Install" in s.get("name", "")
        ]
        assert installs, path.name
        for run in installs:
            assert (
                'pipx install --python "$(command -v python)" "git+${AUDITOR_REPO}@${AUDITOR_REF}"'
                in run
            )
            assert "pip install aws-auditor" not in run
    # How to pin by commit is said where the tag is set.
    header = (EXAMPLES / "github-actions" / "scheduled-scan.yml").read_text()
    assert "git rev-parse v0.2.0^{commit}" in header


def test_scheduled_scan_runs_nightly_with_oidc_and_the_permissions_it_needs() -> None:
    workflow = _workflow("scheduled-scan.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert re.fullmatch(r"\d+ \d+ \* \* \*", triggers["schedule"][0]["cron"])
    assert workflow["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "security-events": "write",
        "actions": "read",
    }
    for path, step in _all_steps():
        assert "aws-access-key-id" not in step.get("with", {}), path.name
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials"):
            assert "role-to-assume" in step["with"]


def test_scheduled_scan_first_run_is_green_and_the_gates_fail_the_job() -> None:
    scan = _step("scheduled-scan.yml", "Scan")["run"]
    assert "--baseline previous/auditor-report.json --baseline-missing ok" in scan
    assert "--fail-on-new high" in scan
    assert "--fail-on-expired-mutes" in scan
    assert "--allow-incomplete" not in scan  # an incomplete scan exits 3 and fails the job
    assert "sarif" in scan and "markdown" in scan
    gate = _step(
        "scheduled-scan.yml", "Fail on new high findings, expired mutes or an incomplete scan"
    )
    assert gate["if"] == "always()"
    arms = dict(re.findall(r"^\s*(\S+)\) (.*)$", gate["run"], re.MULTILINE))
    assert set(arms) == {"0", "1", "3", "*"}
    assert "exit 1" not in arms["0"]
    for code in ("1", "3", "*"):
        assert arms[code].startswith('echo "::error::') and arms[code].endswith("exit 1 ;;")
    for path in WORKFLOWS:
        assert "::warning::The scan was incomplete" not in path.read_text(), path.name


def test_scheduled_scan_keeps_a_durable_baseline_in_s3_besides_the_artifact() -> None:
    workflow = _workflow("scheduled-scan.yml")
    assert workflow["env"]["BASELINE_URI"] == "${{ vars.AUDITOR_BASELINE_URI }}"
    restore = _step("scheduled-scan.yml", "Restore the previous result as the baseline")["run"]
    assert 'aws s3 cp "$BASELINE_URI" previous/auditor-report.json' in restore
    assert 'grep -q "(404)"' in restore  # only "absent" starts over; "denied" stops the job
    assert "gh run download" in restore and "--name auditor-result" in restore
    keep = _step("scheduled-scan.yml", "Keep the result in S3 as the next baseline")
    assert keep["run"] == 'aws s3 cp out/auditor-report.json "$BASELINE_URI"'
    assert "env.BASELINE_URI != ''" in keep["if"]
    artifact = _step("scheduled-scan.yml", "Keep the result as the next baseline")
    assert artifact["with"]["path"] == "out/auditor-report.json"
    assert artifact["if"].startswith("always()")


def test_the_digest_goes_to_the_job_summary_and_sarif_upload_can_be_turned_off() -> None:
    for name in ("scheduled-scan.yml", "accounts-matrix.yml", "nightly-history.yml"):
        summary = _step(name, "Digest to the job summary")
        assert 'cat out/auditor-report.md >> "$GITHUB_STEP_SUMMARY"' in summary["run"]
        assert summary["if"] == "always() && hashFiles('out/auditor-report.md') != ''"
    for path, step in _all_steps():
        if "upload-sarif" in step.get("uses", ""):
            assert "vars.AUDITOR_UPLOAD_SARIF != 'false'" in step["if"], path.name
    header = (EXAMPLES / "github-actions" / "scheduled-scan.yml").read_text()
    assert "private or internal repository, code scanning\n#   needs GitHub Code Security" in header


def test_accounts_matrix_scans_each_account_with_its_own_role_and_baseline() -> None:
    workflow = _workflow("accounts-matrix.yml")
    job = workflow["jobs"]["scan"]
    assert job["strategy"]["fail-fast"] is False
    accounts = job["strategy"]["matrix"]["include"]
    assert len(accounts) >= 2
    assert len({a["role"].split(":")[4] for a in accounts}) == len(accounts)
    assert "--org" not in _step("accounts-matrix.yml", "Scan")["run"]
    aws = next(s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert aws["with"]["role-to-assume"] == "${{ matrix.role }}"
    sarif = next(s for s in job["steps"] if "upload-sarif" in s.get("uses", ""))
    assert sarif["with"]["category"].startswith("aws-auditor-${{ matrix.name }}")
    artifact = _step("accounts-matrix.yml", "Keep the result as the next baseline")
    assert artifact["with"]["name"] == "auditor-result-${{ matrix.name }}"
    assert "matrix.name" in job["env"]["BASELINE_URI"]


def test_trust_policy_admits_only_sts_tokens_of_the_main_branch() -> None:
    policy = json.loads((IAM / "github-oidc-trust-policy.json").read_text())
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"
    }
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/main",
        }
    }


def test_baseline_policy_reads_and_writes_only_the_baseline_objects() -> None:
    policy = json.loads((IAM / "baseline-object-policy.json").read_text())
    grants = {
        (
            tuple(sorted([s["Action"]] if isinstance(s["Action"], str) else s["Action"])),
            s["Resource"],
        )
        for s in policy["Statement"]
    }
    assert grants == {
        (("s3:GetObject", "s3:PutObject"), "arn:aws:s3:::BUCKET/auditor/*"),
        (("s3:ListBucket",), "arn:aws:s3:::BUCKET"),
    }
    assert {s["Effect"] for s in policy["Statement"]} == {"Allow"}
    assert "*" not in json.dumps([s["Action"] for s in policy["Statement"]])


def test_terraform_role_says_what_the_json_says() -> None:
    tf = (IAM / "github-oidc-role.tf").read_text()
    assert tf.count("{") == tf.count("}")
    assert 'actions = ["sts:AssumeRoleWithWebIdentity"]' in tf
    assert re.search(
        r'variable = "\$\{local.issuer\}:aud"\s+values\s+= \["sts.amazonaws.com"\]', tf
    )
    assert re.search(
        r'variable = "\$\{local.issuer\}:sub"\s+values\s+= '
        r'\["repo:\$\{var.github_repository\}:ref:refs/heads/\$\{var.branch\}"\]',
        tf,
    )
    assert 'issuer = "token.actions.githubusercontent.com"' in tf
    assert 'default     = "main"' in tf
    assert 'policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"' in tf
    assert 'actions   = ["s3:GetObject", "s3:PutObject"]' in tf
    assert 'resources = ["arn:aws:s3:::${var.baseline_bucket}/auditor/*"]' in tf
    assert 'actions   = ["s3:ListBucket"]' in tf


def _invocations(run: str) -> list[tuple[str, str]]:
    """Each `auditor COMMAND …` in a script, with its continuation lines."""
    found = []
    lines = run.splitlines()
    for n, line in enumerate(lines):
        match = re.search(r"\bauditor (\w+)", line)
        if match is None or "::" in line:
            continue
        text = line[match.start() :]
        while text.endswith("\\") and n + 1 < len(lines):
            n += 1
            text += lines[n]
        found.append((match.group(1), text))
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_auditor_option_in_the_workflows_exists(path: Path) -> None:
    calls = [
        call
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
        for call in _invocations(step.get("run", ""))
    ]
    assert any(command in ("scan", "merge") for command, _ in calls), calls
    for command, text in calls:
        help_text = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
        used = set(OPTION.findall(text))
        assert used <= set(OPTION.findall(help_text)), (command, used)
