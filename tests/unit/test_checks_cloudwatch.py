"""cloudwatch_alarm_has_action, and the shared rule for an alarm that notifies people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import (
    ACCOUNT,
    GLOBAL_REGION,
    REGION,
    SCALING_POLICY_ACTION,
    SNS_TOPIC,
    by_resource,
    dataset_denied,
    db_instance,
    denied,
    engine_findings,
    global_scope,
    metric_alarm,
    only_verdict,
    run_check,
    scope_snapshot,
)

from auditor.findings import Status
from auditor.models import (
    CollectionError,
    Dashboard,
    MetricAlarm,
    MetricFilter,
    MetricTransformation,
    Organization,
    ScopeSnapshot,
    Trail,
    TrailEventSelectors,
)
from checks.cloudwatch import (
    SECURITY_EVENTS,
    cloudwatch_alarm_has_action,
    cloudwatch_dashboard_exists,
    cloudwatch_organizations_changes_alarmed,
    cloudwatch_security_events_alarmed,
    is_sns_topic,
    notifies_people,
)
from checks.rds import rds_instance_has_alarm


def test_alarm_with_enabled_actions_passes() -> None:
    alarm = metric_alarm("orders-cpu")

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.arn == alarm.arn
    assert verdict.resource.id == "orders-cpu"
    assert verdict.resource.type == "AWS::CloudWatch::Alarm"
    assert verdict.message == "CloudWatch alarm orders-cpu acts on 1 target(s) when it fires."
    assert verdict.evidence == {"actions_enabled": True, "alarm_actions": [SNS_TOPIC]}


def test_alarm_with_actions_disabled_fails() -> None:
    alarm = metric_alarm("orders-cpu", actions_enabled=False)

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.FAIL
    assert "has its actions disabled" in verdict.message
    assert verdict.evidence["actions_enabled"] is False


def test_alarm_without_an_alarm_action_fails() -> None:
    alarm = metric_alarm("orders-cpu", alarm_actions=[])

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == "CloudWatch alarm orders-cpu has no action for the ALARM state."


def test_alarm_whose_only_action_is_a_scaling_policy_still_has_an_action() -> None:
    # It acts; whether it reaches people is for the per-resource alarm checks to say.
    alarm = metric_alarm("TargetTracking-orders-AlarmHigh", alarm_actions=[SCALING_POLICY_ACTION])

    verdict = only_verdict(
        cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[alarm])
    )

    assert verdict.status is Status.PASS
    assert notifies_people(alarm) is False


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (SNS_TOPIC, True),
        (f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:pager", True),
        (f"arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:orders.fifo", True),
        (SCALING_POLICY_ACTION, False),
        (f"arn:aws:automate:{REGION}:ec2:stop", False),
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:notify", False),
        (f"arn:aws:ssm:{REGION}:{ACCOUNT}:opsitem:3", False),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}", False),
        ("not-an-arn", False),
    ],
)
def test_only_sns_topics_notify_people(action: str, expected: bool) -> None:
    assert is_sns_topic(action) is expected


def test_an_sns_action_on_a_disabled_alarm_notifies_no_one() -> None:
    assert notifies_people(metric_alarm("a", actions_enabled=False)) is False
    assert (
        notifies_people(metric_alarm("b", alarm_actions=[SCALING_POLICY_ACTION, SNS_TOPIC])) is True
    )


# --- cloudwatch_security_events_alarmed --------------------------------------------------------

LOG_GROUP = "/org/cloudtrail"
ALL_EVENTS = TrailEventSelectors(management_read=True, management_write=True)
CIS_PATTERNS = {
    "4.1": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "4.2": '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed!="Yes")}',
    "4.3": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
    '&& $.eventType != "AwsServiceEvent" }',
    "4.4": "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||"
    "($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||"
    "($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||"
    "($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||"
    "($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
    "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||"
    "($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    "4.5": "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
    "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    "4.10": "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
    "($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) "
    "|| ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || "
    "($.eventName = DeleteSecurityGroup) }",
    # The rest as Security Hub's CloudWatch.6-14 remediation steps write them.
    "4.6": '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    "4.7": "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || "
    "($.eventName=ScheduleKeyDeletion))}",
    "4.8": "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || "
    "($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || "
    "($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || "
    "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || "
    "($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    "4.9": "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || "
    "($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || "
    "($.eventName=PutConfigurationRecorder))}",
    "4.11": "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || "
    "($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || "
    "($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    "4.12": "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || "
    "($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || "
    "($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    "4.13": "{($.eventSource = ec2.amazonaws.com) && (($.eventName=CreateRoute) || "
    "($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || "
    "($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
    "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
    "4.14": "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || "
    "($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || "
    "($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || "
    "($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || "
    "($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || "
    "($.eventName=EnableVpcClassicLink)}",
}


TRAIL_READ_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def audit_trail(name: str = "org-audit", *, home_region: str = REGION, **fields: Any) -> Trail:
    values: dict[str, Any] = {
        "multi_region": True,
        "is_logging": True,
        "event_selectors": ALL_EVENTS,
        "cloudwatch_logs_log_group_arn": (
            f"arn:aws:logs:{home_region}:{ACCOUNT}:log-group:{LOG_GROUP}:*"
        ),
        "cloudwatch_logs_delivered_at": TRAIL_READ_AT - timedelta(hours=2),
        "status_read_at": TRAIL_READ_AT,
    }
    values.update(fields)
    return Trail(
        arn=f"arn:aws:cloudtrail:{home_region}:{ACCOUNT}:trail/{name}",
        name=name,
        home_region=home_region,
        **values,
    )


def metric_filter(cis: str, pattern: str | None = None) -> MetricFilter:
    return MetricFilter(
        name=f"cis-{cis}",
        log_group_name=LOG_GROUP,
        pattern=pattern if pattern is not None else CIS_PATTERNS[cis],
        metrics=[MetricTransformation(namespace="CISBenchmark", name=f"cis-{cis}-count")],
    )


def alarm_on(cis: str, **fields: Any) -> MetricAlarm:
    base = metric_alarm(f"cis-{cis}-alarm", namespace="CISBenchmark", **fields)
    return base.model_copy(update={"metric_name": f"cis-{cis}-count"})


def monitoring(
    trails: list[Trail], filters: list[MetricFilter], alarms: list[MetricAlarm]
) -> ScopeSnapshot:
    return scope_snapshot(
        cloudtrail_trails=trails, logs_metric_filters=filters, cloudwatch_metric_alarms=alarms
    )


def events(snapshot: ScopeSnapshot) -> dict[str, Any]:
    return by_resource(run_check(cloudwatch_security_events_alarmed, snapshot))


def test_every_required_event_filtered_and_alarmed_passes() -> None:
    verdicts = events(
        monitoring(
            [audit_trail()],
            [metric_filter(cis) for cis in CIS_PATTERNS],
            [alarm_on(cis) for cis in CIS_PATTERNS],
        )
    )

    assert sorted(verdicts) == sorted(f"cis-{e.cis}-{e.key}" for e in SECURITY_EVENTS)
    assert {v.status for v in verdicts.values()} == {Status.PASS}
    root = verdicts["cis-4.3-root-account-usage"]
    assert root.resource.type == "AWS::::Account"
    assert root.message == (
        "Uses of the root user (CIS 4.3) are counted by metric filter cis-4.3 on log group "
        "/org/cloudtrail, and alarm cis-4.3-alarm notifies an SNS topic."
    )
    assert root.evidence["notifying_alarms"] == ["cis-4.3-alarm"]


def test_missing_filter_partial_pattern_silent_alarm_and_unwatched_metric_fail() -> None:
    filters = [
        metric_filter("4.1"),
        metric_filter("4.2"),
        metric_filter("4.3"),
        # Ingress only: egress changes go uncounted.
        metric_filter(
            "4.10",
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || "
            "($.eventName = RevokeSecurityGroupIngress) }",
        ),
    ]
    alarms = [alarm_on("4.1"), alarm_on("4.2", actions_enabled=False)]

    verdicts = events(monitoring([audit_trail()], filters, alarms))

    assert verdicts["cis-4.1-unauthorized-api-calls"].status is Status.PASS
    mfa = verdicts["cis-4.2-console-sign-in-without-mfa"]
    assert mfa.status is Status.FAIL
    assert mfa.evidence["silent_alarms"] == {"cis-4.2-alarm": "actions disabled"}
    assert mfa.message.endswith("the alarms on its metric notify no one.")
    root = verdicts["cis-4.3-root-account-usage"]
    assert root.status is Status.FAIL
    assert "no alarm watches the metric of filter cis-4.3" in root.message
    groups = verdicts["cis-4.10-security-group-changes"]
    assert groups.status is Status.FAIL
    assert groups.evidence["matching_filters"] == []
    assert groups.evidence["closest_filter"] == {
        "cis-4.10": [
            "lacks eventName = AuthorizeSecurityGroupEgress",
            "lacks eventName = CreateSecurityGroup",
            "lacks eventName = DeleteSecurityGroup",
            "lacks eventName = RevokeSecurityGroupEgress",
        ]
    }
    assert "no metric filter on /org/cloudtrail matches the benchmark's pattern; the closest, " in (
        groups.message
    )
    assert verdicts["cis-4.5-cloudtrail-configuration-changes"].status is Status.FAIL


def test_filter_on_another_log_group_does_not_count() -> None:
    elsewhere = metric_filter("4.5").model_copy(update={"log_group_name": "/app/other"})

    verdicts = events(monitoring([audit_trail()], [elsewhere], [alarm_on("4.5")]))

    assert verdicts["cis-4.5-cloudtrail-configuration-changes"].status is Status.FAIL


def test_region_without_a_multi_region_trail_fails_every_event() -> None:
    regional = audit_trail("regional", multi_region=False)

    verdicts = events(monitoring([regional], [metric_filter("4.1")], [alarm_on("4.1")]))

    assert len(verdicts) == len(SECURITY_EVENTS)
    assert {v.status for v in verdicts.values()} == {Status.FAIL}
    assert "no multi-region trail records" in verdicts["cis-4.1-unauthorized-api-calls"].message


def test_trail_that_stopped_delivering_makes_every_event_fail() -> None:
    stale = audit_trail(cloudwatch_logs_delivered_at=TRAIL_READ_AT - timedelta(days=2))

    verdicts = events(monitoring([stale], [metric_filter("4.1")], [alarm_on("4.1")]))

    assert {v.status for v in verdicts.values()} == {Status.FAIL}
    assert "latest CloudWatch Logs delivery" in verdicts["cis-4.1-unauthorized-api-calls"].message


def test_home_trail_without_log_group_fails_with_the_reason() -> None:
    trail = audit_trail(cloudwatch_logs_log_group_arn=None)

    verdicts = events(monitoring([trail], [], []))

    assert {v.status for v in verdicts.values()} == {Status.FAIL}
    assert "org-audit: it delivers to no CloudWatch Logs log group" in (
        verdicts["cis-4.4-iam-policy-changes"].message
    )


def test_region_that_only_sees_a_trail_homed_elsewhere_is_not_judged() -> None:
    shadow = audit_trail(home_region="us-east-1")

    assert run_check(cloudwatch_security_events_alarmed, monitoring([shadow], [], [])) == []


def test_unreadable_home_trail_status_is_an_error_for_every_event() -> None:
    error = denied("cloudtrail", "GetEventSelectors", "org-audit")

    verdicts = events(monitoring([audit_trail(event_selectors=error)], [], []))

    assert {v.status for v in verdicts.values()} == {Status.ERROR}
    assert verdicts["cis-4.1-unauthorized-api-calls"].evidence["operation"] == "GetEventSelectors"


def test_unreadable_metric_filters_are_an_error() -> None:
    snapshot = scope_snapshot(
        cloudtrail_trails=[audit_trail()],
        logs_metric_filters=dataset_denied("logs", "DescribeMetricFilters"),
        cloudwatch_metric_alarms=[],
    )

    [finding] = engine_findings(cloudwatch_security_events_alarmed, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeMetricFilters"


# --- cloudwatch_dashboard_exists -----------------------------------------------------------------


def dashboard(name: str, regions: list[str] | CollectionError) -> Dashboard:
    return Dashboard(
        arn=f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{name}", name=name, regions=regions
    )


def workload(**datasets: Any) -> ScopeSnapshot:
    values: dict[str, Any] = {
        "rds_db_instances": [db_instance("orders-db")],
        "dynamodb_tables": [],
        "lambda_functions": [],
        "elbv2_load_balancers": [],
    }
    values.update(datasets)
    return scope_snapshot(**values)


def dashboards(*items: Dashboard) -> ScopeSnapshot:
    return global_scope(cloudwatch_dashboards=list(items))


def test_dashboard_showing_the_region_passes() -> None:
    [verdict] = run_check(
        cloudwatch_dashboard_exists,
        workload(),
        account=dashboards(dashboard("ops", ["us-east-1", REGION]), dashboard("old", [])),
    )

    assert verdict.status is Status.PASS
    assert verdict.message == (
        f"Dashboard ops shows metrics from {REGION}, which runs 1 RDS DB instance."
    )
    assert verdict.evidence == {"dashboards": ["ops"], "workload": {"RDS DB instance": 1}}


def test_region_no_dashboard_shows_fails_and_an_empty_region_is_not_judged() -> None:
    account = dashboards(dashboard("ops", ["us-east-1"]))

    [verdict] = run_check(cloudwatch_dashboard_exists, workload(), account=account)
    empty = run_check(cloudwatch_dashboard_exists, workload(rds_db_instances=[]), account=account)

    assert verdict.status is Status.FAIL
    assert verdict.message == (
        f"No CloudWatch dashboard shows metrics from {REGION}, which runs 1 RDS DB instance."
    )
    assert empty == []


def test_unreadable_dashboard_body_is_an_error_only_for_an_uncovered_region() -> None:
    error = denied("cloudwatch", "GetDashboard", "locked", region=GLOBAL_REGION)

    [alone] = run_check(
        cloudwatch_dashboard_exists, workload(), account=dashboards(dashboard("locked", error))
    )
    [covered] = run_check(
        cloudwatch_dashboard_exists,
        workload(),
        account=dashboards(dashboard("locked", error), dashboard("ops", [REGION])),
    )

    assert alone.status is Status.ERROR
    assert alone.evidence["operation"] == "GetDashboard"
    assert covered.status is Status.PASS


def test_unreadable_dashboard_list_is_an_error() -> None:
    findings = engine_findings(
        cloudwatch_dashboard_exists,
        workload(),
        account=global_scope(
            cloudwatch_dashboards=dataset_denied("cloudwatch", "ListDashboards", GLOBAL_REGION)
        ),
    )

    assert [f.status for f in findings] == [Status.ERROR]
    assert findings[0].evidence["operation"] == "ListDashboards"


def test_alarm_action_check_is_an_error_when_alarms_cannot_be_read() -> None:
    snapshot = scope_snapshot(
        cloudwatch_metric_alarms=dataset_denied("cloudwatch", "DescribeAlarms")
    )

    [finding] = engine_findings(cloudwatch_alarm_has_action, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence == {"operation": "DescribeAlarms", "error_code": "AccessDenied"}


# --- Composite alarms ----------------------------------------------------------------------------


def composite(
    name: str, rule: str, *, alarm_actions: tuple[str, ...] = (SNS_TOPIC,)
) -> MetricAlarm:
    return MetricAlarm(
        arn=f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        name=name,
        namespace=None,
        actions_enabled=True,
        alarm_actions=list(alarm_actions),
        alarm_rule=rule,
    )


def test_silent_alarm_set_off_by_an_acting_composite_passes() -> None:
    cpu = metric_alarm("orders-cpu", alarm_actions=[])
    page = composite("orders-page", 'ALARM("orders-cpu") AND NOT ALARM("deploying")')

    found = by_resource(
        run_check(cloudwatch_alarm_has_action, scope_snapshot(cloudwatch_metric_alarms=[cpu, page]))
    )

    assert found["orders-cpu"].status is Status.PASS
    assert found["orders-cpu"].message == (
        "CloudWatch alarm orders-cpu has no enabled action of its own, but sets off composite "
        "alarm orders-page, which acts when it fires."
    )
    assert found["orders-cpu"].evidence["acting_composites"] == ["orders-page"]
    assert found["orders-page"].status is Status.PASS
    assert found["orders-page"].message.startswith("CloudWatch composite alarm orders-page acts")


def test_composites_count_through_arns_and_nesting_but_not_through_not_or_silence() -> None:
    cpu = metric_alarm("cpu", alarm_actions=[])
    disk = metric_alarm("disk", alarm_actions=[])
    deploying = metric_alarm("deploying", alarm_actions=[])
    orphan = metric_alarm("orphan", alarm_actions=[])
    inner = composite("inner", f"ALARM({cpu.arn}) OR NOT ALARM(deploying)", alarm_actions=())
    outer = composite("outer", 'ALARM("inner") OR ALARM("outer")')  # cycles are harmless
    quiet = composite("quiet", 'ALARM("disk")', alarm_actions=())
    broken = composite("broken", 'ALARM("orphan") AND')

    found = by_resource(
        run_check(
            cloudwatch_alarm_has_action,
            scope_snapshot(
                cloudwatch_metric_alarms=[cpu, disk, deploying, orphan, inner, outer, quiet, broken]
            ),
        )
    )

    assert {name: v.status for name, v in found.items()} == {
        "cpu": Status.PASS,  # through inner, through outer
        "inner": Status.PASS,
        "outer": Status.PASS,
        "disk": Status.FAIL,  # its composite acts on nothing
        "quiet": Status.FAIL,
        "deploying": Status.FAIL,  # only NOT ALARM(deploying): it suppresses, never pages
        "orphan": Status.FAIL,  # the rule that names it does not parse
        "broken": Status.PASS,
    }
    assert found["cpu"].evidence["acting_composites"] == ["outer"]


def test_resource_coverage_counts_a_metric_alarm_paging_through_a_composite() -> None:
    cpu = metric_alarm(
        "orders-cpu", alarm_actions=[], dimensions=[{"DBInstanceIdentifier": "orders"}]
    )
    page = composite("db-page", 'ALARM("orders-cpu")')
    lambda_only = composite(
        "db-heal", 'ALARM("orders-cpu")', alarm_actions=(SCALING_POLICY_ACTION,)
    )

    paged = only_verdict(
        rds_instance_has_alarm,
        scope_snapshot(
            rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[cpu, page]
        ),
    )
    unpaged = only_verdict(
        rds_instance_has_alarm,
        scope_snapshot(
            rds_db_instances=[db_instance("orders")], cloudwatch_metric_alarms=[cpu, lambda_only]
        ),
    )

    assert paged.status is Status.PASS
    assert paged.message == (
        "RDS DB instance orders is watched by alarm orders-cpu, which notifies no one itself but "
        "sets off composite alarm db-page, which notifies an SNS topic."
    )
    assert paged.evidence["notifying_composites"] == {"orders-cpu": ["db-page"]}
    assert unpaged.status is Status.FAIL


def test_security_event_alarm_paging_through_a_composite_passes() -> None:
    silent = alarm_on("4.3", alarm_actions=[])
    page = composite("security-page", 'ALARM("cis-4.3-alarm")')

    verdicts = events(monitoring([audit_trail()], [metric_filter("4.3")], [silent, page]))

    root = verdicts["cis-4.3-root-account-usage"]
    assert root.status is Status.PASS
    assert root.message == (
        "Uses of the root user (CIS 4.3) are counted by metric filter cis-4.3 on log group "
        "/org/cloudtrail, and alarm cis-4.3-alarm sets off composite alarm security-page, which "
        "notifies an SNS topic."
    )
    assert root.evidence["notifying_composites"] == {"cis-4.3-alarm": ["security-page"]}


def test_filter_joining_alternatives_with_and_matches_nothing_and_fails() -> None:
    # The benchmark's 4.5 pattern with every || turned into &&: no event has five names.
    impossible = CIS_PATTERNS["4.5"].replace("||", "&&")

    verdicts = events(
        monitoring([audit_trail()], [metric_filter("4.5", impossible)], [alarm_on("4.5")])
    )

    [cloudtrail_changes] = [v for k, v in verdicts.items() if k.startswith("cis-4.5-")]
    assert cloudtrail_changes.status is Status.FAIL
    [passing] = [
        v
        for k, v in events(
            monitoring([audit_trail()], [metric_filter("4.5")], [alarm_on("4.5")])
        ).items()
        if k.startswith("cis-4.5-")
    ]
    assert passing.status is Status.PASS


# --- CIS 4.15: AWS Organizations changes, in the management account -------------------------

ORGANIZATIONS_PATTERN = (
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || '
    '($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || '
    '($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || '
    '($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || '
    '($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || '
    '($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || '
    '($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || '
    '($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || '
    '($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || '
    '($.eventName = "UpdateOrganizationalUnit")) }'
)
OTHER_MANAGEMENT = "999988887777"


def organization(management: str) -> ScopeSnapshot:
    return global_scope(
        organizations_organization=Organization(
            in_organization=True,
            organization_id="o-a1b2c3d4e5",
            management_account_id=management,
            feature_set="ALL",
        )
    )


def organization_verdicts(
    account: ScopeSnapshot, filters: list[MetricFilter], alarms: list[MetricAlarm]
) -> list[Any]:
    return run_check(
        cloudwatch_organizations_changes_alarmed,
        monitoring([audit_trail()], filters, alarms),
        account=account,
    )


def test_organization_changes_filtered_and_alarmed_in_the_management_account_pass() -> None:
    [verdict] = organization_verdicts(
        organization(ACCOUNT),
        [metric_filter("4.15", ORGANIZATIONS_PATTERN)],
        [alarm_on("4.15")],
    )

    assert verdict.status is Status.PASS
    assert verdict.resource.id == "cis-4.15-organizations-changes"
    assert verdict.message == (
        "AWS Organizations changes (CIS 4.15) are counted by metric filter cis-4.15 on log group "
        "/org/cloudtrail, and alarm cis-4.15-alarm notifies an SNS topic."
    )


def test_management_account_without_the_organizations_filter_fails() -> None:
    partial = ORGANIZATIONS_PATTERN.replace('|| ($.eventName = "MoveAccount") ', "")

    [missing] = organization_verdicts(organization(ACCOUNT), [], [])
    [near] = organization_verdicts(
        organization(ACCOUNT), [metric_filter("4.15", partial)], [alarm_on("4.15")]
    )

    assert missing.status is Status.FAIL
    assert missing.message == (
        "AWS Organizations changes (CIS 4.15) raise no alarm that notifies an SNS topic: no "
        "metric filter on /org/cloudtrail matches the benchmark's pattern."
    )
    assert near.status is Status.FAIL
    assert "lacks eventName = MoveAccount" in near.message


def test_organization_changes_are_not_judged_outside_the_management_account() -> None:
    member = organization(OTHER_MANAGEMENT)
    alone = global_scope(organizations_organization=Organization(in_organization=False))

    assert organization_verdicts(member, [], []) == []
    assert organization_verdicts(alone, [], []) == []


def test_organization_changes_error_when_the_organization_cannot_be_read() -> None:
    denied_org = global_scope(
        organizations_organization=dataset_denied(
            "organizations", "DescribeOrganization", region=GLOBAL_REGION
        )
    )

    [finding] = engine_findings(
        cloudwatch_organizations_changes_alarmed,
        monitoring([audit_trail()], [], []),
        account=denied_org,
    )
    [still_judged] = [
        f
        for f in engine_findings(
            cloudwatch_security_events_alarmed,
            monitoring([audit_trail()], [], []),
            account=denied_org,
        )
        if f.resource.id == "cis-4.1-unauthorized-api-calls"
    ]

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeOrganization"
    assert still_judged.status is Status.FAIL
