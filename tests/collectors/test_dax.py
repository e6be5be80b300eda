"""The DAX collector against moto: encryption settings, nodes and security groups of each cluster;
a denied list is an error for the region, never an empty one."""

from __future__ import annotations

import boto3

from auditor.models import CollectionError, DAXCluster

from .conftest import ACCOUNT, FaultyPool, collect_scopes

US = ("us-east-1",)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/dax-access"


def _clusters(value: object) -> dict[str, DAXCluster]:
    assert isinstance(value, list)
    return {c.name: c for c in value}


def test_clusters_keep_encryption_and_nodes(aws: boto3.session.Session) -> None:
    dax = aws.client("dax", region_name="us-east-1")
    dax.create_cluster(
        ClusterName="sealed",
        NodeType="dax.r5.large",
        ReplicationFactor=3,
        IamRoleArn=ROLE,
        SSESpecification={"Enabled": True},
        ClusterEndpointEncryptionType="TLS",
    )
    dax.create_cluster(
        ClusterName="plain", NodeType="dax.t3.small", ReplicationFactor=1, IamRoleArn=ROLE
    )
    for _ in range(5):  # moto lists nodes once a cluster is "available", four describes on
        dax.describe_clusters()

    clusters = _clusters(
        collect_scopes(aws, ["dax_clusters"], regions=US)["us-east-1"].dax_clusters
    )

    sealed = clusters["sealed"]
    assert sealed.arn == f"arn:aws:dax:us-east-1:{ACCOUNT}:cache/sealed"
    assert (sealed.encrypted_at_rest, sealed.endpoint_encryption, sealed.total_nodes) == (
        True,
        "TLS",
        3,
    )
    assert len(sealed.nodes) == 3
    assert all(n.availability_zone == "us-east-1a" for n in sealed.nodes)  # moto's one zone
    assert len(sealed.security_group_ids) == 1
    plain = clusters["plain"]
    assert (plain.encrypted_at_rest, plain.endpoint_encryption, plain.total_nodes) == (
        False,
        "NONE",
        1,
    )


def test_a_denied_list_is_an_error_for_the_region(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"DescribeClusters": "AccessDeniedException"})

    scope = collect_scopes(aws, ["dax_clusters"], pool=pool, regions=US)["us-east-1"]

    failed = scope.dax_clusters
    assert isinstance(failed, CollectionError)
    assert (failed.service, failed.operation, failed.error_code) == (
        "dax",
        "DescribeClusters",
        "AccessDeniedException",
    )
    assert scope.errors == [failed]
