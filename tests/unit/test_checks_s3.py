"""The S3 checks on hand-built buckets, each judged in its own region, and the account's
Block Public Access settings."""

from __future__ import annotations

import json
from typing import Any

from conftest import (
    ACCOUNT,
    REGION,
    allow,
    by_resource,
    dataset_denied,
    denied,
    engine_findings,
    global_scope,
    lifecycle_rule,
    only_verdict,
    policy,
    run_check,
    s3_bucket,
)

from auditor.findings import Status
from auditor.models import (
    AccountPublicAccessBlock,
    BucketPolicy,
    BucketVersioning,
    DefaultEncryption,
    EncryptionRule,
    LifecycleRule,
    LifecycleTransition,
    PublicAccessBlock,
    S3Bucket,
)
from checks.s3 import (
    s3_account_public_access_block,
    s3_bucket_default_encryption,
    s3_bucket_lifecycle_configured,
    s3_bucket_lifecycle_tiering,
    s3_bucket_noncurrent_versions_expire,
    s3_bucket_public_access_block,
    s3_bucket_ssl_only,
    s3_bucket_versioning_enabled,
)


def test_bucket_with_an_enabled_rule_passes_in_its_own_region() -> None:
    bucket = s3_bucket("logs", [lifecycle_rule("archive")], region="ap-northeast-2")

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.PASS
    assert verdict.region == "ap-northeast-2"
    assert verdict.resource.arn == "arn:aws:s3:::logs"
    assert verdict.resource.id == "logs"
    assert verdict.resource.type == "AWS::S3::Bucket"
    assert verdict.message == "S3 bucket logs has 1 enabled lifecycle rule(s)."
    assert verdict.evidence == {"enabled_rules": ["archive"], "disabled_rules": []}


def test_bucket_with_only_disabled_rules_fails_saying_so() -> None:
    bucket = s3_bucket(
        "logs", [lifecycle_rule("old", "Disabled"), lifecycle_rule("older", "Disabled")]
    )

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.FAIL
    assert (
        verdict.message == "S3 bucket logs has 2 lifecycle rule(s), all disabled, so none applies."
    )
    assert verdict.evidence == {"enabled_rules": [], "disabled_rules": ["old", "older"]}
    assert verdict.region == "eu-west-1"


def test_bucket_without_lifecycle_rules_fails() -> None:
    verdict = only_verdict(
        s3_bucket_lifecycle_configured, global_scope(s3_buckets=[s3_bucket("uploads", [])])
    )

    assert verdict.status is Status.FAIL
    assert verdict.message == "S3 bucket uploads has no lifecycle rules."


def test_one_enabled_rule_among_disabled_ones_passes() -> None:
    rules = [lifecycle_rule("old", "Disabled"), lifecycle_rule("current")]

    verdict = only_verdict(
        s3_bucket_lifecycle_configured, global_scope(s3_buckets=[s3_bucket("logs", rules)])
    )

    assert verdict.status is Status.PASS
    assert verdict.evidence == {"enabled_rules": ["current"], "disabled_rules": ["old"]}


def test_bucket_whose_lifecycle_could_not_be_read_is_an_error_in_its_region() -> None:
    error = denied("s3", "GetBucketLifecycleConfiguration", "secrets", region="us-east-2")
    bucket = s3_bucket("secrets", error, region="us-east-2")

    verdict = only_verdict(s3_bucket_lifecycle_configured, global_scope(s3_buckets=[bucket]))

    assert verdict.status is Status.ERROR
    assert verdict.region == "us-east-2"
    assert verdict.error == error
    assert verdict.evidence["operation"] == "GetBucketLifecycleConfiguration"


def test_each_bucket_is_judged() -> None:
    snapshot = global_scope(
        s3_buckets=[
            s3_bucket("a", [lifecycle_rule("r")], region="eu-west-1"),
            s3_bucket("b", [], region="us-east-1"),
        ]
    )

    verdicts = by_resource(run_check(s3_bucket_lifecycle_configured, snapshot))

    assert {(rid, v.status, v.region) for rid, v in verdicts.items()} == {
        ("a", Status.PASS, "eu-west-1"),
        ("b", Status.FAIL, "us-east-1"),
    }


# --- Hand-built buckets for the checks beyond lifecycle -------------------------------------


def bucket(name: str, *, region: str = REGION, **fields: Any) -> S3Bucket:
    """A bucket that passes every S3 check unless a field says otherwise."""
    settings: dict[str, Any] = {
        "lifecycle_rules": [
            LifecycleRule(id="expire-old-versions", status="Enabled", noncurrent_expiration_days=90)
        ],
        "versioning": BucketVersioning(status="Enabled"),
        "default_encryption": DefaultEncryption(
            rules=[EncryptionRule(algorithm="aws:kms", kms_key_id="alias/data")]
        ),
        "public_access_block": PublicAccessBlock(
            block_public_acls=True,
            ignore_public_acls=True,
            block_public_policy=True,
            restrict_public_buckets=True,
        ),
        "policy": BucketPolicy(document=policy(deny_plain_http(name))),
    }
    settings.update(fields)
    return S3Bucket(arn=f"arn:aws:s3:::{name}", name=name, region=region, **settings)


def deny_plain_http(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        **extra,
    }


def buckets(*items: S3Bucket) -> Any:
    return global_scope(s3_buckets=list(items))


# --- s3_bucket_versioning_enabled ---------------------------------------------------------------


def test_versioned_bucket_passes_and_suspended_or_never_versioned_fail() -> None:
    verdicts = by_resource(
        run_check(
            s3_bucket_versioning_enabled,
            buckets(
                bucket("kept", region="ap-northeast-2"),
                bucket("paused", versioning=BucketVersioning(status="Suspended")),
                bucket("plain", versioning=BucketVersioning(status="")),
            ),
        )
    )

    assert verdicts["kept"].status is Status.PASS
    assert verdicts["kept"].region == "ap-northeast-2"
    assert verdicts["kept"].evidence == {"versioning": "Enabled"}
    assert verdicts["paused"].status is Status.FAIL
    assert verdicts["paused"].message == (
        "S3 bucket paused does not keep object versions (versioning suspended)."
    )
    assert verdicts["plain"].status is Status.FAIL
    assert verdicts["plain"].evidence == {"versioning": "never enabled"}


def test_versioning_error_when_denied_or_missing_from_the_snapshot() -> None:
    error = denied("s3", "GetBucketVersioning", "locked", region="us-east-2")
    verdicts = by_resource(
        run_check(
            s3_bucket_versioning_enabled,
            buckets(
                bucket("locked", region="us-east-2", versioning=error),
                bucket("old-snapshot", versioning=None),
            ),
        )
    )

    assert verdicts["locked"].status is Status.ERROR
    assert verdicts["locked"].error == error
    assert verdicts["locked"].region == "us-east-2"
    # A snapshot written before versioning was collected is a gap, never a pass.
    assert verdicts["old-snapshot"].status is Status.ERROR
    assert verdicts["old-snapshot"].evidence == {
        "operation": "GetBucketVersioning",
        "error_code": "NotCollected",
    }


# --- s3_bucket_noncurrent_versions_expire -------------------------------------------------------


def test_versioned_buckets_need_an_enabled_rule_for_noncurrent_versions() -> None:
    transition = LifecycleRule(
        id="archive-old",
        status="Enabled",
        noncurrent_transitions=[LifecycleTransition(storage_class="GLACIER", days=30)],
    )
    current_only = LifecycleRule(id="tier", status="Enabled", expiration_days=365)
    switched_off = LifecycleRule(id="old", status="Disabled", noncurrent_expiration_days=30)
    verdicts = by_resource(
        run_check(
            s3_bucket_noncurrent_versions_expire,
            buckets(
                bucket("expires"),
                bucket("archives", lifecycle_rules=[transition]),
                bucket("current-only", lifecycle_rules=[current_only]),
                bucket(
                    "suspended",
                    versioning=BucketVersioning(status="Suspended"),
                    lifecycle_rules=[switched_off],
                ),
                bucket("unversioned", versioning=BucketVersioning(status=""), lifecycle_rules=[]),
            ),
        )
    )

    assert set(verdicts) == {"expires", "archives", "current-only", "suspended"}
    assert verdicts["expires"].status is Status.PASS
    assert verdicts["expires"].message == (
        "S3 bucket expires expires or transitions noncurrent versions (rules: expire-old-versions)."
    )
    assert verdicts["archives"].status is Status.PASS
    assert verdicts["archives"].evidence["noncurrent_version_rules"] == ["archive-old"]
    assert verdicts["current-only"].status is Status.FAIL
    # A suspended bucket still holds its old versions; a disabled rule does nothing for them.
    assert verdicts["suspended"].status is Status.FAIL
    assert verdicts["suspended"].evidence == {
        "versioning": "Suspended",
        "noncurrent_version_rules": [],
    }


def test_noncurrent_versions_error_when_lifecycle_or_versioning_is_unreadable() -> None:
    lifecycle = denied("s3", "GetBucketLifecycleConfiguration", "a")
    versioning = denied("s3", "GetBucketVersioning", "b")
    verdicts = by_resource(
        run_check(
            s3_bucket_noncurrent_versions_expire,
            buckets(bucket("a", lifecycle_rules=lifecycle), bucket("b", versioning=versioning)),
        )
    )

    assert (verdicts["a"].status, verdicts["a"].error) == (Status.ERROR, lifecycle)
    assert (verdicts["b"].status, verdicts["b"].error) == (Status.ERROR, versioning)


# --- s3_bucket_default_encryption ---------------------------------------------------------------


def sse_s3() -> DefaultEncryption:
    return DefaultEncryption(rules=[EncryptionRule(algorithm="AES256")])


def test_default_encryption_passes_with_any_rule_and_fails_without_one() -> None:
    verdicts = by_resource(
        run_check(
            s3_bucket_default_encryption,
            buckets(
                bucket("kms"),
                bucket("s3-managed", default_encryption=sse_s3()),
                bucket("bare", default_encryption=DefaultEncryption()),
            ),
        )
    )

    assert verdicts["kms"].status is Status.PASS
    assert verdicts["kms"].evidence == {
        "algorithms": ["aws:kms"],
        "kms_key_ids": ["alias/data"],
        "require_kms": False,
    }
    assert verdicts["s3-managed"].status is Status.PASS
    assert verdicts["s3-managed"].message == (
        "S3 bucket s3-managed encrypts new objects by default with AES256."
    )
    assert verdicts["bare"].status is Status.FAIL
    assert verdicts["bare"].message == "S3 bucket bare has no default encryption configuration."


def test_require_kms_fails_s3_managed_keys_and_passes_kms_and_dsse() -> None:
    dsse = DefaultEncryption(rules=[EncryptionRule(algorithm="aws:kms:dsse")])
    verdicts = by_resource(
        run_check(
            s3_bucket_default_encryption,
            buckets(
                bucket("kms"),
                bucket("dsse", default_encryption=dsse),
                bucket("s3-managed", default_encryption=sse_s3()),
            ),
            require_kms=True,
        )
    )

    assert verdicts["kms"].status is Status.PASS
    assert verdicts["dsse"].status is Status.PASS
    assert verdicts["s3-managed"].status is Status.FAIL
    assert verdicts["s3-managed"].message == (
        "S3 bucket s3-managed encrypts by default with AES256, not a KMS key."
    )
    assert verdicts["s3-managed"].evidence["require_kms"] is True


def test_default_encryption_error_for_an_unreadable_configuration() -> None:
    error = denied("s3", "GetBucketEncryption", "locked")

    verdict = only_verdict(
        s3_bucket_default_encryption, buckets(bucket("locked", default_encryption=error))
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error


# --- s3_bucket_public_access_block --------------------------------------------------------------


def test_bucket_blocking_everything_passes_and_gaps_fail_naming_the_settings() -> None:
    partial = PublicAccessBlock(block_public_acls=True, ignore_public_acls=True)
    verdicts = by_resource(
        run_check(
            s3_bucket_public_access_block,
            buckets(
                bucket("private"),
                bucket("half", public_access_block=partial),
                bucket("none", public_access_block=PublicAccessBlock(configured=False)),
            ),
        )
    )

    assert verdicts["private"].status is Status.PASS
    assert verdicts["private"].evidence == {"configured": True, "settings_off": []}
    assert verdicts["half"].status is Status.FAIL
    assert verdicts["half"].message == (
        "S3 bucket half leaves Block Public Access settings BlockPublicPolicy, "
        "RestrictPublicBuckets off."
    )
    assert verdicts["none"].status is Status.FAIL
    assert verdicts["none"].message == "S3 bucket none has no Block Public Access configuration."
    assert verdicts["none"].evidence["configured"] is False


def test_bucket_public_access_block_error_when_unreadable() -> None:
    error = denied("s3", "GetPublicAccessBlock", "locked", region="us-west-2")

    verdict = only_verdict(
        s3_bucket_public_access_block,
        buckets(bucket("locked", region="us-west-2", public_access_block=error)),
    )

    assert verdict.status is Status.ERROR
    assert verdict.region == "us-west-2"
    assert verdict.error == error


# --- s3_account_public_access_block -------------------------------------------------------------


def account_block(settings: PublicAccessBlock) -> Any:
    return global_scope(
        s3_account_public_access_block=AccountPublicAccessBlock(
            account_id=ACCOUNT, settings=settings
        )
    )


def test_account_blocking_everything_passes() -> None:
    everything = PublicAccessBlock(
        block_public_acls=True,
        ignore_public_acls=True,
        block_public_policy=True,
        restrict_public_buckets=True,
    )

    verdict = only_verdict(s3_account_public_access_block, account_block(everything))

    assert verdict.status is Status.PASS
    assert verdict.resource.id == ACCOUNT
    assert verdict.resource.type == "AWS::::Account"
    assert verdict.message == (
        f"Account {ACCOUNT} has every account-level S3 Block Public Access setting on."
    )


def test_account_with_settings_off_or_none_configured_fails() -> None:
    partial = only_verdict(
        s3_account_public_access_block,
        account_block(PublicAccessBlock(block_public_policy=True, restrict_public_buckets=True)),
    )
    unset = only_verdict(
        s3_account_public_access_block, account_block(PublicAccessBlock(configured=False))
    )

    assert partial.status is Status.FAIL
    assert partial.evidence == {
        "configured": True,
        "settings_off": ["BlockPublicAcls", "IgnorePublicAcls"],
    }
    assert unset.status is Status.FAIL
    assert "no account-level S3 Block Public Access configuration" in unset.message


def test_account_block_error_when_the_settings_cannot_be_read() -> None:
    [finding] = engine_findings(
        s3_account_public_access_block,
        global_scope(
            s3_account_public_access_block=dataset_denied(
                "s3", "GetPublicAccessBlock", region="global"
            )
        ),
    )

    assert finding.status is Status.ERROR
    assert finding.evidence["operation"] == "GetPublicAccessBlock"


# --- s3_bucket_ssl_only -------------------------------------------------------------------------


def test_bucket_denying_plain_http_passes_in_the_documented_shapes() -> None:
    any_aws = deny_plain_http(
        "wild",
        Principal={"AWS": ["*"]},
        Action=["s3:*"],
        Resource="*",
        Condition={"BoolIfExists": {"aws:SecureTransport": ["false"]}},
    )
    verdicts = by_resource(
        run_check(
            s3_bucket_ssl_only,
            buckets(
                bucket("strict"),
                bucket(
                    "wild",
                    policy=BucketPolicy(
                        document=json.dumps(policy(allow("s3:GetObject"), any_aws))
                    ),
                ),
            ),
        )
    )

    assert verdicts["strict"].status is Status.PASS
    assert verdicts["strict"].evidence == {"denying_statements": [0]}
    assert verdicts["wild"].status is Status.PASS
    assert verdicts["wild"].evidence == {"denying_statements": [1]}


def test_bucket_without_a_denial_of_plain_http_fails() -> None:
    https_allowed = allow(
        "s3:GetObject",
        "arn:aws:s3:::allowing/*",
        Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        Condition={"Bool": {"aws:SecureTransport": "true"}},
    )
    verdicts = by_resource(
        run_check(
            s3_bucket_ssl_only,
            buckets(
                bucket("allowing", policy=BucketPolicy(document=policy(https_allowed))),
                bucket("other-bucket", policy=BucketPolicy(document=policy(deny_plain_http("x")))),
                bucket(
                    "reads-only",
                    policy=BucketPolicy(
                        document=policy(deny_plain_http("reads-only", Action="s3:GetObject"))
                    ),
                ),
                bucket("no-policy", policy=BucketPolicy()),
                bucket("garbled", policy=BucketPolicy(document="{not json")),
            ),
        )
    )

    assert {rid: v.status for rid, v in verdicts.items()} == {
        "allowing": Status.FAIL,
        "other-bucket": Status.FAIL,
        "reads-only": Status.FAIL,
        "no-policy": Status.FAIL,
        "garbled": Status.FAIL,
    }
    assert verdicts["allowing"].message == (
        "S3 bucket allowing's policy has no statement denying requests where "
        "aws:SecureTransport is false."
    )
    assert verdicts["no-policy"].message == (
        "S3 bucket no-policy has no bucket policy, so plain HTTP requests are allowed."
    )
    assert verdicts["garbled"].evidence == {"unreadable_policy": "the document is not valid JSON"}


def test_ssl_only_error_when_the_policy_cannot_be_read() -> None:
    error = denied("s3", "GetBucketPolicy", "locked")

    verdict = only_verdict(s3_bucket_ssl_only, buckets(bucket("locked", policy=error)))

    assert verdict.status is Status.ERROR
    assert verdict.evidence == {
        "operation": "GetBucketPolicy",
        "error_code": "AccessDeniedException",
    }


# --- Compliance mappings (verified against the Security Hub S3 controls page) ------------------


def test_each_check_names_the_controls_it_matches() -> None:
    assert {
        c.metadata.id: c.metadata.compliance
        for c in (
            s3_bucket_versioning_enabled,
            s3_bucket_noncurrent_versions_expire,
            s3_bucket_default_encryption,
            s3_bucket_public_access_block,
            s3_account_public_access_block,
            s3_bucket_ssl_only,
        )
    } == {
        "s3_bucket_versioning_enabled": {"wa-rel": ["REL09-BP01"]},
        "s3_bucket_noncurrent_versions_expire": {"fsbp": ["S3.10"], "wa-cost": ["COST04-BP05"]},
        "s3_bucket_default_encryption": {},
        "s3_bucket_public_access_block": {
            "fsbp": ["S3.8"],
            "cis-3.0": ["2.1.4"],
            "cis-5.0": ["2.1.4"],
        },
        "s3_account_public_access_block": {
            "fsbp": ["S3.1"],
            "cis-3.0": ["2.1.4"],
            "cis-5.0": ["2.1.4"],
        },
        "s3_bucket_ssl_only": {"fsbp": ["S3.5"], "cis-3.0": ["2.1.1"], "cis-5.0": ["2.1.1"]},
    }
    assert s3_bucket_default_encryption.metadata.parameters == {"require_kms": False}


# --- s3_bucket_lifecycle_tiering ----------------------------------------------------------------


def ladder(
    *steps: tuple[str, int], status: str = "Enabled", rule_id: str = "tier"
) -> LifecycleRule:
    return LifecycleRule(
        id=rule_id,
        status=status,
        transitions=[LifecycleTransition(storage_class=c, days=d) for c, d in steps],
    )


SEED_LADDER = (("STANDARD_IA", 30), ("GLACIER", 90), ("DEEP_ARCHIVE", 365))


def test_bucket_following_the_ladder_or_expiring_first_passes() -> None:
    early = ladder(("STANDARD_IA", 30), ("GLACIER", 60), ("DEEP_ARCHIVE", 180))
    expiring = LifecycleRule(id="expire", status="Enabled", expiration_days=14)
    verdicts = by_resource(
        run_check(
            s3_bucket_lifecycle_tiering,
            buckets(
                bucket("seeded", lifecycle_rules=[ladder(*SEED_LADDER)]),
                bucket("early", lifecycle_rules=[early]),
                bucket("short-lived", lifecycle_rules=[expiring]),
            ),
        )
    )

    assert {rid: v.status for rid, v in verdicts.items()} == {
        "seeded": Status.PASS,
        "early": Status.PASS,
        "short-lived": Status.PASS,
    }
    assert verdicts["seeded"].message == (
        "S3 bucket seeded moves objects through STANDARD_IA, GLACIER, DEEP_ARCHIVE in time "
        "(or expires them first)."
    )
    assert verdicts["seeded"].evidence == {"missing_tiers": [], "enabled_rules": ["tier"]}


def test_late_missing_or_disabled_tiers_fail_naming_them() -> None:
    late = ladder(("STANDARD_IA", 45), ("GLACIER", 90), ("DEEP_ARCHIVE", 365))
    verdicts = by_resource(
        run_check(
            s3_bucket_lifecycle_tiering,
            buckets(
                bucket("late", lifecycle_rules=[late]),
                bucket("stops", lifecycle_rules=[ladder(("STANDARD_IA", 30))]),
                bucket("off", lifecycle_rules=[ladder(*SEED_LADDER, status="Disabled")]),
                bucket("none", lifecycle_rules=[]),
            ),
        )
    )

    assert {rid: v.status for rid, v in verdicts.items()} == {
        "late": Status.FAIL,
        "stops": Status.FAIL,
        "off": Status.FAIL,
        "none": Status.FAIL,
    }
    assert verdicts["late"].evidence["missing_tiers"] == ["STANDARD_IA within 30 days"]
    assert verdicts["stops"].message == (
        "S3 bucket stops has no enabled rule moving objects to GLACIER within 90 days; "
        "DEEP_ARCHIVE within 365 days (or expiring them by then)."
    )
    assert verdicts["off"].evidence == {
        "missing_tiers": [
            "STANDARD_IA within 30 days",
            "GLACIER within 90 days",
            "DEEP_ARCHIVE within 365 days",
        ],
        "enabled_rules": [],
    }


def test_tiers_are_a_parameter() -> None:
    only_ia = bucket("ia", lifecycle_rules=[ladder(("STANDARD_IA", 30))])

    [verdict] = run_check(s3_bucket_lifecycle_tiering, buckets(only_ia), tiers={"STANDARD_IA": 30})

    assert verdict.status is Status.PASS
    assert s3_bucket_lifecycle_tiering.metadata.parameters == {
        "tiers": {"STANDARD_IA": 30, "GLACIER": 90, "DEEP_ARCHIVE": 365}
    }
    assert s3_bucket_lifecycle_tiering.metadata.compliance == {
        "fsbp": ["S3.13"],
        "wa-cost": ["COST04-BP05"],
    }


def test_tiering_error_for_unreadable_lifecycle_rules() -> None:
    error = denied("s3", "GetBucketLifecycleConfiguration", "locked")

    verdict = only_verdict(
        s3_bucket_lifecycle_tiering, buckets(bucket("locked", lifecycle_rules=error))
    )

    assert verdict.status is Status.ERROR
    assert verdict.error == error
