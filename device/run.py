"""``companion run``: the device itself, as systemd runs it on the image.

Start-up order matters to someone holding a device with no screen:

1. The config file is read.  A bad one does not stop the device: it runs on
   the defaults and *says* what is wrong (error earcon and a spoken line),
   because the journal is out of reach without SSH.
2. The device opens (models, hardware), then tells systemd it is ready, and
   plays the ready earcon: from then on the talk button works.
3. While it runs, every turn is one journal line, and the watchdog is pinged
   only while the runtime loop answers.

With ``[fake] questions`` set, a scripted finger does those steps once the
device is ready (:mod:`device.script`); the QEMU smoke image proves a whole
boot this way, and ``bench/soak.py --run`` soaks ``companion run`` with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from device.ask import (
    TURN_LIMIT_S,
    load_question,
    next_turn_while_busy,
    press_speak_release,
    synthesised_question,
    wait_until_heard_or_over,
    wait_until_idle,
)
from device.assistant import Device, open_device
from device.config import Config
from device.errors import CompanionError
from device.language.tongues import say
from device.saved_settings import StateStore, state_directory
from device.script import Step, parse_script
from device.service import Notifier, Watchdog
from device.turns import TurnRecord
from hardware.errors import HardwareError
from hardware.ports import MIC_RATE, Pcm

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
    ended = rec.outcome or "ended"
    if rec.is_error and ended != "error":
        ended += " with an error"
    parts = [f"turn {rec.turn} {ended}"]
    if rec.heard:
        parts.append(f"heard {rec.heard!r}")
    if rec.answer:
        parts.append(f"{rec.intent or 'answer'}: {rec.answer!r}")
    first_audio = rec.timings_ms.get("release_to_first_audio")
    if first_audio is not None:
        parts.append(f"release to first audio {first_audio:.0f} ms")
    return "; ".join(parts)


def _do(device: Device, step: Step, spoken: Callable[[str], Pcm]) -> None:
    fake = device.hardware.scripted()
    match step.kind:
        case "say":
            press_speak_release(device, spoken(step.text))
        case "wav":
            press_speak_release(device, load_question(Path(step.text)))
        case "hold":
            press_speak_release(device, np.zeros(int(MIC_RATE * step.seconds), np.int16))
        case "double press":
            fake.presser.double_press()
        case "tap":
            fake.presser.tap()
        case "wait":
            time.sleep(step.seconds)
        case "note":
            log.info("script note: %s", step.text)


def run_script(device: Device, steps: list[Step], *, stop: threading.Event) -> int:
    """Do ``steps`` (:mod:`device.script`) in order; how many were done
    (fewer if ``stop`` was set)."""
    # The questions in the device's voice, the newest few kept: a barge-in
    # must press as soon as the answer is heard, not after its question is
    # synthesised (and a soak asks the same ones again).
    spoken = lru_cache(maxsize=16)(partial(synthesised_question, device))
    for n, step in enumerate(steps):
        if stop.is_set():
            return n
        following = steps[n + 1] if n + 1 < len(steps) else None
        if following is not None and following.kind == "say" and following.while_answering:
            spoken(following.text)  # ready before the answer it interrupts
        _do(device, step, spoken)
        if following is not None and following.while_answering:
            if not wait_until_heard_or_over(device, TURN_LIMIT_S):
                raise TimeoutError(f"no answer was heard within {TURN_LIMIT_S:.0f} s")
        elif step.kind not in ("wait", "note"):
            if step.kind in ("tap", "double press"):
                # A tap is a turn of its own only once the double-press window has passed.
                time.sleep(device.cfg.button.double_window + 0.05)
            wait_until_idle(device)
    return len(steps)


def _ask_scripted(
    device: Device, questions: tuple[str, ...], *, announced: bool, stop: threading.Event
) -> None:
    try:
        if announced:  # the spoken announcement is a turn of its own: let it finish
            next_turn_while_busy(device)
        steps = parse_script(questions)
        done = run_script(device, steps, stop=stop)
        if done < len(steps):
            log.info("scripted questions stopped: the device is stopping")
        else:
            log.info("scripted questions done: %d asked", len(steps))
    except (CompanionError, HardwareError, TimeoutError, OSError) as exc:
        log.error("scripted questions stopped: %s", exc)
    except Exception:  # a bug: said, with its traceback, and the device runs on
        log.exception("scripted questions stopped: the scripted finger failed")


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
