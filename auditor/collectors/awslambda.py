"""Lambda collectors: functions ($LATEST) joined with their resource-based policy and their
asynchronous invocation settings; and the event source mappings (triggers that poll streams
and queues).

Environment variables come back inside every ListFunctions answer; their values (and names)
are never read into the snapshot.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation, none_if_absent
from auditor.collectors.iam import policy_document
from auditor.datasets import LAMBDA_EVENT_SOURCE_MAPPINGS, LAMBDA_FUNCTIONS
from auditor.models import (
    EventInvokeConfig,
    EventSourceMapping,
    LambdaFunction,
    ResourcePolicy,
)

_SERVICE = "lambda"


def _resource_policy(ctx: CollectContext, name: str) -> ResourcePolicy:
    # ResourceNotFoundException is GetPolicy's answer for a function without a resource-based
    # policy (and for one deleted since it was listed, which no policy then exposes either).
    read = partial(ctx.call, _SERVICE, "GetPolicy", resource_id=name, FunctionName=name)
    answer = none_if_absent(("ResourceNotFoundException",), read)
    return ResourcePolicy(
        document=None if answer is None else policy_document(answer.get("Policy"))
    )


def _destination(config: dict[str, Any], outcome: str) -> str | None:
    destination = config.get("DestinationConfig", {}).get(outcome, {}).get("Destination")
    return str(destination) if destination else None


def _event_invoke_configs(ctx: CollectContext, name: str) -> list[EventInvokeConfig]:
    return [
        EventInvokeConfig(
            function_arn=c["FunctionArn"],
            maximum_retry_attempts=c.get("MaximumRetryAttempts"),
            maximum_event_age_seconds=c.get("MaximumEventAgeInSeconds"),
            on_failure_destination=_destination(c, "OnFailure"),
            on_success_destination=_destination(c, "OnSuccess"),
        )
        for c in ctx.paginate(
            _SERVICE,
            "ListFunctionEventInvokeConfigs",
            "FunctionEventInvokeConfigs",
            resource_id=name,
            FunctionName=name,
        )
    ]


def collect_functions(ctx: CollectContext) -> list[LambdaFunction]:
    def one(f: dict[str, Any]) -> LambdaFunction:
        name = f["FunctionName"]
        return LambdaFunction(
            arn=f["FunctionArn"],
            name=name,
            runtime=f.get("Runtime"),
            package_type=f.get("PackageType", "Zip"),
            role_arn=f.get("Role", ""),
            dead_letter_target_arn=f.get("DeadLetterConfig", {}).get("TargetArn") or None,
            last_modified=f.get("LastModified"),
            resource_policy=ctx.attempt(partial(_resource_policy, ctx, name)),
            event_invoke_configs=ctx.attempt(partial(_event_invoke_configs, ctx, name)),
        )

    functions = ctx.paginate(_SERVICE, "ListFunctions", "Functions")
    return ctx.each(
        functions,
        one,
        kind="AWS::Lambda::Function",
        ident=lambda f: f["FunctionName"],
        arn=lambda f: f["FunctionArn"],
    )


FUNCTIONS = Collector(
    dataset=LAMBDA_FUNCTIONS,
    operations=(
        Operation(_SERVICE, "ListFunctions", "lambda:ListFunctions"),
        Operation(_SERVICE, "GetPolicy", "lambda:GetPolicy"),
        Operation(
            _SERVICE,
            "ListFunctionEventInvokeConfigs",
            "lambda:ListFunctionEventInvokeConfigs",
        ),
    ),
    collect=collect_functions,
)


def collect_event_source_mappings(ctx: CollectContext) -> list[EventSourceMapping]:
    return [
        EventSourceMapping(
            uuid=m["UUID"],
            event_source_arn=m.get("EventSourceArn"),
            function_arn=m.get("FunctionArn"),
            state=m.get("State", ""),
            on_failure_destination=m.get("DestinationConfig", {})
            .get("OnFailure", {})
            .get("Destination"),
            maximum_retry_attempts=m.get("MaximumRetryAttempts", -1),
            maximum_record_age_in_seconds=m.get("MaximumRecordAgeInSeconds", -1),
            bisect_batch_on_function_error=m.get("BisectBatchOnFunctionError", False),
        )
        for m in ctx.paginate(_SERVICE, "ListEventSourceMappings", "EventSourceMappings")
    ]


EVENT_SOURCE_MAPPINGS = Collector(
    dataset=LAMBDA_EVENT_SOURCE_MAPPINGS,
    operations=(Operation(_SERVICE, "ListEventSourceMappings", "lambda:ListEventSourceMappings"),),
    collect=collect_event_source_mappings,
)
