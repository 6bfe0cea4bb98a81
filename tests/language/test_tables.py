"""Every language says everything: a language added to ``Language`` fails
here until its tables are complete."""

from __future__ import annotations

import dataclasses
import string
import typing

import pytest

from device.language import LANGUAGES, Language
from device.language.tongue import Messages
from device.language.tongues import TONGUES, say, tongue
from device.vision.coco import COCO_LABELS
from device.vision.faces import EMOTIONS
from device.vision.light import COLOUR_NAMES, LightWord

MESSAGE_KEYS = [f.name for f in dataclasses.fields(Messages)]


def slots(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_language_has_a_tongue_and_no_other_does() -> None:
    assert set(TONGUES) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_every_message_is_said_with_the_same_slots_as_in_english(
    language: Language, key: str
) -> None:
    template = getattr(say(language), key)
    assert isinstance(template, str) and template.strip(), (language, key)
    assert slots(template) == slots(getattr(say("en"), key)), (language, key)
    # Filling the slots must work (no stray braces, no positional slots).
    template.format(**dict.fromkeys(slots(template), "x"))


def test_the_messages_that_take_values_take_the_ones_the_code_passes() -> None:
    english = say("en")
    assert slots(english.read) == {"text"}
    assert slots(english.sign) == {"signs"}
    assert slots(english.main_colours) == {"colours"}
    assert slots(english.mood_one) == slots(english.mood_many) == {"mood"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_coco_class_has_a_name(language: Language) -> None:
    things = tongue(language).things
    assert set(things) == set(COCO_LABELS)
    assert all(name.strip() for name in things.values())
    # Two classes with one name could not be told apart in a "how many" question.
    assert len(set(things.values())) == len(COCO_LABELS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_colour_light_level_and_mood_has_words(language: Language) -> None:
    t = tongue(language)
    assert set(t.colours) == set(COLOUR_NAMES)
    assert set(t.light) == set(typing.get_args(LightWord))
    assert set(t.moods) == set(EMOTIONS) - {"neutral"}
    for words in (t.colours, t.light, t.moods):
        assert all(w.strip() for w in words.values())
