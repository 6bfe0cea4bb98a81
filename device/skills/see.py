"""The "what do you see?" skill: what the object detector found, most
important first, and otherwise the light and the main colours.

The words are :mod:`device.language.scene`'s; without the vision models
(``eyes=None``) the skill still answers with the light and colours alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from device.language import Language
from device.language.scene import DEFAULT_MAX_WORDS, describe, light_and_colours
from device.language.tongues import requests_of
from device.skills.base import Answer, SkillContext
from device.skills.look import Eyes, camera_error, look_now
from device.vision.light import measure
from hardware.errors import CameraError


class SeeSkill:
    """Looks through the camera and says what is in front of the wearer."""

    name: ClassVar[str] = "see"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes | None = None, *, max_words: int = DEFAULT_MAX_WORDS) -> None:
        """``max_words``: the most words the short answer has (see ``describe``)."""
        self._eyes = eyes
        self._max_words = max_words

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        if self._eyes is not None:
            looked = look_now(self._eyes, ctx, self.name)
            if isinstance(looked, Answer):
                return looked
            said = describe(looked, ctx.language, max_words=self._max_words)
            return Answer(text=said.text, intent=self.name, details=looked.as_json())
        try:
            frame = ctx.capture()
        except CameraError as exc:
            return camera_error(ctx, self.name, exc)
        scene = measure(frame)
        return Answer(
            text=light_and_colours(scene, ctx.language),
            intent=self.name,
            details=scene.as_details(),
        )
