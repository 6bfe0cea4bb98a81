"""The "what do you see?" skill: for now, the light and the main colours.

The sentences about light and colour are public functions so the object
detector's skill can keep saying them after its own findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Final

from device.skills._lang import pick
from device.skills.base import Answer, SkillContext
from device.skills.look import Eyes, camera_error, look_now
from device.speech.base import Language
from device.vision.light import ColourName, LightWord, SceneLight, measure
from hardware.errors import CameraError

_EN_LIGHT: Final[Mapping[LightWord, str]] = {
    "very dark": "It's very dark here.",
    "dark": "It's dark here.",
    "dim": "It's dim here.",
    "fairly bright": "It's fairly bright here.",
    "bright": "It's bright here.",
    "very bright": "It's very bright here.",
}
_KO_LIGHT: Final[Mapping[LightWord, str]] = {
    "very dark": "여기는 아주 어두워요.",
    "dark": "여기는 어두워요.",
    "dim": "여기는 조금 어두워요.",
    "fairly bright": "여기는 꽤 밝아요.",
    "bright": "여기는 밝아요.",
    "very bright": "여기는 아주 밝아요.",
}
# Every Korean name ends in 색 (a closed syllable), so the particles that follow
# are always the consonant forms 과 and 이.
_KO_COLOURS: Final[Mapping[ColourName, str]] = {
    "red": "빨간색",
    "orange": "주황색",
    "yellow": "노란색",
    "green": "초록색",
    "blue": "파란색",
    "purple": "보라색",
    "pink": "분홍색",
    "brown": "갈색",
    "white": "흰색",
    "grey": "회색",
    "black": "검은색",
}

#: At most this many colours are spoken; more is a list, not an answer.
SPOKEN_COLOURS: Final = 2
#: A colour must cover this much of the view to be worth saying.
MIN_SPOKEN_SHARE: Final = 0.15


def describe_light(scene: SceneLight, language: Language) -> str:
    """One sentence on how light it is, or that it is too dark to see."""
    if scene.light.too_dark:
        return pick(
            language,
            en="It's too dark for me to see anything.",
            ko="너무 어두워서 아무것도 안 보여요.",
        )
    table = _KO_LIGHT if language == "ko" else _EN_LIGHT
    return table[scene.light.word]


def describe_colours(scene: SceneLight, language: Language) -> str:
    """One sentence naming the main colours; empty if it is too dark to tell."""
    if scene.light.too_dark:
        return ""
    names = [c.name for c in scene.dominant(limit=SPOKEN_COLOURS, min_share=MIN_SPOKEN_SHARE)]
    if not names:
        return pick(language, en="I see a mix of colours.", ko="여러 가지 색이 섞여 보여요.")
    if language == "ko":
        korean = [_KO_COLOURS[n] for n in names]
        listed = ", ".join([*korean[:-2], "과 ".join(korean[-2:])])
        return f"주로 {listed}이 보여요."
    listed = ", ".join([*names[:-2], " and ".join(names[-2:])])
    return f"I mostly see {listed}."


def describe_scene(scene: SceneLight, language: Language) -> str:
    """The light sentence, then the colour sentence if there is one."""
    return " ".join(
        s for s in (describe_light(scene, language), describe_colours(scene, language)) if s
    )


class SeeSkill:
    """Looks through the camera and says how light it is and what colours show."""

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

    def __init__(self, eyes: Eyes | None = None) -> None:
        # Without eyes (no vision models) the skill still answers from the
        # light and colours alone.
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        if self._eyes is not None:
            looked = look_now(self._eyes, ctx, self.name)
            if isinstance(looked, Answer):
                return looked
            return Answer(text=looked.text, intent=self.name, details=looked.as_json())
        try:
            frame = ctx.capture()
        except CameraError as exc:
            return camera_error(ctx, self.name, exc)
        scene = measure(frame)
        return Answer(
            text=describe_scene(scene, ctx.language),
            intent=self.name,
            details=scene.as_details(),
        )
