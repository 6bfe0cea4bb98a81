"""``companion run``: the device itself, as systemd runs it on the image.

Start-up order matters to someone holding a device with no screen:

1. The config file is read.  A bad one does not stop the device: it runs on
   the defaults and *says* what is wrong (error earcon and a spoken line),
   because the journal is out of reach without SSH.
2. The device opens (models, hardware), then tells systemd it is ready, and
   plays the ready earcon: from then on the talk button works.
3. While it runs, every turn is one journal line, and the watchdog is pinged
   only while the runtime loop answers.

With ``[fake] questions`` set, a scripted finger asks them once the device is
ready; the QEMU smoke image proves a whole boot this way.
"""

from __future__ import annotations

import logging
import threading

from device.ask import hold_and_speak, next_turn_while_busy, synthesised_question
from device.assistant import Device, open_device
from device.config import Config
from device.errors import CompanionError
from device.language.tongues import say
from device.saved_settings import StateStore, state_directory
from device.service import Notifier, Watchdog
from device.turns import TurnRecord
from hardware.errors import HardwareError

log = logging.getLogger("companion")

#: How long a stop waits for the scripted finger's question in hand.
FINGER_JOIN_S = 30.0


def config_problem_speech(message: str, path: str) -> str:
    """The spoken form of a config error: what is wrong, without the file's full path."""
    detail = message.removeprefix(f"{path}: ")
    return f"There's a mistake in companion.toml, so I'm using the default settings. {detail}."


def vision_problem_speech(device: Device) -> str | None:
    """What the device says at start when it opened without sight."""
    if device.vision_problem is None:
        return None
    return say(device.engines.language).vision_model_error


def turn_summary(rec: TurnRecord) -> str:
    """One journal line per turn: what was heard, what was answered, how fast."""
    parts = [f"turn {rec.turn} {rec.outcome or 'ended'}"]
    if rec.heard:
        parts.append(f"heard {rec.heard!r}")
    if rec.answer:
        parts.append(f"{rec.intent or 'answer'}: {rec.answer!r}")
    first_audio = rec.timings_ms.get("release_to_first_audio")
    if first_audio is not None:
        parts.append(f"release to first audio {first_audio:.0f} ms")
    return "; ".join(parts)


def _ask_scripted(
    device: Device, questions: tuple[str, ...], *, announced: bool, stop: threading.Event
) -> None:
    try:
        if announced:  # the spoken announcement is a turn of its own: let it finish
            next_turn_while_busy(device)
        for text in questions:
            if stop.is_set():
                log.info("scripted questions stopped: the device is stopping")
                return
            hold_and_speak(device, synthesised_question(device, text))
        log.info("scripted questions done: %d asked", len(questions))
    except (CompanionError, TimeoutError) as exc:
        log.error("scripted questions stopped: %s", exc)


def run_device(
    cfg: Config,
    *,
    stop: threading.Event,
    config_problem: str | None = None,
    defaults: Config | None = None,
    config_path: str = "companion.toml",
) -> None:
    """Run until ``stop`` is set; ``config_problem`` is spoken once at start.

    If the device cannot open with ``cfg`` but can with ``defaults`` (the
    user's file names a model that is not there, or a pin the board refuses),
    the file is the mistake: the device runs on the defaults and says why,
    as it does for a file that does not parse.
    """
    notifier = Notifier()
    directory = state_directory()
    store = StateStore(directory) if directory is not None else None
    try:
        # On a real device a missing camera must not keep it from talking.
        device = open_device(cfg, camera_required=False, store=store)
    except (CompanionError, HardwareError) as exc:
        if defaults is None or defaults == cfg:
            raise
        log.error("%s; running on the default settings", exc)
        config_problem = config_problem_speech(str(exc), config_path)
        cfg = defaults
        device = open_device(cfg, camera_required=False, store=store)
    device.runtime.on_turn = lambda rec: log.info("%s", turn_summary(rec))
    with device:
        status = f"ready: {device.hardware.kind} hardware, language {cfg.device.language}"
        log.info("%s; press the talk button", status)
        notifier.ready(status)
        problems = [p for p in (config_problem, vision_problem_speech(device)) if p]
        for problem in problems:
            log.error("announced: %s", problem)
        device.runtime.announce(" ".join(problems), is_error=bool(problems))
        watchdog = Watchdog(notifier, device.runtime.is_alive)
        watchdog.start()
        questions = cfg.fake.questions if device.hardware.fake is not None else ()
        if cfg.fake.questions and not questions:
            log.warning("[fake] questions ignored: the hardware is real")
        finger: threading.Thread | None = None
        if questions:
            finger = threading.Thread(
                target=_ask_scripted,
                args=(device, questions),
                kwargs={"announced": bool(problems), "stop": stop},
                name="scripted-questions",
                daemon=True,
            )
            finger.start()
        try:
            stop.wait()
        finally:
            notifier.stopping()
            watchdog.stop()
            if finger is not None:
                # It may be making a question's audio with the device's voice:
                # the engines must outlive that (closing them under it aborts
                # the process), and the device runs until it has finished.
                finger.join(FINGER_JOIN_S)
