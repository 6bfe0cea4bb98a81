"""The skills the device ships with.

Each skill answers in the request's language (``ctx.language``).  Besides the
``name`` and ``phrases`` of the :class:`~device.skills.base.Skill` protocol,
every skill here carries ``keywords`` for :mod:`device.skills.matcher`: words
that on their own say which skill is meant, with how sure they make us.

The phrases and keywords are not written here: each language's file holds
its own (``REQUESTS`` in ``device/language/en.py``, ``ko.py``), and a skill
takes its share by name with :func:`~device.language.tongues.requests_of`.
Every word of every phrase must be in the recognisers' vocabularies
(PocketSphinx's CMU dictionary, the Korean Vosk model's word list);
``tests/skills/test_vocabulary.py`` checks that.  That is why the Korean
phrases are spaced the way the model spells its words ("몇 시 예요": the model
has "시" and "예요" but no "시예요").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from device.language import LANGUAGES, Language
from device.language.tongues import requests_of, say
from device.skills.base import Answer, SkillContext
from device.skills.clock import TimeSkill
from device.skills.see import SeeSkill
from device.skills.volume import MAX_VOLUME, MIN_VOLUME, VOLUME_STEP, LouderSkill, QuieterSkill


class RepeatSkill:
    """Says the previous answer again."""

    name: ClassVar[str] = "repeat"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        last = ctx.last_answer
        if last is None or not last.text.strip():
            return Answer(text=say(ctx.language).nothing_said_yet, intent=self.name)
        return Answer(text=last.text, intent=self.name, details={"repeated": last.intent})


class StopSkill:
    """Stops talking at once and says nothing."""

    name: ClassVar[str] = "stop"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        # Saying nothing is the whole answer: the press that asked already cut
        # off whatever was being said (barge-in).
        return Answer(text="", intent=self.name)


class HelpSkill:
    """Says, briefly, what can be asked."""

    name: ClassVar[str] = "help"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        return Answer(text=say(ctx.language).help, intent=self.name)


class FallbackSkill:
    """What the device says when no skill matched.  Never matched itself."""

    name: ClassVar[str] = "fallback"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = dict.fromkeys(LANGUAGES, ())

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
