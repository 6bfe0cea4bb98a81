"""Questions in voices that are not the device's own (issue 13).

Every other recognition test speaks with the device's Piper voice, which is
the easiest voice there is for it.  Here espeak-ng's American (female
variant) and slower British voices ask common questions, short ones among
them, through the default recogniser and the skills, as a wearer would.

Measured when this was written: 26 of 32 right (12 and 14 per voice).  The
misses are mishearings ("louder" heard as "look", "is there a car" as "is
never car"); what must never happen is a mishearing that *acts*: the volume
moved, the memory erased, when that was not asked.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import numpy as np
import pytest

from bench.hearing_set import speak
from device.assistant import Engines, load_engines, registry_for
from device.config import Config
from device.language import Language
from device.skills.registry import ACTING, SkillRegistry
from device.speech.base import Transcript
from hardware.ports import MIC_RATE

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

VOICES = ("espeak-us-f", "espeak-gb")
#: (question, the skill that should answer it)
QUESTIONS = (
    ("What's that?", "see"),
    ("Is it dark?", "see"),
    ("What do you see?", "see"),
    ("What time is it?", "time"),
    ("Louder.", "louder"),
    ("Quieter.", "quieter"),
    ("Read that.", "read"),
    ("Who is there?", "who"),
    ("Is there a car?", "find"),
    ("How many people?", "count"),
    ("What colour is it?", "colour"),
    ("Help.", "help"),
    ("Stop.", "stop"),
    ("Say that again.", "repeat"),
    ("Tell me more.", "more"),
    ("Where is the dog?", "find"),
)
AT_LEAST_RIGHT = 24


def hear(engines: Engines, voice: str, text: str) -> Transcript:
    """``text`` in ``voice``, with a breath either side, through the recogniser in 100 ms chunks."""
    pad = np.zeros(MIC_RATE // 5, np.int16)
    pcm = np.concatenate([pad, speak(voice, text), pad])
    stream = engines.recognizer.start()
    for i in range(0, len(pcm), MIC_RATE // 10):
        stream.feed(pcm[i : i + MIC_RATE // 10])
    return stream.finish()


def intent_heard(
    ears: tuple[Engines, SkillRegistry], voice: str, text: str, language: Language
) -> tuple[Transcript, str]:
    """What the recogniser made of ``text`` in ``voice``, and the skill it reached."""
    engines, registry = ears
    heard = hear(engines, voice, text)
    found = registry.match(heard.text, language) if heard.text else None
    return heard, found.name if found else "fallback"


def open_ears(language: Language) -> Iterator[tuple[Engines, SkillRegistry]]:
    """The device's recogniser and skills for ``language`` (a fixture's body)."""
    cfg = Config().with_overrides(device={"language": language})
    registry = registry_for(cfg)
    engines = load_engines(cfg, registry, language)
    yield engines, registry
    engines.close()


@pytest.fixture(scope="module")
def device_ears() -> Iterator[tuple[Engines, SkillRegistry]]:
    yield from open_ears("en")


def test_other_voices_are_understood_and_never_act_on_a_mishearing(
    device_ears: tuple[Engines, SkillRegistry],
) -> None:
    right, acted_wrongly, unanswered = [], [], []
    for voice in VOICES:
        for text, intent in QUESTIONS:
            heard, got = intent_heard(device_ears, voice, text, "en")
            if got == intent:
                right.append((voice, text))
            elif got in ACTING:
                acted_wrongly.append((voice, text, heard.text, got))
            if heard.is_empty and not heard.unclear:
                # Held, spoke, and met the silence of a cancel.
                unanswered.append((voice, text))
    assert acted_wrongly == []
    assert unanswered == []
    assert len(right) >= AT_LEAST_RIGHT, f"{len(right)} of {2 * len(QUESTIONS)}: {right}"


#: Korean: espeak-ng's voice, plain and slower female; the opposites first.
KOREAN = (
    ("작게 말해 줘", "quieter"),  # once turned the volume up (issue 13)
    ("크게 말해 줘", "louder"),
    ("도와줘", "help"),  # once described the scene
    ("지금 몇 시야", "time"),
    ("앞에 뭐가 있어", "see"),
    ("다시 말해 줘", "repeat"),
)


@pytest.fixture(scope="module")
def korean_ears() -> Iterator[tuple[Engines, SkillRegistry]]:
    from device.speech.whisper_weights import is_installed, weights

    if not is_installed(weights("base")):
        pytest.skip("the Korean Whisper weights are not installed (the ko extra)")
    yield from open_ears("ko")


def test_korean_commands_are_never_heard_as_their_opposite(
    korean_ears: tuple[Engines, SkillRegistry],
) -> None:
    wrong = []
    for voice in ("espeak-ko", "espeak-ko-f-slow"):
        for text, intent in KOREAN:
            heard, got = intent_heard(korean_ears, voice, text, "ko")
            if got != intent:
                wrong.append((voice, text, heard.text, got))
    # Measured when written: 11 of 12 right (plain espeak's 도와줘 is heard
    # as 그만, "stop").  The volume commands must be right in both voices,
    # and no miss may change anything.
    assert not any(text in ("작게 말해 줘", "크게 말해 줘") for _, text, *_ in wrong), wrong
    assert not any(got in ACTING for *_, got in wrong), wrong
    assert len(wrong) <= 2, wrong
