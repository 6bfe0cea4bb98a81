"""The speech interfaces the assistant programs against.

A :class:`Recognizer` turns 16 kHz mono int16 audio into a :class:`Transcript`.
It is fed *while the button is held* through a :class:`RecognitionStream`, so
most decoding is done by the time the button is released.

A :class:`Synthesizer` turns text into audio one sentence at a time, so the
first sentence can play while the rest is still being made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from device.language import Language
from hardware.ports import Pcm


@dataclass(frozen=True, slots=True)
class Transcript:
    """What a recogniser heard in one utterance."""

    text: str
    """Lower-case words separated by single spaces; ``""`` when nothing was heard."""
    confidence: float
    """0..1; the engine's own estimate, comparable only within one engine."""
    from_grammar: bool
    """True if ``text`` came from the command grammar, False if free-form."""
    engine: str
    """Which engine produced it, e.g. ``"vosk"`` or ``"pocketsphinx"``."""
    unclear: bool = False
    """Nothing was made out, yet the audio held voiced sound: someone spoke
    (the answer is "didn't catch that", not the silence of a cancel)."""

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @classmethod
    def nothing(cls, engine: str) -> Transcript:
        """The transcript of an utterance in which ``engine`` heard nothing usable."""
        return cls("", 0.0, False, engine)


class RecognitionStream(Protocol):
    """One utterance being decoded incrementally."""

    def feed(self, pcm: Pcm) -> None:
        """Decode another chunk of 16 kHz mono int16 audio."""
        ...

    def finish(self) -> Transcript:
        """End the utterance and return the best transcript."""
        ...

    def cancel(self) -> None:
        """Abandon the utterance; the stream must not be used again."""
        ...


@dataclass(frozen=True, slots=True)
class RecognizerSettings:
    """Everything a recogniser is opened with (see :mod:`device.speech.registry`).

    One object for every engine, so adding an engine adds no argument to any
    caller: each reads the fields it needs and ignores the rest.
    """

    language: Language
    """The language to recognise."""
    phrases: tuple[str, ...] = ()
    """The skills' command phrases, every thing's name filled in (what Whisper snaps to)."""
    grammar: tuple[str, ...] = ()
    """The phrases for engines that compile a grammar, fewer names filled in
    (a big grammar made PocketSphinx slow); empty: ``phrases``."""
    examples: tuple[str, ...] = ()
    """One phrase per request (the skills' first); Whisper is prompted with them."""
    free_form_fallback: bool = True
    """Return free-form text when no phrase fits; False returns an empty transcript."""
    vosk_model_dir: Path | None = None
    """A Vosk model folder the user chose (``speech.vosk_model_dir``); None finds one."""
    models_root: Path | None = None
    """Where ``companion models fetch`` installs models; None is its default."""
    understood: Callable[[str], bool] | None = None
    """Whether free text already reaches a skill as it is (the skills' matcher);
    a recogniser that snaps near misses to ``phrases`` leaves such text alone."""
    acting: tuple[str, ...] = ()
    """Those of ``phrases`` that act on the device (louder, quieter, forget): a
    recogniser that snaps near misses takes them only when it is sure."""


class Recognizer(Protocol):
    """A loaded speech-recognition engine for one language."""

    @property
    def language(self) -> Language: ...

    @property
    def name(self) -> str: ...

    def start(self) -> RecognitionStream:
        """Begin a new utterance."""
        ...

    def close(self) -> None: ...


class Synthesizer(Protocol):
    """A loaded text-to-speech voice for one language."""

    @property
    def language(self) -> Language: ...

    @property
    def sample_rate(self) -> int: ...

    def sentences(self, text: str) -> Iterator[Pcm]:
        """Yield the audio of ``text`` one sentence at a time (mono int16)."""
        ...

    def close(self) -> None: ...


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, punctuation dropped.

    The one spelling both recognisers report and compare phrases in.
    """
    return " ".join(re.sub(r"[^\w']+", " ", text.lower()).split())


def split_phrases(
    phrases: Sequence[str], knows: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """Normalised phrases whose every word the engine ``knows``, and the rest (raw).

    Both engines leave out a phrase with an unknown word rather than shorten
    it: a shortened command could mean something else.
    """
    usable: list[str] = []
    unknown: list[str] = []
    for raw in phrases:
        phrase = normalise(raw)
        if not phrase or phrase in usable:
            continue
        if all(knows(w) for w in phrase.split()):
            usable.append(phrase)
        else:
            unknown.append(raw)
    return usable, unknown


class GrammarPhrases:
    """The phrase lists both recognisers report (a mixin)."""

    _phrases: tuple[str, ...] = ()
    _oov: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        """The normalised phrases the grammar holds."""
        return self._phrases

    @property
    def oov_phrases(self) -> tuple[str, ...]:
        """Phrases left out because the model lacks one of their words."""
        return self._oov


def split_sentences(text: str) -> Sequence[str]:
    """Split on sentence-final punctuation (., !, ?, and their CJK forms).

    Kept deliberately simple: answers are short and written by our own skills.
    """
    out: list[str] = []
    current: list[str] = []
    for ch in text:
        current.append(ch)
        if ch in ".!?。！？\n":
            sentence = "".join(current).strip()
            if sentence.strip(".!?。！？\n "):
                out.append(sentence)
            current = []
    tail = "".join(current).strip()
    if tail:
        out.append(tail)
    return out
