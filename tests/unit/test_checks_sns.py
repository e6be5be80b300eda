"""The SNS checks (KMS encryption, public access) on hand-built topics."""

from __future__ import annotations

from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import CollectionError, SNSTopic, TopicAttributes
from checks.sns import sns_topic_encrypted, sns_topic_not_public


def topic(
    name: str, attributes: TopicAttributes | CollectionError | None = None, **fields: Any
) -> SNSTopic:
    return SNSTopic(
        arn=arn(name),
        name=name,
        attributes=attributes if attributes is not None else TopicAttributes(**fields),
    )


def arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def topics(*items: SNSTopic) -> Any:
    return scope_snapshot(sns_topics=list(items))


# What SNS attaches to every new topic: everyone, narrowed to the owning account.
DEFAULT_POLICY = {
    "Version": "2008-10-17",
    "Id": "__default_policy_ID",
    "Statement": [
        {
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:SetTopicAttributes"],
            "Resource": arn("alerts"),
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
        }
    ],
}


# --- sns_topic_encrypted -----------------------------------------------------------------------


def test_topic_with_a_kms_key_passes_and_one_without_fails() -> None:
    verdicts = by_resource(
        run_check(
            sns_topic_encrypted,
            topics(topic("orders", kms_master_key_id="alias/aws/sns"), topic("alerts")),
        )
    )

    assert verdicts["orders"].status is Status.PASS
    assert verdicts["orders"].message == "SNS topic orders is encrypted with KMS key alias/aws/sns."
    assert verdicts["orders"].evidence == {"kms_master_key_id": "alias/aws/sns"}
    assert verdicts["orders"].resource.type == "AWS::SNS::Topic"
    assert verdicts["orders"].resource.arn == arn("orders")
    assert verdicts["alerts"].status is Status.FAIL
    assert verdicts["alerts"].evidence == {"kms_master_key_id": None}


def test_encryption_error_for_a_topic_whose_attributes_cannot_be_read() -> None:
    error = denied("sns", "GetTopicAttributes", arn("locked"))

    verdict = only_verdict(sns_topic_encrypted, topics(topic("locked", error)))

    assert verdict.status is Status.ERROR
    assert verdict.error == error


def test_encryption_error_when_topics_cannot_be_listed() -> None:
    [finding] = engine_findings(
        sns_topic_encrypted, scope_snapshot(sns_topics=dataset_denied("sns", "ListTopics"))
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListTopics"


# --- sns_topic_not_public ----------------------------------------------------------------------


def test_open_topic_fails_and_the_default_or_no_policy_passes() -> None:
    open_policy = {
        "Statement": [
            {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish"}
        ]
    }
    verdicts = by_resource(
        run_check(
            sns_topic_not_public,
            topics(
                topic("open", policy=open_policy),
                topic("alerts", policy=DEFAULT_POLICY),
                topic("none"),
            ),
        )
    )

    assert verdicts["open"].status is Status.FAIL
    assert (
        verdicts["open"].message
        == "SNS topic open is open to everyone through statement 0 (Anyone)."
    )
    assert verdicts["open"].evidence["public_statements"][0]["principal"] == "*"  # type: ignore[index]
    # The default policy's AWS:SourceOwner condition pins it to the account.
    assert verdicts["alerts"].status is Status.PASS
    assert verdicts["alerts"].evidence == {"public_statements": []}
    assert verdicts["none"].status is Status.PASS
    assert verdicts["none"].message == "SNS topic none has no access policy: only its account."
    assert verdicts["none"].evidence == {}


def test_unreadable_topic_policy_fails_and_unreadable_attributes_error() -> None:
    error = denied("sns", "GetTopicAttributes", arn("denied"))
    verdicts = by_resource(
        run_check(
            sns_topic_not_public,
            topics(topic("broken", policy="{oops"), topic("denied", error)),
        )
    )

    assert verdicts["broken"].status is Status.FAIL
    assert verdicts["broken"].evidence == {"unreadable_policy": "the document is not valid JSON"}
    assert verdicts["denied"].status is Status.ERROR
    assert verdicts["denied"].error == error


def test_sns_checks_map_to_their_security_hub_controls() -> None:
    assert sns_topic_encrypted.metadata.compliance == {"fsbp": ["SNS.1"]}
    assert sns_topic_not_public.metadata.compliance == {"fsbp": ["SNS.4"]}


def test_publish_under_a_subscribe_only_condition_key_grants_nothing() -> None:
    # sns:Endpoint exists only on Subscribe requests: this statement never allows Publish.
    never = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sns:Publish",
                "Condition": {"StringEquals": {"SNS:Endpoint": "ops@example.com"}},
            }
        ]
    }
    subscribe = {
        "Statement": [{**never["Statement"][0], "Action": ["sns:Publish", "sns:Subscribe"]}]
    }

    verdicts = by_resource(
        run_check(
            sns_topic_not_public,
            topics(topic("never", policy=never), topic("subscribe", policy=subscribe)),
        )
    )

    assert verdicts["never"].status is Status.PASS
    assert verdicts["never"].evidence == {"public_statements": []}
    # Subscribe can carry sns:Endpoint, and an email address is no caller identity.
    assert verdicts["subscribe"].status is Status.FAIL
