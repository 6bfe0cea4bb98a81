"""The recognisers by name (``speech.recognizer``), and what "auto" picks.

Adding a recogniser is one engine module and one line in :data:`RECOGNIZERS`;
nothing else names engines.  The module provides two functions:

``open_recognizer(settings: RecognizerSettings) -> Recognizer``
    Load the engine for ``settings.language``; a ``ModelError`` whose one line
    says what to install when its model is missing or broken.
``has_model(settings: RecognizerSettings) -> bool``
    Whether that model is on this machine, without loading it.  It may raise
    ``ModelError`` for a model the user named that is not there: an explicit
    choice must not be passed over in silence.

It imports its engine's library only inside those functions or the classes
they make (as ``vosk_engine`` and ``sphinx_engine`` do), so a machine without
it can still run the others.  The registry names modules as strings so that
listing the names, which the config does to check ``speech.recognizer``,
imports no engine at all.  Its streams should subclass
:class:`device.speech.stream.BaseStream`, which holds the rules all engines
share.

"auto" takes, in this order:

1. the engine whose own model setting the user filled in (``model_setting``:
   ``speech.vosk_model_dir`` means Vosk), since naming a model is asking for
   its engine;
2. the first engine, in :data:`RECOGNIZERS` order, that supports the language
   and has its model;
3. if none has, the first that supports the language, whose
   ``open_recognizer`` then says what to install.

With the entries below: Whisper for both languages when its weights are
installed (they are dependencies of the package, and of its ``ko`` extra),
because it hears best in noise (README, "How well it hears"); else Vosk, else
PocketSphinx for English.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Protocol, cast

from device.errors import ConfigError
from device.language import LANGUAGE_NAMES, Language
from device.speech.base import Recognizer, RecognizerSettings

log = logging.getLogger(__name__)

AUTO = "auto"
"""The ``speech.recognizer`` value that picks per language (see the module doc)."""


class EngineModule(Protocol):
    """What a recogniser's module provides (see the module doc)."""

    def open_recognizer(self, settings: RecognizerSettings) -> Recognizer: ...

    def has_model(self, settings: RecognizerSettings) -> bool: ...


@dataclass(frozen=True, slots=True)
class RecognizerSpec:
    """One registered recogniser."""

    module: str
    """Dotted name of its engine module, imported on first use."""
    languages: tuple[Language, ...]
    """The languages it has a model for."""
    model_setting: str | None = None
    """The :class:`RecognizerSettings` field that names this engine's model, if any."""

    def engine(self) -> EngineModule:
        return cast(EngineModule, importlib.import_module(self.module))

    def has_model(self, settings: RecognizerSettings) -> bool:
        return self.engine().has_model(settings)

    def open(self, settings: RecognizerSettings) -> Recognizer:
        return self.engine().open_recognizer(settings)


RECOGNIZERS: dict[str, RecognizerSpec] = {
    # In "auto"'s order of preference.
    "whisper": RecognizerSpec("device.speech.whisper_engine", ("en", "ko")),
    "vosk": RecognizerSpec("device.speech.vosk_engine", ("en", "ko"), "vosk_model_dir"),
    "pocketsphinx": RecognizerSpec("device.speech.sphinx_engine", ("en",)),
}


def recognizer_names() -> tuple[str, ...]:
    """Every value ``speech.recognizer`` accepts."""
    return (AUTO, *RECOGNIZERS)


def check_recognizer_name(name: str) -> None:
    """ConfigError unless ``name`` is "auto" or a registered recogniser."""
    if name not in recognizer_names():
        allowed = ", ".join(map(repr, recognizer_names()))
        raise ConfigError(f"speech.recognizer = {name!r} must be one of {allowed}")


def choose_recognizer(name: str, settings: RecognizerSettings) -> str:
    """The registered recogniser ``name`` stands for with these settings.

    ConfigError for an unknown name, or for an engine without a model for the
    language; ModelError if a model the user named is missing (see the
    module doc).
    """
    check_recognizer_name(name)
    language = settings.language
    able = [n for n, spec in RECOGNIZERS.items() if language in spec.languages]
    if name != AUTO:
        if name not in able:
            spoken = LANGUAGE_NAMES.get(language, language)
            others = " or ".join(repr(n) for n in [*able, AUTO] if n != name)
            raise ConfigError(f"speech.recognizer = {name!r} has no {spoken} model; use {others}")
        return name
    if not able:
        raise ConfigError(f"no recogniser has a model for language {language!r}")
    asked = [n for n in able if _names_a_model(RECOGNIZERS[n], settings)]
    chosen = (
        asked[0]
        if asked
        else next((n for n in able if RECOGNIZERS[n].has_model(settings)), able[0])
    )
    log.info("speech.recognizer %r is %s for %s", AUTO, chosen, language)
    return chosen


def _names_a_model(spec: RecognizerSpec, settings: RecognizerSettings) -> bool:
    return spec.model_setting is not None and getattr(settings, spec.model_setting) is not None


def open_recognizer(name: str, settings: RecognizerSettings) -> Recognizer:
    """Choose (see :func:`choose_recognizer`) and load a recogniser."""
    return RECOGNIZERS[choose_recognizer(name, settings)].open(settings)
