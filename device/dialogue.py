"""The short memory of a conversation: what "it" is in "what colour is it?".

A question about a thing ("is there a dog?") makes that thing the *topic*;
a follow-up that names nothing ("where is it?", "how far?", "and on my
left?") is about the topic.  The topic lasts :data:`FOLLOW_UP_S` after the
last answer: a minute of silence ends the conversation, and "what colour is
it?" then asks about the scene again, not about a dog seen long ago.

Skills say what an answer was about in ``Answer.details["about"]`` (COCO
labels, the first is "it"); the runtime's loop keeps one :class:`Dialogue`
and gives each request a snapshot (``SkillContext.topic``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

FOLLOW_UP_S: Final = 60.0
"""Seconds after the last answer in which a follow-up refers back."""


@dataclass(frozen=True, slots=True)
class Topic:
    """What the conversation is about: the things the last question was about."""

    things: tuple[str, ...]
    """COCO labels, "it" first."""
    intent: str
    """The skill that answered about them ("find", "colour"...)."""


def about(details: Mapping[str, object]) -> tuple[str, ...]:
    """The labels an answer's details say it was about (``details["about"]``)."""
    things = details.get("about")
    if isinstance(things, list | tuple) and all(isinstance(t, str) for t in things):
        return tuple(str(t) for t in things)
    return ()


class Dialogue:
    """The topic and when it was last spoken of.  Not thread-safe: one owner."""

    def __init__(self, *, follow_up_s: float = FOLLOW_UP_S) -> None:
        self._follow_up_s = follow_up_s
        self._topic: Topic | None = None
        self._at = 0.0

    def heard(self, intent: str, details: Mapping[str, object], at: float) -> None:
        """An answer was given at ``at`` (monotonic seconds).  If its details
        say what it was ``about``, that is the topic now (nothing: no topic);
        any answer keeps the conversation going."""
        if "about" in details:
            things = about(details)
            self._topic = Topic(things, intent) if things else None
        self._at = at

    def topic(self, now: float) -> Topic | None:
        """The topic, unless the conversation went quiet for :data:`FOLLOW_UP_S`."""
        if self._topic is None or now - self._at > self._follow_up_s:
            return None
        return self._topic

    def forget(self) -> None:
        self._topic = None
