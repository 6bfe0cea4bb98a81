"""Audio helpers shared by the speech tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from device.speech.base import Recognizer, Transcript
from hardware.ports import MIC_RATE, Pcm

CHUNK = MIC_RATE // 10
"""The microphone's 100 ms chunks."""

#: ``say(text)``: text to 16 kHz speech, padded as a press-and-hold recording is.
Speak = Callable[[str], Pcm]


def pad(pcm: Pcm, seconds: float = 0.3) -> Pcm:
    """Silence before and after, as when the button is pressed before speaking."""
    silence = np.zeros(int(seconds * MIC_RATE), dtype=np.int16)
    return np.concatenate([silence, pcm, silence])


def hear(recognizer: Recognizer, pcm: Pcm) -> Transcript:
    """Feed ``pcm`` in 100 ms chunks, as the microphone would, and finish."""
    stream = recognizer.start()
    for i in range(0, len(pcm), CHUNK):
        stream.feed(pcm[i : i + CHUNK])
    return stream.finish()


def white_noise(*, seconds: float, rms: float, seed: int = 0) -> Pcm:
    """Reproducible Gaussian white noise at ``rms`` int16 units."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(int(seconds * MIC_RATE)) * rms
    return np.clip(noise, -32768, 32767).astype(np.int16)
