"""The time, said the way people say it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import ClassVar

from device.skills.base import Answer, SkillContext
from device.speech.base import Language
from device.vision.words import number_ko

# Korean reads clock hours with native numerals (열 시, "yeol si") but minutes
# with Sino-Korean ones (40분, "sasip bun").  A TTS voice reading "10시" says
# "sip si", which is wrong, so hours are written out and minutes stay digits.


def _en_period(hour: int) -> str:
    if 5 <= hour < 12:
        return "in the morning"
    if 12 <= hour < 18:
        return "in the afternoon"
    if 18 <= hour < 21:
        return "in the evening"
    return "at night"


def _ko_period(hour: int) -> str:
    if hour == 0 or hour >= 21:
        return "밤"
    if hour < 6:
        return "새벽"
    if hour < 12:
        return "오전"
    if hour < 18:
        return "오후"
    return "저녁"


def say_time(moment: datetime | time, language: Language) -> str:
    """One sentence telling ``moment``'s hour and minute.

    English avoids "9:05", which speech engines read as "nine zero five", by
    saying "5 minutes past 9" for the first minutes of an hour.
    """
    hour, minute = moment.hour, moment.minute
    if language == "ko":
        if minute == 0 and hour in (0, 12):
            return "지금은 자정이에요." if hour == 0 else "지금은 정오예요."
        clock = f"{_ko_period(hour)} {number_ko(hour % 12 or 12)} 시"
        if minute == 0:
            return f"지금은 {clock}예요."
        return f"지금은 {clock} {minute}분이에요."

    twelve = hour % 12 or 12
    if minute == 0:
        if hour in (0, 12):
            return "It's midnight." if hour == 0 else "It's noon."
        return f"It's {twelve} o'clock {_en_period(hour)}."
    if minute < 10:
        minutes = "1 minute" if minute == 1 else f"{minute} minutes"
        if hour in (0, 12):
            return f"It's {minutes} past {'midnight' if hour == 0 else 'noon'}."
        return f"It's {minutes} past {twelve} {_en_period(hour)}."
    return f"It's {twelve}:{minute:02d} {_en_period(hour)}."


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
