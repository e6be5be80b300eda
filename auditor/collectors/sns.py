"""SNS collector: topics with their encryption key and access policy."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation, none_if_absent
from auditor.collectors.iam import policy_document
from auditor.datasets import SNS_TOPICS
from auditor.models import SNSTopic, TopicAttributes

_SERVICE = "sns"
# GetTopicAttributes' NotFoundException (code NotFound): the topic no longer exists.
_GONE = ("NotFound", "NotFoundException")


def _attributes(ctx: CollectContext, arn: str) -> TopicAttributes | None:
    """The topic's attributes; None where it was deleted since ListTopics."""
    read = partial(ctx.call, _SERVICE, "GetTopicAttributes", resource_id=arn, TopicArn=arn)
    answer = none_if_absent(_GONE, read)
    if answer is None:
        return None
    attributes = answer.get("Attributes", {})
    return TopicAttributes(
        kms_master_key_id=attributes.get("KmsMasterKeyId") or None,
        policy=policy_document(attributes.get("Policy")),
    )


def collect_topics(ctx: CollectContext) -> list[SNSTopic]:
    def one(item: dict[str, Any]) -> SNSTopic | None:
        arn = str(item["TopicArn"])
        attributes = ctx.attempt(partial(_attributes, ctx, arn))
        if attributes is None:
            return None  # nothing left to judge
        return SNSTopic(arn=arn, name=arn.rsplit(":", 1)[-1], attributes=attributes)

    found = ctx.map(one, ctx.paginate(_SERVICE, "ListTopics", "Topics"))
    return [topic for topic in found if topic is not None]


TOPICS = Collector(
    dataset=SNS_TOPICS,
    operations=(
        Operation(_SERVICE, "ListTopics", "sns:ListTopics"),
        Operation(_SERVICE, "GetTopicAttributes", "sns:GetTopicAttributes"),
    ),
    collect=collect_topics,
)
