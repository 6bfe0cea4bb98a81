"""Every language's :class:`~device.language.tongue.Tongue`, by language.

Kept out of ``device/language/__init__.py`` so that importing the
``Language`` type (config, recognisers) does not load the vision types the
scene grammar is written against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from device.language import Language
from device.language.en import ENGLISH
from device.language.ko import KOREAN
from device.language.tongue import Messages, Tongue

TONGUES: Final[Mapping[Language, Tongue]] = {"en": ENGLISH, "ko": KOREAN}


def tongue(language: Language) -> Tongue:
    """Everything ``language`` says: its tables and its grammar."""
    return TONGUES[language]


def say(language: Language) -> Messages:
    """The fixed sentences of ``language``: ``say(ctx.language).fallback``."""
    return TONGUES[language].messages


class SkillRequests(NamedTuple):
    """One skill's requests in every language, as the ``Skill`` protocol has them."""

    phrases: Mapping[Language, Sequence[str]]
    keywords: Mapping[Language, Mapping[str, float]]


def requests_of(skill: str) -> SkillRequests:
    """The phrases and keywords of the skill called ``skill``, by language,
    from every language's ``Tongue.requests``.  ``KeyError`` if a language
    has no requests for it (``tests/language/test_tables.py`` says which)."""
    phrases: dict[Language, Sequence[str]] = {}
    keywords: dict[Language, Mapping[str, float]] = {}
    for language, words in TONGUES.items():
        if skill not in words.requests:
            raise KeyError(f"language {language!r} has no requests for the skill {skill!r}")
        phrases[language] = words.requests[skill].phrases
        keywords[language] = words.requests[skill].keywords
    return SkillRequests(phrases, keywords)
