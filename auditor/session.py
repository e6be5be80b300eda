"""AWS access for a scan: credentials and identity, regions, and a pool of read-only clients
with adaptive retries, a concurrency cap and token bucket per (service, region) from
`auditor.limits`, and requests, calls and throttles counted by botocore event hooks."""

from __future__ import annotations

import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3
import botocore.exceptions
import botocore.loaders
import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.retries.standard import RetryEventAdapter, ThrottlingErrorDetector

from auditor.collectors.base import UnpagedList, error_code_of
from auditor.errors import CredentialError, UsageError
from auditor.limits import Gate, limit_for, quota_of
from auditor.models import CollectionError
from auditor.suggest import did_you_mean, listed

_PARTITION_GLOBAL_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
}

# Error codes of a throttled read (botocore's own list, plus EC2's and S3's names).
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

_AUTH_ERROR_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "RequestExpired",
}
_EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException"}


@dataclass(frozen=True)
class Identity:
    account_id: str
    arn: str
    partition: str

    @property
    def global_region(self) -> str:
        return _PARTITION_GLOBAL_REGION.get(self.partition, "us-east-1")


# Keys of a service model that only feed docstrings: in an operation, a shape, or a reference
# to a shape (never inside a "members" mapping, where a member may have any name).
_DOC_KEYS = ("documentation", "documentationUrl", "deprecatedMessage")


def _without_docs(node: dict[str, Any]) -> None:
    for key in _DOC_KEYS:
        node.pop(key, None)


def strip_documentation(model: dict[str, Any]) -> dict[str, Any]:
    """A service model without its prose: a client never reads it, and it is about a tenth of
    the memory the models of a scan's clients hold (bench/README.md)."""
    _without_docs(model)
    for operation in model.get("operations", {}).values():
        _without_docs(operation)
        for ref in (operation.get("input"), operation.get("output"), *operation.get("errors", [])):
            if isinstance(ref, dict):
                _without_docs(ref)
    for shape in model.get("shapes", {}).values():
        _without_docs(shape)
        for ref in (*shape.get("members", {}).values(), *(shape.get(k) for k in _SHAPE_REFS)):
            if isinstance(ref, dict):
                _without_docs(ref)
    return model


_SHAPE_REFS = ("member", "key", "value")


class ModelLoader(botocore.loaders.Loader):  # type: ignore[misc]
    """botocore's loader, keeping service models without their documentation."""

    @botocore.loaders.instance_cache  # type: ignore[untyped-decorator]
    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        model = super().load_service_model(service_name, type_name, api_version)
        return strip_documentation(model) if type_name == "service-2" else model


_LOADER_LOCK = threading.Lock()
_LOADER: ModelLoader | None = None


def shared_loader() -> ModelLoader:
    """The process's one loader: every session's clients share its parsed models."""
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = ModelLoader()
        return _LOADER


def share_models(session: boto3.session.Session) -> boto3.session.Session:
    """Point the session at the shared loader (sessions made from it, as an organization's
    member sessions are, share it too)."""
    core = session._session
    with _CREATE_LOCK:
        if core.get_component("data_loader") is not shared_loader():
            core.register_component("data_loader", shared_loader())
    return session


def open_session(profile: str | None) -> boto3.session.Session:
    try:
        return share_models(boto3.session.Session(profile_name=profile))
    except botocore.exceptions.ProfileNotFound as exc:
        missing = str(exc.kwargs.get("profile") or profile)
        raise profile_not_found(missing, "" if profile else " (named by AWS_PROFILE)") from None


def profile_not_found(profile: str, source: str = "") -> CredentialError:
    """The missing profile, the closest names and every profile that exists."""
    try:
        profiles = sorted(botocore.session.Session().available_profiles)
    except botocore.exceptions.BotoCoreError:  # an unreadable config names no profiles
        profiles = []
    if not profiles:
        return CredentialError(
            f"AWS profile {profile!r}{source} was not found: no profile is configured "
            "(`aws configure sso` or `aws configure` makes one)"
        )
    return CredentialError(
        f"AWS profile {profile!r}{source} was not found in your AWS config"
        f"{did_you_mean(profile, profiles)} (profiles: {listed(profiles)})"
    )


# Raised when an SSO (IAM Identity Center) token is missing, expired or revoked, and, in
# botocore releases that have it, when an `aws login` session needs a new login.
_SSO_ERRORS: tuple[type[Exception], ...] = (
    botocore.exceptions.SSOError,
    botocore.exceptions.TokenRetrievalError,
)
_LOGIN_ERRORS: tuple[type[Exception], ...] = (
    (botocore.exceptions.LoginError,) if hasattr(botocore.exceptions, "LoginError") else ()
)


def _profile_name(session: boto3.session.Session) -> str:
    return str(session.profile_name or "default")


def _uses_sso(session: boto3.session.Session) -> bool:
    try:
        config = session._session.get_scoped_config()
    except botocore.exceptions.BotoCoreError:
        return False
    return "sso_session" in config or "sso_start_url" in config


def sso_login_needed(session: boto3.session.Session) -> CredentialError:
    profile = _profile_name(session)
    return CredentialError(
        f"the AWS SSO session of profile {profile!r} is missing or has expired: "
        f"run `aws sso login --profile {profile}` and scan again"
    )


def client_config(max_pool: int = 16) -> Config:
    return Config(
        retries={"mode": "adaptive", "max_attempts": 8},
        connect_timeout=10,
        read_timeout=30,
        max_pool_connections=max_pool,
        user_agent_extra="auditor",
    )


def caller_identity(session: boto3.session.Session, endpoint_url: str | None) -> Identity:
    """STS GetCallerIdentity: proves the credentials work before anything else is read."""
    region = session.region_name or "us-east-1"
    try:
        sts = session.client(
            "sts", region_name=region, endpoint_url=endpoint_url, config=client_config(2)
        )
        answer = sts.get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise CredentialError(
            "no AWS credentials found: pass --profile, set AWS_PROFILE, or configure credentials"
        ) from None
    except botocore.exceptions.ProfileNotFound as exc:
        raise profile_not_found(str(exc.kwargs.get("profile", ""))) from None
    except _SSO_ERRORS:
        raise sso_login_needed(session) from None
    except _LOGIN_ERRORS:
        profile = _profile_name(session)
        raise CredentialError(
            f"the AWS login session of profile {profile!r} has expired: "
            f"run `aws login --profile {profile}` and scan again"
        ) from None
    except botocore.exceptions.CredentialRetrievalError as exc:
        raise CredentialError(f"AWS credentials could not be loaded: {exc}") from None
    except botocore.exceptions.ClientError as exc:
        code = error_code_of(exc) or "ClientError"
        if code in _EXPIRED_CODES and _uses_sso(session):
            raise sso_login_needed(session) from None
        if code in _AUTH_ERROR_CODES:
            raise CredentialError(
                f"AWS rejected the credentials ({code}): refresh or log in again"
            ) from None
        raise CredentialError(f"sts:GetCallerIdentity failed ({code})") from None
    except botocore.exceptions.EndpointConnectionError as exc:
        raise CredentialError(f"cannot reach AWS: {exc}") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise CredentialError(f"AWS credentials could not be used: {exc}") from None
    arn = str(answer["Arn"])
    return Identity(account_id=str(answer["Account"]), arn=arn, partition=arn.split(":")[1])


def known_regions(session: boto3.session.Session) -> set[str]:
    """Every region botocore knows in any partition (to tell a typo from a disabled region)."""
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return regions


def validate_regions(session: boto3.session.Session, regions: Iterable[str]) -> list[str]:
    known = known_regions(session)
    chosen = list(dict.fromkeys(regions))
    for region in chosen:
        if region not in known:
            raise UsageError(f"unknown region {region!r}{did_you_mean(region, known)}")
    return chosen


def list_enabled_regions(
    session: boto3.session.Session, identity: Identity, endpoint_url: str | None
) -> list[str]:
    """The regions enabled for the account (EC2 DescribeRegions without AllRegions); botocore's
    error when they cannot be listed."""
    with _CREATE_LOCK:
        ec2 = session.client(
            "ec2",
            region_name=session.region_name or identity.global_region,
            endpoint_url=endpoint_url,
            config=client_config(2),
        )
    return sorted(str(r["RegionName"]) for r in ec2.describe_regions()["Regions"])


def enabled_regions(
    session: boto3.session.Session, identity: Identity, endpoint_url: str | None
) -> list[str]:
    """The caller's enabled regions; a UsageError when they cannot be listed."""
    try:
        return list_enabled_regions(session, identity, endpoint_url)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        code = error_code_of(exc) or type(exc).__name__
        raise UsageError(
            f"cannot list the account's enabled regions (ec2:DescribeRegions: {code}); "
            "pass --region explicitly"
        ) from None


class Meter:
    """What a scan sent, shared by every client of every account: calls per operation,
    HTTP requests (retries included) and throttled answers, counted by botocore event hooks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self.requests = 0
        self.throttled = 0  # throttled answers seen, retried or not
        self.throttle_failures = 0  # throttles that outlived the retries

    @property
    def api_calls(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._calls.items()))

    @property
    def throttles_absorbed(self) -> int:
        return max(0, self.throttled - self.throttle_failures)

    def call(self, name: str) -> None:
        with self._lock:
            self._calls[name] += 1

    def request(self) -> None:
        with self._lock:
            self.requests += 1

    def throttle(self, *, failed: bool = False) -> None:
        with self._lock:
            if failed:
                self.throttle_failures += 1
            else:
                self.throttled += 1


_THROTTLING = ThrottlingErrorDetector(RetryEventAdapter())

# Lists that AWS pages only when asked with a page size (its paginator's limit key), and the
# size sent: without it ListBuckets returns no BucketRegion and no ContinuationToken (and is
# refused for accounts allowed over 10,000 buckets), ListQueues stops at 1,000 queues without a
# NextToken, and ListUserPools requires MaxResults (60 at most).
PAGE_SIZE_NEEDED: dict[tuple[str, str], tuple[str, int]] = {
    ("s3", "ListBuckets"): ("MaxBuckets", 1000),
    ("sqs", "ListQueues"): ("MaxResults", 1000),
    ("cognito-idp", "ListUserPools"): ("MaxResults", 60),
}


def drop_account_host_label(request: Any, **_: Any) -> None:
    """S3 Control sends each request to `<account id>.<endpoint host>`. A custom endpoint (a
    local stand-in for AWS) has no such names and routes by path, so the label is dropped;
    registered only for a custom endpoint, never for AWS itself."""
    url = urllib.parse.urlsplit(request.url)
    label, _, rest = url.netloc.partition(".")
    if rest and len(label) == 12 and label.isdigit():  # an account id, never an IP octet
        request.url = urllib.parse.urlunsplit(url._replace(netloc=rest))


# Sessions are not thread-safe, and the scan's sessions share one loader of service models:
# every client is created under this one lock (creation is rare; calls are not locked).
_CREATE_LOCK = threading.RLock()


def locked_create_client(session: botocore.session.Session, service: str, **kwargs: Any) -> Any:
    with _CREATE_LOCK:
        return session.create_client(service, **kwargs)


class ClientPool:
    """Thread-safe boto3 clients per (service, region) of one account's session, each built
    once, with a concurrency cap and token bucket per (service, region) and counts on every call.

    boto3 clients are thread-safe; sessions are not, so creation happens under a lock.
    """

    def __init__(
        self,
        session: boto3.session.Session,
        endpoint_url: str | None,
        *,
        pool_size: int = 16,
        meter: Meter | None = None,
    ) -> None:
        self._session = share_models(session)
        self._endpoint_url = endpoint_url
        self._config = client_config(pool_size)
        self._clients: dict[tuple[str, str], Any] = {}
        self._gates: dict[tuple[str, str], Gate] = {}
        self.meter = meter or Meter()

    @property
    def api_calls(self) -> dict[str, int]:
        return self.meter.api_calls

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with _CREATE_LOCK:
            client = self._clients.get(key)
            if client is None:
                client = self._session.client(
                    service,
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=self._config,
                )
                # Clients on one quota (API Gateway v1 and v2) share the gate.
                gate = self._gates.get((quota_of(service), region)) or Gate(limit_for(service))
                events = client.meta.events
                events.register("before-call", self._count_call)
                events.register("before-send", partial(self._before_send, gate))
                events.register("needs-retry", self._count_throttle)
                if service == "s3control" and self._endpoint_url:
                    events.register("before-send.s3-control", drop_account_host_label)
                self._clients[key] = client
                self._gates[key] = self._gates[(quota_of(service), region)] = gate
            return client

    def close(self) -> None:
        """Release every client (its connections and memory); a later call builds anew."""
        with _CREATE_LOCK:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def gate(self, service: str, region: str) -> Gate:
        self.client(service, region)
        return self._gates[(service, region)]

    def _count_call(self, model: Any, **_: Any) -> None:
        self.meter.call(f"{model.service_model.service_name}:{model.name}")

    def _before_send(self, gate: Gate, **_: Any) -> None:
        # Every HTTP attempt, retries included, takes a token of the published rate.
        gate.bucket.take()
        self.meter.request()

    def _count_throttle(self, **kwargs: Any) -> None:
        if kwargs.get("response") is not None and _THROTTLING.is_throttling_error(**kwargs):
            self.meter.throttle()

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        client = self.client(service, region)
        method = xform_name(operation)
        if client.can_paginate(method):
            # One call of a paginated list is its first page only: never taken as complete.
            raise UnpagedList(f"{service}:{operation} pages: read it with paginate")
        with self._gates[(service, region)].slot():
            return getattr(client, method)(**params)

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        client = self.client(service, region)
        method = xform_name(operation)
        page_size = PAGE_SIZE_NEEDED.get((service, operation))
        if page_size is not None and page_size[0] not in params:
            params = {**params, page_size[0]: page_size[1]}
        with self._gates[(service, region)].slot():
            if client.can_paginate(method):
                yield from client.get_paginator(method).paginate(**params)
            else:
                yield getattr(client, method)(**params)

    def error_from(
        self,
        exc: Exception,
        *,
        account_id: str,
        region: str,
        service: str,
        operation: str,
        resource_id: str | None,
    ) -> CollectionError | None:
        if isinstance(exc, botocore.exceptions.ClientError):
            error = exc.response.get("Error", {})
            code = str(
                error.get("Code")
                or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "ClientError")
            )
            message = str(error.get("Message") or exc)
            if code in THROTTLE_CODES:
                self.meter.throttle(failed=True)  # past its retries: an ERROR finding
        elif isinstance(exc, botocore.exceptions.BotoCoreError):
            code, message = type(exc).__name__, str(exc)
        else:
            return None
        return CollectionError(
            account_id=account_id,
            region=region,
            service=service,
            operation=operation,
            error_code=code,
            message=message[:500],
            resource_id=resource_id,
        )
