"""One bucket whose location cannot be read is that bucket's ERROR, not the account's: answers
shaped as the S3 API reference documents them (ListBuckets with BucketRegion, GetBucketLocation
refused with AccessDenied or NoSuchBucket, each that bucket's gap), replayed by botocore's event
hooks because moto cannot refuse one bucket's location to its owner."""

from __future__ import annotations

from typing import Any

from auditor.engine import Evaluation
from auditor.models import CollectionError
from checks.s3 import s3_bucket_versioning_enabled
from tests.support.stubbed import AnswerBook, collect_stubbed, snapshot_of


def ok_bucket(operation: str, **answer: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"service": "s3", "operation": operation, "match": {"Bucket": "ok"}}
    entry.update(answer)
    return entry


BOOK = [
    {
        "service": "s3",
        "operation": "ListBuckets",
        # Without MaxBuckets AWS leaves BucketRegion out and refuses accounts allowed more
        # than 10,000 buckets: the page size is part of what must be asked.
        "match": {"MaxBuckets": 1000},
        "response": {
            "Buckets": [
                {"Name": "denied", "CreationDate": "2024-01-02T03:04:05Z"},
                {"Name": "gone", "CreationDate": "2024-01-02T03:04:05Z"},
                {"Name": "ok", "CreationDate": "2024-01-02T03:04:05Z", "BucketRegion": "us-east-1"},
            ]
        },
    },
    {
        "service": "s3",
        "operation": "GetBucketLocation",
        "match": {"Bucket": "denied"},
        "error": "AccessDenied",
        "status": 403,
    },
    {
        "service": "s3",
        "operation": "GetBucketLocation",
        "match": {"Bucket": "gone"},
        "error": "NoSuchBucket",
        "status": 404,
    },
    ok_bucket("GetBucketLifecycleConfiguration", error="NoSuchLifecycleConfiguration", status=404),
    ok_bucket("GetBucketVersioning", response={"Status": "Enabled"}),
    ok_bucket(
        "GetBucketEncryption",
        response={
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            }
        },
    ),
    ok_bucket("GetPublicAccessBlock", error="NoSuchPublicAccessBlockConfiguration", status=404),
    ok_bucket("GetBucketPolicy", error="NoSuchBucketPolicy", status=404),
]


def test_a_bucket_whose_location_is_denied_is_that_buckets_error_alone() -> None:
    book = AnswerBook(BOOK)
    scope = collect_stubbed(book, ["s3_buckets"])["global"]

    buckets = scope.s3_buckets
    assert not isinstance(buckets, CollectionError), buckets
    by_name = {b.name: b for b in buckets}
    assert sorted(by_name) == ["denied", "ok"]
    # The bucket deleted between the list and the read is unread as a whole: its own gap.
    [gone] = scope.unread
    assert (gone.id, gone.type, gone.error.operation, gone.error.error_code) == (
        "gone",
        "AWS::S3::Bucket",
        "GetBucketLocation",
        "NoSuchBucket",
    )
    denied = by_name["denied"].versioning
    assert isinstance(denied, CollectionError)
    assert (denied.operation, denied.error_code) == ("GetBucketLocation", "AccessDenied")
    # BucketRegion came with the list: the readable bucket needed no location read.
    assert ("s3", "GetBucketLocation", {"Bucket": "ok"}) not in book.asked

    findings = {
        f.resource.id: f
        for f in Evaluation(snapshot_of(scope), [s3_bucket_versioning_enabled]).findings
    }
    assert findings["ok"].status.value == "PASS"
    assert findings["denied"].status.value == "ERROR"
    assert "GetBucketLocation" in findings["denied"].message
    assert (findings["gone"].status.value, findings["gone"].evidence["error_code"]) == (
        "ERROR",
        "NoSuchBucket",
    )
