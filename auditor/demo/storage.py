"""Seeds the storage and messaging settings of the demo account: versioning, default
encryption, Block Public Access and TLS-only policies on the buckets, the account's own Block
Public Access settings, and SNS topics done well and in a hurry, so each S3 and SNS check has a
good and a bad example.

us-east-1 is the well-run side of the app; eu-west-1 holds what was set up in a hurry. The
account-level Block Public Access settings exist once per account: this account blocks
everything, and the organization's sandbox member (see organization.py) blocks nothing.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from auditor.demo.common import EU, US, ClientFactory, tags
from auditor.session import drop_account_host_label

_BUCKET_SUFFIX = "7f3a9c"
_ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# Public ACLs were switched off early; public policies never were.
_ACLS_ONLY = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": False,
    "RestrictPublicBuckets": False,
}


def _bucket(purpose: str, region: str) -> str:
    short = {US: "use1", EU: "euw1"}[region]
    return f"lingo-{purpose}-{short}-{_BUCKET_SUFFIX}"


def _create_bucket(s3: Any, name: str, region: str, component: str) -> None:
    if region == US:
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags(component)})


def _tls_only(name: str) -> dict[str, Any]:
    return {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _encrypt(s3: Any, name: str, algorithm: str, key: str | None = None) -> None:
    default: dict[str, str] = {"SSEAlgorithm": algorithm}
    if key:
        default["KMSMasterKeyID"] = key
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bool(key)}
            ]
        },
    )


def _versioned_bucket(
    s3: Any,
    name: str,
    region: str,
    component: str,
    rule: dict[str, Any],
    statement: dict[str, Any],
    block: dict[str, bool],
) -> None:
    """A versioned bucket with one lifecycle rule, one policy statement and these Block Public
    Access settings."""
    _create_bucket(s3, name, region, component)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [rule]})
    s3.put_bucket_policy(
        Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=block)


def _seed_buckets_us(s3: Any, account: str) -> None:
    # Learners' recordings: versioned, old versions expire, KMS, private, TLS only.
    uploads = _bucket("user-uploads", US)
    expire_old_versions = {
        "ID": "expire-replaced-recordings",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }
    _versioned_bucket(
        s3, uploads, US, "progress", expire_old_versions, _tls_only(uploads), _ALL_BLOCKED
    )
    _encrypt(s3, uploads, "aws:kms", f"arn:aws:kms:{US}:{account}:alias/lingo-uploads")
    # The core estate's lesson assets: S3-managed encryption and fully private; the access
    # logs bucket was created before anyone thought about either (moto lets a bucket exist
    # without default encryption, which AWS no longer does since January 2023).
    assets = _bucket("lesson-assets", US)
    _encrypt(s3, assets, "AES256")
    s3.put_public_access_block(Bucket=assets, PublicAccessBlockConfiguration=_ALL_BLOCKED)


def _seed_buckets_eu(s3: Any, account: str) -> None:
    # Partner exports: versioned in a hurry with no rule for old versions, public ACLs
    # blocked but not public policies, a policy that allows HTTPS without denying HTTP, and
    # no default encryption.
    exports = _bucket("partner-exports", EU)
    expire_exports = {
        "ID": "expire-old-exports",
        "Status": "Enabled",
        "Filter": {"Prefix": "exports/"},
        "Expiration": {"Days": 30},
    }
    allow_https = {
        "Sid": "PartnerReadsOverHttps",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{exports}/exports/*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    _versioned_bucket(s3, exports, EU, "analytics", expire_exports, allow_https, _ACLS_ONLY)
    assets = _bucket("lesson-assets", EU)
    _encrypt(s3, assets, "AES256")
    s3.put_public_access_block(Bucket=assets, PublicAccessBlockConfiguration=_ALL_BLOCKED)


def _seed_account_block(client: ClientFactory, account: str) -> None:
    s3control = client("s3control", US)
    host = urllib.parse.urlsplit(s3control.meta.endpoint_url).hostname or ""
    if not host.endswith(".amazonaws.com"):
        # A local endpoint has no <account id>.<host> names (see auditor.session).
        s3control.meta.events.register("before-send.s3-control", drop_account_host_label)
    s3control.put_public_access_block(
        AccountId=account, PublicAccessBlockConfiguration=_ALL_BLOCKED
    )


def _seed_topics(client: ClientFactory, region: str, account: str) -> None:
    sns = client("sns", region)
    if region == US:
        # Lesson-completed events for the progress service: KMS-encrypted, default policy.
        sns.create_topic(
            Name="lesson-events",
            Attributes={"KmsMasterKeyId": "alias/aws/sns"},
            Tags=tags("progress"),
        )
        return
    # Webhooks for partners, opened to anyone to "make the integration work".
    arn = sns.create_topic(Name="partner-webhooks", Tags=tags("analytics"))["TopicArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AnyonePublishes",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["sns:Publish", "sns:Subscribe"],
                "Resource": arn,
            }
        ],
    }
    sns.set_topic_attributes(
        TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy)
    )


def seed_storage(client: ClientFactory, region: str, account: str) -> None:
    """Seed one demo region; runs after the core estate's buckets of that region exist."""
    s3 = client("s3", region)
    if region == US:
        _seed_buckets_us(s3, account)
        _seed_account_block(client, account)
    else:
        _seed_buckets_eu(s3, account)
    _seed_topics(client, region, account)
