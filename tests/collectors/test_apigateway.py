"""The API Gateway collectors against moto: REST stages with their method settings, HTTP APIs
with stages and routes, and per-API read failures."""

from __future__ import annotations

import boto3

from auditor.models import ApiV2, CollectionError, RestApi

from .conftest import FaultyPool, collect_scopes

LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:progress-access"


def _rest_api(session: boto3.session.Session, name: str) -> str:
    client = session.client("apigateway", region_name="us-east-1")
    api: str = client.create_rest_api(name=name)["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = client.create_deployment(restApiId=api)["id"]
    client.create_stage(
        restApiId=api, stageName="prod", deploymentId=deployment, tracingEnabled=True
    )
    client.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
            {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
        ],
    )
    return api


def test_rest_api_stages_keep_tracing_and_method_settings(aws: boto3.session.Session) -> None:
    api_id = _rest_api(aws, "lessons")

    apis = collect_scopes(aws, ["apigateway_rest_apis"], regions=("us-east-1",))["us-east-1"]

    assert isinstance(apis.apigateway_rest_apis, list)
    [api] = apis.apigateway_rest_apis
    assert isinstance(api, RestApi)
    assert api.arn == f"arn:aws:apigateway:us-east-1::/restapis/{api_id}"
    assert not isinstance(api.stages, CollectionError)
    [stage] = api.stages
    assert stage.arn == f"arn:aws:apigateway:us-east-1::/restapis/{api_id}/stages/prod"
    assert stage.tracing_enabled is True
    assert stage.web_acl_arn is None
    setting = stage.setting("*/*")
    assert setting is not None
    assert (setting.logging_level, setting.caching_enabled) == ("ERROR", True)


def test_http_api_stages_and_routes(aws: boto3.session.Session) -> None:
    client = aws.client("apigatewayv2", region_name="us-east-1")
    api_id = client.create_api(Name="progress", ProtocolType="HTTP")["ApiId"]
    client.create_route(ApiId=api_id, RouteKey="GET /streaks")
    client.create_route(ApiId=api_id, RouteKey="POST /streaks", AuthorizationType="AWS_IAM")
    client.create_stage(
        ApiId=api_id,
        StageName="$default",
        AccessLogSettings={"DestinationArn": LOG_GROUP, "Format": "$context.requestId"},
    )

    scope = collect_scopes(aws, ["apigateway_v2_apis"], regions=("us-east-1",))["us-east-1"]

    assert isinstance(scope.apigateway_v2_apis, list)
    [api] = scope.apigateway_v2_apis
    assert isinstance(api, ApiV2)
    assert (api.name, api.protocol_type) == ("progress", "HTTP")
    assert not isinstance(api.stages, CollectionError)
    assert [(s.name, s.access_log_destination) for s in api.stages] == [("$default", LOG_GROUP)]
    assert not isinstance(api.routes, CollectionError)
    assert sorted((r.route_key, r.authorization_type) for r in api.routes) == [
        ("GET /streaks", "NONE"),
        ("POST /streaks", "AWS_IAM"),
    ]


def test_denied_stage_read_errors_only_that_api(aws: boto3.session.Session) -> None:
    locked = _rest_api(aws, "locked")
    _rest_api(aws, "open")
    pool = FaultyPool(
        aws,
        {"GetStages": "AccessDeniedException"},
        when=lambda region, params: params.get("restApiId") == locked,
    )

    scope = collect_scopes(aws, ["apigateway_rest_apis"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.apigateway_rest_apis, list)
    apis = {a.name: a for a in scope.apigateway_rest_apis}
    assert isinstance(apis["locked"].stages, CollectionError)
    assert apis["locked"].stages.resource_id == locked
    assert not isinstance(apis["open"].stages, CollectionError)


def test_denied_http_api_list_is_a_dataset_error(aws: boto3.session.Session) -> None:
    pool = FaultyPool(aws, {"GetApis": "AccessDeniedException"})

    scope = collect_scopes(aws, ["apigateway_v2_apis"], pool=pool, regions=("us-east-1",))[
        "us-east-1"
    ]

    assert isinstance(scope.apigateway_v2_apis, CollectionError)
    assert scope.apigateway_v2_apis.operation == "GetApis"
