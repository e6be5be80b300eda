"""The CloudWatch dashboards collector against moto: dashboards are account-wide, read once in
the account's global scope, with the regions their widgets show."""

from __future__ import annotations

import json
from typing import Any

import boto3

from auditor.models import CollectionError, Dashboard
from auditor.session import ClientPool

from .conftest import ACCOUNT, FaultyPool, collect_scopes


def _put(aws: boto3.session.Session, name: str, body: object) -> None:
    cloudwatch = aws.client("cloudwatch", region_name="us-east-1")
    cloudwatch.put_dashboard(DashboardName=name, DashboardBody=json.dumps(body))


def test_dashboards_list_the_regions_their_widgets_show(aws: boto3.session.Session) -> None:
    _put(
        aws,
        "ops",
        {
            "widgets": [
                {
                    "type": "metric",
                    "properties": {
                        "region": "us-east-1",
                        "metrics": [
                            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "orders"],
                            [
                                "AWS/RDS",
                                "CPUUtilization",
                                "DBInstanceIdentifier",
                                "eu-db",
                                {"region": "eu-west-1"},
                            ],
                        ],
                    },
                },
                {"type": "text", "properties": {"markdown": "# Orders"}},
            ]
        },
    )
    _put(aws, "notes", {"widgets": [{"type": "text", "properties": {"markdown": "hi"}}]})

    scope = collect_scopes(aws, ["cloudwatch_dashboards"])["global"]

    assert isinstance(scope.cloudwatch_dashboards, list)
    assert sorted(scope.cloudwatch_dashboards, key=lambda d: d.name) == [
        Dashboard(arn=f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/notes", name="notes", regions=[]),
        Dashboard(
            arn=f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/ops",
            name="ops",
            regions=["eu-west-1", "us-east-1"],
        ),
    ]


def test_denied_body_read_errors_only_that_dashboard(aws: boto3.session.Session) -> None:
    _put(aws, "locked", {"widgets": []})
    _put(aws, "open", {"widgets": [{"type": "metric", "properties": {"region": "us-east-1"}}]})
    pool = FaultyPool(
        aws,
        {"GetDashboard": "AccessDenied"},
        when=lambda region, params: params.get("DashboardName") == "locked",
    )

    scope = collect_scopes(aws, ["cloudwatch_dashboards"], pool=pool)["global"]

    assert isinstance(scope.cloudwatch_dashboards, list)
    by_name = {d.name: d for d in scope.cloudwatch_dashboards}
    assert isinstance(by_name["locked"].regions, CollectionError)
    assert by_name["locked"].regions.resource_id == "locked"
    assert by_name["open"].regions == ["us-east-1"]


def test_denied_dashboard_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"ListDashboards": "AccessDenied"})

    scope = collect_scopes(aws, ["cloudwatch_dashboards"], pool=pool)["global"]

    assert isinstance(scope.cloudwatch_dashboards, CollectionError)
    assert scope.cloudwatch_dashboards.operation == "ListDashboards"


class _TornBodyPool(ClientPool):
    """A real pool that answers GetDashboard for `name` with a body cut short."""

    def __init__(self, session: boto3.session.Session, name: str) -> None:
        super().__init__(session, None)
        self.name = name

    def call(self, service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        answer = super().call(service, region, operation, params)
        if operation == "GetDashboard" and params.get("DashboardName") == self.name:
            answer["DashboardBody"] = '{"widgets": ['
        return answer


def test_a_body_that_does_not_parse_is_unknown_regions_not_none(
    aws: boto3.session.Session,
) -> None:
    # PutDashboard validates the body (moto too), so the torn body is handed over by the pool.
    _put(aws, "torn", {"widgets": []})
    _put(aws, "open", {"widgets": [{"type": "metric", "properties": {"region": "us-east-1"}}]})

    scope = collect_scopes(aws, ["cloudwatch_dashboards"], pool=_TornBodyPool(aws, "torn"))[
        "global"
    ]

    assert isinstance(scope.cloudwatch_dashboards, list)
    by_name = {d.name: d for d in scope.cloudwatch_dashboards}
    error = by_name["torn"].regions
    assert isinstance(error, CollectionError)
    assert (error.operation, error.error_code, error.resource_id) == (
        "GetDashboard",
        "MalformedDashboardBody",
        "torn",
    )
    assert error.message == "The body of dashboard torn is not JSON."
    assert by_name["open"].regions == ["us-east-1"]
    assert scope.errors == [error]
