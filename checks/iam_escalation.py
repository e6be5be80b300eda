"""Finds known IAM privilege-escalation methods in one identity policy document.

The methods are Rhino Security Labs' published list ("AWS IAM Privilege Escalation – Methods
and Mitigation", and its aws_escalate.py): each is a set of actions that together let whoever
holds them gain more permissions than the policy grants outright. A method is found when
every one of its actions is allowed on every resource (`"*"`, an ARN wildcarded after its
partition, or an Allow with `NotResource`) by the policy's statements, and no unconditional
Deny on every resource takes the action back.

Wildcards in a policy are matched against the method's action names as IAM matches them
(case-insensitive, `*` any run, `?` one character), so `"iam:Put*"` or `"iam:*"` grant
`iam:PutRolePolicy`, and an Allow with `NotAction` grants every action it does not name.
Matching each entry against the methods' concrete action names is exact, so no catalog of
every IAM action is needed to expand the wildcards.
Combinations are looked for inside one document only: actions split across two policies of
the same principal are not joined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import JsonValue

from checks.iam_policy import PolicyDocument, Statement, action_matches, covers_every_resource

RHINO_RESEARCH = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"


@dataclass(frozen=True)
class EscalationMethod:
    name: str
    actions: tuple[str, ...]


# Rhino Security Labs' methods, in their numbering. iam:AttachRolePolicy, iam:PutRolePolicy
# and iam:UpdateAssumeRolePolicy stand alone (Rhino pairs the first two with sts:AssumeRole):
# a role holding them can grant itself more without assuming anything, and a rewritten trust
# policy that names its writer needs no identity permission to assume in the same account.
ESCALATION_METHODS: tuple[EscalationMethod, ...] = (
    EscalationMethod("CreateNewPolicyVersion", ("iam:CreatePolicyVersion",)),
    EscalationMethod("SetExistingDefaultPolicyVersion", ("iam:SetDefaultPolicyVersion",)),
    EscalationMethod("CreateEC2WithExistingInstanceProfile", ("iam:PassRole", "ec2:RunInstances")),
    EscalationMethod("CreateAccessKey", ("iam:CreateAccessKey",)),
    EscalationMethod("CreateLoginProfile", ("iam:CreateLoginProfile",)),
    EscalationMethod("UpdateLoginProfile", ("iam:UpdateLoginProfile",)),
    EscalationMethod("AttachUserPolicy", ("iam:AttachUserPolicy",)),
    EscalationMethod("AttachGroupPolicy", ("iam:AttachGroupPolicy",)),
    EscalationMethod("AttachRolePolicy", ("iam:AttachRolePolicy",)),
    EscalationMethod("PutUserPolicy", ("iam:PutUserPolicy",)),
    EscalationMethod("PutGroupPolicy", ("iam:PutGroupPolicy",)),
    EscalationMethod("PutRolePolicy", ("iam:PutRolePolicy",)),
    EscalationMethod("AddUserToGroup", ("iam:AddUserToGroup",)),
    EscalationMethod("UpdateAssumeRolePolicy", ("iam:UpdateAssumeRolePolicy",)),
    EscalationMethod(
        "PassRoleToNewLambdaThenInvoke",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"),
    ),
    EscalationMethod(
        "PassRoleToNewLambdaThenTriggerFromDynamoDB",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
    ),
    EscalationMethod("PassRoleToNewGlueDevEndpoint", ("iam:PassRole", "glue:CreateDevEndpoint")),
    EscalationMethod("UpdateExistingGlueDevEndpoint", ("glue:UpdateDevEndpoint",)),
    EscalationMethod("PassRoleToCloudFormation", ("iam:PassRole", "cloudformation:CreateStack")),
    EscalationMethod(
        "PassRoleToNewDataPipeline",
        ("iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
    ),
    EscalationMethod("EditExistingLambdaFunctionCode", ("lambda:UpdateFunctionCode",)),
)


@dataclass(frozen=True)
class Escalation:
    """A method the policy allows, and the statements that allow each of its actions."""

    method: EscalationMethod
    statements: dict[str, tuple[int, ...]]  # action -> indexes of the granting statements

    def describe(self) -> str:
        return f"{' + '.join(self.method.actions)} ({self.method.name})"

    def evidence(self) -> dict[str, JsonValue]:
        return {
            "method": self.method.name,
            "actions": list(self.method.actions),
            "statements": {a: list(i) for a, i in self.statements.items()},
        }


def _names(statement: Statement, action: str) -> bool:
    """Whether the statement's Action, or what its NotAction leaves, covers `action`."""
    if statement.actions is not None:
        return any(action_matches(entry, action) for entry in statement.actions)
    if statement.not_actions is not None:
        return not any(action_matches(entry, action) for entry in statement.not_actions)
    return False


def _on_every_resource(statement: Statement) -> bool:
    if any(covers_every_resource(r) for r in statement.resources or ()):
        return True
    # NotResource grants everything but what it lists (unless it lists everything).
    excluded = statement.not_resources
    return excluded is not None and not any(covers_every_resource(r) for r in excluded)


def _denied(statements: Iterable[Statement], action: str) -> bool:
    """An unconditional Deny of `action` on every resource takes it back for certain."""
    return any(
        not s.allows
        and not s.conditional
        and any(covers_every_resource(r) for r in s.resources or ())
        and _names(s, action)
        for s in statements
    )


def escalations(policy: PolicyDocument) -> list[Escalation]:
    """Every method whose actions the document allows on every resource."""
    allows = [s for s in policy.statements if s.allows and _on_every_resource(s)]
    granted: dict[str, tuple[int, ...]] = {}
    found: list[Escalation] = []
    for method in ESCALATION_METHODS:
        for action in method.actions:
            if action not in granted:
                by = tuple(s.index for s in allows if _names(s, action))
                granted[action] = () if _denied(policy.statements, action) else by
        if all(granted[action] for action in method.actions):
            found.append(Escalation(method, {a: granted[a] for a in method.actions}))
    return found
