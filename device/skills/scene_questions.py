"""Questions about the scene, answered from the vision pipeline's data alone.

"Is there a dog?", "where is the truck?" (:class:`FindSkill`) and "is the way
ahead clear?" (:class:`ClearSkill`).  The facts come from one look's
detections, grouped as "what do you see" groups them
(:func:`device.vision.grouping.group`), and the sentences from the language
tables, so the answer to "is there a dog?" says the dog exactly as the
description would.  A thing the detector did not report is never claimed:
"I don't see any cats." is the answer when there is none, and every answer's
``details["claimed"]`` lists what it claims, for the evaluation
(``bench/scene_questions.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from device.language import Language
from device.language.scene import describe
from device.language.tongues import requests_of, say, tongue
from device.skills.base import Answer, SkillContext
from device.skills.look import Eyes, look_now
from device.vision.grouping import Group, group, nearness, side_of


def _named(g: Group) -> list[str]:
    return [g.label, *g.alternatives]


class FindSkill:
    """Is there a X, where is the X: the groups of the asked things, or "I don't see"."""

    name: ClassVar[str] = "find"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords
    most_groups: ClassVar[int] = 2

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def accepts(self, utterance: str, language: Language) -> bool:
        """Only questions that name a thing (see ``SkillRegistry.match``)."""
        return bool(tongue(language).asked_things(utterance))

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        asked = words.asked_things(utterance)
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        if not asked:
            # "Is there anything in front of me?" names nothing: it asks what is there.
            said = describe(looked, ctx.language)
            return Answer(text=said.text, intent="see", details=looked.as_json())
        found = [g for g in group(looked.objects) if set(_named(g)) & set(asked)]
        if not found:
            text = words.count(asked[0], 0)
            details: dict[str, object] = {"found": False, "side": None, "claimed": []}
        else:
            shown = found[: self.most_groups]
            text = " ".join(words.group(g) for g in shown)
            details = {
                "found": True,
                "side": side_of(shown[0].nearest.box),
                "claimed": [n for g in shown for n in _named(g)],
            }
        return Answer(text=text, intent=self.name, details={"asked": list(asked), **details})


class ClearSkill:
    """Is the way ahead clear: the nearest known thing ahead that is not far away."""

    name: ClassVar[str] = "clear"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        in_the_way = [g for g in group(looked.objects) if _in_the_way(g)]
        if not in_the_way:
            return Answer(
                text=say(ctx.language).clear_ahead,
                intent=self.name,
                details={"clear": True, "claimed": []},
            )
        first = in_the_way[0]
        text = say(ctx.language).not_clear.format(what=tongue(ctx.language).group(first))
        return Answer(
            text=text, intent=self.name, details={"clear": False, "claimed": _named(first)}
        )


def _in_the_way(g: Group) -> bool:
    """Something of ``g`` is not far and stands ahead, or across the middle of the view."""
    for d in g.items:
        x1, _, x2, _ = d.box
        if nearness(d.box) != "far" and (side_of(d.box) == "ahead" or x1 < 0.5 < x2):
            return True
    return False
