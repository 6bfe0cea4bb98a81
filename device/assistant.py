"""Assemble a whole device from a :class:`~device.config.Config`.

This is the one place that knows which concrete engines and ports go
together; the CLI, the demo and the end-to-end tests all build devices here,
so what is tested is what ships.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from device import states as st
from device.config import Config
from device.errors import ModelError
from device.language import Language
from device.memory import VisualMemory
from device.runtime import Responder, Runtime
from device.saved_settings import SavedState, StateStore
from device.skills.registry import SkillRegistry, default_registry
from device.speech.base import Recognizer, RecognizerSettings, Synthesizer
from device.speech.factory import open_recognizer, open_synthesizer
from device.speech.frontend import CleanedRecognizer
from device.turns import Clock, TurnRecord, local_now
from device.vision.pipeline import VisionPipeline
from hardware.select import BackendName, HardwareSet, HardwareSettings, open_hardware

log = logging.getLogger(__name__)

SCENES = Path(__file__).with_name("scenes")
DEFAULT_SCENE = SCENES / "dog.jpg"
#: The visual memory's folder in the state directory.
MEMORY_DIR = "memory"


def hardware_settings(cfg: Config) -> HardwareSettings:
    fake_camera = Path(cfg.fake.camera) if cfg.fake.camera else DEFAULT_SCENE
    return HardwareSettings(
        button_pin=cfg.button.pin,
        bounce_time=cfg.button.bounce_time,
        hold_time=cfg.button.hold_time,
        led_pin=cfg.led.pin,
        led_pwm=cfg.led.pwm,
        camera_size=(cfg.camera.width, cfg.camera.height),
        input_device=cfg.audio.input_device,
        output_device=cfg.audio.output_device,
        output_rate=cfg.audio.output_rate,
        fake_camera=fake_camera,
        fake_paced=cfg.fake.paced,
        fake_earpiece_keep_s=cfg.fake.earpiece_keep_s or None,
    )


def timing(cfg: Config) -> st.Timing:
    b = cfg.button
    return st.Timing(tap_max=b.tap_max, double_window=b.double_window, max_listen=b.max_listen)


@dataclass
class Engines:
    """The loaded speech engines for one language, with load times in ms."""

    language: Language
    recognizer: Recognizer
    synthesizer: Synthesizer
    load_ms: dict[str, float]

    def close(self) -> None:
        self.recognizer.close()
        self.synthesizer.close()


def recognizer_settings(registry: SkillRegistry, language: Language) -> RecognizerSettings:
    """What the skills tell a recogniser for ``language``: the phrases to hear,
    those that act, and how to tell text they already understand (the
    device's, the hearing bench's and the speech tests')."""
    return RecognizerSettings(
        language=language,
        phrases=tuple(registry.grammar_phrases(language)),
        grammar=tuple(registry.grammar_phrases(language, compact=True)),
        examples=tuple(registry.example_phrases(language)),
        understood=lambda text: registry.match(text, language) is not None,
        acting=tuple(registry.acting_phrases(language)),
    )


def load_engines(cfg: Config, registry: SkillRegistry, language: Language | None = None) -> Engines:
    lang: Language = language or cfg.device.language
    # speech.vosk_model_dir is the English model: Korean's comes in its package.
    vosk_dir = cfg.speech.vosk_model_dir if lang == "en" else ""
    settings = dataclasses.replace(
        recognizer_settings(registry, lang),
        free_form_fallback=cfg.speech.free_form_fallback,
        vosk_model_dir=Path(vosk_dir) if vosk_dir else None,
    )
    t0 = time.perf_counter()
    recognizer: Recognizer = open_recognizer(settings, recognizer=cfg.speech.recognizer)
    if cfg.speech.noise_suppression or cfg.speech.auto_gain:
        try:
            recognizer = CleanedRecognizer(
                recognizer,
                noise_suppression=cfg.speech.noise_suppression,
                auto_gain=cfg.speech.auto_gain,
            )
        except BaseException:
            recognizer.close()
            raise
    t1 = time.perf_counter()
    try:
        synthesizer = open_synthesizer(language=lang, english_voice=cfg.speech.english_voice)
    except BaseException:
        recognizer.close()
        raise
    t2 = time.perf_counter()
    return Engines(
        lang,
        recognizer,
        synthesizer,
        {"recognizer": round((t1 - t0) * 1000), "synthesizer": round((t2 - t1) * 1000)},
    )


class Device:
    """Hardware + engines + skills + runtime, opened and closed together."""

    def __init__(
        self,
        *,
        hardware: HardwareSet,
        engines: Engines,
        registry: SkillRegistry,
        cfg: Config,
        eyes: VisionPipeline | None = None,
        own_engines: bool = True,
        store: StateStore | None = None,
        clock: Clock = local_now,
        vision_problem: str | None = None,
    ) -> None:
        """``vision_problem``: why the vision models could not be checked at
        start (the device runs without sight, and ``run`` says so)."""
        self.hardware = hardware
        self.store = store
        self.vision_problem = vision_problem
        saved = store.load() if store is not None else SavedState()
        # What the user last chose beats the config file's starting volume.
        volume = saved.volume if saved.volume is not None else cfg.audio.volume
        self.eyes = eyes
        self.engines = engines
        self._own_engines = own_engines  # tests share one loaded set across devices
        self.registry = registry
        self.cfg = cfg
        responder = Responder(
            respond=registry.respond,
            describe=lambda ctx: registry.answer_with("see", ctx),
        )
        self.runtime = Runtime(
            hardware=hardware,
            recognizer=engines.recognizer,
            synthesizer=engines.synthesizer,
            responder=responder,
            timing=timing(cfg),
            language=engines.language,
            volume=volume,
            clock=clock,
            look_ahead=self._look_ahead if eyes is not None and cfg.vision.speculate else None,
            on_volume=self._remember_volume if store is not None else None,
        )

    def _look_ahead(self) -> Callable[[], None]:
        assert self.eyes is not None
        return self.eyes.prefetch(self.hardware.camera.capture)

    def _remember_volume(self, volume: float) -> None:
        assert self.store is not None
        self.store.save_in_background(SavedState(volume=volume))

    def start(self) -> Device:
        self.runtime.start()
        return self

    def close(self) -> None:
        stopped = self.runtime.close()
        if self.store is not None:
            self.store.wait()
        if self._own_engines and not stopped:
            # A worker is still inside an engine: freeing it under the worker
            # would abort the process.  The process is ending anyway.
            log.error("a worker did not stop in time: the speech engines are left open")
        elif self._own_engines:
            self.engines.close()
        fake, keep = self.hardware.fake, self.cfg.fake.earpiece_wav
        if fake is not None and keep:
            try:
                log.info("earpiece recording: %s", fake.earpiece.save_wav(keep))
            except OSError as exc:
                log.error("could not write the earpiece recording %s: %s", keep, exc)
        self.hardware.close()

    def __enter__(self) -> Device:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def next_turn(self, timeout: float) -> TurnRecord:
        return self.runtime.next_turn(timeout)


def make_memory(cfg: Config, state_dir: Path | None) -> VisualMemory | None:
    """The visual memory: in ``state_dir/memory``, or in RAM with no state
    directory (a laptop demo); None when ``memory.enabled`` is off."""
    m = cfg.memory
    if not m.enabled:
        return None
    return VisualMemory(
        state_dir / MEMORY_DIR if state_dir is not None else None,
        retention_days=m.retention_days,
        max_bytes=int(m.max_mb * 1_000_000),
        keep_images=m.keep_images,
    )


def make_eyes(cfg: Config, memory: VisualMemory | None = None) -> VisionPipeline:
    v = cfg.vision
    return VisionPipeline(
        threads=v.threads or None,
        read_text=v.read_text,
        faces=v.faces,
        on_look=memory.remember if memory is not None else None,
    )


def registry_for(
    cfg: Config, eyes: VisionPipeline | None = None, memory: VisualMemory | None = None
) -> SkillRegistry:
    """The device's skills, with its eyes (vision models load on first use)."""
    return default_registry(
        eyes=eyes or make_eyes(cfg, memory), max_words=cfg.vision.max_words, memory=memory
    )


def open_device(
    cfg: Config,
    *,
    backend: BackendName | None = None,
    registry: SkillRegistry | None = None,
    camera_required: bool = True,
    store: StateStore | None = None,
) -> Device:
    """Open hardware then engines; if the engines fail the hardware is closed again.

    The visual memory lives in the state store's directory, else in RAM.
    Without ``camera_required`` (the device itself) a missing or altered
    vision model does not stop the device either: it opens without sight
    (:attr:`Device.vision_problem`), and every look says why."""
    memory = make_memory(cfg, store.directory if store is not None else None)
    eyes = make_eyes(cfg, memory)
    vision_problem: str | None = None
    if cfg.vision.warm_up:
        # A missing or altered model is a start-up error, not a surprise at
        # the first "what do you see?".
        try:
            eyes.warm_up()
        except ModelError as exc:
            if camera_required:
                raise
            # Like a missing camera: a device that cannot look can still
            # tell the time, and say what is wrong.
            log.error("%s; running without sight", exc)
            vision_problem = str(exc)
    if registry is None:
        registry = registry_for(cfg, eyes, memory)
    hardware = open_hardware(
        backend or cfg.device.hardware, hardware_settings(cfg), camera_required=camera_required
    )
    try:
        engines = load_engines(cfg, registry)
    except BaseException:
        hardware.close()
        raise
    return Device(
        hardware=hardware,
        engines=engines,
        registry=registry,
        cfg=cfg,
        eyes=eyes,
        store=store,
        vision_problem=vision_problem,
    )
