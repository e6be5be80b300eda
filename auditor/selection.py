"""Which checks run, and how: the command line's selection over the configuration file's.

Ids and globs are matched against the registry, so a typo fails before any AWS call. The
configuration's severity overrides and parameters are validated against each check and
carried on the selected `Check`s, so every later layer (engine, reports, exit code) sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from pydantic import ValidationError

from auditor.checkapi import Check
from auditor.config import AuditorConfig, LoadedConfig, describe_error
from auditor.errors import UsageError
from auditor.suggest import did_you_mean

SEE_CHECKS = " (see `auditor checks`)"


def _matching(pattern: str, ids: Iterable[str]) -> list[str]:
    return [i for i in ids if fnmatchcase(i, pattern)]


def _expand(patterns: Sequence[str], ids: Sequence[str], what: str) -> set[str]:
    chosen: set[str] = set()
    for pattern in patterns:
        found = _matching(pattern, ids)
        if not found and not any(c in pattern for c in "*?["):
            hint = did_you_mean(pattern, ids, SEE_CHECKS)
            raise UsageError(f"{what}: unknown check {pattern!r}{hint}")
        if not found:
            raise UsageError(f"{what} {pattern!r} matches no check (see `auditor checks`)")
        chosen.update(found)
    return chosen


def _known_ids(names: Iterable[str], every: Mapping[str, Check], label: str, key: str) -> None:
    for name in names:
        if name not in every:
            hint = did_you_mean(name, every, SEE_CHECKS)
            raise UsageError(f"{label}: {key}: unknown check {name!r}{hint}")


def known_services(checks: Iterable[Check], wanted: Iterable[str]) -> None:
    """A UsageError, with the closest names, for a service no check is for."""
    known = sorted({c.metadata.service for c in checks})
    for service in wanted:
        if service not in known:
            hint = did_you_mean(service, known, f"; checks exist for: {', '.join(known)}")
            raise UsageError(f"unknown service {service!r}{hint}")


def configure(check: Check, settings: AuditorConfig, label: str) -> Check:
    """`check` with the configuration's severity and parameters applied and validated."""
    severity = settings.severity.get(check.id)
    overrides = settings.parameters.get(check.id)
    if overrides is not None:
        try:
            check.configure(overrides)
        except ValidationError as exc:
            message = describe_error(exc)
            if exc.errors()[0]["type"] == "extra_forbidden":
                takes = ", ".join(sorted(check.metadata.parameters)) or "no parameters"
                message += f"; {check.id} takes: {takes}"
            raise UsageError(f"{label}: parameters.{check.id}: {message}") from None
        check = replace(check, overrides=dict(overrides))
    if severity is not None and severity != check.metadata.severity:
        metadata = check.metadata.model_copy(update={"severity": severity})
        check = replace(check, metadata=metadata, default_severity=check.metadata.severity)
    return check


def select_checks(
    every: Mapping[str, Check],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    services: Sequence[str] = (),
    config: LoadedConfig | None = None,
) -> list[Check]:
    """The checks to run. A command-line --check or --service replaces the configuration's
    list; exclusions from both apply."""
    config = config or LoadedConfig()
    settings = config.settings
    ids = list(every)
    _known_ids(settings.severity, every, config.label, "severity")
    _known_ids(settings.parameters, every, config.label, "parameters")
    wanted_services = list(services) or settings.services
    known_services(every.values(), wanted_services)
    included = (
        _expand(include, ids, "--check")
        if include
        else _expand(settings.checks, ids, f"{config.label}: checks:")
        if settings.checks
        else set(ids)
    )
    excluded = _expand(exclude, ids, "--exclude-check") | _expand(
        settings.exclude_checks, ids, f"{config.label}: exclude_checks:"
    )
    chosen = [
        configure(check, settings, config.label)
        for check_id, check in every.items()
        if check_id in included
        and check_id not in excluded
        and (not wanted_services or check.metadata.service in wanted_services)
    ]
    if not chosen:
        raise UsageError("the check selection (options and configuration) selects no checks")
    return chosen
