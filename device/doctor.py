"""``companion doctor``: check each part of the device and say what is wrong, plainly.

Each check opens one part on its own, so one broken part does not hide the
state of the others.  Exit status is 0 only when every check passed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

from device.assistant import DEFAULT_SCENE, english_vosk_dir, hardware_settings
from device.config import Config, meminfo_mb
from device.errors import CompanionError
from hardware.errors import HardwareError
from hardware.pcm import rms
from hardware.select import BackendName

#: Memory the configured language needs, measured (see README): English
#: (PocketSphinx + Piper) peaks near 200 MB, Korean (Vosk ko) near 650 MB.
NEEDED_MB = {"en": 300, "ko": 750}


@dataclass
class Check:
    name: str
    ok: bool
    message: str


def _run(name: str, fn: Callable[[], str]) -> Check:
    try:
        return Check(name, True, fn())
    except (CompanionError, HardwareError, OSError, ImportError) as exc:
        return Check(name, False, str(exc))


def _check_camera(cfg: Config, real: bool) -> str:
    settings = hardware_settings(cfg)
    if real:
        from hardware.pi.camera import PiCamera

        cam_ctx = PiCamera(width=settings.camera_size[0], height=settings.camera_size[1])
    else:
        from hardware.fake.camera import FileCamera

        cam_ctx = FileCamera(source=settings.fake_camera or DEFAULT_SCENE)  # type: ignore[assignment]
    with cam_ctx as cam:
        frame = cam.capture()
    h, w = frame.shape[:2]
    return f"delivers {w}x{h} frames (mean level {frame.mean():.0f}/255)"


def _check_audio(cfg: Config, real: bool) -> str:
    if not real:
        return "fake microphone and earpiece (WAV files)"
    from hardware.pi.audio import SoundDeviceEarpiece, SoundDeviceMicrophone

    mic_dev = cfg.audio.input_device or None
    ear_dev = cfg.audio.output_device or None
    with SoundDeviceMicrophone(device=mic_dev) as mic:
        mic.start()
        end, level = time.monotonic() + 0.5, 0.0
        while time.monotonic() < end:
            chunk = mic.read(0.2)
            if chunk is not None:
                level = max(level, rms(chunk))
        mic.stop()
    with SoundDeviceEarpiece(device=ear_dev, sample_rate=cfg.audio.output_rate):
        pass
    quiet = " (very quiet: is the mic connected?)" if level < 5 else ""
    return (
        f"microphone opens, level {level:.0f}{quiet}; earpiece opens at {cfg.audio.output_rate} Hz"
    )


def _check_gpio(cfg: Config, real: bool) -> str:
    from hardware.fake.gpio import mock_pin_factory
    from hardware.pi.gpio import GpioButton, GpioLed, default_pin_factory

    factory = default_pin_factory() if real else mock_pin_factory()
    with (
        GpioButton(
            pin=cfg.button.pin,
            bounce_time=cfg.button.bounce_time,
            hold_time=cfg.button.hold_time,
            pin_factory=factory,
        ) as button,
        GpioLed(pin=cfg.led.pin, pwm=cfg.led.pwm, pin_factory=factory),
    ):
        state = "pressed (stuck or wired to the wrong pin?)" if button.is_pressed else "released"
    kind = type(factory).__name__
    return f"button GPIO{cfg.button.pin} is {state}, LED GPIO{cfg.led.pin} claimed ({kind})"


def _check_models(cfg: Config) -> str:
    from device.assistant import load_engines, registry_for

    engines = load_engines(cfg, registry_for(cfg))
    try:
        rec = engines.recognizer.name
        msg = (
            f"{cfg.device.language}: recogniser {rec} ({engines.load_ms['recognizer']} ms), "
            f"voice {type(engines.synthesizer).__name__} ({engines.load_ms['synthesizer']} ms)"
        )
    finally:
        engines.close()
    if cfg.device.language == "en" and english_vosk_dir(cfg) is None:
        msg += "; for better English run `companion models fetch` (needs internet)"
    return msg


def _check_vision(cfg: Config) -> str:
    from device.assistant import make_eyes
    from device.vision.models import load_manifest, verify

    manifest = load_manifest()
    for entry in manifest.values():
        verify(entry)
    started = time.perf_counter()
    make_eyes(cfg).warm_up()
    ms = (time.perf_counter() - started) * 1000
    return f"{len(manifest)} models match their checksums; loaded in {ms:.0f} ms"


def _check_memory(cfg: Config) -> str:
    avail = meminfo_mb("MemAvailable")
    need = NEEDED_MB[cfg.device.language]
    if avail < need:
        raise CompanionError(
            f"only {avail:.0f} MB free; language {cfg.device.language} "
            f"needs about {need} MB: close other programs or use a bigger Pi"
        )
    return f"{avail:.0f} MB available (needs about {need} MB)"


def _check_espeak(cfg: Config) -> str:
    if cfg.device.language != "ko":
        return "not needed for English"
    if shutil.which("espeak-ng") is None:
        raise CompanionError("espeak-ng is not installed: apt install espeak-ng")
    return "espeak-ng found"


def run_doctor(cfg: Config, *, backend: BackendName) -> int:
    real = backend != "fake"
    if backend == "auto":
        from hardware.errors import BackendUnavailable
        from hardware.pi.gpio import default_pin_factory

        try:
            default_pin_factory()
        except BackendUnavailable as exc:
            print(f"(no Pi hardware here: {exc}; checking the fake hardware instead)")
            real = False
    checks = [
        _run("camera", lambda: _check_camera(cfg, real)),
        _run("audio", lambda: _check_audio(cfg, real)),
        _run("gpio", lambda: _check_gpio(cfg, real)),
        _run("models", lambda: _check_models(cfg)),
        _run("vision", lambda: _check_vision(cfg)),
        _run("espeak", lambda: _check_espeak(cfg)),
        _run("memory", lambda: _check_memory(cfg)),
    ]
    for c in checks:
        print(f"{'ok ' if c.ok else 'BAD'} {c.name:7} {c.message}")
    bad = [c.name for c in checks if not c.ok]
    print("all good" if not bad else f"{len(bad)} problem(s): {', '.join(bad)}")
    return 0 if not bad else 1
