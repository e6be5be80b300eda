"""Process-wide settings the scan wants before any thread starts."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# glibc's mallopt() parameter for the number of malloc arenas.
_M_ARENA_MAX = -8
# Collection runs dozens of threads; glibc gives busy threads arenas of their own (up to eight
# per core), and each keeps freed memory mapped. Two arenas hold a scan's peak memory ~10%
# lower at no measurable cost in speed (bench/README.md).
_ARENAS = 2


def cap_malloc_arenas() -> bool:
    """Limit glibc's malloc arenas; False where there is no glibc (macOS, musl, Windows)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_ARENA_MAX, _ARENAS))
