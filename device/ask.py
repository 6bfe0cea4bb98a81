"""One question on the fake device, and the engine-only helpers behind the CLI.

``ask`` does exactly what a user does: press and hold the (mock) talk button,
speak (the WAV goes into the fake microphone, in real time unless unpaced),
release just after the last word, and wait for the answer in the earpiece.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from device.assistant import Device, load_engines, open_device, registry_for
from device.config import Config
from device.errors import CompanionError
from device.states import Phase
from device.turns import TurnRecord
from hardware.errors import AudioFormatError
from hardware.pcm import read_wav, resample, write_wav
from hardware.ports import MIC_RATE, Pcm

#: A person lets go a beat after the last word; releasing exactly at the end
#: of the audio would also cut the recogniser's trailing context.
RELEASE_AFTER_S = 0.25
#: How long a turn may make no progress at all (the loop not answering, or
#: the device idle without a finished turn) before waiting for it stops.
#: Not how long a turn may take: a slow board, an emulator or a loaded host
#: may take minutes, and that is not a failure (issue 10).
STALL_S = 60.0
#: The most any one turn is waited for, however busy the device is.
TURN_LIMIT_S = 900.0


def load_question(path: Path) -> Pcm:
    pcm, _ = read_wav(path, rate=MIC_RATE)
    if pcm.size == 0:
        raise AudioFormatError(f"{path}: the WAV holds no audio")
    return pcm


def synthesised_question(device: Device, text: str) -> Pcm:
    """``text`` in the device's own voice, at the microphone's rate, with a breath either side."""
    synth = device.engines.synthesizer
    audio = [resample(p, synth.sample_rate, MIC_RATE) for p in synth.sentences(text)]
    pad = np.zeros(MIC_RATE // 5, np.int16)
    return np.concatenate([pad, *audio, pad])


def press_speak_release(device: Device, question: Pcm) -> None:
    """Press, speak ``question`` while holding, and release just after it."""
    fake = device.hardware.scripted()
    fake.microphone.queue_utterance(question)
    fake.presser.press()
    # The fake microphone delivers in real time on a thread of its own; on a
    # loaded host it falls behind.  Wait while it still delivers.
    last, still_since = fake.microphone.speech_remaining_s, time.monotonic()
    while not fake.microphone.wait_drained(timeout=1.0):
        if device.runtime.view.state.phase is not Phase.LISTENING:
            # The device stopped listening (its microphone failed, or it
            # gave up): a person would stop talking too.
            fake.microphone.discard_queued()
            break
        left = fake.microphone.speech_remaining_s
        if left < last:
            last, still_since = left, time.monotonic()
        elif time.monotonic() - still_since > STALL_S:
            raise CompanionError(
                f"the fake microphone delivered nothing for {STALL_S:.0f} s "
                f"({left:.1f} s of the question left)"
            )
    time.sleep(RELEASE_AFTER_S if device.cfg.fake.paced else 0.05)
    # A question shorter than a tap would be taken for a tap: hold long enough.
    held = time.monotonic() - device.runtime.view.state.pressed_at
    if held < device.cfg.button.tap_max:
        time.sleep(device.cfg.button.tap_max - held + 0.05)
    fake.presser.release()


def wait_until_speaking(device: Device, timeout: float) -> bool:
    """Wait until the answer's first sentence is in the earpiece (False on timeout)."""
    return device.runtime.wait_until(
        lambda view: view.state.phase is Phase.SPEAKING and "first_audio" in view.marks, timeout
    )


def wait_until_heard_or_over(device: Device, timeout: float) -> bool:
    """Wait until the answer's first sentence is heard, or the turn is over
    without one (a question heard as nothing, an answer of no words); False
    on timeout.  What a barge-in waits for: there may be nothing to interrupt."""
    # The ping orders this after the release: the phase seen is the turn's.
    device.runtime.is_alive(timeout)
    return device.runtime.wait_until(
        lambda view: (
            view.state.phase is Phase.IDLE
            or (view.state.phase is Phase.SPEAKING and "first_audio" in view.marks)
        ),
        timeout,
    )


def next_turn_while_busy(device: Device) -> TurnRecord:
    """The next finished turn, waiting as long as the device works on it.

    A deadline that scales with the machine: waiting ends only when the
    device stops making progress (its loop does not answer, or it sits idle
    with no turn finished, for :data:`STALL_S`), or after :data:`TURN_LIMIT_S`.
    """
    started = time.monotonic()
    idle_since: float | None = None
    while True:
        try:
            return device.next_turn(min(5.0, STALL_S))
        except TimeoutError:
            pass
        now = time.monotonic()
        if now - started > TURN_LIMIT_S:
            raise TimeoutError(f"no turn ended within {TURN_LIMIT_S:.0f} s")
        if not device.runtime.is_alive(STALL_S):
            raise TimeoutError(f"the device's loop did not answer for {STALL_S:.0f} s")
        if device.runtime.view.state.phase is Phase.IDLE:
            idle_since = idle_since or now
            if now - idle_since > STALL_S:
                raise TimeoutError(f"the device was idle for {STALL_S:.0f} s with no turn ended")
        else:
            idle_since = None


def wait_until_idle(device: Device) -> None:
    """Wait until the device has handled all it was given and is idle again,
    for as long as it makes progress (as :func:`next_turn_while_busy`)."""
    started = time.monotonic()
    while True:
        # The loop answers a ping only after every event posted before it (a
        # press, a release), so the phase seen after it is not stale.
        if not device.runtime.is_alive(STALL_S):
            raise TimeoutError(f"the device's loop did not answer for {STALL_S:.0f} s")
        if device.runtime.wait_until(lambda view: view.state.phase is Phase.IDLE, 5.0):
            return
        if time.monotonic() - started > TURN_LIMIT_S:
            raise TimeoutError(f"the device was still busy after {TURN_LIMIT_S:.0f} s")


def hold_and_speak(device: Device, question: Pcm) -> TurnRecord:
    """Press, speak ``question`` while holding, release, and wait for the turn."""
    press_speak_release(device, question)
    return next_turn_while_busy(device)


def record_to_json(rec: TurnRecord, answer_wav: Path | None) -> dict[str, Any]:
    return {
        "heard": rec.heard,
        "intent": rec.intent,
        "slots": rec.details.get("slots", {}),
        "answer": rec.answer,
        "outcome": rec.outcome,
        "is_error": rec.is_error,
        "answer_wav": str(answer_wav) if answer_wav else None,
        "timings_ms": rec.timings_ms,
        "details": rec.details,
    }


def ask(cfg: Config, *, question: Path, out: Path | None) -> dict[str, Any]:
    pcm = load_question(question)
    with open_device(cfg, backend="fake") as device:
        rec = hold_and_speak(device, pcm)
        rate = device.hardware.earpiece.sample_rate
    answer_wav = write_wav(out, rec.speech_pcm, rate) if out and rec.speech else None
    return record_to_json(rec, answer_wav)


def transcribe_file(cfg: Config, path: Path) -> dict[str, Any]:
    """Run the device's recogniser over a WAV, in 100 ms chunks as the mic would."""
    pcm = load_question(path)
    registry = registry_for(cfg)
    engines = load_engines(cfg, registry)
    try:
        t0 = time.perf_counter()
        stream = engines.recognizer.start()
        step = MIC_RATE // 10
        for i in range(0, len(pcm), step):
            stream.feed(pcm[i : i + step])
        transcript = stream.finish()
        decode_ms = round((time.perf_counter() - t0) * 1000, 1)
    finally:
        engines.close()
    return {
        "text": transcript.text,
        "confidence": round(transcript.confidence, 3),
        "from_grammar": transcript.from_grammar,
        "engine": transcript.engine,
        "audio_s": round(len(pcm) / MIC_RATE, 2),
        "timings_ms": {"load": engines.load_ms["recognizer"], "decode": decode_ms},
    }


def say_to_file(cfg: Config, text: str, out: Path) -> Path:
    if not text.strip():
        raise CompanionError("nothing to say: the text is empty")
    from device.speech.factory import open_synthesizer

    synth = open_synthesizer(language=cfg.device.language, english_voice=cfg.speech.english_voice)
    try:
        audio = list(synth.sentences(text))
        rate = synth.sample_rate
    finally:
        synth.close()
    pcm = np.concatenate(audio) if audio else np.zeros(0, np.int16)
    return write_wav(out, pcm, rate)
