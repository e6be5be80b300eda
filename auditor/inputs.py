"""Reading the files a user names (snapshot, result, mutelist, configuration): one clear
`InputFileError` for every way a path can be wrong, so each command says it the same way."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import InputFileError


def read_input(path: Path, what: str) -> bytes:
    """The bytes of `what` (e.g. "snapshot") at `path`; never blocks on a FIFO or device."""
    shown = repr(str(path))
    if path.is_dir():
        raise InputFileError(f"{what} {shown} is a directory, not a file")
    if path.exists() and not path.is_file():
        raise InputFileError(f"{what} {shown} is not a regular file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"cannot read {what} {shown}: no such file") from None
    except PermissionError:
        raise InputFileError(f"cannot read {what} {shown}: permission denied") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {shown}: {exc.strerror or exc}") from None


def read_input_text(path: Path, what: str) -> str:
    try:
        return read_input(path, what).decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError(f"{what} {str(path)!r} is not UTF-8 text") from None
