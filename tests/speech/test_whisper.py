"""Whisper: the weights' supply (pins, joining, refusals) and recognition on real speech."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import pytest

from device.cli import main
from device.errors import ModelError
from device.speech.base import Transcript
from device.speech.whisper_engine import WhisperRecognizer
from device.speech.whisper_weights import (
    WEIGHTS,
    ModelFile,
    PackagedFile,
    WhisperWeights,
    is_installed,
    model_dir,
    prepared_dir,
    weights,
)

from .helpers import Speak, hear, white_noise

# --- the supply, on a package made here --------------------------------------


def _package(root: Path, name: str, files: dict[str, bytes]) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    for rel, data in files.items():
        (root / name / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / name / rel).write_bytes(data)


def _pin(package: str, path: str, data: bytes) -> PackagedFile:
    return PackagedFile(package, path, hashlib.sha256(data).hexdigest(), len(data))


@pytest.fixture
def split_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WhisperWeights:
    """Weights shaped like Whisper base's: model.bin in two packages, the rest in one."""
    one, two, config = b"first half;" * 1000, b"second half" * 1000, b'{"n_mels": 80}'
    site = tmp_path / "site"
    _package(site, "pc_test_part1", {"data/model.bin.part1": one, "data/config.json": config})
    _package(site, "pc_test_part2", {"data/model.bin.part2": two})
    monkeypatch.syspath_prepend(str(site))
    whole = one + two
    return WhisperWeights(
        name="test",
        multilingual=True,
        distributions=("pc-test-part1", "pc-test-part2"),
        source="made by the test",
        licence="MIT",
        files=(
            ModelFile(
                "model.bin",
                hashlib.sha256(whole).hexdigest(),
                len(whole),
                (
                    _pin("pc_test_part1", "data/model.bin.part1", one),
                    _pin("pc_test_part2", "data/model.bin.part2", two),
                ),
            ),
            ModelFile(
                "config.json",
                hashlib.sha256(config).hexdigest(),
                len(config),
                (_pin("pc_test_part1", "data/config.json", config),),
            ),
        ),
    )


def _one_line(exc: pytest.ExceptionInfo[ModelError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_split_weights_are_joined_once_into_a_readable_folder(
    split_weights: WhisperWeights, tmp_path: Path
) -> None:
    root = tmp_path / "models"
    folder = model_dir(split_weights, root=root)
    assert folder == prepared_dir(split_weights, root)
    assert (folder / "model.bin").read_bytes() == b"first half;" * 1000 + b"second half" * 1000
    assert (folder / "config.json").read_bytes() == b'{"n_mels": 80}'
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755  # the service's user reads it
    assert [p.name for p in root.iterdir()] == [folder.name]  # no temporary folder left
    made = (folder / "model.bin").stat().st_mtime_ns
    assert model_dir(split_weights, root=root, prepare=False) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == made  # found, not made again


def test_a_damaged_joined_copy_is_made_again(split_weights: WhisperWeights, tmp_path: Path) -> None:
    folder = model_dir(split_weights, root=tmp_path)
    with (folder / "model.bin").open("r+b") as f:  # a power cut, an edit
        f.write(b"X")
    with pytest.raises(ModelError) as caught:
        model_dir(split_weights, root=tmp_path, prepare=False)
    assert "companion models prepare" in _one_line(caught)
    again = model_dir(split_weights, root=tmp_path)
    assert (again / "model.bin").read_bytes().startswith(b"first half;")


def test_an_altered_part_is_refused_with_the_fix(
    split_weights: WhisperWeights, tmp_path: Path
) -> None:
    part = split_weights.files[0].parts[1].location()
    assert part is not None
    part.write_bytes(part.read_bytes()[:-1] + b"!")  # same size, other bytes
    with pytest.raises(ModelError) as caught:
        model_dir(split_weights, root=tmp_path / "models")
    message = _one_line(caught)
    assert str(part) in message and "sha256" in message
    assert "pip install pc-test-part1 pc-test-part2 --force-reinstall" in message
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_weights_whose_package_is_missing_say_what_to_install(tmp_path: Path) -> None:
    absent = WhisperWeights(
        "absent",
        False,
        ("pc-absent==1",),
        "",
        "",
        (ModelFile("model.bin", "0" * 64, 1, (PackagedFile("pc_absent", "m.bin", "0" * 64, 1),)),),
    )
    assert not is_installed(absent)
    with pytest.raises(ModelError) as caught:
        model_dir(absent, root=tmp_path)
    assert _one_line(caught) == "Whisper absent weights are not installed: pip install pc-absent==1"


def test_a_models_folder_that_cannot_be_made_is_one_line(
    split_weights: WhisperWeights, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # root-proof, unlike a chmod
    with pytest.raises(ModelError) as caught:
        model_dir(split_weights, root=blocker / "models")
    assert "COMPANION_MODELS_DIR" in _one_line(caught)


def test_unknown_weights_are_named() -> None:
    with pytest.raises(ModelError, match="no Whisper weights 'huge'"):
        weights("huge")


# --- the real, installed weights ---------------------------------------------


def test_the_installed_weights_match_their_pins(tmp_path: Path) -> None:
    # Loading checks every file; here the split one is joined and checked too.
    for w in WEIGHTS.values():
        if not is_installed(w):
            pytest.skip(f"{w.name} is not installed: {w.install_hint()}")
        folder = model_dir(w, root=tmp_path)
        assert {f.name for f in w.files} <= {p.name for p in folder.iterdir()}


def test_companion_models_prepare_joins_the_split_weights(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = weights("base")
    if not is_installed(base):
        pytest.skip(base.install_hint())
    assert main(["models", "prepare", "--dest", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(prepared_dir(base, tmp_path))


# --- recognition --------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["what time is it", "what do you see", "read this", "stop"])
def test_whisper_recognises_english_commands(
    whisper_en: WhisperRecognizer, say_en: Speak, phrase: str
) -> None:
    heard = hear(whisper_en, say_en(phrase))
    assert (heard.text, heard.from_grammar, heard.engine) == (phrase, True, "whisper")
    assert 0.0 < heard.confidence <= 1.0


def test_whisper_writes_other_speech_as_free_text(
    whisper_en: WhisperRecognizer, say_en: Speak
) -> None:
    sentence = "the weather is lovely in paris today"
    heard = hear(whisper_en, say_en(sentence))
    assert not heard.from_grammar
    assert len(set(re.findall(r"[a-z]+", heard.text)) & set(sentence.split())) >= 5, heard.text


@pytest.mark.parametrize("rms", [0.0, 300.0, 3000.0])
def test_whisper_hears_nothing_in_silence_or_white_noise(
    whisper_en: WhisperRecognizer, rms: float
) -> None:
    assert hear(whisper_en, white_noise(seconds=2.0, rms=rms)) == Transcript.nothing("whisper")


def test_whisper_without_fallback_answers_commands_only(say_en: Speak) -> None:
    with WhisperRecognizer(
        weights=weights("tiny.en"),
        language="en",
        phrases=["What time is it?"],
        free_form_fallback=False,
        models_root=Path("/nonexistent"),  # tiny.en loads from its package
    ) as recognizer:
        assert recognizer.phrases == ("what time is it",)
        assert hear(recognizer, say_en("what time is it")).text == "what time is it"
        assert hear(recognizer, say_en("the weather is lovely in paris today")).is_empty


def test_english_only_weights_refuse_korean() -> None:
    with pytest.raises(ModelError, match="hears English only"):
        WhisperRecognizer(
            weights=weights("tiny.en"), language="ko", phrases=[], models_root=Path("/x")
        )


@pytest.mark.parametrize("phrase", ["지금 몇 시야", "도와줘"])
def test_whisper_recognises_korean_commands(
    whisper_ko: WhisperRecognizer, say_ko: Speak, phrase: str
) -> None:
    heard = hear(whisper_ko, say_ko(phrase))
    assert (heard.text, heard.from_grammar, heard.engine) == (phrase, True, "whisper")
