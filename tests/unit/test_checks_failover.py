"""Failover breadth: Aurora readers outside the writer's zone, ElastiCache Multi-AZ, stream
triggers that bound their retries or keep failed records."""

from __future__ import annotations

from conftest import (
    REGION,
    aurora_member,
    by_resource,
    dataset_denied,
    db_cluster,
    engine_findings,
    run_check,
    scope_snapshot,
)
from test_checks_elasticache import replication_group

from auditor.findings import Status
from auditor.models import EventSourceMapping
from checks.awslambda import lambda_event_source_mapping_failure_handling
from checks.elasticache import elasticache_replication_group_multi_az
from checks.rds import rds_cluster_reader_in_other_az

A, B = f"{REGION}a", f"{REGION}b"


# --- rds_cluster_reader_in_other_az ------------------------------------------------------------


def test_reader_in_another_zone_passes_and_same_zone_or_none_fails() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[
            db_cluster("spread", ["spread-1", "spread-2"]),
            db_cluster("huddled", ["huddled-1", "huddled-2"]),
            db_cluster("alone", ["alone-1"]),
        ],
        rds_db_instances=[
            aurora_member("spread-1", "spread", A),
            aurora_member("spread-2", "spread", B),
            aurora_member("huddled-1", "huddled", A),
            aurora_member("huddled-2", "huddled", A),
            aurora_member("alone-1", "alone", B),
        ],
    )

    verdicts = by_resource(run_check(rds_cluster_reader_in_other_az, snapshot))

    assert verdicts["spread"].status is Status.PASS
    assert verdicts["spread"].message == (
        "Aurora DB cluster spread has reader spread-2 outside the writer's zone (eu-west-1a)."
    )
    assert verdicts["spread"].evidence["reader_availability_zones"] == {"spread-2": B}
    assert verdicts["huddled"].status is Status.FAIL
    assert "readers only in the writer's zone" in verdicts["huddled"].message
    assert verdicts["alone"].status is Status.FAIL
    assert verdicts["alone"].message == (
        "Aurora DB cluster alone has no reader to fail over to (eu-west-1b)."
    )


def test_writer_whose_instance_is_unknown_is_an_error_not_a_guess() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("ghost", ["ghost-1", "ghost-2"])],
        rds_db_instances=[aurora_member("ghost-2", "ghost", B)],
    )

    [verdict] = run_check(rds_cluster_reader_in_other_az, snapshot)

    assert verdict.status is Status.ERROR
    assert verdict.error is not None
    assert (verdict.error.operation, verdict.error.resource_id) == (
        "DescribeDBInstances",
        "ghost-1",
    )


def test_non_aurora_and_instance_less_clusters_are_not_judged() -> None:
    multi_az_cluster = db_cluster("maz", ["maz-1"]).model_copy(update={"engine": "postgres"})
    serverless = db_cluster("sls", [])

    assert (
        run_check(
            rds_cluster_reader_in_other_az,
            scope_snapshot(rds_db_clusters=[multi_az_cluster, serverless], rds_db_instances=[]),
        )
        == []
    )


def test_reader_check_errors_when_instances_cannot_be_listed() -> None:
    snapshot = scope_snapshot(
        rds_db_clusters=[db_cluster("spread", ["spread-1", "spread-2"])],
        rds_db_instances=dataset_denied("rds", "DescribeDBInstances"),
    )

    [finding] = engine_findings(rds_cluster_reader_in_other_az, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeDBInstances"


# --- elasticache_replication_group_multi_az ----------------------------------------------------


def test_multi_az_group_passes_and_single_zone_group_fails() -> None:
    spread = replication_group("sessions", multi_az="enabled", member_clusters=["s-1", "s-2"])
    single = replication_group("limits", multi_az="disabled", member_clusters=["l-1"])

    verdicts = by_resource(
        run_check(
            elasticache_replication_group_multi_az,
            scope_snapshot(elasticache_replication_groups=[spread, single]),
        )
    )

    assert verdicts["sessions"].status is Status.PASS
    assert verdicts["sessions"].message == "ElastiCache replication group sessions runs Multi-AZ."
    assert verdicts["limits"].status is Status.FAIL
    assert verdicts["limits"].message == (
        "ElastiCache replication group limits does not run Multi-AZ (Multi-AZ disabled)."
    )
    assert verdicts["limits"].evidence == {"multi_az": "disabled", "member_clusters": ["l-1"]}


def test_multi_az_errors_when_groups_cannot_be_listed() -> None:
    snapshot = scope_snapshot(
        elasticache_replication_groups=dataset_denied("elasticache", "DescribeReplicationGroups")
    )

    [finding] = engine_findings(elasticache_replication_group_multi_az, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "DescribeReplicationGroups"


# --- lambda_event_source_mapping_failure_handling ----------------------------------------------

_STREAM = f"arn:aws:dynamodb:{REGION}:123456789012:table/progress/stream/2026-01-01T00:00:00.000"
_KINESIS = f"arn:aws:kinesis:{REGION}:123456789012:stream/lesson-events"
_QUEUE = f"arn:aws:sqs:{REGION}:123456789012:jobs"
_FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:leaderboard"


def _mapping(uuid: str, source: str, **fields: object) -> EventSourceMapping:
    return EventSourceMapping(
        uuid=uuid, event_source_arn=source, function_arn=_FUNCTION, state="Enabled", **fields
    )


def test_stream_trigger_with_destination_or_retry_limit_passes_and_defaults_fail() -> None:
    mappings = [
        _mapping("kept", _KINESIS, on_failure_destination=f"arn:aws:sns:{REGION}:1:ops"),
        _mapping("bounded", _STREAM, maximum_retry_attempts=3, bisect_batch_on_function_error=True),
        _mapping("aged", _STREAM, maximum_record_age_in_seconds=3600),
        _mapping("forever", _STREAM),
        _mapping("queue", _QUEUE),  # a queue's failures are its dead-letter queue's business
    ]

    verdicts = by_resource(
        run_check(
            lambda_event_source_mapping_failure_handling,
            scope_snapshot(lambda_event_source_mappings=mappings),
        )
    )

    assert set(verdicts) == {"kept", "bounded", "aged", "forever"}
    assert verdicts["kept"].status is Status.PASS
    assert "sends failed batches to arn:aws:sns" in verdicts["kept"].message
    assert verdicts["bounded"].status is Status.PASS
    assert verdicts["bounded"].evidence["maximum_retry_attempts"] == 3
    assert verdicts["aged"].status is Status.PASS
    assert verdicts["forever"].status is Status.FAIL
    assert verdicts["forever"].message == (
        "The trigger of leaderboard on table/progress/stream/2026-01-01T00:00:00.000 retries a "
        "failing batch until its records expire, keeping none of them."
    )


def test_stream_trigger_check_errors_when_mappings_cannot_be_listed() -> None:
    snapshot = scope_snapshot(
        lambda_event_source_mappings=dataset_denied("lambda", "ListEventSourceMappings")
    )

    [finding] = engine_findings(lambda_event_source_mapping_failure_handling, snapshot)

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "ListEventSourceMappings"
