"""The API Gateway checks (execution and access logging, tracing, WAF, cache encryption, route
authorization) on hand-built REST, HTTP and WebSocket APIs."""

from __future__ import annotations

from typing import Any

from conftest import (
    REGION,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import (
    ApiV2,
    ApiV2Route,
    ApiV2Stage,
    CollectionError,
    RestApi,
    RestApiMethodSetting,
    RestApiStage,
)
from checks.apigateway import (
    apigateway_route_authorization,
    apigateway_stage_access_logging,
    apigateway_stage_cache_encrypted,
    apigateway_stage_execution_logging,
    apigateway_stage_waf_associated,
    apigateway_stage_xray_tracing,
)

WEB_ACL = f"arn:aws:wafv2:{REGION}:123456789012:regional/webacl/api/1"
LOG_GROUP = f"arn:aws:logs:{REGION}:123456789012:log-group:api-access"


def rest_stage(name: str, *settings: RestApiMethodSetting, **fields: Any) -> RestApiStage:
    return RestApiStage(
        arn=f"arn:aws:apigateway:{REGION}::/restapis/r1/stages/{name}",
        name=name,
        method_settings=list(settings),
        **fields,
    )


def rest_api(*stages: RestApiStage, stages_error: CollectionError | None = None) -> RestApi:
    return RestApi(
        id="r1",
        name="lessons",
        arn=f"arn:aws:apigateway:{REGION}::/restapis/r1",
        stages=stages_error if stages_error is not None else list(stages),
    )


def stage_wide(**fields: Any) -> RestApiMethodSetting:
    return RestApiMethodSetting(method_path="*/*", **fields)


def v2_api(
    protocol: str = "HTTP",
    *,
    stages: list[ApiV2Stage] | CollectionError | None = None,
    routes: list[ApiV2Route] | CollectionError | None = None,
) -> ApiV2:
    return ApiV2(
        id="h1",
        name="progress",
        arn=f"arn:aws:apigateway:{REGION}::/apis/h1",
        protocol_type=protocol,
        stages=[] if stages is None else stages,
        routes=[] if routes is None else routes,
    )


def v2_stage(name: str, **fields: Any) -> ApiV2Stage:
    return ApiV2Stage(
        arn=f"arn:aws:apigateway:{REGION}::/apis/h1/stages/{name}", name=name, **fields
    )


def route(key: str, authorization: str) -> ApiV2Route:
    return ApiV2Route(
        id=key.replace(" ", "-"),
        arn=f"arn:aws:apigateway:{REGION}::/apis/h1/routes/{key}",
        route_key=key,
        authorization_type=authorization,
    )


def rest(*apis: RestApi, **datasets: Any) -> Any:
    return scope_snapshot(apigateway_rest_apis=list(apis), **datasets)


# --- apigateway_stage_execution_logging ---------------------------------------------------------


def test_rest_and_websocket_stages_are_judged_by_logging_level_and_http_apis_skipped() -> None:
    snapshot = rest(
        rest_api(
            rest_stage("prod", stage_wide(logging_level="ERROR")),
            rest_stage("dev", stage_wide(logging_level="OFF")),
            rest_stage("bare"),
        ),
        apigateway_v2_apis=[
            v2_api("WEBSOCKET", stages=[v2_stage("live", default_logging_level="INFO")]),
            v2_api("HTTP", stages=[v2_stage("$default")]),
        ],
    )

    verdicts = by_resource(run_check(apigateway_stage_execution_logging, snapshot))

    assert set(verdicts) == {"lessons/prod", "lessons/dev", "lessons/bare", "progress/live"}
    assert verdicts["lessons/prod"].status is Status.PASS
    assert verdicts["lessons/prod"].resource.type == "AWS::ApiGateway::Stage"
    assert verdicts["lessons/dev"].status is Status.FAIL
    assert (
        verdicts["lessons/bare"].message == "REST API stage lessons/bare has execution logging OFF."
    )
    assert verdicts["progress/live"].status is Status.PASS
    assert verdicts["progress/live"].resource.type == "AWS::ApiGatewayV2::Stage"


def test_execution_logging_error_for_an_api_whose_stages_cannot_be_read() -> None:
    error = denied("apigateway", "GetStages", "r1")

    [verdict] = run_check(
        apigateway_stage_execution_logging,
        rest(rest_api(stages_error=error), apigateway_v2_apis=[]),
    )

    assert verdict.status is Status.ERROR
    assert verdict.resource.type == "AWS::ApiGateway::RestApi"
    assert verdict.error == error


# --- apigateway_stage_xray_tracing / apigateway_stage_waf_associated -----------------------------


def test_tracing_and_waf_per_stage() -> None:
    snapshot = rest(
        rest_api(
            rest_stage("prod", tracing_enabled=True, web_acl_arn=WEB_ACL),
            rest_stage("dev"),
        )
    )

    tracing = by_resource(run_check(apigateway_stage_xray_tracing, snapshot))
    waf = by_resource(run_check(apigateway_stage_waf_associated, snapshot))

    assert tracing["lessons/prod"].status is Status.PASS
    assert tracing["lessons/dev"].status is Status.FAIL
    assert tracing["lessons/dev"].evidence == {"tracing_enabled": False}
    assert waf["lessons/prod"].status is Status.PASS
    assert waf["lessons/prod"].evidence == {"web_acl_arn": WEB_ACL}
    assert waf["lessons/dev"].status is Status.FAIL
    assert waf["lessons/dev"].message == "REST API stage lessons/dev has no WAF web ACL."


def test_tracing_error_when_rest_apis_cannot_be_listed() -> None:
    snapshot = scope_snapshot(apigateway_rest_apis=dataset_denied("apigateway", "GetRestApis"))

    [finding] = engine_findings(apigateway_stage_xray_tracing, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "GetRestApis"


def test_waf_error_for_unreadable_stages() -> None:
    error = denied("apigateway", "GetStages", "r1")
    [verdict] = run_check(apigateway_stage_waf_associated, rest(rest_api(stages_error=error)))

    assert verdict.status is Status.ERROR
    assert verdict.error == error
    assert verdict.resource.type == "AWS::ApiGateway::RestApi"


# --- apigateway_stage_cache_encrypted ----------------------------------------------------------


def test_cache_encryption_is_judged_only_where_methods_cache() -> None:
    snapshot = rest(
        rest_api(
            rest_stage("encrypted", stage_wide(caching_enabled=True, cache_data_encrypted=True)),
            rest_stage(
                "mixed",
                stage_wide(caching_enabled=True, cache_data_encrypted=True),
                RestApiMethodSetting(method_path="lessons/GET", caching_enabled=True),
            ),
            rest_stage("uncached", stage_wide(caching_enabled=False)),
        )
    )

    verdicts = by_resource(run_check(apigateway_stage_cache_encrypted, snapshot))

    assert verdicts["lessons/encrypted"].status is Status.PASS
    assert verdicts["lessons/mixed"].status is Status.FAIL
    assert verdicts["lessons/mixed"].evidence == {
        "caching_methods": ["*/*", "lessons/GET"],
        "unencrypted_methods": ["lessons/GET"],
    }
    assert verdicts["lessons/uncached"].status is Status.PASS
    assert (
        verdicts["lessons/uncached"].message
        == "REST API stage lessons/uncached caches no responses."
    )


def test_cache_encryption_error_for_unreadable_stages() -> None:
    error = denied("apigateway", "GetStages", "r1")
    [verdict] = run_check(apigateway_stage_cache_encrypted, rest(rest_api(stages_error=error)))

    assert verdict.status is Status.ERROR
    assert verdict.error == error
    assert verdict.resource.type == "AWS::ApiGateway::RestApi"


# --- apigateway_route_authorization ------------------------------------------------------------


def test_routes_without_authorization_fail() -> None:
    api = v2_api(routes=[route("GET /lessons", "JWT"), route("POST /admin", "NONE")])

    verdicts = by_resource(
        run_check(apigateway_route_authorization, scope_snapshot(apigateway_v2_apis=[api]))
    )

    assert verdicts["progress/GET /lessons"].status is Status.PASS
    assert verdicts["progress/GET /lessons"].resource.type == "AWS::ApiGatewayV2::Route"
    assert verdicts["progress/POST /admin"].status is Status.FAIL
    assert verdicts["progress/POST /admin"].message == (
        "Route POST /admin of HTTP API progress requires no authorization."
    )


def test_route_error_when_routes_cannot_be_read() -> None:
    error = denied("apigatewayv2", "GetRoutes", "h1")

    [verdict] = run_check(
        apigateway_route_authorization, scope_snapshot(apigateway_v2_apis=[v2_api(routes=error)])
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error
    assert verdict.resource.type == "AWS::ApiGatewayV2::Api"


# --- apigateway_stage_access_logging -----------------------------------------------------------


def test_v2_stages_need_an_access_log_destination() -> None:
    api = v2_api(stages=[v2_stage("$default", access_log_destination=LOG_GROUP), v2_stage("beta")])

    verdicts = by_resource(
        run_check(apigateway_stage_access_logging, scope_snapshot(apigateway_v2_apis=[api]))
    )

    assert verdicts["progress/$default"].status is Status.PASS
    assert verdicts["progress/$default"].evidence == {"destination": LOG_GROUP}
    assert verdicts["progress/beta"].status is Status.FAIL


def test_access_logging_error_when_apis_cannot_be_listed() -> None:
    snapshot = scope_snapshot(apigateway_v2_apis=dataset_denied("apigatewayv2", "GetApis"))

    [finding] = engine_findings(apigateway_stage_access_logging, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "GetApis", "error_code": "AccessDenied"}
