"""SNS collector: topics with their encryption key and access policy."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.collectors.iam import policy_document
from auditor.datasets import SNS_TOPICS
from auditor.models import SNSTopic, TopicAttributes

_SERVICE = "sns"
# GetTopicAttributes' NotFoundException (code NotFound): the topic no longer exists.
_GONE = ("NotFound", "NotFoundException")
TOPIC_TYPE = "AWS::SNS::Topic"


def _topic_arn(item: dict[str, Any]) -> str:
    return str(item["TopicArn"])


def _attributes(ctx: CollectContext, arn: str) -> TopicAttributes:
    answer = ctx.call(_SERVICE, "GetTopicAttributes", resource_id=arn, TopicArn=arn)
    attributes = answer.get("Attributes", {})
    return TopicAttributes(
        kms_master_key_id=attributes.get("KmsMasterKeyId") or None,
        policy=policy_document(attributes.get("Policy")),
    )


def collect_topics(ctx: CollectContext) -> list[SNSTopic]:
    def one(item: dict[str, Any]) -> SNSTopic:
        arn = str(item["TopicArn"])
        # A topic deleted since ListTopics is unread as a whole, not judged on a gap.
        attributes = ctx.attempt(partial(_attributes, ctx, arn), gone=_GONE)
        return SNSTopic(arn=arn, name=arn.rsplit(":", 1)[-1], attributes=attributes)

    topics = ctx.paginate(_SERVICE, "ListTopics", "Topics")
    return ctx.each(topics, one, kind=TOPIC_TYPE, ident=_topic_arn, arn=_topic_arn)


TOPICS = Collector(
    dataset=SNS_TOPICS,
    operations=(
        Operation(_SERVICE, "ListTopics", "sns:ListTopics"),
        Operation(_SERVICE, "GetTopicAttributes", "sns:GetTopicAttributes"),
    ),
    collect=collect_topics,
)
