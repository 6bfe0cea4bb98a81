"""``companion doctor``: check each part of the device and say what is wrong, plainly.

The hardware is chosen and opened exactly as ``companion run`` does it
(:mod:`hardware.select`: the same backend resolution, the same adapters with
the same arguments), but part by part, so one broken part does not hide the
state of the others.  Exit status is 0 only when every check passed.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from device.assistant import hardware_settings
from device.config import Config, meminfo_mb
from device.errors import CompanionError
from hardware.errors import BackendUnavailable, HardwareError
from hardware.pcm import rms
from hardware.ports import Button, Camera, Earpiece, Microphone, Resource, StatusLed
from hardware.select import (
    BackendName,
    PartName,
    open_fake,
    pi_part_openers,
    resolve_backend,
)

#: Peak memory of the whole device, measured on the demo (README, "Measured
#: figures"), rounded up: English with Piper (the defaults) 471 MB, English
#: with espeak-ng (the Pi Zero 2 W profile) 342 MB, Korean (Whisper base) 422 MB.
NEEDED_MB = {"en": {"piper": 490, "espeak": 360}, "ko": {"piper": 450, "espeak": 450}}


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


# ------------------------------------------------------------------ port checks


def _check_camera(camera: Camera) -> str:
    frame = camera.capture()
    h, w = frame.shape[:2]
    return f"delivers {w}x{h} frames (mean level {frame.mean():.0f}/255)"


def _check_microphone(mic: Microphone) -> str:
    mic.start()
    try:
        end, level = time.monotonic() + 0.5, 0.0
        while time.monotonic() < end:
            chunk = mic.read(0.2)
            if chunk is not None:
                level = max(level, rms(chunk))
    finally:
        mic.stop()
    quiet = " (very quiet: is the mic connected?)" if level < 5 else ""
    return f"opens, level {level:.0f}{quiet}"


def _check_earpiece(ear: Earpiece) -> str:
    return f"opens at {ear.sample_rate} Hz"


def _check_button(button: Button) -> str:
    return "pressed (stuck or wired to the wrong pin?)" if button.is_pressed else "released"


def _check_led(led: StatusLed) -> str:
    return "claimed"


#: What to check on each part (the ports' own methods only).
PART_CHECKS: dict[PartName, Callable[[Any], str]] = {
    "button": _check_button,
    "led": _check_led,
    "microphone": _check_microphone,
    "earpiece": _check_earpiece,
    "camera": _check_camera,
}


def _opened(open_part: Callable[[], Resource], check: Callable[[Any], str]) -> str:
    with open_part() as port:
        return check(port)


def _hardware_checks(cfg: Config, backend: BackendName) -> tuple[str, list[Check]]:
    """The backend actually checked, and one check per part."""
    settings = hardware_settings(cfg)
    kind = resolve_backend(backend)
    if kind == "auto":  # off a Pi: the real parts if this machine has them, as `run` does
        try:
            pi_part_openers(settings)["button"]().close()
            kind = "pi"
        except BackendUnavailable as exc:
            print(f"(no Pi hardware here: {exc}; checking the fake hardware instead)")
            kind = "fake"
    if kind == "pi":
        openers = pi_part_openers(settings)
        return "pi", [
            _run(name, partial(_opened, openers[name], check))
            for name, check in PART_CHECKS.items()
        ]
    with open_fake(settings) as hw:
        ports: dict[PartName, object] = {
            "button": hw.button,
            "led": hw.led,
            "microphone": hw.microphone,
            "earpiece": hw.earpiece,
            "camera": hw.camera,
        }
        return "fake", [
            _run(name, partial(check, ports[name])) for name, check in PART_CHECKS.items()
        ]


# ------------------------------------------------------------------ software checks


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
    if cfg.speech.recognizer == "auto" and rec != "whisper":
        from device.speech.whisper_engine import DECODING
        from device.speech.whisper_weights import weights

        needed = weights(DECODING[cfg.device.language].weights)
        msg += f"; Whisper hears far better in noise: {needed.install_hint()}"
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


def needed_mb(cfg: Config) -> int:
    return NEEDED_MB[cfg.device.language][cfg.speech.english_voice]


def _check_memory(cfg: Config) -> str:
    avail = meminfo_mb("MemAvailable")
    need = needed_mb(cfg)
    if avail < need:
        raise CompanionError(
            f"only {avail:.0f} MB free; these settings need about {need} MB at their peak: "
            "close other programs, use the Pi Zero 2 W profile (English), or a bigger Pi"
        )
    return f"{avail:.0f} MB available (these settings peak near {need} MB)"


def speaks_with_espeak(cfg: Config) -> bool:
    """Korean always does; English does with ``english_voice = "espeak"`` (the Zero profile)."""
    return cfg.device.language == "ko" or cfg.speech.english_voice == "espeak"


def _check_espeak(cfg: Config) -> str:
    if not speaks_with_espeak(cfg):
        return "not needed (English speaks with Piper)"
    if shutil.which("espeak-ng") is None:
        raise CompanionError("espeak-ng is not installed: apt install espeak-ng")
    return "espeak-ng found"


def run_doctor(
    cfg: Config,
    *,
    backend: BackendName,
    config_file: Path | None = None,
    config_problem: str | None = None,
) -> int:
    """Check everything, print one line per check; 1 if any failed.

    ``config_problem``: why ``config_file`` could not be used (``cfg`` is
    then the defaults), reported as the first failed check."""
    if config_problem:
        config = Check("config", False, f"{config_problem} (the rest is checked on the defaults)")
    elif config_file is not None:
        config = Check("config", True, f"{config_file} loaded")
    else:
        config = Check("config", True, "no file: the default settings")
    kind, checks = _hardware_checks(cfg, backend)
    checks = [config, *checks]
    checks += [
        _run("models", lambda: _check_models(cfg)),
        _run("vision", lambda: _check_vision(cfg)),
        _run("espeak", lambda: _check_espeak(cfg)),
        _run("memory", lambda: _check_memory(cfg)),
    ]
    print(f"hardware: {kind}")
    for c in checks:
        print(f"{'ok ' if c.ok else 'BAD'} {c.name:10} {c.message}")
    bad = [c.name for c in checks if not c.ok]
    print("all good" if not bad else f"{len(bad)} problem(s): {', '.join(bad)}")
    return 0 if not bad else 1
