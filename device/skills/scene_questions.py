"""Questions about the scene, answered from the vision pipeline's data alone.

"Is there a dog?", "where is the truck?" (:class:`FindSkill`), "is the way
ahead clear?" (:class:`ClearSkill`), "what colour is the car?"
(:class:`ColourSkill`), "what is on my left?" (:class:`SideSkill`), "how
far is it?" (:class:`FarSkill`) and "who is there?" (:class:`WhoSkill`).
A question that names nothing is about the conversation's topic
(:mod:`device.dialogue`): "what colour is it?" after "is there a bicycle?".
The facts come from one look's
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

from device.dialogue import Topic
from device.language import Language
from device.language.scene import compose, describe, light_and_colours
from device.language.tongues import requests_of, say, tongue
from device.skills.base import Answer, SkillContext
from device.skills.look import Eyes, look_now
from device.vision.grouping import Group, Side, group, nearness, side_of
from device.vision.pipeline import SceneReport


def _named(g: Group) -> list[str]:
    return [g.label, *g.alternatives]


def asked_or_topic(ctx: SkillContext, utterance: str) -> tuple[str, ...]:
    """The things ``utterance`` names, else those the conversation is about."""
    named = tongue(ctx.language).asked_things(utterance)
    if named:
        return named
    return ctx.topic.things if ctx.topic is not None else ()


def name_in(g: Group, asked: Sequence[str]) -> str:
    """What to call ``g`` when asked about ``asked``: the asked name it answers
    to ("the truck", of a car the detector thought might be a truck)."""
    return next((a for a in asked if a in _named(g)), g.label)


def not_seen(intent: str, ctx: SkillContext, asked: Sequence[str]) -> Answer:
    """ "I don't see any dogs.": the asked thing is not in the look (and stays the topic)."""
    return Answer(
        text=tongue(ctx.language).count(asked[0], 0),
        intent=intent,
        details={"asked": list(asked), "about": list(asked), "found": False, "claimed": []},
    )


def found_groups(
    looked: SceneReport, asked: Sequence[str], side: Side | None = None
) -> list[Group]:
    """The groups of ``asked`` things in the look, or of every thing if
    ``asked`` is empty; on ``side`` only, if given."""
    objects = [o for o in looked.objects if side is None or side_of(o.box) == side]
    return [g for g in group(objects) if not asked or set(_named(g)) & set(asked)]


class FindSkill:
    """Is there a X, where is the X: the groups of the asked things, or "I don't see"."""

    name: ClassVar[str] = "find"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords
    most_groups: ClassVar[int] = 2

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def accepts(self, utterance: str, language: Language, topic: Topic | None) -> bool:
        """Questions that name a thing, or follow one up ("where is it?")."""
        return bool(tongue(language).asked_things(utterance)) or topic is not None

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        asked = asked_or_topic(ctx, utterance)
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        if not asked:
            # "Is there anything in front of me?" names nothing: it asks what is there.
            said = describe(looked, ctx.language)
            return Answer(text=said.text, intent="see", details=looked.as_json())
        side = words.asked_side(utterance)
        found = found_groups(looked, asked, side)
        if not found:
            text = words.count(asked[0], 0) if side is None else words.none_on_side(asked[0], side)
            details: dict[str, object] = {"found": False, "side": side, "claimed": []}
        else:
            shown = found[: self.most_groups]
            text = " ".join(words.group(g) for g in shown)
            details = {
                "found": True,
                "side": side_of(shown[0].nearest.box),
                "claimed": [n for g in shown for n in _named(g)],
            }
        return Answer(
            text=text,
            intent=self.name,
            details={"asked": list(asked), "about": list(asked), **details},
        )


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


class ColourSkill:
    """What colour is the X (or "it"): the colours measured in its box."""

    name: ClassVar[str] = "colour"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        asked = asked_or_topic(ctx, utterance)
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        if not asked:
            # "What colour is it?" about nothing in particular: the view's colours.
            text = light_and_colours(looked.light, ctx.language)
            return Answer(text=text, intent=self.name, details={"found": None, "claimed": []})
        found = found_groups(looked, asked)
        if not found:
            return not_seen(self.name, ctx, asked)
        first = found[0]
        thing = first.nearest
        colours = list(thing.colours)
        if not colours:  # measured in every look; a hand-made report may lack them
            return Answer(text=words.group(first), intent=self.name, details={"found": True})
        label = name_in(first, asked)
        text = words.colour_of(label, colours, first.count > 1)
        return Answer(
            text=text,
            intent=self.name,
            details={
                "asked": list(asked),
                "about": [label],
                "found": True,
                "side": side_of(thing.box),
                "colours": colours,
                "claimed": [label],
            },
        )


class SideSkill:
    """What is on my left / right / ahead ("and on my right?" follows a question up)."""

    name: ClassVar[str] = "side"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords
    most_groups: ClassVar[int] = 2

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def accepts(self, utterance: str, language: Language, topic: Topic | None) -> bool:
        """Only questions that say a side."""
        return tongue(language).asked_side(utterance) is not None

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        side = words.asked_side(utterance) or "ahead"
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        # "Is there a dog?" ... "and on my right?" asks about dogs on the right;
        # after "what is on my left?" it asks what is on the right.
        topic = ctx.topic
        asked = words.asked_things(utterance) or (
            topic.things if topic is not None and topic.intent != self.name else ()
        )
        groups = found_groups(looked, asked, side)
        if not groups:
            text = words.none_on_side(asked[0] if asked else None, side)
            details: dict[str, object] = {"found": False, "claimed": []}
        else:
            shown = groups[: self.most_groups]
            text = " ".join(words.group(g) for g in shown)
            details = {"found": True, "claimed": [n for g in shown for n in _named(g)]}
        about = list(asked) or [g.label for g in groups[:1]]
        return Answer(
            text=text,
            intent=self.name,
            details={"side": side, "about": about, **details},
        )


class FarSkill:
    """How far is the X (or "it"): near, neither, or far, from its box's height."""

    name: ClassVar[str] = "far"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        asked = asked_or_topic(ctx, utterance)
        if not asked:
            text = say(ctx.language).which_thing
            return Answer(text=text, intent=self.name, details={"found": None, "claimed": []})
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        found = found_groups(looked, asked)
        if not found:
            return not_seen(self.name, ctx, asked)
        thing = found[0].nearest
        label = name_in(found[0], asked)
        near = nearness(thing.box)
        return Answer(
            text=words.distance(label, near),
            intent=self.name,
            details={
                "about": [label],
                "found": True,
                "near": near,
                "side": side_of(thing.box),
                "claimed": [label],
            },
        )


class WhoSkill:
    """Who is there: the people in view, where, and the mood their faces show."""

    name: ClassVar[str] = "who"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = requests_of(name).phrases
    keywords: ClassVar[Mapping[Language, Mapping[str, float]]] = requests_of(name).keywords

    def __init__(self, eyes: Eyes) -> None:
        self._eyes = eyes

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        words = tongue(ctx.language)
        looked = look_now(self._eyes, ctx, self.name)
        if isinstance(looked, Answer):
            return looked
        people = [o for o in looked.objects if o.label == "person"]
        if not people:
            text = words.count("person", 0)
        else:
            said = compose(detections=people, faces=looked.faces, language=ctx.language)
            text = said.detail
        return Answer(
            text=text,
            intent=self.name,
            details={
                "count": len(people),
                "about": ["person"] if people else [],
                "claimed": ["person"] if people else [],
                "moods": [f.emotion for f in looked.faces if f.emotion],
            },
        )
