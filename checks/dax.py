"""DAX checks: DynamoDB Accelerator clusters encrypt what they cache and survive a node or zone."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check
from auditor.datasets import DAX_CLUSTERS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import DAXCluster
from checks.verdicts import verdict

_CLUSTER_TYPE = "AWS::DAX::Cluster"
_DYNAMODB_CONTROLS = (
    "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html"
)
_GUIDE = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"
# Encryption at rest and in transit are chosen when a cluster is created, never changed after.
_RECREATE = (
    "DynamoDB console > DAX > Clusters > Create cluster > same node type, subnet group and "
    "parameter group, with {setting} > Create; move clients to the new endpoint and delete "
    "the old cluster."
)


def _ref(cluster: DAXCluster) -> ResourceRef:
    return ResourceRef(arn=cluster.arn, id=cluster.name, type=_CLUSTER_TYPE)


def _verdict(cluster: DAXCluster, good: bool, state: str, **evidence: JsonValue) -> Verdict:
    return verdict(good, _ref(cluster), f"DAX cluster {cluster.name} {state}.", **evidence)


# MEDIUM, as Security Hub rates DynamoDB.3: the cache holds copies of the hottest items.
@check(
    id="dax_cluster_encrypted_at_rest",
    title="DAX clusters are encrypted at rest",
    service="dax",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[DAX_CLUSTERS],
    rationale=(
        "Study materials (Databases, the DynamoDB notes on DAX as an in-memory cache): DAX keeps "
        "its own copy of the most-read items, so it needs the encryption at rest the table has; "
        "it can only be chosen when the cluster is created."
    ),
    remediation=Remediation(
        console=_RECREATE.format(setting="'Turn on encryption at rest'"),
        cli=(
            "aws dax create-cluster --cluster-name <new-cluster> --node-type <node-type> "
            "--replication-factor 3 --iam-role-arn <role-arn> --subnet-group-name <subnet-group>"
            " --sse-specification Enabled=true"
        ),
        terraform=(
            "aws_dax_cluster: server_side_encryption { enabled = true } (forces a new cluster)"
        ),
    ),
    references=[
        f"{_DYNAMODB_CONTROLS}#dynamodb-3",
        f"{_CONFIG_RULES}/dax-encryption-enabled.html",
        f"{_GUIDE}/DAXEncryptionAtRest.html",
    ],
    compliance={"fsbp": ["DynamoDB.3"]},
)
def dax_cluster_encrypted_at_rest(scope: Scope) -> Iterable[Verdict]:
    for cluster in scope.get(DAX_CLUSTERS):
        encrypted = cluster.encrypted_at_rest
        yield _verdict(
            cluster,
            encrypted,
            "is encrypted at rest" if encrypted else "caches items unencrypted at rest",
            encrypted_at_rest=encrypted,
        )


# MEDIUM, as Security Hub rates DynamoDB.7: without TLS, items cross the network in the clear.
@check(
    id="dax_cluster_encrypted_in_transit",
    title="DAX clusters encrypt traffic with TLS",
    service="dax",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[DAX_CLUSTERS],
    rationale=(
        "Study materials (Databases, the DynamoDB notes on DAX): clients read items from DAX "
        "over the VPC network; a TLS endpoint keeps them from being read or altered on the way, "
        "and can only be chosen when the cluster is created."
    ),
    remediation=Remediation(
        console=_RECREATE.format(setting="'Encryption in transit' turned on (TLS endpoint)"),
        cli=(
            "aws dax create-cluster --cluster-name <new-cluster> --node-type <node-type> "
            "--replication-factor 3 --iam-role-arn <role-arn> --subnet-group-name <subnet-group>"
            " --cluster-endpoint-encryption-type TLS"
        ),
        terraform=(
            'aws_dax_cluster: cluster_endpoint_encryption_type = "TLS" (forces a new cluster)'
        ),
    ),
    references=[
        f"{_DYNAMODB_CONTROLS}#dynamodb-7",
        f"{_CONFIG_RULES}/dax-tls-endpoint-encryption.html",
        f"{_GUIDE}/DAXEncryptionInTransit.html",
    ],
    compliance={"fsbp": ["DynamoDB.7"]},
)
def dax_cluster_encrypted_in_transit(scope: Scope) -> Iterable[Verdict]:
    for cluster in scope.get(DAX_CLUSTERS):
        tls = cluster.endpoint_encryption == "TLS"
        yield _verdict(
            cluster,
            tls,
            "serves clients over TLS" if tls else "serves clients unencrypted (no TLS endpoint)",
            endpoint_encryption=cluster.endpoint_encryption,
        )


class DAXSpread(CheckParameters):
    minimum_nodes: int = Field(
        default=2,
        ge=2,
        le=11,
        description="Fewest nodes (a primary and read replicas) a cluster should run; AWS "
        "recommends at least three for production.",
    )


# MEDIUM, like the RDS Multi-AZ checks: a single node or zone going down takes the cache with it
# and sends every read to the table.
@check(
    id="dax_cluster_multi_az",
    title="DAX clusters run at least two nodes in at least two Availability Zones",
    service="dax",
    severity=Severity.MEDIUM,
    resource_type=_CLUSTER_TYPE,
    datasets=[DAX_CLUSTERS],
    parameters=DAXSpread,
    rationale=(
        "Study materials (Databases, the DynamoDB notes on DAX and Multi-AZ): a DAX cluster with "
        "nodes in several Availability Zones fails over to a replica when a node or a zone is "
        "lost; with one node, or all nodes in one zone, the cache disappears and every read hits"
        " the table at once."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > DAX > Clusters > select the cluster > Nodes > Add nodes > choose "
            "Availability Zones other than the current nodes' > Add (the cluster's subnet group "
            "needs subnets in those zones)."
        ),
        cli=(
            "aws dax increase-replication-factor --cluster-name <cluster> --new-replication-factor"
            " 3 --availability-zones <az-a> <az-b> <az-c>"
        ),
        terraform=(
            "aws_dax_cluster: replication_factor = 3, availability_zones = [<az-a>, <az-b>, "
            "<az-c>], subnet_group_name spanning those zones"
        ),
    ),
    references=[
        f"{_GUIDE}/DAX.concepts.cluster.html",
        f"{_GUIDE}/dax-config-considerations.html",
    ],
    compliance={"wa-rel": ["REL10-BP01", "REL11-BP02"]},
)
def dax_cluster_multi_az(scope: Scope) -> Iterable[Verdict]:
    """Counts the nodes AWS reports and the zones they sit in; no standard covers this (Control
    Tower's proactive CT.DAX.PR.2 asks the same of templates)."""
    minimum = scope.parameters(DAXSpread).minimum_nodes
    for cluster in scope.get(DAX_CLUSTERS):
        zones = sorted({n.availability_zone for n in cluster.nodes if n.availability_zone})
        count = max(cluster.total_nodes, len(cluster.nodes))
        problems = []
        if count < minimum:
            problems.append(f"runs {count} node(s), fewer than {minimum}")
        if len(zones) < 2:
            problems.append(f"has its nodes in {len(zones)} Availability Zone(s)")
        state = (
            "; ".join(problems)
            if problems
            else f"runs {count} nodes across {len(zones)} Availability Zones ({', '.join(zones)})"
        )
        yield _verdict(
            cluster,
            not problems,
            state,
            nodes=count,
            availability_zones=list[JsonValue](zones),
            minimum_nodes=minimum,
        )
