"""Every API the collectors read has a cap that says where its rate comes from."""

from __future__ import annotations

from auditor.limits import DEFAULT_LIMIT, LIMITS, limit_for, quota_of
from auditor.registry import load_collectors


def test_every_service_the_collectors_read_has_a_cap_citing_aws_or_saying_none_is_published() -> (
    None
):
    services = {op.service for c in load_collectors().values() for op in c.operations}
    assert {"s3", "dynamodb", "kms", "ec2"} <= services
    for service in services:
        limit = limit_for(service)
        assert limit.concurrency >= 1 and limit.rate > 0 and limit.burst >= 1, service
        if quota_of(service) in LIMITS:
            assert "https://docs.aws.amazon.com/" in limit.source, service
        else:
            assert limit is DEFAULT_LIMIT
            assert "publishes no request rate" in limit.source


def test_published_rates_that_do_not_bind_leave_only_the_concurrency_cap() -> None:
    # DynamoDB's control plane: 2,500 requests/s, far above what 8 reads in flight can send.
    assert limit_for("dynamodb").rate == 2500.0
    assert limit_for("dynamodb").concurrency == 8
    # API Gateway v2 draws on v1's account-wide 10 requests/s.
    assert limit_for("apigatewayv2") == limit_for("apigateway")
    assert limit_for("apigateway").rate == 10.0
