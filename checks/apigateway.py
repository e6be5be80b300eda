"""API Gateway checks: stages log, trace, sit behind WAF and encrypt their cache; HTTP and
WebSocket routes require authorization and their stages keep access logs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import APIGATEWAY_REST_APIS, APIGATEWAY_V2_APIS
from auditor.findings import Remediation, ResourceRef, Severity
from auditor.models import ApiV2, ApiV2Stage, CollectionError, RestApi, RestApiStage
from checks.verdicts import verdict

_REST_API_TYPE = "AWS::ApiGateway::RestApi"
_REST_STAGE_TYPE = "AWS::ApiGateway::Stage"
_V2_API_TYPE = "AWS::ApiGatewayV2::Api"
_V2_STAGE_TYPE = "AWS::ApiGatewayV2::Stage"
_V2_ROUTE_TYPE = "AWS::ApiGatewayV2::Route"
_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html"
_GUIDE = "https://docs.aws.amazon.com/apigateway/latest/developerguide"
_CONFIG_RULES = "https://docs.aws.amazon.com/config/latest/developerguide"
_LOGGING_LEVELS = ("ERROR", "INFO")


def _rest_stage_ref(api: RestApi, stage: RestApiStage) -> ResourceRef:
    return ResourceRef(arn=stage.arn, id=f"{api.name}/{stage.name}", type=_REST_STAGE_TYPE)


def _v2_stage_ref(api: ApiV2, stage: ApiV2Stage) -> ResourceRef:
    return ResourceRef(arn=stage.arn, id=f"{api.name}/{stage.name}", type=_V2_STAGE_TYPE)


def _judge_rest_stages(
    scope: Scope,
    judge: Callable[[RestApiStage], tuple[bool, str, dict[str, JsonValue]]],
) -> Iterator[Verdict]:
    """One verdict per REST API stage from `judge` (passed?, outcome, evidence); an API whose
    stages could not be read is one ERROR."""
    for api in scope.get(APIGATEWAY_REST_APIS):
        if isinstance(api.stages, CollectionError):
            yield unreadable(ResourceRef(arn=api.arn, id=api.name, type=_REST_API_TYPE), api.stages)
            continue
        for stage in api.stages:
            ok, outcome, evidence = judge(stage)
            yield verdict(
                ok,
                _rest_stage_ref(api, stage),
                f"REST API stage {api.name}/{stage.name} {outcome}.",
                **evidence,
            )


# MEDIUM, as Security Hub rates APIGateway.1.
@check(
    id="apigateway_stage_execution_logging",
    title="API Gateway REST and WebSocket stages have execution logging enabled",
    service="apigateway",
    severity=Severity.MEDIUM,
    resource_type=_REST_STAGE_TYPE,
    datasets=[APIGATEWAY_REST_APIS, APIGATEWAY_V2_APIS],
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on API "
        "Gateway monitoring): execution logs at ERROR or INFO record what each request did "
        "inside API Gateway (authorizer results, integration responses), which is what an "
        "investigation needs."
    ),
    remediation=Remediation(
        console=(
            "API Gateway console > the API > Stages > select the stage > Logs and tracing > Edit "
            "> CloudWatch logs: Errors only or Errors and info logs > Save (the account needs a "
            "CloudWatch Logs role under Settings)."
        ),
        cli=(
            "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> "
            "--patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR   # WebSocket: "
            "aws apigatewayv2 update-stage --api-id <api-id> --stage-name <stage> "
            "--default-route-settings LoggingLevel=ERROR"
        ),
        terraform=(
            'aws_api_gateway_method_settings: method_path = "*/*", settings { logging_level = '
            '"ERROR" } (aws_apigatewayv2_stage: default_route_settings { logging_level = '
            '"ERROR" })'
        ),
    ),
    references=[
        f"{_CONTROLS}#apigateway-1",
        f"{_CONFIG_RULES}/api-gw-execution-logging-enabled.html",
        f"{_GUIDE}/set-up-logging.html",
    ],
    compliance={"fsbp": ["APIGateway.1"], "wa-rel": ["REL06-BP01"]},
)
def apigateway_stage_execution_logging(scope: Scope) -> Iterable[Verdict]:
    """REST stages by their stage-wide method setting ("*/*"), WebSocket stages by their
    default route settings. HTTP APIs have no execution logs (their access logs are judged by
    apigateway_stage_access_logging) and are not judged here."""

    def judge(stage: RestApiStage) -> tuple[bool, str, dict[str, JsonValue]]:
        setting = stage.setting("*/*")
        level = setting.logging_level if setting else None
        return _logging_outcome(level)

    yield from _judge_rest_stages(scope, judge)
    for api in scope.get(APIGATEWAY_V2_APIS):
        if api.protocol_type != "WEBSOCKET":
            continue
        if isinstance(api.stages, CollectionError):
            yield unreadable(_v2_api_ref(api), api.stages)
            continue
        for stage in api.stages:
            ok, outcome, evidence = _logging_outcome(stage.default_logging_level)
            yield verdict(
                ok,
                _v2_stage_ref(api, stage),
                f"WebSocket API stage {api.name}/{stage.name} {outcome}.",
                **evidence,
            )


def _logging_outcome(level: str | None) -> tuple[bool, str, dict[str, JsonValue]]:
    evidence: dict[str, JsonValue] = {"logging_level": level}
    if level and level.upper() in _LOGGING_LEVELS:
        return True, f"logs execution at {level.upper()}", evidence
    return False, f"has execution logging {level or 'OFF'}", evidence


def _v2_api_ref(api: ApiV2) -> ResourceRef:
    return ResourceRef(arn=api.arn, id=api.name, type=_V2_API_TYPE)


# LOW, as Security Hub rates APIGateway.3.
@check(
    id="apigateway_stage_xray_tracing",
    title="API Gateway REST stages have X-Ray tracing enabled",
    service="apigateway",
    severity=Severity.LOW,
    resource_type=_REST_STAGE_TYPE,
    datasets=[APIGATEWAY_REST_APIS],
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on X-Ray "
        "with API Gateway and Lambda): active tracing follows each request from the API through "
        "the functions and services it calls, so latency and errors can be traced to their tier."
    ),
    remediation=Remediation(
        console=(
            "API Gateway console > the REST API > Stages > select the stage > Logs and tracing > "
            "Edit > X-Ray tracing: on > Save."
        ),
        cli=(
            "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> "
            "--patch-operations op=replace,path=/tracingEnabled,value=true"
        ),
        terraform="aws_api_gateway_stage: xray_tracing_enabled = true",
    ),
    references=[
        f"{_CONTROLS}#apigateway-3",
        f"{_CONFIG_RULES}/api-gw-xray-enabled.html",
        "https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html",
    ],
    compliance={"fsbp": ["APIGateway.3"], "wa-rel": ["REL06-BP07"]},
)
def apigateway_stage_xray_tracing(scope: Scope) -> Iterable[Verdict]:
    def judge(stage: RestApiStage) -> tuple[bool, str, dict[str, JsonValue]]:
        outcome = "has X-Ray tracing enabled" if stage.tracing_enabled else "is not traced"
        return stage.tracing_enabled, outcome, {"tracing_enabled": stage.tracing_enabled}

    yield from _judge_rest_stages(scope, judge)


# MEDIUM, as Security Hub rates APIGateway.4.
@check(
    id="apigateway_stage_waf_associated",
    title="API Gateway REST stages are protected by an AWS WAF web ACL",
    service="apigateway",
    severity=Severity.MEDIUM,
    resource_type=_REST_STAGE_TYPE,
    datasets=[APIGATEWAY_REST_APIS],
    rationale=(
        "Study materials (Compute, integration and network: the architecture retrospective's "
        "edge protection): a WAF web ACL in front of the API blocks common exploits, bad bots "
        "and floods before they reach the backend."
    ),
    remediation=Remediation(
        console=(
            "WAF & Shield console > Web ACLs > select (or create) a regional web ACL > Associated "
            "AWS resources > Add AWS resources > API Gateway REST API > choose the stage > Add."
        ),
        cli=(
            "aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn "
            "arn:aws:apigateway:<region>::/restapis/<api-id>/stages/<stage>"
        ),
        terraform=(
            "aws_wafv2_web_acl_association: resource_arn = aws_api_gateway_stage.<name>.arn, "
            "web_acl_arn = aws_wafv2_web_acl.<name>.arn"
        ),
    ),
    references=[
        f"{_CONTROLS}#apigateway-4",
        f"{_CONFIG_RULES}/api-gw-associated-with-waf.html",
        f"{_GUIDE}/apigateway-control-access-aws-waf.html",
    ],
    compliance={"fsbp": ["APIGateway.4"]},
)
def apigateway_stage_waf_associated(scope: Scope) -> Iterable[Verdict]:
    def judge(stage: RestApiStage) -> tuple[bool, str, dict[str, JsonValue]]:
        acl = stage.web_acl_arn
        outcome = f"is protected by web ACL {acl}" if acl else "has no WAF web ACL"
        return bool(acl), outcome, {"web_acl_arn": acl}

    yield from _judge_rest_stages(scope, judge)


# MEDIUM, as Security Hub rates APIGateway.5.
@check(
    id="apigateway_stage_cache_encrypted",
    title="API Gateway REST stage caches are encrypted at rest",
    service="apigateway",
    severity=Severity.MEDIUM,
    resource_type=_REST_STAGE_TYPE,
    datasets=[APIGATEWAY_REST_APIS],
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on API "
        "Gateway caching): a stage cache holds copies of responses, often personal data; "
        "encrypting it keeps those copies as protected as the backend's."
    ),
    remediation=Remediation(
        console=(
            "API Gateway console > the REST API > Stages > select the stage > Stage details > "
            "Edit > Cache settings: Encrypt cache data > Save (and for each method override)."
        ),
        cli=(
            "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> "
            "--patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true"
        ),
        terraform=(
            "aws_api_gateway_method_settings: settings { caching_enabled = true, "
            "cache_data_encrypted = true }"
        ),
    ),
    references=[
        f"{_CONTROLS}#apigateway-5",
        f"{_GUIDE}/api-gateway-caching.html",
    ],
    compliance={"fsbp": ["APIGateway.5"]},
)
def apigateway_stage_cache_encrypted(scope: Scope) -> Iterable[Verdict]:
    """As APIGateway.5 does, only methods that cache are judged; a stage that caches nothing
    passes."""

    def judge(stage: RestApiStage) -> tuple[bool, str, dict[str, JsonValue]]:
        caching = [s for s in stage.method_settings if s.caching_enabled]
        plain = [s.method_path for s in caching if not s.cache_data_encrypted]
        evidence: dict[str, JsonValue] = {
            "caching_methods": [s.method_path for s in caching],
            "unencrypted_methods": list[JsonValue](plain),
        }
        if plain:
            return False, f"caches responses unencrypted for {', '.join(plain)}", evidence
        if caching:
            return True, "encrypts every method cache", evidence
        return True, "caches no responses", evidence

    yield from _judge_rest_stages(scope, judge)


# MEDIUM, as Security Hub rates APIGateway.8.
@check(
    id="apigateway_route_authorization",
    title="API Gateway HTTP and WebSocket routes require authorization",
    service="apigateway",
    severity=Severity.MEDIUM,
    resource_type=_V2_ROUTE_TYPE,
    datasets=[APIGATEWAY_V2_APIS],
    rationale=(
        "Study materials (Identity: the Developing on AWS notes on API Gateway authorizers and "
        "Cognito): every route names who may call it (IAM, a JWT from a Cognito user pool or a "
        "Lambda authorizer); a route with authorization NONE is open to anyone with the URL."
    ),
    remediation=Remediation(
        console=(
            "API Gateway console > the HTTP or WebSocket API > Authorization > select the route > "
            "Attach authorizer (JWT, Lambda or IAM) > Save."
        ),
        cli=(
            "aws apigatewayv2 update-route --api-id <api-id> --route-id <route-id> "
            "--authorization-type JWT --authorizer-id <authorizer-id>"
        ),
        terraform=(
            'aws_apigatewayv2_route: authorization_type = "JWT" (or "AWS_IAM", "CUSTOM") and '
            "authorizer_id"
        ),
    ),
    references=[
        f"{_CONTROLS}#apigateway-8",
        f"{_CONFIG_RULES}/api-gwv2-authorization-type-configured.html",
        f"{_GUIDE}/http-api-access-control.html",
    ],
    compliance={"fsbp": ["APIGateway.8"]},
)
def apigateway_route_authorization(scope: Scope) -> Iterable[Verdict]:
    for api in scope.get(APIGATEWAY_V2_APIS):
        if isinstance(api.routes, CollectionError):
            yield unreadable(_v2_api_ref(api), api.routes)
            continue
        for route in api.routes:
            ref = ResourceRef(
                arn=route.arn, id=f"{api.name}/{route.route_key}", type=_V2_ROUTE_TYPE
            )
            kind = route.authorization_type.upper()
            name = f"Route {route.route_key} of {api.protocol_type} API {api.name}"
            if kind == "NONE":
                yield failed(ref, f"{name} requires no authorization.", authorization_type=kind)
            else:
                yield passed(ref, f"{name} requires {kind} authorization.", authorization_type=kind)


# MEDIUM, as Security Hub rates APIGateway.9.
@check(
    id="apigateway_stage_access_logging",
    title="API Gateway HTTP and WebSocket stages have access logging",
    service="apigateway",
    severity=Severity.MEDIUM,
    resource_type=_V2_STAGE_TYPE,
    datasets=[APIGATEWAY_V2_APIS],
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on API "
        "Gateway monitoring): access logs record who called the API, from where and with what "
        "result; without them a security or traffic question about the API has no answer."
    ),
    remediation=Remediation(
        console=(
            "API Gateway console > the HTTP or WebSocket API > Monitor > Logging > select the "
            "stage > Edit > Access logging: on, choose a CloudWatch Logs log group and a format "
            "> Save."
        ),
        cli=(
            "aws apigatewayv2 update-stage --api-id <api-id> --stage-name <stage> "
            "--access-log-settings DestinationArn=<log-group-arn>,Format='$context.requestId'"
        ),
        terraform=(
            "aws_apigatewayv2_stage: access_log_settings { destination_arn = "
            "aws_cloudwatch_log_group.<name>.arn, format = jsonencode({...}) }"
        ),
    ),
    references=[
        f"{_CONTROLS}#apigateway-9",
        f"{_CONFIG_RULES}/api-gwv2-access-logs-enabled.html",
        f"{_GUIDE}/http-api-logging.html",
    ],
    compliance={"fsbp": ["APIGateway.9"], "wa-rel": ["REL06-BP01"]},
)
def apigateway_stage_access_logging(scope: Scope) -> Iterable[Verdict]:
    for api in scope.get(APIGATEWAY_V2_APIS):
        if isinstance(api.stages, CollectionError):
            yield unreadable(_v2_api_ref(api), api.stages)
            continue
        for stage in api.stages:
            ref = _v2_stage_ref(api, stage)
            name = f"{api.protocol_type} API stage {api.name}/{stage.name}"
            destination = stage.access_log_destination
            if destination:
                yield passed(
                    ref, f"{name} writes access logs to {destination}.", destination=destination
                )
            else:
                yield failed(ref, f"{name} keeps no access logs.", destination=None)
