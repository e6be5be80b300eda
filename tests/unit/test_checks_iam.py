"""iam_policy_no_full_admin and iam_policy_no_service_wildcard over customer-managed and inline
policies, on hand-built authorization details."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import (
    ACCOUNT,
    allow,
    by_resource,
    dataset_denied,
    engine_findings,
    global_scope,
    iam_scope,
    managed_policy,
    only_verdict,
    policy,
    principal,
    run_check,
)

from auditor.checkapi import Check
from auditor.engine import Evaluation
from auditor.findings import Status
from auditor.models import Snapshot
from checks.iam import iam_policy_no_full_admin, iam_policy_no_service_wildcard

ADMIN = policy(allow("*", Sid="AllowEverything"))
READ_ONLY = policy(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::reports/*"))

# --- iam_policy_no_full_admin -------------------------------------------------------------------


def test_customer_managed_policy_allowing_everything_fails() -> None:
    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("admins", ADMIN)))

    assert verdict.status is Status.FAIL
    assert verdict.resource.type == "AWS::IAM::ManagedPolicy"
    assert verdict.resource.arn == f"arn:aws:iam::{ACCOUNT}:policy/admins"
    assert verdict.resource.id == "admins"
    assert verdict.region is None  # the scope's: "global"
    assert verdict.message == (
        "Customer-managed policy admins allows every action on every resource in "
        "statement 0 (AllowEverything): Action * on Resource *."
    )
    assert verdict.evidence == {
        "default_version_id": "v3",
        "attachment_count": 1,
        "grants": [
            {
                "statement": 0,
                "sid": "AllowEverything",
                "actions": ["*"],
                "resources": ["*"],
                "conditional": False,
            }
        ],
        "unreadable": [],
    }


def test_least_privilege_policy_passes() -> None:
    verdict = only_verdict(
        iam_policy_no_full_admin, iam_scope(managed_policy("reports", READ_ONLY))
    )

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Customer-managed policy reports allows no statement of every action on every resource."
    )
    assert verdict.evidence["grants"] == []


def test_finding_region_is_global() -> None:
    snapshot = Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 1, 1, tzinfo=UTC),
        accounts=[ACCOUNT],
        regions=["eu-west-1"],
        scopes=[iam_scope(managed_policy("admins", ADMIN))],
    )

    [finding] = Evaluation(snapshot, [iam_policy_no_full_admin]).findings

    assert (finding.region, finding.status, finding.compliance) == (
        "global",
        Status.FAIL,
        {"fsbp": ["IAM.1"], "cis-3.0": ["1.16"], "cis-5.0": ["1.15"]},
    )


def test_single_statement_object_with_action_list_is_read() -> None:
    document = {"Version": "2012-10-17", "Statement": allow(["s3:GetObject", "*:*"])}

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["actions"] == ["*:*"]


def test_policy_document_as_json_text_is_read() -> None:
    verdict = only_verdict(
        iam_policy_no_full_admin, iam_scope(managed_policy("p", json.dumps(ADMIN)))
    )

    assert verdict.status is Status.FAIL


def test_not_resource_grants_everything_but_a_few_resources() -> None:
    document = policy(
        {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::audit-logs/*"}
    )

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["not_resources"] == ["arn:aws:s3:::audit-logs/*"]
    assert "on every resource but NotResource arn:aws:s3:::audit-logs/*" in verdict.message


def test_not_action_is_not_full_admin() -> None:
    document = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS


def test_deny_of_everything_passes() -> None:
    document = policy({"Effect": "Deny", "Action": "*", "Resource": "*"})

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS


def test_condition_does_not_change_the_verdict_but_is_reported() -> None:
    document = policy(allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["conditional"] is True


def test_inline_policies_of_users_groups_and_roles_are_judged() -> None:
    snapshot = iam_scope(
        principals=[
            principal("user", "alice", breakglass=ADMIN),
            principal("group", "readers", read=READ_ONLY),
            principal("role", "deployer", everything=ADMIN),
        ]
    )

    verdicts = by_resource(run_check(iam_policy_no_full_admin, snapshot))

    assert {(rid, v.resource.type, v.status) for rid, v in verdicts.items()} == {
        ("alice/breakglass", "AWS::IAM::UserPolicy", Status.FAIL),
        ("readers/read", "AWS::IAM::GroupPolicy", Status.PASS),
        ("deployer/everything", "AWS::IAM::RolePolicy", Status.FAIL),
    }
    assert verdicts["deployer/everything"].resource.arn == f"arn:aws:iam::{ACCOUNT}:role/deployer"
    assert verdicts["deployer/everything"].message.startswith(
        "Inline policy everything of role deployer allows every action on every resource"
    )


def test_managed_policy_is_judged_on_its_default_version_document() -> None:
    # The collector keeps only the default version; an older admin version is not judged.
    scoped = managed_policy("was-admin", READ_ONLY)

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(scoped))

    assert verdict.status is Status.PASS
    assert verdict.evidence["default_version_id"] == "v3"


def test_document_that_is_not_json_fails_as_unreadable() -> None:
    verdict = only_verdict(
        iam_policy_no_full_admin, iam_scope(managed_policy("garbled", "{not json"))
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "Customer-managed policy garbled could not be read as a policy document (the document "
        "is not valid JSON), so it cannot be shown to be safe."
    )
    assert verdict.evidence["unreadable"] == ["the document is not valid JSON"]


def test_unreadable_statement_is_skipped_visibly_and_the_rest_judged() -> None:
    document = policy("not a statement", {"Effect": "Alow", "Action": "*"}, allow("*"))

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["statement"] == 2
    assert verdict.evidence["unreadable"] == [
        "Statement[0] is a JSON string, not an object; skipped",
        'Statement[1] has no Allow or Deny Effect ("Alow"); skipped',
    ]
    assert "(2 unreadable part(s) skipped)" in verdict.message


def test_pass_with_skipped_parts_says_so() -> None:
    document = policy(READ_ONLY["Statement"][0], 42)

    verdict = only_verdict(iam_policy_no_full_admin, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS
    assert verdict.message.endswith("(1 unreadable part(s) skipped).")


# --- iam_policy_no_service_wildcard -------------------------------------------------------------


def test_service_wildcard_fails_naming_the_actions_in_any_case() -> None:
    document = policy(allow(["S3:*", "ec2:Describe*", "dynamodb:*"], Sid="Broad"))

    verdict = only_verdict(
        iam_policy_no_service_wildcard, iam_scope(managed_policy("broad", document))
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "Customer-managed policy broad allows every action of a service in statement 0 (Broad): "
        "S3:*, dynamodb:*."
    )
    assert verdict.evidence["grants"] == [
        {"statement": 0, "sid": "Broad", "actions": ["S3:*", "dynamodb:*"], "conditional": False}
    ]


def test_specific_and_prefix_wildcard_actions_pass() -> None:
    document = policy(allow(["s3:GetObject", "ec2:Describe*"]))

    verdict = only_verdict(iam_policy_no_service_wildcard, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Customer-managed policy p allows no service-wide wildcard or NotAction."
    )


def test_service_wildcard_taken_back_by_a_deny_in_the_same_document_passes() -> None:
    deny = {"Effect": "Deny", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"}
    document = policy(allow(["s3:*", "dynamodb:*", "sqs:SendMessage"]), deny)

    verdict = only_verdict(iam_policy_no_service_wildcard, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Customer-managed policy p allows no service-wide wildcard or NotAction."
    )


def test_full_admin_is_also_a_service_wildcard() -> None:
    verdict = only_verdict(iam_policy_no_service_wildcard, iam_scope(managed_policy("p", ADMIN)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["actions"] == ["*"]


def test_not_action_grants_every_other_service_in_full() -> None:
    document = policy(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )

    verdict = only_verdict(iam_policy_no_service_wildcard, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["grants"][0]["not_actions"] == ["iam:*", "organizations:*"]
    assert "every action but NotAction iam:*, organizations:*" in verdict.message


def test_deny_of_a_service_wildcard_passes() -> None:
    document = policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}, allow("s3:GetObject"))

    verdict = only_verdict(iam_policy_no_service_wildcard, iam_scope(managed_policy("p", document)))

    assert verdict.status is Status.PASS


@pytest.mark.parametrize("kind", ["user", "group", "role"])
def test_service_wildcard_in_an_inline_policy_fails(kind: str) -> None:
    snapshot = iam_scope(principals=[principal(kind, "ops", storage=policy(allow("s3:*")))])

    verdict = only_verdict(iam_policy_no_service_wildcard, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.resource.id == "ops/storage"
    assert verdict.resource.type == f"AWS::IAM::{kind.capitalize()}Policy"


def test_every_policy_gets_its_own_finding() -> None:
    snapshot = iam_scope(
        managed_policy("broad", policy(allow("s3:*"))),
        managed_policy("narrow", READ_ONLY),
        principals=[principal("role", "app", a=READ_ONLY, b=policy(allow("sqs:*")))],
    )

    verdicts = by_resource(run_check(iam_policy_no_service_wildcard, snapshot))

    assert {rid: v.status for rid, v in verdicts.items()} == {
        "broad": Status.FAIL,
        "narrow": Status.PASS,
        "app/a": Status.PASS,
        "app/b": Status.FAIL,
    }


@pytest.mark.parametrize("check", [iam_policy_no_full_admin, iam_policy_no_service_wildcard])
def test_policy_checks_are_an_error_when_the_authorization_details_are_denied(
    check: Check,
) -> None:
    error = dataset_denied("iam", "GetAccountAuthorizationDetails", region="global")

    [finding] = engine_findings(check, global_scope(iam_authorization_details=error))

    assert finding.status is Status.ERROR
    assert finding.evidence == {
        "operation": "GetAccountAuthorizationDetails",
        "error_code": "AccessDenied",
    }
