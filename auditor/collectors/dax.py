"""DAX collector: DynamoDB Accelerator clusters with their nodes, encryption and security groups."""

from __future__ import annotations

from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import DAX_CLUSTERS
from auditor.models import DAXCluster, DAXNode

# ENABLING counts as encrypted: the setting is made at creation and cannot change afterwards.
_ENCRYPTED = ("ENABLED", "ENABLING")


_CLUSTER_TYPE = "AWS::DAX::Cluster"  # an entry that cannot be read is that cluster's ERROR


def _cluster(c: dict[str, Any]) -> DAXCluster:
    return DAXCluster(
        arn=c["ClusterArn"],
        name=c["ClusterName"],
        status=c.get("Status", ""),
        total_nodes=int(c.get("TotalNodes", 0)),
        nodes=[
            DAXNode(
                id=n.get("NodeId", ""),
                availability_zone=n.get("AvailabilityZone"),
                status=n.get("NodeStatus", ""),
            )
            for n in c.get("Nodes", [])
        ],
        encrypted_at_rest=c.get("SSEDescription", {}).get("Status") in _ENCRYPTED,
        endpoint_encryption=c.get("ClusterEndpointEncryptionType", "NONE"),
        security_group_ids=[
            g["SecurityGroupIdentifier"]
            for g in c.get("SecurityGroups", [])
            if "SecurityGroupIdentifier" in g
        ],
    )


def collect_clusters(ctx: CollectContext) -> list[DAXCluster]:
    return ctx.each(
        ctx.paginate("dax", "DescribeClusters", "Clusters"),
        _cluster,
        kind=_CLUSTER_TYPE,
        ident=lambda c: c["ClusterName"],
        arn=lambda c: c.get("ClusterArn"),
    )


CLUSTERS = Collector(
    dataset=DAX_CLUSTERS,
    operations=(Operation("dax", "DescribeClusters", "dax:DescribeClusters"),),
    collect=collect_clusters,
)
