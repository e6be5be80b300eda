"""CloudWatch checks, and the one rule for "an alarm on this resource notifies people"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import JsonValue

from auditor.checkapi import Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import (
    CLOUDTRAIL_TRAILS,
    CLOUDWATCH_DASHBOARDS,
    CLOUDWATCH_METRIC_ALARMS,
    DYNAMODB_TABLES,
    ELBV2_LOAD_BALANCERS,
    LAMBDA_FUNCTIONS,
    LOGS_METRIC_FILTERS,
    ORGANIZATIONS_ORGANIZATION,
    RDS_DB_INSTANCES,
)
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, Dashboard, MetricAlarm, MetricFilter, Trail
from checks.alarm_rules import RuleError, alarm_triggers
from checks.cloudtrail import delivery_shortfall, owned_here, records_all_management_events
from checks.logs import RequiredPattern, conditions

_ALARM_TYPE = "AWS::CloudWatch::Alarm"
_ACCOUNT_TYPE = "AWS::::Account"
# arn:<partition>:sns:<region>:<account>:<topic>; FIFO topics end in ".fifo".
_SNS_TOPIC_ARN = re.compile(r"^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$")
ALARMS_GUIDE = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"
)


def is_sns_topic(action: str) -> bool:
    """Whether an alarm action publishes to an SNS topic, the way alarms reach people.

    Application Auto Scaling and EC2 Auto Scaling policies (the `TargetTracking-…` alarms),
    EC2 stop/reboot actions, Systems Manager OpsItems and Lambda functions act on resources
    but page no one, so they do not count. Incident Manager response plans do engage people,
    but who they reach cannot be seen from the alarm; the practice names SNS.
    """
    return _SNS_TOPIC_ARN.match(action) is not None


def notifies_people(alarm: MetricAlarm) -> bool:
    """Actions enabled, and an ALARM-state action that publishes to an SNS topic."""
    return alarm.actions_enabled and any(is_sns_topic(a) for a in alarm.alarm_actions)


def acts(alarm: MetricAlarm) -> bool:
    """Actions enabled, and at least one action for the ALARM state."""
    return alarm.actions_enabled and bool(alarm.alarm_actions)


def _why_silent(alarm: MetricAlarm) -> str:
    if not alarm.actions_enabled:
        return "actions disabled"
    if not alarm.alarm_actions:
        return "no ALARM action"
    return "no ALARM action publishes to an SNS topic"


def escalations(
    alarms: Sequence[MetricAlarm], answers: Callable[[MetricAlarm], bool]
) -> dict[str, list[str]]:
    """For each alarm name, the composite alarms that `answers` for it: a composite for which
    `answers` holds and whose rule names the alarm (by name or ARN) as setting it off, directly
    or through other composites. A rule that does not parse names nothing."""
    by_key = {key: a for a in alarms for key in (a.name, a.arn)}
    children: dict[str, set[str]] = {}
    for composite in (a for a in alarms if a.alarm_rule is not None):
        try:
            triggers = alarm_triggers(composite.alarm_rule or "")
        except RuleError:
            triggers = set()
        children[composite.name] = {by_key[t].name for t in triggers if t in by_key}
    found: dict[str, set[str]] = {}
    for composite in (a for a in alarms if a.alarm_rule is not None and answers(a)):
        seen: set[str] = set()
        todo = [composite.name]
        while todo:  # every alarm below it; `seen` stops rule cycles
            for child in children.get(todo.pop(), set()) - seen:
                seen.add(child)
                todo.append(child)
        for name in seen - {composite.name}:
            found.setdefault(name, set()).add(composite.name)
    return {name: sorted(parents) for name, parents in found.items()}


def alarm_coverage(
    resource: ResourceRef,
    described: str,
    alarms: Sequence[MetricAlarm],
    *,
    namespace: str,
    dimension: str,
    value: str,
) -> Verdict:
    """PASS when a metric alarm watching the resource's dimension notifies people.

    An alarm watches the resource when it is in `namespace` (or a metric-math alarm across
    namespaces) and one of its metrics has `dimension` = `value`.
    """
    watching = sorted(
        (a for a in alarms if a.watches(namespace, dimension, value)), key=lambda a: a.name
    )
    notifying = [a.name for a in watching if notifies_people(a)]
    silent: dict[str, JsonValue] = {
        a.name: _why_silent(a) for a in watching if not notifies_people(a)
    }
    if notifying:
        return passed(
            resource,
            f"{described} is watched by {_alarms(len(notifying))} notifying an SNS topic.",
            notifying_alarms=list[JsonValue](notifying),
            silent_alarms=silent,
        )
    paging = _composites_notifying(alarms) if silent else {}
    through = {name: paging[name] for name in silent if name in paging}
    if through:
        name, parents = next(iter(through.items()))
        return passed(
            resource,
            f"{described} is watched by alarm {name}, which notifies no one itself but sets off "
            f"composite alarm {parents[0]}, which notifies an SNS topic.",
            notifying_alarms=list[JsonValue](through),
            notifying_composites={k: list[JsonValue](v) for k, v in through.items()},
            silent_alarms=silent,
        )
    if not silent:
        reason = f"no metric alarm in {namespace} has the dimension {dimension}={value}"
    elif len(silent) == 1:
        name, why = next(iter(silent.items()))
        reason = f"the one alarm watching it, {name}, notifies no one ({why})"
    else:
        reason = f"none of the {_alarms(len(silent))} watching it notifies anyone"
    return failed(
        resource,
        f"{described} has no metric alarm that notifies an SNS topic: {reason}.",
        notifying_alarms=[],
        silent_alarms=silent,
    )


_COMPOSITES_CACHE: list[tuple[Sequence[MetricAlarm], dict[str, list[str]]]] = []


def _composites_notifying(alarms: Sequence[MetricAlarm]) -> dict[str, list[str]]:
    """escalations(alarms, notifies_people), once per alarm list: a coverage check asks it for
    every resource of the region with the same list."""
    cached = _COMPOSITES_CACHE[0] if _COMPOSITES_CACHE else None
    if cached is not None and cached[0] is alarms:
        return cached[1]
    result = escalations(alarms, notifies_people)
    _COMPOSITES_CACHE[:] = [(alarms, result)]
    return result


def _alarms(count: int) -> str:
    return f"{count} alarm" + ("" if count == 1 else "s")


def alarm_remediation(
    *,
    console_metric: str,
    namespace: str,
    metric: str,
    dimension: str,
    placeholder: str,
    alarm_when: str,
) -> Remediation:
    """How to put an alarm that notifies an SNS topic on one resource's metric.

    `alarm_when` is the put-metric-alarm condition, e.g. "--statistic Average --period 300
    --evaluation-periods 2 --threshold 80 --comparison-operator GreaterThanOrEqualToThreshold".
    """
    return Remediation(
        console=(
            f"CloudWatch console > Alarms > Create alarm > Select metric > {console_metric} > "
            f"{metric} for the resource > set the condition > Notification: 'In alarm', send to "
            "an SNS topic with subscribed people > Create alarm."
        ),
        cli=(
            f"aws cloudwatch put-metric-alarm --alarm-name {placeholder}-{metric} "
            f"--namespace {namespace} --metric-name {metric} "
            f"--dimensions Name={dimension},Value={placeholder} {alarm_when} "
            "--alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            f'aws_cloudwatch_metric_alarm: namespace = "{namespace}", metric_name = "{metric}", '
            f'dimensions = {{ {dimension} = "{placeholder}" }}, '
            "alarm_actions = [aws_sns_topic.<name>.arn]"
        ),
    )


def _alarm_ref(alarm: MetricAlarm) -> ResourceRef:
    return ResourceRef(arn=alarm.arn, id=alarm.name, type=_ALARM_TYPE)


# LOW: an alarm without an action is a gap only where nothing else watches the resource; the
# per-resource alarm checks (rds_instance_has_alarm, dynamodb_table_has_alarm) judge that.
@check(
    id="cloudwatch_alarm_has_action",
    title="CloudWatch alarms have enabled actions for the ALARM state",
    service="cloudwatch",
    severity=Severity.LOW,
    resource_type=_ALARM_TYPE,
    datasets=[CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study and the purpose-built "
        "databases talk): an alarm exists to notify someone, as in the Duolingo DynamoDB case "
        "study's CPU >= 80% alarm that sends to an SNS topic; one with no action, or with actions "
        "disabled, changes state and nobody hears it. An alarm whose ALARM state sets off a "
        "composite alarm that acts (AWS's advice for cutting alarm noise) is heard through it."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console > Alarms > All alarms > select the alarm > Actions > Edit > "
            "Configure actions: add a notification to an SNS topic for the 'In alarm' state > "
            "Update alarm (an alarm whose actions are disabled is re-enabled with the CLI)."
        ),
        cli=(
            "aws cloudwatch enable-alarm-actions --alarm-names <alarm-name>   # actions disabled; "
            "to add an action, re-run aws cloudwatch put-metric-alarm with the alarm's settings "
            "plus --alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            "aws_cloudwatch_metric_alarm: actions_enabled = true and "
            "alarm_actions = [aws_sns_topic.<name>.arn]"
        ),
    ),
    references=[
        ALARMS_GUIDE,
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html",
    ],
    compliance={"wa-rel": ["REL06-BP03", "REL11-BP06"]},
)
def cloudwatch_alarm_has_action(scope: Scope) -> Iterable[Verdict]:
    """An alarm without actions of its own passes when a composite alarm that acts names it
    in its rule as setting it off (directly or through other composites)."""
    alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
    acting_parents = escalations(alarms, acts)
    for alarm in alarms:
        parents = acting_parents.get(alarm.name, [])
        if acts(alarm):
            status, outcome = (
                Status.PASS,
                f"acts on {len(alarm.alarm_actions)} target(s) when it fires",
            )
        elif parents:
            status = Status.PASS
            outcome = (
                f"has no enabled action of its own, but sets off composite alarm {parents[0]}, "
                "which acts when it fires"
            )
        elif not alarm.actions_enabled:
            status, outcome = Status.FAIL, "has its actions disabled, so firing does nothing"
        else:
            status, outcome = Status.FAIL, "has no action for the ALARM state"
        kind = "composite alarm" if alarm.composite else "alarm"
        evidence: dict[str, JsonValue] = {
            "actions_enabled": alarm.actions_enabled,
            "alarm_actions": list[JsonValue](alarm.alarm_actions),
        }
        if parents:
            evidence["acting_composites"] = list[JsonValue](parents)
        message = f"CloudWatch {kind} {alarm.name} {outcome}."
        yield Verdict(status, _alarm_ref(alarm), message, evidence)


# --- Security events alarmed through CloudTrail's log group (CIS v3.0 section 4) ------------


@dataclass(frozen=True)
class SecurityEvent:
    key: str
    cis: str  # CIS AWS Foundations Benchmark v3.0 recommendation
    described: str
    pattern: RequiredPattern


_UNAUTHORIZED_EXCLUSIONS = frozenset(
    {("sourceIPAddress", "!=", "delivery.logs.amazonaws.com"), ("eventName", "!=", "HeadBucket")}
)
_MFA_NARROWING = frozenset(
    {("userIdentity.type", "=", "IAMUser"), ("responseElements.ConsoleLogin", "=", "Success")}
)


def _any_event(*names: str) -> str:
    return "{ " + " || ".join(f"($.eventName = {name})" for name in names) + " }"


def _source_events(source: str, *names: str) -> str:
    either = " || ".join(f"($.eventName = {name})" for name in names)
    return f"{{ ($.eventSource = {source}) && ({either}) }}"


# The filter patterns of CIS AWS Foundations Benchmark v3.0, section 4 (4.15, AWS Organizations
# changes, concerns only the management account: ORGANIZATIONS_CHANGES, judged on its own).
# Optional conditions are the ones the benchmark's versions differ by (v1.2 against v1.4 and
# later).
SECURITY_EVENTS = (
    SecurityEvent(
        "unauthorized-api-calls",
        "4.1",
        "Unauthorized API calls",
        RequiredPattern(
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
            '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") '
            '&& ($.eventName != "HeadBucket") }',
            optional=_UNAUTHORIZED_EXCLUSIONS,
        ),
    ),
    SecurityEvent(
        "console-sign-in-without-mfa",
        "4.2",
        "Console sign-ins without MFA",
        RequiredPattern(
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
            optional=_MFA_NARROWING,
        ),
    ),
    SecurityEvent(
        "root-account-usage",
        "4.3",
        "Uses of the root user",
        RequiredPattern(
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != "AwsServiceEvent" }'
        ),
    ),
    SecurityEvent(
        "iam-policy-changes",
        "4.4",
        "IAM policy changes",
        RequiredPattern(
            _any_event(
                "DeleteGroupPolicy",
                "DeleteRolePolicy",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "PutRolePolicy",
                "PutUserPolicy",
                "CreatePolicy",
                "DeletePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "AttachUserPolicy",
                "DetachUserPolicy",
                "AttachGroupPolicy",
                "DetachGroupPolicy",
            ),
            optional=frozenset({("eventSource", "=", "iam.amazonaws.com")}),
        ),
    ),
    SecurityEvent(
        "cloudtrail-configuration-changes",
        "4.5",
        "CloudTrail configuration changes",
        RequiredPattern(
            _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")
        ),
    ),
    SecurityEvent(
        "console-authentication-failures",
        "4.6",
        "Console authentication failures",
        RequiredPattern(
            '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
        ),
    ),
    SecurityEvent(
        "cmk-disabled-or-scheduled-for-deletion",
        "4.7",
        "Customer-managed keys disabled or scheduled for deletion",
        RequiredPattern(_source_events("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")),
    ),
    SecurityEvent(
        "s3-bucket-policy-changes",
        "4.8",
        "S3 bucket policy changes",
        RequiredPattern(
            _source_events(
                "s3.amazonaws.com",
                "PutBucketAcl",
                "PutBucketPolicy",
                "PutBucketCors",
                "PutBucketLifecycle",
                "PutBucketReplication",
                "DeleteBucketPolicy",
                "DeleteBucketCors",
                "DeleteBucketLifecycle",
                "DeleteBucketReplication",
            )
        ),
    ),
    SecurityEvent(
        "config-changes",
        "4.9",
        "AWS Config configuration changes",
        RequiredPattern(
            _source_events(
                "config.amazonaws.com",
                "StopConfigurationRecorder",
                "DeleteDeliveryChannel",
                "PutDeliveryChannel",
                "PutConfigurationRecorder",
            )
        ),
    ),
    SecurityEvent(
        "security-group-changes",
        "4.10",
        "Security group changes",
        RequiredPattern(
            _any_event(
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            )
        ),
    ),
    SecurityEvent(
        "nacl-changes",
        "4.11",
        "Network ACL changes",
        RequiredPattern(
            _any_event(
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            )
        ),
    ),
    SecurityEvent(
        "network-gateway-changes",
        "4.12",
        "Network gateway changes",
        RequiredPattern(
            _any_event(
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            )
        ),
    ),
    SecurityEvent(
        "route-table-changes",
        "4.13",
        "Route table changes",
        RequiredPattern(
            _any_event(
                "CreateRoute",
                "CreateRouteTable",
                "ReplaceRoute",
                "ReplaceRouteTableAssociation",
                "DeleteRouteTable",
                "DeleteRoute",
                "DisassociateRouteTable",
            ),
            optional=frozenset({("eventSource", "=", "ec2.amazonaws.com")}),
        ),
    ),
    SecurityEvent(
        "vpc-changes",
        "4.14",
        "VPC changes",
        RequiredPattern(
            _any_event(
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            )
        ),
    ),
)


# CIS v3.0 4.15: changes to the organization, recorded by the management account's trail.
ORGANIZATIONS_CHANGES = SecurityEvent(
    "organizations-changes",
    "4.15",
    "AWS Organizations changes",
    RequiredPattern(
        _source_events(
            "organizations.amazonaws.com",
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        )
    ),
)


def _monitoring_trails(scope: Scope) -> tuple[list[Trail], dict[str, str | CollectionError]]:
    """The multi-region trails homed here that log all management events to a log group, and
    why each other multi-region trail homed here does not."""
    usable: list[Trail] = []
    shortfalls: dict[str, str | CollectionError] = {}
    visible: list[Trail] = scope.get(CLOUDTRAIL_TRAILS)
    for trail in sorted(visible, key=lambda t: t.name):
        if not (trail.multi_region and owned_here(trail, scope)):
            continue
        # A trail that stopped delivering feeds no metric filter: its alarms watch nothing.
        why = records_all_management_events(trail) or delivery_shortfall(trail)
        if why is None:
            usable.append(trail)
        else:
            shortfalls[trail.name] = why
    return usable, shortfalls


def _event_verdict(
    event: SecurityEvent,
    trails: Sequence[Trail],
    filters: Sequence[MetricFilter],
    alarms: Sequence[MetricAlarm],
) -> Verdict:
    ref = ResourceRef(id=f"cis-{event.cis}-{event.key}", type=_ACCOUNT_TYPE)
    groups = [t.log_group_name for t in trails if t.log_group_name]
    gaps: list[str] = []
    silent: dict[str, JsonValue] = {}
    matching: list[JsonValue] = []
    # Filters that test some of the required conditions and nothing foreign: a list of event
    # names written from memory, say.
    near: dict[str, list[str]] = {}
    for f in (f for f in filters if f.log_group_name in groups):
        shortfall = event.pattern.missing_from(f.pattern)
        if shortfall:
            if conditions(f.pattern) & event.pattern.required and all(
                gap.startswith("lacks ") for gap in shortfall
            ):
                near[f.name] = shortfall
            continue
        matching.append(f.name)
        watching = [
            a
            for a in alarms
            for m in f.metrics
            if a.namespace == m.namespace and a.metric_name == m.name
        ]
        notifying = sorted(a.name for a in watching if notifies_people(a))
        if notifying:
            return passed(
                ref,
                f"{event.described} (CIS {event.cis}) are counted by metric filter {f.name} on "
                f"log group {f.log_group_name}, and alarm {notifying[0]} notifies an SNS topic.",
                log_groups=list[JsonValue](groups),
                matching_filters=[f.name],
                notifying_alarms=list[JsonValue](notifying),
            )
        paging = _composites_notifying(alarms) if watching else {}
        through = sorted(a.name for a in watching if a.name in paging)
        if through:
            return passed(
                ref,
                f"{event.described} (CIS {event.cis}) are counted by metric filter {f.name} on "
                f"log group {f.log_group_name}, and alarm {through[0]} sets off composite alarm "
                f"{paging[through[0]][0]}, which notifies an SNS topic.",
                log_groups=list[JsonValue](groups),
                matching_filters=[f.name],
                notifying_alarms=list[JsonValue](through),
                notifying_composites={name: list[JsonValue](paging[name]) for name in through},
            )
        silent.update({a.name: _why_silent(a) for a in watching})
        if not watching:
            gaps.append(f"no alarm watches the metric of filter {f.name}")
    closest: dict[str, JsonValue] = {}
    if not matching:
        gaps.append(f"no metric filter on {', '.join(groups)} matches the benchmark's pattern")
        if near:
            name, shortfall = min(near.items(), key=lambda item: (len(item[1]), item[0]))
            closest[name] = list[JsonValue](shortfall)
            gaps.append(f"the closest, {name}, {', '.join(shortfall)}")
    elif silent:
        gaps.append("the alarms on its metric notify no one")
    return failed(
        ref,
        f"{event.described} (CIS {event.cis}) raise no alarm that notifies an SNS topic: "
        f"{'; '.join(gaps)}.",
        log_groups=list[JsonValue](groups),
        matching_filters=matching,
        closest_filter=closest,
        silent_alarms=silent,
        required_pattern=event.pattern.pattern,
    )


# LOW, as Security Hub rates the CloudWatch.1-14 metric filter controls.
@check(
    id="cloudwatch_security_events_alarmed",
    title="Security-relevant CloudTrail events raise a CloudWatch alarm that notifies people",
    service="cloudwatch",
    severity=Severity.LOW,
    resource_type=_ACCOUNT_TYPE,
    datasets=[CLOUDTRAIL_TRAILS, LOGS_METRIC_FILTERS, CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring: alarms that notify an SNS topic, CloudWatch Logs turning "
        "log data into metrics; the IAM notes on root use, MFA and least privilege): a logging "
        "multi-region trail delivers every API call to a log group, where a metric filter counts "
        "unauthorized calls, sign-ins without MFA or that fail, root use, and changes to IAM "
        "policies, CloudTrail, KMS keys, bucket policies, AWS Config, security groups, network "
        "ACLs, gateways, route tables and VPCs; an alarm on that metric pages someone the moment "
        "one happens. One finding per CIS v3.0 recommendation 4.1-4.14."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console > Log groups > the log group of the multi-region trail > Metric "
            "filters > Create metric filter with the benchmark's pattern (see the finding's "
            "required_pattern), metric value 1 > then Create alarm on that metric: Sum >= 1 over "
            "5 minutes, notify an SNS topic with subscribers."
        ),
        cli=(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name <name> "
            "--filter-pattern '<required_pattern>' --metric-transformations "
            "metricName=<name>,metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch "
            "put-metric-alarm --alarm-name <name> --namespace CISBenchmark --metric-name <name> "
            "--statistic Sum --period 300 --evaluation-periods 1 --threshold 1 "
            "--comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            "aws_cloudwatch_log_metric_filter (log_group_name = the trail's log group, pattern = "
            "the benchmark's) + aws_cloudwatch_metric_alarm on its metric with alarm_actions = "
            "[aws_sns_topic.<name>.arn]"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "cloudwatch-alarms-for-cloudtrail.html",
    ],
    compliance={"cis-3.0": [e.cis for e in SECURITY_EVENTS]},
)
def cloudwatch_security_events_alarmed(scope: Scope) -> Iterable[Verdict]:
    """One finding per security event, in the home region of the multi-region trails that
    deliver to CloudWatch Logs, and did within the last day (metric filters and alarms live
    beside the trail's log group).

    Metric filter patterns are compared with the benchmark's as the sets of conditions they
    can match on, && / || structure read (see `RequiredPattern.missing_from`). A region that
    only sees another region's (or account's) multi-region trail is judged there, so it yields
    nothing, as Security Hub does; a region with no multi-region trail at all fails every
    event."""
    yield from _events_verdicts(scope, SECURITY_EVENTS)


def _events_verdicts(scope: Scope, events: Sequence[SecurityEvent]) -> Iterator[Verdict]:
    """One verdict per event in the home region of the multi-region trails that deliver to
    CloudWatch Logs; none where another region's (or account's) trail covers this one; FAIL
    for every event where no multi-region trail records this region."""
    trails, shortfalls = _monitoring_trails(scope)
    if trails:
        filters = scope.get(LOGS_METRIC_FILTERS)
        alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
        for event in events:
            yield _event_verdict(event, trails, filters, alarms)
        return
    elsewhere = [
        t for t in scope.get(CLOUDTRAIL_TRAILS) if t.multi_region and not owned_here(t, scope)
    ]
    if elsewhere:
        return
    error = next((w for w in shortfalls.values() if isinstance(w, CollectionError)), None)
    if shortfalls:
        reason = "; ".join(f"{name}: {why}" for name, why in shortfalls.items())
    else:
        reason = f"no multi-region trail records {scope.region}'s management events"
    for event in events:
        ref = ResourceRef(id=f"cis-{event.cis}-{event.key}", type=_ACCOUNT_TYPE)
        if error is not None:
            yield unreadable(ref, error)
            continue
        yield failed(
            ref,
            f"{event.described} (CIS {event.cis}) cannot raise an alarm: no logging "
            f"multi-region trail delivers them to CloudWatch Logs ({reason}).",
            log_groups=[],
            matching_filters=[],
            closest_filter={},
            silent_alarms={},
            required_pattern=event.pattern.pattern,
        )


# LOW, as the other CIS section 4 alarms: an organization change is rare and loud.
@check(
    id="cloudwatch_organizations_changes_alarmed",
    title="AWS Organizations changes raise a CloudWatch alarm that notifies people, in the "
    "management account",
    service="cloudwatch",
    severity=Severity.LOW,
    resource_type=_ACCOUNT_TYPE,
    datasets=[
        CLOUDTRAIL_TRAILS,
        LOGS_METRIC_FILTERS,
        CLOUDWATCH_METRIC_ALARMS,
        ORGANIZATIONS_ORGANIZATION,
    ],
    rationale=(
        "Study materials (Monitoring: alarms that notify an SNS topic, CloudWatch Logs turning "
        "log data into metrics; the IAM notes on accounts and least privilege): accounts "
        "invited, removed or moved and service control policies created, attached or detached "
        "change what every account of the organization may do, and they are recorded only by "
        "the management account's trail, so CIS v3.0 4.15 asks for a metric filter and an "
        "alarm there. Judged only in the management account (DescribeOrganization's "
        "MasterAccountId); other accounts and accounts outside an organization get no finding."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console (management account, the multi-region trail's home region) > "
            "Log groups > the trail's log group > Metric filters > Create metric filter with "
            "the benchmark's pattern (see the finding's required_pattern), metric value 1 > "
            "then Create alarm on that metric: Sum >= 1 over 5 minutes, notify an SNS topic "
            "with subscribers."
        ),
        cli=(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name "
            "organizations-changes --filter-pattern '<required_pattern>' "
            "--metric-transformations metricName=OrganizationsChanges,"
            "metricNamespace=CISBenchmark,metricValue=1 && aws cloudwatch put-metric-alarm "
            "--alarm-name organizations-changes --namespace CISBenchmark --metric-name "
            "OrganizationsChanges --statistic Sum --period 300 --evaluation-periods 1 "
            "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold "
            "--alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            "aws_cloudwatch_log_metric_filter (log_group_name = the trail's log group, pattern = "
            "the benchmark's) + aws_cloudwatch_metric_alarm on its metric with alarm_actions = "
            "[aws_sns_topic.<name>.arn], in the management account"
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_cloudtrail-integration.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
        "cloudwatch-alarms-for-cloudtrail.html",
    ],
    compliance={"cis-3.0": [ORGANIZATIONS_CHANGES.cis]},
)
def cloudwatch_organizations_changes_alarmed(scope: Scope) -> Iterable[Verdict]:
    """In the management account only (an account whose DescribeOrganization names it as
    MasterAccountId), the organization-changes event judged as the other CIS section 4
    events are. A check of its own, so a denied DescribeOrganization leaves 4.1-4.14 judged."""
    if not scope.get(ORGANIZATIONS_ORGANIZATION).manages(scope.account_id):
        return
    yield from _events_verdicts(scope, (ORGANIZATIONS_CHANGES,))


# --- Dashboards ------------------------------------------------------------------------------


def _workload(scope: Scope) -> dict[str, int]:
    counts = {
        "RDS DB instance": len(scope.get(RDS_DB_INSTANCES)),
        "DynamoDB table": len(scope.get(DYNAMODB_TABLES)),
        "Lambda function": len(scope.get(LAMBDA_FUNCTIONS)),
        "load balancer": len(scope.get(ELBV2_LOAD_BALANCERS)),
    }
    return {kind: count for kind, count in counts.items() if count}


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" + ("" if n == 1 else "s") for kind, n in counts.items())


# INFORMATIONAL: a missing dashboard hides nothing an alarm would not catch; it slows the
# person answering the page.
@check(
    id="cloudwatch_dashboard_exists",
    title="Each region that runs the workload has a CloudWatch dashboard showing its metrics",
    service="cloudwatch",
    severity=Severity.INFORMATIONAL,
    resource_type=_ACCOUNT_TYPE,
    datasets=[
        CLOUDWATCH_DASHBOARDS,
        RDS_DB_INSTANCES,
        DYNAMODB_TABLES,
        LAMBDA_FUNCTIONS,
        ELBV2_LOAD_BALANCERS,
    ],
    rationale=(
        "Study materials (the Duolingo DynamoDB case study's monitoring setup, CloudWatch > "
        "Dashboards > Create dashboard, and the purpose-built databases talk's CloudWatch "
        "Dashboards): a dashboard puts a region's key metrics in one view for whoever answers "
        "an alarm. Dashboards are account-wide, so a region counts as covered when a widget "
        "shows its metrics. No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch console (in the region) > Dashboards > Create dashboard > add widgets "
            "for the region's databases, tables, functions and load balancers > Save."
        ),
        cli=(
            "aws cloudwatch put-dashboard --dashboard-name <app>-<region> --dashboard-body "
            'file://dashboard.json   # widgets with "region": "<region>"'
        ),
        terraform=(
            "aws_cloudwatch_dashboard: dashboard_body = jsonencode({ widgets = [{ type = "
            '"metric", properties = { region = "<region>", metrics = [...] } }] })'
        ),
    ),
    references=[
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/"
        "CloudWatch-Dashboard-Body-Structure.html",
    ],
    compliance={"wa-rel": ["REL06-BP02"]},
)
def cloudwatch_dashboard_exists(scope: Scope) -> Iterable[Verdict]:
    """One finding per region that runs any of the workload's resources; a region with none is
    not judged. A dashboard whose body could not be read makes an uncovered region an ERROR."""
    workload = _workload(scope)
    if not workload:
        return
    ref = ResourceRef(id=scope.account_id, type=_ACCOUNT_TYPE)
    listed: list[Dashboard] = scope.get(CLOUDWATCH_DASHBOARDS)
    dashboards = sorted(listed, key=lambda d: d.name)
    showing = [
        d.name
        for d in dashboards
        if not isinstance(d.regions, CollectionError) and scope.region in d.regions
    ]
    counts = dict[str, JsonValue](workload)
    if showing:
        yield passed(
            ref,
            f"Dashboard {showing[0]} shows metrics from {scope.region}, which runs "
            f"{_counted(workload)}.",
            dashboards=list[JsonValue](showing),
            workload=counts,
        )
        return
    unknown = next((d.regions for d in dashboards if isinstance(d.regions, CollectionError)), None)
    if unknown is not None:
        yield unreadable(ref, unknown)
        return
    yield failed(
        ref,
        f"No CloudWatch dashboard shows metrics from {scope.region}, which runs "
        f"{_counted(workload)}.",
        dashboards=[],
        workload=counts,
    )
