"""Finds known IAM privilege-escalation methods in identity policy documents.

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
`escalations` looks inside one document; `principal_escalations` joins every policy a
principal holds (inline, attached, and its groups' for a user), so actions split across them
are found together.

Each method carries the reference that documents it: Rhino's research for its own, Hacking
the Cloud's catalogue or Datadog's pathfinding.cloud for the ones documented since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import JsonValue

from checks.iam_policy import PolicyDocument, Statement, action_matches, covers_every_resource

RHINO_RESEARCH = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"


@dataclass(frozen=True)
class EscalationMethod:
    name: str
    actions: tuple[str, ...]
    reference: str = RHINO_RESEARCH

    def describe(self) -> str:
        return f"{' + '.join(self.actions)} ({self.name})"

    def evidence(self, **granted: JsonValue) -> dict[str, JsonValue]:
        """The method, what grants it (`granted`) and its reference, for a finding."""
        return {
            "method": self.name,
            "actions": list(self.actions),
            **granted,
            "reference": self.reference,
        }


_HTC = "https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/"
_PATHFINDING = "https://pathfinding.cloud/paths"


def _method(name: str, *actions: str, reference: str = RHINO_RESEARCH) -> EscalationMethod:
    return EscalationMethod(name, actions, reference)


# Rhino Security Labs' methods, in their numbering, then the ones documented since (Hacking the
# Cloud's catalogue, Datadog's pathfinding.cloud): each passes a role to a service that runs
# code the caller writes, or changes what an existing principal may do. iam:AttachRolePolicy,
# iam:PutRolePolicy and iam:UpdateAssumeRolePolicy stand alone (Rhino pairs the first two with
# sts:AssumeRole): a role holding them can grant itself more without assuming anything, and a
# rewritten trust policy that names its writer needs no identity permission to assume in the
# same account.
ESCALATION_METHODS: tuple[EscalationMethod, ...] = (
    _method("CreateNewPolicyVersion", "iam:CreatePolicyVersion"),
    _method("SetExistingDefaultPolicyVersion", "iam:SetDefaultPolicyVersion"),
    _method("CreateEC2WithExistingInstanceProfile", "iam:PassRole", "ec2:RunInstances"),
    _method("CreateAccessKey", "iam:CreateAccessKey"),
    _method("CreateLoginProfile", "iam:CreateLoginProfile"),
    _method("UpdateLoginProfile", "iam:UpdateLoginProfile"),
    _method("AttachUserPolicy", "iam:AttachUserPolicy"),
    _method("AttachGroupPolicy", "iam:AttachGroupPolicy"),
    _method("AttachRolePolicy", "iam:AttachRolePolicy"),
    _method("PutUserPolicy", "iam:PutUserPolicy"),
    _method("PutGroupPolicy", "iam:PutGroupPolicy"),
    _method("PutRolePolicy", "iam:PutRolePolicy"),
    _method("AddUserToGroup", "iam:AddUserToGroup"),
    _method("UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy"),
    _method(
        "PassRoleToNewLambdaThenInvoke",
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
    ),
    _method(
        "PassRoleToNewLambdaThenTriggerFromDynamoDB",
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ),
    _method("PassRoleToNewGlueDevEndpoint", "iam:PassRole", "glue:CreateDevEndpoint"),
    _method("UpdateExistingGlueDevEndpoint", "glue:UpdateDevEndpoint"),
    _method("PassRoleToCloudFormation", "iam:PassRole", "cloudformation:CreateStack"),
    _method(
        "PassRoleToNewDataPipeline",
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ),
    _method("EditExistingLambdaFunctionCode", "lambda:UpdateFunctionCode"),
    # Documented since Rhino's list.
    # A layer added to an existing function runs as the function's role.
    _method(
        "AddLayerToExistingLambdaFunction", "lambda:UpdateFunctionConfiguration", reference=_HTC
    ),
    _method(
        "PassRoleToNewEcsTask",
        "iam:PassRole",
        "ecs:RegisterTaskDefinition",
        "ecs:RunTask",
        reference=f"{_HTC}#iampassrole-ecsruntask",
    ),
    _method(
        "PassRoleToNewEcsService",
        "iam:PassRole",
        "ecs:RegisterTaskDefinition",
        "ecs:CreateService",
        reference=f"{_PATHFINDING}/ecs-001",
    ),
    _method(
        "PassRoleToNewCodeBuildProject",
        "iam:PassRole",
        "codebuild:CreateProject",
        "codebuild:StartBuild",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewSageMakerNotebook",
        "iam:PassRole",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewSageMakerTrainingJob",
        "iam:PassRole",
        "sagemaker:CreateTrainingJob",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewSageMakerProcessingJob",
        "iam:PassRole",
        "sagemaker:CreateProcessingJob",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewGlueJob",
        "iam:PassRole",
        "glue:CreateJob",
        "glue:StartJobRun",
        reference=_HTC,
    ),
    _method(
        "PassRoleToExistingGlueJob",
        "iam:PassRole",
        "glue:UpdateJob",
        "glue:StartJobRun",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewSpotInstance",
        "iam:PassRole",
        "ec2:RequestSpotInstances",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewStateMachine",
        "iam:PassRole",
        "states:CreateStateMachine",
        "states:StartExecution",
        reference=_HTC,
    ),
    _method(
        "PassRoleToNewAgentCoreCodeInterpreter",
        "iam:PassRole",
        "bedrock-agentcore:CreateCodeInterpreter",
        "bedrock-agentcore:StartCodeInterpreterSession",
        "bedrock-agentcore:InvokeCodeInterpreter",
        reference=f"{_PATHFINDING}/bedrock-001",
    ),
    _method(
        "PassRoleToUpdatedCloudFormationStack",
        "iam:PassRole",
        "cloudformation:UpdateStack",
        reference=_HTC,
    ),
    _method(
        "PassRoleToCloudFormationChangeSet",
        "iam:PassRole",
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
        reference=f"{_PATHFINDING}/cloudformation-005",
    ),
    _method("RunCommandOnInstance", "ssm:SendCommand", reference=_HTC),
    _method("StartSessionOnInstance", "ssm:StartSession", reference=_HTC),
    _method("DeleteUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary", reference=_HTC),
    _method("DeleteRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", reference=_HTC),
    _method(
        "PutInlinePolicyToPermissionSet",
        "sso:PutInlinePolicyToPermissionSet",
        "sso:ProvisionPermissionSet",
        reference=_HTC,
    ),
    _method(
        "AttachManagedPolicyToPermissionSet",
        "sso:AttachManagedPolicyToPermissionSet",
        "sso:ProvisionPermissionSet",
        reference=_HTC,
    ),
    _method("CreateAccountAssignment", "sso:CreateAccountAssignment", reference=_HTC),
)


@dataclass(frozen=True)
class Escalation:
    """A method the policy allows, and the statements that allow each of its actions."""

    method: EscalationMethod
    statements: dict[str, tuple[int, ...]]  # action -> indexes of the granting statements

    def describe(self) -> str:
        return self.method.describe()

    def evidence(self) -> dict[str, JsonValue]:
        return self.method.evidence(
            statements={a: list[JsonValue](i) for a, i in self.statements.items()}
        )


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


def _granting(
    sources: Sequence[tuple[str, PolicyDocument]],
) -> list[tuple[EscalationMethod, dict[str, tuple[tuple[str, int], ...]]]]:
    """Every method whose actions the documents together allow on every resource, with the
    (source, statement index) pairs granting each action. An unconditional Deny in any of
    them takes an action back, as IAM evaluates a principal's policies together."""
    allows = [
        (label, s)
        for label, document in sources
        for s in document.statements
        if s.allows and _on_every_resource(s)
    ]
    statements = [s for _, document in sources for s in document.statements]
    granted: dict[str, tuple[tuple[str, int], ...]] = {}
    found = []
    for method in ESCALATION_METHODS:
        for action in method.actions:
            if action not in granted:
                by = tuple((label, s.index) for label, s in allows if _names(s, action))
                granted[action] = () if _denied(statements, action) else by
        if all(granted[action] for action in method.actions):
            found.append((method, {a: granted[a] for a in method.actions}))
    return found


def escalations(policy: PolicyDocument) -> list[Escalation]:
    """Every method whose actions the document allows on every resource."""
    return [
        Escalation(method, {a: tuple(i for _, i in by) for a, by in granted.items()})
        for method, granted in _granting([("", policy)])
    ]


@dataclass(frozen=True)
class PrincipalEscalation:
    """A method a principal's policies allow together, and which policy grants each action."""

    method: EscalationMethod
    granted_by: dict[str, tuple[str, ...]]  # action -> policies (with statement) granting it

    @property
    def split(self) -> bool:
        """No single policy grants every action of the method."""
        policies = [{g.rsplit("#", 1)[0] for g in by} for by in self.granted_by.values()]
        return not set.intersection(*policies)

    def describe(self) -> str:
        return self.method.describe()

    def evidence(self) -> dict[str, JsonValue]:
        return self.method.evidence(
            granted_by={a: list[JsonValue](by) for a, by in self.granted_by.items()},
            split_across_policies=self.split,
        )


def principal_escalations(
    policies: Sequence[tuple[str, PolicyDocument]],
) -> list[PrincipalEscalation]:
    """Every method the named policies of one principal allow together on every resource;
    each grant is named "<policy>#<statement index>"."""
    return [
        PrincipalEscalation(
            method, {a: tuple(f"{label}#{i}" for label, i in by) for a, by in granted.items()}
        )
        for method, granted in _granting(policies)
    ]
