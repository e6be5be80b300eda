"""Elastic Load Balancing (v2) checks: HTTP redirected to HTTPS, invalid headers dropped,
deletion protection, an alarm on every load balancer, and load balancers that survive the loss
of an Availability Zone (several zones, cross-zone load balancing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pydantic import Field, JsonValue

from auditor.checkapi import (
    CheckParameters,
    Scope,
    Verdict,
    check,
    failed,
    passed,
    unreadable,
)
from auditor.datasets import CLOUDWATCH_METRIC_ALARMS, ELBV2_LOAD_BALANCERS
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, LoadBalancer
from checks.cloudwatch import ALARMS_GUIDE, alarm_coverage, alarm_remediation

_LB_TYPE = "AWS::ElasticLoadBalancingV2::LoadBalancer"
_ELB_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"
_ALB_GUIDE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application"
_NLB_GUIDE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network"
_ELB_GUIDE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide"
_KIND = {"application": "Application", "network": "Network", "gateway": "Gateway"}
# CloudWatch namespace of each load balancer type's metrics.
NAMESPACES = {
    "application": "AWS/ApplicationELB",
    "network": "AWS/NetworkELB",
    "gateway": "AWS/GatewayELB",
}


def lb_ref(lb: LoadBalancer) -> ResourceRef:
    return ResourceRef(arn=lb.arn, id=lb.name, type=_LB_TYPE)


def _described(lb: LoadBalancer) -> str:
    return f"{_KIND.get(lb.type, lb.type.capitalize())} Load Balancer {lb.name}"


def _attribute_check(
    scope: Scope,
    key: str,
    *,
    kinds: tuple[str, ...],
    on: str,
    off: str,
) -> Iterable[Verdict]:
    """PASS when the load balancer attribute `key` is "true", for load balancers of `kinds`."""
    for lb in scope.get(ELBV2_LOAD_BALANCERS):
        if lb.type not in kinds:
            continue
        if isinstance(lb.attributes, CollectionError):
            yield unreadable(lb_ref(lb), lb.attributes)
            continue
        value = lb.attributes.get(key, "false")
        verdict: Callable[..., Verdict] = passed if value.lower() == "true" else failed
        yield verdict(
            lb_ref(lb),
            f"{_described(lb)} {on if verdict is passed else off}.",
            **{key: value},
        )


# MEDIUM, as Security Hub rates ELB.1: plain HTTP can be read and changed on the way.
@check(
    id="elbv2_alb_http_redirects_to_https",
    title="Application Load Balancers redirect HTTP to HTTPS",
    service="elbv2",
    severity=Severity.MEDIUM,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "ALB YAML): the load balancer's port 80 listener only redirects to HTTPS on 443, so no "
        "request or session cookie crosses the internet unencrypted."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load Balancers > select the ALB > Listeners and rules > select the "
            "HTTP:80 listener > Edit listener > Default action: Redirect to URL, protocol HTTPS, "
            "port 443, status code 301 > Save changes."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn <http-listener-arn> --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
        terraform=(
            'aws_lb_listener (protocol = "HTTP"): default_action { type = "redirect" redirect '
            '{ protocol = "HTTPS" port = "443" status_code = "HTTP_301" } }'
        ),
    ),
    references=[
        f"{_ELB_CONTROLS}#elb-1",
        f"{_CONFIG_RULES}/alb-http-to-https-redirection-check.html",
        f"{_ALB_GUIDE}/load-balancer-listeners.html#redirect-actions",
    ],
    compliance={"fsbp": ["ELB.1"]},
)
def elbv2_alb_http_redirects_to_https(scope: Scope) -> Iterable[Verdict]:
    """Every HTTP listener's default action must redirect to HTTPS; an ALB with only HTTPS
    listeners passes. Listener rules other than the default are not read: a path rule that
    forwards over HTTP is not seen."""
    for lb in scope.get(ELBV2_LOAD_BALANCERS):
        if lb.type != "application":
            continue
        if isinstance(lb.listeners, CollectionError):
            yield unreadable(lb_ref(lb), lb.listeners)
            continue
        http = [listener for listener in lb.listeners if listener.protocol == "HTTP"]
        plain = [
            listener
            for listener in http
            if not any(
                a.type == "redirect" and (a.redirect_protocol or "").upper() == "HTTPS"
                for a in listener.default_actions
            )
        ]
        evidence: dict[str, JsonValue] = {
            "http_listener_ports": [listener.port for listener in http],
            "not_redirecting_ports": [listener.port for listener in plain],
        }
        name = _described(lb)
        if plain:
            ports = ", ".join(str(listener.port) for listener in plain)
            yield Verdict(
                Status.FAIL,
                lb_ref(lb),
                f"{name} serves plain HTTP on port(s) {ports} without redirecting to HTTPS.",
                evidence,
            )
        elif http:
            yield Verdict(
                Status.PASS, lb_ref(lb), f"{name} redirects every HTTP listener to HTTPS.", evidence
            )
        else:
            yield Verdict(Status.PASS, lb_ref(lb), f"{name} has no HTTP listener.", evidence)


# MEDIUM, as Security Hub rates ELB.4: malformed headers are a request-smuggling vector.
@check(
    id="elbv2_alb_drops_invalid_headers",
    title="Application Load Balancers drop invalid HTTP headers",
    service="elbv2",
    severity=Severity.MEDIUM,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's ALB "
        "in front of the application tier): the load balancer is the application's front door; "
        "dropping header fields that are not valid HTTP keeps request-smuggling and "
        "header-injection tricks from reaching the targets."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load Balancers > select the ALB > Attributes > Edit > Packet handling: "
            "turn on 'Drop invalid header fields' > Save changes."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <alb-arn> --attributes "
            "Key=routing.http.drop_invalid_header_fields.enabled,Value=true"
        ),
        terraform="aws_lb (application): drop_invalid_header_fields = true",
    ),
    references=[
        f"{_ELB_CONTROLS}#elb-4",
        f"{_CONFIG_RULES}/alb-http-drop-invalid-header-enabled.html",
        f"{_ALB_GUIDE}/application-load-balancers.html#load-balancer-attributes",
    ],
    compliance={"fsbp": ["ELB.4"]},
)
def elbv2_alb_drops_invalid_headers(scope: Scope) -> Iterable[Verdict]:
    yield from _attribute_check(
        scope,
        "routing.http.drop_invalid_header_fields.enabled",
        kinds=("application",),
        on="drops invalid HTTP header fields",
        off="passes invalid HTTP header fields on to its targets",
    )


# MEDIUM, as Security Hub rates ELB.6: one wrong click takes the whole entry point down.
@check(
    id="elbv2_load_balancer_deletion_protection",
    title="Load balancers have deletion protection enabled",
    service="elbv2",
    severity=Severity.MEDIUM,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "load-balanced tiers): the load balancer is the single entry point of the service; "
        "deletion protection keeps a mistaken delete or stack teardown from taking it offline."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load Balancers > select the load balancer > Attributes > Edit > "
            "turn on 'Deletion protection' > Save changes."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes "
            "Key=deletion_protection.enabled,Value=true"
        ),
        terraform="aws_lb: enable_deletion_protection = true",
    ),
    references=[
        f"{_ELB_CONTROLS}#elb-6",
        f"{_CONFIG_RULES}/elb-deletion-protection-enabled.html",
        f"{_ALB_GUIDE}/application-load-balancers.html#deletion-protection",
    ],
    compliance={"fsbp": ["ELB.6"]},
)
def elbv2_load_balancer_deletion_protection(scope: Scope) -> Iterable[Verdict]:
    yield from _attribute_check(
        scope,
        "deletion_protection.enabled",
        kinds=tuple(NAMESPACES),
        on="has deletion protection enabled",
        off="can be deleted without first turning deletion protection off",
    )


# MEDIUM: an unwatched entry point fails in front of its users first.
@check(
    id="elbv2_load_balancer_has_alarm",
    title="Load balancers have a CloudWatch alarm that notifies someone",
    service="elbv2",
    severity=Severity.MEDIUM,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS, CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study): key resources have an "
        "alarm that reaches people through SNS; for a load balancer that is 5XX errors, "
        "unhealthy hosts or latency, so an outage pages the team before the users report it."
    ),
    remediation=alarm_remediation(
        console_metric="ApplicationELB > Per AppELB Metrics",
        namespace="AWS/ApplicationELB",
        metric="HTTPCode_ELB_5XX_Count",
        dimension="LoadBalancer",
        placeholder="app/<lb-name>/<lb-id>",
        alarm_when=(
            "--statistic Sum --period 300 --evaluation-periods 2 --threshold 10 "
            "--comparison-operator GreaterThanOrEqualToThreshold"
        ),
    ),
    references=[
        ALARMS_GUIDE,
        f"{_ALB_GUIDE}/load-balancer-cloudwatch-metrics.html",
    ],
    compliance={"wa-rel": ["REL06-BP03", "REL11-BP01"]},
)
def elbv2_load_balancer_has_alarm(scope: Scope) -> Iterable[Verdict]:
    """An alarm watches a load balancer when it is in that type's namespace (AWS/ApplicationELB,
    AWS/NetworkELB, AWS/GatewayELB) with LoadBalancer = "app/<name>/<id>" (the ARN's tail);
    alarms on one of its target groups count too, as they carry the same dimension."""
    alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
    for lb in scope.get(ELBV2_LOAD_BALANCERS):
        yield alarm_coverage(
            lb_ref(lb),
            _described(lb),
            alarms,
            namespace=NAMESPACES.get(lb.type, "AWS/ApplicationELB"),
            dimension="LoadBalancer",
            value=lb.metric_dimension,
        )


class ZoneSpread(CheckParameters):
    minimum_zones: int = Field(
        default=2,
        ge=2,
        le=10,
        description="Fewest Availability Zones a load balancer serves from (Security Hub's "
        "ELB.13 default).",
    )


# MEDIUM, as Security Hub rates ELB.13: a zone outage takes the only entry point with it.
@check(
    id="elbv2_load_balancer_multi_az",
    title="Load balancers serve from at least two Availability Zones",
    service="elbv2",
    severity=Severity.MEDIUM,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "ALB in front of instances in two Availability Zones): the entry point is redundant "
        "across zones like the tiers behind it, so the loss of one zone leaves a load balancer "
        "node and healthy targets in another. Application Load Balancers always need two "
        "zones; Network and Gateway Load Balancers may run in one, and then fail with it."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load Balancers > select the load balancer > Network mapping > Edit "
            "subnets > select a subnet in a second Availability Zone > Save changes."
        ),
        cli=(
            "aws elbv2 set-subnets --load-balancer-arn <lb-arn> --subnets <subnet-in-zone-a> "
            "<subnet-in-zone-b>"
        ),
        terraform="aws_lb: subnets = [<subnet in zone a>, <subnet in zone b>]",
    ),
    references=[
        f"{_ELB_CONTROLS}#elb-13",
        f"{_CONFIG_RULES}/elbv2-multiple-az.html",
        f"{_ALB_GUIDE}/load-balancer-subnets.html",
        f"{_NLB_GUIDE}/network-load-balancers.html#availability-zones",
    ],
    compliance={"fsbp": ["ELB.13"], "wa-rel": ["REL10-BP01", "REL11-BP02"]},
    parameters=ZoneSpread,
)
def elbv2_load_balancer_multi_az(scope: Scope) -> Iterable[Verdict]:
    minimum = scope.parameters(ZoneSpread).minimum_zones
    for lb in scope.get(ELBV2_LOAD_BALANCERS):
        zones = sorted(set(lb.availability_zones))
        verdict: Callable[..., Verdict] = passed if len(zones) >= minimum else failed
        yield verdict(
            lb_ref(lb),
            f"{_described(lb)} serves from {len(zones)} Availability Zone"
            f"{'' if len(zones) == 1 else 's'} ({', '.join(zones) or 'none'}); "
            f"{minimum} or more are required.",
            availability_zones=list(zones),
            minimum_zones=minimum,
        )


# LOW: with targets in every zone nothing is down, but a zone that loses its targets drops the
# share of connections its load balancer node receives until DNS moves them.
@check(
    id="elbv2_load_balancer_cross_zone",
    title="Network and Gateway Load Balancers balance across Availability Zones",
    service="elbv2",
    severity=Severity.LOW,
    resource_type=_LB_TYPE,
    datasets=[ELBV2_LOAD_BALANCERS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "load-balanced tiers across two zones): each load balancer node sends traffic to "
        "healthy targets in every enabled zone, so uneven or failing targets in one zone do not "
        "overload or black-hole that zone's share. Application Load Balancers always balance "
        "across zones; Network and Gateway Load Balancers do only when "
        "load_balancing.cross_zone.enabled is true."
    ),
    remediation=Remediation(
        console=(
            "EC2 console > Load Balancers > select the Network or Gateway Load Balancer > "
            "Attributes > Edit > turn on 'Cross-zone load balancing' > Save changes."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes "
            "Key=load_balancing.cross_zone.enabled,Value=true"
        ),
        terraform="aws_lb: enable_cross_zone_load_balancing = true",
    ),
    references=[
        f"{_NLB_GUIDE}/network-load-balancers.html#cross-zone-load-balancing",
        f"{_ELB_GUIDE}/how-elastic-load-balancing-works.html#cross-zone-load-balancing",
    ],
    compliance={"wa-rel": ["REL10-BP01", "REL11-BP02"]},
)
def elbv2_load_balancer_cross_zone(scope: Scope) -> Iterable[Verdict]:
    """Judges Network and Gateway Load Balancers; an Application Load Balancer has cross-zone
    load balancing always on at the load balancer (its target groups may turn it off)."""
    yield from _attribute_check(
        scope,
        "load_balancing.cross_zone.enabled",
        kinds=("network", "gateway"),
        on="balances traffic across all its Availability Zones",
        off="sends each zone's traffic only to the targets in that zone",
    )
