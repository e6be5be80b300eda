"""S3 Control collector: the account-level Block Public Access settings, one per account."""

from __future__ import annotations

from functools import partial

from auditor.collectors.base import CollectContext, Collector, Operation, none_if_absent
from auditor.collectors.s3 import NO_PUBLIC_ACCESS_BLOCK, public_access_block
from auditor.datasets import S3_ACCOUNT_PUBLIC_ACCESS_BLOCK
from auditor.models import AccountPublicAccessBlock


def collect_account_public_access_block(ctx: CollectContext) -> AccountPublicAccessBlock:
    """A failed read fails the dataset (the engine records it); "not configured" is an answer:
    all four settings off."""
    read = partial(ctx.call, "s3control", "GetPublicAccessBlock", AccountId=ctx.account_id)
    answer = none_if_absent((NO_PUBLIC_ACCESS_BLOCK,), read)
    return AccountPublicAccessBlock(account_id=ctx.account_id, settings=public_access_block(answer))


ACCOUNT_PUBLIC_ACCESS_BLOCK = Collector(
    dataset=S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    operations=(Operation("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),),
    collect=collect_account_public_access_block,
)
