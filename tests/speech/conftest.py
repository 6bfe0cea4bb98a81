"""Real speech engines, loaded once per session.

Audio for the recognisers is made by the real synthesisers (Piper for English,
espeak-ng for Korean), resampled to the microphone's 16 kHz.  Engines that
cannot load on this machine are skipped, not faked.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import numpy as np
import pytest

from device.assistant import recognizer_settings
from device.errors import ModelError
from device.language import Language
from device.skills.registry import SkillRegistry, default_registry
from device.speech.base import RecognizerSettings
from device.speech.espeak_engine import EspeakSynthesizer
from device.speech.piper_engine import PiperSynthesizer
from device.speech.sphinx_engine import PocketSphinxRecognizer
from device.speech.vosk_engine import VoskRecognizer, korean_model_dir
from device.speech.whisper_engine import WhisperRecognizer
from device.speech.whisper_engine import open_recognizer as open_whisper
from device.vision.pipeline import VisionPipeline
from hardware.pcm import resample
from hardware.ports import MIC_RATE

from .helpers import Speak, pad

EN_PHRASES = [
    "what time is it",
    "what do you see",
    "read this",
    "how much battery is left",
    "when did you last see a bicycle",
    "describe what is in front of me",
    "how hot are you",
    "stop",
]
KO_PHRASES = [
    "지금 몇 시야",
    "몇 시야",
    "무엇이 보여요",
    "뭐가 보여",
    "이거 읽어 줘",
    "도와줘",
    "너무 커",
    "배터리 얼마나 남았어",  # "남았어" is not in the small Korean model
]


@pytest.fixture(scope="session")
def piper() -> Iterator[PiperSynthesizer]:
    with PiperSynthesizer(deterministic=True) as voice:
        yield voice


@pytest.fixture(scope="session")
def espeak_ko() -> Iterator[EspeakSynthesizer]:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    with EspeakSynthesizer(voice="ko", language="ko") as voice:
        yield voice


def _speaker(voice: PiperSynthesizer | EspeakSynthesizer) -> Speak:
    def say(text: str) -> np.typing.NDArray[np.int16]:
        audio = np.concatenate(list(voice.sentences(text)))
        return pad(resample(audio, voice.sample_rate, MIC_RATE))

    return say


@pytest.fixture(scope="session")
def say_en(piper: PiperSynthesizer) -> Speak:
    """English text to 16 kHz speech (Piper), as heard from the microphone."""
    return _speaker(piper)


@pytest.fixture(scope="session")
def say_ko(espeak_ko: EspeakSynthesizer) -> Speak:
    """Korean text to 16 kHz speech (espeak-ng), as heard from the microphone."""
    return _speaker(espeak_ko)


@pytest.fixture(scope="session")
def sphinx() -> Iterator[PocketSphinxRecognizer]:
    with PocketSphinxRecognizer(phrases=EN_PHRASES) as recognizer:
        yield recognizer


@pytest.fixture(scope="session")
def vosk_ko() -> Iterator[VoskRecognizer]:
    """The Korean Vosk recogniser: about 2 s and 570 MB to load, so once."""
    try:
        model_dir = korean_model_dir()
    except ModelError as exc:
        pytest.skip(str(exc))
    with VoskRecognizer(model_dir=model_dir, language="ko", phrases=KO_PHRASES) as recognizer:
        yield recognizer


def _whisper(language: Language, phrases: list[str]) -> WhisperRecognizer:
    # As the device opens it (its language's weights and decoding); the models
    # folder is the session's (tests/conftest.py).
    settings = RecognizerSettings(
        language=language, phrases=tuple(phrases), examples=tuple(phrases)
    )
    try:
        return open_whisper(settings)
    except ModelError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def whisper_en() -> Iterator[WhisperRecognizer]:
    """English Whisper (tiny.en): 0.3 s and ~100 MB to load."""
    with _whisper("en", EN_PHRASES) as recognizer:
        yield recognizer


@pytest.fixture(scope="session")
def whisper_ko() -> Iterator[WhisperRecognizer]:
    """Korean Whisper (base): joined once into the session's models folder."""
    with _whisper("ko", KO_PHRASES) as recognizer:
        yield recognizer


# --- as the device opens them: every phrase of the skills, the acting ones known


@pytest.fixture(scope="session")
def skills() -> SkillRegistry:
    """The device's skills, with eyes (no vision model loads until it looks)."""
    return default_registry(eyes=VisionPipeline())


def _device_whisper(skills: SkillRegistry, language: Language) -> Iterator[WhisperRecognizer]:
    try:
        recognizer = open_whisper(recognizer_settings(skills, language))
    except ModelError as exc:
        pytest.skip(str(exc))
    with recognizer:
        yield recognizer


@pytest.fixture(scope="session")
def device_whisper_en(skills: SkillRegistry) -> Iterator[WhisperRecognizer]:
    yield from _device_whisper(skills, "en")


@pytest.fixture(scope="session")
def device_whisper_ko(skills: SkillRegistry) -> Iterator[WhisperRecognizer]:
    yield from _device_whisper(skills, "ko")
