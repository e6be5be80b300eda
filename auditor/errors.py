"""The auditor's own exceptions: each is a problem the user can fix, shown as one line, exit 2."""


class AuditorError(Exception):
    """Base of every error the CLI prints as one line and exits 2 on."""


class UsageError(AuditorError):
    """An option or argument that cannot work (unknown check, region, format…)."""


class CredentialError(AuditorError):
    """No usable AWS credentials, or a profile that does not exist."""


class InputFileError(AuditorError):
    """A snapshot or result file that is missing, unreadable, corrupt or from elsewhere."""


class OutputError(AuditorError):
    """A report destination that cannot be written."""


class PluginError(AuditorError):
    """A check or collector plugin that fails to load or declares something invalid."""
