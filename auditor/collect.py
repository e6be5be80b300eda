"""Collection: runs each needed collector once per (account, region) on a thread pool and
assembles the snapshot. A failed read is stored as a CollectionError in place of the data."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auditor import __version__
from auditor.checkapi import Check
from auditor.collectors.base import ApiCaller, CollectContext, CollectionFailure, Collector
from auditor.errors import PluginError
from auditor.models import GLOBAL_REGION, CollectionError, ScopeSnapshot, Snapshot

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Target:
    """One account to read, in these regions."""

    account_id: str
    regions: tuple[str, ...]
    partition: str = "aws"
    global_region: str = "us-east-1"


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
            tasks.append(Task(collector, GLOBAL_REGION, target.global_region))
        else:
            tasks.extend(Task(collector, region, region) for region in target.regions)
    return tasks


def _run(task: Task, caller: ApiCaller, target: Target) -> tuple[Any, list[CollectionError]]:
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
        return task.collector.collect(ctx), ctx.errors
    except CollectionFailure as failure:
        return failure.error, [*ctx.errors, failure.error]
    except Exception as exc:  # a collector bug must not read as clean data
        log.exception("collector %s failed", task.collector.dataset.name)
        error = CollectionError(
            account_id=target.account_id,
            region=task.region,
            service=task.collector.dataset.service,
            operation=f"collect:{task.collector.dataset.name}",
            error_code="CollectorFailed",
            message=f"{type(exc).__name__}: {exc}"[:500],
        )
        return error, [*ctx.errors, error]


def collect(
    target: Target,
    datasets: Iterable[str],
    collectors: dict[str, Collector],
    caller: ApiCaller,
    *,
    max_workers: int = 16,
    progress: ProgressCallback | None = None,
) -> list[ScopeSnapshot]:
    tasks = plan(target, datasets, collectors)
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    errors: dict[str, list[CollectionError]] = defaultdict(list)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(tasks)))) as pool:
        futures = {pool.submit(_run, task, caller, target): task for task in tasks}
        for future in as_completed(futures):
            task = futures[future]
            value, task_errors = future.result()
            fields[task.region][task.collector.dataset.name] = value
            errors[task.region].extend(task_errors)
            done += 1
            if progress is not None:
                progress(done, len(tasks))
    return [
        ScopeSnapshot(
            account_id=target.account_id,
            region=region,
            errors=errors[region],
            **fields[region],
        )
        for region in sorted(fields, key=lambda r: (r != GLOBAL_REGION, r))
    ]


def snapshot_of(
    targets: Iterable[Target], scopes: list[ScopeSnapshot], api_calls: dict[str, int]
) -> Snapshot:
    target_list = list(targets)
    return Snapshot(
        tool_version=__version__,
        collected_at=datetime.now(UTC),
        accounts=[t.account_id for t in target_list],
        regions=sorted({r for t in target_list for r in t.regions}),
        scopes=scopes,
        api_calls=api_calls,
    )
