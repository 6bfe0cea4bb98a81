"""The model supply refuses missing, altered and unknown models with one line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from device.errors import ModelError
from device.vision.models import MANIFEST, load_manifest, open_session, verify


def _manifest(root: Path, name: str, data: bytes, **overrides: object) -> None:
    (root / f"{name}.onnx").write_bytes(data)
    fields: dict[str, object] = {
        "task": "test",
        "file": f"{name}.onnx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "source": "test",
        "licence": "MIT",
        "input": "x",
        "output": "y",
        "why": "test",
    }
    fields.update(overrides)
    body = "\n".join(
        f"{k} = {v}" if isinstance(v, int) else f'{k} = "{v}"' for k, v in fields.items()
    )
    with (root / "manifest.toml").open("a") as f:
        f.write(f"[models.{name}]\n{body}\n")


def test_every_committed_model_matches_its_manifest() -> None:
    entries = load_manifest(MANIFEST)
    assert {
        "objects",
        "text-detect",
        "text-recognise",
        "text-charset",
        "faces",
        "face-mesh",
        "face-emotion",
        "face-attributes",
    } <= set(entries)
    for entry in entries.values():
        assert verify(entry).is_file()
        assert entry.source and entry.licence and entry.why


def test_unknown_model_names_the_known_ones(tmp_path: Path) -> None:
    _manifest(tmp_path, "good", b"x")
    with pytest.raises(ModelError, match=r"'nope' is not in the manifest \(known: good\)"):
        open_session("nope", root=tmp_path)


def test_missing_file_says_how_to_rebuild(tmp_path: Path) -> None:
    _manifest(tmp_path, "gone", b"abc")
    (tmp_path / "gone.onnx").unlink()
    with pytest.raises(ModelError, match=r"gone\.onnx is missing: rebuild it with"):
        open_session("gone", root=tmp_path)


def test_truncated_file_is_refused_before_parsing(tmp_path: Path) -> None:
    _manifest(tmp_path, "cut", b"abcdef")
    (tmp_path / "cut.onnx").write_bytes(b"abc")
    with pytest.raises(ModelError, match=r"cut\.onnx is 3 bytes, the manifest says 6"):
        open_session("cut", root=tmp_path)


def test_altered_file_of_the_same_size_is_refused(tmp_path: Path) -> None:
    _manifest(tmp_path, "swap", b"abcdef")
    (tmp_path / "swap.onnx").write_bytes(b"abcdeX")
    with pytest.raises(ModelError, match="does not match its manifest checksum"):
        open_session("swap", root=tmp_path)


def test_corrupt_model_with_matching_checksum_is_a_clear_error(tmp_path: Path) -> None:
    _manifest(tmp_path, "junk", b"this is not an onnx protobuf")
    with pytest.raises(ModelError, match=r"junk\.onnx cannot be loaded by onnxruntime"):
        open_session("junk", root=tmp_path)


def test_manifest_entry_missing_keys(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text('[models.half]\ntask = "x"\n')
    with pytest.raises(ModelError, match="'half' lacks file, sha256"):
        load_manifest(tmp_path / "manifest.toml")
