"""A near miss acts on the device only when the recogniser is sure of it.

Korean free sentences in espeak-ng's voice were snapped to "작게 말해 줘"
or "작게" and turned the volume down (the hearing set's tuning half): the
phrases that act (louder, quieter, forget) now need a nearer sound than the
rest (``Decoding.acting_snap_max_distance``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from bench.hearing_set import mix, speak
from device.errors import ModelError
from device.skills.registry import ACTING, SkillRegistry, default_registry
from device.speech.base import RecognizerSettings
from device.speech.whisper_engine import WhisperRecognizer
from device.speech.whisper_engine import open_recognizer as open_whisper
from device.vision.pipeline import VisionPipeline

from .helpers import hear

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


@pytest.fixture(scope="module")
def registry() -> SkillRegistry:
    return default_registry(eyes=VisionPipeline())


@pytest.fixture(scope="module")
def whisper_ko(registry: SkillRegistry) -> Iterator[WhisperRecognizer]:
    settings = RecognizerSettings(  # as load_engines opens it
        language="ko",
        phrases=tuple(registry.grammar_phrases("ko")),
        examples=tuple(registry.example_phrases("ko")),
        understood=lambda text: registry.match(text, "ko") is not None,
        acting=tuple(registry.acting_phrases("ko")),
    )
    try:
        recognizer = open_whisper(settings)
    except ModelError as exc:
        pytest.skip(str(exc))
    with recognizer:
        yield recognizer


def test_the_acting_phrases_are_the_acting_skills_alone(registry: SkillRegistry) -> None:
    acting = registry.acting_phrases("ko")
    assert "소리 줄여" in acting and "다 잊어 줘" in acting
    assert {registry.match(p, "ko").name for p in acting} <= ACTING  # type: ignore[union-attr]
    assert "지금 몇 시야" not in acting and not set(acting) & {"뭐가 보여"}


def test_a_free_sentence_near_a_volume_command_does_not_act(
    whisper_ko: WhisperRecognizer, registry: SkillRegistry
) -> None:
    # The hearing set's utterance at 10 dB: heard as "작게" (quieter) before.
    voice, sentence, snr = "espeak-ko", "점심 먹고 역에서 만나요.", 10.0
    heard = hear(whisper_ko, mix(speak(voice, sentence), snr, key=(voice, sentence, snr)))
    found = registry.match(heard.text, "ko")
    assert found is None or found.name not in ACTING, heard.text


@pytest.mark.parametrize("command", ["작게 말해 줘.", "다 잊어 줘."])
def test_a_clear_acting_command_still_acts(
    whisper_ko: WhisperRecognizer, registry: SkillRegistry, command: str
) -> None:
    heard = hear(whisper_ko, mix(speak("espeak-ko", command), None, key=command))
    found = registry.match(heard.text, "ko")
    assert found is not None and found.name in ACTING, heard.text
