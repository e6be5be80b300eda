"""The SQS collector against moto: encryption, policy and redrive of each queue; a queue deleted
mid-scan is skipped, a denied attribute read errors only that queue."""

from __future__ import annotations

import json

import boto3

from auditor.models import CollectionError, SQSQueue

from .conftest import ACCOUNT, FaultyPool, collect_scopes


def _queues(value: object) -> dict[str, SQSQueue]:
    assert isinstance(value, list)
    return {q.name: q for q in value}


def test_queues_keep_encryption_policy_and_redrive(aws: boto3.session.Session) -> None:
    sqs = aws.client("sqs", region_name="us-east-1")
    sqs.create_queue(QueueName="work-dlq", Attributes={"KmsMasterKeyId": "alias/queues"})
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}],
    }
    sqs.create_queue(
        QueueName="work",
        Attributes={
            "SqsManagedSseEnabled": "false",
            "Policy": json.dumps(policy),
            "RedrivePolicy": json.dumps(
                {
                    "deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:work-dlq",
                    "maxReceiveCount": "5",
                }
            ),
        },
    )

    queues = _queues(
        collect_scopes(aws, ["sqs_queues"], regions=("us-east-1",))["us-east-1"].sqs_queues
    )

    work = queues["work"]
    assert work.arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"
    assert not isinstance(work.attributes, CollectionError)
    assert work.attributes.sqs_managed_sse is False
    assert work.attributes.policy == policy
    assert work.attributes.dead_letter_target_arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:work-dlq"
    assert work.attributes.max_receive_count == 5
    dlq = queues["work-dlq"]
    assert not isinstance(dlq.attributes, CollectionError)
    assert dlq.attributes.kms_master_key_id == "alias/queues"
    assert dlq.attributes.dead_letter_target_arn is None


def test_queue_deleted_between_list_and_read_is_that_queues_error(
    aws: boto3.session.Session,
) -> None:
    sqs = aws.client("sqs", region_name="us-east-1")
    sqs.create_queue(QueueName="gone")
    sqs.create_queue(QueueName="kept")
    pool = FaultyPool(
        aws,
        {"GetQueueAttributes": "AWS.SimpleQueueService.NonExistentQueue"},
        when=lambda region, params: str(params.get("QueueUrl", "")).endswith("/gone"),
    )

    scope = collect_scopes(aws, ["sqs_queues"], pool=pool, regions=("us-east-1",))["us-east-1"]

    assert list(_queues(scope.sqs_queues)) == ["kept"]
    [unread] = scope.unread
    assert unread.id.endswith("/gone")
    assert (unread.error.operation, unread.error.error_code) == (
        "GetQueueAttributes",
        "AWS.SimpleQueueService.NonExistentQueue",
    )
    assert scope.errors == [unread.error]


def test_denied_attribute_read_errors_only_that_queue(aws: boto3.session.Session) -> None:
    sqs = aws.client("sqs", region_name="us-east-1")
    sqs.create_queue(QueueName="locked")
    sqs.create_queue(QueueName="open")
    pool = FaultyPool(
        aws,
        {"GetQueueAttributes": "AccessDenied"},
        when=lambda region, params: str(params.get("QueueUrl", "")).endswith("/locked"),
    )

    scope = collect_scopes(aws, ["sqs_queues"], pool=pool, regions=("us-east-1",))["us-east-1"]

    queues = _queues(scope.sqs_queues)
    error = queues["locked"].attributes
    assert isinstance(error, CollectionError)
    assert error.resource_id == f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/locked"
    assert queues["locked"].arn == f"arn:aws:sqs:us-east-1:{ACCOUNT}:locked"
    assert not isinstance(queues["open"].attributes, CollectionError)


def test_denied_queue_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListQueues": "AccessDenied"})

    scope = collect_scopes(aws, ["sqs_queues"], pool=pool, regions=("us-east-1",))["us-east-1"]

    assert isinstance(scope.sqs_queues, CollectionError)
