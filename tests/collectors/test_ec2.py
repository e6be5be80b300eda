"""The EC2 collectors against moto: security group rules as the checks need them, network
interfaces with their groups, and failures that become errors, never an empty list."""

from __future__ import annotations

import boto3
import pytest

from auditor.collectors.ec2 import _group_reference
from auditor.models import CollectionError, SecurityGroup

from .conftest import ACCOUNT, FaultyPool, collect_scopes

OTHER_ACCOUNT = "210987654321"


@pytest.fixture
def ec2(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> boto3.session.Session:
    # Security groups need no AMIs: keep moto from preloading its public images.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    session: boto3.session.Session = request.getfixturevalue("aws")
    return session


def _groups(value: object) -> dict[str, SecurityGroup]:
    assert isinstance(value, list)
    return {g.name: g for g in value}


def test_security_groups_keep_every_kind_of_source(ec2: boto3.session.Session) -> None:
    client = ec2.client("ec2", region_name="us-east-1")
    vpc = client.describe_vpcs()["Vpcs"][0]["VpcId"]
    app = client.create_security_group(GroupName="app", Description="app tier", VpcId=vpc)[
        "GroupId"
    ]
    db = client.create_security_group(GroupName="db", Description="db tier", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": app}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        ],
    )
    client.create_tags(Resources=[db], Tags=[{"Key": "tier", "Value": "data"}])

    groups = _groups(collect_scopes(ec2, ["ec2_security_groups"])["us-east-1"].ec2_security_groups)

    data = groups["db"]
    assert data.id == db
    assert data.arn == f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{db}"
    assert data.vpc_id == vpc
    assert data.tags == {"tier": "data"}
    by_protocol = {(p.protocol, p.from_port): p for p in data.ingress}
    assert by_protocol[("tcp", 5432)].group_ids == [app]
    assert by_protocol[("tcp", 22)].ipv4_ranges == ["0.0.0.0/0"]
    assert by_protocol[("tcp", 22)].ipv6_ranges == ["::/0"]
    assert by_protocol[("-1", None)].ipv4_ranges == ["10.0.0.0/8"]
    assert [(p.protocol, p.ipv4_ranges) for p in data.egress] == [("-1", ["0.0.0.0/0"])]
    # Every VPC's own default group comes along, which is what EC2.2 judges.
    assert groups["default"].is_default


def test_network_interfaces_name_their_security_groups(ec2: boto3.session.Session) -> None:
    client = ec2.client("ec2", region_name="us-east-1")
    vpc = client.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = client.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
    group = client.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    eni = client.create_network_interface(
        SubnetId=subnet["SubnetId"], Groups=[group], Description="app server"
    )["NetworkInterface"]["NetworkInterfaceId"]

    interfaces = collect_scopes(ec2, ["ec2_network_interfaces"])["us-east-1"].ec2_network_interfaces

    assert isinstance(interfaces, list)
    [found] = [i for i in interfaces if i.id == eni]
    assert found.security_group_ids == [group]
    assert found.description == "app server"


def test_denied_security_groups_are_an_error_for_that_region_only(
    ec2: boto3.session.Session,
) -> None:
    pool = FaultyPool(
        ec2,
        {"DescribeSecurityGroups": "UnauthorizedOperation"},
        when=lambda region, params: region == "eu-west-1",
    )

    scopes = collect_scopes(ec2, ["ec2_security_groups"], pool=pool)

    failed = scopes["eu-west-1"].ec2_security_groups
    assert isinstance(failed, CollectionError)
    assert (failed.operation, failed.error_code) == (
        "DescribeSecurityGroups",
        "UnauthorizedOperation",
    )
    assert "default" in _groups(scopes["us-east-1"].ec2_security_groups)


def test_cross_account_group_references_carry_the_account() -> None:
    assert _group_reference({"GroupId": "sg-1", "UserId": ACCOUNT}, ACCOUNT) == "sg-1"
    assert (
        _group_reference({"GroupId": "sg-2", "UserId": OTHER_ACCOUNT}, ACCOUNT)
        == f"{OTHER_ACCOUNT}/sg-2"
    )


def test_network_interfaces_denied_is_an_error(ec2: boto3.session.Session) -> None:
    pool = FaultyPool(ec2, {"DescribeNetworkInterfaces": "UnauthorizedOperation"})

    scopes = collect_scopes(ec2, ["ec2_network_interfaces"], pool=pool, regions=("us-east-1",))

    scope = scopes["us-east-1"]
    assert isinstance(scope.ec2_network_interfaces, CollectionError)
    assert scope.errors == [scope.ec2_network_interfaces]


def test_rds_instances_name_the_security_groups_the_database_tier_check_reads(
    ec2: boto3.session.Session,
) -> None:
    client = ec2.client("ec2", region_name="us-east-1")
    vpc = client.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = client.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.client("rds", region_name="us-east-1").create_db_instance(
        DBInstanceIdentifier="orders",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        VpcSecurityGroupIds=[group],
    )

    scope = collect_scopes(ec2, ["rds_db_instances"], regions=("us-east-1",))["us-east-1"]

    assert isinstance(scope.rds_db_instances, list)
    [db] = scope.rds_db_instances
    assert db.vpc_security_group_ids == [group]
