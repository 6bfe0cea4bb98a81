"""What a skill is, and what it may see.

Skills are pure with respect to the device: they read a :class:`SkillContext`
and return an :class:`Answer`.  Anything that changes the device (volume, stop)
is a field of the answer that the runtime applies, so every skill can be tested
with a plain context object and no hardware.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from device.dialogue import Topic
from device.language import Language
from hardware.ports import Frame


@dataclass(frozen=True, slots=True)
class Answer:
    """A skill's reply and the device changes it asks for."""

    text: str
    """What to say, in the request's language.  May be empty (e.g. "stop")."""
    intent: str
    """The name of the skill that answered."""
    is_error: bool = False
    """Play the error earcon before ``text`` (e.g. the camera failed)."""
    volume: float | None = None
    """New earpiece volume, 0..1, or None to leave it."""
    details: Mapping[str, object] = field(default_factory=dict)
    """Machine-readable extras for ``--json`` (e.g. measured light level)."""


class SkillContext(Protocol):
    """The read-only view of the device a skill is given."""

    @property
    def language(self) -> Language: ...

    @property
    def volume(self) -> float:
        """Current earpiece volume, 0..1."""
        ...

    @property
    def last_answer(self) -> Answer | None:
        """The previous spoken answer (for "repeat that"), if any."""
        ...

    @property
    def topic(self) -> Topic | None:
        """What the conversation is about, for follow-ups ("what colour is it?");
        None after a minute of silence (:mod:`device.dialogue`)."""
        ...

    def now(self) -> datetime:
        """Local wall-clock time."""
        ...

    def capture(self) -> Frame:
        """A fresh camera frame; raises ``hardware.errors.CameraError``."""
        ...


class Skill(Protocol):
    """One thing the device can do, in every supported language."""

    name: ClassVar[str]
    phrases: ClassVar[Mapping[Language, Sequence[str]]]
    """Example requests per language: the recognisers' grammar and the matcher's
    reference sentences.  Every word must be in the recognisers' vocabularies.
    The built-in skills take theirs from the language tables
    (``Tongue.requests``, via :func:`device.language.tongues.requests_of`)."""

    def answer(self, ctx: SkillContext, utterance: str) -> Answer: ...
