"""Seeds the least-privilege examples: a break-glass role holding the AWS-managed
AdministratorAccess policy and an auditors group holding a read-only AWS-managed policy.

moto only has AWS's managed policies when told to load all ~1,300 of them at start-up; the
demo adds the two it attaches, with AWS's own documents from moto's copy, to moto's model
(the demo only ever runs on an in-process moto).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.demo.common import US, ClientFactory, tags, trust_policy

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
