"""The fault proxy's errors are what botocore reads as the intended AWS error, in each protocol
the auditor's clients speak (so a fault test fails for the product's reasons, not the proxy's)."""

from __future__ import annotations

import botocore.awsrequest
import botocore.parsers
import botocore.session
import pytest

from ..support.awsproxy import Fault, RecordedRequest
from ..support.faultproxy import shaped_error, throttle_code

JSON_HEADERS = {"x-amz-target": "X.Op", "content-type": "application/x-amz-json-1.0"}


@pytest.mark.parametrize(
    ("service", "operation", "protocol", "headers", "path"),
    [
        ("dynamodb", "DescribeTimeToLive", "json", JSON_HEADERS, "/"),
        ("monitoring", "DescribeAlarms", "json", JSON_HEADERS, "/"),
        (
            "monitoring",
            "DescribeAlarms",
            "smithy-rpc-v2-cbor",
            {},
            "/service/GraniteServiceVersion20100801/operation/DescribeAlarms",
        ),
        ("rds", "DescribeDBInstances", "query", {}, "/"),
        ("ec2", "DescribeSecurityGroups", "ec2", {}, "/"),
        ("lambda", "ListFunctions", "rest-json", {}, "/2015-03-31/functions"),
        ("s3", "GetBucketLocation", "rest-xml", {}, "/bucket"),
    ],
)
@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_botocore_reads_the_intended_error(
    service: str,
    operation: str,
    protocol: str,
    headers: dict[str, str],
    path: str,
    status: int,
) -> None:
    request = RecordedRequest(service, "us-east-1", operation, "POST", path)
    code = throttle_code(service) if status == 400 else f"Code{status}"
    out_status, out_headers, body = shaped_error(
        request, headers, Fault(operation, code=code, status=status, message="m")
    )
    parser = botocore.parsers.create_parser(protocol)
    parsed = parser.parse(
        {
            "status_code": out_status,
            "headers": botocore.awsrequest.HeadersDict(out_headers),  # as on the wire
            "body": body,
        },
        None,
    )
    assert out_status == status
    assert parsed["Error"]["Code"] == code


def test_throttle_codes_are_each_protocols_own() -> None:
    assert throttle_code("ec2") == "RequestLimitExceeded"
    assert throttle_code("rds") == "Throttling"
    assert throttle_code("dynamodb") == "ThrottlingException"
    assert botocore.session.get_session().get_service_model("rds").protocol == "query"
