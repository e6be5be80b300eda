"""Finds checks and collectors through entry points, the built-ins exactly like plugins.

Entry points are listed without importing anything; a module is imported only when its
checks are wanted. A plugin that fails to load is a PluginError naming it; on an id
collision the built-in wins and a warning says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any, TypeVar

from pydantic import ValidationError

from auditor.checkapi import Check
from auditor.collectors.base import Collector
from auditor.errors import PluginError

CHECK_GROUP = "auditor.checks"
COLLECTOR_GROUP = "auditor.collectors"
BUILTIN_DISTRIBUTION = "aws-auditor"

log = logging.getLogger(__name__)
T = TypeVar("T")


def _source(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else "unknown"


def _ordered(group: str) -> list[EntryPoint]:
    """Built-ins first, then plugins, each by name: a stable order for collisions."""
    eps = list(entry_points(group=group))
    return sorted(eps, key=lambda ep: (_source(ep) != BUILTIN_DISTRIBUTION, ep.name, ep.value))


def _load_module(ep: EntryPoint, group: str) -> ModuleType | Any:
    try:
        return ep.load()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PluginError(
            f"{group} plugin {ep.name!r} ({ep.value}) has invalid metadata: {first['msg']}"
        ) from None
    except Exception as exc:
        raise PluginError(
            f"{group} plugin {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: {exc}"
        ) from None


def _members(module: ModuleType | Any, kind: type[T]) -> list[T]:
    return [value for value in vars(module).values() if isinstance(value, kind)]


def _own_checks(module: ModuleType | Any) -> list[Check]:
    """The checks a module defines (not ones it imported from a sibling)."""
    name = getattr(module, "__name__", None)
    return [c for c in _members(module, Check) if getattr(c.run, "__module__", name) == name]


def load_checks(services: Iterable[str] | None = None) -> dict[str, Check]:
    """Every check, by id; with `services`, only built-in modules of those services load."""
    wanted = set(services) if services is not None else None
    checks: dict[str, Check] = {}
    for ep in _ordered(CHECK_GROUP):
        source = _source(ep)
        # A built-in module is named for its service, or "<service>_<part>" when it has several.
        service = ep.name.partition("_")[0]
        if wanted is not None and source == BUILTIN_DISTRIBUTION and service not in wanted:
            continue
        found = _own_checks(_load_module(ep, CHECK_GROUP))
        if not found:
            raise PluginError(f"{CHECK_GROUP} plugin {ep.name!r} ({ep.value}) defines no checks")
        for item in found:
            if wanted is not None and item.metadata.service not in wanted:
                continue
            if item.id in checks:
                log.warning(
                    "check %s from %s ignored: %s already defines it",
                    item.id,
                    source,
                    checks[item.id].source,
                )
                continue
            checks[item.id] = replace(item, source=source)
    return dict(sorted(checks.items()))


def load_collectors() -> dict[str, Collector]:
    """Every collector, by the dataset it fills; the first (built-in) one wins."""
    collectors: dict[str, Collector] = {}
    for ep in _ordered(COLLECTOR_GROUP):
        for item in _members(_load_module(ep, COLLECTOR_GROUP), Collector):
            if item.dataset.name in collectors:
                log.warning("collector for %s from %s ignored", item.dataset.name, _source(ep))
                continue
            collectors[item.dataset.name] = item
    return collectors
