"""The hearing set is what its benchmark claims: coverage, voices, held-out cases, exact SNR."""

from __future__ import annotations

import numpy as np
import pytest

from bench.hearing_set import PAD_S, QUESTIONS, VOICES, active_rms, mix
from device.language import LANGUAGES
from hardware.ports import MIC_RATE


def _all_intents() -> set[str]:
    from device.skills.registry import default_registry
    from device.vision.pipeline import VisionPipeline

    return {*default_registry(eyes=VisionPipeline()).names, "fallback"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_intent_is_asked_in_every_language(language: str) -> None:
    questions = QUESTIONS[language]  # type: ignore[index]
    assert {q.intent for q in questions} == _all_intents()
    assert len({q.text for q in questions}) == len(questions), "a question is there twice"
    assert len(questions) >= {"en": 40, "ko": 25}[language]
    assert len(VOICES[language]) >= 2  # type: ignore[index]


@pytest.mark.parametrize("language", LANGUAGES)
def test_about_a_quarter_is_held_out_across_intents(language: str) -> None:
    questions = QUESTIONS[language]  # type: ignore[index]
    held = [q for q in questions if q.held_out]
    assert 0.2 <= len(held) / len(questions) <= 0.3
    assert len({q.intent for q in held}) >= 5
    assert {q.intent for q in questions if not q.held_out} == _all_intents()


def _burst() -> np.ndarray:
    t = np.arange(MIC_RATE) / MIC_RATE
    return (3000 * np.sin(2 * np.pi * 220 * t) * (t > 0.2)).astype(np.int16)


@pytest.mark.slow  # the babble in the noise is spoken by espeak-ng
@pytest.mark.parametrize("snr", [20.0, 10.0, 5.0])
def test_noise_is_mixed_at_exactly_the_asked_snr(snr: float) -> None:
    speech = _burst()
    mixed = mix(speech, snr, key="test").astype(np.float64)
    pad = int(PAD_S * MIC_RATE)
    clean = np.concatenate([np.zeros(pad), speech, np.zeros(pad)])
    noise = mixed - clean
    measured = 20 * np.log10(active_rms(speech) / np.sqrt(np.mean(noise**2)))
    assert measured == pytest.approx(snr, abs=0.05)
    assert np.array_equal(mix(speech, snr, key="test"), mix(speech, snr, key="test"))
    assert not np.array_equal(mix(speech, snr, key="test"), mix(speech, snr, key="other"))


def test_clean_is_the_speech_with_its_pauses_and_nothing_else() -> None:
    speech = _burst()
    clean = mix(speech, None, key="test")
    pad = int(PAD_S * MIC_RATE)
    assert np.array_equal(clean[pad:-pad], speech)
    assert not clean[:pad].any() and not clean[-pad:].any()
