"""A resource's ARN as its answer gives it, or built from partition, region, account and id where
the answer leaves it out (older API versions and examples omit ElastiCache's ARN and RDS's
*Arn members): one resource without its ARN must not cost the region its dataset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.collectors.base import CollectContext


def arn_of(
    ctx: CollectContext, item: Mapping[str, Any], key: str, service: str, resource: str
) -> str:
    """`item[key]`, else arn:<partition>:<service>:<region>:<account>:<resource>."""
    given = item.get(key)
    if given:
        return str(given)
    return f"arn:{ctx.partition}:{service}:{ctx.region}:{ctx.account_id}:{resource}"
