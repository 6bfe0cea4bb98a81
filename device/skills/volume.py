"""Louder and quieter: one step of the earpiece volume per request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

from device.language import Language
from device.language.tongues import requests_of, say
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
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        current = _clamp(ctx.volume)
        if current >= MAX_VOLUME - _EPSILON:
            return Answer(text=say(ctx.language).loudest, intent=self.name, volume=MAX_VOLUME)
        volume = round(_clamp(current + VOLUME_STEP), 3)
        return Answer(text=say(ctx.language).louder, intent=self.name, volume=volume)


class QuieterSkill:
    """Turns the earpiece down one step, never to silence."""

    name: ClassVar[str] = "quieter"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        current = _clamp(ctx.volume)
        if current <= MIN_VOLUME + _EPSILON:
            return Answer(text=say(ctx.language).quietest, intent=self.name, volume=MIN_VOLUME)
        volume = round(_clamp(current - VOLUME_STEP), 3)
        return Answer(text=say(ctx.language).quieter, intent=self.name, volume=volume)
