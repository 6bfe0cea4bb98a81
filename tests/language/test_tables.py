"""Every language says everything, and understands every request: a language
added to ``Language`` fails here until its tables are complete."""

from __future__ import annotations

import dataclasses
import string
import typing

import pytest

from device.language import LANGUAGES, Language
from device.language.tongue import Messages
from device.language.tongues import TONGUES, requests_of, say, tongue
from device.skills.registry import default_registry
from device.vision.coco import COCO_LABELS
from device.vision.faces import EMOTIONS
from device.vision.light import COLOUR_NAMES, LightWord
from device.vision.pipeline import VisionPipeline

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


def test_every_language_has_a_name() -> None:
    from device.language import LANGUAGE_NAMES

    assert set(LANGUAGE_NAMES) == set(LANGUAGES)


def _every_skill() -> set[str]:
    """Every matchable skill, the vision follow-ups (more, read, count) included:
    they are registered only with eyes, and constructing the pipeline loads no model."""
    return set(default_registry(eyes=VisionPipeline()).names)


def test_the_requests_are_for_exactly_the_registered_skills() -> None:
    skills = _every_skill()
    assert {"time", "see", "more", "read", "count", "help"} <= skills  # the full set
    assert set(tongue("en").requests) == skills
    assert "fallback" not in tongue("en").requests  # never asked for


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_requests_for_the_same_skills(language: Language) -> None:
    assert sorted(tongue(language).requests) == sorted(tongue("en").requests)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_skill_has_phrases_and_keywords_weighted_in_zero_to_one(
    language: Language,
) -> None:
    for skill, requests in tongue(language).requests.items():
        where = (language, skill)
        # A tuple, not one string (("time") is a str), and at least one phrase.
        assert isinstance(requests.phrases, tuple) and requests.phrases, where
        for phrase in requests.phrases:
            assert isinstance(phrase, str) and phrase == " ".join(phrase.split()) != "", where
        assert len(set(requests.phrases)) == len(requests.phrases), where
        assert requests.keywords, where
        for keyword, weight in requests.keywords.items():
            assert keyword.strip(), where
            assert 0.0 < weight <= 1.0, (*where, keyword, weight)


def test_requests_of_gathers_one_skill_from_every_language() -> None:
    phrases, keywords = requests_of("time")
    assert set(phrases) == set(keywords) == set(LANGUAGES)
    for language in LANGUAGES:
        assert phrases[language] == tongue(language).requests["time"].phrases
        assert keywords[language] == tongue(language).requests["time"].keywords
    with pytest.raises(KeyError, match="weather"):
        requests_of("weather")
