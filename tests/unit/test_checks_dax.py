"""The DAX checks (encryption at rest and in transit, nodes across zones) on hand-built clusters."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)
from pydantic import ValidationError

from auditor.checkapi import Check
from auditor.findings import Status
from auditor.models import DAXCluster, DAXNode
from checks.dax import (
    dax_cluster_encrypted_at_rest,
    dax_cluster_encrypted_in_transit,
    dax_cluster_multi_az,
)


def dax_cluster(name: str, *zones: str, **fields: Any) -> DAXCluster:
    """A cluster with one node per zone given; encrypted both ways unless told otherwise."""
    return DAXCluster(
        arn=f"arn:aws:dax:{REGION}:{ACCOUNT}:cache/{name}",
        name=name,
        total_nodes=fields.pop("total_nodes", len(zones)),
        nodes=[DAXNode(id=f"{name}-{n}", availability_zone=z) for n, z in enumerate(zones)],
        encrypted_at_rest=fields.pop("encrypted_at_rest", True),
        endpoint_encryption=fields.pop("endpoint_encryption", "TLS"),
        **fields,
    )


@pytest.mark.parametrize(
    "check",
    [dax_cluster_encrypted_at_rest, dax_cluster_encrypted_in_transit, dax_cluster_multi_az],
)
def test_an_unreadable_cluster_list_is_an_error_never_a_pass(check: Check) -> None:
    snapshot = scope_snapshot(dax_clusters=dataset_denied("dax", "DescribeClusters"))

    [finding] = engine_findings(check, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeClusters", "error_code": "AccessDenied"}


def test_encrypted_cluster_passes_and_unencrypted_fails() -> None:
    snapshot = scope_snapshot(
        dax_clusters=[
            dax_cluster("sealed", f"{REGION}a"),
            dax_cluster("plain", f"{REGION}a", encrypted_at_rest=False),
        ]
    )

    verdicts = by_resource(run_check(dax_cluster_encrypted_at_rest, snapshot))

    assert verdicts["sealed"].status is Status.PASS
    assert verdicts["sealed"].message == "DAX cluster sealed is encrypted at rest."
    assert verdicts["sealed"].evidence == {"encrypted_at_rest": True}
    assert verdicts["sealed"].resource.type == "AWS::DAX::Cluster"
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].message == "DAX cluster plain caches items unencrypted at rest."
    assert verdicts["plain"].evidence == {"encrypted_at_rest": False}


def test_tls_endpoint_passes_and_plain_endpoint_fails() -> None:
    snapshot = scope_snapshot(
        dax_clusters=[
            dax_cluster("tls", f"{REGION}a"),
            dax_cluster("plain", f"{REGION}a", endpoint_encryption="NONE"),
        ]
    )

    verdicts = by_resource(run_check(dax_cluster_encrypted_in_transit, snapshot))

    assert verdicts["tls"].status is Status.PASS
    assert verdicts["tls"].message == "DAX cluster tls serves clients over TLS."
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].message == (
        "DAX cluster plain serves clients unencrypted (no TLS endpoint)."
    )
    assert verdicts["plain"].evidence == {"endpoint_encryption": "NONE"}


def test_nodes_in_two_zones_pass() -> None:
    cluster = dax_cluster("spread", f"{REGION}a", f"{REGION}b", f"{REGION}c")

    verdict = only_verdict(dax_cluster_multi_az, scope_snapshot(dax_clusters=[cluster]))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "DAX cluster spread runs 3 nodes across 3 Availability Zones "
        "(eu-west-1a, eu-west-1b, eu-west-1c)."
    )


def test_a_single_node_fails_on_count_and_zones() -> None:
    cluster = dax_cluster("lonely", f"{REGION}a")

    verdict = only_verdict(dax_cluster_multi_az, scope_snapshot(dax_clusters=[cluster]))

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        "DAX cluster lonely runs 1 node(s), fewer than 2; has its nodes in 1 Availability Zone(s)."
    )
    assert verdict.evidence == {
        "nodes": 1,
        "availability_zones": ["eu-west-1a"],
        "minimum_nodes": 2,
    }


def test_many_nodes_in_one_zone_fail() -> None:
    cluster = dax_cluster("stacked", f"{REGION}a", f"{REGION}a", f"{REGION}a")

    verdict = only_verdict(dax_cluster_multi_az, scope_snapshot(dax_clusters=[cluster]))

    assert verdict.status is Status.FAIL
    assert verdict.message == "DAX cluster stacked has its nodes in 1 Availability Zone(s)."


def test_nodes_still_being_created_count_by_total() -> None:
    # A cluster being created reports TotalNodes before any node is listed.
    cluster = dax_cluster("creating", total_nodes=3)

    verdict = only_verdict(dax_cluster_multi_az, scope_snapshot(dax_clusters=[cluster]))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["nodes"] == 3
    assert "has its nodes in 0 Availability Zone(s)" in verdict.message


def test_minimum_nodes_is_a_parameter() -> None:
    cluster = dax_cluster("pair", f"{REGION}a", f"{REGION}b")

    [verdict] = run_check(
        dax_cluster_multi_az, scope_snapshot(dax_clusters=[cluster]), minimum_nodes=3
    )

    assert verdict.status is Status.FAIL
    assert "runs 2 node(s), fewer than 3" in verdict.message


def test_minimum_below_two_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"minimum_nodes\n.*greater than or equal to 2"):
        dax_cluster_multi_az.configure({"minimum_nodes": 1})
