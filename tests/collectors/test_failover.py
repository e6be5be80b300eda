"""The data the failover checks read, as the real collectors bring it back from moto: Aurora
members with their writer flag and zones, replication groups with Multi-AZ."""

from __future__ import annotations

import boto3

from auditor.checkapi import Scope
from auditor.findings import Status
from checks.rds import rds_cluster_reader_in_other_az

from .conftest import collect_scopes

_REGION = "us-east-1"


def _aurora(rds: object, cluster: str, zones: list[str]) -> None:
    rds.create_db_cluster(  # type: ignore[attr-defined]
        DBClusterIdentifier=cluster,
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-secret-1",
    )
    for n, zone in enumerate(zones, start=1):
        rds.create_db_instance(  # type: ignore[attr-defined]
            DBInstanceIdentifier=f"{cluster}-{n}",
            DBClusterIdentifier=cluster,
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=zone,
        )


def test_aurora_members_carry_the_writer_and_zones_the_reader_check_needs(
    aws: boto3.session.Session,
) -> None:
    rds = aws.client("rds", region_name=_REGION)
    _aurora(rds, "spread", ["us-east-1a", "us-east-1b"])
    _aurora(rds, "huddled", ["us-east-1c", "us-east-1c"])

    scope = collect_scopes(aws, ["rds_db_clusters", "rds_db_instances"], regions=(_REGION,))[
        _REGION
    ]
    clusters = scope.rds_db_clusters
    assert isinstance(clusters, list)
    members = {
        c.identifier: [(m.instance_identifier, m.is_writer) for m in c.members] for c in clusters
    }
    assert sorted(members["spread"]) == [("spread-1", True), ("spread-2", False)]

    check = rds_cluster_reader_in_other_az
    verdicts = {
        v.resource.id: v.status
        for v in check.run(Scope(scope, check.metadata.datasets, check.configure()))
    }
    assert verdicts == {"spread": Status.PASS, "huddled": Status.FAIL}
