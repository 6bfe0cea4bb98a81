"""Earcons: short generated tones that say "ready", "listening", "got it", "cancelled", "error".

Generated rather than shipped as files so they exist at any output rate and
cost nothing to load.  Each is under 0.3 s so it never delays an answer much;
the shapes follow the usual convention: rising = start, falling = stop/cancel,
low and doubled = error.
"""

from __future__ import annotations

import functools

import numpy as np

from device.states import Earcon
from hardware.ports import Pcm

#: (frequency Hz, duration s) segments, played back to back.
_SHAPES: dict[Earcon, tuple[tuple[float, float], ...]] = {
    Earcon.LISTENING: ((880.0, 0.06), (1320.0, 0.06)),
    Earcon.GOT_IT: ((1320.0, 0.05),),
    Earcon.CANCEL: ((660.0, 0.07), (440.0, 0.09)),
    Earcon.ERROR: ((330.0, 0.09), (0.0, 0.05), (330.0, 0.09)),
    # Rising three-note arpeggio: "I'm awake", unlike any in-turn sound.
    Earcon.READY: ((660.0, 0.08), (880.0, 0.08), (1320.0, 0.12)),
}

#: Peak level: about -12 dBFS, clearly audible but gentler than speech peaks.
_LEVEL = 0.25
#: 5 ms raised-cosine ramps: no clicks at segment edges.
_RAMP_S = 0.005


def _segment(freq: float, seconds: float, rate: int) -> np.ndarray:
    n = max(1, int(rate * seconds))
    if freq <= 0:
        return np.zeros(n)
    t = np.arange(n) / rate
    tone = np.sin(2 * np.pi * freq * t)
    ramp = min(n // 2, int(rate * _RAMP_S))
    if ramp:
        edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        tone[:ramp] *= edge
        tone[-ramp:] *= edge[::-1]
    return tone


@functools.cache
def earcon(kind: Earcon, rate: int) -> Pcm:
    """The earcon ``kind`` as mono int16 at ``rate`` Hz (cached; do not modify)."""
    pcm = np.concatenate([_segment(f, s, rate) for f, s in _SHAPES[kind]])
    out = (pcm * _LEVEL * 32767).astype(np.int16)
    out.flags.writeable = False
    return out
