"""Follow-ups to "what do you see?": tell me more, read that, how many.

They share the device's :class:`~device.vision.pipeline.VisionPipeline` (the
"eyes"): "tell me more" gives the full detail of the last look, the others
look again, because the wearer has usually moved since.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import ClassVar, Protocol

from device.errors import ModelError
from device.language import Language
from device.language.scene import describe
from device.language.tongues import requests_of, say, tongue
from device.skills.base import Answer, SkillContext
from device.vision.pipeline import SceneReport
from hardware.errors import CameraError
from hardware.ports import Frame

log = logging.getLogger(__name__)


class Eyes(Protocol):
    """What the skills need of the vision pipeline: looks, as data."""

    @property
    def last(self) -> SceneReport | None: ...

    @property
    def reads_text(self) -> bool: ...

    def look(self, frame: Frame, *, read_text: bool | None = None) -> SceneReport: ...

    def recent(self, *, max_age: float = 10.0) -> SceneReport | None: ...


def camera_error(ctx: SkillContext, intent: str, exc: CameraError) -> Answer:
    return Answer(
        text=say(ctx.language).camera_error,
        intent=intent,
        is_error=True,
        details={"error": str(exc)},
    )


def vision_model_error(ctx: SkillContext, intent: str, exc: ModelError) -> Answer:
    # The one line (path, fix) is for the journal; read aloud it is a sha256.
    log.error("%s", exc)
    return Answer(
        text=say(ctx.language).vision_model_error,
        intent=intent,
        is_error=True,
        details={"error": str(exc)},
    )


def look_now(
    eyes: Eyes, ctx: SkillContext, intent: str, *, read_text: bool | None = None
) -> SceneReport | Answer:
    """The look started when the button was pressed (unless ``read_text`` asks
    for a fresh one), else a fresh one; or the spoken camera or model error."""
    try:
        if read_text is None:
            speculative = eyes.recent()
            if speculative is not None:
                return speculative
        frame = ctx.capture()
    except CameraError as exc:
        return camera_error(ctx, intent, exc)
    try:
        return eyes.look(frame, read_text=read_text)
    except ModelError as exc:
        return vision_model_error(ctx, intent, exc)


class MoreSkill:
    """Everything the last look found, not just the short answer."""

    name: ClassVar[str] = "more"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        report = self._eyes.last
        if report is None:
            looked = look_now(self._eyes, ctx, self.name)
            if isinstance(looked, Answer):
                return looked
            report = looked
        detail = describe(report, ctx.language).detail
        return Answer(text=detail, intent=self.name, details=report.as_json())


class ReadSkill:
    """Reads out all the text in view, in reading order."""

    name: ClassVar[str] = "read"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        if self._eyes.reads_text:
            looked = look_now(self._eyes, ctx, self.name)
        else:
            # Descriptions skip text on this device (to save memory), so the
            # speculative look has none: read a fresh frame on purpose.
            looked = look_now(self._eyes, ctx, self.name, read_text=True)
        if isinstance(looked, Answer):
            return looked
        lines = [t.text for t in looked.texts]
        said = say(ctx.language)
        text = said.read.format(text=". ".join(lines)) if lines else said.no_text
        return Answer(text=text, intent=self.name, details=looked.as_json())


class CountSkill:
    """How many people (or dogs, cars...) are in view."""

    name: ClassVar[str] = "count"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        words = tongue(ctx.language)
        # "How many?" asks about people; "how many vehicles?", about the first kind named.
        label = next(iter(words.asked_things(utterance)), "person")
        n = sum(1 for o in looked.objects if o.label == label)
        text = words.count(label, n)
        claimed = [label] if n else []
        details = {**looked.as_json(), "counted": label, "count": n, "claimed": claimed}
        return Answer(text=text, intent=self.name, details=details)
