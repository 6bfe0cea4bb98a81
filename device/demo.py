"""``companion demo``: a scripted scene on fake hardware with the real engines.

A photo sits in the fake camera.  A scripted finger works the mock talk button
and spoken questions (synthesised by the device's own voice for the language,
then resampled to the microphone's 16 kHz) go into the fake microphone in real
time.  Everything between the button and the earpiece is the real device:
state machine, runtime, recogniser, skills, synthesiser.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.ask import (
    hold_and_speak,
    press_speak_release,
    synthesised_question,
    wait_until_speaking,
)
from device.assistant import Device, open_device
from device.config import Config
from device.language import Language
from device.turns import TurnRecord
from hardware.ports import MIC_RATE, Pcm

QUESTIONS: dict[Language, dict[str, str]] = {
    "en": {
        "time": "What time is it?",
        "see": "What do you see?",
        "help": "What can you do?",
        "repeat": "Say that again.",
        "more": "Tell me more.",
        "unknown": "The weather is lovely in Paris today.",
        "find": "Is there a truck?",
        "colour": "What colour is it?",
        "memory": "When did you last see a dog?",
    },
    "ko": {
        "time": "지금 몇 시야?",
        "see": "뭐가 보여?",
        # espeak-ng's Korean voice is hard for the small Vosk model: these
        # wordings are among those it recognises (see README, Korean accuracy).
        "help": "뭘 할 수 있어",
        "repeat": "뭐라고 했어",
        # The follow-up in Korean is "read that": none of the "tell me more"
        # wordings gets through espeak-ng's voice and the small Vosk model.
        "more": "이거 읽어 줘",
        "unknown": "오늘 파리 날씨가 정말 좋네요",
        # Of the wordings tried, these get through espeak-ng's voice and
        # Whisper base ("트럭 있어" was heard as "배 있어", "개 언제 봤어" as
        # "감사합니다 와소"): Korean hearing is the weak part (README).
        "find": "자동차 보여?",
        "colour": "그거 무슨 색이야?",
        "memory": "자동차 언제 봤어?",
    },
}


@dataclass
class Scene:
    title: str
    said: str
    run: Callable[[], list[TurnRecord]]


def _double_press(device: Device) -> list[TurnRecord]:
    device.hardware.scripted().presser.double_press()
    return [device.next_turn(60)]


def _silent_hold(device: Device) -> list[TurnRecord]:
    return [hold_and_speak(device, np.zeros(MIC_RATE * 2, np.int16))]


def _barge_in(device: Device, first: Pcm, second: Pcm) -> list[TurnRecord]:
    """Ask, and while the answer is playing, press again and ask something else."""
    press_speak_release(device, first)
    if wait_until_speaking(device, 30):
        time.sleep(0.6)  # let a little of the answer play before interrupting
    press_speak_release(device, second)
    # The interrupted turn ended at the second press, so it comes out first.
    return [device.next_turn(60), device.next_turn(60)]


def _print_turn(rec: TurnRecord) -> None:
    t = rec.timings_ms
    print(f"    outcome : {rec.outcome}")
    print(f"    heard   : {rec.heard or '(nothing)'}")
    if rec.intent:
        print(f"    intent  : {rec.intent}")
    if rec.answer:
        print(f"    answer  : {rec.answer}")
    if "release_to_first_audio" in t:
        parts = [f"release→first audio {t['release_to_first_audio']:.0f} ms"]
        for key, label in (
            ("recognise_after_release", "recognise"),
            ("skill", "skill"),
            ("synthesis_to_first_audio", "first sentence"),
        ):
            if key in t:
                parts.append(f"{label} {t[key]:.0f} ms")
        print(f"    timings : {' · '.join(parts)}")


def run_demo(cfg: Config, *, out_dir: Path) -> int:
    lang = cfg.device.language
    print(f"Pocket Companion demo: fake hardware, real engines, language {lang}")
    t0 = time.perf_counter()
    with open_device(cfg, backend="fake") as device:
        fake = device.hardware.scripted()
        eng = device.engines
        print(
            f"  camera    : {device.cfg.fake.camera or 'built-in scene'} "
            f"{device.hardware.camera.resolution[0]}x{device.hardware.camera.resolution[1]}"
        )
        print(f"  recogniser: {eng.recognizer.name} ({eng.load_ms['recognizer']} ms to load)")
        print(
            f"  voice     : {type(eng.synthesizer).__name__} "
            f"({eng.load_ms['synthesizer']} ms to load)"
        )
        q = {k: synthesised_question(device, v) for k, v in QUESTIONS[lang].items()}
        scenes = [
            Scene(
                "hold to talk", QUESTIONS[lang]["time"], lambda: [hold_and_speak(device, q["time"])]
            ),
            Scene("double press: describe", "(no speech)", lambda: _double_press(device)),
            Scene(
                "a follow-up to what it saw",
                QUESTIONS[lang]["more"],
                lambda: [hold_and_speak(device, q["more"])],
            ),
            Scene(
                "hold to talk", QUESTIONS[lang]["see"], lambda: [hold_and_speak(device, q["see"])]
            ),
            Scene(
                "a question, a follow-up, and what it remembers",
                " … ".join(QUESTIONS[lang][k] for k in ("find", "colour", "memory")),
                lambda: [hold_and_speak(device, q[k]) for k in ("find", "colour", "memory")],
            ),
            Scene(
                "hold to talk",
                QUESTIONS[lang]["repeat"],
                lambda: [hold_and_speak(device, q["repeat"])],
            ),
            Scene(
                "barge-in: interrupt the help answer",
                f"{QUESTIONS[lang]['help']} … {QUESTIONS[lang]['time']}",
                lambda: _barge_in(device, q["help"], q["time"]),
            ),
            Scene(
                "not a command",
                QUESTIONS[lang]["unknown"],
                lambda: [hold_and_speak(device, q["unknown"])],
            ),
            Scene("hold with no speech: cancel", "(silence)", lambda: _silent_hold(device)),
        ]
        for n, scene in enumerate(scenes, 1):
            print(f"\n[{n}] {scene.title}  ▸ you: {scene.said}")
            for rec in scene.run():
                _print_turn(rec)
        time.sleep(0.1)
        out_dir.mkdir(parents=True, exist_ok=True)
        track = fake.earpiece.save_wav(out_dir / f"demo-earpiece-{lang}.wav")
    print(f"\nEverything the earpiece played: {track}")
    print(f"Demo finished in {time.perf_counter() - t0:.1f} s.")
    return 0
