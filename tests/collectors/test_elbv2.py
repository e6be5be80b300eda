"""The load balancer collector against moto: listeners and attributes joined to each load
balancer, and a failed per-balancer read that errors only that balancer."""

from __future__ import annotations

import boto3
import pytest

from auditor.models import CollectionError, LoadBalancer

from .conftest import FaultyPool, collect_scopes


@pytest.fixture
def elb(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> boto3.session.Session:
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    session: boto3.session.Session = request.getfixturevalue("aws")
    return session


def _create(session: boto3.session.Session, name: str, **extra: object) -> str:
    ec2 = session.client("ec2", region_name="us-east-1")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elbv2 = session.client("elbv2", region_name="us-east-1")
    arn: str = elbv2.create_load_balancer(Name=name, Subnets=subnets, **extra)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    return arn


def _balancers(value: object) -> dict[str, LoadBalancer]:
    assert isinstance(value, list)
    return {lb.name: lb for lb in value}


def test_load_balancers_join_listeners_and_attributes(elb: boto3.session.Session) -> None:
    web = _create(elb, "web")
    client = elb.client("elbv2", region_name="us-east-1")
    client.create_listener(
        LoadBalancerArn=web,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    client.modify_load_balancer_attributes(
        LoadBalancerArn=web,
        Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "true"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        ],
    )

    balancers = _balancers(
        collect_scopes(elb, ["elbv2_load_balancers"])["us-east-1"].elbv2_load_balancers
    )

    lb = balancers["web"]
    assert lb.type == "application"
    assert lb.metric_dimension == web.split(":loadbalancer/")[1]
    assert lb.metric_dimension.startswith("app/web/")
    assert len(lb.availability_zones) == 2
    assert not isinstance(lb.listeners, CollectionError)
    [listener] = lb.listeners
    assert (listener.port, listener.protocol) == (80, "HTTP")
    assert [(a.type, a.redirect_protocol) for a in listener.default_actions] == [
        ("redirect", "HTTPS")
    ]
    assert not isinstance(lb.attributes, CollectionError)
    assert lb.attributes["deletion_protection.enabled"] == "true"
    assert lb.attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"


def test_denied_listeners_error_only_that_load_balancer(elb: boto3.session.Session) -> None:
    broken = _create(elb, "broken")
    _create(elb, "fine")
    pool = FaultyPool(
        elb,
        {"DescribeListeners": "AccessDenied"},
        when=lambda region, params: params.get("LoadBalancerArn") == broken,
    )

    scope = collect_scopes(elb, ["elbv2_load_balancers"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    balancers = _balancers(scope.elbv2_load_balancers)
    error = balancers["broken"].listeners
    assert isinstance(error, CollectionError)
    assert (error.operation, error.resource_id) == ("DescribeListeners", broken)
    assert balancers["fine"].listeners == []
    assert not isinstance(balancers["broken"].attributes, CollectionError)
    assert scope.errors == [error]


def test_denied_load_balancer_list_is_a_dataset_error(elb: boto3.session.Session) -> None:
    pool = FaultyPool(elb, {"DescribeLoadBalancers": "AccessDenied"})

    scope = collect_scopes(elb, ["elbv2_load_balancers"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.elbv2_load_balancers, CollectionError)
    assert scope.elbv2_load_balancers.operation == "DescribeLoadBalancers"
