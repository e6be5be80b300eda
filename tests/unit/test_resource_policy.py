"""The resource-based policy reader: principals, conditions that narrow them, broken documents."""

from __future__ import annotations

import json

import pytest

from checks.resource_policy import parse_resource_policy, public_grants, raw_statements


def test_reads_principal_forms_and_case_insensitive_elements() -> None:
    document = {
        "statement": [
            {"effect": "allow", "principal": "*", "action": "sqs:SendMessage", "sid": "Open"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]},
                "Action": ["sqs:ReceiveMessage"],
            },
            {"Effect": "Allow", "Principal": {"Service": "SNS.amazonaws.com"}, "Action": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "*"},
        ]
    }

    parsed = parse_resource_policy(json.dumps(document))

    assert parsed.error is None
    first, second, third, fourth = parsed.allows
    assert (first.everyone, first.sid, first.describe()) == (True, "Open", "statement 0 (Open)")
    assert second.everyone and second.aws_principals == ("arn:aws:iam::111122223333:root",)
    assert third.service_principals == ("sns.amazonaws.com",)
    assert third.allows_action("lambda:InvokeFunction")
    assert fourth.everyone  # every account's root is everyone
    assert [s.index for s in public_grants(parsed)] == [0, 1, 4]


@pytest.mark.parametrize(
    ("condition", "narrows"),
    [
        ({"StringEquals": {"aws:SourceAccount": "123456789012"}}, True),
        ({"ArnEquals": {"AWS:SourceArn": ["arn:aws:sns:eu-west-1:123456789012:t"]}}, True),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, True),
        ({"StringLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, False),
        ({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}, False),
        ({"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}, False),
        ({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, False),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
    ],
)
def test_only_fixed_positive_conditions_on_identity_keys_narrow(
    condition: dict[str, object], narrows: bool
) -> None:
    parsed = parse_resource_policy(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": condition}}
    )

    assert bool(parsed.allows[0].restricted_by()) is narrows
    assert bool(public_grants(parsed)) is not narrows


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ("{oops", "the document is not valid JSON"),
        ([], "the document is not a JSON object"),
        ({"Version": "2012-10-17"}, "the document has no readable Statement"),
        ({"Statement": "Allow"}, "the document has no readable Statement"),
    ],
)
def test_unreadable_documents_say_why(document: object, error: str) -> None:
    assert parse_resource_policy(document).error == error


def test_skipped_statements_are_named_and_the_rest_still_read() -> None:
    parsed = parse_resource_policy(
        {
            "Statement": [
                "junk",
                {"Effect": "Maybe"},
                {"Effect": "Allow", "Principal": "*", "Action": "*"},
            ]
        }
    )

    assert parsed.unreadable == (
        "Statement[0] is not an object; skipped",
        "Statement[1] has no Allow or Deny Effect; skipped",
    )
    assert [s.index for s in public_grants(parsed)] == [2]


def test_raw_statements_keep_deny_statements_and_indices_with_lower_case_elements() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {}}}
    document = {"Statement": [deny, "junk", {"EFFECT": "Allow", "Action": "s3:GetObject"}]}

    assert raw_statements(json.dumps(json.dumps(document))) == (
        [
            (0, {"effect": "Deny", "principal": "*", "action": "s3:*", "condition": {"Bool": {}}}),
            (2, {"effect": "Allow", "action": "s3:GetObject"}),
        ],
        None,
    )
    assert raw_statements({"statement": deny}) == (
        [(0, {"effect": "Deny", "principal": "*", "action": "s3:*", "condition": {"Bool": {}}})],
        None,
    )


@pytest.mark.parametrize("document", ["{not json", "[]", {"Version": "2012-10-17"}])
def test_raw_statements_of_an_unreadable_document_are_none(document: object) -> None:
    error = parse_resource_policy(document).error

    assert error is not None
    assert raw_statements(document) == ([], error)


@pytest.mark.parametrize(
    ("entry", "allowed"),
    [
        ("lambda:InvokeFunction", True),
        ("LAMBDA:invoke*", True),
        ("lambda:?nvokeFunction", True),
        ("*", True),
        ("lambda:Invoke", False),
        # IAM has no character classes: brackets are literal, so this names no real action.
        ("lambda:Invoke[F]unction", False),
    ],
)
def test_allows_action_matches_wildcards_as_iam_does(entry: str, allowed: bool) -> None:
    document = {"Statement": {"Effect": "Allow", "Principal": "*", "Action": entry}}
    [statement] = parse_resource_policy(document).allows

    assert statement.allows_action("lambda:InvokeFunction") is allowed


@pytest.mark.parametrize(
    "principal",
    [
        {"CanonicalUser": "*"},
        {
            "CanonicalUser": [
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                "*",
            ]
        },
        {"AWS": ["*"]},
        ["*"],
    ],
)
def test_wildcard_canonical_user_and_listed_wildcards_are_everyone(principal: object) -> None:
    document = {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "s3:*"}]}

    [grant] = parse_resource_policy(document).allows

    assert grant.everyone
    assert grant.aws_principals == ()
    assert [s.index for s in public_grants(parse_resource_policy(document))] == [0]


def test_named_canonical_user_is_not_everyone() -> None:
    user = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    document = {"Statement": [{"Effect": "Allow", "Principal": {"CanonicalUser": user}}]}

    [grant] = parse_resource_policy(document).allows

    assert not grant.everyone
    assert public_grants(parse_resource_policy(document)) == []


def _statement(action: object, condition: object) -> object:
    return {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": action, "Condition": condition}
        ]
    }


@pytest.mark.parametrize(
    ("action", "condition", "never"),
    [
        ("sns:Publish", {"StringEquals": {"SNS:Endpoint": "a@example.com"}}, ["sns:endpoint"]),
        ("sns:Pub*", {"StringLike": {"sns:Protocol": "email"}}, ["sns:protocol"]),
        ("sns:Subscribe", {"StringEquals": {"sns:Endpoint": "a@example.com"}}, []),
        ("sns:*", {"StringEquals": {"sns:Endpoint": "a@example.com"}}, []),
        # A key that may be absent passes these operators: the statement still grants.
        ("sns:Publish", {"StringNotEquals": {"sns:Endpoint": "a@example.com"}}, []),
        ("sns:Publish", {"StringEqualsIfExists": {"sns:Endpoint": "a@example.com"}}, []),
        ("sns:Publish", {"Null": {"sns:Endpoint": "true"}}, []),
        ("sns:Publish", {"ForAllValues:StringEquals": {"sns:Endpoint": "a"}}, []),
        # Global keys, other services' keys and unknown services are never ruled out.
        ("sns:Publish", {"StringEquals": {"aws:PrincipalTag/team": "ops"}}, []),
        ("sns:Publish", {"StringEquals": {"s3:prefix": "x"}}, []),
        ("newservice:Do", {"StringEquals": {"newservice:Key": "x"}}, []),
        # Tag-style keys named with a placeholder in the data set.
        ("s3:GetObject", {"StringEquals": {"s3:ExistingObjectTag/class": "public"}}, []),
        (
            "s3:GetObject",
            {"StringEquals": {"s3:RequestObjectTag/class": "x"}},
            ["s3:requestobjecttag/class"],
        ),
    ],
)
def test_conditions_an_action_can_never_carry_grant_nothing(
    action: str, condition: object, never: list[str]
) -> None:
    parsed = parse_resource_policy(_statement(action, condition))

    [grant] = parsed.allows
    assert grant.never_matching() == never
    assert (public_grants(parsed) == []) is bool(never)


def test_statement_still_grants_if_one_action_can_carry_the_key() -> None:
    document = _statement(
        ["sns:Publish", "sns:Subscribe"], {"StringEquals": {"sns:Endpoint": "a@example.com"}}
    )

    [grant] = parse_resource_policy(document).allows

    assert grant.never_matching() == []
