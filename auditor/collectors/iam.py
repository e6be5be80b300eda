"""IAM collector: users, groups, roles, customer-managed policies and the AWS-managed policies
they attach, from one paginated GetAccountAuthorizationDetails, keeping only the documents
checks judge."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from auditor.collectors.base import CollectContext, Collector, Operation
from auditor.datasets import IAM_AUTHORIZATION_DETAILS
from auditor.models import IAMAuthorizationDetails, IAMPrincipal, InlinePolicy, ManagedPolicy

_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
# AWS-managed policies live in the reserved "aws" account: arn:<partition>:iam::aws:policy/...
_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/")


def is_aws_managed(policy_arn: str) -> bool:
    return bool(_AWS_MANAGED.match(policy_arn))


def policy_document(raw: Any) -> Any:
    """A policy document as JSON data; the API may hand it over URL-encoded.

    A document that does not parse is kept as its text so the checks can say so.
    """
    if not isinstance(raw, str):
        return raw
    for text in (raw, urllib.parse.unquote(raw)):
        try:
            return json.loads(text)
        except ValueError:
            continue
    return raw


def _inline(items: list[dict[str, Any]]) -> list[InlinePolicy]:
    return [
        InlinePolicy(name=p["PolicyName"], document=policy_document(p.get("PolicyDocument")))
        for p in items
    ]


def _attached(item: dict[str, Any]) -> list[str]:
    return [p["PolicyArn"] for p in item.get("AttachedManagedPolicies", [])]


def _managed_policy(p: dict[str, Any]) -> ManagedPolicy:
    default_id = p.get("DefaultVersionId", "")
    default: dict[str, Any] = next(
        (
            v
            for v in p.get("PolicyVersionList", [])
            if v.get("IsDefaultVersion") or v.get("VersionId") == default_id
        ),
        {},
    )
    return ManagedPolicy(
        arn=p["Arn"],
        # Some endpoints omit PolicyName; the ARN's last segment is the name.
        name=p.get("PolicyName") or p["Arn"].rsplit("/", 1)[-1],
        policy_id=p.get("PolicyId"),
        default_version_id=default_id or default.get("VersionId", ""),
        default_document=policy_document(default.get("Document")),
        attachment_count=int(p.get("AttachmentCount", 0)),
        is_attachable=bool(p.get("IsAttachable", True)),
    )


def collect_authorization_details(ctx: CollectContext) -> IAMAuthorizationDetails:
    pages = ctx.paginate_keys(
        "iam",
        "GetAccountAuthorizationDetails",
        _LISTS,
        Filter=["User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy"],
    )
    local = [p for p in pages["Policies"] if not is_aws_managed(p["Arn"])]
    # Only the AWS-managed policies something here attaches are kept: the rest grant nothing.
    attached = {
        arn
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList")
        for item in pages[key]
        for arn in _attached(item)
    }
    aws_managed = [
        p for p in pages["Policies"] if is_aws_managed(p["Arn"]) and p["Arn"] in attached
    ]
    return IAMAuthorizationDetails(
        users=[
            IAMPrincipal(
                kind="user",
                arn=u["Arn"],
                name=u["UserName"],
                path=u.get("Path", "/"),
                inline_policies=_inline(u.get("UserPolicyList", [])),
                attached_policy_arns=_attached(u),
                group_names=list(u.get("GroupList", [])),
            )
            for u in pages["UserDetailList"]
        ],
        groups=[
            IAMPrincipal(
                kind="group",
                arn=g["Arn"],
                name=g["GroupName"],
                path=g.get("Path", "/"),
                inline_policies=_inline(g.get("GroupPolicyList", [])),
                attached_policy_arns=_attached(g),
            )
            for g in pages["GroupDetailList"]
        ],
        roles=[
            IAMPrincipal(
                kind="role",
                arn=r["Arn"],
                name=r["RoleName"],
                path=r.get("Path", "/"),
                inline_policies=_inline(r.get("RolePolicyList", [])),
                attached_policy_arns=_attached(r),
                assume_role_policy=policy_document(r.get("AssumeRolePolicyDocument")),
            )
            for r in pages["RoleDetailList"]
        ],
        policies=[_managed_policy(p) for p in local],
        aws_managed_policies=[_managed_policy(p) for p in aws_managed],
    )


AUTHORIZATION_DETAILS = Collector(
    dataset=IAM_AUTHORIZATION_DETAILS,
    operations=(
        Operation("iam", "GetAccountAuthorizationDetails", "iam:GetAccountAuthorizationDetails"),
    ),
    collect=collect_authorization_details,
)
