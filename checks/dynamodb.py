"""DynamoDB checks: tables scale with demand, expire old items, can be restored, and are watched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase

from pydantic import Field, JsonValue

from auditor.checkapi import CheckParameters, Scope, Verdict, check, failed, passed, unreadable
from auditor.datasets import (
    CLOUDWATCH_METRIC_ALARMS,
    DYNAMODB_TABLE_USAGE,
    DYNAMODB_TABLES,
    LAMBDA_EVENT_SOURCE_MAPPINGS,
)
from auditor.findings import Remediation, ResourceRef, Severity, Status
from auditor.models import CollectionError, DynamoDBTable, ScalableTarget, TableUsage
from checks.cloudwatch import ALARMS_GUIDE, alarm_coverage, alarm_remediation
from checks.verdicts import not_collected

_TABLE_TYPE = "AWS::DynamoDB::Table"
_DYNAMODB_CONTROLS = (
    "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html"
)
_GUIDE = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide"


def _table_ref(table: DynamoDBTable) -> ResourceRef:
    return ResourceRef(arn=table.arn, id=table.name, type=_TABLE_TYPE)


def _what_cannot_scale(table: DynamoDBTable, targets: list[ScalableTarget]) -> Iterator[str]:
    """Each missing read/write scalable target or policy on the table and its indexes."""
    parts = [("table", f"table/{table.name}", "table")] + [
        (f"index {index.name}", f"table/{table.name}/index/{index.name}", "index")
        for index in table.global_secondary_indexes
    ]
    for label, resource_id, level in parts:
        for capacity in ("read", "write"):
            dimension = f"dynamodb:{level}:{capacity.capitalize()}CapacityUnits"
            target = next(
                (
                    t
                    for t in targets
                    if t.resource_id == resource_id and t.scalable_dimension == dimension
                ),
                None,
            )
            if target is None:
                yield f"{label}: no {capacity} scalable target"
            elif not target.policies:
                # A registered target with no policy never changes capacity.
                yield f"{label}: no {capacity} scaling policy"


# MEDIUM, as Security Hub rates DynamoDB.1: a table that cannot scale throttles requests under
# load (an availability problem, not a data exposure).
@check(
    id="dynamodb_table_autoscaling",
    title="DynamoDB tables scale read and write capacity with demand",
    service="dynamodb",
    severity=Severity.MEDIUM,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    rationale=(
        "Study materials (Databases, the Duolingo DynamoDB case study: "
        "'Auto Scaling 활성화'): a table absorbs traffic spikes by running on-demand, "
        "or provisioned with auto scaling on the "
        "table and every global secondary index, so requests are not throttled."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > select the table > Additional settings > Read/write "
            "capacity > Edit > choose On-demand, or keep Provisioned and turn Auto scaling on "
            "for read and write capacity, for the table and each global secondary index > "
            "Save changes."
        ),
        cli=(
            "aws dynamodb update-table --table-name <table> --billing-mode PAY_PER_REQUEST   "
            "# or, for each of table/<table> and table/<table>/index/<index>, and each of "
            "Read/WriteCapacityUnits: aws application-autoscaling register-scalable-target "
            "--service-namespace dynamodb --resource-id table/<table> --scalable-dimension "
            "dynamodb:table:ReadCapacityUnits --min-capacity 5 --max-capacity 100 && aws "
            "application-autoscaling put-scaling-policy --service-namespace dynamodb "
            "--resource-id table/<table> --scalable-dimension dynamodb:table:ReadCapacityUnits "
            "--policy-name <table>-read-scaling --policy-type TargetTrackingScaling "
            '--target-tracking-scaling-policy-configuration \'{"TargetValue": 70.0, '
            '"PredefinedMetricSpecification": {"PredefinedMetricType": '
            '"DynamoDBReadCapacityUtilization"}}\''
        ),
        terraform=(
            'aws_dynamodb_table: billing_mode = "PAY_PER_REQUEST"; or, per table and index and '
            'per read/write dimension, aws_appautoscaling_target (service_namespace = "dynamodb", '
            'resource_id = "table/<table>", scalable_dimension = '
            '"dynamodb:table:ReadCapacityUnits") with an aws_appautoscaling_policy '
            '(policy_type = "TargetTrackingScaling")'
        ),
    ),
    references=[
        f"{_DYNAMODB_CONTROLS}#dynamodb-1",
        f"{_GUIDE}/AutoScaling.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-autoscaling-enabled.html",
    ],
    compliance={
        "fsbp": ["DynamoDB.1"],
        "wa-rel": ["REL07-BP01", "REL07-BP03"],
        "wa-cost": ["COST09-BP03"],
    },
)
def dynamodb_table_autoscaling(scope: Scope) -> Iterable[Verdict]:
    """On-demand passes whatever its scalable targets hold (they could not matter); a
    provisioned table needs read and write targets, each with a policy, on itself and every
    global secondary index."""
    for table in scope.get(DYNAMODB_TABLES):
        ref = _table_ref(table)
        indexes: list[JsonValue] = [index.name for index in table.global_secondary_indexes]
        missing: list[str] = []
        if table.billing_mode == "PAY_PER_REQUEST":
            message = f"DynamoDB table {table.name} uses on-demand capacity, which scales itself."
        elif isinstance(table.scalable_targets, CollectionError):
            yield unreadable(ref, table.scalable_targets)
            continue
        else:
            missing = list(_what_cannot_scale(table, table.scalable_targets))
            message = (
                f"Provisioned DynamoDB table {table.name} cannot scale: {'; '.join(missing)}."
                if missing
                else f"Provisioned DynamoDB table {table.name} auto scales read and write "
                f"capacity on the table and its {len(indexes)} global secondary index(es)."
            )
        yield (failed if missing else passed)(
            ref,
            message,
            billing_mode=table.billing_mode,
            indexes=indexes,
            missing=list[JsonValue](missing),
        )


# LOW: without TTL, expired items cost storage and read capacity; nothing is exposed or lost.
@check(
    id="dynamodb_table_ttl_enabled",
    title="DynamoDB tables expire items with Time to Live",
    service="dynamodb",
    severity=Severity.LOW,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    rationale=(
        "Study materials (Databases, the AWS Database notes' cost table: "
        "'ttl: 자동 데이터 만료'): Time to Live deletes expired items at no cost, so "
        "sessions, tokens and events do not pile up in "
        "storage and in every scan."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > select the table > Additional settings > Time to Live "
            "(TTL) > Turn on > enter the attribute that holds each item's expiry time (epoch "
            "seconds) > Turn on TTL."
        ),
        cli=(
            "aws dynamodb update-time-to-live --table-name <table> "
            "--time-to-live-specification Enabled=true,AttributeName=<expires_at>"
        ),
        terraform=(
            'aws_dynamodb_table: a ttl block with attribute_name = "<expires_at>" and '
            "enabled = true"
        ),
    ),
    references=[
        f"{_GUIDE}/TTL.html",
        "https://docs.aws.amazon.com/cli/latest/reference/dynamodb/update-time-to-live.html",
    ],
    compliance={"wa-cost": ["COST04-BP05"]},
)
def dynamodb_table_ttl_enabled(scope: Scope) -> Iterable[Verdict]:
    """ENABLED passes, and so does ENABLING: TTL is switched on and only propagating (AWS says
    up to an hour), so the owner has nothing left to do. DISABLED and DISABLING fail."""
    for table in scope.get(DYNAMODB_TABLES):
        ref = _table_ref(table)
        ttl = table.ttl
        if isinstance(ttl, CollectionError):
            yield unreadable(ref, ttl)
            continue
        if ttl.status == "ENABLED":
            verdict, state = passed, f"expires items by TTL on {ttl.attribute_name}"
        elif ttl.status == "ENABLING":
            verdict, state = passed, f"is turning TTL on for {ttl.attribute_name}"
        else:
            verdict, state = failed, f"does not expire items: TTL is {ttl.status}"
        yield verdict(
            ref,
            f"DynamoDB table {table.name} {state}.",
            status=ttl.status,
            attribute_name=ttl.attribute_name,
        )


# MEDIUM, as Security Hub rates DynamoDB.2: without PITR an accidental delete or bad write can
# be undone only from an on-demand backup, if one exists.
@check(
    id="dynamodb_table_pitr_enabled",
    title="DynamoDB tables have point-in-time recovery enabled",
    service="dynamodb",
    severity=Severity.MEDIUM,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    rationale=(
        "Study materials (Databases, the Duolingo DynamoDB case study's 'automatic backups'): "
        "point-in-time recovery lets a table be restored to any second of the recovery period after"
        " an accidental delete or a bad write."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > select the table > Backups > Point-in-time recovery "
            "(PITR) > Edit > Turn on point-in-time recovery > Save changes."
        ),
        cli=(
            "aws dynamodb update-continuous-backups --table-name <table> "
            "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"
        ),
        terraform="aws_dynamodb_table: point_in_time_recovery { enabled = true }",
    ),
    references=[
        f"{_DYNAMODB_CONTROLS}#dynamodb-2",
        f"{_GUIDE}/PointInTimeRecovery.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-pitr-enabled.html",
    ],
    compliance={"fsbp": ["DynamoDB.2"], "wa-rel": ["REL09-BP01", "REL09-BP03"]},
)
def dynamodb_table_pitr_enabled(scope: Scope) -> Iterable[Verdict]:
    for table in scope.get(DYNAMODB_TABLES):
        ref = _table_ref(table)
        pitr = table.point_in_time_recovery
        if isinstance(pitr, CollectionError):
            yield unreadable(ref, pitr)
            continue
        if pitr.status == "ENABLED":
            verdict = passed
            message = f"DynamoDB table {table.name} has point-in-time recovery enabled."
        else:
            verdict = failed
            message = f"DynamoDB table {table.name} has point-in-time recovery {pitr.status}."
        yield verdict(
            ref,
            message,
            status=pitr.status,
            recovery_period_days=pitr.recovery_period_days,
        )


# MEDIUM, like rds_instance_has_alarm: throttling and errors reach users before owners.
@check(
    id="dynamodb_table_has_alarm",
    title="DynamoDB tables have a CloudWatch alarm that notifies someone",
    service="dynamodb",
    severity=Severity.MEDIUM,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES, CLOUDWATCH_METRIC_ALARMS],
    rationale=(
        "Study materials (Monitoring, the Duolingo DynamoDB case study and the purpose-built "
        "databases talk): each table has a CloudWatch alarm, for example on throttled reads or "
        "writes, that reaches people through an SNS topic."
    ),
    remediation=alarm_remediation(
        console_metric="DynamoDB > Table Metrics",
        namespace="AWS/DynamoDB",
        metric="ReadThrottleEvents",
        dimension="TableName",
        placeholder="<table>",
        alarm_when=(
            "--statistic Sum --period 300 --evaluation-periods 1 --threshold 0 "
            "--comparison-operator GreaterThanThreshold"
        ),
    ),
    references=[ALARMS_GUIDE, f"{_GUIDE}/monitoring-cloudwatch.html"],
    compliance={"wa-rel": ["REL06-BP03", "REL11-BP01"]},
)
def dynamodb_table_has_alarm(scope: Scope) -> Iterable[Verdict]:
    alarms = scope.get(CLOUDWATCH_METRIC_ALARMS)
    for table in scope.get(DYNAMODB_TABLES):
        yield alarm_coverage(
            _table_ref(table),
            f"DynamoDB table {table.name}",
            alarms,
            namespace="AWS/DynamoDB",
            dimension="TableName",
            value=table.name,
        )


# MEDIUM, as Security Hub rates DynamoDB.6: a deleted table is gone with its items; PITR
# restores it only as a new table, and only where PITR was on.
@check(
    id="dynamodb_table_deletion_protection",
    title="DynamoDB tables have deletion protection enabled",
    service="dynamodb",
    severity=Severity.MEDIUM,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    rationale=(
        "Study materials (Databases, the Duolingo DynamoDB case study on protecting production "
        "tables): deletion protection makes DeleteTable fail until someone turns it off on "
        "purpose, so a mistaken script, console click or stack teardown cannot drop a table."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > select the table > Additional settings > Deletion "
            "protection > Turn on > Confirm."
        ),
        cli="aws dynamodb update-table --table-name <table> --deletion-protection-enabled",
        terraform="aws_dynamodb_table: deletion_protection_enabled = true",
    ),
    references=[
        f"{_DYNAMODB_CONTROLS}#dynamodb-6",
        "https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-deletion-protection-enabled.html",
        f"{_GUIDE}/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection",
    ],
    compliance={"fsbp": ["DynamoDB.6"]},
)
def dynamodb_table_deletion_protection(scope: Scope) -> Iterable[Verdict]:
    for table in scope.get(DYNAMODB_TABLES):
        if table.deletion_protection:
            verdict, state = passed, "has deletion protection enabled"
        else:
            verdict, state = failed, "can be deleted without first turning off deletion protection"
        yield verdict(
            _table_ref(table),
            f"DynamoDB table {table.name} {state}.",
            deletion_protection=table.deletion_protection,
        )


class TableClassPrices(CheckParameters):
    """Monthly list prices of the Standard class (us-east-1 by default) and how the
    Standard-Infrequent Access class differs from them."""

    storage_per_gb_month: float = Field(default=0.25, gt=0)
    read_capacity_unit_hour: float = Field(default=0.00013, gt=0)
    write_capacity_unit_hour: float = Field(default=0.00065, gt=0)
    # The study materials' figure: "IA 클래스로 60% 절감" (storage 60% cheaper).
    ia_storage_discount_percent: float = Field(default=60.0, gt=0, lt=100)
    # Reads and writes cost 25% more on Standard-IA.
    ia_throughput_premium_percent: float = Field(default=25.0, ge=0)
    # Below this saving a switch is not worth a finding.
    minimum_saving_percent: float = Field(default=10.0, ge=0, lt=100)


_HOURS_PER_MONTH = 730
_STANDARD, _STANDARD_IA = "STANDARD", "STANDARD_INFREQUENT_ACCESS"


def _monthly_costs(table: DynamoDBTable, prices: TableClassPrices) -> dict[str, float]:
    """Estimated monthly storage + provisioned throughput cost of the table in each class."""
    reads, writes = table.provisioned_units
    throughput = _HOURS_PER_MONTH * (
        reads * prices.read_capacity_unit_hour + writes * prices.write_capacity_unit_hour
    )
    storage = table.size_bytes / 1024**3 * prices.storage_per_gb_month
    return {
        _STANDARD: storage + throughput,
        _STANDARD_IA: storage * (1 - prices.ia_storage_discount_percent / 100)
        + throughput * (1 + prices.ia_throughput_premium_percent / 100),
    }


# LOW: a cost finding, no risk to data or availability.
@check(
    id="dynamodb_table_class_fits_cost",
    title="Provisioned DynamoDB tables use the table class that costs less",
    service="dynamodb",
    severity=Severity.LOW,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    parameters=TableClassPrices,
    rationale=(
        "Study materials (Databases, the AWS Database notes' cost table: 'table_class: IA "
        "클래스로 60% 절감'): the Standard-Infrequent Access class stores data 60% cheaper and "
        "charges 25% more for reads and writes, so a large, rarely used table costs much less "
        "on it, and a small busy one more. The check estimates both classes' monthly cost from "
        "the table's size and provisioned capacity (table and indexes) at list prices "
        "(parameters) and fails when the other class would save at least the minimum saving. "
        "On-demand tables are not judged: their request cost needs CloudWatch usage metrics. "
        "No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > select the table > Actions > Update table class > "
            "choose DynamoDB Standard-IA (or Standard) > Save changes."
        ),
        cli=(
            "aws dynamodb update-table --table-name <table> "
            "--table-class STANDARD_INFREQUENT_ACCESS"
        ),
        terraform='aws_dynamodb_table: table_class = "STANDARD_INFREQUENT_ACCESS"',
    ),
    references=[
        f"{_GUIDE}/HowItWorks.TableClasses.html",
        f"{_GUIDE}/CostOptimization_TableClass.html",
    ],
    compliance={"wa-cost": ["COST06-BP02"]},
)
def dynamodb_table_class_fits_cost(scope: Scope) -> Iterable[Verdict]:
    """TableSizeBytes is refreshed by AWS about every six hours: good enough for a monthly
    cost estimate."""
    prices = scope.parameters(TableClassPrices)
    for table in scope.get(DYNAMODB_TABLES):
        if table.billing_mode != "PROVISIONED":
            continue
        costs = _monthly_costs(table, prices)
        current = table.table_class if table.table_class in costs else _STANDARD
        other = _STANDARD_IA if current == _STANDARD else _STANDARD
        saving = costs[current] - costs[other]
        percent = 100 * saving / costs[current] if costs[current] else 0.0
        evidence: dict[str, JsonValue] = {
            "table_class": table.table_class,
            "size_gb": round(table.size_bytes / 1024**3, 2),
            "monthly_cost_standard": round(costs[_STANDARD], 2),
            "monthly_cost_standard_ia": round(costs[_STANDARD_IA], 2),
        }
        ref = _table_ref(table)
        if percent >= prices.minimum_saving_percent:
            message = (
                f"DynamoDB table {table.name} would cost about {percent:.0f}% less on "
                f"{other} (≈${costs[other]:.2f} instead of ≈${costs[current]:.2f} a month)."
            )
            yield Verdict(Status.FAIL, ref, message, evidence)
        else:
            message = (
                f"DynamoDB table {table.name} is on the cheaper class for its size and "
                f"capacity ({current}, ≈${costs[current]:.2f} a month)."
            )
            yield Verdict(Status.PASS, ref, message, evidence)


# Mapping states in which the trigger reads (or is about to read) its stream.
_READING_STATES = frozenset({"Creating", "Enabling", "Enabled", "Updating"})


# INFORMATIONAL: waste and a missed intent, not a risk.
@check(
    id="dynamodb_stream_has_consumer",
    title="DynamoDB streams have a consumer",
    service="dynamodb",
    severity=Severity.INFORMATIONAL,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES, LAMBDA_EVENT_SOURCE_MAPPINGS],
    rationale=(
        "Study materials (Databases, the DynamoDB notes: Streams feed real-time processing such "
        "as leaderboards and analytics): a stream nobody reads costs read capacity nowhere but "
        "still signals a pipeline that was meant to exist, and its records expire after 24 "
        "hours. The check looks for a Lambda trigger (event source mapping) on the table's "
        "current stream that is enabled; a consumer outside Lambda (a Kinesis Client Library "
        "application, an EventBridge Pipe) is not visible here, so the finding says so. Tables "
        "without a stream are not judged. No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "Lambda console > the consuming function > Add trigger > DynamoDB > the table > "
            "Add; or, if nothing should read it, DynamoDB console > the table > Exports and "
            "streams > DynamoDB stream details > Turn off."
        ),
        cli=(
            "aws lambda create-event-source-mapping --function-name <function> "
            "--event-source-arn <latest-stream-arn> --starting-position LATEST; or aws "
            "dynamodb update-table --table-name <table> --stream-specification "
            "StreamEnabled=false"
        ),
        terraform=(
            "aws_lambda_event_source_mapping with event_source_arn = "
            "aws_dynamodb_table.<table>.stream_arn; or stream_enabled = false on the table"
        ),
    ),
    references=[
        f"{_GUIDE}/Streams.html",
        f"{_GUIDE}/Streams.Lambda.html",
    ],
)
def dynamodb_stream_has_consumer(scope: Scope) -> Iterable[Verdict]:
    mappings = scope.get(LAMBDA_EVENT_SOURCE_MAPPINGS)
    for table in scope.get(DYNAMODB_TABLES):
        if not table.stream_enabled:
            continue
        stream = table.latest_stream_arn or f"{table.arn}/stream/"
        triggers = [
            m for m in mappings if m.event_source_arn and m.event_source_arn.startswith(stream)
        ]
        reading = sorted(m.function_arn or m.uuid for m in triggers if m.state in _READING_STATES)
        idle = sorted(
            f"{m.function_arn or m.uuid} ({m.state})"
            for m in triggers
            if m.state not in _READING_STATES
        )
        evidence: dict[str, JsonValue] = {
            "stream_arn": table.latest_stream_arn,
            "reading_triggers": list[JsonValue](reading),
            "idle_triggers": list[JsonValue](idle),
        }
        ref = _table_ref(table)
        if reading:
            message = f"DynamoDB table {table.name}'s stream is read by {', '.join(reading)}."
            yield Verdict(Status.PASS, ref, message, evidence)
            continue
        idle_note = f" (its triggers are not running: {', '.join(idle)})" if idle else ""
        message = (
            f"DynamoDB table {table.name} has a stream that no enabled Lambda trigger reads"
            f"{idle_note}; a consumer outside Lambda would not show here."
        )
        yield Verdict(Status.FAIL, ref, message, evidence)


class GlobalTables(CheckParameters):
    global_tables: list[str] = Field(
        default_factory=list,
        description="Names (shell-style globs) of tables your users reach from several regions: "
        "each must have a replica in another region. Tables already replicated are judged "
        "either way.",
    )


_CURRENT_GLOBAL_TABLES = "2019.11.21"
# Replica states in which the replica takes no traffic until someone acts.
_BROKEN_REPLICA = frozenset(
    {"REGION_DISABLED", "INACCESSIBLE_ENCRYPTION_CREDENTIALS", "ARCHIVING", "ARCHIVED"}
)


# MEDIUM: users far from the one region get slow reads and lose the app when it is down.
@check(
    id="dynamodb_table_global_replicas",
    title="Global DynamoDB tables have healthy replicas in other regions",
    service="dynamodb",
    severity=Severity.MEDIUM,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES],
    parameters=GlobalTables,
    rationale=(
        "Study materials (Databases, the DynamoDB notes and the Duolingo case: Global Tables "
        "serve users everywhere with local reads and writes and survive a regional outage): a "
        "table meant for global users needs a replica in another region, on global tables "
        "version 2019.11.21 (the legacy 2017.11.29 version lists no replicas in DescribeTable "
        "and should be upgraded), and every replica usable. Tables named in global_tables and "
        "tables that already have replicas are judged; others are not. No FSBP or CIS control "
        "covers this."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > the table > Global tables > Create replica > choose "
            "the region > Create replica (a legacy 2017.11.29 table: Update version first)."
        ),
        cli=(
            "aws dynamodb update-table --table-name <table> --replica-updates "
            '\'[{"Create": {"RegionName": "<other-region>"}}]\''
        ),
        terraform='aws_dynamodb_table: a replica { region_name = "<other-region>" } block',
    ),
    references=[
        f"{_GUIDE}/GlobalTables.html",
        f"{_GUIDE}/V2globaltables_versions.html",
    ],
    compliance={"wa-rel": ["REL10-BP01", "REL13-BP02"]},
)
def dynamodb_table_global_replicas(scope: Scope) -> Iterable[Verdict]:
    declared = scope.parameters(GlobalTables).global_tables
    for table in scope.get(DYNAMODB_TABLES):
        wanted = any(fnmatchcase(table.name, pattern) for pattern in declared)
        if not table.replicas and not wanted:
            continue
        others = [r for r in table.replicas if r.region != scope.region]
        broken = [f"{r.region} ({r.status})" for r in others if r.status in _BROKEN_REPLICA]
        evidence: dict[str, JsonValue] = {
            "global_table_version": table.global_table_version,
            "replicas": {r.region: r.status for r in table.replicas},
            "declared_global": wanted,
        }
        ref = _table_ref(table)
        if not others:
            message = (
                f"DynamoDB table {table.name} is meant to be global but has no replica outside "
                f"{scope.region} (a legacy 2017.11.29 global table also looks like this)."
            )
            yield Verdict(Status.FAIL, ref, message, evidence)
        elif broken:
            message = f"DynamoDB table {table.name} has unusable replicas: {', '.join(broken)}."
            yield Verdict(Status.FAIL, ref, message, evidence)
        elif table.global_table_version not in (None, _CURRENT_GLOBAL_TABLES):
            message = (
                f"DynamoDB table {table.name} replicates with global tables version "
                f"{table.global_table_version}, not {_CURRENT_GLOBAL_TABLES}."
            )
            yield Verdict(Status.FAIL, ref, message, evidence)
        else:
            regions = ", ".join(sorted(r.region for r in others))
            message = f"DynamoDB table {table.name} is replicated to {regions}."
            yield Verdict(Status.PASS, ref, message, evidence)


class CapacityModePrices(CheckParameters):
    """List prices (us-east-1 by default) and how much saving makes a finding."""

    read_request_units_per_million: float = Field(default=0.125, gt=0)
    write_request_units_per_million: float = Field(default=0.625, gt=0)
    read_capacity_unit_hour: float = Field(default=0.00013, gt=0)
    write_capacity_unit_hour: float = Field(default=0.00065, gt=0)
    # Provisioned capacity sized for the average at the auto-scaling target utilization.
    target_utilization_percent: float = Field(default=70.0, gt=0, le=100)
    minimum_saving_percent: float = Field(default=20.0, ge=0, lt=100)
    minimum_monthly_saving: float = Field(default=5.0, ge=0)


_SECONDS_PER_MONTH = _HOURS_PER_MONTH * 3600


def _capacity_costs(
    table: DynamoDBTable, usage: TableUsage, prices: CapacityModePrices
) -> dict[str, float]:
    """Monthly estimates: on demand for the consumed units, provisioned as it is now, and
    provisioned sized for the average at the target utilization."""
    reads, writes = usage.reads_per_second, usage.writes_per_second
    on_demand = (
        _SECONDS_PER_MONTH
        / 1e6
        * (
            reads * prices.read_request_units_per_million
            + writes * prices.write_request_units_per_million
        )
    )

    def provisioned(read_units: float, write_units: float) -> float:
        return _HOURS_PER_MONTH * (
            read_units * prices.read_capacity_unit_hour
            + write_units * prices.write_capacity_unit_hour
        )

    target = prices.target_utilization_percent / 100
    current = provisioned(*table.provisioned_units)
    sized = provisioned(max(1.0, reads / target), max(1.0, writes / target))
    return {"on_demand": on_demand, "provisioned_now": current, "provisioned_sized": sized}


# INFORMATIONAL: a cost estimate from two weeks of averages, not a fault.
@check(
    id="dynamodb_table_capacity_mode_fits",
    title="DynamoDB tables use the capacity mode their traffic makes cheaper",
    service="dynamodb",
    severity=Severity.INFORMATIONAL,
    resource_type=_TABLE_TYPE,
    datasets=[DYNAMODB_TABLES, DYNAMODB_TABLE_USAGE],
    parameters=CapacityModePrices,
    rationale=(
        "Study materials (Databases, the AWS Database notes' cost table: "
        "'on_demand_vs_provisioned: 트래픽 패턴에 따라' — choose by the traffic pattern): "
        "provisioned capacity that sits idle costs more than paying per request, and steady "
        "traffic on demand costs more than capacity sized for it. From the last 14 days of "
        "consumed read and write units (CloudWatch), the check estimates each mode's monthly "
        "cost at list prices (parameters) and fails when the other mode would save at least "
        "the minimum share and amount. It uses averages: spiky traffic needs more provisioned "
        "headroom than the target utilization allows, so treat a finding as a prompt to look. "
        "No FSBP or CIS control covers this."
    ),
    remediation=Remediation(
        console=(
            "DynamoDB console > Tables > the table > Additional settings > Read/write capacity "
            "> Edit > On-demand, or Provisioned with auto scaling > Save changes."
        ),
        cli=(
            "aws dynamodb update-table --table-name <table> --billing-mode PAY_PER_REQUEST "
            "(or --billing-mode PROVISIONED --provisioned-throughput "
            "ReadCapacityUnits=<r>,WriteCapacityUnits=<w>)"
        ),
        terraform=(
            'aws_dynamodb_table: billing_mode = "PAY_PER_REQUEST", or "PROVISIONED" with '
            "read_capacity / write_capacity and aws_appautoscaling_target + policy"
        ),
    ),
    references=[
        f"{_GUIDE}/capacity-mode.html",
        f"{_GUIDE}/CostOptimization_TableCapacityMode.html",
    ],
    compliance={"wa-cost": ["COST07-BP01"]},
)
def dynamodb_table_capacity_mode_fits(scope: Scope) -> Iterable[Verdict]:
    prices = scope.parameters(CapacityModePrices)
    usage = {u.table_name: u for u in scope.get(DYNAMODB_TABLE_USAGE)}
    for table in scope.get(DYNAMODB_TABLES):
        used = usage.get(table.name)
        if used is None:
            # Listed after the usage was read (or by a snapshot without it): a gap, not a pass.
            missing = not_collected(scope, "cloudwatch", "GetMetricData", table.name)
            yield unreadable(_table_ref(table), missing)
            continue
        costs = _capacity_costs(table, used, prices)
        if table.billing_mode == "PROVISIONED":
            mode, now, other, cheaper = (
                "provisioned",
                costs["provisioned_now"],
                costs["on_demand"],
                "on-demand",
            )
        else:
            mode, now, other, cheaper = (
                "on-demand",
                costs["on_demand"],
                costs["provisioned_sized"],
                "provisioned capacity",
            )
        saving = now - other
        percent = 100 * saving / now if now else 0.0
        evidence: dict[str, JsonValue] = {
            "billing_mode": table.billing_mode,
            "days": used.days,
            "average_reads_per_second": round(used.reads_per_second, 2),
            "average_writes_per_second": round(used.writes_per_second, 2),
            **{f"monthly_{k}": round(v, 2) for k, v in costs.items()},
        }
        ref = _table_ref(table)
        if percent >= prices.minimum_saving_percent and saving >= prices.minimum_monthly_saving:
            message = (
                f"DynamoDB table {table.name} would cost about {percent:.0f}% less on "
                f"{cheaper} (≈${other:.2f} instead of ≈${now:.2f} a month, from "
                f"{used.days} days of traffic)."
            )
            yield Verdict(Status.FAIL, ref, message, evidence)
        else:
            message = (
                f"DynamoDB table {table.name}: {mode} mode fits its last {used.days} days of "
                f"traffic (≈${now:.2f} a month)."
            )
            yield Verdict(Status.PASS, ref, message, evidence)
