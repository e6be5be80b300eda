"""The CloudTrail collector against moto: every trail a region sees, with status and management
event selectors read in the trail's home region; a denied read errors only that trail."""

from __future__ import annotations

from typing import Any

import boto3

from auditor.models import CollectionError, Trail, TrailEventSelectors

from .conftest import ACCOUNT, FaultyPool, collect_scopes

BUCKET = "audit-trail-logs-5d1e"


def _estate(aws: boto3.session.Session) -> dict[str, Any]:
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    logs = aws.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="/org/cloudtrail")
    group_arn = logs.describe_log_groups()["logGroups"][0]["arn"]
    key = aws.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    us = aws.client("cloudtrail", region_name="us-east-1")
    us.create_trail(
        Name="org-audit",
        S3BucketName=BUCKET,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs",
    )
    us.put_event_selectors(
        TrailName="org-audit",
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    us.start_logging(Name="org-audit")
    eu = aws.client("cloudtrail", region_name="eu-west-1")
    eu.create_trail(Name="exports", S3BucketName=BUCKET)
    eu.put_event_selectors(
        TrailName="exports",
        EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}],
    )
    return {"key": key, "group_arn": group_arn}


def _trails(value: object) -> dict[str, Trail]:
    assert isinstance(value, list)
    return {t.name: t for t in value}


def test_each_region_sees_its_trails_and_the_multi_region_one(aws: boto3.session.Session) -> None:
    made = _estate(aws)

    scopes = collect_scopes(aws, ["cloudtrail_trails"])

    us = _trails(scopes["us-east-1"].cloudtrail_trails)
    eu = _trails(scopes["eu-west-1"].cloudtrail_trails)
    assert list(us) == ["org-audit"]
    assert sorted(eu) == ["exports", "org-audit"]
    audit = eu["org-audit"]  # the shadow, read through its home region
    assert audit.arn == f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-audit"
    assert audit.home_region == "us-east-1"
    assert audit.multi_region is True
    assert audit.log_file_validation is True
    assert audit.kms_key_id == made["key"]
    assert audit.cloudwatch_logs_log_group_arn == made["group_arn"]
    assert audit.log_group_name == "/org/cloudtrail"
    assert audit.is_logging is True
    assert audit.event_selectors == TrailEventSelectors(management_read=True, management_write=True)
    exports = eu["exports"]
    assert exports.home_region == "eu-west-1"
    assert exports.multi_region is False
    assert exports.kms_key_id is None
    assert exports.log_group_name is None
    assert exports.is_logging is False  # created, never started
    assert exports.event_selectors == TrailEventSelectors(
        management_read=False, management_write=True
    )
    assert scopes["eu-west-1"].errors == []


def test_shadow_trail_details_are_read_in_its_home_region(aws: boto3.session.Session) -> None:
    """CloudTrail answers GetEventSelectors for a multi-region trail only in its home region
    (moto raises TrailNotFoundException elsewhere): a read sent to eu-west-1 would fail here."""
    _estate(aws)
    pool = FaultyPool(
        aws,
        {"GetEventSelectors": "TrailNotFoundException", "GetTrailStatus": "TrailNotFoundException"},
        when=lambda region, params: (
            region == "eu-west-1"
            and "org-audit" in str(params.get("TrailName", params.get("Name", "")))
        ),
    )

    scope = collect_scopes(aws, ["cloudtrail_trails"], pool=pool)["eu-west-1"]

    audit = _trails(scope.cloudtrail_trails)["org-audit"]
    assert audit.is_logging is True
    assert not isinstance(audit.event_selectors, CollectionError)
    assert scope.errors == []


def test_denied_selector_read_errors_only_that_trail(aws: boto3.session.Session) -> None:
    _estate(aws)
    pool = FaultyPool(
        aws,
        {"GetEventSelectors": "AccessDeniedException"},
        when=lambda region, params: str(params.get("TrailName", "")).endswith("/exports"),
    )

    scope = collect_scopes(aws, ["cloudtrail_trails"], pool=pool, regions=("eu-west-1",))[
        "eu-west-1"
    ]

    trails = _trails(scope.cloudtrail_trails)
    error = trails["exports"].event_selectors
    assert isinstance(error, CollectionError)
    assert error.operation == "GetEventSelectors"
    assert error.region == "eu-west-1"
    assert error.resource_id == f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/exports"
    assert not isinstance(trails["org-audit"].event_selectors, CollectionError)
    assert scope.errors == [error]


def test_denied_trail_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"DescribeTrails": "AccessDeniedException"})

    scope = collect_scopes(aws, ["cloudtrail_trails"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.cloudtrail_trails, CollectionError)
    assert scope.cloudtrail_trails.operation == "DescribeTrails"


def test_advanced_selectors_are_read_for_management_events(aws: boto3.session.Session) -> None:
    aws.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    cloudtrail = aws.client("cloudtrail", region_name="us-east-1")
    cloudtrail.create_trail(Name="reads-only", S3BucketName=BUCKET)
    cloudtrail.put_event_selectors(
        TrailName="reads-only",
        AdvancedEventSelectors=[
            {
                "Name": "management reads, without KMS",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["true"]},
                    {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
                ],
            },
            {
                "Name": "S3 data events",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                ],
            },
        ],
    )

    scope = collect_scopes(aws, ["cloudtrail_trails"], regions=("us-east-1",))["us-east-1"]

    assert _trails(scope.cloudtrail_trails)["reads-only"].event_selectors == TrailEventSelectors(
        management_read=True,
        management_write=False,
        excluded_event_sources=["kms.amazonaws.com"],
    )


def test_cloudwatch_logs_delivery_time_is_kept_with_when_the_status_was_read(
    aws: boto3.session.Session,
) -> None:
    """moto's GetTrailStatus has no LatestCloudWatchLogsDeliveryTime, so the trail is answered
    by botocore's Stubber with the fields the CloudTrail API reference documents."""
    from datetime import UTC, datetime

    from botocore.stub import Stubber

    from auditor.session import ClientPool

    pool = ClientPool(aws, None)
    client = pool.client("cloudtrail", "us-east-1")
    arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/audit"
    delivered = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/org/cloudtrail:*"
    with Stubber(client) as stub:
        stub.add_response(
            "describe_trails",
            {
                "trailList": [
                    {
                        "Name": "audit",
                        "TrailARN": arn,
                        "HomeRegion": "us-east-1",
                        "IsMultiRegionTrail": True,
                        "CloudWatchLogsLogGroupArn": group,
                    }
                ]
            },
            {"includeShadowTrails": True},
        )
        stub.add_response(
            "get_trail_status",
            {
                "IsLogging": True,
                "LatestCloudWatchLogsDeliveryTime": delivered,
                "LatestCloudWatchLogsDeliveryError": "",
            },
            {"Name": arn},
        )
        stub.add_response(
            "get_event_selectors", {"TrailARN": arn, "EventSelectors": []}, {"TrailName": arn}
        )
        before = datetime.now(UTC)
        scope = collect_scopes(aws, ["cloudtrail_trails"], pool=pool, regions=("us-east-1",))[
            "us-east-1"
        ]
        stub.assert_no_pending_responses()

    assert isinstance(scope.cloudtrail_trails, list)
    [trail] = scope.cloudtrail_trails
    assert trail.is_logging is True
    assert trail.cloudwatch_logs_delivered_at == delivered
    assert trail.status_read_at is not None and trail.status_read_at >= before
