"""One helper every skill uses to speak the request's language."""

from __future__ import annotations

from device.speech.base import Language


def pick(language: Language, *, en: str, ko: str) -> str:
    """``en`` or ``ko``, whichever ``language`` asks for.

    Keyword-only so the two strings can never be swapped silently, and a
    function (not a dict) so mypy catches a missing language at every call.
    """
    return ko if language == "ko" else en
