"""Resource Groups Tagging API collector: every tagged resource of a region and its tags, in one
paginated GetResources call (owners are read from them, for every service at once)."""

from __future__ import annotations

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import TAGGING_RESOURCES
from auditor.models import TaggedResource

_SERVICE = "resourcegroupstaggingapi"


def collect_tagged(ctx: CollectContext) -> list[TaggedResource]:
    mappings = ctx.paginate(
        _SERVICE, "GetResources", "ResourceTagMappingList", ResourcesPerPage=100
    )
    return [
        TaggedResource(arn=m["ResourceARN"], tags={t["Key"]: t["Value"] for t in m.get("Tags", [])})
        for m in mappings
    ]


TAGGED_RESOURCES = Collector(
    dataset=TAGGING_RESOURCES,
    operations=(Operation(_SERVICE, "GetResources", "tag:GetResources"),),
    collect=collect_tagged,
)
