"""Who owns each finding: the first configured owner tag (`owner_tags`) on the resource, read in
bulk with the Resource Groups Tagging API or by the resource's own collector; else that tag on
the account in AWS Organizations (with --org); else the configured account map
(`account_owners`); else "unowned"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import botocore.exceptions

from auditor.config import AuditorConfig
from auditor.datasets import TAGGING_RESOURCES
from auditor.findings import Finding, Report
from auditor.models import CollectionError, Snapshot

UNOWNED = "unowned"


def tagged_resources(snapshot: Snapshot) -> dict[str, dict[str, str]]:
    """ARN -> tags from every region's GetResources answer that could be read."""
    tags: dict[str, dict[str, str]] = {}
    for scope in snapshot.scopes:
        listed = getattr(scope, TAGGING_RESOURCES.name)
        if isinstance(listed, list):
            tags.update((r.arn, r.tags) for r in listed)
    return tags


def unread_tag_scopes(snapshot: Snapshot) -> list[CollectionError]:
    """Regions whose tags could not be listed: their resources' owners fall back."""
    return [
        listed
        for scope in snapshot.scopes
        if isinstance(listed := getattr(scope, TAGGING_RESOURCES.name), CollectionError)
    ]


def _first(tags: Mapping[str, str] | None, keys: Sequence[str]) -> str | None:
    if not tags:
        return None
    for key in keys:
        value = (tags.get(key) or "").strip()
        if value:
            return value
    return None


def owner_of(
    finding: Finding,
    config: AuditorConfig,
    resource_tags: Mapping[str, Mapping[str, str]],
    account_tags: Mapping[str, Mapping[str, str]],
) -> str:
    keys = config.owner_tags
    bulk = resource_tags.get(finding.resource.arn) if finding.resource.arn else None
    return (
        _first(bulk, keys)
        or _first(finding.resource.tags, keys)
        or _first(account_tags.get(finding.account_id), keys)
        or config.account_owners.get(finding.account_id)
        or UNOWNED
    )


def assign_owners(
    report: Report,
    config: AuditorConfig,
    resource_tags: Mapping[str, Mapping[str, str]],
    account_tags: Mapping[str, Mapping[str, str]] | None = None,
) -> Report:
    accounts = account_tags or {}
    findings = [
        f.model_copy(update={"owner": owner_of(f, config, resource_tags, accounts)})
        for f in report.findings
    ]
    return report.model_copy(update={"findings": findings})


def read_account_tags(
    client: Any, account_ids: Iterable[str]
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Each account's tags in AWS Organizations (paginated ListTagsForResource); the accounts
    whose tags could not be read are listed by id with the error code."""
    tags: dict[str, dict[str, str]] = {}
    failed: list[str] = []
    paginator = client.get_paginator("list_tags_for_resource")
    for account_id in account_ids:
        try:
            pages = paginator.paginate(ResourceId=account_id)
            tags[account_id] = {t["Key"]: t["Value"] for page in pages for t in page["Tags"]}
        except botocore.exceptions.ClientError as exc:
            failed.append(f"{account_id} ({exc.response.get('Error', {}).get('Code', 'error')})")
        except botocore.exceptions.BotoCoreError as exc:
            failed.append(f"{account_id} ({type(exc).__name__})")
    return tags, failed
