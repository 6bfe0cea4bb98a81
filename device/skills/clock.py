"""The time, said the way people say it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import ClassVar

from device.language import Language
from device.language.tongues import tongue
from device.skills.base import Answer, SkillContext


def say_time(moment: datetime | time, language: Language) -> str:
    """One sentence telling ``moment``'s hour and minute (seconds are not said)."""
    return tongue(language).time(moment.hour, moment.minute)


class TimeSkill:
    """Answers "what time is it?" from the device's local clock."""

    name: ClassVar[str] = "time"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "what time is it",
            "what time is it now",
            "what's the time",
            "what is the time",
            "what's the time now",
            "tell me the time",
            "can you tell me the time",
            "do you know the time",
            "do you know what time it is",
            "have you got the time",
            "check the time",
            "the time",
            "time",
        ),
        "ko": (
            "지금 몇 시야",
            "몇 시야",
            "몇 시 예요",
            "지금 몇 시 예요",
            "몇 시",
            "지금 몇 시",
            "몇 시지",
            "몇 시니",
            "시간 알려 줘",
            "지금 시간 알려 줘",
            "몇 시 인지 알려 줘",
            "지금 시간",
            "시간",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {"time": 0.6, "what time": 0.8, "clock": 0.5, "hour": 0.5, "o'clock": 0.6},
        "ko": {"몇시": 0.8, "시간": 0.6},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        now = ctx.now()
        return Answer(
            text=say_time(now, ctx.language),
            intent=self.name,
            details={"time": now.isoformat(timespec="minutes")},
        )


__all__ = ["TimeSkill", "say_time"]
