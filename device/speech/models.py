"""Fetching speech models that no package registry ships (the English Vosk model).

Run once on a machine with internet; afterwards everything is offline.  A fetch
downloads into a private temporary folder inside ``dest_root``, checks the
archive's pinned SHA-256, unpacks it there (refusing members that would land
outside it) and only then renames the model folder into place.  A rename
within one file system is atomic, so an interrupted or failed fetch never
leaves a half model where :func:`installed_model_dir` would find it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from device.errors import ModelError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelSource:
    """Where a model archive comes from and what it must look like."""

    url: str
    """HTTPS address of the zip archive."""
    sha256: str
    """Hex SHA-256 of the whole archive, pinned here."""
    top_dir: str
    """The single folder the archive unpacks to; becomes the model folder."""


MODELS: dict[str, ModelSource] = {
    # SHA-256 not computed here (this machine has no internet).  It is the value
    # independent public projects pin for this exact URL, among them two Yocto
    # recipes (Automotive Grade Linux's meta-agl-devel and wirepod-pi-yocto)
    # whose build fetcher refuses a download that does not match.
    "vosk-en": ModelSource(
        url="https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
        top_dir="vosk-model-small-en-us-0.15",
    ),
}

_CHUNK = 1 << 20
_STALE_S = 24 * 3600.0
_TMP_PREFIX = ".fetch-"


def default_models_root() -> Path:
    """``$COMPANION_MODELS_DIR``, else ``$XDG_DATA_HOME/pocket-companion/models``.

    ``XDG_DATA_HOME`` defaults to ``~/.local/share``.
    """
    override = os.environ.get("COMPANION_MODELS_DIR")
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "pocket-companion" / "models"


def _source(name: str) -> ModelSource:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}: known models are {sorted(MODELS)}") from None


def installed_model_dir(name: str, root: Path) -> Path | None:
    """The model's folder under ``root`` if it is installed, else ``None``."""
    candidate = root / _source(name).top_dir
    return candidate if candidate.is_dir() else None


def fetch_model(
    name: str,
    *,
    dest_root: Path,
    url: str | None = None,
    sha256: str | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download, verify and install model ``name`` under ``dest_root``; return its folder.

    ``url`` and ``sha256`` override the pinned source (a mirror, or a test
    server); ``timeout`` bounds each network wait, not the whole download.  An
    already installed model is returned as it is.
    """
    source = _source(name)
    final = dest_root / source.top_dir
    if final.is_dir():
        log.info("%s is already installed in %s", name, final)
        return final
    url = url or source.url
    expected = (sha256 or source.sha256).lower()
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the model folder {dest_root}: {exc.strerror}") from exc
    _remove_stale_temp_dirs(dest_root)
    work = Path(tempfile.mkdtemp(prefix=_TMP_PREFIX, dir=dest_root))
    try:
        archive = work / "archive.zip"
        actual = _download(url, archive, timeout=timeout)
        if actual != expected:
            raise ModelError(
                f"{name}: checksum mismatch for {url}: expected {expected}, got {actual}"
            )
        unpacked = work / "unpacked"
        _safe_extract(archive, unpacked)
        model = unpacked / source.top_dir
        if not model.is_dir():
            raise ModelError(f"{name}: archive from {url} has no {source.top_dir}/ folder")
        try:
            model.rename(final)
        except OSError as exc:
            if final.is_dir():  # another fetch finished first; theirs is as good
                return final
            raise ModelError(f"cannot install {name} into {final}: {exc.strerror}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("installed %s in %s", name, final)
    return final


def _download(url: str, target: Path, *, timeout: float) -> str:
    """Stream ``url`` into ``target``; return the hex SHA-256 of what arrived."""
    digest = hashlib.sha256()
    log.info("downloading %s", url)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            while chunk := response.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"download of {url} failed: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise ModelError(f"download of {url} failed: {exc.reason}") from exc
    except (TimeoutError, OSError) as exc:
        raise ModelError(f"download of {url} failed: {exc}") from exc
    return digest.hexdigest()


def _safe_extract(archive: Path, target: Path) -> None:
    """Unpack ``archive`` into ``target``, refusing anything that could escape it."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                _check_member(member)
            target.mkdir()
            zf.extractall(target)
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{archive.name} is not a valid zip archive: {exc}") from exc


def _check_member(member: zipfile.ZipInfo) -> None:
    name = member.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ModelError(f"model archive member {name!r} would be written outside its folder")
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        # zipfile writes a link as a plain file today, but a model has no links.
        raise ModelError(f"model archive member {name!r} is a symbolic link")


def _remove_stale_temp_dirs(root: Path) -> None:
    # Leftovers of fetches that were killed; a fresh one may belong to a fetch
    # still running in another process, so only day-old ones go.
    now = time.time()
    for entry in root.glob(_TMP_PREFIX + "*"):
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > _STALE_S:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
