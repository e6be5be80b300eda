"""Collection: runs each needed collector once per (account, region) on a thread pool and
assembles the snapshot. A failed read is stored as a CollectionError in place of the data."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from auditor import __version__
from auditor.checkapi import Check
from auditor.collectors.base import ApiCaller, CollectContext, CollectionFailure, Collector
from auditor.errors import PluginError
from auditor.models import (
    GLOBAL_REGION,
    CollectionError,
    ScopeSnapshot,
    Snapshot,
    UnreadResource,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


@runtime_checkable
class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class Target:
    """One account to read, in these regions."""

    account_id: str
    regions: tuple[str, ...]
    partition: str = "aws"
    global_region: str = "us-east-1"
    # The scopes (regions, "global") this scan reads, when a shard reads only some; the
    # account-wide collectors still see every region in `regions` (S3 buckets by region).
    only: frozenset[str] | None = None
    # Account-wide datasets a shard without the global scope still reads, because its regional
    # checks read them (their global checks run in the shard that has the global scope).
    support: frozenset[str] = frozenset()

    def reads(self, scope: str) -> bool:
        return self.only is None or scope in self.only

    @property
    def scopes(self) -> list[str]:
        return [s for s in (GLOBAL_REGION, *self.regions) if self.reads(s)]


@dataclass(frozen=True)
class Task:
    collector: Collector
    region: str  # the snapshot scope
    api_region: str


def datasets_for(checks: Iterable[Check]) -> list[str]:
    """The datasets the selected checks need: nothing else is fetched."""
    return sorted({d for c in checks for d in c.metadata.datasets})


def plan(target: Target, datasets: Iterable[str], collectors: dict[str, Collector]) -> list[Task]:
    tasks = []
    for name in datasets:
        collector = collectors.get(name)
        if collector is None:
            raise PluginError(f"no collector provides dataset {name!r}")
        if collector.dataset.scope == "global":
            if target.reads(GLOBAL_REGION) or name in target.support:
                tasks.append(Task(collector, GLOBAL_REGION, target.global_region))
        else:
            tasks.extend(
                Task(collector, region, region) for region in target.regions if target.reads(region)
            )
    return tasks


# What reading an answer of an unexpected shape raises (a member absent, null, or of another
# type); pydantic's ValidationError is a ValueError.
MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _run(
    task: Task, caller: ApiCaller, target: Target
) -> tuple[Any, list[CollectionError], list[UnreadResource]]:
    ctx = CollectContext(
        task.collector,
        caller,
        account_id=target.account_id,
        region=task.region,
        api_region=task.api_region,
        scan_regions=target.regions,
        partition=target.partition,
    )
    try:
        return task.collector.collect(ctx), ctx.errors, ctx.unread
    except CollectionFailure as failure:
        # The dataset failed as a whole: no resource of it is judged, read or not.
        return failure.error, [*ctx.errors, failure.error], []
    except Exception as exc:  # a collector bug must not read as clean data
        log.exception("collector %s failed", task.collector.dataset.name)
        service, operation = (
            task.collector.dataset.service,
            f"collect:{task.collector.dataset.name}",
        )
        code = "CollectorFailed"
        if isinstance(exc, MALFORMED) and ctx.last_answered is not None:
            # A member missing or of another shape than the model says: the answer's fault.
            (service, operation), code = ctx.last_answered, "MalformedAnswer"
        error = CollectionError(
            account_id=target.account_id,
            region=task.region,
            service=service,
            operation=operation,
            error_code=code,
            message=f"{type(exc).__name__}: {exc}"[:500],
        )
        return error, [*ctx.errors, error], []


def schedule(
    jobs: Iterable[tuple[Target, ApiCaller]],
    datasets: Iterable[str],
    collectors: dict[str, Collector],
) -> list[tuple[Target, ApiCaller, Task]]:
    """Every (account, scope, dataset) task once, account by account: an account's work is
    done together, so its clients can be released while the next account's start."""
    needed = sorted(set(datasets))
    return [
        (target, caller, task)
        for target, caller in jobs
        for task in plan(target, needed, collectors)
    ]


def collect_all(
    jobs: Iterable[tuple[Target, ApiCaller]],
    datasets: Iterable[str],
    collectors: dict[str, Collector],
    *,
    max_workers: int = 32,
    progress: ProgressCallback | None = None,
) -> list[ScopeSnapshot]:
    """Run every task of every account on one bounded thread pool; the scopes, each once.

    The pool bounds threads; the per-(account, region, service) gates in the callers bound
    what each API sees.
    """
    tasks = schedule(jobs, datasets, collectors)
    # An account's clients are released once its last task is done: across an organization,
    # memory then holds the clients of the accounts in flight, not of every account.
    remaining = Counter(id(caller) for _, caller, _ in tasks)
    fields: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    errors: dict[tuple[str, str], list[CollectionError]] = defaultdict(list)
    unread: dict[tuple[str, str], list[UnreadResource]] = defaultdict(list)
    if progress is not None:
        progress(0, len(tasks))
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(tasks)))) as pool:
        futures = {
            pool.submit(_run, task, caller, target): (target, caller, task)
            for target, caller, task in tasks
        }
        for future in as_completed(futures):
            target, caller, task = futures[future]
            value, task_errors, task_unread = future.result()
            remaining[id(caller)] -= 1
            if not remaining[id(caller)] and isinstance(caller, Closeable):
                caller.close()
            key = (target.account_id, task.region)
            fields[key][task.collector.dataset.name] = value
            errors[key].extend(task_errors)
            unread[key].extend(task_unread)
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    order = {
        account: i for i, account in enumerate(dict.fromkeys(t.account_id for t, _, _ in tasks))
    }
    return [
        ScopeSnapshot(
            account_id=key[0],
            region=key[1],
            errors=errors[key],
            unread=unread[key],
            **fields[key],
        )
        for key in sorted(fields, key=lambda k: (order[k[0]], k[1] != GLOBAL_REGION, k[1]))
    ]


def collect(
    target: Target,
    datasets: Iterable[str],
    collectors: dict[str, Collector],
    caller: ApiCaller,
    *,
    max_workers: int = 16,
    progress: ProgressCallback | None = None,
) -> list[ScopeSnapshot]:
    """One account's scopes (see collect_all)."""
    return collect_all(
        [(target, caller)], datasets, collectors, max_workers=max_workers, progress=progress
    )


def snapshot_of(
    targets: Iterable[Target],
    scopes: list[ScopeSnapshot],
    api_calls: dict[str, int],
    organization_accounts: Iterable[str] = (),
) -> Snapshot:
    target_list = [t for t in targets if t.scopes]
    return Snapshot(
        tool_version=__version__,
        collected_at=datetime.now(UTC),
        accounts=[t.account_id for t in target_list],
        regions=sorted({r for t in target_list for r in t.regions if t.reads(r)}),
        scopes=scopes,
        api_calls=api_calls,
        organization_accounts=sorted(organization_accounts),
    )
