"""Elastic Load Balancing (v2) collector: application, network and gateway load balancers, each
joined with its listeners' default actions and its attributes."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import ELBV2_LOAD_BALANCERS
from auditor.models import Listener, ListenerAction, LoadBalancer

_SERVICE = "elbv2"


def _action(a: dict[str, Any]) -> ListenerAction:
    redirect = a.get("RedirectConfig", {})
    return ListenerAction(
        type=str(a.get("Type", "")),
        redirect_protocol=redirect.get("Protocol"),
        redirect_port=redirect.get("Port"),
    )


def _listeners(ctx: CollectContext, arn: str) -> list[Listener]:
    return [
        Listener(
            arn=item["ListenerArn"],
            port=item.get("Port"),
            protocol=item.get("Protocol"),
            default_actions=[_action(a) for a in item.get("DefaultActions", [])],
        )
        for item in ctx.paginate(
            _SERVICE, "DescribeListeners", "Listeners", resource_id=arn, LoadBalancerArn=arn
        )
    ]


def _attributes(ctx: CollectContext, arn: str) -> dict[str, str]:
    answer = ctx.call(
        _SERVICE, "DescribeLoadBalancerAttributes", resource_id=arn, LoadBalancerArn=arn
    )
    return {str(a["Key"]): str(a.get("Value", "")) for a in answer.get("Attributes", [])}


def collect_load_balancers(ctx: CollectContext) -> list[LoadBalancer]:
    def one(lb: dict[str, Any]) -> LoadBalancer:
        arn = lb["LoadBalancerArn"]
        return LoadBalancer(
            arn=arn,
            name=lb.get("LoadBalancerName", ""),
            type=lb.get("Type", "application"),
            scheme=lb.get("Scheme", ""),
            vpc_id=lb.get("VpcId"),
            availability_zones=sorted(
                str(z["ZoneName"]) for z in lb.get("AvailabilityZones", []) if "ZoneName" in z
            ),
            security_group_ids=list(lb.get("SecurityGroups", [])),
            listeners=ctx.attempt(partial(_listeners, ctx, arn)),
            attributes=ctx.attempt(partial(_attributes, ctx, arn)),
        )

    balancers = ctx.paginate(_SERVICE, "DescribeLoadBalancers", "LoadBalancers")
    return ctx.each(
        balancers,
        one,
        kind="AWS::ElasticLoadBalancingV2::LoadBalancer",
        ident=lambda lb: lb["LoadBalancerArn"],
        arn=lambda lb: lb["LoadBalancerArn"],
    )


LOAD_BALANCERS = Collector(
    dataset=ELBV2_LOAD_BALANCERS,
    operations=(
        Operation(_SERVICE, "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
        Operation(_SERVICE, "DescribeListeners", "elasticloadbalancing:DescribeListeners"),
        Operation(
            _SERVICE,
            "DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
        ),
    ),
    collect=collect_load_balancers,
)
