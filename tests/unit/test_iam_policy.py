"""checks.iam_policy: reading hostile or malformed policy documents, and the wildcard semantics."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from checks.iam_policy import (
    PolicyDocument,
    covers_every_action,
    covers_every_resource,
    covers_whole_service,
    full_admin_grants,
    parse_policy,
    service_wildcard_grants,
)

ADMIN_STATEMENT = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def _doc(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# --- Reading the document -----------------------------------------------------------------------


def test_dict_document_is_read() -> None:
    document = parse_policy(_doc(ADMIN_STATEMENT))

    assert document.error is None
    [statement] = document.statements
    assert (statement.allows, statement.actions, statement.resources) == (True, ("*",), ("*",))
    assert statement.not_actions is None
    assert statement.not_resources is None


@pytest.mark.parametrize(
    "encode",
    [
        json.dumps,
        lambda doc: urllib.parse.quote(json.dumps(doc)),
        lambda doc: json.dumps(json.dumps(doc)),  # JSON text stored as a JSON string
    ],
    ids=["json-text", "url-encoded", "json-in-json"],
)
def test_encoded_documents_are_decoded(encode: Any) -> None:
    document = parse_policy(encode(_doc(ADMIN_STATEMENT)))

    assert document.error is None
    assert len(document.statements) == 1


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("{not json", "the document is not valid JSON"),
        ("", "the document is not valid JSON"),
        (None, "the document is a JSON null, not an object"),
        ([ADMIN_STATEMENT], "the document is a JSON array, not an object"),
        ('"just a string"', "the document is not valid JSON"),
        (42, "the document is a JSON number, not an object"),
        ({"Version": "2012-10-17"}, "the document has no Statement"),
        (
            {"Statement": "Allow everything"},
            "its Statement is a JSON string, not an object or a list",
        ),
        ("[" * 100_000, "the document is not valid JSON"),
    ],
    ids=[
        "not-json",
        "empty",
        "null",
        "array",
        "json-string",
        "number",
        "no-statement",
        "statement-string",
        "deeply-nested",
    ],
)
def test_unreadable_documents_say_why_and_grant_nothing(raw: Any, error: str) -> None:
    document = parse_policy(raw)

    assert document == PolicyDocument(error=error)


def test_single_statement_object_is_read() -> None:
    document = parse_policy({"Statement": ADMIN_STATEMENT})

    assert [s.index for s in document.statements] == [0]


def test_effect_and_element_names_are_case_insensitive() -> None:
    document = parse_policy({"statement": [{"effect": "ALLOW", "action": "s3:*", "resource": "*"}]})

    [statement] = document.statements
    assert statement.allows
    assert statement.actions == ("s3:*",)


def test_statement_that_is_not_an_object_is_skipped_and_named() -> None:
    document = parse_policy(_doc("Allow *", ADMIN_STATEMENT))

    assert [s.index for s in document.statements] == [1]
    assert document.unreadable == ("Statement[0] is a JSON string, not an object; skipped",)


@pytest.mark.parametrize(
    ("effect", "shown"),
    [(None, "null"), ("Permit", '"Permit"'), (["Allow"], '["Allow"]'), ("x" * 200, '"xxxx')],
)
def test_statement_without_a_readable_effect_is_skipped(effect: Any, shown: str) -> None:
    statement = {"Action": "*", "Resource": "*"}
    if effect is not None:
        statement["Effect"] = effect

    document = parse_policy(_doc(statement))

    assert document.statements == ()
    [problem] = document.unreadable
    assert problem.startswith(f"Statement[0] has no Allow or Deny Effect ({shown}")
    assert len(problem) < 120  # attacker-written values are cut short


def test_non_string_action_entries_are_reported_and_the_rest_kept() -> None:
    document = parse_policy(_doc({"Effect": "Allow", "Action": ["s3:*", 7, None], "Resource": "*"}))

    [statement] = document.statements
    assert statement.actions == ("s3:*",)
    assert document.unreadable == ("Statement[0].Action has 2 non-string entries",)


def test_action_of_the_wrong_type_is_reported() -> None:
    document = parse_policy(_doc({"Effect": "Allow", "Action": {"s3": "*"}, "Resource": "*"}))

    [statement] = document.statements
    assert statement.actions == ()
    assert document.unreadable == ("Statement[0].Action is a JSON object, not a string or list",)


def test_missing_and_doubled_elements_are_reported() -> None:
    document = parse_policy(
        _doc({"Effect": "Allow", "Action": "*", "NotAction": "iam:*"}, {"Effect": "Deny"})
    )

    assert document.unreadable == (
        "Statement[0] has both Action and NotAction",
        "Statement[0] has neither Resource nor NotResource",
        "Statement[1] has neither Action nor NotAction",
        "Statement[1] has neither Resource nor NotResource",
    )


def test_sid_and_condition_are_kept() -> None:
    document = parse_policy(
        _doc(
            {
                **ADMIN_STATEMENT,
                "Sid": "Admin",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        )
    )

    [statement] = document.statements
    assert (statement.sid, statement.conditional) == ("Admin", True)


def test_non_string_sid_and_empty_condition_are_ignored() -> None:
    document = parse_policy(_doc({**ADMIN_STATEMENT, "Sid": 12, "Condition": {}}))

    [statement] = document.statements
    assert (statement.sid, statement.conditional) == (None, False)


# --- Wildcard semantics -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("*", True),
        ("**", True),
        ("*:*", True),
        ("*:**", True),
        ("?*", True),
        ("*:?*", True),
        ("s3:*", False),
        ("*:Get*", False),
        ("*:", False),
        (":*", False),
        ("??*:*", False),
        ("", False),
    ],
)
def test_covers_every_action(action: str, expected: bool) -> None:
    assert covers_every_action(action) is expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("s3:*", True),
        ("S3:*", True),
        ("dynamodb:**", True),
        ("i*:*", True),
        ("*", True),
        ("*:*", True),
        ("s3:Get*", False),
        ("s3:*Object", False),
        ("s3:GetObject", False),
        (":*", False),
        ("s3", False),
    ],
)
def test_covers_whole_service(action: str, expected: bool) -> None:
    assert covers_whole_service(action) is expected


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("*", True),
        ("arn:aws:*", True),
        ("arn:aws:*:*:*:*", True),
        ("arn:*:*", True),
        ("arn:aws:s3:::*", False),
        ("arn:aws:s3:::reports/*", False),
        ("arn::*", False),
        ("arn:aws:iam::123456789012:*", False),
    ],
)
def test_covers_every_resource(resource: str, expected: bool) -> None:
    assert covers_every_resource(resource) is expected


# --- Grants ------------------------------------------------------------------------------------


def test_full_admin_grant_names_the_deciding_entries() -> None:
    statement = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "*:*"],
        "Resource": ["arn:aws:s3:::a", "*"],
    }

    [grant] = full_admin_grants(parse_policy(_doc(statement)))

    assert grant.evidence() == {
        "statement": 0,
        "actions": ["*:*"],
        "resources": ["*"],
        "conditional": False,
    }
    assert grant.describe() == "statement 0"


@pytest.mark.parametrize(
    ("statement", "is_admin"),
    [
        (ADMIN_STATEMENT, True),
        ({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::logs/*"}, True),
        ({"Effect": "Allow", "Action": "*", "NotResource": []}, True),
        ({"Effect": "Allow", "Action": "*", "NotResource": "*"}, False),
        ({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::logs/*"}, False),
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, False),
        ({"Effect": "Deny", "Action": "*", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "*"}, False),  # no resource at all: grants nothing
    ],
    ids=[
        "star-on-star",
        "not-resource",
        "empty-not-resource",
        "not-resource-star",
        "one-bucket",
        "not-action",
        "deny",
        "no-resource",
    ],
)
def test_full_admin_reading(statement: dict[str, Any], is_admin: bool) -> None:
    assert bool(full_admin_grants(parse_policy(_doc(statement)))) is is_admin


def test_not_resource_grant_carries_the_exclusions() -> None:
    statement = {"Effect": "Allow", "Action": "*", "NotResource": ["arn:aws:s3:::logs/*"]}

    [grant] = full_admin_grants(parse_policy(_doc(statement)))

    assert grant.evidence()["not_resources"] == ["arn:aws:s3:::logs/*"]
    assert "resources" not in grant.evidence()


@pytest.mark.parametrize(
    ("statement", "evidence"),
    [
        (
            {"Effect": "Allow", "Action": ["s3:GetObject", "sqs:*"], "Resource": "*"},
            {"actions": ["sqs:*"]},
        ),
        (
            {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"},
            {"not_actions": ["iam:*"]},
        ),
        ({"Effect": "Allow", "NotAction": [], "Resource": "*"}, {"not_actions": []}),
        ({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::a"}, {"actions": ["*"]}),
    ],
    ids=["service-star", "not-action", "empty-not-action", "everything-on-one-resource"],
)
def test_service_wildcard_grants(statement: dict[str, Any], evidence: dict[str, Any]) -> None:
    [grant] = service_wildcard_grants(parse_policy(_doc({**statement, "Sid": "S"})))

    assert grant.evidence() == {"statement": 0, "sid": "S", **evidence, "conditional": False}
    assert grant.describe() == "statement 0 (S)"


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": ["s3:Get*", "ec2:Describe*"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"},
    ],
    ids=["prefix-wildcards", "not-action-star", "deny", "deny-not-action"],
)
def test_no_service_wildcard_grant(statement: dict[str, Any]) -> None:
    assert service_wildcard_grants(parse_policy(_doc(statement))) == []


_ALLOW_SQS = {"Effect": "Allow", "Action": ["sqs:*", "sns:*"], "Resource": "*"}


@pytest.mark.parametrize(
    ("deny", "left"),
    [
        ({"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}, ["sns:*"]),
        ({"Effect": "Deny", "Action": ["SQS:*", "sns:*"], "Resource": "*"}, None),
        ({"Effect": "Deny", "Action": "*", "Resource": "*"}, None),
        ({"Effect": "Deny", "Action": "sqs:Send*", "Resource": "*"}, ["sqs:*", "sns:*"]),
        (
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "arn:aws:sqs:*:*:one"},
            ["sqs:*", "sns:*"],
        ),
        (
            {
                "Effect": "Deny",
                "Action": "sqs:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
            },
            ["sqs:*", "sns:*"],
        ),
        ({"Effect": "Deny", "NotAction": "sqs:*", "Resource": "*"}, ["sqs:*", "sns:*"]),
    ],
    ids=[
        "deny-one-service",
        "deny-both-any-case",
        "deny-everything",
        "deny-part-of-service",
        "deny-one-resource",
        "conditional-deny",
        "deny-not-action",
    ],
)
def test_a_deny_of_the_same_actions_takes_the_service_wildcard_back(
    deny: dict[str, Any], left: list[str] | None
) -> None:
    grants = service_wildcard_grants(parse_policy(_doc(_ALLOW_SQS, deny)))

    assert [list(g.actions) for g in grants] == ([left] if left else [])


def test_a_deny_on_the_same_resources_takes_the_service_wildcard_back() -> None:
    queue = "arn:aws:sqs:us-east-1:123456789012:orders"
    allow = {"Effect": "Allow", "Action": "sqs:*", "Resource": [queue]}
    deny = {"Effect": "Deny", "Action": "sqs:*", "Resource": [queue, "arn:aws:sqs:*:*:other"]}

    assert service_wildcard_grants(parse_policy(_doc(allow, deny))) == []


def test_not_action_allow_is_taken_back_only_by_a_deny_of_every_action() -> None:
    allow = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    partial_deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    total_deny = {"Effect": "Deny", "Action": "*:*", "Resource": "*"}

    assert len(service_wildcard_grants(parse_policy(_doc(allow, partial_deny)))) == 1
    assert service_wildcard_grants(parse_policy(_doc(allow, total_deny))) == []


def test_grant_evidence_is_json() -> None:
    statement = {**ADMIN_STATEMENT, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    grants = full_admin_grants(parse_policy(_doc(statement)))

    assert json.loads(json.dumps([g.evidence() for g in grants]))[0]["conditional"] is True
