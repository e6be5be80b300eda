"""`auditor policy`: the IAM policy of a selection, generated from the collectors' declarations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.collectors.base import Collector, Operation
from auditor.datasets import RDS_DB_INSTANCES
from auditor.policy import policy_document, render_text, requirements
from auditor.registry import load_checks, load_collectors

from ..e2e.conftest import run_auditor

CHECKS = load_checks()
COLLECTORS = load_collectors()
# Read-only: Describe/List/Get, API Gateway's HTTP-verb action for reads, and the documented
# exceptions (the credential report is generated before it is read; --org assumes a role).
READ_ONLY = re.compile(r"^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$")
EXCEPTIONS = {"apigateway:GET", "iam:GenerateCredentialReport", "sts:AssumeRole"}


def _actions(document: dict[str, object]) -> list[str]:
    [statement] = document["Statement"]  # type: ignore[misc]
    actions: list[str] = statement["Action"]
    return actions


def test_every_declared_permission_of_the_selected_checks_is_in_the_policy() -> None:
    document = policy_document(requirements(CHECKS.values(), COLLECTORS))
    actions = _actions(document)
    declared = {
        op.permission
        for check in CHECKS.values()
        for dataset in check.metadata.datasets
        for op in COLLECTORS[dataset].operations
    }
    assert set(actions) == declared | {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    assert actions == sorted(actions, key=lambda a: (a.lower(), a))
    assert len(actions) == len(set(actions))
    assert document["Version"] == "2012-10-17"


def test_every_action_is_read_only() -> None:
    for requirement in requirements(CHECKS.values(), COLLECTORS, org=True):
        action = requirement.action
        assert READ_ONLY.match(action) or action in EXCEPTIONS, action


def test_a_selection_needs_only_its_datasets_actions() -> None:
    rds = [c for c in CHECKS.values() if c.id == "rds_instance_multi_az"]
    required = requirements(rds, COLLECTORS, discover_regions=False)
    assert [r.action for r in required] == ["rds:DescribeDBInstances", "sts:GetCallerIdentity"]
    [instances, identity] = required
    assert instances.checks == ("rds_instance_multi_az",)
    assert instances.operations == ("rds:DescribeDBInstances",)
    assert identity.checks == ("(every scan)",)


def test_org_adds_list_accounts_and_assume_role() -> None:
    rds = [CHECKS["rds_instance_multi_az"]]
    plain = {r.action for r in requirements(rds, COLLECTORS)}
    org = {r.action for r in requirements(rds, COLLECTORS, org=True)}
    assert org - plain == {"organizations:ListAccounts", "sts:AssumeRole"}


def test_a_plugin_collector_permission_is_included() -> None:
    plugin = Collector(
        dataset=RDS_DB_INSTANCES,
        operations=(
            Operation("rds", "DescribeDBInstances", "rds:DescribeDBInstances"),
            Operation("rds", "DescribeDBLogFiles", "rds:DescribeDBLogFiles"),
        ),
        collect=lambda ctx: [],
    )
    required = requirements(
        [CHECKS["rds_instance_multi_az"]], {RDS_DB_INSTANCES.name: plugin}, discover_regions=False
    )
    assert "rds:DescribeDBLogFiles" in {r.action for r in required}


def test_text_lists_each_action_with_its_checks() -> None:
    text = render_text(requirements([CHECKS["rds_instance_multi_az"]], COLLECTORS))
    assert text.splitlines() == [
        "ec2:DescribeRegions      (scan without --region)",
        "rds:DescribeDBInstances  rds_instance_multi_az",
        "sts:GetCallerIdentity    (every scan)",
    ]


@pytest.mark.e2e
def test_policy_command_prints_the_selection_policy(tmp_path: Path) -> None:
    result = run_auditor(tmp_path, "policy", "--service", "dynamodb", "--region", "us-east-1")
    assert result.code == 0, result.stderr
    actions = _actions(json.loads(result.stdout))
    assert "dynamodb:DescribeTimeToLive" in actions
    assert "ec2:DescribeRegions" not in actions  # the scan names its regions
    assert not any(a.startswith(("rds:", "s3:")) for a in actions)
    again = run_auditor(tmp_path, "policy", "--service", "dynamodb", "--region", "us-east-1")
    assert again.stdout == result.stdout  # deterministic

    everything = run_auditor(tmp_path, "policy")
    assert "ec2:DescribeRegions" in _actions(json.loads(everything.stdout))


@pytest.mark.e2e
def test_policy_follows_the_config_file_and_rejects_bad_selection(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text('checks = ["sqs_*"]\nregions = ["eu-west-1"]\n')
    result = run_auditor(tmp_path, "policy", "--config", str(config), "--format", "text")
    assert result.code == 0, result.stderr
    assert {line.split()[0] for line in result.stdout.splitlines()} == {
        r.action
        for r in requirements(
            [c for c in CHECKS.values() if c.id.startswith("sqs_")],
            COLLECTORS,
            discover_regions=False,
        )
    }

    for args, message in (
        (["--check", "no_such_check"], "unknown check 'no_such_check'"),
        (["--region", "us-mars-1"], "unknown region 'us-mars-1'"),
    ):
        bad = run_auditor(tmp_path, "policy", *args)
        assert bad.code == 2
        assert message in bad.stderr
        assert "Traceback" not in bad.stderr


def test_security_audit_grants_every_action_but_the_sts_ones() -> None:
    """AWS's managed SecurityAudit policy (moto's bundled copy of it) allows every action the
    full policy names except STS's: GetCallerIdentity needs no permission on AWS, and AssumeRole
    (--org only) is granted to the member role's callers separately."""
    from fnmatch import fnmatchcase

    from moto.iam.aws_managed_policies import aws_managed_policies_data

    document = json.loads(aws_managed_policies_data)["SecurityAudit"]["Document"]
    allowed = [
        action
        for statement in document["Statement"]
        if statement["Effect"] == "Allow"
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    ]
    ours = [r.action for r in requirements(CHECKS.values(), COLLECTORS, org=True)]
    missing = [
        action
        for action in ours
        if not any(fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed)
    ]
    assert missing == ["sts:AssumeRole", "sts:GetCallerIdentity"]


def test_the_full_policy_fits_a_managed_policy() -> None:
    # A customer managed policy may hold 6,144 characters (whitespace aside); the README says
    # the printed policy is attached as one.
    document = policy_document(requirements(CHECKS.values(), COLLECTORS, org=True))
    assert len(json.dumps(document, separators=(",", ":"))) <= 6144
