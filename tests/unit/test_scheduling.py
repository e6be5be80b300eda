"""Scheduling: the tasks of a scan (account × scope × dataset), each run once on one pool; the
published rate limits; clients built once; shards that split the work stably."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import boto3
import botocore.exceptions
import pytest

from auditor import limits
from auditor.collect import Target, collect_all, datasets_for, plan, schedule
from auditor.collectors.base import CollectContext, Collector
from auditor.datasets import ALL_DATASETS
from auditor.limits import Gate, ServiceLimit, TokenBucket, limit_for
from auditor.models import GLOBAL_REGION, CollectionError
from auditor.registry import load_checks
from auditor.session import ClientPool, Meter
from auditor.shard import Shard, shard_of

ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("eu-west-1", "us-east-1")


class NoCalls:
    """An ApiCaller for collectors that send nothing."""

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        raise AssertionError("no call expected")

    def paginate(
        self, service: str, region: str, operation: str, params: dict[str, Any]
    ) -> Iterable[dict[str, Any]]:
        raise AssertionError("no call expected")

    def error_from(self, exc: Exception, **_: Any) -> CollectionError | None:
        return None


def counting_collectors() -> tuple[dict[str, Collector], Counter[tuple[str, str, str]]]:
    """A collector for every dataset that records each (account, scope, dataset) it reads."""
    fetched: Counter[tuple[str, str, str]] = Counter()
    lock = threading.Lock()

    def make(name: str) -> Collector:
        def collect(ctx: CollectContext) -> Any:
            with lock:
                fetched[(ctx.account_id, ctx.region, name)] += 1
            return None  # "not collected": the scope still shows which tasks ran

        return Collector(dataset=ALL_DATASETS[name], operations=(), collect=collect)

    return {name: make(name) for name in ALL_DATASETS}, fetched


def test_no_dataset_is_fetched_twice_and_only_needed_ones_are_fetched() -> None:
    checks = list(load_checks().values())
    # Several checks share datasets (DynamoDB tables, alarms): each is still read once.
    needed = datasets_for(checks)
    assert len(needed) < sum(len(c.metadata.datasets) for c in checks)
    collectors, fetched = counting_collectors()
    targets = [Target(account, REGIONS) for account in ACCOUNTS]

    collect_all([(t, NoCalls()) for t in targets], needed, collectors)

    assert set(fetched.values()) == {1}
    expected = {
        (account, scope, name)
        for account in ACCOUNTS
        for name in needed
        for scope in ([GLOBAL_REGION] if ALL_DATASETS[name].scope == "global" else list(REGIONS))
    }
    assert set(fetched) == expected


def test_a_narrow_selection_fetches_only_its_datasets() -> None:
    checks = [c for c in load_checks().values() if c.id == "dynamodb_table_pitr_enabled"]
    collectors, fetched = counting_collectors()

    collect_all([(Target(ACCOUNTS[0], REGIONS), NoCalls())], datasets_for(checks), collectors)

    assert {name for _, _, name in fetched} == set(checks[0].metadata.datasets)
    assert sum(fetched.values()) == len(REGIONS) * len(checks[0].metadata.datasets)


def test_duplicate_dataset_names_are_planned_once() -> None:
    collectors, _ = counting_collectors()
    tasks = schedule(
        [(Target(ACCOUNTS[0], REGIONS), NoCalls())],
        ["dynamodb_tables", "dynamodb_tables", "s3_buckets"],
        collectors,
    )

    keys = [(t.account_id, task.region, task.collector.dataset.name) for t, _, task in tasks]
    assert sorted(keys) == sorted(
        [
            (ACCOUNTS[0], "eu-west-1", "dynamodb_tables"),
            (ACCOUNTS[0], "us-east-1", "dynamodb_tables"),
            (ACCOUNTS[0], GLOBAL_REGION, "s3_buckets"),
        ]
    )


def test_scopes_come_back_account_by_account_global_first() -> None:
    collectors, _ = counting_collectors()
    jobs = [(Target(account, REGIONS), NoCalls()) for account in reversed(ACCOUNTS)]

    scopes = collect_all(jobs, ["dynamodb_tables", "s3_buckets"], collectors)

    assert [(s.account_id, s.region) for s in scopes] == [
        (account, scope) for account in reversed(ACCOUNTS) for scope in (GLOBAL_REGION, *REGIONS)
    ]


def test_published_read_rates_are_the_limits() -> None:
    assert limit_for("ec2") == ServiceLimit(concurrency=8, rate=20.0, burst=100.0)
    assert limit_for("rds").rate == 12.0
    assert limit_for("cloudwatch").rate == 9.0
    assert limit_for("lambda").rate == 15.0
    assert limit_for("no-such-service") == limits.DEFAULT_LIMIT
    for limit in [*limits.LIMITS.values(), limits.DEFAULT_LIMIT]:
        assert limit.concurrency >= 1 and limit.rate > 0 and limit.burst >= 1


def test_token_bucket_lets_a_burst_through_then_paces_at_the_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr(limits.time, "monotonic", lambda: now[0])
    bucket = TokenBucket(rate=10.0, burst=3.0)

    waits = [bucket._wait() for _ in range(5)]

    # Three go at once; the 4th waits for one refill (0.1 s), the 5th for two.
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(0.1)
    assert waits[4] == pytest.approx(0.2)
    now[0] += 1.0  # a quiet second refills the bucket (net of the two borrowed tokens)
    assert bucket._wait() == 0.0


def test_gate_caps_requests_in_flight() -> None:
    gate = Gate(ServiceLimit(concurrency=2, rate=1000.0, burst=1000.0))
    inside = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def request() -> None:
        nonlocal inside, most
        with gate.slot():
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(5)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while inside < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in threads:
        t.join()
    assert most == 2


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def test_clients_are_built_once_per_account_region_and_service() -> None:
    meter = Meter()
    first, second = (
        ClientPool(_session(), None, meter=meter),
        ClientPool(_session(), None, meter=meter),
    )

    client = first.client("dynamodb", "eu-west-1")

    assert first.client("dynamodb", "eu-west-1") is client
    assert first.client("dynamodb", "us-east-1") is not client
    assert second.client("dynamodb", "eu-west-1") is not client  # another account
    assert first.gate("dynamodb", "eu-west-1") is first.gate("dynamodb", "eu-west-1")
    assert first.gate("dynamodb", "eu-west-1") is not second.gate("dynamodb", "eu-west-1")
    assert client.meta.config.retries["mode"] == "adaptive"
    # API Gateway v1 and v2 draw on one account quota: one gate.
    assert first.gate("apigatewayv2", "eu-west-1") is first.gate("apigateway", "eu-west-1")
    assert first.gate("apigateway", "eu-west-1").limit == limit_for("apigatewayv2")


def test_a_throttle_past_the_retries_is_an_error_value_and_counted() -> None:
    pool = ClientPool(_session(), None)
    exc = botocore.exceptions.ClientError(
        {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "DescribeDBInstances"
    )

    error = pool.error_from(
        exc,
        account_id=ACCOUNTS[0],
        region="eu-west-1",
        service="rds",
        operation="DescribeDBInstances",
        resource_id=None,
    )

    assert error is not None
    assert (error.operation, error.error_code) == ("DescribeDBInstances", "Throttling")
    assert pool.meter.throttle_failures == 1


def test_shards_split_pairs_stably_and_completely() -> None:
    pairs = [(f"{n:012d}", scope) for n in range(40) for scope in ("global", *REGIONS)]
    owners = {pair: [k for k in (1, 2, 3) if Shard(k, 3).owns(*pair)] for pair in pairs}

    assert all(len(found) == 1 for found in owners.values())
    # The share depends on the pair alone, not on the order pairs are listed in.
    assert {p: shard_of(*p, 3) for p in reversed(pairs)} == {p: o[0] for p, o in owners.items()}
    sizes = Counter(o[0] for o in owners.values())
    assert all(20 <= size <= 60 for size in sizes.values()), sizes


def test_a_shard_plans_only_its_own_scopes() -> None:
    collectors, _ = counting_collectors()
    shard = Shard(1, 2)
    owned = [s for s in ("global", *REGIONS) if shard.owns(ACCOUNTS[2], s)]
    # This account's share is some scopes, not all: the test would prove nothing otherwise.
    assert owned == ["global", "us-east-1"]
    target = Target(ACCOUNTS[2], REGIONS, only=frozenset(owned))

    tasks = plan(target, ["dynamodb_tables", "s3_buckets"], collectors)

    assert sorted((t.region, t.collector.dataset.name) for t in tasks) == [
        ("global", "s3_buckets"),
        ("us-east-1", "dynamodb_tables"),
    ]
    assert target.scopes == owned


def test_a_shard_without_the_global_scope_reads_only_the_global_datasets_it_supports() -> None:
    collectors, _ = counting_collectors()
    regional_only = Target(ACCOUNTS[0], REGIONS, only=frozenset({"eu-west-1"}))
    supported = Target(
        ACCOUNTS[0], REGIONS, only=frozenset({"eu-west-1"}), support=frozenset({"s3_buckets"})
    )
    needed = ["dynamodb_tables", "s3_buckets", "iam_account_summary"]

    assert sorted(
        (t.region, t.collector.dataset.name) for t in plan(regional_only, needed, collectors)
    ) == [("eu-west-1", "dynamodb_tables")]
    assert sorted(
        (t.region, t.collector.dataset.name) for t in plan(supported, needed, collectors)
    ) == [
        ("eu-west-1", "dynamodb_tables"),
        ("global", "s3_buckets"),
    ]
    assert supported.scopes == ["eu-west-1"]


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "x/2", "1", "1/2/3"])
def test_bad_shard_specs_are_usage_errors(spec: str) -> None:
    from auditor.errors import UsageError

    with pytest.raises(UsageError, match="--shard"):
        Shard.parse(spec)


def test_shard_spec_round_trips() -> None:
    assert str(Shard.parse(" 2 / 5 ")) == "2/5"


class ClosingCaller(NoCalls):
    def __init__(self, account: str, log: list[tuple[str, str]]) -> None:
        self.account = account
        self.log = log

    def close(self) -> None:
        self.log.append(("closed", self.account))


def test_an_accounts_clients_are_released_after_its_last_task() -> None:
    log: list[tuple[str, str]] = []
    lock = threading.Lock()

    def make(name: str) -> Collector:
        def collect(ctx: CollectContext) -> Any:
            with lock:
                log.append(("read", ctx.account_id))
            return None

        return Collector(dataset=ALL_DATASETS[name], operations=(), collect=collect)

    collectors = {name: make(name) for name in ALL_DATASETS}
    jobs = [(Target(a, REGIONS), ClosingCaller(a, log)) for a in ACCOUNTS]

    collect_all(jobs, ["dynamodb_tables", "s3_buckets"], collectors, max_workers=4)

    closed = [entry[1] for entry in log if entry[0] == "closed"]
    assert sorted(closed) == sorted(ACCOUNTS)  # each once
    for account in ACCOUNTS:
        closed_at = log.index(("closed", account))
        reads = [i for i, entry in enumerate(log) if entry == ("read", account)]
        assert len(reads) == 3 and max(reads) < closed_at
