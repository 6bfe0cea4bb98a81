"""A near miss acts on the device only when the recogniser is sure of it.

Korean free sentences in espeak-ng's voice were snapped to "작게 말해 줘"
or "작게" and turned the volume down (the hearing set's tuning half): the
phrases that act (louder, quieter, forget) now need a nearer sound than the
rest (``Decoding.acting_snap_max_distance``).
"""

from __future__ import annotations

import shutil

import pytest

from bench.hearing_set import mix, speak
from device.skills.registry import ACTING, SkillRegistry
from device.speech.whisper_engine import WhisperRecognizer

from .helpers import hear

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def test_the_acting_phrases_are_the_acting_skills_alone(skills: SkillRegistry) -> None:
    acting = skills.acting_phrases("ko")
    assert "소리 줄여" in acting and "다 잊어 줘" in acting
    assert {skills.match(p, "ko").name for p in acting} <= ACTING  # type: ignore[union-attr]
    assert "지금 몇 시야" not in acting and not set(acting) & {"뭐가 보여"}


def test_a_free_sentence_near_a_volume_command_does_not_act(
    device_whisper_ko: WhisperRecognizer, skills: SkillRegistry
) -> None:
    # The hearing set's utterance at 10 dB: heard as "작게" (quieter) before.
    voice, sentence, snr = "espeak-ko", "점심 먹고 역에서 만나요.", 10.0
    heard = hear(device_whisper_ko, mix(speak(voice, sentence), snr, key=(voice, sentence, snr)))
    found = skills.match(heard.text, "ko")
    assert found is None or found.name not in ACTING, heard.text


@pytest.mark.parametrize("command", ["작게 말해 줘.", "다 잊어 줘."])
def test_a_clear_acting_command_still_acts(
    device_whisper_ko: WhisperRecognizer, skills: SkillRegistry, command: str
) -> None:
    heard = hear(device_whisper_ko, mix(speak("espeak-ko", command), None, key=command))
    found = skills.match(heard.text, "ko")
    assert found is not None and found.name in ACTING, heard.text
