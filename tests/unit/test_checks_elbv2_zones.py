"""The load balancer zone checks: served from several Availability Zones, cross-zone balancing."""

from __future__ import annotations

from conftest import (
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)
from test_checks_elbv2 import load_balancer

from auditor.findings import Status
from checks.elbv2 import elbv2_load_balancer_cross_zone, elbv2_load_balancer_multi_az

_CROSS_ZONE = "load_balancing.cross_zone.enabled"


def _zoned(name: str, *zones: str, kind: str = "application"):  # type: ignore[no-untyped-def]
    return load_balancer(name, kind=kind).model_copy(update={"availability_zones": list(zones)})


# --- elbv2_load_balancer_multi_az --------------------------------------------------------------


def test_load_balancer_in_two_zones_passes_and_one_zone_fails() -> None:
    web = _zoned("web", "eu-west-1a", "eu-west-1b")
    sync = _zoned("sync", "eu-west-1a", kind="network")

    verdicts = by_resource(
        run_check(elbv2_load_balancer_multi_az, scope_snapshot(elbv2_load_balancers=[web, sync]))
    )

    assert verdicts["web"].status is Status.PASS
    assert verdicts["web"].evidence == {
        "availability_zones": ["eu-west-1a", "eu-west-1b"],
        "minimum_zones": 2,
    }
    assert verdicts["sync"].status is Status.FAIL
    assert verdicts["sync"].message == (
        "Network Load Balancer sync serves from 1 Availability Zone (eu-west-1a); "
        "2 or more are required."
    )


def test_minimum_zones_is_a_parameter() -> None:
    web = _zoned("web", "eu-west-1a", "eu-west-1b")

    [verdict] = run_check(
        elbv2_load_balancer_multi_az, scope_snapshot(elbv2_load_balancers=[web]), minimum_zones=3
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["minimum_zones"] == 3


def test_multi_az_error_when_load_balancers_cannot_be_listed() -> None:
    snapshot = scope_snapshot(elbv2_load_balancers=dataset_denied("elbv2", "DescribeLoadBalancers"))

    [finding] = engine_findings(elbv2_load_balancer_multi_az, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeLoadBalancers"


# --- elbv2_load_balancer_cross_zone ------------------------------------------------------------


def test_network_load_balancer_with_cross_zone_passes_and_default_fails() -> None:
    on = load_balancer("stream", kind="network", attributes={_CROSS_ZONE: "true"})
    off = load_balancer("sync", kind="network", attributes={_CROSS_ZONE: "false"})
    gateway = load_balancer("inspect", kind="gateway", attributes={})
    alb = load_balancer("web", attributes={})

    verdicts = by_resource(
        run_check(
            elbv2_load_balancer_cross_zone,
            scope_snapshot(elbv2_load_balancers=[on, off, gateway, alb]),
        )
    )

    assert set(verdicts) == {"stream", "sync", "inspect"}  # an ALB always balances across zones
    assert verdicts["stream"].status is Status.PASS
    assert verdicts["stream"].evidence == {_CROSS_ZONE: "true"}
    assert verdicts["sync"].status is Status.FAIL
    assert verdicts["sync"].message == (
        "Network Load Balancer sync sends each zone's traffic only to the targets in that zone."
    )
    assert verdicts["inspect"].status is Status.FAIL
    assert verdicts["inspect"].evidence == {_CROSS_ZONE: "false"}


def test_cross_zone_error_when_attributes_cannot_be_read() -> None:
    error = denied("elbv2", "DescribeLoadBalancerAttributes", "arn:lb")
    nlb = load_balancer("sync", kind="network", attributes=error)

    verdict = only_verdict(
        elbv2_load_balancer_cross_zone, scope_snapshot(elbv2_load_balancers=[nlb])
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error
