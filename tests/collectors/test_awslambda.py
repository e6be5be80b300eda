"""The Lambda collector: functions joined with their resource policy and asynchronous invocation
settings, against moto, and through botocore's Stubber where moto falls short."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest
from botocore.stub import Stubber

from auditor.models import CollectionError, LambdaFunction
from auditor.session import ClientPool

from .conftest import ACCOUNT, FaultyPool, collect_scopes

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:thumbnail-failures"
SECRET = "hunter2-not-for-reports"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture
def role(aws: boto3.session.Session) -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    arn: str = aws.client("iam").create_role(
        RoleName="thumbnail-role", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    return arn


def _function(session: boto3.session.Session, name: str, role: str, **extra: object) -> None:
    session.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name,
        Runtime=extra.pop("Runtime", "python3.12"),
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
        **extra,
    )


def _functions(value: object) -> dict[str, LambdaFunction]:
    assert isinstance(value, list)
    return {f.name: f for f in value}


def test_functions_join_policy_and_event_invoke_config(
    aws: boto3.session.Session, role: str
) -> None:
    _function(aws, "thumbnails", role, Environment={"Variables": {"API_TOKEN": SECRET}})
    _function(aws, "report", role, Runtime="nodejs16.x")
    client = aws.client("lambda", region_name="us-east-1")
    client.add_permission(
        FunctionName="thumbnails",
        StatementId="s3-uploads",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::uploads",
        SourceAccount=ACCOUNT,
    )
    client.put_function_event_invoke_config(
        FunctionName="thumbnails",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
    )

    scope = collect_scopes(aws, ["lambda_functions"], regions=("us-east-1",))["us-east-1"]

    functions = _functions(scope.lambda_functions)
    thumbnails = functions["thumbnails"]
    assert thumbnails.runtime == "python3.12"
    assert thumbnails.role_arn == role
    assert not isinstance(thumbnails.resource_policy, CollectionError)
    [statement] = thumbnails.resource_policy.document["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert not isinstance(thumbnails.event_invoke_configs, CollectionError)
    [config] = thumbnails.event_invoke_configs
    assert (config.on_failure_destination, config.maximum_retry_attempts) == (QUEUE, 1)
    report = functions["report"]
    assert report.runtime == "nodejs16.x"
    assert not isinstance(report.resource_policy, CollectionError)
    assert report.resource_policy.document is None  # no policy: GetPolicy's NotFound
    assert report.event_invoke_configs == []
    assert scope.errors == []
    # Environment variables are neither kept nor named.
    assert SECRET not in scope.model_dump_json()
    assert "API_TOKEN" not in scope.model_dump_json()


def test_dead_letter_config_is_read_from_list_functions(aws: boto3.session.Session) -> None:
    """moto accepts DeadLetterConfig and drops it, so ListFunctions is answered by botocore's
    Stubber with the shape the Lambda API reference documents for FunctionConfiguration."""
    pool = ClientPool(aws, None)
    client = pool.client("lambda", "us-east-1")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fanout"
    with Stubber(client) as stub:
        stub.add_response(
            "list_functions",
            {
                "Functions": [
                    {
                        "FunctionName": "fanout",
                        "FunctionArn": arn,
                        "Runtime": "python3.13",
                        "Role": f"arn:aws:iam::{ACCOUNT}:role/fanout-role",
                        "Handler": "index.handler",
                        "PackageType": "Zip",
                        "LastModified": "2026-01-05T10:00:00.000+0000",
                        "DeadLetterConfig": {"TargetArn": QUEUE},
                        "Environment": {"Variables": {"DB_PASSWORD": SECRET}},
                    }
                ]
            },
            {},
        )
        stub.add_response(
            "get_policy",
            {"Policy": json.dumps({"Version": "2012-10-17", "Statement": []}), "RevisionId": "1"},
            {"FunctionName": "fanout"},
        )
        stub.add_response(
            "list_function_event_invoke_configs",
            {"FunctionEventInvokeConfigs": []},
            {"FunctionName": "fanout"},
        )
        scope = collect_scopes(aws, ["lambda_functions"], pool=pool, regions=("us-east-1",))[
            "us-east-1"
        ]
        stub.assert_no_pending_responses()

    [fanout] = _functions(scope.lambda_functions).values()
    assert fanout.dead_letter_target_arn == QUEUE
    assert fanout.last_modified == "2026-01-05T10:00:00.000+0000"
    assert SECRET not in scope.model_dump_json()


def test_denied_policy_read_errors_only_that_function(
    aws: boto3.session.Session, role: str
) -> None:
    _function(aws, "locked", role)
    _function(aws, "open", role)
    pool = FaultyPool(
        aws,
        {"GetPolicy": "AccessDeniedException"},
        when=lambda region, params: params.get("FunctionName") == "locked",
    )

    scope = collect_scopes(aws, ["lambda_functions"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    functions = _functions(scope.lambda_functions)
    error = functions["locked"].resource_policy
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code, error.resource_id) == (
        "GetPolicy",
        "AccessDeniedException",
        "locked",
    )
    assert not isinstance(functions["open"].resource_policy, CollectionError)
    assert scope.errors == [error]


def test_denied_function_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListFunctions": "AccessDeniedException"})

    scope = collect_scopes(aws, ["lambda_functions"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.lambda_functions, CollectionError)
    assert scope.lambda_functions.operation == "ListFunctions"


def test_event_source_mappings_name_the_stream_and_the_table_its_stream(
    aws: boto3.session.Session, role: str
) -> None:
    dynamodb = aws.client("dynamodb", region_name="us-east-1")
    table = dynamodb.create_table(
        TableName="progress",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    _function(aws, "leaderboard-updater", role)
    aws.client("lambda", region_name="us-east-1").create_event_source_mapping(
        EventSourceArn=table["LatestStreamArn"],
        FunctionName="leaderboard-updater",
        StartingPosition="LATEST",
    )

    scope = collect_scopes(
        aws, ["lambda_event_source_mappings", "dynamodb_tables"], regions=("us-east-1",)
    )["us-east-1"]

    assert isinstance(scope.lambda_event_source_mappings, list)
    [mapping] = scope.lambda_event_source_mappings
    assert mapping.event_source_arn == table["LatestStreamArn"]
    assert mapping.function_arn is not None
    assert mapping.function_arn.endswith(":function:leaderboard-updater")
    assert mapping.state == "Enabled"
    assert isinstance(scope.dynamodb_tables, list)
    [progress] = scope.dynamodb_tables
    assert progress.stream_enabled is True
    assert progress.latest_stream_arn == table["LatestStreamArn"]


def test_denied_event_source_mapping_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListEventSourceMappings": "AccessDeniedException"})

    scope = collect_scopes(
        aws, ["lambda_event_source_mappings"], pool=pool, regions=("us-east-1",)
    )["us-east-1"]

    error = scope.lambda_event_source_mappings
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code) == (
        "ListEventSourceMappings",
        "AccessDeniedException",
    )
