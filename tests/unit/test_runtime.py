"""The malloc arena cap the CLI sets before any thread starts."""

from __future__ import annotations

import platform
import sys

import pytest

from auditor.runtime import cap_malloc_arenas


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="mallopt arenas are a glibc feature; elsewhere the cap is documented as a no-op",
)
def test_glibc_accepts_the_arena_cap() -> None:
    assert cap_malloc_arenas() is True


def test_without_glibc_the_cap_reports_it_did_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")

    assert cap_malloc_arenas() is False
