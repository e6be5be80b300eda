"""The sample account's identity estate, seeded into moto and judged by the IAM checks: each
check shows a PASS and a FAIL, except where moto (or a single account) cannot hold both."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import boto3

from auditor.demo.estate import _seed_iam
from auditor.demo.identity import seed_identity
from auditor.demo.security import seed_security
from auditor.engine import Evaluation
from auditor.models import Snapshot
from auditor.registry import load_checks

from .conftest import ACCOUNT, collect_scopes


def test_identity_estate_shows_pass_and_fail_where_moto_allows(
    aws: boto3.session.Session,
) -> None:
    def client(service: str, region: str) -> Any:
        return aws.client(service, region_name=region)

    _seed_iam(client("iam", "us-east-1"), ACCOUNT)
    seed_identity(client)
    seed_security(client, ACCOUNT)
    checks = load_checks(["iam"])
    datasets = {d for c in checks.values() for d in c.metadata.datasets}
    scopes = collect_scopes(aws, datasets, regions=("us-east-1",))
    snapshot = Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 6, 1, tzinfo=UTC),
        accounts=[ACCOUNT],
        regions=["us-east-1"],
        scopes=list(scopes.values()),
    )

    statuses: dict[str, set[str]] = defaultdict(set)
    failing: dict[str, set[str]] = defaultdict(set)
    for finding in Evaluation(snapshot, list(checks.values())).findings:
        statuses[finding.check_id].add(finding.status.value)
        if finding.status.value == "FAIL":
            failing[finding.check_id].add(finding.resource.id)

    both = {"PASS", "FAIL"}
    assert statuses == {
        "iam_policy_no_full_admin": both,
        "iam_policy_no_service_wildcard": both,
        "iam_policy_no_privilege_escalation": both,
        "iam_principal_no_aws_managed_admin": both,
        "iam_principal_no_privilege_escalation": both,
        "iam_role_service_trust_names_source": both,
        "iam_role_trust_policy_restricted": both,
        "iam_user_console_mfa": both,
        "iam_user_no_direct_policies": both,
        "iam_user_no_long_lived_access_keys": both,
        # The rest show their other side through auditor/demo/organization.py (a member
        # account, backdated keys); identity.py alone cannot: one root user per account, and
        # moto always reports AccountMFAEnabled 0 and AccountAccessKeysPresent 0.
        "iam_root_mfa_enabled": {"FAIL"},
        "iam_root_hardware_mfa": {"FAIL"},
        "iam_root_no_access_keys": {"PASS"},
        # moto cannot backdate keys or passwords (and dates its report 2015-02-02).
        "iam_user_access_keys_rotated": {"PASS"},
        "iam_user_unused_credentials": {"PASS"},
        # One password policy per account, and this account's meets both bars; the sandbox
        # member, which has none, shows their FAIL.
        "iam_password_policy_min_length": {"PASS"},
        "iam_password_policy_reuse_prevention": {"PASS"},
    }
    assert failing["iam_role_trust_policy_restricted"] == {"partner-analytics-reader"}
    assert failing["iam_user_console_mfa"] == {"jun.support"}
    assert failing["iam_user_no_long_lived_access_keys"] == {"mina.editor"}
    assert "lesson-release" in failing["iam_policy_no_privilege_escalation"]
    assert failing["iam_principal_no_aws_managed_admin"] == {"break-glass-admin"}
    assert "lesson-deployer" in failing["iam_role_service_trust_names_source"]
    assert "config-recorder" not in failing["iam_role_service_trust_names_source"]
    # Its two policies each pass iam_policy_no_privilege_escalation; together they escalate.
    assert "lesson-deployer" in failing["iam_principal_no_privilege_escalation"]
    assert (
        not {"pass-lesson-roles", "lesson-deployer/deploy-functions"}
        & failing["iam_policy_no_privilege_escalation"]
    )
