"""The S3 collector against moto: versioning, default encryption, Block Public Access and policy
of each bucket; "not configured" answers are facts about the bucket, a denied read errors only
that setting of that bucket, in the bucket's region."""

from __future__ import annotations

import json

import boto3
import pytest

from auditor.models import (
    BucketPolicy,
    BucketVersioning,
    CollectionError,
    DefaultEncryption,
    EncryptionRule,
    PublicAccessBlock,
    S3Bucket,
)

from .conftest import FaultyPool, collect_scopes

TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::lingo-uploads", "arn:aws:s3:::lingo-uploads/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}


def _buckets(session: boto3.session.Session, pool: FaultyPool | None = None) -> dict[str, S3Bucket]:
    value = collect_scopes(session, ["s3_buckets"], pool=pool)["global"].s3_buckets
    assert isinstance(value, list)
    return {b.name: b for b in value}


def test_buckets_keep_versioning_encryption_public_access_block_and_policy(
    aws: boto3.session.Session,
) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="lingo-uploads")
    s3.put_bucket_versioning(Bucket="lingo-uploads", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket="lingo-uploads",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/uploads",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_public_access_block(
        Bucket="lingo-uploads",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_policy(Bucket="lingo-uploads", Policy=json.dumps(TLS_ONLY))
    s3.create_bucket(
        Bucket="lingo-paused", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_bucket_versioning(Bucket="lingo-paused", VersioningConfiguration={"Status": "Suspended"})

    buckets = _buckets(aws)

    uploads = buckets["lingo-uploads"]
    assert uploads.versioning == BucketVersioning(status="Enabled")
    assert uploads.default_encryption == DefaultEncryption(
        rules=[
            EncryptionRule(algorithm="aws:kms", kms_key_id="alias/uploads", bucket_key_enabled=True)
        ]
    )
    assert uploads.public_access_block == PublicAccessBlock(
        block_public_acls=True, ignore_public_acls=True, restrict_public_buckets=True
    )
    assert uploads.policy == BucketPolicy(document=TLS_ONLY)
    paused = buckets["lingo-paused"]
    assert paused.region == "eu-west-1"
    assert paused.versioning == BucketVersioning(status="Suspended")


def test_settings_never_configured_read_as_absent_not_as_errors(
    aws: boto3.session.Session,
) -> None:
    # moto answers ServerSideEncryptionConfigurationNotFoundError, NoSuchPublicAccessBlock-
    # Configuration and NoSuchBucketPolicy for a new bucket, as AWS does (AWS itself has
    # applied SSE-S3 to every bucket since January 2023; moto does not).
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket="lingo-bare")

    scope = collect_scopes(aws, ["s3_buckets"])["global"]

    assert scope.errors == []
    assert isinstance(scope.s3_buckets, list)
    [bare] = scope.s3_buckets
    assert bare.lifecycle_rules == []
    assert bare.versioning == BucketVersioning(status="")
    assert bare.default_encryption == DefaultEncryption(rules=[])
    assert bare.public_access_block == PublicAccessBlock(configured=False)
    assert bare.policy == BucketPolicy(document=None)


def test_denied_policy_read_errors_only_that_setting_in_the_buckets_region(
    aws: boto3.session.Session,
) -> None:
    s3 = aws.client("s3", region_name="us-east-1")
    s3.create_bucket(
        Bucket="lingo-locked", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.create_bucket(Bucket="lingo-open")
    pool = FaultyPool(
        aws,
        {"GetBucketPolicy": "AccessDenied", "GetBucketVersioning": "AccessDenied"},
        when=lambda region, params: params.get("Bucket") == "lingo-locked",
    )

    buckets = _buckets(aws, pool)

    locked = buckets["lingo-locked"]
    for error in (locked.policy, locked.versioning):
        assert isinstance(error, CollectionError)
        assert (error.region, error.resource_id, error.error_code) == (
            "eu-west-1",
            "lingo-locked",
            "AccessDenied",
        )
    assert isinstance(locked.policy, CollectionError)
    assert locked.policy.operation == "GetBucketPolicy"
    assert locked.public_access_block == PublicAccessBlock(configured=False)
    assert buckets["lingo-open"].policy == BucketPolicy(document=None)


# Each per-bucket read, the attribute it fills, and a code S3 documents as "not configured"
# for a different read.
FOREIGN_ABSENT_CODES = [
    ("GetBucketEncryption", "default_encryption", "NoSuchBucketPolicy"),
    ("GetBucketPolicy", "policy", "NoSuchPublicAccessBlockConfiguration"),
    (
        "GetPublicAccessBlock",
        "public_access_block",
        "ServerSideEncryptionConfigurationNotFoundError",
    ),
    ("GetBucketLifecycleConfiguration", "lifecycle_rules", "NoSuchBucketPolicy"),
    ("GetBucketVersioning", "versioning", "NoSuchLifecycleConfiguration"),
]


@pytest.mark.parametrize(("operation", "attribute", "code"), FOREIGN_ABSENT_CODES)
def test_a_not_configured_code_is_absence_only_for_its_own_read(
    aws: boto3.session.Session, operation: str, attribute: str, code: str
) -> None:
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket="lingo-odd")
    # A code that means "not configured" for another read is still a failed read here.
    pool = FaultyPool(aws, {operation: code})

    [odd] = _buckets(aws, pool).values()

    error = getattr(odd, attribute)
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code, error.resource_id) == (operation, code, "lingo-odd")
