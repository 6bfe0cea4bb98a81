"""Model fetching against a real HTTP server on 127.0.0.1 serving zips built here."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from device.errors import ModelError
from device.speech.models import (
    MODELS,
    default_models_root,
    fetch_model,
    installed_model_dir,
)

TOP = MODELS["vosk-en"].top_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean; the status code is what is tested


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder, and the base URL of an HTTP server on 127.0.0.1 serving it."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _zip(path: Path, members: dict[str, bytes]) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return hashlib.sha256(path.read_bytes()).hexdigest()


MODEL_FILES = {
    f"{TOP}/am/final.mdl": b"acoustic model",
    f"{TOP}/conf/mfcc.conf": b"--use-energy=false\n",
    f"{TOP}/graph/Gr.fst": b"grammar",
}


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.name != TOP]


def test_good_archive_is_installed(served: tuple[Path, str], tmp_path: Path) -> None:
    folder, base = served
    sha = _zip(folder / "model.zip", MODEL_FILES)
    root = tmp_path / "models"
    assert installed_model_dir("vosk-en", root) is None
    model = fetch_model("vosk-en", dest_root=root, url=f"{base}/model.zip", sha256=sha, timeout=5)
    assert model == root / TOP == installed_model_dir("vosk-en", root)
    assert (model / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert _leftovers(root) == []
    # Installed already: returned as is, without touching the network.
    again = fetch_model("vosk-en", dest_root=root, url="http://127.0.0.1:9/none.zip", timeout=1)
    assert again == model


def test_checksum_mismatch_installs_nothing(served: tuple[Path, str], tmp_path: Path) -> None:
    folder, base = served
    actual = _zip(folder / "model.zip", MODEL_FILES)
    expected = "0" * 64
    root = tmp_path / "models"
    with pytest.raises(ModelError) as caught:
        fetch_model("vosk-en", dest_root=root, url=f"{base}/model.zip", sha256=expected)
    assert expected in str(caught.value) and actual in str(caught.value)
    assert installed_model_dir("vosk-en", root) is None
    assert list(root.iterdir()) == []


@pytest.mark.parametrize(
    "evil", ["../escaped.txt", f"{TOP}/../../escaped.txt", "/tmp/escaped-absolute.txt"]
)
def test_members_escaping_the_folder_are_rejected(
    served: tuple[Path, str], tmp_path: Path, evil: str
) -> None:
    folder, base = served
    sha = _zip(folder / "model.zip", {**MODEL_FILES, evil: b"gotcha"})
    root = tmp_path / "a" / "models"
    with pytest.raises(ModelError, match="outside"):
        fetch_model("vosk-en", dest_root=root, url=f"{base}/model.zip", sha256=sha)
    assert list(root.iterdir()) == []
    assert not (tmp_path / "a" / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_archive_without_the_model_folder_is_rejected(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    sha = _zip(folder / "model.zip", {"something-else/README": b"hi"})
    root = tmp_path / "models"
    with pytest.raises(ModelError, match=TOP):
        fetch_model("vosk-en", dest_root=root, url=f"{base}/model.zip", sha256=sha)
    assert list(root.iterdir()) == []


def test_http_error_and_corrupt_zip_are_model_errors(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    with pytest.raises(ModelError, match="HTTP 404"):
        fetch_model("vosk-en", dest_root=tmp_path, url=f"{base}/missing.zip", timeout=5)
    (folder / "junk.zip").write_bytes(b"not a zip")
    sha = hashlib.sha256(b"not a zip").hexdigest()
    with pytest.raises(ModelError, match="not a valid zip"):
        fetch_model("vosk-en", dest_root=tmp_path, url=f"{base}/junk.zip", sha256=sha)
    assert list(tmp_path.iterdir()) == [folder.parent / "www"]


def test_unknown_model_name_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="vosk-en"):
        fetch_model("no-such-model", dest_root=tmp_path)


def test_pinned_source_is_well_formed_and_is_what_a_fetch_checks(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    import re

    source = MODELS["vosk-en"]
    assert source.url.startswith("https://") and source.url.endswith(f"/{source.top_dir}.zip")
    assert re.fullmatch("[0-9a-f]{64}", source.sha256), source.sha256
    # A mirror (--url without --sha256) is held to the pin: this archive is
    # not the pinned one, so it is refused, naming the pin.
    folder, base = served
    _zip(folder / "model.zip", MODEL_FILES)
    with pytest.raises(ModelError, match=source.sha256):
        fetch_model("vosk-en", dest_root=tmp_path / "models", url=f"{base}/model.zip")


def test_models_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_MODELS_DIR", "/srv/models")
    assert default_models_root() == Path("/srv/models")
    monkeypatch.delenv("COMPANION_MODELS_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", "/data")
    assert default_models_root() == Path("/data/pocket-companion/models")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", "/home/pi")
    assert default_models_root() == Path("/home/pi/.local/share/pocket-companion/models")
