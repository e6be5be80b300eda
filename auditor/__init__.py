"""auditor: audits an AWS account against best practices and writes findings reports."""

__version__ = "0.1.0"
