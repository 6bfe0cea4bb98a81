"""The time, said the way people say it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import ClassVar

from device.language import Language
from device.language.tongues import requests_of, tongue
from device.skills.base import Answer, SkillContext


def say_time(moment: datetime | time, language: Language) -> str:
    """One sentence telling ``moment``'s hour and minute (seconds are not said)."""
    return tongue(language).time(moment.hour, moment.minute)


class TimeSkill:
    """Answers "what time is it?" from the device's local clock."""

    name: ClassVar[str] = "time"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        now = ctx.now()
        return Answer(
            text=say_time(now, ctx.language),
            intent=self.name,
            details={"time": now.isoformat(timespec="minutes")},
        )


__all__ = ["TimeSkill", "say_time"]
