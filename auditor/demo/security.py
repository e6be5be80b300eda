"""Seeds the least-privilege examples: a break-glass role holding the AWS-managed
AdministratorAccess policy, an auditors group holding a read-only AWS-managed policy, and a
deploy role whose escalation path is split between a managed and an inline policy (and whose
CodeBuild trust names no source account), and a Config recorder role whose trust does; and,
as the organization's management account, an alarm on AWS Organizations changes.

moto only has AWS's managed policies when told to load all ~1,300 of them at start-up; the
demo adds the two it attaches, with AWS's own documents from moto's copy, to moto's model
(the demo only ever runs on an in-process moto).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.demo.common import US, ClientFactory, tags, trust_policy
from auditor.demo.monitoring import security_alarm

ADMIN_POLICY = "AdministratorAccess"
READ_POLICY = "AmazonS3ReadOnlyAccess"


def _add_aws_managed_policies(account: str, *names: str) -> None:
    from moto.backends import get_backend
    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy

    model: Any = get_backend("iam")[account]["global"]
    data = json.loads(aws_managed_policies_data)
    for name in names:
        policy = AWSManagedPolicy.from_data(name, account, "global", data[name])
        model.managed_policies.setdefault(policy.arn, policy)


def _document(*actions: str) -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _seed_split_escalation(iam: Any) -> None:
    """Neither policy escalates alone; the role holding both can pass any role to a function."""
    arn = iam.create_policy(
        PolicyName="pass-lesson-roles",
        PolicyDocument=_document("iam:PassRole", "iam:GetRole"),
        Tags=tags("identity"),
    )["Policy"]["Arn"]
    iam.create_role(
        RoleName="lesson-deployer",
        AssumeRolePolicyDocument=trust_policy({"Service": "codebuild.amazonaws.com"}),
        Tags=tags("identity"),
    )
    iam.attach_role_policy(RoleName="lesson-deployer", PolicyArn=arn)
    iam.put_role_policy(
        RoleName="lesson-deployer",
        PolicyName="deploy-functions",
        PolicyDocument=_document("lambda:CreateFunction", "lambda:InvokeFunction"),
    )


def seed_security(client: ClientFactory, account: str) -> None:
    """Attach the two AWS-managed policies (IAM is global; calls go to us-east-1)."""
    _add_aws_managed_policies(account, ADMIN_POLICY, READ_POLICY)
    iam = client("iam", US)
    iam.create_role(
        RoleName="break-glass-admin",
        AssumeRolePolicyDocument=trust_policy({"AWS": f"arn:aws:iam::{account}:root"}),
        Tags=tags("identity"),
    )
    iam.attach_role_policy(
        RoleName="break-glass-admin", PolicyArn=f"arn:aws:iam::aws:policy/{ADMIN_POLICY}"
    )
    iam.create_group(GroupName="storage-auditors")
    iam.attach_group_policy(
        GroupName="storage-auditors", PolicyArn=f"arn:aws:iam::aws:policy/{READ_POLICY}"
    )
    _seed_split_escalation(iam)
    iam.create_role(
        RoleName="config-recorder",
        AssumeRolePolicyDocument=trust_policy(
            {"Service": "config.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": account}}
        ),
        Tags=tags("identity"),
    )


# CIS v3.0 4.15's pattern, as the benchmark prints it.
_ORGANIZATIONS_PATTERN = (
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") '
    '|| ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") '
    '|| ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") '
    '|| ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") '
    '|| ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") '
    '|| ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") '
    '|| ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") '
    '|| ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") '
    '|| ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") '
    '|| ($.eventName = "UpdateOrganizationalUnit")) }'
)


def alarm_organization_changes(client: ClientFactory, region: str, topic_arn: str) -> None:
    """CIS 4.15 on the multi-region trail's log group (us-east-1, created with the monitoring
    examples): a metric filter on Organizations changes and an alarm paging the ops topic."""
    if region != US:
        return
    security_alarm(
        client("logs", US),
        client("cloudwatch", US),
        "organizations-changes",
        _ORGANIZATIONS_PATTERN,
        topic_arn,
        "monitoring",
    )


def trails_deliver_to_logs(account: str) -> None:
    """Each logging trail with a log group answers GetTrailStatus with a fresh
    LatestCloudWatchLogsDeliveryTime, as AWS does; moto leaves the field out. Set on moto's
    trail models after the trails exist."""
    from moto.backends import get_backend

    for backend in get_backend("cloudtrail")[account].values():
        trails: list[Any] = list(backend.trails.values())
        for trail in trails:
            if trail.cw_log_group_arn and not isinstance(trail.status, _DeliveringStatus):
                trail.status = _DeliveringStatus(trail.status)


class _DeliveringStatus:
    """moto's TrailStatus, answering with the CloudWatch Logs delivery time it omits."""

    def __init__(self, status: Any) -> None:
        self._status = status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._status, name)

    def description(self) -> dict[str, Any]:
        from moto.core.utils import utcnow

        answer: dict[str, Any] = self._status.description()
        if self._status.is_logging:
            answer["LatestCloudWatchLogsDeliveryTime"] = utcnow().timestamp()
        return answer
