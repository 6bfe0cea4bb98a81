"""Every language's :class:`~device.language.tongue.Tongue`, by language.

Kept out of ``device/language/__init__.py`` so that importing the
``Language`` type (config, recognisers) does not load the vision types the
scene grammar is written against.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

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
