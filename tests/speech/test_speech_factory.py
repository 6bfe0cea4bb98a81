"""Engine selection, and one-line errors for missing or broken models."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest

from device.errors import ConfigError, ModelError
from device.speech.base import RecognizerSettings
from device.speech.espeak_engine import EspeakSynthesizer
from device.speech.factory import open_recognizer, open_synthesizer
from device.speech.models import MODELS
from device.speech.piper_engine import PiperSynthesizer
from device.speech.sphinx_engine import PocketSphinxRecognizer

PHRASES = ("what time is it", "what do you see")


def _corrupt_model(root: Path) -> Path:
    """A folder shaped like a Vosk model whose files are junk."""
    for name in ("am/final.mdl", "conf/mfcc.conf", "graph/HCLr.fst", "graph/Gr.fst"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"junk")
    return root


def english(models_root: Path, vosk_model_dir: Path | None = None) -> RecognizerSettings:
    # An explicit models_root: a model fetched on this machine must not change the answer.
    return RecognizerSettings(
        language="en", phrases=PHRASES, vosk_model_dir=vosk_model_dir, models_root=models_root
    )


def test_english_uses_whisper_even_with_a_fetched_vosk_model(tmp_path: Path) -> None:
    # The fetched folder is junk: "auto" reaching for it would be the corrupt-model error.
    _corrupt_model(tmp_path / MODELS["vosk-en"].top_dir)
    with closing(open_recognizer(english(tmp_path))) as recognizer:
        assert (recognizer.language, recognizer.name) == ("en", "whisper")


def test_an_explicit_pocketsphinx_keeps_the_phrases(tmp_path: Path) -> None:
    with closing(open_recognizer(english(tmp_path), recognizer="pocketsphinx")) as recognizer:
        assert isinstance(recognizer, PocketSphinxRecognizer)
        assert recognizer.phrases == PHRASES


def test_an_explicit_pocketsphinx_is_used_even_with_a_vosk_model_there(tmp_path: Path) -> None:
    _corrupt_model(tmp_path / MODELS["vosk-en"].top_dir)
    with closing(open_recognizer(english(tmp_path), recognizer="pocketsphinx")) as recognizer:
        assert recognizer.name == "pocketsphinx"


def test_an_absent_english_vosk_model_dir_is_a_model_error_not_a_fallback(tmp_path: Path) -> None:
    missing = tmp_path / "vosk-model-small-en-us-0.15"
    with pytest.raises(ModelError, match="no model folder at") as caught:
        open_recognizer(english(tmp_path, vosk_model_dir=missing))
    message = str(caught.value)
    assert str(missing) in message and "companion models fetch" in message
    assert "\n" not in message


def test_english_with_a_corrupt_vosk_model_is_a_model_error(tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "model")
    with pytest.raises(ModelError) as caught:
        open_recognizer(english(tmp_path, vosk_model_dir=broken))
    message = str(caught.value)
    assert str(broken) in message and "corrupt" in message and "\n" not in message


def test_an_explicit_vosk_without_an_english_model_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        open_recognizer(english(tmp_path), recognizer="vosk")
    message = str(caught.value)
    assert "companion models fetch" in message and "speech.vosk_model_dir" in message
    assert "\n" not in message


def test_pocketsphinx_for_korean_is_a_config_error() -> None:
    settings = RecognizerSettings(language="ko", phrases=("지금 몇 시야",))
    with pytest.raises(ConfigError) as caught:
        open_recognizer(settings, recognizer="pocketsphinx")
    assert str(caught.value) == (
        "speech.recognizer = 'pocketsphinx' has no Korean model; use 'whisper' or 'vosk' or 'auto'"
    )


def test_an_unknown_recognizer_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'sphinx' must be one of 'auto', "):
        open_recognizer(english(tmp_path), recognizer="sphinx")


def test_korean_with_a_missing_model_dir_is_a_model_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    settings = RecognizerSettings(language="ko", phrases=("지금 몇 시야",), vosk_model_dir=missing)
    with pytest.raises(ModelError, match="no model folder at") as caught:
        open_recognizer(settings)
    assert str(missing) in str(caught.value)


def test_korean_with_a_corrupt_model_dir_is_a_model_error(tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "model")
    settings = RecognizerSettings(language="ko", phrases=("지금 몇 시야",), vosk_model_dir=broken)
    with pytest.raises(ModelError, match="corrupt"):
        open_recognizer(settings)


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="fr"):
        open_recognizer(RecognizerSettings(language="fr"))  # type: ignore[arg-type]
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


def test_the_device_opens_the_configured_recognizer(tmp_path: Path) -> None:
    from device.assistant import load_engines
    from device.config import Config
    from device.skills.registry import default_registry

    skills = default_registry()
    sphinx = Config().with_overrides(speech={"recognizer": "pocketsphinx"})
    with pytest.raises(ConfigError, match="'pocketsphinx' has no Korean model"):
        load_engines(sphinx, skills, "ko")
    missing = Config().with_overrides(speech={"vosk_model_dir": str(tmp_path / "absent")})
    with pytest.raises(ModelError, match="no model folder at"):
        load_engines(missing, skills, "en")
    # A Vosk folder is no concern of an explicit PocketSphinx.
    both = sphinx.with_overrides(speech={"vosk_model_dir": str(tmp_path / "absent")})
    with closing(load_engines(both, skills, "en")) as engines:
        assert engines.recognizer.name == "pocketsphinx"
        assert engines.recognizer.language == "en"
