"""The front end for noise: WebRTC noise suppression and automatic gain.

Street noise reaches the recogniser before the words do.  WebRTC's audio
processing module (the one in every browser's calls) suppresses stationary
and babble noise and evens out the level; ``webrtc-noise-gain`` wraps it for
Python, is kept by the Home Assistant voice team (their Wyoming satellites
use it) and ships wheels for x86-64 and aarch64.

:class:`CleanedRecognizer` wraps *any* recogniser (see
:mod:`device.speech.registry`), so the front end is one setting, not a change
to each engine: the wrapped engine, its voicing check and its noise floor all
see the cleaned audio.  A new processor is made for every utterance, so the
noise estimate learnt in one place does not leak into the next.

WebRTC works on 10 ms frames; the microphone's chunks are cut into frames and
a partial frame waits for the next chunk (the last is padded at the end).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from device.errors import ConfigError, ModelError
from device.language import Language
from device.speech.base import RecognitionStream, Recognizer, Transcript
from device.speech.stream import check_chunk
from hardware.ports import MIC_RATE, Pcm

FRAME = MIC_RATE // 100
"""Samples in one 10 ms WebRTC frame at the microphone's rate."""
#: WebRTC's ranges: suppression level 0 (off) to 4, gain target 0 (off) to 31 dBFS.
MAX_SUPPRESSION = 4
MAX_GAIN_DBFS = 31


class WebRtcCleaner:
    """One utterance's noise suppressor and gain control."""

    def __init__(self, *, noise_suppression: int, auto_gain: int) -> None:
        if not 0 <= noise_suppression <= MAX_SUPPRESSION or not 0 <= auto_gain <= MAX_GAIN_DBFS:
            raise ConfigError(
                f"noise suppression must be 0..{MAX_SUPPRESSION} and auto gain "
                f"0..{MAX_GAIN_DBFS} dBFS, not {noise_suppression} and {auto_gain}"
            )
        try:
            from webrtc_noise_gain import AudioProcessor
        except ImportError:
            raise ModelError(
                "the noise front end needs webrtc-noise-gain: pip install webrtc-noise-gain"
            ) from None
        self._processor: Any = AudioProcessor(auto_gain, noise_suppression)
        self._pending = np.zeros(0, np.int16)

    def process(self, pcm: Pcm) -> Pcm:
        """Clean every whole 10 ms frame of ``pending + pcm``; keep the rest."""
        data = np.concatenate([self._pending, pcm]) if self._pending.size else pcm
        whole = len(data) - len(data) % FRAME
        self._pending = data[whole:].copy()
        if whole == 0:
            return np.zeros(0, np.int16)
        frames = data[:whole].astype("<i2").tobytes()
        step = FRAME * 2  # bytes
        out = b"".join(
            self._processor.Process10ms(frames[i : i + step]).audio
            for i in range(0, len(frames), step)
        )
        return np.frombuffer(out, dtype="<i2").astype(np.int16)

    def flush(self) -> Pcm:
        """The partial frame left at the end, padded with silence to a whole one."""
        if not self._pending.size:
            return np.zeros(0, np.int16)
        tail = len(self._pending)
        padded = np.concatenate([self._pending, np.zeros(FRAME - tail, np.int16)])
        self._pending = np.zeros(0, np.int16)
        return self.process(padded)[:tail]


class _CleanedStream:
    def __init__(self, inner: RecognitionStream, cleaner: WebRtcCleaner) -> None:
        self._inner = inner
        self._cleaner = cleaner

    def feed(self, pcm: Pcm) -> None:
        check_chunk(pcm)  # before cleaning: the cleaner would cast floats silently
        cleaned = self._cleaner.process(pcm)
        if cleaned.size:
            self._inner.feed(cleaned)

    def finish(self) -> Transcript:
        tail = self._cleaner.flush()
        if tail.size:
            self._inner.feed(tail)
        return self._inner.finish()

    def cancel(self) -> None:
        self._inner.cancel()


class CleanedRecognizer:
    """``inner``, hearing audio through the WebRTC front end."""

    def __init__(self, inner: Recognizer, *, noise_suppression: int, auto_gain: int) -> None:
        WebRtcCleaner(noise_suppression=noise_suppression, auto_gain=auto_gain)  # fail fast
        self._inner = inner
        self._suppression = noise_suppression
        self._gain = auto_gain

    @property
    def language(self) -> Language:
        return self._inner.language

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> Recognizer:
        return self._inner

    def start(self) -> RecognitionStream:
        cleaner = WebRtcCleaner(noise_suppression=self._suppression, auto_gain=self._gain)
        return _CleanedStream(self._inner.start(), cleaner)

    def close(self) -> None:
        self._inner.close()
