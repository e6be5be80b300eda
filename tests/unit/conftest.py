"""Helpers for the pure check tests: hand-built snapshot models, and running one check on them.

Test modules import these directly (`from conftest import ...`); nothing here touches AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from auditor.checkapi import Check, Scope, Verdict
from auditor.engine import Evaluation
from auditor.findings import Finding
from auditor.models import (
    GLOBAL_REGION,
    CollectionError,
    DBCluster,
    DBClusterMember,
    DBInstance,
    DynamoDBTable,
    GlobalSecondaryIndex,
    IAMAuthorizationDetails,
    IAMPrincipal,
    InlinePolicy,
    LifecycleRule,
    ManagedPolicy,
    MetricAlarm,
    PointInTimeRecovery,
    S3Bucket,
    ScalableTarget,
    ScalingPolicy,
    ScopeSnapshot,
    Snapshot,
    TimeToLive,
)

ACCOUNT = "123456789012"
REGION = "eu-west-1"
SNS_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:oncall-pager"
# What target tracking puts on the alarms it creates: a scaling policy, not a person.
SCALING_POLICY_ACTION = (
    f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:scalingPolicy:0a1b2c3d-4e5f-6789-abcd-"
    "ef0123456789:resource/dynamodb/table/orders:policyName/orders-read-scaling"
)


# --- Running a check ---------------------------------------------------------------------------


def scope_snapshot(region: str = REGION, **datasets: Any) -> ScopeSnapshot:
    """One (account, region) of a snapshot holding the given datasets."""
    return ScopeSnapshot(account_id=ACCOUNT, region=region, **datasets)


def global_scope(**datasets: Any) -> ScopeSnapshot:
    return scope_snapshot(GLOBAL_REGION, **datasets)


def run_check(
    check: Check,
    snapshot: ScopeSnapshot,
    *,
    account: ScopeSnapshot | None = None,
    **parameters: Any,
) -> list[Verdict]:
    """Run a check as the engine does (`account`: the account's global scope, `parameters`:
    overrides of the check's defaults); every verdict's evidence must be JSON."""
    configured = check.configure(parameters)
    verdicts = list(check.run(Scope(snapshot, check.metadata.datasets, configured, account)))
    for verdict in verdicts:
        json.dumps(dict(verdict.evidence))
    return verdicts


def only_verdict(check: Check, snapshot: ScopeSnapshot) -> Verdict:
    verdicts = run_check(check, snapshot)
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


def by_resource(verdicts: Iterable[Verdict]) -> dict[str, Verdict]:
    return {verdict.resource.id: verdict for verdict in verdicts}


def denied(service: str, operation: str, resource_id: str, region: str = REGION) -> CollectionError:
    """A per-resource read that AWS refused."""
    return CollectionError(
        account_id=ACCOUNT,
        region=region,
        service=service,
        operation=operation,
        error_code="AccessDeniedException",
        message=f"User is not authorized to perform {operation}",
        resource_id=resource_id,
    )


# --- RDS ---------------------------------------------------------------------------------------


def db_instance(
    identifier: str,
    *,
    multi_az: bool = False,
    availability_zone: str | None = f"{REGION}a",
    **fields: Any,
) -> DBInstance:
    return DBInstance(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{identifier}",
        identifier=identifier,
        engine=fields.pop("engine", "postgres"),
        multi_az=multi_az,
        availability_zone=availability_zone,
        **fields,
    )


def db_cluster(identifier: str, members: Sequence[str], *, multi_az: bool = False) -> DBCluster:
    return DBCluster(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{identifier}",
        identifier=identifier,
        engine="aurora-postgresql",
        multi_az=multi_az,
        members=[
            DBClusterMember(instance_identifier=member, is_writer=index == 0)
            for index, member in enumerate(members)
        ],
    )


def aurora_member(identifier: str, cluster: str, availability_zone: str) -> DBInstance:
    return db_instance(
        identifier,
        availability_zone=availability_zone,
        engine="aurora-postgresql",
        cluster_identifier=cluster,
    )


# --- DynamoDB ----------------------------------------------------------------------------------


def scalable_target(
    resource_id: str, dimension: str, *, with_policy: bool = True
) -> ScalableTarget:
    policies = [ScalingPolicy(name=f"{resource_id}-scaling", policy_type="TargetTrackingScaling")]
    return ScalableTarget(
        resource_id=resource_id,
        scalable_dimension=dimension,
        min_capacity=5,
        max_capacity=100,
        policies=policies if with_policy else [],
    )


def scaling_for(table: str, indexes: Sequence[str] = ()) -> list[ScalableTarget]:
    """Read and write targets, each with a policy, on the table and each index."""
    targets = [
        scalable_target(f"table/{table}", f"dynamodb:table:{kind}CapacityUnits")
        for kind in ("Read", "Write")
    ]
    for index in indexes:
        targets += [
            scalable_target(f"table/{table}/index/{index}", f"dynamodb:index:{kind}CapacityUnits")
            for kind in ("Read", "Write")
        ]
    return targets


def dynamodb_table(
    name: str,
    *,
    billing_mode: str = "PROVISIONED",
    indexes: Sequence[str] = (),
    scalable_targets: list[ScalableTarget] | CollectionError | None = None,
    ttl: TimeToLive | CollectionError | None = None,
    pitr: PointInTimeRecovery | CollectionError | None = None,
) -> DynamoDBTable:
    """A table that passes every DynamoDB check unless told otherwise."""
    return DynamoDBTable(
        arn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}",
        name=name,
        billing_mode=billing_mode,
        global_secondary_indexes=[GlobalSecondaryIndex(name=index) for index in indexes],
        ttl=ttl or TimeToLive(status="ENABLED", attribute_name="expires_at"),
        point_in_time_recovery=pitr or PointInTimeRecovery(status="ENABLED"),
        scalable_targets=scaling_for(name, indexes)
        if scalable_targets is None
        else scalable_targets,
    )


# --- CloudWatch --------------------------------------------------------------------------------


def metric_alarm(
    name: str,
    *,
    namespace: str | None = "AWS/RDS",
    dimensions: list[dict[str, str]] | None = None,
    actions_enabled: bool = True,
    alarm_actions: Sequence[str] = (SNS_TOPIC,),
) -> MetricAlarm:
    return MetricAlarm(
        arn=f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{name}",
        name=name,
        namespace=namespace,
        metric_name="CPUUtilization",
        dimensions=dimensions if dimensions is not None else [],
        actions_enabled=actions_enabled,
        alarm_actions=list(alarm_actions),
    )


# --- S3 ----------------------------------------------------------------------------------------


def s3_bucket(
    name: str,
    rules: list[LifecycleRule] | CollectionError,
    *,
    region: str = REGION,
) -> S3Bucket:
    return S3Bucket(arn=f"arn:aws:s3:::{name}", name=name, region=region, lifecycle_rules=rules)


def lifecycle_rule(rule_id: str, status: str = "Enabled") -> LifecycleRule:
    return LifecycleRule(id=rule_id, status=status, expiration_days=365)


# --- IAM ---------------------------------------------------------------------------------------


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """An Allow statement; `extra` adds or overrides elements (Sid, Condition, NotResource…)."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def policy(*statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def managed_policy(name: str, document: Any, *, attachments: int = 1) -> ManagedPolicy:
    return ManagedPolicy(
        arn=f"arn:aws:iam::{ACCOUNT}:policy/{name}",
        name=name,
        default_version_id="v3",
        default_document=document,
        attachment_count=attachments,
    )


def principal(kind: str, name: str, **inline: Any) -> IAMPrincipal:
    """A user, group or role with the given inline policies (policy name -> document)."""
    return IAMPrincipal(
        kind=kind,
        arn=f"arn:aws:iam::{ACCOUNT}:{kind}/{name}",
        name=name,
        inline_policies=[InlinePolicy(name=n, document=d) for n, d in inline.items()],
    )


def iam_scope(*policies: ManagedPolicy, principals: Sequence[IAMPrincipal] = ()) -> ScopeSnapshot:
    """The global scope holding these customer-managed policies and principals."""
    return global_scope(
        iam_authorization_details=IAMAuthorizationDetails(
            users=[p for p in principals if p.kind == "user"],
            groups=[p for p in principals if p.kind == "group"],
            roles=[p for p in principals if p.kind == "role"],
            policies=list(policies),
        )
    )


# --- Through the engine ------------------------------------------------------------------------


def dataset_denied(service: str, operation: str, region: str = REGION) -> CollectionError:
    """A dataset-wide read that AWS refused (no resource id)."""
    return CollectionError(
        account_id=ACCOUNT,
        region=region,
        service=service,
        operation=operation,
        error_code="AccessDenied",
        message=f"User is not authorized to perform {operation}",
    )


def engine_findings(
    check: Check, snapshot: ScopeSnapshot, *, account: ScopeSnapshot | None = None
) -> list[Finding]:
    """Findings of one check as the engine makes them (dataset errors become ERROR findings)."""
    scopes = [snapshot, *([account] if account is not None else [])]
    whole = Snapshot(
        tool_version="test",
        collected_at=datetime(2026, 1, 1, tzinfo=UTC),
        accounts=[ACCOUNT],
        regions=sorted({s.region for s in scopes}),
        scopes=scopes,
    )
    return Evaluation(whole, [check]).findings
