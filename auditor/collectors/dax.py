"""DAX collector: DynamoDB Accelerator clusters with their nodes, encryption and security groups."""

from __future__ import annotations

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import DAX_CLUSTERS
from auditor.models import DAXCluster, DAXNode

# ENABLING counts as encrypted: the setting is made at creation and cannot change afterwards.
_ENCRYPTED = ("ENABLED", "ENABLING")


def collect_clusters(ctx: CollectContext) -> list[DAXCluster]:
    return [
        DAXCluster(
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
        for c in ctx.paginate("dax", "DescribeClusters", "Clusters")
    ]


CLUSTERS = Collector(
    dataset=DAX_CLUSTERS,
    operations=(Operation("dax", "DescribeClusters", "dax:DescribeClusters"),),
    collect=collect_clusters,
)
