"""AWS access for a scan: credentials and identity, regions, and a pool of read-only clients
with adaptive retries, per-(service, region) concurrency caps and call counting."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions
from botocore import xform_name
from botocore.config import Config

from auditor.collectors.base import error_code_of
from auditor.errors import CredentialError, UsageError
from auditor.models import CollectionError

# Concurrent requests per (service, region), below AWS's published sustained read rates.
SERVICE_CONCURRENCY = {
    "rds": 4,
    "cloudwatch": 3,
    "lambda": 4,
    "ec2": 8,
    "iam": 2,
    "application-autoscaling": 3,
}
DEFAULT_CONCURRENCY = 5

_PARTITION_GLOBAL_REGION = {
    "aws": "us-east-1",
    "aws-cn": "cn-north-1",
    "aws-us-gov": "us-gov-west-1",
}

_AUTH_ERROR_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "RequestExpired",
}


@dataclass(frozen=True)
class Identity:
    account_id: str
    arn: str
    partition: str

    @property
    def global_region(self) -> str:
        return _PARTITION_GLOBAL_REGION.get(self.partition, "us-east-1")


def open_session(profile: str | None) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=profile)
    except botocore.exceptions.ProfileNotFound:
        raise CredentialError(f"AWS profile {profile!r} was not found in your AWS config") from None


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
        raise CredentialError(f"AWS profile was not found: {exc}") from None
    except (
        botocore.exceptions.TokenRetrievalError,
        botocore.exceptions.SSOError,
        botocore.exceptions.CredentialRetrievalError,
    ) as exc:
        raise CredentialError(f"AWS credentials could not be loaded: {exc}") from None
    except botocore.exceptions.ClientError as exc:
        code = error_code_of(exc) or "ClientError"
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
            raise UsageError(f"unknown region {region!r}")
    return chosen


def enabled_regions(
    session: boto3.session.Session, identity: Identity, endpoint_url: str | None
) -> list[str]:
    """The regions enabled for the account (EC2 DescribeRegions without AllRegions)."""
    ec2 = session.client(
        "ec2",
        region_name=session.region_name or identity.global_region,
        endpoint_url=endpoint_url,
        config=client_config(2),
    )
    try:
        answer = ec2.describe_regions()
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
        code = error_code_of(exc) or type(exc).__name__
        raise UsageError(
            f"cannot list the account's enabled regions (ec2:DescribeRegions: {code}); "
            "pass --region explicitly"
        ) from None
    return sorted(str(r["RegionName"]) for r in answer["Regions"])


class ClientPool:
    """Thread-safe boto3 clients per (service, region), with caps and counts on every call.

    boto3 clients are thread-safe; sessions are not, so creation happens under a lock.
    """

    def __init__(
        self,
        session: boto3.session.Session,
        endpoint_url: str | None,
        *,
        pool_size: int = 16,
    ) -> None:
        self._session = session
        self._endpoint_url = endpoint_url
        self._config = client_config(pool_size)
        self._clients: dict[tuple[str, str], Any] = {}
        self._caps: dict[tuple[str, str], threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        self.requests_sent = 0
        self.retries = 0

    @property
    def api_calls(self) -> dict[str, int]:
        with self._count_lock:
            return dict(sorted(self._counts.items()))

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._session.client(
                    service,
                    region_name=region,
                    endpoint_url=self._endpoint_url,
                    config=self._config,
                )
                client.meta.events.register("before-call", self._count_call)
                client.meta.events.register("before-send", self._count_request)
                self._clients[key] = client
                self._caps[key] = threading.BoundedSemaphore(
                    SERVICE_CONCURRENCY.get(service, DEFAULT_CONCURRENCY)
                )
            return client

    def _count_call(self, model: Any, **_: Any) -> None:
        name = f"{model.service_model.service_name}:{model.name}"
        with self._count_lock:
            self._counts[name] += 1

    def _count_request(self, **_: Any) -> None:
        with self._count_lock:
            self.requests_sent += 1

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        client = self.client(service, region)
        with self._caps[(service, region)]:
            return getattr(client, xform_name(operation))(**params)

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        client = self.client(service, region)
        method = xform_name(operation)
        with self._caps[(service, region)]:
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
