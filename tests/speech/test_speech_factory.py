"""Engine selection, and one-line errors for missing or broken models."""

from __future__ import annotations

import logging
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from device.errors import ConfigError, ModelError
from device.speech.espeak_engine import EspeakSynthesizer
from device.speech.factory import open_recognizer, open_synthesizer
from device.speech.piper_engine import PiperSynthesizer
from device.speech.sphinx_engine import PocketSphinxRecognizer

PHRASES = ["what time is it", "what do you see"]


def _corrupt_model(root: Path) -> Path:
    """A folder shaped like a Vosk model whose files are junk."""
    for name in ("am/final.mdl", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"junk")
    return root


def test_english_without_a_vosk_model_uses_pocketsphinx() -> None:
    with closing(
        open_recognizer(language="en", phrases=PHRASES, vosk_model_dir=None)
    ) as recognizer:
        assert isinstance(recognizer, PocketSphinxRecognizer)
        assert (recognizer.language, recognizer.name) == ("en", "pocketsphinx")


def test_english_with_an_absent_vosk_model_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "vosk-model-small-en-us-0.15"
    with caplog.at_level(logging.WARNING, logger="device.speech.factory"):
        recognizer = open_recognizer(language="en", phrases=PHRASES, vosk_model_dir=missing)
    with closing(recognizer):
        assert isinstance(recognizer, PocketSphinxRecognizer)
    assert str(missing) in caplog.text


def test_english_with_a_corrupt_vosk_model_is_a_model_error(tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "model")
    with pytest.raises(ModelError) as caught:
        open_recognizer(language="en", phrases=PHRASES, vosk_model_dir=broken)
    message = str(caught.value)
    assert str(broken) in message and "corrupt" in message and "\n" not in message


def test_korean_with_a_missing_model_dir_is_a_model_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ModelError, match="does not exist") as caught:
        open_recognizer(language="ko", phrases=["지금 몇 시야"], vosk_model_dir=missing)
    assert str(missing) in str(caught.value)


def test_korean_with_a_corrupt_model_dir_is_a_model_error(tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "model")
    with pytest.raises(ModelError, match="corrupt"):
        open_recognizer(language="ko", phrases=["지금 몇 시야"], vosk_model_dir=broken)


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="fr"):
        open_recognizer(language="fr", phrases=PHRASES, vosk_model_dir=None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="fr"):
        open_synthesizer(language="fr")  # type: ignore[arg-type]


def test_english_speaks_with_piper() -> None:
    with closing(open_synthesizer(language="en")) as voice:
        assert isinstance(voice, PiperSynthesizer)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_korean_speaks_with_espeak() -> None:
    with closing(open_synthesizer(language="ko")) as voice:
        assert isinstance(voice, EspeakSynthesizer)
        assert voice.language == "ko"
