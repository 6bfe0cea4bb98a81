"""The whole device on fake hardware with the real engines: press, speak, hear."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from device.ask import hold_and_speak, press_speak_release, wait_until_speaking
from device.assistant import Device, Engines
from device.states import Phase
from hardware.ports import MIC_RATE

from .conftest import DeviceFactory, Say, fixed_clock


def _free_form(engines: Engines, audio: np.ndarray) -> str:
    """Transcribe with the free-form recogniser (no command grammar)."""
    from device.speech.sphinx_engine import PocketSphinxRecognizer

    rec = PocketSphinxRecognizer(phrases=[], free_form_fallback=True)
    try:
        stream = rec.start()
        stream.feed(audio)
        return stream.finish().text
    finally:
        rec.close()


def test_press_speak_release_gives_a_spoken_answer(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    rec = hold_and_speak(device, say("en", "What time is it?"))
    assert rec.outcome == "answered"
    assert rec.heard == "what time is it"
    assert rec.intent == "time"
    assert rec.answer == "It's 10:40 in the morning."
    assert rec.answer and rec.speech
    t = rec.timings_ms
    assert t["release_to_first_audio"] > 0
    # What the earpiece heard contains the answer's samples, after the earcons.
    fake = device.hardware.fake
    assert fake is not None
    played = [p.pcm for p in fake.earpiece.played]
    assert any(np.array_equal(p, rec.speech[0]) for p in played)
    assert device.runtime.view.state.phase is Phase.IDLE


def test_answer_audio_says_what_the_record_says(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    rec = hold_and_speak(device, say("en", "What can you do?"))
    assert rec.intent == "help" and rec.speech
    from hardware.pcm import resample

    audio16 = resample(rec.speech_pcm, device.hardware.earpiece.sample_rate, MIC_RATE)
    said = set(re.findall(r"[a-z']+", _free_form(engines_en, audio16)))
    expected = set(re.findall(r"[a-z']+", rec.answer.lower()))
    overlap = len(said & expected) / len(expected)
    assert overlap >= 0.6, (rec.answer, said)


def test_double_press_describes_the_scene(engines_en: Engines, make_device: DeviceFactory) -> None:
    device = make_device(engines_en)  # the fake camera shows darknet's dog photo
    assert device.hardware.fake is not None
    device.hardware.fake.presser.double_press()
    rec = device.next_turn(60)
    assert rec.outcome == "answered"
    assert rec.intent == "see" and rec.heard == ""
    assert "dog" in rec.answer and "bicycle" in rec.answer, rec.answer
    labels = {o["label"] for o in rec.details["objects"]}  # type: ignore[union-attr]
    assert {"dog", "bicycle", "truck"} <= labels
    # The spoken answer says the objects, not just the text record.
    from hardware.pcm import resample

    audio16 = resample(rec.speech_pcm, device.hardware.earpiece.sample_rate, MIC_RATE)
    heard_back = set(re.findall(r"[a-z]+", _free_form(engines_en, audio16)))
    assert {"dog", "bicycle"} & heard_back, heard_back


def test_single_tap_is_ignored(engines_en: Engines, make_device: DeviceFactory) -> None:
    device = make_device(engines_en)
    assert device.hardware.fake is not None
    device.hardware.fake.presser.tap()
    rec = device.next_turn(10)
    assert rec.outcome == "ignored tap" and not rec.speech


def test_hold_with_silence_cancels(engines_en: Engines, make_device: DeviceFactory) -> None:
    device = make_device(engines_en)
    rec = hold_and_speak(device, np.zeros(MIC_RATE * 2, np.int16))
    assert rec.outcome == "cancelled"
    assert rec.heard == "" and not rec.speech


def test_a_hum_with_no_words_is_answered_not_cancelled(
    engines_en: Engines, make_device: DeviceFactory
) -> None:
    """Someone spoke, but no words came of it: say so (a cancel is silent)."""
    device = make_device(engines_en)
    t = np.arange(int(0.9 * MIC_RATE)) / MIC_RATE
    hum = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 7))
    pcm = np.asarray(hum / np.abs(hum).max() * 9000, dtype=np.int16)
    pad = np.zeros(MIC_RATE // 5, np.int16)
    rec = hold_and_speak(device, np.concatenate([pad, pcm, pad]))
    assert rec.heard == "" and rec.outcome == "answered"
    assert rec.intent == "fallback" and rec.answer == "Sorry, I didn't catch that."


def test_barge_in_cuts_the_answer_and_answers_the_new_question(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en, paced=True)
    press_speak_release(device, say("en", "What can you do?"))
    # Waits on the runtime's own progress, not a sleep: under load a fixed
    # pause can end before the answer is queued, and then nothing is cut.
    assert wait_until_speaking(device, 30), device.runtime.view
    press_speak_release(device, say("en", "What time is it?"))
    first, second = device.next_turn(30), device.next_turn(30)
    assert (first.outcome, first.intent) == ("interrupted", "help")
    assert (second.outcome, second.intent) == ("answered", "time")
    fake = device.hardware.fake
    assert fake is not None
    assert any(p.cut for p in fake.earpiece.played), "the help answer was not cut short"


def test_camera_failing_mid_run_is_spoken_and_the_device_keeps_working(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    fake = device.hardware.fake
    assert fake is not None
    fake.camera.fail_next()
    rec = hold_and_speak(device, say("en", "What do you see?"))
    assert rec.intent == "see" and rec.is_error
    assert "camera" in rec.answer.lower()
    again = hold_and_speak(device, say("en", "What do you see?"))
    assert again.intent == "see" and not again.is_error


def test_louder_then_repeat(say: Say, engines_en: Engines, make_device: DeviceFactory) -> None:
    device: Device = make_device(engines_en)
    before = device.runtime.volume
    first = hold_and_speak(device, say("en", "What time is it?"))
    rec = hold_and_speak(device, say("en", "Speak louder."))
    assert rec.intent == "louder" and device.runtime.volume > before
    rep = hold_and_speak(device, say("en", "Say that again."))
    assert rep.intent == "repeat"
    assert first.answer in rep.answer or rec.answer in rep.answer


@pytest.mark.slow
def test_korean_question_from_espeak_is_recognised_by_vosk(
    say: Say, engines_ko: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_ko)
    rec = hold_and_speak(device, say("ko", "지금 몇 시야?"))
    assert rec.outcome == "answered"
    assert rec.intent == "time"
    assert rec.answer == "지금은 오전 열 시 40분이에요."  # the device's clock is fixed
    assert rec.speech


def test_read_that_reads_text_even_when_descriptions_skip_it(
    say: Say, engines_en: Engines, make_device: DeviceFactory, tmp_path: Path
) -> None:
    import cv2

    from device.skills.registry import default_registry
    from device.vision.pipeline import VisionPipeline

    sign = np.full((480, 640, 3), 90, np.uint8)
    cv2.rectangle(sign, (180, 150), (460, 270), (40, 140, 40), -1)
    cv2.putText(sign, "EXIT", (215, 245), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 8)
    path = tmp_path / "sign.png"
    cv2.imwrite(str(path), sign)
    eyes = VisionPipeline(read_text=False)
    device = make_device(engines_en, camera=path, eyes=eyes, registry=default_registry(eyes=eyes))
    seen = hold_and_speak(device, say("en", "What do you see?"))
    assert seen.intent == "see" and "EXIT" not in seen.answer
    rec = hold_and_speak(device, say("en", "Read that."))
    assert rec.intent == "read" and "EXIT" in rec.answer, rec.answer


def test_tell_me_more_gives_the_detail_and_the_light(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    seen = hold_and_speak(device, say("en", "What do you see?"))
    more = hold_and_speak(device, say("en", "Tell me more."))
    assert more.intent == "more"
    assert more.answer.startswith(seen.answer.rstrip("."))
    assert "bright" in more.answer or "dark" in more.answer or "dim" in more.answer


def test_first_audio_is_timed_from_what_the_earpiece_really_played(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    # The unpaced fake earpiece "plays" instantly; a long previous answer must
    # not make the next answer look seconds late.
    device = make_device(engines_en)
    hold_and_speak(device, say("en", "What can you do?"))
    rec = hold_and_speak(device, say("en", "What time is it?"))
    assert rec.timings_ms["release_to_first_audio"] < 2000, rec.timings_ms


def _worker_threads() -> list[str]:
    import threading

    return sorted(t.name for t in threading.enumerate() if t.name.startswith("companion-"))


def test_turns_reuse_the_same_worker_threads(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    question = say("en", "What do you see?")
    hold_and_speak(device, question)
    before = _worker_threads()
    for _ in range(3):
        hold_and_speak(device, question)
    device.hardware.scripted().presser.double_press()
    device.next_turn(60)
    # One listen, look, think and speak worker and the loop: none made per turn.
    assert _worker_threads() == before
    assert {"companion-listen", "companion-look", "companion-think", "companion-speak"} <= set(
        before
    )


def test_closing_mid_turn_joins_every_worker(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en, paced=True)
    press_speak_release(device, say("en", "What can you do?"))
    assert wait_until_speaking(device, 30)
    assert "companion-speak" in _worker_threads()
    device.close()
    # Joined, not abandoned: the engines can be closed after this safely.
    # (Earlier tests' devices were closed by the fixture, so none is left.)
    assert _worker_threads() == [], _worker_threads()


def test_a_follow_up_and_a_memory_question_in_one_conversation(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    """The loop keeps the topic between turns, and every look is remembered."""
    from device.memory import VisualMemory
    from device.skills.registry import default_registry
    from device.vision.pipeline import VisionPipeline

    memory = VisualMemory(None, clock=lambda: fixed_clock().timestamp())  # the device's clock
    eyes = VisionPipeline(on_look=memory.remember)
    device = make_device(engines_en, eyes=eyes, registry=default_registry(eyes=eyes, memory=memory))
    found = hold_and_speak(device, say("en", "Is there a truck?"))
    assert found.intent == "find" and "truck" in found.answer, found.answer
    colour = hold_and_speak(device, say("en", "What colour is it?"))
    assert colour.intent == "colour" and colour.answer.startswith("The truck is"), colour.answer
    remembered = hold_and_speak(device, say("en", "When did you last see a dog?"))
    assert remembered.intent == "memory", remembered.heard
    assert remembered.answer.startswith("I last saw a dog"), remembered.answer


def test_finished_turns_nobody_collects_are_bounded(
    engines_en: Engines, make_device: DeviceFactory
) -> None:
    """Issue 12: on a real Pi nothing calls next_turn, and every finished turn,
    with its answer audio (about 254 KB), was kept for ever."""
    import time

    from device.runtime import KEPT_TURNS

    device = make_device(engines_en)
    assert device.hardware.fake is not None
    for _ in range(KEPT_TURNS + 4):
        device.hardware.fake.presser.tap()
        time.sleep(device.cfg.button.double_window + 0.15)  # a tap each, not double presses
    kept = []
    while True:
        try:
            kept.append(device.next_turn(1.0))
        except TimeoutError:
            break
    assert len(kept) == KEPT_TURNS
    assert kept[-1].turn - kept[0].turn == KEPT_TURNS - 1  # the newest are kept


def test_the_microphone_failing_mid_turn_is_spoken_and_the_next_question_answered(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    assert device.hardware.fake is not None
    device.hardware.fake.microphone.fail_next()
    failed = hold_and_speak(device, say("en", "What time is it?"))
    assert failed.outcome == "error" and failed.speech, failed  # an error, spoken
    again = hold_and_speak(device, say("en", "What time is it?"))
    assert again.intent == "time" and not again.is_error


def test_the_earpiece_failing_mid_answer_does_not_stop_the_device(
    say: Say, engines_en: Engines, make_device: DeviceFactory
) -> None:
    device = make_device(engines_en)
    assert device.hardware.fake is not None
    device.hardware.fake.earpiece.fail_next()
    first = hold_and_speak(device, say("en", "What can you do?"))
    assert first.outcome  # the turn ended, one way or another
    again = hold_and_speak(device, say("en", "What time is it?"))
    assert again.intent == "time" and not again.is_error and again.speech
