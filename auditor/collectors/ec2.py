"""EC2 collector: security groups with their rules, and the network interfaces that use them."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import EC2_NETWORK_INTERFACES, EC2_SECURITY_GROUPS
from auditor.models import NetworkInterface, SecurityGroup, SecurityGroupPermission


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in item.get("Tags", [])}


def _group_reference(pair: dict[str, Any], owner_id: str) -> str:
    """ "sg-…" for a group of the same account, "<account>/sg-…" for another account's."""
    group = str(pair.get("GroupId") or pair.get("GroupName") or "")
    user = pair.get("UserId")
    return f"{user}/{group}" if user and user != owner_id else group


def _permission(p: dict[str, Any], owner_id: str) -> SecurityGroupPermission:
    return SecurityGroupPermission(
        protocol=str(p.get("IpProtocol", "-1")),
        from_port=p.get("FromPort"),
        to_port=p.get("ToPort"),
        ipv4_ranges=[r["CidrIp"] for r in p.get("IpRanges", []) if "CidrIp" in r],
        ipv6_ranges=[r["CidrIpv6"] for r in p.get("Ipv6Ranges", []) if "CidrIpv6" in r],
        group_ids=[_group_reference(g, owner_id) for g in p.get("UserIdGroupPairs", [])],
        prefix_list_ids=[pl["PrefixListId"] for pl in p.get("PrefixListIds", [])],
    )


def _security_group(ctx: CollectContext, g: dict[str, Any]) -> SecurityGroup:
    owner = str(g.get("OwnerId", ctx.account_id))
    return SecurityGroup(
        id=g["GroupId"],
        name=g.get("GroupName", ""),
        arn=g.get("SecurityGroupArn")
        or f"arn:{ctx.partition}:ec2:{ctx.region}:{owner}:security-group/{g['GroupId']}",
        vpc_id=g.get("VpcId"),
        owner_id=owner,
        ingress=[_permission(p, owner) for p in g.get("IpPermissions", [])],
        egress=[_permission(p, owner) for p in g.get("IpPermissionsEgress", [])],
        tags=_tags(g),
    )


def collect_security_groups(ctx: CollectContext) -> list[SecurityGroup]:
    # A group that cannot be read is its own ERROR; a database naming it is an ERROR too, as
    # for any group the snapshot does not hold.
    return ctx.each(
        ctx.paginate("ec2", "DescribeSecurityGroups", "SecurityGroups"),
        partial(_security_group, ctx),
        kind="AWS::EC2::SecurityGroup",
        ident=lambda g: g["GroupId"],
        arn=lambda g: g.get("SecurityGroupArn"),
    )


def collect_network_interfaces(ctx: CollectContext) -> list[NetworkInterface]:
    return [
        NetworkInterface(
            id=n["NetworkInterfaceId"],
            interface_type=n.get("InterfaceType", "interface"),
            description=n.get("Description", ""),
            status=n.get("Status", ""),
            security_group_ids=[g["GroupId"] for g in n.get("Groups", [])],
            attached_to=n.get("Attachment", {}).get("InstanceId"),
            requester_managed=bool(n.get("RequesterManaged", False)),
        )
        for n in ctx.paginate("ec2", "DescribeNetworkInterfaces", "NetworkInterfaces")
    ]


SECURITY_GROUPS = Collector(
    dataset=EC2_SECURITY_GROUPS,
    operations=(Operation("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),),
    collect=collect_security_groups,
)
NETWORK_INTERFACES = Collector(
    dataset=EC2_NETWORK_INTERFACES,
    operations=(Operation("ec2", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces"),),
    collect=collect_network_interfaces,
)
