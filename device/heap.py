"""The C heap: how glibc's malloc is set up, and handing its free pages back.

Most of the device's memory is native: onnxruntime, CTranslate2 (Whisper),
Piper and OpenCV allocate through glibc's malloc, and glibc keeps what they
free for later instead of returning it to the kernel.  Both calls here are
no-ops off glibc (another libc, another OS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import sys

_M_ARENA_MAX = -8  # from <malloc.h>


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if not name or "libc.so" not in name:
        return None
    libc = ctypes.CDLL(name)
    return libc if hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas() -> None:
    """Give glibc one malloc arena, before any worker thread starts.

    glibc gives threads their own arenas (up to 8 per core), each keeping
    freed memory.  The runtime now has a fixed set of long-lived workers
    rather than a thread per effect, which made this matter less, but the
    figures still favour one arena (English demo, 2-core x86, Dec 2026): peak
    RSS 510 MB with glibc's default, 492 MB with one arena; the Pi Zero 2 W
    profile 324 -> 317 MB (with a thread per effect it was 529 -> 510 MB),
    with release-to-first-audio unchanged.  ``MALLOC_ARENA_MAX`` in the
    environment (glibc's own tunable) is left to win, which is also how
    ``bench/device_bench.py`` measures both.
    """
    libc = _glibc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(_M_ARENA_MAX, 1)


def return_free_memory() -> None:
    """Hand the heap's free pages back to the kernel (glibc's ``malloc_trim``).

    Called when a turn has ended and the device is idle.  Each turn's
    decodes and looks leave the one arena fragmented: measured in
    ``companion run`` at rest over a 200-cycle soak (2-core x86, Dec 2026),
    the arena held 202 MB in use and 53-97 MB free, and the free part
    stays resident, rising and falling with no bound but the arena's size
    (RSS 504-553 MB, +8.7 % over 1,000 cycles).  Trimming took that RSS
    from 508-552 MB to 457-467 MB, in 4.5-11 ms, while nothing waits on it.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
