# The role a GitHub Actions job assumes to audit this AWS account (apply once per account):
# it trusts GitHub's OIDC provider for one repository's main branch only, reads through the
# managed SecurityAudit policy, and, when a baseline bucket is named, may read and replace the
# baseline objects under auditor/ in that bucket, with a policy of its own. The same trust
# policy as JSON: github-oidc-trust-policy.json; the baseline policy: baseline-object-policy.json.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "github_repository" {
  description = "OWNER/REPO of the repository whose workflow runs the auditor."
  type        = string
}

variable "branch" {
  description = "The only branch whose runs may assume the role."
  type        = string
  default     = "main"
}

variable "role_name" {
  type    = string
  default = "auditor-ci"
}

variable "baseline_bucket" {
  description = "A bucket of its own for the baselines (versioning on), or \"\" to keep them as artifacts."
  type        = string
  default     = ""
}

variable "create_oidc_provider" {
  description = "false when the account already has token.actions.githubusercontent.com."
  type        = bool
  default     = true
}

locals {
  issuer = "token.actions.githubusercontent.com"
}

# One provider per account. AWS verifies GitHub's tokens against its own trusted root
# certificates; the thumbprint is still a required argument in older providers.
resource "aws_iam_openid_connect_provider" "github" {
  count           = var.create_oidc_provider ? 1 : 0
  url             = "https://${local.issuer}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "GitHubActionsMainBranchOfOneRepository"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.issuer}"]
    }
    # Both conditions: the token is meant for STS, and comes from a run on that branch of that
    # repository (not a fork, a pull request or another branch).
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["repo:${var.github_repository}:ref:refs/heads/${var.branch}"]
    }
  }
}

resource "aws_iam_role" "auditor" {
  name                 = var.role_name
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  depends_on           = [aws_iam_openid_connect_provider.github]
}

# Read-only, and covers every call the auditor sends (or use `auditor policy` for exactly the
# selected checks' reads).
resource "aws_iam_role_policy_attachment" "security_audit" {
  role       = aws_iam_role.auditor.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

data "aws_iam_policy_document" "baseline" {
  count = var.baseline_bucket == "" ? 0 : 1
  statement {
    sid       = "ReadAndReplaceTheBaseline"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:aws:s3:::${var.baseline_bucket}/auditor/*"]
  }
  # Without it a missing first baseline reads as "denied" (403), not "absent" (404).
  statement {
    sid       = "TellAMissingBaselineFromADeniedOne"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::${var.baseline_bucket}"]
  }
}

resource "aws_iam_role_policy" "baseline" {
  count  = var.baseline_bucket == "" ? 0 : 1
  name   = "auditor-baseline-object"
  role   = aws_iam_role.auditor.id
  policy = data.aws_iam_policy_document.baseline[0].json
}

output "role_arn" {
  description = "The repository variable AUDITOR_ROLE_ARN."
  value       = aws_iam_role.auditor.arn
}
