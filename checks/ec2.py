"""EC2 network checks: what the internet can reach through security groups, the default security
group of each VPC, and the database tier reachable only from inside the network."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import Field, JsonValue, field_validator

from auditor.checkapi import CheckParameters, Scope, Verdict, check
from auditor.datasets import (
    EC2_NETWORK_INTERFACES,
    EC2_SECURITY_GROUPS,
    ELASTICACHE_CACHE_CLUSTERS,
    RDS_DB_INSTANCES,
)
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, SecurityGroup, SecurityGroupPermission

_SG_TYPE = "AWS::EC2::SecurityGroup"
_EC2_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html"
_SG_RULES = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
INTERNET = ("0.0.0.0/0", "::/0")
_ALL_PORTS = (0, 65535)


def sg_ref(group: SecurityGroup) -> ResourceRef:
    return ResourceRef(arn=group.arn, id=group.id, type=_SG_TYPE, tags=group.tags)


def port_range(permission: SecurityGroupPermission) -> tuple[int, int] | None:
    """The ports a rule opens; None for protocols without ports (ICMP and the like)."""
    protocol = permission.protocol.lower()
    if protocol in ("-1", "all"):
        return _ALL_PORTS
    if protocol not in ("tcp", "udp", "6", "17"):
        return None
    low, high = permission.from_port, permission.to_port
    return (0 if low is None or low < 0 else low, 65535 if high is None or high < 0 else high)


def opened_ports(permission: SecurityGroupPermission, ports: Iterable[int]) -> list[int]:
    """Which of `ports` the rule opens (for TCP, UDP or every protocol)."""
    span = port_range(permission)
    if span is None:
        return []
    return sorted({p for p in ports if span[0] <= p <= span[1]})


def describe_ports(permission: SecurityGroupPermission) -> str:
    span = port_range(permission)
    protocol = "all traffic" if permission.protocol == "-1" else permission.protocol.upper()
    if span is None or permission.protocol == "-1":
        return protocol  # all traffic, or a protocol without ports (ICMP…)
    if span == _ALL_PORTS:
        return f"{protocol} all ports"
    low, high = span
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


@dataclass(frozen=True)
class OpenRule:
    """A rule that lets a source reach some of the ports a check cares about."""

    permission: SecurityGroupPermission
    sources: tuple[str, ...]
    ports: tuple[int, ...]

    def evidence(self) -> dict[str, JsonValue]:
        return {
            "rule": describe_ports(self.permission),
            "sources": list(self.sources),
            "ports": list(self.ports),
        }

    def describe(self) -> str:
        return f"{describe_ports(self.permission)} from {', '.join(self.sources)}"


def internet_rules(group: SecurityGroup, ports: Sequence[int]) -> list[OpenRule]:
    """Ingress rules open to 0.0.0.0/0 or ::/0 on any of `ports`."""
    found = []
    for permission in group.ingress:
        sources = tuple(
            cidr for cidr in (*permission.ipv4_ranges, *permission.ipv6_ranges) if cidr in INTERNET
        )
        hit = opened_ports(permission, ports)
        if sources and hit:
            found.append(OpenRule(permission, sources, tuple(hit)))
    return found


class RemoteAdministrationPorts(CheckParameters):
    ports: tuple[int, ...] = Field(
        default=(22, 3389),
        description="Remote server administration ports (CIS: SSH 22 and RDP 3389).",
    )


def _judge_internet_exposure(scope: Scope, ports: Sequence[int], what: str) -> Iterable[Verdict]:
    for group in scope.get(EC2_SECURITY_GROUPS):
        rules = internet_rules(group, ports)
        name = f"Security group {group.id} ({group.name})"
        evidence: dict[str, JsonValue] = {
            "vpc_id": group.vpc_id,
            "open_to_internet": [rule.evidence() for rule in rules],
        }
        if rules:
            yield Verdict(
                Status.FAIL,
                sg_ref(group),
                f"{name} lets the internet reach {what}: "
                + "; ".join(rule.describe() for rule in rules)
                + ".",
                evidence,
            )
        else:
            yield Verdict(
                Status.PASS,
                sg_ref(group),
                f"{name} opens no {what} to 0.0.0.0/0 or ::/0.",
                evidence,
            )


# HIGH, as Security Hub rates EC2.53 and EC2.54: anyone on the internet can try to log in.
@check(
    id="ec2_security_group_remote_admin_restricted",
    title="Security groups do not allow SSH or RDP from the internet",
    service="ec2",
    severity=Severity.HIGH,
    resource_type=_SG_TYPE,
    datasets=[EC2_SECURITY_GROUPS],
    parameters=RemoteAdministrationPorts,
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "security groups and the Developing on AWS notes): security groups open only what each "
        "tier needs; SSH and RDP reachable from 0.0.0.0/0 or ::/0 invite password guessing and "
        "exploits from the whole internet, when Session Manager or a bastion needs no open port."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > select the group > Inbound rules > Edit inbound "
            "rules > delete the SSH/RDP rule with source 0.0.0.0/0 or ::/0 (or narrow it to your "
            "admin network) > Save rules; prefer Systems Manager Session Manager."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 "
            "--cidr 0.0.0.0/0   # and --ip-permissions with Ipv6Ranges CidrIpv6=::/0 for IPv6"
        ),
        terraform=(
            "aws_vpc_security_group_ingress_rule (or aws_security_group ingress): cidr_ipv4 / "
            "cidr_ipv6 set to your admin network, never 0.0.0.0/0 or ::/0 for ports 22 and 3389"
        ),
    ),
    references=[
        f"{_EC2_CONTROLS}#ec2-53",
        f"{_EC2_CONTROLS}#ec2-54",
        "https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-port-restriction-check.html",
        _SG_RULES,
    ],
    # Security Hub's EC2.53/EC2.54 (and the older EC2.13/EC2.14) implement these CIS items but
    # belong to the CIS and PCI standards, not to FSBP; EC2.19 is the FSBP control, checked by
    # ec2_security_group_high_risk_ports_restricted.
    compliance={
        "cis-3.0": ["5.2", "5.3"],
        "cis-4.0": ["5.3", "5.4"],
        "cis-5.0": ["5.3", "5.4"],
    },
)
def ec2_security_group_remote_admin_restricted(scope: Scope) -> Iterable[Verdict]:
    """Every security group is judged, attached or not: an unused group is one attachment away
    from exposing a server. Rules for TCP, UDP or all protocols count, as CIS says."""
    ports = scope.parameters(RemoteAdministrationPorts).ports
    yield from _judge_internet_exposure(scope, ports, "remote administration ports")


# Security Hub's EC2.19 list of ports with high risk.
_HIGH_RISK_PORTS: tuple[int, ...] = (20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000)
_HIGH_RISK_PORTS += (3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300)


class HighRiskPorts(CheckParameters):
    ports: tuple[int, ...] = Field(
        default=_HIGH_RISK_PORTS,
        description="Ports that must never be open to 0.0.0.0/0 or ::/0.",
    )


# CRITICAL, as Security Hub rates EC2.19: databases, file shares and admin consoles on the
# open internet.
@check(
    id="ec2_security_group_high_risk_ports_restricted",
    title="Security groups do not open high-risk ports to the internet",
    service="ec2",
    severity=Severity.CRITICAL,
    resource_type=_SG_TYPE,
    datasets=[EC2_SECURITY_GROUPS],
    parameters=HighRiskPorts,
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "tiered security groups): only the load balancer faces the internet; FTP, Telnet, SMB, "
        "database and search ports open to 0.0.0.0/0 or ::/0 expose services that were never "
        "meant to be public."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > select the group > Inbound rules > Edit inbound "
            "rules > delete or narrow every rule with source 0.0.0.0/0 or ::/0 on a high-risk "
            "port > Save rules."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp "
            "--port <port> --cidr 0.0.0.0/0"
        ),
        terraform=(
            "aws_vpc_security_group_ingress_rule: referenced_security_group_id or a private "
            "cidr_ipv4 instead of 0.0.0.0/0 for these ports"
        ),
    ),
    references=[f"{_EC2_CONTROLS}#ec2-19", _SG_RULES],
    compliance={"fsbp": ["EC2.19"]},
)
def ec2_security_group_high_risk_ports_restricted(scope: Scope) -> Iterable[Verdict]:
    ports = scope.parameters(HighRiskPorts).ports
    yield from _judge_internet_exposure(scope, ports, "high-risk ports")


# HIGH, as Security Hub rates EC2.2: anything launched without a group lands in it.
@check(
    id="ec2_default_security_group_restricts_all",
    title="The default security group of every VPC allows no traffic",
    service="ec2",
    severity=Severity.HIGH,
    resource_type=_SG_TYPE,
    datasets=[EC2_SECURITY_GROUPS, EC2_NETWORK_INTERFACES],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "per-tier security groups): every resource gets a purpose-made security group; a "
        "default group with rules quietly connects whatever was launched without choosing one."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > select the group named 'default' > move the network "
            "interfaces that use it to purpose-made groups > Inbound rules > Edit > delete all > "
            "Save; Outbound rules > Edit > delete all > Save."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <default-sg-id> "
            "--security-group-rule-ids <rule-ids>; aws ec2 revoke-security-group-egress "
            "--group-id <default-sg-id> --security-group-rule-ids <rule-ids>"
        ),
        terraform=(
            "aws_default_security_group for each VPC with no ingress and no egress blocks "
            "(Terraform then removes every rule)"
        ),
    ),
    references=[
        f"{_EC2_CONTROLS}#ec2-2",
        "https://docs.aws.amazon.com/config/latest/developerguide/vpc-default-security-group-closed.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
    ],
    compliance={"fsbp": ["EC2.2"], "cis-3.0": ["5.4"], "cis-4.0": ["5.5"], "cis-5.0": ["5.5"]},
)
def ec2_default_security_group_restricts_all(scope: Scope) -> Iterable[Verdict]:
    """Judged on the rules alone, as EC2.2 and CIS are; the network interfaces still in the
    group are named so the members can be moved before the rules are removed."""
    members: dict[str, list[str]] = defaultdict(list)
    for interface in scope.get(EC2_NETWORK_INTERFACES):
        for group_id in interface.security_group_ids:
            members[group_id].append(interface.id)
    for group in scope.get(EC2_SECURITY_GROUPS):
        if not group.is_default:
            continue
        inbound, outbound = len(group.ingress), len(group.egress)
        users = sorted(members.get(group.id, []))
        name = f"Default security group {group.id} of {group.vpc_id or 'its VPC'}"
        evidence: dict[str, JsonValue] = {
            "inbound_rules": [describe_ports(p) for p in group.ingress],
            "outbound_rules": [describe_ports(p) for p in group.egress],
            "network_interfaces": list[JsonValue](users),
        }
        used = f"; {len(users)} network interface(s) still use it" if users else ""
        if inbound or outbound:
            yield Verdict(
                Status.FAIL,
                sg_ref(group),
                f"{name} has {inbound} inbound and {outbound} outbound rule(s){used}.",
                evidence,
            )
        else:
            yield Verdict(Status.PASS, sg_ref(group), f"{name} has no rules{used}.", evidence)


# --- The database tier is reachable only from inside the network -----------------------------

# RFC 1918 for IPv4 and RFC 4193 unique local addresses for IPv6.
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_private(cidr: str, networks: Sequence[Network]) -> bool:
    """Whether every address of `cidr` lies inside one of `networks`."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return any(
        network.version == allowed.version and network.subnet_of(allowed)  # type: ignore[arg-type]
        for allowed in networks
    )


class DatabaseTierSources(CheckParameters):
    ports: tuple[int, ...] = Field(
        default=(1433, 1521, 2484, 3306, 5432, 6379, 11211, 27017),
        description="Database ports: SQL Server, Oracle (and TCPS), MySQL/MariaDB, PostgreSQL, "
        "Redis/Valkey, Memcached, MongoDB/DocumentDB.",
    )
    private_cidrs: tuple[str, ...] = Field(
        default=(),
        description="Further ranges to treat as private besides RFC 1918 and fc00::/7 (for "
        "example 100.64.0.0/10 where the network uses it).",
    )

    @field_validator("private_cidrs")
    @classmethod
    def _cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in value:
            ipaddress.ip_network(cidr, strict=False)  # ValueError names the bad one
        return value


@dataclass(frozen=True)
class DatabaseResource:
    """A database whose security groups are judged: an RDS instance or a cache cluster."""

    ref: ResourceRef
    described: str
    security_group_ids: tuple[str, ...]


def _database_resources(scope: Scope) -> Iterator[DatabaseResource]:
    """RDS instances, and ElastiCache caches: a replication group once, with the security groups
    of all its node clusters, and each cluster outside a group (Memcached included)."""
    for db in scope.get(RDS_DB_INSTANCES):
        yield DatabaseResource(
            ResourceRef(arn=db.arn, id=db.identifier, type="AWS::RDS::DBInstance", tags=db.tags),
            f"RDS DB instance {db.identifier}",
            tuple(db.vpc_security_group_ids),
        )
    groups: dict[str, tuple[str, list[str]]] = {}  # group id -> (its ARN, security groups)
    for cache in scope.get(ELASTICACHE_CACHE_CLUSTERS):
        group = cache.replication_group_id
        if group is None:
            yield DatabaseResource(
                ResourceRef(arn=cache.arn, id=cache.id, type="AWS::ElastiCache::CacheCluster"),
                f"ElastiCache cluster {cache.id}",
                tuple(cache.security_group_ids),
            )
            continue
        # arn:aws:elasticache:<region>:<account>:cluster:<id> -> …:replicationgroup:<group>
        arn = f"{cache.arn.rsplit(':cluster:', 1)[0]}:replicationgroup:{group}"
        ids = groups.setdefault(group, (arn, []))[1]
        ids.extend(g for g in cache.security_group_ids if g not in ids)
    for group, (arn, ids) in groups.items():
        yield DatabaseResource(
            ResourceRef(arn=arn, id=group, type="AWS::ElastiCache::ReplicationGroup"),
            f"ElastiCache replication group {group}",
            tuple(ids),
        )


def _outside_sources(
    permission: SecurityGroupPermission, networks: Sequence[Network]
) -> tuple[str, ...]:
    """Sources of a rule that are neither a security group nor a private range. A prefix list
    counts as outside: its entries are not read, so it cannot be shown to be private."""
    cidrs = (*permission.ipv4_ranges, *permission.ipv6_ranges)
    outside = [c for c in cidrs if not is_private(c, networks)]
    return (*outside, *permission.prefix_list_ids)


def _unlisted_groups(scope: Scope, missing: list[str]) -> CollectionError:
    return CollectionError(
        account_id=scope.account_id,
        region=scope.region,
        service="ec2",
        operation="DescribeSecurityGroups",
        error_code="SecurityGroupNotListed",
        message=f"security group(s) {', '.join(missing)} were not in the answer",
        resource_id=missing[0],
    )


# HIGH: a database port reachable from outside the network is one leaked password from a
# breach, and an invitation to brute force and exploits.
@check(
    id="ec2_database_security_groups_private_only",
    title="Database security groups admit database ports only from the application tier",
    service="ec2",
    severity=Severity.HIGH,
    resource_type="AWS::RDS::DBInstance",
    datasets=[RDS_DB_INSTANCES, ELASTICACHE_CACHE_CLUSTERS, EC2_SECURITY_GROUPS],
    parameters=DatabaseTierSources,
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "security groups, where the database tier accepts traffic only from the application "
        "tier's security group): a database port open to a public CIDR, 0.0.0.0/0 or ::/0 "
        "bypasses the application and its checks entirely."
    ),
    remediation=Remediation(
        console=(
            "VPC console > Security groups > select the database's security group > Inbound "
            "rules > Edit inbound rules > for the database port, replace each public CIDR source "
            "with the application tier's security group (Source: sg-…) > Save rules."
        ),
        cli=(
            "aws ec2 authorize-security-group-ingress --group-id <db-sg> --protocol tcp --port "
            "<db-port> --source-group <app-sg>; aws ec2 revoke-security-group-ingress --group-id "
            "<db-sg> --protocol tcp --port <db-port> --cidr <public-cidr>"
        ),
        terraform=(
            "aws_vpc_security_group_ingress_rule for the database port with "
            "referenced_security_group_id = aws_security_group.<app>.id (or a private cidr_ipv4)"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html#security-group-referencing",
        _SG_RULES,
    ],
)
def ec2_database_security_groups_private_only(scope: Scope) -> Iterable[Verdict]:
    """One finding per database: FAIL when any of its security groups lets a source other than
    a security group or a private range (RFC 1918, fc00::/7, and the configured extras) reach a
    database port, by TCP, UDP or all traffic. No standard covers this; EC2.19 and CIS 5.x look
    only at 0.0.0.0/0 and ::/0, while a database open to one public address is exposed too."""
    parameters = scope.parameters(DatabaseTierSources)
    networks = [
        ipaddress.ip_network(cidr, strict=False)
        for cidr in (*PRIVATE_RANGES, *parameters.private_cidrs)
    ]
    groups = {group.id: group for group in scope.get(EC2_SECURITY_GROUPS)}
    for db in _database_resources(scope):
        missing = [g for g in db.security_group_ids if g not in groups]
        exposures = [
            (group_id, OpenRule(permission, sources, tuple(ports)))
            for group_id in db.security_group_ids
            for permission in (groups[group_id].ingress if group_id in groups else [])
            if (sources := _outside_sources(permission, networks))
            and (ports := opened_ports(permission, parameters.ports))
        ]
        evidence: dict[str, JsonValue] = {
            "security_groups": list(db.security_group_ids),
            "outside_sources": [
                {"security_group": group_id, **rule.evidence()} for group_id, rule in exposures
            ],
            "unknown_security_groups": list[JsonValue](missing),
        }
        reasons = [f"{group_id} allows {rule.describe()}" for group_id, rule in exposures]
        if reasons:
            yield Verdict(
                Status.FAIL,
                db.ref,
                f"{db.described} is reachable on a database port from outside the private "
                f"network: {'; '.join(reasons)}.",
                evidence,
            )
        elif missing:
            # A group the list did not hold (deleted since, or another account's) may be open.
            error = _unlisted_groups(scope, missing)
            yield Verdict(
                Status.ERROR,
                db.ref,
                f"Could not judge {db.described}: {error.describe()}",
                {**evidence, "operation": error.operation, "error_code": error.error_code},
                error=error,
            )
        else:
            yield Verdict(
                Status.PASS,
                db.ref,
                f"{db.described} admits database ports only from security groups and private "
                f"ranges ({len(db.security_group_ids)} security group(s)).",
                evidence,
            )
