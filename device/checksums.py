"""SHA-256 of model files, each hashed once per process and per version on disk.

Both model supplies (the ONNX vision models and the Whisper speech weights)
refuse a file whose checksum differs from its pin.  Hashing a 150 MB file
takes a noticeable fraction of a second, so a file is hashed once per
process for each (size, modification time) it has: a file rewritten while
the device runs is hashed again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of the file at ``path``, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_sha256(path: Path) -> str:
    """:func:`sha256_of`, remembered for this version of the file (``OSError`` if absent)."""
    st = path.stat()
    return _hashed(path, st.st_mtime_ns, st.st_size)


@cache
def _hashed(path: Path, mtime_ns: int, size: int) -> str:
    return sha256_of(path)
