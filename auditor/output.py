"""Files the CLI writes and reads: reports and snapshots, written atomically (temp + rename)."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from auditor.errors import InputFileError, OutputError
from auditor.inputs import read_input
from auditor.models import SNAPSHOT_SCHEMA_VERSION, Snapshot


def prepare_output_dir(path: Path) -> Path:
    """Create the directory if needed and prove it is writable before any work is done."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"output path {str(path)!r} is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output directory {str(path)!r}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"output directory {str(path)!r} is not writable")
    return path


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, then rename: readers never see half a file."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror}") from None
    try:
        # mkstemp makes the file 0600; a report gets the mode any new file of the user gets.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {str(path)!r}: {exc.strerror}") from None
        raise


def snapshot_bytes(snapshot: Snapshot, path: Path) -> bytes:
    data = snapshot.model_dump_json(indent=None).encode()
    return gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data


def load_snapshot(path: Path) -> Snapshot:
    raw = read_input(path, "snapshot")
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise InputFileError(f"snapshot {str(path)!r} is a corrupt gzip file") from None
    try:
        return Snapshot.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        if first["loc"][:1] == ("schema_version",):
            found = first.get("input")
            raise InputFileError(
                f"snapshot {str(path)!r} has schema_version {found!r}; this auditor reads "
                f"{SNAPSHOT_SCHEMA_VERSION!r}"
            ) from None
        if first["type"] == "json_invalid":
            raise InputFileError(f"snapshot {str(path)!r} is not valid JSON") from None
        raise InputFileError(
            f"snapshot {str(path)!r} is not an auditor snapshot ({where}: {first['msg']})"
        ) from None
