"""Questions about what the device saw before: its visual memory.

"When did you last see a bicycle?", "have you seen a cat?" and "what did I
see this morning?" (:class:`MemorySkill`), and "forget everything"
(:class:`ForgetSkill`).  The answers come from the looks the memory kept
(:mod:`device.memory`), never from a guess: a thing the detector cannot know
("have you seen my keys?") is said to be one it cannot know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar, Final

from device.language import Language
from device.language.tongue import Period
from device.language.tongues import requests_of, say, tongue
from device.memory import VisualMemory
from device.skills.base import Answer, SkillContext

#: The most things a "what did I see" answer lists.
MOST_LISTED: Final = 6


def period_span(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """The local times a period covers, as of ``now``."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    spans: dict[Period, tuple[datetime, datetime]] = {
        "morning": (today.replace(hour=5), today.replace(hour=12)),
        "afternoon": (today.replace(hour=12), today.replace(hour=18)),
        "evening": (today.replace(hour=18), today + timedelta(days=1)),
        "today": (today, now),
        "yesterday": (today - timedelta(days=1), today),
        "recent": (now - timedelta(hours=2), now),
    }
    return spans[period]


class MemorySkill:
    """When did you last see X, have you seen X, what did I see (in a period)."""

    name: ClassVar[str] = "memory"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, memory: VisualMemory | None) -> None:
        """``memory`` None: the memory is switched off (``memory.enabled``)."""
        self._memory = memory

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        if self._memory is None:
            return Answer(text=say(ctx.language).memory_off, intent=self.name)
        words = tongue(ctx.language)
        asked = words.asked_things(utterance)
        if asked:
            return self._last_seen(ctx, asked)
        period = words.asked_period(utterance)
        if period is None and not words.asks_what(utterance):
            # "Have you seen my keys?": a thing, but not one the detector knows.
            return Answer(
                text=say(ctx.language).unknown_thing,
                intent=self.name,
                details={"seen": None, "claimed": []},
            )
        return self._seen_during(ctx, period or "today")

    def _last_seen(self, ctx: SkillContext, asked: Sequence[str]) -> Answer:
        assert self._memory is not None
        words = tongue(ctx.language)
        hit = self._memory.last_seen(asked)
        if hit is None:
            return Answer(
                text=words.never_seen(asked[0]),
                intent=self.name,
                details={"asked": list(asked), "seen": False, "claimed": []},
            )
        look, thing = hit
        now = ctx.now()
        seen_at = datetime.fromtimestamp(look.at, tz=now.tzinfo)  # as aware as the clock is
        text = words.last_seen(thing.label, words.when(seen_at, now), thing.side)
        return Answer(
            text=text,
            intent=self.name,
            details={
                "asked": list(asked),
                "about": [thing.label],
                "seen": True,
                "at": seen_at.isoformat(timespec="seconds"),
                "side": thing.side,
                "claimed": [thing.label],
            },
        )

    def _seen_during(self, ctx: SkillContext, period: Period) -> Answer:
        assert self._memory is not None
        words = tongue(ctx.language)
        start, end = period_span(period, ctx.now())
        looks = self._memory.looks(since=start.timestamp(), until=end.timestamp())
        looked_with: Counter[str] = Counter()
        most_at_once: Counter[str] = Counter()
        for look in looks:
            here = Counter(t.label for t in look.things)
            looked_with.update(here.keys())
            for label, n in here.items():
                most_at_once[label] = max(most_at_once[label], n)
        when = words.period_words(period)
        if not looked_with:
            text = say(ctx.language).saw_nothing.format(when=when)
            return Answer(text=text, intent=self.name, details={"labels": [], "claimed": []})
        # Most looks first; a tie keeps the order first seen in.
        labels = [label for label, _ in looked_with.most_common(MOST_LISTED)]
        text = words.saw([(label, most_at_once[label]) for label in labels], when)
        return Answer(
            text=text,
            intent=self.name,
            details={"labels": labels, "looks": len(looks), "claimed": labels},
        )


class ForgetSkill:
    """Forget everything: the visual memory is erased, on disk too."""

    name: ClassVar[str] = "forget"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, memory: VisualMemory | None) -> None:
        self._memory = memory

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        if self._memory is None:
            return Answer(text=say(ctx.language).memory_off, intent=self.name)
        self._memory.forget()
        # "about" empty: the conversation's topic goes too.
        return Answer(
            text=say(ctx.language).forgot, intent=self.name, details={"forgot": True, "about": []}
        )
