"""Lambda checks: failed asynchronous events are kept, runtimes are supported, functions are not
public, execution roles are scoped, and every function is watched by an alarm."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, unreadable
from auditor.datasets import (
    CLOUDWATCH_METRIC_ALARMS,
    IAM_AUTHORIZATION_DETAILS,
    LAMBDA_EVENT_SOURCE_MAPPINGS,
    LAMBDA_FUNCTIONS,
)
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import (
    CollectionError,
    EventInvokeConfig,
    IAMAuthorizationDetails,
    IAMPrincipal,
    LambdaFunction,
)
from checks.cloudwatch import ALARMS_GUIDE, alarm_coverage, alarm_remediation
from checks.iam_policy import Grant, full_admin_grants, parse_policy, service_wildcard_grants
from checks.resource_policy import (
    AllowStatement,
    ResourcePolicyDocument,
    exposure_verdict,
    parse_resource_policy,
    public_grants,
)
from checks.verdicts import verdict

_FUNCTION_TYPE = "AWS::Lambda::Function"
_LAMBDA_CONTROLS = "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html"
_GUIDE = "https://docs.aws.amazon.com/lambda/latest/dg"
_INVOKE = "lambda:InvokeFunction"


def function_ref(fn: LambdaFunction) -> ResourceRef:
    return ResourceRef(arn=fn.arn, id=fn.name, type=_FUNCTION_TYPE)


# --- Asynchronous invocations keep their failures ----------------------------------------------


class AsyncInvokers(CheckParameters):
    services: tuple[str, ...] = Field(
        # The AWS services that invoke functions asynchronously (Lambda Developer Guide,
        # "Invoking Lambda functions asynchronously" and each service's integration page).
        default=(
            "s3.amazonaws.com",
            "sns.amazonaws.com",
            "ses.amazonaws.com",
            "events.amazonaws.com",
            "logs.amazonaws.com",
            "iot.amazonaws.com",
            "iotevents.amazonaws.com",
            "cloudformation.amazonaws.com",
            "codecommit.amazonaws.com",
            "codepipeline.amazonaws.com",
            "config.amazonaws.com",
            "lambda.alarms.cloudwatch.amazonaws.com",
        ),
        description="Service principals whose grant to invoke a function makes it an "
        "asynchronous target.",
    )


@dataclass(frozen=True)
class _AsyncUse:
    invokers: tuple[str, ...]
    statements: tuple[AllowStatement, ...]


def _async_invokers(fn: LambdaFunction, services: tuple[str, ...]) -> _AsyncUse | str | None:
    """The asynchronous invokers the function's policy admits; a string when the policy could
    not be read (so they cannot be ruled out); None when it has no policy."""
    assert not isinstance(fn.resource_policy, CollectionError)
    document = fn.resource_policy.document
    if document is None:
        return None
    policy = parse_resource_policy(document)
    if policy.error is not None:
        return policy.error
    wanted = {s.lower() for s in services}
    statements = tuple(
        s
        for s in policy.allows
        if s.allows_action(_INVOKE) and any(p in wanted for p in s.service_principals)
    )
    invokers = tuple(sorted({p for s in statements for p in s.service_principals if p in wanted}))
    return _AsyncUse(invokers, statements)


def _unqualified(fn: LambdaFunction, config: EventInvokeConfig) -> bool:
    return config.function_arn in (fn.arn, f"{fn.arn}:$LATEST")


# MEDIUM: a failed event is retried twice and then thrown away, without a trace.
@check(
    id="lambda_function_async_failure_destination",
    title="Asynchronously invoked Lambda functions keep failed events",
    service="lambda",
    severity=Severity.MEDIUM,
    resource_type=_FUNCTION_TYPE,
    datasets=[LAMBDA_FUNCTIONS],
    parameters=AsyncInvokers,
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on "
        "asynchronous invocation): S3, SNS, EventBridge and the like invoke functions "
        "asynchronously; Lambda retries a failing event twice and then discards it unless a "
        "dead-letter queue or an on-failure destination keeps it for inspection and replay. "
        "Functions that nothing invokes asynchronously need neither."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > Functions > select the function > Configuration > Destinations > "
            "Add destination > Source: Asynchronous invocation, Condition: On failure, "
            "Destination: an SQS queue, SNS topic, Lambda function or EventBridge bus > Save "
            "(or Configuration > Asynchronous invocation > Edit > Dead-letter queue service)."
        ),
        cli=(
            "aws lambda put-function-event-invoke-config --function-name <function> "
            '--destination-config \'{"OnFailure":{"Destination":"<queue-or-topic-arn>"}}\''
        ),
        terraform=(
            "aws_lambda_function_event_invoke_config: destination_config { on_failure "
            "{ destination = <arn> } } (or aws_lambda_function dead_letter_config "
            "{ target_arn = <arn> })"
        ),
    ),
    references=[
        f"{_GUIDE}/invocation-async.html",
        f"{_GUIDE}/invocation-async-retain-records.html",
        f"{_GUIDE}/access-control-resource-based.html",
    ],
    compliance={"wa-rel": ["REL05-BP04"]},
)
def lambda_function_async_failure_destination(scope: Scope) -> Iterable[Verdict]:
    """Only functions invoked asynchronously are judged: those whose resource-based policy
    lets one of the configured services invoke them. Every other function yields no finding
    (there is nothing for it to lose), so the check never asks for a queue nobody needs.

    A dead-letter queue or an on-failure destination on the unqualified function ($LATEST)
    passes; destinations set only on a version or alias are named in the evidence but do not
    count, because the grant read here is the unqualified function's.
    """
    services = scope.parameters(AsyncInvokers).services
    for fn in scope.get(LAMBDA_FUNCTIONS):
        ref = function_ref(fn)
        if isinstance(fn.resource_policy, CollectionError):
            yield unreadable(ref, fn.resource_policy)
            continue
        use = _async_invokers(fn, services)
        if use is None or (isinstance(use, _AsyncUse) and not use.invokers):
            continue
        if isinstance(use, str):
            yield failed(
                ref,
                f"Lambda function {fn.name}'s resource-based policy could not be read ({use}), "
                "so asynchronous invokers cannot be ruled out and it keeps no failed events.",
                unreadable_policy=use,
            )
            continue
        if isinstance(fn.event_invoke_configs, CollectionError):
            yield unreadable(ref, fn.event_invoke_configs)
            continue
        on_failure = next(
            (
                c.on_failure_destination
                for c in fn.event_invoke_configs
                if _unqualified(fn, c) and c.on_failure_destination
            ),
            None,
        )
        elsewhere: dict[str, JsonValue] = {
            c.function_arn: c.on_failure_destination
            for c in fn.event_invoke_configs
            if not _unqualified(fn, c) and c.on_failure_destination
        }
        evidence: dict[str, JsonValue] = {
            "asynchronous_invokers": list(use.invokers),
            "dead_letter_target": fn.dead_letter_target_arn,
            "on_failure_destination": on_failure,
            "qualified_on_failure_destinations": elsewhere,
        }
        invoked_by = ", ".join(use.invokers)
        name = f"Lambda function {fn.name}, invoked asynchronously by {invoked_by},"
        if fn.dead_letter_target_arn or on_failure:
            kept = " and ".join(
                f"{label} {arn}"
                for label, arn in (
                    ("a dead-letter queue", fn.dead_letter_target_arn),
                    ("an on-failure destination", on_failure),
                )
                if arn
            )
            yield Verdict(Status.PASS, ref, f"{name} keeps failed events in {kept}.", evidence)
        else:
            also = (
                f" (only version/alias destinations: {', '.join(elsewhere)})" if elsewhere else ""
            )
            yield Verdict(
                Status.FAIL,
                ref,
                f"{name} has no dead-letter queue and no on-failure destination{also}: "
                "events that fail every retry are discarded.",
                evidence,
            )


# --- Supported runtimes ------------------------------------------------------------------------

# Deprecation dates from the AWS Lambda runtimes page (lambda-runtimes.html, "Deprecated
# runtimes" and the projected dates of the supported ones), read 2026-11-24.
RUNTIME_DEPRECATIONS: dict[str, str] = {
    "dotnet8": "2026-11-10",
    "python3.10": "2026-10-31",
    "provided.al2": "2026-07-31",
    "nodejs20.x": "2026-04-30",
    "ruby3.2": "2026-03-31",
    "python3.9": "2025-12-15",
    "nodejs18.x": "2025-09-01",
    "dotnet6": "2024-12-20",
    "python3.8": "2024-10-14",
    "nodejs16.x": "2024-06-12",
    "dotnet7": "2024-05-14",
    "java8": "2024-01-08",
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",
    "ruby2.7": "2023-12-07",
    "nodejs14.x": "2023-12-04",
    "python3.7": "2023-12-04",
    "dotnetcore3.1": "2023-04-03",
    "nodejs12.x": "2023-03-31",
    "python3.6": "2022-07-18",
    "dotnet5.0": "2022-05-10",
    "dotnetcore2.1": "2022-01-05",
    "nodejs10.x": "2021-07-30",
    "ruby2.5": "2021-07-30",
    "python2.7": "2021-07-15",
    "nodejs8.10": "2020-03-06",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2020-03-05",
    "nodejs6.10": "2019-08-12",
    "dotnetcore1.0": "2019-07-27",
    "dotnetcore2.0": "2019-05-30",
    "nodejs": "2016-10-31",
}
RUNTIMES_AS_OF = "2026-11-24"


class DeprecatedRuntimes(CheckParameters):
    deprecated: tuple[str, ...] = Field(
        default=tuple(r for r, day in RUNTIME_DEPRECATIONS.items() if day <= RUNTIMES_AS_OF),
        description=f"Runtime identifiers Lambda has deprecated (as of {RUNTIMES_AS_OF}); add "
        "the ones AWS deprecates after that date.",
    )


# MEDIUM, as Security Hub rates Lambda.2: a deprecated runtime gets no security patches.
@check(
    id="lambda_function_supported_runtime",
    title="Lambda functions use a supported runtime",
    service="lambda",
    severity=Severity.MEDIUM,
    resource_type=_FUNCTION_TYPE,
    datasets=[LAMBDA_FUNCTIONS],
    parameters=DeprecatedRuntimes,
    rationale=(
        "Study materials (Compute, integration and network: the Developing on AWS notes on Lambda "
        "runtimes): a runtime is deprecated when its language or OS leaves long-term support; "
        "functions on it keep running but get no security patches and soon cannot be updated."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > Functions > select the function > Code > Runtime settings > Edit > "
            "choose a supported runtime of the same language > Save (test the code on it first)."
        ),
        cli="aws lambda update-function-configuration --function-name <function> --runtime "
        "<supported-runtime, e.g. python3.13 or nodejs22.x>",
        terraform='aws_lambda_function: runtime = "<supported runtime>"',
    ),
    references=[
        f"{_LAMBDA_CONTROLS}#lambda-2",
        f"{_GUIDE}/lambda-runtimes.html",
        f"{_GUIDE}/runtime-support-policy.html",
    ],
    compliance={"fsbp": ["Lambda.2"]},
)
def lambda_function_supported_runtime(scope: Scope) -> Iterable[Verdict]:
    """Container-image functions carry their own runtime and are not judged (Security Hub's
    Lambda.2 ignores them too)."""
    deprecated = set(scope.parameters(DeprecatedRuntimes).deprecated)
    for fn in scope.get(LAMBDA_FUNCTIONS):
        if fn.package_type == "Image" or not fn.runtime:
            continue
        since = RUNTIME_DEPRECATIONS.get(fn.runtime)
        evidence: dict[str, JsonValue] = {"runtime": fn.runtime, "deprecated_on": since}
        if fn.runtime in deprecated:
            when = f" on {since}" if since else ""
            yield Verdict(
                Status.FAIL,
                function_ref(fn),
                f"Lambda function {fn.name} runs on {fn.runtime}, which Lambda deprecated{when}.",
                evidence,
            )
        else:
            yield Verdict(
                Status.PASS,
                function_ref(fn),
                f"Lambda function {fn.name} runs on {fn.runtime}, a supported runtime.",
                evidence,
            )


# --- Not publicly invokable --------------------------------------------------------------------


def _public_statements(policy: ResourcePolicyDocument) -> list[AllowStatement]:
    """Public grants, plus S3 grants without aws:SourceAccount: bucket ARNs name no account,
    so another account's bucket of that name could invoke the function (Lambda.1 fails them)."""
    found = {s.index: s for s in public_grants(policy)}
    for s in policy.allows:
        if "s3.amazonaws.com" in s.service_principals and not s.restricted_by(
            ("aws:sourceaccount",)
        ):
            found.setdefault(s.index, s)
    return [found[index] for index in sorted(found)]


# CRITICAL, as Security Hub rates Lambda.1: anyone on the internet can run the code.
@check(
    id="lambda_function_not_public",
    title="Lambda functions cannot be invoked by everyone",
    service="lambda",
    severity=Severity.CRITICAL,
    resource_type=_FUNCTION_TYPE,
    datasets=[LAMBDA_FUNCTIONS],
    rationale=(
        "Study materials (Identity and Compute: the Developing on AWS notes on resource-based "
        'policies): a function\'s policy names who may invoke it; Principal "*" without a '
        "condition pinning the source account, organization or ARN lets anyone run the code "
        "and run up its bill."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > Functions > select the function > Configuration > Permissions > "
            "Resource-based policy statements > delete the public statement (or re-add it with "
            "a source account / source ARN condition)."
        ),
        cli=(
            "aws lambda remove-permission --function-name <function> --statement-id <sid>; "
            "aws lambda add-permission ... --principal <service> --source-arn <arn> "
            "--source-account <account-id>"
        ),
        terraform=(
            "aws_lambda_permission: a specific principal with source_arn and source_account, "
            'never principal = "*" alone'
        ),
    ),
    references=[
        f"{_LAMBDA_CONTROLS}#lambda-1",
        "https://docs.aws.amazon.com/config/latest/developerguide/lambda-function-public-access-prohibited.html",
        f"{_GUIDE}/access-control-resource-based.html",
    ],
    compliance={"fsbp": ["Lambda.1"]},
)
def lambda_function_not_public(scope: Scope) -> Iterable[Verdict]:
    """A statement is public when it admits everyone (Principal "*", {"AWS": "*"} or a
    NotPrincipal) and no condition narrows it with a fixed account, organization, ARN, VPC or
    IP value; or when it admits S3 without aws:SourceAccount. A policy that cannot be read
    fails: AWS stores only valid policies, so it is corrupt data a person must look at."""
    for fn in scope.get(LAMBDA_FUNCTIONS):
        ref = function_ref(fn)
        if isinstance(fn.resource_policy, CollectionError):
            yield unreadable(ref, fn.resource_policy)
            continue
        yield exposure_verdict(
            ref,
            f"Lambda function {fn.name}",
            "resource-based policy",
            fn.resource_policy.document,
            exposed="can be invoked by anyone",
            find=_public_statements,
        )


# --- Execution roles are scoped ----------------------------------------------------------------

_AWS_MANAGED_PREFIX = ":iam::aws:policy/"
# AWS-managed policy documents are not collected; these are judged by name. AWS names
# "<Service>FullAccess" the policies that grant a service in full.
_AWS_ADMIN_POLICIES = ("AdministratorAccess", "PowerUserAccess")


@dataclass(frozen=True)
class _PolicyFinding:
    policy: str
    kind: str  # "full admin" or "service-wide"
    detail: str

    def evidence(self) -> dict[str, JsonValue]:
        return {"policy": self.policy, "grants": self.kind, "detail": self.detail}


def _grant_text(grant: Grant) -> str:
    granted = list(grant.actions)
    if grant.not_actions is not None:
        granted.append(f"all but NotAction {', '.join(grant.not_actions) or 'nothing'}")
    return f"{grant.describe()}: {', '.join(granted)}"


def _document_findings(policy: str, document: object) -> Iterator[_PolicyFinding]:
    parsed = parse_policy(document)
    if parsed.error is not None:
        yield _PolicyFinding(policy, "unreadable", parsed.error)
        return
    admin = full_admin_grants(parsed)
    for grant in admin:
        yield _PolicyFinding(policy, "full admin", _grant_text(grant))
    admin_statements = {g.statement.index for g in admin}
    for grant in service_wildcard_grants(parsed):
        if grant.statement.index not in admin_statements:
            yield _PolicyFinding(policy, "service-wide", _grant_text(grant))


def _role_findings(
    role: IAMPrincipal, details: IAMAuthorizationDetails
) -> tuple[list[_PolicyFinding], list[str]]:
    """What the role's policies grant too broadly, and the attached policies not evaluated."""
    findings: list[_PolicyFinding] = []
    for inline in role.inline_policies:
        findings.extend(_document_findings(f"inline {inline.name}", inline.document))
    managed = {p.arn: p for p in details.policies}
    not_evaluated: list[str] = []
    for arn in role.attached_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        if arn in managed:
            findings.extend(_document_findings(name, managed[arn].default_document))
        elif _AWS_MANAGED_PREFIX in arn and name in _AWS_ADMIN_POLICIES:
            findings.append(_PolicyFinding(name, "full admin", "AWS-managed administrator policy"))
        elif _AWS_MANAGED_PREFIX in arn and name.endswith("FullAccess"):
            findings.append(_PolicyFinding(name, "service-wide", "AWS-managed full-access policy"))
        else:
            not_evaluated.append(arn)
    return findings, not_evaluated


def _find_role(details: IAMAuthorizationDetails, arn: str) -> IAMPrincipal | None:
    name = arn.rsplit("/", 1)[-1]
    return next((r for r in details.roles if r.arn == arn), None) or next(
        (r for r in details.roles if r.name == name), None
    )


# HIGH: code that can be fed input from outside runs with the role's full power.
@check(
    id="lambda_function_role_least_privilege",
    title="Lambda execution roles grant neither admin nor whole services",
    service="lambda",
    severity=Severity.HIGH,
    resource_type=_FUNCTION_TYPE,
    datasets=[LAMBDA_FUNCTIONS, IAM_AUTHORIZATION_DETAILS],
    rationale=(
        "Study materials (Identity: the Developing on AWS notes on the Lambda execution role and "
        "'최소 권한'): a function's role holds only the actions its code uses; with admin or "
        '"service:*" a bug or injected input in the function can read, change or delete '
        "anything those grants reach."
    ),
    remediation=Remediation(
        console=(
            "IAM console > Roles > the function's execution role > Permissions > remove "
            "AdministratorAccess / *FullAccess policies and replace '*' or '<service>:*' actions "
            "with the specific actions and resources the function uses (IAM Access Analyzer can "
            "generate a policy from CloudTrail activity)."
        ),
        cli=(
            "aws iam detach-role-policy --role-name <role> --policy-arn <broad-policy-arn>; "
            "aws iam put-role-policy --role-name <role> --policy-name <name> "
            "--policy-document file://least-privilege.json"
        ),
        terraform=(
            "aws_iam_role_policy / aws_iam_policy for the execution role with specific actions "
            'and resources (data "aws_iam_policy_document"), no AdministratorAccess attachment'
        ),
    ),
    references=[
        f"{_GUIDE}/lambda-intro-execution-role.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html",
    ],
)
def lambda_function_role_least_privilege(scope: Scope) -> Iterable[Verdict]:
    """Reads the role's inline policies and the default version of each attached
    customer-managed policy with the same rules as iam_policy_no_full_admin and
    iam_policy_no_service_wildcard. AWS-managed policies are judged by name only
    (AdministratorAccess, PowerUserAccess, "*FullAccess"); any other attached AWS-managed
    policy is listed as not evaluated, without deciding the verdict."""
    details = scope.get(IAM_AUTHORIZATION_DETAILS)
    for fn in scope.get(LAMBDA_FUNCTIONS):
        ref = function_ref(fn)
        role = _find_role(details, fn.role_arn)
        if role is None:
            yield failed(
                ref,
                f"Lambda function {fn.name}'s execution role {fn.role_arn} is not among the "
                "account's IAM roles, so its permissions cannot be shown to be scoped.",
                role_arn=fn.role_arn,
            )
            continue
        findings, not_evaluated = _role_findings(role, details)
        evidence: dict[str, JsonValue] = {
            "role_arn": role.arn,
            "broad_grants": [f.evidence() for f in findings],
            "not_evaluated": list[JsonValue](not_evaluated),
        }
        if findings:
            worst = (
                "administrator access"
                if any(f.kind == "full admin" for f in findings)
                else ("service-wide wildcards")
            )
            where = "; ".join(f"{f.policy} ({f.kind}: {f.detail})" for f in findings)
            yield Verdict(
                Status.FAIL,
                ref,
                f"Lambda function {fn.name} runs as {role.name}, which grants {worst}: {where}.",
                evidence,
            )
        else:
            yield Verdict(
                Status.PASS,
                ref,
                f"Lambda function {fn.name} runs as {role.name}, whose policies grant neither "
                "admin nor a whole service.",
                evidence,
            )


# --- Alarm coverage ----------------------------------------------------------------------------


# MEDIUM: a failing function is found by its users, not its owners.
@check(
    id="lambda_function_has_alarm",
    title="Lambda functions have a CloudWatch alarm that notifies someone",
    service="lambda",
    severity=Severity.MEDIUM,
    resource_type=_FUNCTION_TYPE,
    datasets=[LAMBDA_FUNCTIONS, CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study): key resources have an "
        "alarm that reaches people through SNS; for a function that is Errors, Throttles or "
        "Duration, so failures page the team instead of piling up unseen."
    ),
    remediation=alarm_remediation(
        console_metric="Lambda > By Function Name",
        namespace="AWS/Lambda",
        metric="Errors",
        dimension="FunctionName",
        placeholder="<function-name>",
        alarm_when=(
            "--statistic Sum --period 300 --evaluation-periods 1 --threshold 1 "
            "--comparison-operator GreaterThanOrEqualToThreshold"
        ),
    ),
    references=[ALARMS_GUIDE, f"{_GUIDE}/monitoring-metrics.html"],
    compliance={"wa-rel": ["REL06-BP03", "REL11-BP01"]},
)
def lambda_function_has_alarm(scope: Scope) -> Iterable[Verdict]:
    alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
    for fn in scope.get(LAMBDA_FUNCTIONS):
        yield alarm_coverage(
            function_ref(fn),
            f"Lambda function {fn.name}",
            alarms,
            namespace="AWS/Lambda",
            dimension="FunctionName",
            value=fn.name,
        )


_MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"


def _polls_a_stream(event_source_arn: str | None) -> bool:
    """Kinesis and DynamoDB streams: a failing batch blocks its shard. (An SQS queue's failed
    messages go to the queue's own dead-letter queue, judged by sqs_queue_has_dead_letter_queue.)"""
    arn = event_source_arn or ""
    return arn.startswith("arn:aws:kinesis:") or (
        arn.startswith("arn:aws:dynamodb:") and "/stream/" in arn
    )


# MEDIUM: one poison record stops its shard for up to the stream's retention, and with no
# destination the records it holds are lost without a trace when they expire.
@check(
    id="lambda_event_source_mapping_failure_handling",
    title="Lambda functions reading a stream bound their retries or keep failed records",
    service="lambda",
    severity=Severity.MEDIUM,
    resource_type=_MAPPING_TYPE,
    datasets=[LAMBDA_EVENT_SOURCE_MAPPINGS],
    rationale=(
        "Study materials (Developing on AWS: Lambda error handling and dead-letter queues; "
        "Databases: DynamoDB Streams feeding Lambda): a function reading a Kinesis or DynamoDB "
        "stream retries a failing batch until its records expire by default, so one bad record "
        "halts its shard. An on-failure destination keeps the failed batch's details for "
        "replay; a retry or record-age limit (with bisecting) lets the shard move on."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > Functions > select the function > Configuration > Triggers > "
            "select the stream trigger > Edit > Additional settings: set 'On-failure "
            "destination' (an SQS queue or SNS topic), 'Retry attempts' and 'Split batch on "
            "error' > Save."
        ),
        cli=(
            "aws lambda update-event-source-mapping --uuid <mapping-uuid> "
            "--destination-config 'OnFailure={Destination=<queue-or-topic-arn>}' "
            "--maximum-retry-attempts 3 --bisect-batch-on-function-error"
        ),
        terraform=(
            "aws_lambda_event_source_mapping: destination_config { on_failure { "
            "destination_arn = <queue-or-topic-arn> } }, maximum_retry_attempts = 3, "
            "bisect_batch_on_function_error = true"
        ),
    ),
    references=[
        f"{_GUIDE}/with-kinesis.html",
        f"{_GUIDE}/services-dynamodb-errors.html",
        f"{_GUIDE}/invocation-retries.html",
    ],
    compliance={"wa-rel": ["REL05-BP03", "REL05-BP04"]},
)
def lambda_event_source_mapping_failure_handling(scope: Scope) -> Iterable[Verdict]:
    """PASS with an on-failure destination, or with a retry or record-age limit; FAIL when a
    failing batch is retried until its records expire and then dropped unseen."""
    for mapping in scope.get(LAMBDA_EVENT_SOURCE_MAPPINGS):
        if not _polls_a_stream(mapping.event_source_arn):
            continue
        function = (mapping.function_arn or "").rsplit(":", 1)[-1] or "an unknown function"
        source = (mapping.event_source_arn or "").split(":", 5)[-1]
        ref = ResourceRef(id=mapping.uuid, type=_MAPPING_TYPE)
        bounded = mapping.maximum_retry_attempts >= 0 or mapping.maximum_record_age_in_seconds >= 0
        if mapping.on_failure_destination:
            state = f"sends failed batches to {mapping.on_failure_destination}"
        elif bounded:
            state = "limits retries of a failing batch (its records are then discarded)"
        else:
            state = "retries a failing batch until its records expire, keeping none of them"
        yield verdict(
            bool(mapping.on_failure_destination) or bounded,
            ref,
            f"The trigger of {function} on {source} {state}.",
            function_arn=mapping.function_arn,
            event_source_arn=mapping.event_source_arn,
            on_failure_destination=mapping.on_failure_destination,
            maximum_retry_attempts=mapping.maximum_retry_attempts,
            maximum_record_age_in_seconds=mapping.maximum_record_age_in_seconds,
            bisect_batch_on_function_error=mapping.bisect_batch_on_function_error,
        )
