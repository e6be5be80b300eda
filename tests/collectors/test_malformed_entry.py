"""An entry of a list answer that the collector cannot read (a member it needs is absent) is
that resource's ERROR in every check of its type; the other entries are judged as usual.
Answers are shaped as each API reference documents them, with one entry's member taken out, as
an answer botocore's model allows (those members are optional there)."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.engine import Evaluation
from auditor.findings import Status
from auditor.registry import load_checks
from tests.support.stubbed import ACCOUNT, AnswerBook, collect_stubbed, snapshot_of

ARN = f"arn:aws:autoscaling:us-east-1:{ACCOUNT}:autoScalingGroup:"
CASES: dict[str, Any] = {
    "autoscaling_groups": {
        "answers": [
            {
                "service": "autoscaling",
                "operation": "DescribeAutoScalingGroups",
                "response": {
                    "AutoScalingGroups": [
                        {
                            "AutoScalingGroupName": name,
                            "MinSize": 2,
                            "MaxSize": 4,
                            "DesiredCapacity": 2,
                            "DefaultCooldown": 300,
                            "AvailabilityZones": ["us-east-1a", "us-east-1b"],
                            "HealthCheckType": "ELB",
                            "CreatedTime": "2026-01-05T03:30:00Z",
                            **({"AutoScalingGroupARN": f"{ARN}uuid:group/{name}"} if ok else {}),
                        }
                        for name, ok in (("web", True), ("no-arn", False))
                    ]
                },
            },
            {"service": "autoscaling", "operation": "DescribePolicies", "response": {}},
            {"service": "autoscaling", "operation": "DescribeScheduledActions", "response": {}},
        ],
        "good": "web",
        "bad": "no-arn",
        "type": "AWS::AutoScaling::AutoScalingGroup",
    },
    "logs_log_groups": {
        "answers": [
            {
                "service": "logs",
                "operation": "DescribeLogGroups",
                "response": {
                    "logGroups": [
                        {
                            "logGroupName": "/app/web",
                            "arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/web:*",
                            "retentionInDays": 30,
                            "storedBytes": 1024,
                        },
                        # A log group without its name: nothing to call it but what AWS sent.
                        {"arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/x:*"},
                    ]
                },
            }
        ],
        "good": "/app/web",
        "bad": "(unnamed)",
        "type": "AWS::Logs::LogGroup",
    },
    "dax_clusters": {
        "answers": [
            {
                "service": "dax",
                "operation": "DescribeClusters",
                "response": {
                    "Clusters": [
                        {
                            "ClusterName": name,
                            "TotalNodes": 3,
                            "Status": "available",
                            "SSEDescription": {"Status": "ENABLED"},
                            **(
                                {"ClusterArn": f"arn:aws:dax:us-east-1:{ACCOUNT}:cache/{name}"}
                                if ok
                                else {}
                            ),
                        }
                        for name, ok in (("sessions", True), ("no-arn", False))
                    ]
                },
            }
        ],
        "good": "sessions",
        "bad": "no-arn",
        "type": "AWS::DAX::Cluster",
    },
}


@pytest.mark.parametrize("dataset", sorted(CASES))
def test_one_unreadable_entry_is_its_own_error_and_the_rest_are_judged(dataset: str) -> None:
    case = CASES[dataset]
    scope = collect_stubbed(AnswerBook(case["answers"]), [dataset])["us-east-1"]
    checks = [c for c in load_checks().values() if c.metadata.datasets == (dataset,)]
    assert checks

    [unread] = scope.unread
    assert (unread.id, unread.type, unread.error.error_code) == (
        case["bad"],
        case["type"],
        "MalformedAnswer",
    )
    findings = Evaluation(snapshot_of(scope), checks).findings
    bad = {f.check_id: f.status for f in findings if f.resource.id == case["bad"]}
    good = {f.check_id: f.status for f in findings if f.resource.id == case["good"]}
    assert bad == {c.id: Status.ERROR for c in checks}
    # The readable entry is judged (by every check that applies to it), never as a gap.
    assert good and set(good) <= {c.id for c in checks}
    assert Status.ERROR not in good.values()


def test_an_unreadable_api_is_an_error_in_every_check_of_the_stages_it_hides() -> None:
    answers = [
        {
            "service": "apigateway",
            "operation": "GetRestApis",
            # The second API came without its id: its stages cannot even be asked for.
            "response": {"items": [{"id": "a1b2c3", "name": "orders"}, {"name": "no-id"}]},
        },
        {
            "service": "apigateway",
            "operation": "GetStages",
            "match": {"restApiId": "a1b2c3"},
            "response": {"item": [{"stageName": "prod", "tracingEnabled": True}]},
        },
    ]
    scope = collect_stubbed(AnswerBook(answers), ["apigateway_rest_apis"])["us-east-1"]
    checks = [c for c in load_checks().values() if c.metadata.datasets == ("apigateway_rest_apis",)]

    [unread] = scope.unread
    assert (unread.id, unread.type) == ("(unnamed)", "AWS::ApiGateway::RestApi")
    findings = Evaluation(snapshot_of(scope), checks).findings
    hidden = {f.check_id: f.status for f in findings if f.resource.id == "(unnamed)"}
    assert hidden == {c.id: Status.ERROR for c in checks}
    assert {f.status for f in findings if f.resource.id != "(unnamed)"} <= {
        Status.PASS,
        Status.FAIL,
    }
    assert any(
        f.check_id == "apigateway_stage_xray_tracing" and f.status is Status.PASS for f in findings
    )
