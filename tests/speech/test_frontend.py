"""The WebRTC noise front end, on the real library, around a real (toy) engine."""

from __future__ import annotations

import numpy as np
import pytest

from device.errors import ConfigError
from device.speech.base import RecognizerSettings
from device.speech.frontend import FRAME, CleanedRecognizer, WebRtcCleaner
from hardware.ports import MIC_RATE

from .toy_engine import ToyRecognizer

pytest.importorskip("webrtc_noise_gain")


def _noise(seconds: float, rms: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(0, rms, int(seconds * MIC_RATE)), -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("chunk", [1600, 1000, 7, FRAME])
def test_every_sample_comes_out_whatever_the_chunk_size(chunk: int) -> None:
    cleaner = WebRtcCleaner(noise_suppression=2, auto_gain=0)
    audio = _noise(1.03, 300)
    out = [cleaner.process(audio[i : i + chunk]) for i in range(0, len(audio), chunk)]
    assert all(len(o) % FRAME == 0 for o in out)
    total = sum(len(o) for o in out) + len(cleaner.flush())
    assert total == len(audio)


def test_steady_noise_is_suppressed() -> None:
    cleaner = WebRtcCleaner(noise_suppression=3, auto_gain=0)
    noise = _noise(3.0, 1000)
    out = np.concatenate([cleaner.process(noise[i : i + 1600]) for i in range(0, len(noise), 1600)])
    settled = slice(MIC_RATE, None)  # after it has learnt the noise
    before = np.sqrt(np.mean(noise[settled].astype(np.float64) ** 2))
    after = np.sqrt(np.mean(out[settled].astype(np.float64) ** 2))
    assert 20 * np.log10(before / after) > 6, (before, after)


def test_out_of_range_levels_are_one_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"0\.\.4"):
        WebRtcCleaner(noise_suppression=5, auto_gain=0)


def test_the_wrapped_engine_hears_the_cleaned_audio() -> None:
    inner = ToyRecognizer(RecognizerSettings(language="en"))
    rec = CleanedRecognizer(inner, noise_suppression=2, auto_gain=0)
    assert (rec.name, rec.language, rec.inner) == ("toy", "en", inner)
    stream = rec.start()
    t = np.arange(MIC_RATE) / MIC_RATE
    vowel = (4000 * np.sin(2 * np.pi * 150 * t) * (1 + np.sin(2 * np.pi * 300 * t))).astype(
        np.int16
    )
    for i in range(0, len(vowel), 1000):
        stream.feed(vowel[i : i + 1000])
    assert stream.finish().text == "heard 1.0 s"  # every sample reached the engine
    with pytest.raises(ValueError):
        rec.start().feed(np.zeros(10, np.float32))  # type: ignore[arg-type]


@pytest.mark.slow  # loads PocketSphinx
def test_the_config_puts_the_front_end_in_front_of_the_recogniser() -> None:
    from device.assistant import load_engines
    from device.config import Config
    from device.skills.registry import default_registry

    cfg = Config().with_overrides(speech={"noise_suppression": 2, "recognizer": "pocketsphinx"})
    engines = load_engines(cfg, default_registry(), "en")
    try:
        assert isinstance(engines.recognizer, CleanedRecognizer)
        assert engines.recognizer.name == "pocketsphinx"
    finally:
        engines.close()
    with pytest.raises(ConfigError, match="noise_suppression"):
        Config().with_overrides(speech={"noise_suppression": 9})
