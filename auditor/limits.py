"""How hard the scan may press each AWS API: a concurrency cap and a token bucket per
(account, region, service), from AWS's published read rates, each citing its source. Rate
limits are per account and region, so each (account, region, service) gets its own gate."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceLimit:
    concurrency: int  # requests in flight at once
    rate: float  # sustained requests per second (token refill)
    burst: float  # bucket size: requests that may go at once before the rate applies
    # Where the rate comes from: AWS's page publishing it, or why there is none.
    source: str = field(default="", compare=False)


_UNPUBLISHED = (
    "AWS publishes no request rate for these reads; the cap is the default below, which "
    "sits under every published control-plane read rate in this table"
)

# Default quotas (an account may have raised ones, never lower ones). Rate limits are per
# account and region (IAM's per account), so each (account, region, service) gets its own gate;
# the operations each gate serves are those the collectors declare.
LIMITS: dict[str, ServiceLimit] = {
    # DescribeSecurityGroups, DescribeNetworkInterfaces: non-mutating actions, bucket 100,
    # refill 20/s.
    "ec2": ServiceLimit(
        8, 20.0, 100.0, "https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html"
    ),
    # DescribeDBInstances/Clusters/Snapshots/ClusterSnapshots/Proxies/ProxyTargets: API
    # requests throttled at a sustained ~12/s.
    "rds": ServiceLimit(
        4, 12.0, 12.0, "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html"
    ),
    # DescribeAlarms 9 TPS is the lowest of DescribeAlarms, ListDashboards, GetDashboard and
    # GetMetricData; one gate takes the lowest.
    "cloudwatch": ServiceLimit(
        3,
        9.0,
        9.0,
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html",
    ),
    # ListFunctions, GetPolicy, ListEventSourceMappings, ListFunctionEventInvokeConfigs:
    # control plane requests 15/s per API.
    "lambda": ServiceLimit(
        4, 15.0, 15.0, "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    ),
    # GetAccountAuthorizationDetails, GetAccountSummary, ListVirtualMFADevices and the
    # credential report: IAM publishes object quotas, no read rate; one global endpoint per
    # account, so the cap stays gentle (not raised: these are five calls per account).
    "iam": ServiceLimit(
        2,
        10.0,
        10.0,
        "AWS publishes no IAM read rate "
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); "
        "a gentle cap for five calls per account",
    ),
    # DescribeScalableTargets, DescribeScalingPolicies.
    "application-autoscaling": ServiceLimit(
        3,
        10.0,
        10.0,
        "https://docs.aws.amazon.com/autoscaling/application/userguide/"
        "application-autoscaling-limits.html",
    ),
    # GetRestApis, GetStages (v1) and GetApis, GetRoutes, GetStages (v2): 10 requests/s per
    # account in total, burst 40.
    "apigateway": ServiceLimit(
        3, 10.0, 40.0, "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html"
    ),
    # ListBuckets, GetBucketLocation and the per-bucket configuration GETs (encryption,
    # lifecycle, policy, versioning, Block Public Access): at least 5,500 GET/HEAD per second
    # per prefix; no lower figure is published for bucket configuration reads. Each bucket's
    # reads go to its own region's endpoint and gate.
    "s3": ServiceLimit(
        8,
        100.0,
        100.0,
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html",
    ),
    # ListTables, DescribeTable, DescribeTimeToLive, DescribeContinuousBackups: the control
    # plane throttles at 2,500 requests/s; only the concurrency binds.
    "dynamodb": ServiceLimit(
        8,
        2500.0,
        2500.0,
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-control-plane.html",
    ),
    # ListKeys, DescribeKey, GetKeyRotationStatus: per-operation request quotas, the lowest
    # of them (ListKeys) at 100/s.
    "kms": ServiceLimit(
        8,
        100.0,
        100.0,
        "https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html",
    ),
}
# Any other service (autoscaling, cloudtrail, cognito-idp, dax, elasticache, elbv2, logs,
# organizations, s3control, sns, sqs): no published rate was found for the reads the collectors
# send; a modest cap well under the lowest published read rates above.
DEFAULT_LIMIT = ServiceLimit(concurrency=5, rate=20.0, burst=20.0, source=_UNPUBLISHED)


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
