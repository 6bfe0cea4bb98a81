"""English recognition with PocketSphinx, whose model ships inside its wheel.

Two decoders hear every chunk while the button is held: one constrained to the
command phrases (a JSGF grammar) and one free-form (the bundled n-gram model).
Feeding both live is affordable: on the 2-core x86 dev box the grammar decoder
costs about 0.015 s and the free-form one 0.1-0.15 s per second of audio, so
both are done almost as soon as the button is released (finishing, N-best
included, took 40-100 ms).

Which one to trust.  A JSGF grammar always forces an answer from the grammar,
and neither decoder's own score says when it did: the grammar posterior was
0.12-0.17 for right and wrong phrases alike.  So the grammar phrase is only
trusted when the free-form decoder, which was not forced, *heard the same
sounds*: the phone error rate between the grammar phrase and the closest of
the free-form decoder's N best hypotheses (pronunciations from the decoder's
own dictionary, so "stop" vs "stock" is one phone, not one whole word) must be
at most ``max_phone_error_rate``.  Phones rather than words because the
free-form model mishears single words ("how much battery is what") while
getting most sounds right; N-best rather than the best alone because its
n-gram model is unsure of one-word utterances ("stop" came out as "it's got"
as its best guess, with "stop" further down the list).

Measured on 16 commands and 16 other sentences spoken by Piper and two
espeak-ng voices, plus 10 one- and two-word commands ("stop", "pardon") and 8
other single words by Piper, each padded with 0.1 s and 0.3 s of silence, with
a 23-phrase grammar: commands scored 0.0-0.25 with Piper and up to 0.8 with
espeak-ng's robotic voices; every other utterance the grammar forced onto a
phrase scored >= 0.67.  The default 0.5 accepted 108 of 116 commands and
none of the 42 forced phrases: a wrongly trusted command does the wrong thing,
while a rejected one still reaches the skills as free-form text.  A
hypothesis that stops inside a phrase ("when did you last see a") never
reached the grammar's end, so it is not trusted either.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from device.errors import ConfigError, ModelError, SpeechError
from device.language import Language
from device.speech.base import (
    GrammarPhrases,
    RecognizerSettings,
    Transcript,
    normalise,
    split_phrases,
)
from device.speech.stream import BaseStream
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)

ENGINE = "pocketsphinx"
_GRAMMAR = "commands"
#: A sibling phrase must match the free-form list this well, and this much
#: better than the grammar decoder's pick, to replace it (see ``_decide``).
_SIBLING_MAX_PER = 0.2
_SIBLING_MARGIN = 0.25


def has_model(settings: RecognizerSettings) -> bool:
    """Always: the English model ships inside the pocketsphinx wheel."""
    return True


def open_recognizer(settings: RecognizerSettings) -> PocketSphinxRecognizer:
    """The registry's entry point (:mod:`device.speech.registry`); English only."""
    return PocketSphinxRecognizer(
        phrases=settings.grammar or settings.phrases, free_form_fallback=settings.free_form_fallback
    )


def _edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    # rapidfuzz's C++ Levenshtein over phone lists: ~0.4 us a pair against
    # ~60 us for a pure-Python loop, which kept finish() above 100 ms.
    return int(Levenshtein.distance(a, b))


def _jsgf(phrases: Sequence[str]) -> str:
    # Phrases are already normalised to dictionary words, which contain no
    # JSGF metacharacters; each becomes one alternative of the public rule.
    body = " | ".join(f"( {p} )" for p in phrases)
    return f"#JSGF V1.0;\ngrammar {_GRAMMAR};\npublic <command> = {body} ;\n"


class PocketSphinxRecognizer(GrammarPhrases, Resource):
    """The :class:`~device.speech.base.Recognizer` for English, fully offline."""

    def __init__(
        self,
        *,
        phrases: Sequence[str],
        free_form_fallback: bool = True,
        max_phone_error_rate: float = 0.5,
        n_best: int = 20,
    ) -> None:
        try:
            import pocketsphinx
        except ImportError:
            raise ModelError("PocketSphinx is not installed: pip install pocketsphinx") from None
        self._max_per = max_phone_error_rate
        self._n_best = n_best
        self._active: _SphinxStream | None = None
        try:
            # loglevel FATAL silences the INFO lines it otherwise prints per decoder.
            # The free-form decoder is built even when the caller wants no
            # free-form *answers*: it is the yardstick that decides whether to
            # trust the grammar, and its full dictionary vets the phrases.
            self._free: Any = pocketsphinx.Decoder(samprate=MIC_RATE, loglevel="FATAL")
            usable, oov = split_phrases(phrases, lambda w: self._free.lookup_word(w) is not None)
            self._grammar: Any = None
            self._dict_dir: tempfile.TemporaryDirectory[str] | None = None
            if usable:
                self._grammar = self._grammar_decoder(pocketsphinx, usable)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"PocketSphinx could not load its English model ({exc}): "
                "pip install --force-reinstall pocketsphinx"
            ) from exc
        self._phrases = tuple(usable)
        self._phone_cache: dict[str, list[str]] = {}
        self._cmn = _CepstralMeans()
        self._oov = tuple(oov)
        self._free_answers = free_form_fallback
        if oov:
            log.warning("phrases left out of the English grammar (unknown words): %s", oov)
        if not usable and not free_form_fallback:
            raise ConfigError("no command phrase uses only words the English model knows")

    def _grammar_decoder(self, pocketsphinx: Any, phrases: Sequence[str]) -> Any:
        """A decoder for the command grammar with a dictionary of just its words.

        With the full 135k-word CMU dictionary this decoder took 28 MB; with
        only the grammar's words (alternate pronunciations kept) it takes 6 MB,
        which matters on a 512 MB Pi Zero 2 W.
        """
        words = {w for p in phrases for w in p.split()}
        full = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
        with full.open(encoding="utf-8") as f:
            lines = [ln for ln in f if ln.split(" ", 1)[0].split("(", 1)[0] in words]
        self._dict_dir = tempfile.TemporaryDirectory(prefix="companion-sphinx-")
        small = Path(self._dict_dir.name) / "commands.dict"
        small.write_text("".join(lines), encoding="utf-8")
        decoder = pocketsphinx.Decoder(
            samprate=MIC_RATE, lm=None, dict=str(small), loglevel="FATAL"
        )
        decoder.add_jsgf_string(_GRAMMAR, _jsgf(phrases))
        decoder.activate_search(_GRAMMAR)
        return decoder

    @property
    def language(self) -> Language:
        return "en"

    @property
    def name(self) -> str:
        return ENGINE

    def start(self) -> _SphinxStream:
        if self._free is None:
            raise SpeechError("the English recogniser is closed")
        if self._active is not None and not self._active.done:
            # The decoders are shared: a new press (barge-in) ends the old utterance.
            log.debug("starting a new utterance before the last one finished")
            self._active.cancel()
        self._active = _SphinxStream(
            grammar=self._grammar,
            free=self._free,
            cmn=self._cmn,
            n_best=self._n_best,
            decide=self._decide,
        )
        return self._active

    def close(self) -> None:
        if self._active is not None and not self._active.done:
            self._active.cancel()
        self._grammar = self._free = None
        if self._dict_dir is not None:
            self._dict_dir.cleanup()
            self._dict_dir = None

    def _decide(
        self, grammar_hyp: Any, free_texts: Sequence[str], free_prob: float, lookup: Any
    ) -> Transcript:
        """Pick the answer; ``free_texts`` is the free-form N-best list, best first.

        1. The grammar decoder's pick, if the free-form decoder heard nearly the
           same phones (see the module docstring).
        2. But a *sibling* phrase wins when the free-form list matches it much
           better: on short commands the grammar decoder can settle on
           "speak quieter" for "speak louder" (phone error 0.3, accepted by
           step 1) while the free-form list says "speak louder" (0.0).  Only
           phrases sharing a word with the free-form list are scored, which
           keeps this to a few dozen small edit distances (< 10 ms).
        3. Otherwise the free-form text, for the skills' fuzzy matcher.
        """
        grammar_text = normalise(grammar_hyp.hypstr) if grammar_hyp is not None else ""
        heard = [_phones(lookup, t) for t in dict.fromkeys(free_texts) if t]
        heard_words = {w for t in free_texts for w in t.split()}

        def per(phrase: str, limit: float) -> float:
            ref = self._phones_of(phrase, lookup)
            # A length difference alone beyond the limit cannot be within it.
            near = [h for h in heard if abs(len(h) - len(ref)) <= limit * len(ref)]
            return min((_edit_distance(ref, h) / len(ref) for h in near), default=1.0)

        grammar_per = per(grammar_text, 1.0) if grammar_text in self._phrases else 1.0
        sibling, sibling_per = "", 1.0
        for phrase in self._phrases:
            if phrase != grammar_text and heard_words.intersection(phrase.split()):
                value = per(phrase, _SIBLING_MAX_PER)
                if value < sibling_per:
                    sibling, sibling_per = phrase, value
        log.debug(
            "grammar %r (phone error %.2f), closest sibling %r (%.2f), free-form %r",
            grammar_text,
            grammar_per,
            sibling,
            sibling_per,
            free_texts[:3],
        )
        close_enough = sibling_per <= _SIBLING_MAX_PER
        if sibling and close_enough and sibling_per + _SIBLING_MARGIN <= grammar_per:
            return Transcript(sibling, 1.0 - sibling_per, True, ENGINE)
        if grammar_text and grammar_per <= self._max_per:
            return Transcript(grammar_text, max(0.0, 1.0 - grammar_per), True, ENGINE)
        if self._free_answers and free_texts and free_texts[0]:
            return Transcript(free_texts[0], free_prob, False, ENGINE)
        return Transcript.nothing(ENGINE)

    def _phones_of(self, phrase: str, lookup: Any) -> list[str]:
        phones = self._phone_cache.get(phrase)
        if phones is None:
            phones = self._phone_cache[phrase] = _phones(lookup, phrase)
        return phones


def _phones(decoder: Any, text: str) -> list[str]:
    out: list[str] = []
    for word in text.split():
        pron = decoder.lookup_word(word)
        out.extend(pron.split() if pron else [f"?{word}"])
    return out


def _free_form_hypotheses(decoder: Any, n_best: int) -> tuple[list[str], float]:
    """The best hypothesis then the N-best list, normalised; and the best one's posterior."""
    best = decoder.hyp()
    if best is None:
        return [], 0.0
    texts = [normalise(best.hypstr)]
    for hyp in itertools.islice(decoder.nbest(), n_best):
        if hyp is not None and hyp.hypstr:
            texts.append(normalise(hyp.hypstr))
    return texts, min(1.0, max(0.0, float(best.prob)))


#: ``_decide``'s signature: grammar hypothesis, free-form N-best, its posterior, lookup.
Decide = Callable[[Any, Sequence[str], float, Any], Transcript]


class _CepstralMeans:
    """Each decoder's cepstral mean as learnt on the last utterance that held speech.

    A press full of noise (or a cancelled one) must not skew how the next
    question is heard, so a stream starts from these, and only an utterance
    with speech updates them.
    """

    def __init__(self) -> None:
        self._by_decoder: dict[int, str] = {}

    def restore(self, decoder: Any) -> None:
        cmn = self._by_decoder.get(id(decoder))
        if cmn is not None:
            decoder.set_cmn(cmn)

    def remember(self, decoder: Any) -> None:
        self._by_decoder[id(decoder)] = decoder.get_cmn()


class _SphinxStream(BaseStream):
    """One utterance: both decoders hear each chunk as it arrives.

    The decoders are the recogniser's, held here too so an utterance still
    ends cleanly if the recogniser is closed meanwhile.
    """

    def __init__(
        self, *, grammar: Any, free: Any, cmn: _CepstralMeans, n_best: int, decide: Decide
    ) -> None:
        super().__init__(engine=ENGINE)
        self._grammar = grammar
        self._free = free
        self._cmn = cmn
        self._n_best = n_best
        self._decide = decide
        self._decoders = [d for d in (grammar, free) if d is not None]
        try:
            for d in self._decoders:
                cmn.restore(d)
                d.start_utt()
        except RuntimeError as exc:
            raise SpeechError(f"PocketSphinx could not start an utterance: {exc}") from exc

    def _decode(self, pcm: Pcm) -> None:
        data = pcm.tobytes()
        try:
            for d in self._decoders:
                d.process_raw(data, False, False)
        except RuntimeError as exc:
            raise SpeechError(f"PocketSphinx failed while decoding: {exc}") from exc

    def _result(self) -> Transcript:
        self._end()
        for d in self._decoders:
            self._cmn.remember(d)
        grammar_hyp = self._grammar.hyp() if self._grammar is not None else None
        texts, prob = _free_form_hypotheses(self._free, self._n_best)
        return self._decide(grammar_hyp, texts, prob, self._free)

    def _abandon(self) -> None:
        self._end()

    def _end(self) -> None:
        try:
            for d in self._decoders:
                d.end_utt()
        except RuntimeError as exc:
            raise SpeechError(f"PocketSphinx could not end the utterance: {exc}") from exc
