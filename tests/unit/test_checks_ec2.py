"""The EC2 network checks (remote administration and high-risk ports, the default security group,
the database tier) on hand-built security groups."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    by_resource,
    dataset_denied,
    db_instance,
    engine_findings,
    only_verdict,
    run_check,
    scope_snapshot,
)
from pydantic import ValidationError

from auditor.findings import Status
from auditor.models import (
    ElastiCacheCluster,
    NetworkInterface,
    SecurityGroup,
    SecurityGroupPermission,
)
from checks.ec2 import (
    ec2_database_security_groups_private_only,
    ec2_default_security_group_restricts_all,
    ec2_security_group_high_risk_ports_restricted,
    ec2_security_group_remote_admin_restricted,
)


def rule(
    protocol: str = "tcp",
    ports: tuple[int, int] | None = (22, 22),
    *,
    cidrs: tuple[str, ...] = (),
    cidrs6: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    prefix_lists: tuple[str, ...] = (),
) -> SecurityGroupPermission:
    return SecurityGroupPermission(
        protocol=protocol,
        from_port=ports[0] if ports else None,
        to_port=ports[1] if ports else None,
        ipv4_ranges=list(cidrs),
        ipv6_ranges=list(cidrs6),
        group_ids=list(groups),
        prefix_list_ids=list(prefix_lists),
    )


def security_group(
    group_id: str,
    *ingress: SecurityGroupPermission,
    name: str | None = None,
    egress: tuple[SecurityGroupPermission, ...] = (),
) -> SecurityGroup:
    return SecurityGroup(
        id=group_id,
        name=name or f"{group_id}-name",
        arn=f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group_id}",
        vpc_id="vpc-1",
        owner_id=ACCOUNT,
        ingress=list(ingress),
        egress=list(egress),
    )


def groups_scope(*groups: SecurityGroup, **datasets: Any) -> Any:
    # The database-tier check reads ElastiCache clusters too; unless given, the region has none.
    datasets.setdefault("elasticache_cache_clusters", [])
    return scope_snapshot(ec2_security_groups=list(groups), **datasets)


# --- ec2_security_group_remote_admin_restricted ---------------------------------------------


def test_group_without_internet_admin_access_passes() -> None:
    group = security_group(
        "sg-app",
        rule(ports=(22, 22), cidrs=("10.0.0.0/8",)),
        rule(ports=(443, 443), cidrs=("0.0.0.0/0",)),
    )

    verdict = only_verdict(ec2_security_group_remote_admin_restricted, groups_scope(group))

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "sg-app"
    assert verdict.resource.type == "AWS::EC2::SecurityGroup"
    assert verdict.evidence["open_to_internet"] == []


def test_ssh_from_anywhere_fails_naming_the_rule() -> None:
    group = security_group("sg-bastion", rule(ports=(22, 22), cidrs=("0.0.0.0/0",)))

    verdict = only_verdict(ec2_security_group_remote_admin_restricted, groups_scope(group))

    assert verdict.status is Status.FAIL
    assert "TCP 22 from 0.0.0.0/0" in verdict.message
    assert verdict.evidence["open_to_internet"] == [
        {"rule": "TCP 22", "sources": ["0.0.0.0/0"], "ports": [22]}
    ]


def test_rdp_from_any_ipv6_address_fails() -> None:
    group = security_group("sg-win", rule(ports=(3389, 3389), cidrs6=("::/0",)))

    verdict = only_verdict(ec2_security_group_remote_admin_restricted, groups_scope(group))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["open_to_internet"] == [
        {"rule": "TCP 3389", "sources": ["::/0"], "ports": [3389]}
    ]


@pytest.mark.parametrize(
    ("permission", "expected"),
    [
        (rule("-1", None, cidrs=("0.0.0.0/0",)), Status.FAIL),  # all traffic covers 22
        (rule("tcp", (0, 1024), cidrs=("0.0.0.0/0",)), Status.FAIL),  # a range covering 22
        (rule("udp", (3389, 3389), cidrs=("0.0.0.0/0",)), Status.FAIL),  # CIS counts UDP
        (rule("icmp", (-1, -1), cidrs=("0.0.0.0/0",)), Status.PASS),  # no ports at all
        (rule("tcp", (23, 3388), cidrs=("0.0.0.0/0",)), Status.PASS),  # between the two
        (rule("tcp", (22, 22), cidrs=("0.0.0.0/1",)), Status.PASS),  # half the internet is not /0
    ],
)
def test_port_ranges_and_protocols(permission: SecurityGroupPermission, expected: Status) -> None:
    verdict = only_verdict(
        ec2_security_group_remote_admin_restricted, groups_scope(security_group("sg-x", permission))
    )

    assert verdict.status is expected


def test_admin_ports_are_a_parameter() -> None:
    group = security_group("sg-x", rule(ports=(5985, 5986), cidrs=("0.0.0.0/0",)))

    default = run_check(ec2_security_group_remote_admin_restricted, groups_scope(group))
    tuned = run_check(
        ec2_security_group_remote_admin_restricted, groups_scope(group), ports=[22, 3389, 5985]
    )

    assert [v.status for v in default] == [Status.PASS]
    assert [v.status for v in tuned] == [Status.FAIL]
    assert tuned[0].evidence["open_to_internet"] == [
        {"rule": "TCP 5985-5986", "sources": ["0.0.0.0/0"], "ports": [5985]}
    ]


def test_unreadable_security_groups_are_an_error_for_the_region() -> None:
    snapshot = scope_snapshot(ec2_security_groups=dataset_denied("ec2", "DescribeSecurityGroups"))

    [finding] = engine_findings(ec2_security_group_remote_admin_restricted, snapshot)

    assert finding.status is Status.ERROR
    assert finding.resource.type == "AWS::::Region"
    assert finding.evidence == {"operation": "DescribeSecurityGroups", "error_code": "AccessDenied"}


# --- ec2_security_group_high_risk_ports_restricted -------------------------------------------


def test_database_port_open_to_the_internet_is_high_risk() -> None:
    open_db = security_group("sg-db", rule(ports=(3306, 3306), cidrs=("0.0.0.0/0",)))
    web = security_group("sg-web", rule(ports=(443, 443), cidrs=("0.0.0.0/0",), cidrs6=("::/0",)))

    verdicts = by_resource(
        run_check(ec2_security_group_high_risk_ports_restricted, groups_scope(open_db, web))
    )

    assert verdicts["sg-db"].status is Status.FAIL
    assert verdicts["sg-db"].evidence["open_to_internet"] == [
        {"rule": "TCP 3306", "sources": ["0.0.0.0/0"], "ports": [3306]}
    ]
    assert verdicts["sg-web"].status is Status.PASS


def test_all_traffic_from_anywhere_opens_every_high_risk_port() -> None:
    group = security_group("sg-wide", rule("-1", None, cidrs=("0.0.0.0/0",)))

    verdict = only_verdict(ec2_security_group_high_risk_ports_restricted, groups_scope(group))

    assert verdict.status is Status.FAIL
    [open_rule] = verdict.evidence["open_to_internet"]  # type: ignore[misc]
    assert open_rule["rule"] == "all traffic"
    assert open_rule["ports"][:3] == [20, 21, 22]
    assert len(open_rule["ports"]) == 24


def test_high_risk_error_when_groups_cannot_be_read() -> None:
    snapshot = scope_snapshot(ec2_security_groups=dataset_denied("ec2", "DescribeSecurityGroups"))

    [finding] = engine_findings(ec2_security_group_high_risk_ports_restricted, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeSecurityGroups", "error_code": "AccessDenied"}


# --- ec2_default_security_group_restricts_all -------------------------------------------------


def interfaces(*pairs: tuple[str, str]) -> list[NetworkInterface]:
    return [NetworkInterface(id=eni, security_group_ids=[group]) for eni, group in pairs]


def test_default_group_without_rules_passes_and_names_its_members() -> None:
    default = security_group("sg-default", name="default")
    other = security_group("sg-app", rule(ports=(22, 22), cidrs=("0.0.0.0/0",)))
    snapshot = groups_scope(
        default,
        other,
        ec2_network_interfaces=interfaces(("eni-1", "sg-default"), ("eni-2", "sg-app")),
    )

    verdict = only_verdict(ec2_default_security_group_restricts_all, snapshot)

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "sg-default"
    assert verdict.evidence == {
        "inbound_rules": [],
        "outbound_rules": [],
        "network_interfaces": ["eni-1"],
    }
    assert "1 network interface(s) still use it" in verdict.message


def test_default_group_with_the_out_of_the_box_rules_fails() -> None:
    default = security_group(
        "sg-default",
        rule("-1", None, groups=("sg-default",)),
        name="default",
        egress=(rule("-1", None, cidrs=("0.0.0.0/0",)),),
    )

    verdict = only_verdict(
        ec2_default_security_group_restricts_all, groups_scope(default, ec2_network_interfaces=[])
    )

    assert verdict.status is Status.FAIL
    assert "1 inbound and 1 outbound rule(s)" in verdict.message
    assert verdict.evidence["inbound_rules"] == ["all traffic"]


def test_default_group_error_when_interfaces_cannot_be_read() -> None:
    snapshot = groups_scope(
        security_group("sg-default", name="default"),
        ec2_network_interfaces=dataset_denied("ec2", "DescribeNetworkInterfaces"),
    )

    [finding] = engine_findings(ec2_default_security_group_restricts_all, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeNetworkInterfaces"


# --- ec2_database_security_groups_private_only -------------------------------------------------


def test_database_reachable_only_from_the_app_security_group_passes() -> None:
    db_group = security_group(
        "sg-db",
        rule(ports=(5432, 5432), groups=("sg-app",)),
        rule(ports=(5432, 5432), cidrs=("10.1.0.0/16",)),
    )
    db = db_instance("orders", vpc_security_group_ids=["sg-db"])

    verdict = only_verdict(
        ec2_database_security_groups_private_only,
        groups_scope(db_group, rds_db_instances=[db]),
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "orders"
    assert verdict.resource.type == "AWS::RDS::DBInstance"
    assert verdict.evidence["outside_sources"] == []


@pytest.mark.parametrize(
    "permission",
    [
        rule(ports=(5432, 5432), cidrs=("0.0.0.0/0",)),
        rule(ports=(5432, 5432), cidrs6=("::/0",)),
        rule(ports=(5432, 5432), cidrs=("203.0.113.7/32",)),  # one public address is enough
        rule(ports=(5432, 5432), cidrs=("10.0.0.0/7",)),  # wider than 10/8: half public
        rule("-1", None, cidrs=("198.51.100.0/24",)),
        rule(ports=(5432, 5432), prefix_lists=("pl-123",)),  # entries not read: unverified
    ],
)
def test_database_port_from_outside_the_private_network_fails(
    permission: SecurityGroupPermission,
) -> None:
    db = db_instance("orders", vpc_security_group_ids=["sg-db"])

    verdict = only_verdict(
        ec2_database_security_groups_private_only,
        groups_scope(security_group("sg-db", permission), rds_db_instances=[db]),
    )

    assert verdict.status is Status.FAIL
    [exposure] = verdict.evidence["outside_sources"]  # type: ignore[misc]
    assert exposure["security_group"] == "sg-db"
    assert 5432 in exposure["ports"]
    assert "sg-db allows" in verdict.message


def test_public_access_to_a_non_database_port_is_not_this_checks_concern() -> None:
    db = db_instance("orders", vpc_security_group_ids=["sg-db"])
    group = security_group("sg-db", rule(ports=(443, 443), cidrs=("0.0.0.0/0",)))

    verdict = only_verdict(
        ec2_database_security_groups_private_only, groups_scope(group, rds_db_instances=[db])
    )

    assert verdict.status is Status.PASS


def test_security_group_absent_from_the_snapshot_is_an_error_not_a_fail() -> None:
    db = db_instance("orders", vpc_security_group_ids=["sg-gone"])

    verdict = only_verdict(
        ec2_database_security_groups_private_only, groups_scope(rds_db_instances=[db])
    )

    assert verdict.status is Status.ERROR
    assert verdict.evidence["unknown_security_groups"] == ["sg-gone"]
    assert verdict.evidence["operation"] == "DescribeSecurityGroups"
    assert verdict.evidence["error_code"] == "SecurityGroupNotListed"
    assert verdict.error is not None and verdict.error.resource_id == "sg-gone"
    assert "sg-gone" in verdict.message


def test_known_exposure_fails_even_beside_an_absent_security_group() -> None:
    db = db_instance("orders", vpc_security_group_ids=["sg-gone", "sg-open"])
    group = security_group("sg-open", rule(ports=(5432, 5432), cidrs=("0.0.0.0/0",)))

    verdict = only_verdict(
        ec2_database_security_groups_private_only, groups_scope(group, rds_db_instances=[db])
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["unknown_security_groups"] == ["sg-gone"]
    assert "sg-open allows" in verdict.message


def test_extra_private_ranges_and_ports_are_parameters() -> None:
    db = db_instance("orders", vpc_security_group_ids=["sg-db"])
    group = security_group(
        "sg-db",
        rule(ports=(5432, 5432), cidrs=("100.64.1.0/24",)),
        rule(ports=(9042, 9042), cidrs=("0.0.0.0/0",)),
    )
    snapshot = groups_scope(group, rds_db_instances=[db])

    default = only_verdict(ec2_database_security_groups_private_only, snapshot)
    tuned = run_check(
        ec2_database_security_groups_private_only, snapshot, private_cidrs=["100.64.0.0/10"]
    )
    cassandra = run_check(ec2_database_security_groups_private_only, snapshot, ports=[9042])

    assert default.status is Status.FAIL  # carrier-grade NAT space is not RFC 1918
    assert tuned[0].status is Status.PASS
    assert cassandra[0].status is Status.FAIL
    assert cassandra[0].evidence["outside_sources"][0]["ports"] == [9042]  # type: ignore[index]


def test_a_bad_private_range_is_rejected_as_configuration() -> None:
    with pytest.raises(ValidationError, match="not-a-cidr"):
        ec2_database_security_groups_private_only.configure({"private_cidrs": ["not-a-cidr"]})


def test_database_tier_error_when_instances_cannot_be_read() -> None:
    snapshot = groups_scope(rds_db_instances=dataset_denied("rds", "DescribeDBInstances"))

    [finding] = engine_findings(ec2_database_security_groups_private_only, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeDBInstances"


def cache_cluster(
    cluster_id: str, *security_groups: str, group: str | None = None, engine: str = "redis"
) -> ElastiCacheCluster:
    return ElastiCacheCluster(
        arn=f"arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{cluster_id}",
        id=cluster_id,
        engine=engine,
        replication_group_id=group,
        security_group_ids=list(security_groups),
    )


def test_cache_clusters_are_judged_by_their_security_groups() -> None:
    snapshot = groups_scope(
        security_group("sg-cache", rule(ports=(6379, 6379), groups=("sg-app",))),
        security_group("sg-open", rule(ports=(11211, 11211), cidrs=("0.0.0.0/0",))),
        rds_db_instances=[],
        elasticache_cache_clusters=[
            cache_cluster("sessions", "sg-cache"),
            cache_cluster("memo", "sg-open", engine="memcached"),
        ],
    )

    verdicts = by_resource(run_check(ec2_database_security_groups_private_only, snapshot))

    assert verdicts["sessions"].status is Status.PASS
    assert verdicts["sessions"].resource.type == "AWS::ElastiCache::CacheCluster"
    memo = verdicts["memo"]
    assert memo.status is Status.FAIL
    assert memo.message.startswith("ElastiCache cluster memo is reachable on a database port")
    assert memo.evidence["outside_sources"][0]["ports"] == [11211]  # type: ignore[index]


def test_a_replication_group_is_judged_once_with_all_its_node_clusters_groups() -> None:
    snapshot = groups_scope(
        security_group("sg-cache", rule(ports=(6379, 6379), groups=("sg-app",))),
        security_group("sg-debug", rule(ports=(6379, 6379), cidrs=("203.0.113.9/32",))),
        rds_db_instances=[],
        elasticache_cache_clusters=[
            cache_cluster("rate-limit-001", "sg-cache", group="rate-limit"),
            cache_cluster("rate-limit-002", "sg-cache", "sg-debug", group="rate-limit"),
        ],
    )

    verdict = only_verdict(ec2_database_security_groups_private_only, snapshot)

    assert verdict.status is Status.FAIL
    assert verdict.resource.id == "rate-limit"
    assert verdict.resource.type == "AWS::ElastiCache::ReplicationGroup"
    assert verdict.resource.arn == (
        f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:rate-limit"
    )
    assert verdict.evidence["security_groups"] == ["sg-cache", "sg-debug"]
    assert "sg-debug allows" in verdict.message


def test_database_tier_error_when_cache_clusters_cannot_be_read() -> None:
    snapshot = groups_scope(
        rds_db_instances=[],
        elasticache_cache_clusters=dataset_denied("elasticache", "DescribeCacheClusters"),
    )

    [finding] = engine_findings(ec2_database_security_groups_private_only, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeCacheClusters"
