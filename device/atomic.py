"""Replacing a file whole, so a kill or a power cut leaves the old or the new.

The bytes go to a temporary file beside the target (same filesystem, so the
rename is atomic), which is flushed to the card, renamed over the target,
and the directory is flushed too so that the rename itself survives a power
cut.  The temporary's name starts with ``prefix``: an owner that may be
killed mid-write removes files with that prefix when it starts.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, *, prefix: str) -> None:
    """Make ``path`` hold ``data``, atomically; OSError if the card refuses."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut (best effort)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
