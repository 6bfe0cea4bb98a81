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
from device.skills.base import Answer, SkillContext
from device.skills.look import Eyes, camera_error, look_now
from device.vision.light import measure
from hardware.errors import CameraError


class SeeSkill:
    """Looks through the camera and says what is in front of the wearer."""

    name: ClassVar[str] = "see"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {
        "en": (
            "what do you see",
            "what can you see",
            "what's in front of me",
            "what is in front of me",
            "describe the scene",
            "describe what you see",
            "tell me what you see",
            "what's around me",
            "what am i looking at",
            "look around",
            "what's ahead",
            "how bright is it",
            "is it dark",
            "what colour is it",
            "what color is it",
            "describe",
            "look",
        ),
        "ko": (
            "뭐가 보여",
            "뭐가 보여요",
            "뭐 보여",
            "무엇이 보여요",
            "앞에 뭐가 있어",
            "앞에 뭐가 있어요",
            "앞에 뭐 있어",
            "앞에 뭐가 있니",
            "앞에 뭐가 보여",
            "주변 설명해 줘",
            "보이는 거 설명해 줘",
            "주위 에 뭐가 있어",
        ),
    }
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = {
        "en": {
            "see": 0.6,
            "in front": 0.7,
            "describe": 0.7,
            "scene": 0.7,
            "look": 0.5,
            "looking": 0.5,
            "around me": 0.5,
            "surroundings": 0.6,
            "colour": 0.5,
            "color": 0.5,
            "bright": 0.4,
            "dark": 0.4,
        },
        "ko": {
            "보여": 0.7,
            "보이": 0.6,
            "앞에": 0.6,
            "설명": 0.5,
            "묘사": 0.6,
            "주변": 0.5,
            "주위": 0.5,
        },
    }

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
