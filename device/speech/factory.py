"""Pick and load the speech engines for a language.

Recognition: ``speech.recognizer`` names an engine, or is "auto";
:mod:`device.speech.registry` lists the engines and says what "auto" picks.
Synthesis: English uses Piper (or espeak-ng), Korean espeak-ng.
"""

from __future__ import annotations

from device.errors import ConfigError
from device.language import LANGUAGES, Language
from device.speech import registry
from device.speech.base import Recognizer, RecognizerSettings, Synthesizer


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ConfigError(f"unsupported language {language!r}: choose one of {LANGUAGES}")


def open_recognizer(settings: RecognizerSettings, *, recognizer: str = "auto") -> Recognizer:
    """Load ``recognizer`` (a ``speech.recognizer`` value) for ``settings.language``.

    Raises ConfigError for a name or language it cannot serve, ModelError with
    the fix if the model is missing or broken.
    """
    _check_language(settings.language)
    return registry.open_recognizer(recognizer, settings)


def open_synthesizer(*, language: Language, english_voice: str = "piper") -> Synthesizer:
    """Load the voice for ``language``; raises ModelError with a fix if it can't.

    ``english_voice`` is "piper" (neural, ~150 MB resident while speaking) or
    "espeak" (formant synthesis, a few MB: for the 512 MB Pi Zero 2 W).
    """
    _check_language(language)
    if language == "en" and english_voice == "piper":
        from device.speech.piper_engine import PiperSynthesizer

        return PiperSynthesizer()
    from device.speech.espeak_engine import EspeakSynthesizer

    if language == "en":
        return EspeakSynthesizer(voice="en-us", language="en")
    return EspeakSynthesizer(voice="ko", language="ko")
