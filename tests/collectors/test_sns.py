"""The SNS collector against moto: each topic's KMS key and access policy; a topic deleted
mid-scan is skipped, a denied attribute read errors only that topic."""

from __future__ import annotations

import json

import boto3

from auditor.models import CollectionError, SNSTopic

from .conftest import ACCOUNT, FaultyPool, collect_scopes

US = ("us-east-1",)


def _topics(value: object) -> dict[str, SNSTopic]:
    assert isinstance(value, list)
    return {t.name: t for t in value}


def test_topics_keep_their_key_and_policy(aws: boto3.session.Session) -> None:
    sns = aws.client("sns", region_name="us-east-1")
    sealed = sns.create_topic(Name="lesson-events", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    opened = sns.create_topic(Name="partner-webhooks")["TopicArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": opened}
        ],
    }
    sns.set_topic_attributes(
        TopicArn=opened, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )

    topics = _topics(collect_scopes(aws, ["sns_topics"], regions=US)["us-east-1"].sns_topics)

    events = topics["lesson-events"]
    assert events.arn == sealed["TopicArn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:lesson-events"
    assert not isinstance(events.attributes, CollectionError)
    assert events.attributes.kms_master_key_id == "alias/aws/sns"
    # moto, like SNS, attaches the default policy: everyone, narrowed to the owning account.
    statement = events.attributes.policy["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}
    webhooks = topics["partner-webhooks"]
    assert not isinstance(webhooks.attributes, CollectionError)
    assert webhooks.attributes.kms_master_key_id is None
    assert webhooks.attributes.policy == policy


def test_topic_deleted_between_list_and_read_is_that_topics_error(
    aws: boto3.session.Session,
) -> None:
    sns = aws.client("sns", region_name="us-east-1")
    sns.create_topic(Name="gone")
    sns.create_topic(Name="kept")
    pool = FaultyPool(
        aws,
        {"GetTopicAttributes": "NotFound"},
        when=lambda region, params: str(params.get("TopicArn", "")).endswith(":gone"),
    )

    scope = collect_scopes(aws, ["sns_topics"], pool=pool, regions=US)["us-east-1"]

    assert list(_topics(scope.sns_topics)) == ["kept"]
    [unread] = scope.unread
    assert unread.id.endswith(":gone")
    assert (unread.error.operation, unread.error.error_code) == ("GetTopicAttributes", "NotFound")
    assert scope.errors == [unread.error]


def test_denied_attribute_read_errors_only_that_topic(aws: boto3.session.Session) -> None:
    sns = aws.client("sns", region_name="us-east-1")
    locked = sns.create_topic(Name="locked")["TopicArn"]
    sns.create_topic(Name="open")
    pool = FaultyPool(
        aws,
        {"GetTopicAttributes": "AuthorizationError"},
        when=lambda region, params: params.get("TopicArn") == locked,
    )

    scope = collect_scopes(aws, ["sns_topics"], pool=pool, regions=US)["us-east-1"]

    topics = _topics(scope.sns_topics)
    error = topics["locked"].attributes
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code, error.resource_id) == (
        "GetTopicAttributes",
        "AuthorizationError",
        locked,
    )
    assert scope.errors == [error]
    assert not isinstance(topics["open"].attributes, CollectionError)


def test_denied_topic_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListTopics": "AuthorizationError"})

    scope = collect_scopes(aws, ["sns_topics"], pool=pool, regions=US)["us-east-1"]

    assert isinstance(scope.sns_topics, CollectionError)
    assert scope.sns_topics.operation == "ListTopics"
