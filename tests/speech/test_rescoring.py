"""Whisper weighs the nearest phrases itself (``WhisperRecognizer._rescored``).

The utterances are the hearing set's own (``bench.hearing_set``: espeak-ng
voices in street noise at a fixed SNR), from its tuning half; before the
rescoring each was misheard as the words given and reached no skill, or the
wrong one.
"""

from __future__ import annotations

import shutil

import pytest

from bench.hearing_set import mix, speak
from device.skills.registry import SkillRegistry
from device.speech.snap import PhraseSnapper
from device.speech.whisper_engine import WhisperRecognizer

from .helpers import hear

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


@pytest.mark.parametrize(
    ("voice", "question", "snr", "intent", "was"),
    [
        ("espeak-gb", "Turn it down.", 5.0, "quieter", "turn it up"),
        ("espeak-gb", "Forget everything.", 5.0, "forget", "so cat attack we're seeing"),
        ("espeak-gb", "Never mind.", 10.0, "stop", "that reminded"),
        ("espeak-gb", "How far is it?", 5.0, "far", "oh mommy did it"),
        ("espeak-us-f", "Help me.", 5.0, "help", "tell me"),
    ],
)
def test_a_near_miss_in_noise_reaches_its_skill(
    device_whisper_en: WhisperRecognizer,
    skills: SkillRegistry,
    voice: str,
    question: str,
    snr: float,
    intent: str,
    was: str,
) -> None:
    audio = mix(speak(voice, question), snr, key=(voice, question, snr))
    heard = hear(device_whisper_en, audio)
    found = skills.match(heard.text, "en")
    assert found is not None and found.name == intent, f"{heard.text!r} (was {was!r})"
    assert heard.from_grammar


@pytest.mark.parametrize(
    "sentence",
    ["What time does the train leave?", "The weather is lovely in Paris today."],
)
def test_what_whisper_heard_clearly_is_kept(
    device_whisper_en: WhisperRecognizer, sentence: str
) -> None:
    # Forced to write a command phrase instead, Whisper finds it far less
    # likely than these words: no phrase replaces them.
    heard = hear(device_whisper_en, mix(speak("piper", sentence), None, key=sentence))
    assert not heard.from_grammar, heard.text
    assert "train" in heard.text or "paris" in heard.text


def test_a_phrase_that_is_only_part_of_the_question_does_not_replace_it(
    device_whisper_en: WhisperRecognizer,
) -> None:
    # Scored on its words alone, "is there a horse" was as likely as the
    # whole question, and the side was lost.
    question = "Is there a horse on my right?"
    heard = hear(device_whisper_en, mix(speak("piper", question), None, key=question))
    assert heard.text == "is there a horse on my right"


def test_the_nearest_few_phrases_come_nearest_first() -> None:
    snapper = PhraseSnapper(["stop", "stop talking", "what time is it", "help"], "en")
    few = snapper.nearest_few(["stop talkin", "star"], 3)
    assert [s.phrase for s in few][:2] == ["stop talking", "stop"]
    assert len(few) == 3
    assert few[0].distance < few[1].distance <= few[2].distance
    assert snapper.nearest_few(["", "…"], 3) == []
    assert len(snapper.nearest_few(["stop"], 10)) == 4
