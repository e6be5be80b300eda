"""Atomic report writing: a complete file or the earlier one, with the user's usual mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.errors import OutputError
from auditor.output import write_atomic


@pytest.fixture
def umask_027() -> Iterator[None]:
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_report_gets_the_mode_the_umask_gives_new_files(tmp_path: Path, umask_027: None) -> None:
    path = tmp_path / "auditor-report.json"

    write_atomic(path, b"{}")

    assert path.read_bytes() == b"{}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_replacing_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "auditor-report.html"
    path.write_bytes(b"old")

    write_atomic(path, b"new")

    assert path.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["auditor-report.html"]


def test_an_unwritable_destination_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(tmp_path / "missing-dir" / "auditor-report.json", b"{}")
