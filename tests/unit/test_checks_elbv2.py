"""The load balancer checks (HTTPS redirect, invalid headers, deletion protection, alarms)."""

from __future__ import annotations

from conftest import (
    ACCOUNT,
    REGION,
    SNS_TOPIC,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    metric_alarm,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import CollectionError, Listener, ListenerAction, LoadBalancer
from checks.elbv2 import (
    elbv2_alb_drops_invalid_headers,
    elbv2_alb_http_redirects_to_https,
    elbv2_load_balancer_deletion_protection,
    elbv2_load_balancer_has_alarm,
)

REDIRECT = ListenerAction(type="redirect", redirect_protocol="HTTPS", redirect_port="443")
FORWARD = ListenerAction(type="forward")


def listener(port: int, protocol: str, *actions: ListenerAction) -> Listener:
    return Listener(
        arn=f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/web/1/{port}",
        port=port,
        protocol=protocol,
        default_actions=list(actions),
    )


def load_balancer(
    name: str,
    *,
    kind: str = "application",
    listeners: list[Listener] | CollectionError | None = None,
    attributes: dict[str, str] | CollectionError | None = None,
) -> LoadBalancer:
    short = {"application": "app", "network": "net", "gateway": "gwy"}[kind]
    return LoadBalancer(
        arn=f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{short}/{name}/50dc6c495c0c9188",
        name=name,
        type=kind,
        listeners=[] if listeners is None else listeners,
        attributes={} if attributes is None else attributes,
    )


# --- elbv2_alb_http_redirects_to_https --------------------------------------------------------


def test_alb_redirecting_http_to_https_passes() -> None:
    lb = load_balancer(
        "web", listeners=[listener(80, "HTTP", REDIRECT), listener(443, "HTTPS", FORWARD)]
    )

    verdict = only_verdict(
        elbv2_alb_http_redirects_to_https, scope_snapshot(elbv2_load_balancers=[lb])
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "web"
    assert verdict.resource.type == "AWS::ElasticLoadBalancingV2::LoadBalancer"
    assert verdict.evidence == {"http_listener_ports": [80], "not_redirecting_ports": []}


def test_alb_forwarding_plain_http_fails_naming_the_port() -> None:
    lb = load_balancer(
        "web", listeners=[listener(80, "HTTP", REDIRECT), listener(8080, "HTTP", FORWARD)]
    )

    verdict = only_verdict(
        elbv2_alb_http_redirects_to_https, scope_snapshot(elbv2_load_balancers=[lb])
    )

    assert verdict.status is Status.FAIL
    assert "port(s) 8080" in verdict.message
    assert verdict.evidence["not_redirecting_ports"] == [8080]


def test_redirect_to_another_http_url_does_not_count() -> None:
    to_http = ListenerAction(type="redirect", redirect_protocol="HTTP", redirect_port="8080")
    lb = load_balancer("web", listeners=[listener(80, "HTTP", to_http)])

    verdict = only_verdict(
        elbv2_alb_http_redirects_to_https, scope_snapshot(elbv2_load_balancers=[lb])
    )

    assert verdict.status is Status.FAIL


def test_https_only_alb_passes_and_network_load_balancers_are_not_judged() -> None:
    alb = load_balancer("secure", listeners=[listener(443, "HTTPS", FORWARD)])
    nlb = load_balancer("tcp", kind="network", listeners=[listener(80, "TCP", FORWARD)])

    verdicts = run_check(
        elbv2_alb_http_redirects_to_https, scope_snapshot(elbv2_load_balancers=[alb, nlb])
    )

    assert [(v.resource.id, v.status) for v in verdicts] == [("secure", Status.PASS)]
    assert verdicts[0].message == "Application Load Balancer secure has no HTTP listener."


def test_alb_whose_listeners_cannot_be_read_is_an_error() -> None:
    error = denied("elbv2", "DescribeListeners", "arn:lb")
    lb = load_balancer("web", listeners=error)

    verdict = only_verdict(
        elbv2_alb_http_redirects_to_https, scope_snapshot(elbv2_load_balancers=[lb])
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error


# --- elbv2_alb_drops_invalid_headers ----------------------------------------------------------

_DROP = "routing.http.drop_invalid_header_fields.enabled"


def test_alb_dropping_invalid_headers_passes_and_the_default_fails() -> None:
    strict = load_balancer("strict", attributes={_DROP: "true"})
    lenient = load_balancer("lenient", attributes={_DROP: "false"})
    unset = load_balancer("unset", attributes={})

    verdicts = by_resource(
        run_check(
            elbv2_alb_drops_invalid_headers,
            scope_snapshot(elbv2_load_balancers=[strict, lenient, unset]),
        )
    )

    assert verdicts["strict"].status is Status.PASS
    assert verdicts["strict"].evidence == {_DROP: "true"}
    assert verdicts["lenient"].status is Status.FAIL
    assert "passes invalid HTTP header fields" in verdicts["lenient"].message
    assert verdicts["unset"].status is Status.FAIL
    assert verdicts["unset"].evidence == {_DROP: "false"}


def test_invalid_headers_error_when_attributes_cannot_be_read() -> None:
    error = denied("elbv2", "DescribeLoadBalancerAttributes", "arn:lb")
    lb = load_balancer("web", attributes=error)

    verdict = only_verdict(
        elbv2_alb_drops_invalid_headers, scope_snapshot(elbv2_load_balancers=[lb])
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error


# --- elbv2_load_balancer_deletion_protection ---------------------------------------------------


def test_deletion_protection_is_judged_on_every_load_balancer_type() -> None:
    protected = load_balancer("web", attributes={"deletion_protection.enabled": "true"})
    nlb = load_balancer("tcp", kind="network", attributes={"deletion_protection.enabled": "false"})

    verdicts = by_resource(
        run_check(
            elbv2_load_balancer_deletion_protection,
            scope_snapshot(elbv2_load_balancers=[protected, nlb]),
        )
    )

    assert verdicts["web"].status is Status.PASS
    assert verdicts["tcp"].status is Status.FAIL
    assert verdicts["tcp"].message == (
        "Network Load Balancer tcp can be deleted without first turning deletion protection off."
    )


def test_deletion_protection_error_when_load_balancers_cannot_be_listed() -> None:
    snapshot = scope_snapshot(elbv2_load_balancers=dataset_denied("elbv2", "DescribeLoadBalancers"))

    [finding] = engine_findings(elbv2_load_balancer_deletion_protection, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeLoadBalancers"


# --- elbv2_load_balancer_has_alarm -------------------------------------------------------------


def test_load_balancer_with_a_paging_alarm_passes() -> None:
    lb = load_balancer("web")
    alarm = metric_alarm(
        "web-5xx",
        namespace="AWS/ApplicationELB",
        dimensions=[{"LoadBalancer": "app/web/50dc6c495c0c9188"}],
    )

    verdict = only_verdict(
        elbv2_load_balancer_has_alarm,
        scope_snapshot(elbv2_load_balancers=[lb], cloudwatch_metric_alarms=[alarm]),
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence["notifying_alarms"] == ["web-5xx"]


def test_alarm_in_the_wrong_namespace_or_without_sns_does_not_count() -> None:
    nlb = load_balancer("tcp", kind="network")
    wrong_namespace = metric_alarm(
        "tcp-app",
        namespace="AWS/ApplicationELB",
        dimensions=[{"LoadBalancer": "net/tcp/50dc6c495c0c9188"}],
    )
    silent = metric_alarm(
        "tcp-silent",
        namespace="AWS/NetworkELB",
        dimensions=[{"LoadBalancer": "net/tcp/50dc6c495c0c9188"}],
        alarm_actions=(),
    )

    verdict = only_verdict(
        elbv2_load_balancer_has_alarm,
        scope_snapshot(
            elbv2_load_balancers=[nlb], cloudwatch_metric_alarms=[wrong_namespace, silent]
        ),
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["silent_alarms"] == {"tcp-silent": "no ALARM action"}
    assert SNS_TOPIC not in str(verdict.evidence)


def test_load_balancer_alarm_error_when_alarms_cannot_be_read() -> None:
    snapshot = scope_snapshot(
        elbv2_load_balancers=[load_balancer("web")],
        cloudwatch_metric_alarms=dataset_denied("cloudwatch", "DescribeAlarms"),
    )

    [finding] = engine_findings(elbv2_load_balancer_has_alarm, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeAlarms"
