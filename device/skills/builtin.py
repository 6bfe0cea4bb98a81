"""The skills the device ships with.

Each skill answers in the request's language (``ctx.language``).  Besides the
``name`` and ``phrases`` of the :class:`~device.skills.base.Skill` protocol,
every skill here carries ``keywords`` for :mod:`device.skills.matcher`: words
that on their own say which skill is meant, with how sure they make us.

Every word of every phrase must be in the recognisers' vocabularies
(PocketSphinx's CMU dictionary, the Korean Vosk model's word list);
``tests/skills/test_vocabulary.py`` checks that.  That is why the Korean
phrases are spaced the way the model spells its words ("몇 시 예요": the model
has "시" and "예요" but no "시예요").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from device.language import Language
from device.language.tongues import say
from device.skills.base import Answer, SkillContext
from device.skills.clock import TimeSkill
from device.skills.see import SeeSkill
from device.skills.volume import MAX_VOLUME, MIN_VOLUME, VOLUME_STEP, LouderSkill, QuieterSkill


class RepeatSkill:
    """Says the previous answer again."""

    name: ClassVar[str] = "repeat"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "repeat",
            "repeat that",
            "can you repeat that",
            "say that again",
            "say it again",
            "what did you say",
            "come again",
            "pardon",
            "one more time",
            "again",
            "i didn't catch that",
            "i missed that",
            "what was that",
        ),
        "ko": (
            "다시 말해 줘",
            "다시 말해",
            "다시 한 번 말해 줘",
            "한 번 더 말해 줘",
            "다시 한 번",
            "다시",
            "뭐라고",
            "뭐라고 했어",
            "못 들었어",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "repeat": 0.8,
            "again": 0.6,
            "pardon": 0.8,
            "what did you say": 0.8,
            "what was that": 0.7,
            "one more time": 0.7,
            "did not catch": 0.7,
        },
        "ko": {"다시": 0.7, "뭐라고": 0.8, "한번더": 0.6, "못들었": 0.7},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        last = ctx.last_answer
        if last is None or not last.text.strip():
            return Answer(text=say(ctx.language).nothing_said_yet, intent=self.name)
        return Answer(text=last.text, intent=self.name, details={"repeated": last.intent})


class StopSkill:
    """Stops talking at once and says nothing."""

    name: ClassVar[str] = "stop"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "stop",
            "stop it",
            "stop talking",
            "okay stop",
            "be quiet",
            "quiet",
            "shut up",
            "that's enough",
            "enough",
            "never mind",
            "cancel",
            "silence",
        ),
        "ko": (
            "그만",
            "그만해",
            "그만 말해",
            "멈춰",
            "정지",
            "중지",
            "조용히",
            "조용히 해",
            "취소",
            "됐어",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "stop": 0.8,
            "enough": 0.6,
            "cancel": 0.8,
            "shut up": 0.9,
            "be quiet": 0.8,
            "never mind": 0.8,
            "silence": 0.7,
        },
        "ko": {"그만": 0.8, "멈춰": 0.8, "정지": 0.8, "중지": 0.8, "조용히": 0.7, "취소": 0.7},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        # Saying nothing is the whole answer: the press that asked already cut
        # off whatever was being said (barge-in).
        return Answer(text="", intent=self.name)


class HelpSkill:
    """Says, briefly, what can be asked."""

    name: ClassVar[str] = "help"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "help",
            "help me",
            "what can you do",
            "what can i ask",
            "what can i ask you",
            "how does this work",
            "how do i use this",
            "what are the commands",
            "list the commands",
            "instructions",
        ),
        "ko": (
            "도움말",
            "도움",
            "도와줘",
            "뭘 할 수 있어",
            "뭐 할 수 있어",
            "사용법",
            "사용법 알려 줘",
            "어떻게 써",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "help": 0.8,
            "commands": 0.7,
            "instructions": 0.7,
            "what can you do": 0.8,
            "what can i": 0.6,
            "how does this work": 0.8,
        },
        "ko": {"도움": 0.8, "도와": 0.8, "사용법": 0.8, "할수있": 0.6},
    }

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        return Answer(text=say(ctx.language).help, intent=self.name)


class FallbackSkill:
    """What the device says when no skill matched.  Never matched itself."""

    name: ClassVar[str] = "fallback"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {"en": (), "ko": ()}

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        return Answer(
            text=say(ctx.language).fallback, intent=self.name, details={"heard": utterance}
        )


__all__ = [
    "MAX_VOLUME",
    "MIN_VOLUME",
    "VOLUME_STEP",
    "FallbackSkill",
    "HelpSkill",
    "LouderSkill",
    "QuieterSkill",
    "RepeatSkill",
    "SeeSkill",
    "StopSkill",
    "TimeSkill",
]
