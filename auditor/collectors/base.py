"""The collector contract: a dataset, the read-only operations it sends, and how it turns them
into snapshot models. The context wraps every call so a failure becomes a CollectionError."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from auditor.datasets import Dataset
from auditor.models import CollectionError, UnreadResource

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Per-resource detail reads of one collector run at most this many at once; the service's
# gate (its concurrency cap and token bucket) still bounds what reaches AWS.
DETAIL_READS_AT_ONCE = 8


@dataclass(frozen=True)
class Operation:
    """One AWS API operation a collector may send, and the IAM action that allows it."""

    service: str  # boto3 client name, e.g. "application-autoscaling"
    name: str  # API operation, e.g. "DescribeScalableTargets"
    permission: str  # IAM action, e.g. "application-autoscaling:DescribeScalableTargets"


@dataclass(frozen=True)
class Collector:
    dataset: Dataset[Any]
    operations: tuple[Operation, ...]
    collect: Callable[[CollectContext], Any]

    @property
    def permissions(self) -> list[str]:
        return sorted({op.permission for op in self.operations})


class CollectionFailure(Exception):
    """Raised inside a collector when a read fails; the engine records the error value."""

    def __init__(self, error: CollectionError) -> None:
        super().__init__(error.describe())
        self.error = error


class CollectorBug(RuntimeError):
    """A collector used the framework wrongly: never taken for one resource's gap."""


class UndeclaredOperation(CollectorBug):
    """A collector sent an operation it did not declare: a bug, caught by the meta-tests."""


class UnpagedList(CollectorBug):
    """A collector sent a paginated list as one call, which reads its first page only."""


class ApiCaller(Protocol):
    """What a collector calls through: the engine supplies retries, caps and call counting."""

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any: ...

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]: ...

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
        """The CollectionError for an AWS failure, or None when `exc` is not one."""
        ...


class CollectContext:
    """One collector run in one (account, region): the calls it may make and the gaps it hit."""

    def __init__(
        self,
        collector: Collector,
        caller: ApiCaller,
        *,
        account_id: str,
        region: str,
        api_region: str,
        scan_regions: Iterable[str],
        partition: str = "aws",
    ) -> None:
        self._collector = collector
        self._declared = {(op.service, op.name) for op in collector.operations}
        self._caller = caller
        self.account_id = account_id
        self.region = region  # the snapshot scope: a region, or "global"
        self.api_region = api_region  # where to send calls for this scope
        self.scan_regions = tuple(scan_regions)
        self.partition = partition
        self.errors: list[CollectionError] = []
        self.unread: list[UnreadResource] = []
        # (service, operation) of the latest answer: the one an answer the collector cannot
        # make sense of most likely came from, named in the dataset's error.
        self.last_answered: tuple[str, str] | None = None

    def _check_declared(self, service: str, operation: str) -> None:
        if (service, operation) not in self._declared:
            raise UndeclaredOperation(
                f"collector {self._collector.dataset.name} sent undeclared {service}:{operation}"
            )

    def _failure(
        self,
        exc: Exception,
        service: str,
        operation: str,
        region: str | None,
        resource_id: str | None,
    ) -> CollectionFailure | None:
        # A global scope's per-resource call to a named region (an S3 bucket's) is that
        # region's gap; anything else belongs to the scope.
        where = region if region is not None and self.region == "global" else self.region
        error = self._caller.error_from(
            exc,
            account_id=self.account_id,
            region=where,
            service=service,
            operation=operation,
            resource_id=resource_id,
        )
        return CollectionFailure(error) if error is not None else None

    def call(
        self,
        service: str,
        operation: str,
        *,
        region: str | None = None,
        resource_id: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """Send one read; any AWS failure raises CollectionFailure naming the operation."""
        self._check_declared(service, operation)
        target = region or self.api_region
        try:
            result: dict[str, Any] = self._caller.call(service, target, operation, params)
        except Exception as exc:
            failure = self._failure(exc, service, operation, region, resource_id)
            if failure is None:
                raise
            raise failure from exc
        self.last_answered = (service, operation)
        return result

    def paginate(
        self,
        service: str,
        operation: str,
        result_key: str,
        *,
        region: str | None = None,
        resource_id: str | None = None,
        **params: Any,
    ) -> list[Any]:
        """Every item of `result_key` across all pages (botocore's paginator)."""
        return self.paginate_keys(
            service, operation, (result_key,), region=region, resource_id=resource_id, **params
        )[result_key]

    def paginate_keys(
        self,
        service: str,
        operation: str,
        result_keys: Iterable[str],
        *,
        region: str | None = None,
        resource_id: str | None = None,
        **params: Any,
    ) -> dict[str, list[Any]]:
        self._check_declared(service, operation)
        target = region or self.api_region
        keys = tuple(result_keys)
        merged: dict[str, list[Any]] = {key: [] for key in keys}
        try:
            for page in self._caller.paginate(service, target, operation, params):
                self.last_answered = (service, operation)
                for key in keys:
                    merged[key].extend(page.get(key, []))
        except Exception as exc:
            failure = self._failure(exc, service, operation, region, resource_id)
            if failure is None:
                raise
            raise failure from exc
        return merged

    def map(self, read: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`read` over `items`, several at once, results in the items' order.

        Collectors read per-resource details (a table's TTL, a function's policy) this way so
        N resources cost about N / cap round trips instead of N in a row.
        """
        todo = list(items)
        if len(todo) < 2:
            return [read(item) for item in todo]
        with ThreadPoolExecutor(max_workers=min(DETAIL_READS_AT_ONCE, len(todo))) as pool:
            return list(pool.map(read, todo))

    def failure(
        self, service: str, operation: str, code: str, message: str, *, resource_id: str | None
    ) -> CollectionFailure:
        """The failure to raise for an answer that came back but cannot be trusted: a status
        inside a successful response, a document that does not parse."""
        return CollectionFailure(
            CollectionError(
                account_id=self.account_id,
                region=self.region,
                service=service,
                operation=operation,
                error_code=code,
                message=message[:500],
                resource_id=resource_id,
            )
        )

    def attempt(self, read: Callable[[], T], *, gone: Collection[str] = ()) -> T | CollectionError:
        """Run a per-resource read; a failure becomes that resource's CollectionError value.

        A failure with one of the `gone` codes (the resource was deleted since its list call)
        propagates instead, so `each` keeps the whole resource unread rather than judging the
        reads that came before it."""
        try:
            return read()
        except CollectionFailure as failure:
            if failure.error.error_code in gone:
                raise
            self.errors.append(failure.error)
            return failure.error

    def each(
        self,
        items: Iterable[T],
        read: Callable[[T], R | None],
        *,
        kind: str,
        ident: Callable[[T], str],
        arn: Callable[[T], str | None] = lambda item: None,
    ) -> list[R]:
        """`read` over each listed item (several at once): the models of the resources read.

        The blast radius of a per-resource read is that resource. Where `read` returns None
        (the collector's own choice: a bucket outside the scanned regions), the resource is
        left out. Where it fails in any way (denied, throttled past retries, an answer it
        cannot make sense of, or a `gone` code of `attempt`: AWS's documented answer for a
        resource deleted since the list, which a wrong region or a lagging list gives too), the
        resource is kept as an UnreadResource of type `kind`, which every check of that type
        over the dataset reports as ERROR naming the operation and code. Only a failed list
        call, made before this, fails the dataset as a whole.
        """

        def named(name: Callable[[T], str | None], item: T) -> str | None:
            try:
                return name(item)
            except Exception:  # the answer that broke the read may lack its name too
                return None

        def one(item: T) -> R | None:
            try:
                return read(item)
            except CollectionFailure as failure:
                error = failure.error
            except CollectorBug:
                raise  # the meta-tests must see it
            except Exception as exc:  # a malformed answer for this resource alone
                dataset = self._collector.dataset
                log.warning("collector %s: a resource unreadable: %s", dataset.name, exc)
                error = self.failure(
                    dataset.service,
                    f"collect:{dataset.name}",
                    "MalformedAnswer",
                    f"{type(exc).__name__}: {exc}",
                    resource_id=named(ident, item),
                ).error
            self.errors.append(error)
            self.unread.append(
                UnreadResource(
                    dataset=self._collector.dataset.name,
                    type=kind,
                    id=named(ident, item) or "(unnamed)",
                    arn=named(arn, item),
                    # A global scope's read in a named region (an S3 bucket's) lives there.
                    region=error.region if error.region != self.region else None,
                    error=error,
                )
            )
            return None

        return [result for result in self.map(one, items) if result is not None]

    def record(self, error: CollectionError) -> CollectionError:
        """Keep an error value that is shared by several resources (a region-wide read)."""
        if error not in self.errors:
            self.errors.append(error)
        return error


def none_if_absent(codes: Collection[str], read: Callable[[], T]) -> T | None:
    """`read()`, or None where AWS answers with one of `codes`.

    Pass only codes AWS documents as meaning "there is none" for that very read: the
    configuration was never set (S3's NoSuchBucketPolicy), or the resource was deleted between
    its list call and this read (SQS's NonExistentQueue). Any other failure propagates as a
    CollectionFailure, so an unexpected answer is a gap in the report, never an absence.
    """
    try:
        return read()
    except CollectionFailure as failure:
        if failure.error.error_code in codes:
            return None
        raise


def error_code_of(exc: Exception) -> str | None:
    """The AWS error code carried by a botocore ClientError-like exception, if any."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if isinstance(code, str):
            return code
    return None
