"""s3_bucket_lifecycle_configured on hand-built buckets, each judged in its own region."""

from __future__ import annotations

from conftest import (
    by_resource,
    denied,
    global_scope,
    lifecycle_rule,
    only_verdict,
    run_check,
    s3_bucket,
)

from auditor.findings import Status
from checks.s3 import s3_bucket_lifecycle_configured


def test_bucket_with_an_enabled_rule_passes_in_its_own_region() -> None:
    bucket = s3_bucket("logs", [lifecycle_rule("archive")], region="ap-northeast-2")

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.PASS
    assert verdict.region == "ap-northeast-2"
    assert verdict.resource.arn == "arn:aws:s3:::logs"
    assert verdict.resource.id == "logs"
    assert verdict.resource.type == "AWS::S3::Bucket"
    assert verdict.message == "S3 bucket logs has 1 enabled lifecycle rule(s)."
    assert verdict.evidence == {"enabled_rules": ["archive"], "disabled_rules": []}


def test_bucket_with_only_disabled_rules_fails_saying_so() -> None:
    bucket = s3_bucket(
        "logs", [lifecycle_rule("old", "Disabled"), lifecycle_rule("older", "Disabled")]
    )

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.FAIL
    assert (
        verdict.message == "S3 bucket logs has 2 lifecycle rule(s), all disabled, so none applies."
    )
    assert verdict.evidence == {"enabled_rules": [], "disabled_rules": ["old", "older"]}
    assert verdict.region == "eu-west-1"


def test_bucket_without_lifecycle_rules_fails() -> None:
    verdict = only_verdict(
        s3_bucket_lifecycle_configured, global_scope(s3_buckets=[s3_bucket("uploads", [])])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == "S3 bucket uploads has no lifecycle rules."


def test_one_enabled_rule_among_disabled_ones_passes() -> None:
    rules = [lifecycle_rule("old", "Disabled"), lifecycle_rule("current")]

    verdict = only_verdict(
        s3_bucket_lifecycle_configured, global_scope(s3_buckets=[s3_bucket("logs", rules)])
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"enabled_rules": ["current"], "disabled_rules": ["old"]}


def test_bucket_whose_lifecycle_could_not_be_read_is_an_error_in_its_region() -> None:
    error = denied("s3", "GetBucketLifecycleConfiguration", "secrets", region="us-east-2")
    bucket = s3_bucket("secrets", error, region="us-east-2")

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.ERROR
    assert verdict.region == "us-east-2"
    assert verdict.error == error
    assert verdict.evidence["operation"] == "GetBucketLifecycleConfiguration"


def test_each_bucket_is_judged() -> None:
    snapshot = global_scope(
        s3_buckets=[
            s3_bucket("a", [lifecycle_rule("r")], region="eu-west-1"),
            s3_bucket("b", [], region="us-east-1"),
        ]
    )

    verdicts = by_resource(run_check(s3_bucket_lifecycle_configured, snapshot))

    assert {(rid, v.status, v.region) for rid, v in verdicts.items()} == {
        ("a", Status.PASS, "eu-west-1"),
        ("b", Status.FAIL, "us-east-1"),
    }
