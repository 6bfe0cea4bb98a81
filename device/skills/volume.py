"""Louder and quieter: one step of the earpiece volume per request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

from device.language import Language
from device.language.tongues import say
from device.skills.base import Answer, SkillContext

#: How much one "louder"/"quieter" changes the volume, and its limits.  The
#: floor is above zero so "quieter" can never make the device mute by accident.
VOLUME_STEP: Final = 0.15
MIN_VOLUME: Final = 0.1
MAX_VOLUME: Final = 1.0
# Volumes are compared with this slack so float steps (0.1 + 6 * 0.15) that
# land a hair below the limit still count as at the limit.
_EPSILON: Final = 1e-6


def _clamp(volume: float) -> float:
    return min(MAX_VOLUME, max(MIN_VOLUME, volume))


class LouderSkill:
    """Turns the earpiece up one step."""

    name: ClassVar[str] = "louder"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "louder",
            "speak louder",
            "a bit louder",
            "speak up",
            "turn it up",
            "volume up",
            "turn the volume up",
            "raise the volume",
            "increase the volume",
            "i can't hear you",
            "too quiet",
        ),
        "ko": (
            "크게",
            "더 크게",
            "크게 말해 줘",
            "더 크게 말해 줘",
            "소리 크게",
            "소리 키워",
            "소리 좀 키워",
            "소리 높여",
            "소리 올려",
            "볼륨 올려",
            "안 들려",
            "잘 안 들려",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "louder": 0.9,
            "speak up": 0.8,
            "up": 0.35,
            "can not hear": 0.7,
            "too quiet": 0.8,
            "increase": 0.5,
            "raise": 0.5,
        },
        "ko": {"크게": 0.8, "키워": 0.8, "높여": 0.6, "올려": 0.6, "안들려": 0.7},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        current = _clamp(ctx.volume)
        if current >= MAX_VOLUME - _EPSILON:
            return Answer(text=say(ctx.language).loudest, intent=self.name, volume=MAX_VOLUME)
        volume = round(_clamp(current + VOLUME_STEP), 3)
        return Answer(text=say(ctx.language).louder, intent=self.name, volume=volume)


class QuieterSkill:
    """Turns the earpiece down one step, never to silence."""

    name: ClassVar[str] = "quieter"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "quieter",
            "speak quieter",
            "a bit quieter",
            "softer",
            "speak softer",
            "speak softly",
            "turn it down",
            "volume down",
            "turn the volume down",
            "lower the volume",
            "decrease the volume",
            "too loud",
            "not so loud",
        ),
        "ko": (
            "작게",
            "더 작게",
            "작게 말해 줘",
            "소리 작게",
            "소리 줄여",
            "소리 좀 줄여",
            "소리 낮춰",
            "소리 내려",
            "볼륨 내려",
            "너무 커",
            "너무 시끄러워",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "quieter": 0.9,
            "softer": 0.9,
            "softly": 0.8,
            "down": 0.35,
            "too loud": 0.8,
            "not so loud": 0.8,
            "lower": 0.5,
            "decrease": 0.5,
        },
        "ko": {"작게": 0.8, "줄여": 0.8, "낮춰": 0.6, "내려": 0.6, "너무커": 0.7, "시끄러": 0.7},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        current = _clamp(ctx.volume)
        if current <= MIN_VOLUME + _EPSILON:
            return Answer(text=say(ctx.language).quietest, intent=self.name, volume=MIN_VOLUME)
        volume = round(_clamp(current - VOLUME_STEP), 3)
        return Answer(text=say(ctx.language).quieter, intent=self.name, volume=volume)
