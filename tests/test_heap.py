"""The C heap's free pages go back to the kernel when the device is idle."""

from __future__ import annotations

import ctypes
import sys

import pytest

from device.heap import _glibc, return_free_memory

pytestmark = pytest.mark.skipif(_glibc() is None, reason="needs glibc's malloc_trim")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_free_pages_inside_the_heap_are_returned() -> None:
    # 60 MB of 4 KB blocks from malloc, then all freed but the last: the
    # live block at the top keeps glibc from shrinking the heap by itself,
    # as the device's long-lived allocations do.
    libc = _glibc()
    assert libc is not None
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    blocks = [libc.malloc(4096) for _ in range(15_000)]
    for b in blocks:
        libc.memset(b, 1, 4096)  # touched: resident
    for b in blocks[:-1]:
        libc.free(b)
    before = _rss_mb()
    return_free_memory()
    after = _rss_mb()
    libc.free(blocks[-1])
    assert before - after > 30, f"RSS {before:.0f} -> {after:.0f} MB"


def test_off_glibc_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    _glibc.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert _glibc() is None
        return_free_memory()  # no error
    finally:
        monkeypatch.undo()
        _glibc.cache_clear()
