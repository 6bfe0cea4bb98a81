"""The rules every recognition stream follows, written once.

:class:`BaseStream` is a :class:`~device.speech.base.RecognitionStream` with
the engine-independent half already done, so an engine writes only how it
decodes.  It

* checks each chunk is 16 kHz mono int16 (``ValueError`` otherwise: a caller's
  bug, which must not be decoded as noise),
* listens for voiced sound in the chunk *as the microphone gave it*, and hands
  the engine the chunk with the noise floor added (both in
  :mod:`device.speech.voicing`, which says why each is needed),
* answers :meth:`finish` with an empty transcript, without asking the engine,
  when the whole utterance held no voiced sound: the grammar engines force
  noise onto *some* words, with a confidence that does not tell.  An engine
  that can tell speech from noise better itself sets
  ``judges_speech_itself`` (Whisper: this check missed 11 of 96 questions
  at 5 dB that Whisper's own no-speech probability kept),
* makes ``feed`` and ``finish`` after the end a ``SpeechError``, and
  ``cancel`` safe to repeat,
* cancels the utterance when the engine fails while decoding, so a broken
  decoder is not fed the rest of it.

An engine subclasses it and fills in three template methods:

``_decode(pcm)``
    Decode one checked, floored chunk (or keep it for later).
``_result()``
    The utterance is over and held speech: end the decoders and return the
    best :class:`~device.speech.base.Transcript`.
``_abandon()``
    The utterance is over and nothing is wanted from it (cancelled, or it held
    no speech): end the decoders and drop what was kept.

Exactly one of ``_result`` and ``_abandon`` is called, once.  Everything a
stream needs from its recogniser is passed to its constructor; a stream never
reads its recogniser's private state.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import replace

import numpy as np

from device.errors import SpeechError
from device.speech.base import Transcript
from device.speech.voicing import NoiseFloor, VoicingDetector
from hardware.ports import MIC_RATE, Pcm

log = logging.getLogger(__name__)


def check_chunk(pcm: Pcm) -> None:
    """``ValueError`` unless ``pcm`` is 1-D int16 (a caller's bug, never decoded as noise)."""
    if pcm.dtype != np.int16 or pcm.ndim != 1:
        raise ValueError(f"expected mono int16 PCM, got {pcm.dtype} with shape {pcm.shape}")


class BaseStream(ABC):
    """One utterance; subclasses implement ``_decode``, ``_result`` and ``_abandon``."""

    judges_speech_itself = False
    """True: ``_result`` is asked even without voiced sound (see the module doc)."""

    def __init__(self, *, engine: str) -> None:
        self._engine = engine
        self._voicing = VoicingDetector()
        self._floor = NoiseFloor()
        self._done = False

    @property
    def done(self) -> bool:
        """True once the utterance was finished or cancelled."""
        return self._done

    @property
    def heard_speech(self) -> bool:
        """Whether the audio fed so far held voiced sound."""
        return self._voicing.heard_speech

    def feed(self, pcm: Pcm) -> None:
        """Decode another chunk of 16 kHz mono int16 audio."""
        self._check_open()
        check_chunk(pcm)
        # Voicing is judged on the audio as heard: the floor is for the decoders.
        self._voicing.feed(pcm)
        floored = self._floor.apply(pcm)
        try:
            self._decode(floored)
        except BaseException:
            self.cancel()
            raise

    def finish(self) -> Transcript:
        """End the utterance and return the best transcript (empty if no speech)."""
        self._check_open()
        self._done = True
        if not self._voicing.heard_speech and not self.judges_speech_itself:
            self._abandon()
            return Transcript.nothing(self._engine)
        heard = self._result()
        if heard.is_empty and self._voicing.heard_speech:
            # Someone spoke ("what's that?", 0.75 s, in a voice not the
            # device's own), and no words came of it: that deserves "didn't
            # catch that", where a silent hold is cancelled without a word.
            return replace(heard, unclear=True)
        return heard

    def cancel(self) -> None:
        """Abandon the utterance; repeating it does nothing."""
        if not self._done:
            self._done = True
            self._abandon()

    def _check_open(self) -> None:
        if self._done:
            raise SpeechError("this utterance is already finished")

    @abstractmethod
    def _decode(self, pcm: Pcm) -> None:
        """Decode (or keep) one chunk: mono int16, noise floor added."""

    @abstractmethod
    def _result(self) -> Transcript:
        """End the decoders of an utterance that held speech; return what was said."""

    @abstractmethod
    def _abandon(self) -> None:
        """End the decoders of an utterance nobody wants an answer from."""


class KeptAudio:
    """Audio kept during the hold for a decoder that runs after release.

    Bounded, so a button stuck down cannot fill the memory: once ``max_seconds``
    are kept the rest is dropped (the chunk that crosses the limit is kept
    whole), with one warning.
    """

    def __init__(self, *, max_seconds: float) -> None:
        self._max_samples = int(max_seconds * MIC_RATE)
        self._chunks: list[Pcm] = []
        self._samples = 0

    def add(self, pcm: Pcm) -> None:
        if self._samples >= self._max_samples:
            return
        self._chunks.append(pcm)
        self._samples += len(pcm)
        if self._samples >= self._max_samples:
            log.warning(
                "utterance longer than the %.0f s kept for decoding; the rest is not kept",
                self._max_samples / MIC_RATE,
            )

    def take(self) -> Pcm:
        """All kept audio as one array (empty if none), and forget it."""
        chunks, self._chunks, self._samples = self._chunks, [], 0
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    def clear(self) -> None:
        self._chunks, self._samples = [], 0
