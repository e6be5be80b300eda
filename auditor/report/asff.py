"""AWS Security Finding Format (ASFF) for Security Hub's BatchImportFindings.

The file is a JSON list of batches. Each batch holds at most 100 findings of one account for
one import region (BatchImportFindings takes 100 per call, must be called by the account the
findings belong to, and a custom product ARN names the region it is called in):

    {"account": "123456789012", "region": "eu-west-1", "Findings": [ ...ASFF... ]}

`jq '{Findings}'` of a batch is a complete request for `aws securityhub batch-import-findings
--region <region> --cli-input-json`. A finding outside the scanned regions (IAM's "global", an
S3 bucket's own region) is imported in the first scanned region, its resource keeping its own
region. A baseline FAIL whose resource is gone is sent ARCHIVED.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from pydantic import JsonValue

from auditor.checkapi import FRAMEWORKS
from auditor.findings import Finding, Report, Status
from auditor.models import GLOBAL_REGION

BATCH_SIZE = 100
SCHEMA_VERSION = "2018-10-08"
FINDING_TYPE = "Software and Configuration Checks/AWS Security Best Practices"
_COMPLIANCE = {Status.PASS: "PASSED", Status.FAIL: "FAILED", Status.ERROR: "NOT_AVAILABLE"}
# CloudFormation type -> ASFF resource type, where ASFF has one; anything else is "Other".
_RESOURCE_TYPES = {
    "AWS::RDS::DBInstance": "AwsRdsDbInstance",
    "AWS::RDS::DBCluster": "AwsRdsDbCluster",
    "AWS::DynamoDB::Table": "AwsDynamoDbTable",
    "AWS::IAM::ManagedPolicy": "AwsIamPolicy",
    "AWS::IAM::Role": "AwsIamRole",
    "AWS::IAM::User": "AwsIamUser",
    "AWS::IAM::Group": "AwsIamGroup",
    "AWS::S3::Bucket": "AwsS3Bucket",
    "AWS::CloudWatch::Alarm": "AwsCloudWatchAlarm",
    "AWS::Lambda::Function": "AwsLambdaFunction",
    "AWS::EC2::Instance": "AwsEc2Instance",
    "AWS::EC2::Volume": "AwsEc2Volume",
    "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
    "AWS::EC2::VPC": "AwsEc2Vpc",
    "AWS::KMS::Key": "AwsKmsKey",
    "AWS::SNS::Topic": "AwsSnsTopic",
    "AWS::SQS::Queue": "AwsSqsQueue",
    "AWS::ECS::Cluster": "AwsEcsCluster",
    "AWS::EKS::Cluster": "AwsEksCluster",
    "AWS::ElastiCache::CacheCluster": "AwsElastiCacheCacheCluster",
    "AWS::::Account": "AwsAccount",
}
# ASFF field limits (characters / items).
_TITLE, _DESCRIPTION, _TEXT, _TAGS, _REQUIREMENTS = 256, 1024, 512, 50, 32


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def import_region(finding: Finding, scanned: set[str], home: str) -> str:
    """Where Security Hub receives the finding: its own region when that was scanned, else the
    home region (IAM is global; an S3 bucket may live in a region nobody scanned)."""
    return finding.region if finding.region in scanned else home


def _tags(tags: Mapping[str, str] | None) -> dict[str, JsonValue]:
    items = sorted((tags or {}).items())[:_TAGS]
    # ASFF tag keys and values have AWS's tag limits (128 and 256 characters).
    return {_clip(k, 128): _clip(v, 256) for k, v in items}


def asff_finding(
    finding: Finding, region: str, seen: datetime, version: str, *, gone: bool = False
) -> dict[str, JsonValue]:
    account, resource = finding.account_id, finding.resource
    partition = _partition(region)
    first_seen = finding.first_seen or seen
    requirements = [
        f"{FRAMEWORKS.get(framework, framework)} {control}"
        for framework, controls in sorted(finding.compliance.items())
        for control in controls
    ][:_REQUIREMENTS]
    fix = finding.remediation
    resource_entry: dict[str, JsonValue] = {
        "Type": _RESOURCE_TYPES.get(resource.type, "Other"),
        "Id": _clip(resource.arn or resource.id, 512),
        "Partition": partition,
        "Region": region if finding.region == GLOBAL_REGION else finding.region,
        "Details": {"Other": {"CloudFormationType": resource.type, "Name": resource.id[:1024]}},
    }
    if resource.tags:
        resource_entry["Tags"] = _tags(resource.tags)
    compliance: dict[str, JsonValue] = {"Status": _COMPLIANCE[finding.status]}
    if requirements:
        compliance["RelatedRequirements"] = list(requirements)
    severity: dict[str, JsonValue] = {
        "Label": finding.severity.value.upper(),
        "Original": finding.severity.value,
    }
    if gone or finding.status is Status.PASS:
        workflow = "RESOLVED"
    else:
        workflow = "SUPPRESSED" if finding.muted else "NEW"
    product_fields: dict[str, JsonValue] = {
        "ProviderName": "auditor",
        "ProviderVersion": version,
        "auditor/CheckId": finding.check_id,
        "auditor/Status": finding.status.value,
        "auditor/Region": finding.region,
    }
    if finding.diff_state is not None:
        product_fields["auditor/DiffState"] = finding.diff_state.value
    if finding.owner is not None:
        product_fields["auditor/Owner"] = _clip(finding.owner, _TEXT)
    asff: dict[str, JsonValue] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"auditor/{account}/{finding.id}",
        "ProductArn": f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": "auditor",
        "CompanyName": "auditor",
        "GeneratorId": f"auditor/{finding.check_id}",
        "AwsAccountId": account,
        "Types": [FINDING_TYPE],
        "CreatedAt": _iso(first_seen),
        "UpdatedAt": _iso(seen),
        "FirstObservedAt": _iso(first_seen),
        "LastObservedAt": _iso(seen),
        "Severity": severity,
        "FindingProviderFields": {"Severity": severity, "Types": [FINDING_TYPE]},
        "Title": _clip(finding.title, _TITLE),
        "Description": _clip(finding.message, _DESCRIPTION),
        "Remediation": {
            "Recommendation": {"Text": _clip(f"{fix.console} | CLI: {fix.cli}", _TEXT)}
        },
        "ProductFields": product_fields,
        "Resources": [resource_entry],
        "Compliance": compliance,
        "Workflow": {"Status": workflow},
        "RecordState": "ARCHIVED" if gone else "ACTIVE",
    }
    if finding.muted and finding.mute is not None:
        mute = finding.mute
        asff["Note"] = {
            "Text": _clip(f"Muted until {mute.expires}: {mute.reason}", _TEXT),
            "UpdatedBy": _clip(mute.owner, 512),
            "UpdatedAt": _iso(seen),
        }
    return asff


def asff_batches(report: Report) -> list[dict[str, JsonValue]]:
    scanned = set(report.scan.regions)
    home = min(scanned) if scanned else "us-east-1"
    seen, version = report.scan.finished_at, report.tool.version
    present = {f.id for f in report.findings}
    entries: Iterable[tuple[Finding, bool]] = [
        *((f, False) for f in report.findings),
        *((f, True) for f in report.fixed if f.id not in present),
    ]
    grouped: dict[tuple[str, str], list[JsonValue]] = defaultdict(list)
    for finding, gone in entries:
        region = import_region(finding, scanned, home)
        grouped[(finding.account_id, region)].append(
            asff_finding(finding, region, seen, version, gone=gone)
        )
    return [
        {"account": account, "region": region, "Findings": findings[i : i + BATCH_SIZE]}
        for (account, region), findings in sorted(grouped.items())
        for i in range(0, len(findings), BATCH_SIZE)
    ]


def render_asff(report: Report) -> str:
    return json.dumps(asff_batches(report), indent=1, ensure_ascii=False) + "\n"
