"""How hard the scan may press each AWS API: a concurrency cap and a token bucket per
(account, region, service), from AWS's published read rates. Rate limits are per account and
region, so each (account, region, service) gets its own gate."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceLimit:
    concurrency: int  # requests in flight at once
    rate: float  # sustained requests per second (token refill)
    burst: float  # bucket size: requests that may go at once before the rate applies


# Sources (default quotas; an account may have raised ones, never lower ones):
LIMITS: dict[str, ServiceLimit] = {
    # EC2 non-mutating (Describe*) actions: bucket 100, refill 20/s.
    # https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
    "ec2": ServiceLimit(concurrency=8, rate=20.0, burst=100.0),
    # RDS API requests are throttled at a sustained ≈ 12 requests/s per account and region.
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html
    "rds": ServiceLimit(concurrency=4, rate=12.0, burst=12.0),
    # CloudWatch DescribeAlarms: 9 transactions per second.
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
    "cloudwatch": ServiceLimit(concurrency=3, rate=9.0, burst=9.0),
    # Lambda control plane API requests: 15 per second per API (GetPolicy 15/s too).
    # https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    "lambda": ServiceLimit(concurrency=4, rate=15.0, burst=15.0),
    # IAM is one global endpoint for the whole account; keep it gentle.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    "iam": ServiceLimit(concurrency=2, rate=10.0, burst=10.0),
    # Application Auto Scaling Describe* calls share a low per-account rate.
    # https://docs.aws.amazon.com/autoscaling/application/userguide/application-autoscaling-limits.html
    "application-autoscaling": ServiceLimit(concurrency=3, rate=10.0, burst=10.0),
    # API Gateway management calls: 10 requests per second per account in total (burst 40).
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
    "apigateway": ServiceLimit(concurrency=3, rate=10.0, burst=40.0),
    # S3 serves at least 5,500 GET/HEAD requests per second per prefix; bucket configuration
    # reads publish no lower figure, so only the concurrency is kept modest.
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
    "s3": ServiceLimit(concurrency=8, rate=100.0, burst=100.0),
}
# Any other service: a modest cap well under the lowest published read rates.
DEFAULT_LIMIT = ServiceLimit(concurrency=5, rate=20.0, burst=20.0)


# Clients that draw on another service's quota: one gate serves both.
_SHARED_QUOTA = {"apigatewayv2": "apigateway"}


def quota_of(service: str) -> str:
    """The quota (a LIMITS key, or the service itself) a boto3 client name draws on."""
    return _SHARED_QUOTA.get(service, service)


def limit_for(service: str) -> ServiceLimit:
    return LIMITS.get(quota_of(service), DEFAULT_LIMIT)


class TokenBucket:
    """`rate` tokens per second up to `burst`; take() waits for one."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _wait(self) -> float:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1
            # A negative balance is a queue: this caller waits until its token has refilled.
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def take(self) -> None:
        delay = self._wait()
        if delay > 0:
            time.sleep(delay)


class Gate:
    """The concurrency cap and token bucket of one (account, region, service)."""

    def __init__(self, limit: ServiceLimit) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit.concurrency)
        self.bucket = TokenBucket(limit.rate, limit.burst)

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._slots:
            yield
