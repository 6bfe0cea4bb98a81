"""Pick and load the speech engines for a language.

Recognition: Korean always uses Vosk (the packaged small Korean model, or
``vosk_model_dir``).  English uses Vosk when ``vosk_model_dir`` holds a fetched
model, else PocketSphinx, whose model ships in its wheel, so English works
offline right after ``pip install``.  A folder that exists but cannot be
loaded is an error rather than a silent fallback: someone put it there on
purpose.  Synthesis: English uses Piper, Korean espeak-ng.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from device.errors import ConfigError
from device.speech.base import LANGUAGES, Language, Recognizer, Synthesizer

log = logging.getLogger(__name__)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ConfigError(f"unsupported language {language!r}: choose one of {LANGUAGES}")


def open_recognizer(
    *,
    language: Language,
    phrases: Sequence[str],
    vosk_model_dir: Path | None,
    free_form_fallback: bool = True,
) -> Recognizer:
    """Load the recogniser for ``language``; raises ModelError with a fix if it can't."""
    _check_language(language)
    from device.speech.vosk_engine import VoskRecognizer, korean_model_dir

    if language == "ko":
        model_dir = vosk_model_dir if vosk_model_dir is not None else korean_model_dir()
        return VoskRecognizer(
            model_dir=model_dir,
            language="ko",
            phrases=phrases,
            free_form_fallback=free_form_fallback,
        )
    if vosk_model_dir is not None and vosk_model_dir.exists():
        return VoskRecognizer(
            model_dir=vosk_model_dir,
            language="en",
            phrases=phrases,
            free_form_fallback=free_form_fallback,
        )
    if vosk_model_dir is not None:
        log.warning("no English Vosk model at %s; using PocketSphinx", vosk_model_dir)
    from device.speech.sphinx_engine import PocketSphinxRecognizer

    return PocketSphinxRecognizer(phrases=phrases, free_form_fallback=free_form_fallback)


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
