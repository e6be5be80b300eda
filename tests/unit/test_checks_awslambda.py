"""The Lambda checks (asynchronous failures kept, supported runtimes, not public, scoped execution
roles, alarms) on hand-built functions."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    REGION,
    allow,
    dataset_denied,
    denied,
    engine_findings,
    iam_scope,
    managed_policy,
    metric_alarm,
    only_verdict,
    policy,
    principal,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import (
    CollectionError,
    EventInvokeConfig,
    IAMPrincipal,
    LambdaFunction,
    ResourcePolicy,
)
from checks.awslambda import (
    lambda_function_async_failure_destination,
    lambda_function_has_alarm,
    lambda_function_not_public,
    lambda_function_role_least_privilege,
    lambda_function_supported_runtime,
)

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/worker-role"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:worker-failures"


def function(
    name: str,
    *,
    document: Any = None,
    resource_policy: ResourcePolicy | CollectionError | None = None,
    configs: list[EventInvokeConfig] | CollectionError | None = None,
    **fields: Any,
) -> LambdaFunction:
    return LambdaFunction(
        arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        name=name,
        runtime=fields.pop("runtime", "python3.12"),
        role_arn=fields.pop("role_arn", ROLE_ARN),
        resource_policy=resource_policy or ResourcePolicy(document=document),
        event_invoke_configs=[] if configs is None else configs,
        **fields,
    )


def grant(principal: Any, action: str = "lambda:InvokeFunction", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}


def on_failure(fn_name: str, qualifier: str = "", destination: str = QUEUE) -> EventInvokeConfig:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{fn_name}" + (
        f":{qualifier}" if qualifier else ""
    )
    return EventInvokeConfig(function_arn=arn, on_failure_destination=destination)


S3_GRANT = grant(
    {"Service": "s3.amazonaws.com"},
    Condition={
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"},
        "StringEquals": {"AWS:SourceAccount": ACCOUNT},
    },
)


def lambdas(*functions: LambdaFunction, **datasets: Any) -> Any:
    return scope_snapshot(lambda_functions=list(functions), **datasets)


# --- lambda_function_async_failure_destination -------------------------------------------------


def test_async_function_with_an_on_failure_destination_passes() -> None:
    fn = function("thumbnails", document=policy(S3_GRANT), configs=[on_failure("thumbnails")])

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.PASS
    assert verdict.resource.type == "AWS::Lambda::Function"
    assert verdict.evidence == {
        "asynchronous_invokers": ["s3.amazonaws.com"],
        "dead_letter_target": None,
        "on_failure_destination": QUEUE,
        "qualified_on_failure_destinations": {},
    }
    assert f"keeps failed events in an on-failure destination {QUEUE}" in verdict.message


def test_async_function_with_a_dead_letter_queue_passes() -> None:
    fn = function(
        "fanout",
        document=policy(grant({"Service": "sns.amazonaws.com"})),
        dead_letter_target_arn=QUEUE,
    )

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.PASS
    assert verdict.evidence["dead_letter_target"] == QUEUE


def test_async_function_without_dlq_or_destination_fails() -> None:
    fn = function(
        "nightly",
        document=policy(grant({"Service": ["events.amazonaws.com", "logs.amazonaws.com"]})),
    )

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["asynchronous_invokers"] == [
        "events.amazonaws.com",
        "logs.amazonaws.com",
    ]
    assert "events that fail every retry are discarded" in verdict.message


def test_destination_only_on_an_alias_does_not_count_but_is_named() -> None:
    fn = function(
        "thumbnails", document=policy(S3_GRANT), configs=[on_failure("thumbnails", "live")]
    )

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["qualified_on_failure_destinations"] == {f"{fn.arn}:live": QUEUE}
    assert "only version/alias destinations" in verdict.message


def test_destination_on_latest_counts() -> None:
    fn = function(
        "thumbnails", document=policy(S3_GRANT), configs=[on_failure("thumbnails", "$LATEST")]
    )

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.PASS


@pytest.mark.parametrize(
    "document",
    [
        None,  # no resource-based policy: nothing invokes it through a grant
        policy(grant({"Service": "apigateway.amazonaws.com"})),  # synchronous invoker
        policy(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:role/caller"})),  # direct callers
        policy(grant({"Service": "s3.amazonaws.com"}, action="lambda:GetFunction")),  # no invoke
        policy({"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "*"}),
    ],
)
def test_functions_never_invoked_asynchronously_are_not_judged(document: Any) -> None:
    fn = function("api", document=document)

    assert run_check(lambda_function_async_failure_destination, lambdas(fn)) == []


def test_wildcard_invoke_action_counts_as_an_async_grant() -> None:
    fn = function(
        "any", document=policy(grant({"Service": "sns.amazonaws.com"}, action="lambda:*"))
    )

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.FAIL


def test_async_invokers_are_a_parameter() -> None:
    fn = function("pipes", document=policy(grant({"Service": "pipes.amazonaws.com"})))

    default = run_check(lambda_function_async_failure_destination, lambdas(fn))
    tuned = run_check(
        lambda_function_async_failure_destination, lambdas(fn), services=["pipes.amazonaws.com"]
    )

    assert default == []
    assert [v.status for v in tuned] == [Status.FAIL]


def test_unreadable_policy_or_invoke_configs_are_errors_for_that_function() -> None:
    policy_error = denied("lambda", "GetPolicy", "a")
    configs_error = denied("lambda", "ListFunctionEventInvokeConfigs", "b")
    a = function("a", resource_policy=policy_error)
    b = function("b", document=policy(S3_GRANT), configs=configs_error)
    c = function("c", document=policy(S3_GRANT), configs=[on_failure("c")])

    verdicts = {
        v.resource.id: v
        for v in run_check(lambda_function_async_failure_destination, lambdas(a, b, c))
    }

    assert verdicts["a"].status is Status.ERROR
    assert verdicts["a"].error == policy_error
    assert verdicts["b"].status is Status.ERROR
    assert verdicts["b"].error == configs_error
    assert verdicts["c"].status is Status.PASS


def test_corrupt_policy_text_fails_as_unverifiable() -> None:
    fn = function("odd", document="{not json")

    verdict = only_verdict(lambda_function_async_failure_destination, lambdas(fn))

    assert verdict.status is Status.FAIL
    assert verdict.evidence == {"unreadable_policy": "the document is not valid JSON"}


# --- lambda_function_supported_runtime ---------------------------------------------------------


def test_supported_runtime_passes_and_deprecated_fails_with_its_date() -> None:
    current = function("current", runtime="python3.13")
    old = function("old", runtime="nodejs16.x")

    verdicts = {
        v.resource.id: v
        for v in run_check(lambda_function_supported_runtime, lambdas(current, old))
    }

    assert verdicts["current"].status is Status.PASS
    assert verdicts["current"].evidence == {"runtime": "python3.13", "deprecated_on": None}
    assert verdicts["old"].status is Status.FAIL
    assert verdicts["old"].evidence == {"runtime": "nodejs16.x", "deprecated_on": "2024-06-12"}
    assert "deprecated on 2024-06-12" in verdicts["old"].message


def test_container_image_functions_are_not_judged() -> None:
    image = function("image", runtime=None, package_type="Image")

    assert run_check(lambda_function_supported_runtime, lambdas(image)) == []


def test_deprecated_runtimes_are_a_parameter() -> None:
    fn = function("f", runtime="python3.11")

    default = run_check(lambda_function_supported_runtime, lambdas(fn))
    tuned = run_check(lambda_function_supported_runtime, lambdas(fn), deprecated=["python3.11"])

    assert [v.status for v in default] == [Status.PASS]
    assert [v.status for v in tuned] == [Status.FAIL]
    assert tuned[0].evidence["deprecated_on"] is None


def test_runtime_error_when_functions_cannot_be_listed() -> None:
    snapshot = scope_snapshot(lambda_functions=dataset_denied("lambda", "ListFunctions"))

    [finding] = engine_findings(lambda_function_supported_runtime, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListFunctions"


# --- lambda_function_not_public ----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        grant("*"),
        grant({"AWS": "*"}),
        grant(
            "*",
            action="lambda:InvokeFunctionUrl",
            Condition={"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
        ),
        grant("*", Condition={"StringLike": {"aws:SourceAccount": "*"}}),  # wildcard value
        grant("*", Condition={"StringNotEquals": {"aws:SourceAccount": "111122223333"}}),
        grant("*", Condition={"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}),
        grant(
            {"Service": "s3.amazonaws.com"},
            Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}},
        ),
        {
            "Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "lambda:*",
        },
    ],
)
def test_statements_open_to_anyone_fail(statement: dict[str, Any]) -> None:
    fn = function("exposed", document=policy(statement))

    verdict = only_verdict(lambda_function_not_public, lambdas(fn))

    assert verdict.status is Status.FAIL
    assert verdict.evidence["public_statements"][0]["statement"] == 0  # type: ignore[index]
    assert "can be invoked by anyone through statement 0" in verdict.message


@pytest.mark.parametrize(
    "statement",
    [
        S3_GRANT,
        grant(
            {"Service": "sns.amazonaws.com"},
            Condition={"ArnLike": {"AWS:SourceArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:t"}},
        ),
        grant({"AWS": f"arn:aws:iam::{ACCOUNT}:role/caller"}),
        grant("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
        grant("*", Condition={"StringEquals": {"AWS:SourceAccount": ACCOUNT}}),
    ],
)
def test_named_principals_and_pinned_sources_pass(statement: dict[str, Any]) -> None:
    fn = function("private", document=policy(statement))

    verdict = only_verdict(lambda_function_not_public, lambdas(fn))

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"public_statements": []}


def test_function_without_a_policy_passes() -> None:
    verdict = only_verdict(lambda_function_not_public, lambdas(function("plain")))

    assert verdict.status is Status.PASS
    assert verdict.message == (
        "Lambda function plain has no resource-based policy: only its account."
    )


def test_not_public_error_and_unreadable_policy() -> None:
    error = denied("lambda", "GetPolicy", "a")
    verdicts = {
        v.resource.id: v
        for v in run_check(
            lambda_function_not_public,
            lambdas(function("a", resource_policy=error), function("b", document=[1, 2])),
        )
    }

    assert verdicts["a"].status is Status.ERROR
    assert verdicts["b"].status is Status.FAIL
    assert verdicts["b"].evidence == {"unreadable_policy": "the document is not a JSON object"}


# --- lambda_function_role_least_privilege ------------------------------------------------------


def role(
    name: str = "worker-role", *, attached: tuple[str, ...] = (), **inline: Any
) -> IAMPrincipal:
    base = principal("role", name, **inline)
    return base.model_copy(update={"attached_policy_arns": list(attached)})


def test_scoped_role_passes() -> None:
    account = iam_scope(
        principals=[role(reads=policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/t")))]
    )

    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"role_arn": ROLE_ARN, "broad_grants": [], "not_evaluated": []}


def test_role_with_a_service_wildcard_inline_policy_fails() -> None:
    account = iam_scope(principals=[role(export=policy(allow("s3:*", "arn:aws:s3:::backups/*")))])

    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["broad_grants"] == [
        {"policy": "inline export", "grants": "service-wide", "detail": "statement 0: s3:*"}
    ]
    assert "grants service-wide wildcards" in verdict.message


def test_role_with_an_admin_customer_managed_policy_fails_as_admin() -> None:
    admin = managed_policy("ops-admin", policy(allow("*")))
    account = iam_scope(admin, principals=[role(attached=(admin.arn,))])

    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["broad_grants"] == [
        {"policy": "ops-admin", "grants": "full admin", "detail": "statement 0: *"}
    ]
    assert "grants administrator access" in verdict.message


@pytest.mark.parametrize(
    ("policy_name", "kind"),
    [("AdministratorAccess", "full admin"), ("AmazonS3FullAccess", "service-wide")],
)
def test_aws_managed_broad_policies_are_judged_by_name(policy_name: str, kind: str) -> None:
    arn = f"arn:aws:iam::aws:policy/{policy_name}"
    account = iam_scope(principals=[role(attached=(arn,))])

    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert verdict.status is Status.FAIL
    assert verdict.evidence["broad_grants"][0]["grants"] == kind  # type: ignore[index]


def test_other_aws_managed_policies_are_listed_as_not_evaluated() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    account = iam_scope(principals=[role(attached=(arn,))])

    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence["not_evaluated"] == [arn]


def test_missing_role_fails() -> None:
    [verdict] = run_check(
        lambda_function_role_least_privilege, lambdas(function("f")), account=iam_scope()
    )

    assert verdict.status is Status.FAIL
    assert "is not among the account's IAM roles" in verdict.message


def test_role_check_errors_when_iam_cannot_be_read() -> None:
    account = scope_snapshot(
        "global",
        iam_authorization_details=dataset_denied("iam", "GetAccountAuthorizationDetails", "global"),
    )

    [finding] = engine_findings(
        lambda_function_role_least_privilege, lambdas(function("f")), account=account
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "GetAccountAuthorizationDetails"


# --- lambda_function_has_alarm -----------------------------------------------------------------


def test_function_alarm_coverage() -> None:
    watched = function("watched")
    silent = function("silent")
    alarms = [
        metric_alarm(
            "watched-errors", namespace="AWS/Lambda", dimensions=[{"FunctionName": "watched"}]
        ),
        metric_alarm(
            "silent-errors",
            namespace="AWS/Lambda",
            dimensions=[{"FunctionName": "silent"}],
            actions_enabled=False,
        ),
    ]

    verdicts = {
        v.resource.id: v
        for v in run_check(
            lambda_function_has_alarm, lambdas(watched, silent, cloudwatch_metric_alarms=alarms)
        )
    }

    assert verdicts["watched"].status is Status.PASS
    assert verdicts["silent"].status is Status.FAIL
    assert verdicts["silent"].evidence["silent_alarms"] == {"silent-errors": "actions disabled"}


def test_function_alarm_error_when_alarms_cannot_be_read() -> None:
    snapshot = lambdas(
        function("f"), cloudwatch_metric_alarms=dataset_denied("cloudwatch", "DescribeAlarms")
    )

    [finding] = engine_findings(lambda_function_has_alarm, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeAlarms", "error_code": "AccessDenied"}
