"""Earcons are short, audible, click-free and distinct."""

from __future__ import annotations

import numpy as np
import pytest

from device.earcons import earcon
from device.states import Earcon


@pytest.mark.parametrize("kind", list(Earcon))
@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_earcon_shape(kind: Earcon, rate: int) -> None:
    pcm = earcon(kind, rate)
    assert pcm.dtype == np.int16
    assert 0.04 <= len(pcm) / rate <= 0.3  # short enough never to delay an answer
    peak = int(np.abs(pcm).max())
    assert 4000 < peak < 12000  # audible, gentler than speech
    assert abs(int(pcm[0])) < 200 and abs(int(pcm[-1])) < 200  # ramps: no clicks


def _pitch_track(pcm: np.ndarray, rate: int) -> list[float]:
    """Dominant frequency of each 20 ms slice that is not silent."""
    n = rate // 50
    out = []
    for i in range(0, len(pcm) - n, n):
        s = pcm[i : i + n].astype(float)
        if np.abs(s).max() < 1000:
            continue
        spec = np.abs(np.fft.rfft(s * np.hanning(n)))
        out.append(float(np.fft.rfftfreq(n, 1 / rate)[spec.argmax()]))
    return out


def test_listening_rises_and_cancel_falls() -> None:
    up = _pitch_track(earcon(Earcon.LISTENING, 16000), 16000)
    down = _pitch_track(earcon(Earcon.CANCEL, 16000), 16000)
    assert up[-1] > up[0] * 1.3
    assert down[-1] < down[0] / 1.3


def test_earcons_are_cached_and_read_only() -> None:
    a = earcon(Earcon.GOT_IT, 22050)
    assert a is earcon(Earcon.GOT_IT, 22050)
    with pytest.raises(ValueError):
        a[0] = 1
