"""API Gateway collectors: REST APIs with their stages (v1), and HTTP and WebSocket APIs with
their stages and routes (v2). Every read is an `apigateway:GET` in IAM."""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import APIGATEWAY_REST_APIS, APIGATEWAY_V2_APIS
from auditor.models import (
    ApiV2,
    ApiV2Route,
    ApiV2Stage,
    RestApi,
    RestApiMethodSetting,
    RestApiStage,
)

_V1 = "apigateway"
_V2 = "apigatewayv2"
_PERMISSION = "apigateway:GET"


def _api_arn(ctx: CollectContext, path: str) -> str:
    return f"arn:{ctx.partition}:apigateway:{ctx.region}::/{path}"


def _method_settings(raw: dict[str, Any]) -> list[RestApiMethodSetting]:
    return [
        RestApiMethodSetting(
            method_path=path,
            logging_level=setting.get("loggingLevel"),
            caching_enabled=bool(setting.get("cachingEnabled", False)),
            cache_data_encrypted=bool(setting.get("cacheDataEncrypted", False)),
        )
        for path, setting in sorted(raw.items())
    ]


def _rest_stages(ctx: CollectContext, api_id: str) -> list[RestApiStage]:
    return [
        RestApiStage(
            arn=_api_arn(ctx, f"restapis/{api_id}/stages/{s['stageName']}"),
            name=s["stageName"],
            tracing_enabled=bool(s.get("tracingEnabled", False)),
            web_acl_arn=s.get("webAclArn") or None,
            cache_cluster_enabled=bool(s.get("cacheClusterEnabled", False)),
            access_log_destination=s.get("accessLogSettings", {}).get("destinationArn") or None,
            method_settings=_method_settings(s.get("methodSettings", {})),
        )
        for s in ctx.paginate(_V1, "GetStages", "item", resource_id=api_id, restApiId=api_id)
    ]


def collect_rest_apis(ctx: CollectContext) -> list[RestApi]:
    def one(api: dict[str, Any]) -> RestApi:
        return RestApi(
            id=api["id"],
            name=api.get("name", ""),
            arn=_api_arn(ctx, f"restapis/{api['id']}"),
            stages=ctx.attempt(partial(_rest_stages, ctx, api["id"])),
        )

    apis = ctx.paginate(_V1, "GetRestApis", "items")
    return ctx.each(apis, one, kind="AWS::ApiGateway::RestApi", ident=lambda api: api["id"])


def _v2_stages(ctx: CollectContext, api_id: str) -> list[ApiV2Stage]:
    return [
        ApiV2Stage(
            arn=_api_arn(ctx, f"apis/{api_id}/stages/{s['StageName']}"),
            name=s["StageName"],
            access_log_destination=s.get("AccessLogSettings", {}).get("DestinationArn") or None,
            default_logging_level=s.get("DefaultRouteSettings", {}).get("LoggingLevel"),
        )
        for s in ctx.paginate(_V2, "GetStages", "Items", resource_id=api_id, ApiId=api_id)
    ]


def _v2_routes(ctx: CollectContext, api_id: str) -> list[ApiV2Route]:
    return [
        ApiV2Route(
            id=r["RouteId"],
            arn=_api_arn(ctx, f"apis/{api_id}/routes/{r['RouteId']}"),
            route_key=r.get("RouteKey", ""),
            authorization_type=r.get("AuthorizationType") or "NONE",
        )
        for r in ctx.paginate(_V2, "GetRoutes", "Items", resource_id=api_id, ApiId=api_id)
    ]


def collect_v2_apis(ctx: CollectContext) -> list[ApiV2]:
    def one(api: dict[str, Any]) -> ApiV2:
        return ApiV2(
            id=api["ApiId"],
            name=api.get("Name", ""),
            arn=_api_arn(ctx, f"apis/{api['ApiId']}"),
            protocol_type=api.get("ProtocolType", "HTTP"),
            stages=ctx.attempt(partial(_v2_stages, ctx, api["ApiId"])),
            routes=ctx.attempt(partial(_v2_routes, ctx, api["ApiId"])),
        )

    apis = ctx.paginate(_V2, "GetApis", "Items")
    return ctx.each(apis, one, kind="AWS::ApiGatewayV2::Api", ident=lambda api: api["ApiId"])


REST_APIS = Collector(
    dataset=APIGATEWAY_REST_APIS,
    operations=(
        Operation(_V1, "GetRestApis", _PERMISSION),
        Operation(_V1, "GetStages", _PERMISSION),
    ),
    collect=collect_rest_apis,
)
V2_APIS = Collector(
    dataset=APIGATEWAY_V2_APIS,
    operations=(
        Operation(_V2, "GetApis", _PERMISSION),
        Operation(_V2, "GetStages", _PERMISSION),
        Operation(_V2, "GetRoutes", _PERMISSION),
    ),
    collect=collect_v2_apis,
)
