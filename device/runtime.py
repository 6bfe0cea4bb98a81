"""The one runtime loop: events in, :func:`device.states.transition`, effects out.

Threads and who owns what:

* **The loop thread** owns the state, the timers and every port call that must
  be quick (LED, earcons, stopping playback).  It blocks on the event queue
  until the next event or the next timer deadline: no polling, so an idle
  device uses no CPU.
* **Foreign threads** (gpiozero callbacks, PortAudio callbacks) only enqueue.
* **Workers** do the slow parts, one at a time per kind: the listener feeds the
  microphone to the recogniser while the button is held; the responder runs a
  skill; the speaker synthesises sentence by sentence and queues audio.  Each
  reports back with an event carrying its turn number; stale ones are dropped
  by the state machine.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from device import states as st
from device.earcons import earcon
from device.skills.base import Answer
from device.speech.base import Language, Recognizer, Synthesizer
from hardware.errors import HardwareError
from hardware.pcm import resample
from hardware.ports import ButtonEvent, ButtonEventKind, Frame, Pcm
from hardware.select import HardwareSet

log = logging.getLogger(__name__)

#: How long a worker may wait on one port call before the turn fails.
PORT_TIMEOUT_S = 2.0
#: Mic chunks are read with this timeout so a release is acted on within it.
READ_TIMEOUT_S = 0.02
#: At release, at most this much already-captured audio is still decoded.
DRAIN_LIMIT_S = 0.5


class _Ping:
    """A no-op the loop answers, proving it is not stuck (systemd's watchdog)."""

    def __init__(self) -> None:
        self.answered = threading.Event()


@dataclass
class TurnRecord:
    """What happened in one turn, for the transcript, ``--json`` and benchmarks."""

    turn: int
    outcome: str = ""
    heard: str = ""
    intent: str = ""
    answer: str = ""
    is_error: bool = False
    details: dict[str, object] = field(default_factory=dict)
    speech: list[Pcm] = field(default_factory=list)
    """The answer audio as queued to the earpiece (after volume)."""
    marks: dict[str, float] = field(default_factory=dict)
    """Monotonic timestamps: pressed, released, heard, answered, first_audio, done."""

    def span_ms(self, start: str, end: str) -> float | None:
        if start in self.marks and end in self.marks:
            return round((self.marks[end] - self.marks[start]) * 1000, 1)
        return None

    @property
    def timings_ms(self) -> dict[str, float]:
        spans = {
            "recognise_after_release": ("released", "heard"),
            "mic_drain": ("released", "audio_in"),
            "recogniser_finish": ("audio_in", "heard"),
            "skill": ("heard", "answered"),
            "synthesis_to_first_audio": ("answered", "first_audio"),
            "release_to_first_audio": ("released", "first_audio"),
            "speaking": ("first_audio", "done"),
        }
        out = {}
        for name, (a, b) in spans.items():
            value = self.span_ms(a, b)
            if value is not None:
                out[name] = value
        return out

    @property
    def speech_pcm(self) -> Pcm:
        return np.concatenate(self.speech) if self.speech else np.zeros(0, np.int16)


class Responder:
    """Turns an utterance (or a double press) into an :class:`Answer`."""

    def __init__(self, respond: Callable[[str], Answer], describe: Callable[[], Answer]) -> None:
        self.respond = respond
        self.describe = describe


class Runtime:
    """Runs one device: hardware ports, a recogniser, a synthesiser, the skills."""

    def __init__(
        self,
        *,
        hardware: HardwareSet,
        recognizer: Recognizer,
        synthesizer: Synthesizer,
        responder: Responder,
        timing: st.Timing,
        volume: float = 0.8,
        on_turn: Callable[[TurnRecord], None] | None = None,
        on_press: Callable[[], None] | None = None,
        on_volume: Callable[[float], None] | None = None,
    ) -> None:
        self.hw = hardware
        self.recognizer = recognizer
        self.synthesizer = synthesizer
        self.responder = responder
        self.timing = timing
        self.volume = volume
        self.on_turn = on_turn
        self.on_press = on_press
        self.on_volume = on_volume
        self.state = st.State()
        self._events: queue.Queue[st.Event | _Ping | None] = queue.Queue()
        self._timers: dict[st.TimerName, tuple[float, int]] = {}
        self._records: dict[int, TurnRecord] = {}
        self._finished: queue.Queue[TurnRecord] = queue.Queue()
        self._answers: dict[int, Answer] = {}
        self._last_answer: Answer | None = None
        self._listen_stop: dict[int, tuple[threading.Event, bool]] = {}
        self._listen_lock = threading.Lock()  # one recogniser stream at a time
        self._speech_lock = threading.Lock()
        self._speech_cancel = threading.Event()
        self._audio_end = 0.0
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        self.hw.button.set_listener(self._on_button)
        self._thread = threading.Thread(target=self._loop, name="companion-loop", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is None:
            return
        self.hw.button.set_listener(None)
        self._events.put(None)
        self._thread.join(timeout=5)
        self._thread = None
        self._stop_speaking()

    def __enter__(self) -> Runtime:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, event: st.Event) -> None:
        """Hand an event to the loop (safe from any thread)."""
        self._events.put(event)

    def announce(self, text: str = "", *, is_error: bool = False) -> None:
        """Speak up unprompted if idle: the ready earcon, or ``text`` (see ``Announce``)."""
        self.post(st.Announce(text, is_error))

    def is_alive(self, timeout: float) -> bool:
        """True if the loop takes a no-op event within ``timeout`` s (for the watchdog)."""
        ping = _Ping()
        self._events.put(ping)
        return ping.answered.wait(timeout)

    def next_turn(self, timeout: float) -> TurnRecord:
        """The next turn to end, waiting up to ``timeout`` s (TimeoutError after)."""
        try:
            return self._finished.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no turn ended within {timeout:.0f} s") from None

    @property
    def last_answer(self) -> Answer | None:
        return self._last_answer

    # ---------------------------------------------------------------- the loop

    def _on_button(self, event: ButtonEvent) -> None:
        if event.kind is ButtonEventKind.PRESSED:
            self.post(st.Pressed(event.timestamp))
        elif event.kind is ButtonEventKind.RELEASED:
            self.post(st.Released(event.timestamp))
        # HELD is informational: gestures are timed from press/release stamps.

    def _next_timeout(self) -> float | None:
        if not self._timers:
            return None  # block until an event: no idle polling
        deadline = min(d for d, _ in self._timers.values())
        return max(0.0, deadline - time.monotonic())

    def _due_timers(self) -> list[st.Event]:
        now = time.monotonic()
        due = [(n, t) for n, (d, t) in self._timers.items() if d <= now]
        for name, _ in due:
            del self._timers[name]
        return [st.TimerFired(name, turn) for name, turn in due]

    def _loop(self) -> None:
        while True:
            try:
                event = self._events.get(timeout=self._next_timeout())
            except queue.Empty:
                pass  # a timer is due
            else:
                if event is None:
                    return
                if isinstance(event, _Ping):
                    event.answered.set()
                else:
                    self._step(event)
            # Checked after every event too, so a busy queue cannot starve a timer.
            for fired in self._due_timers():
                self._step(fired)

    def _step(self, event: st.Event) -> None:
        self._note(event)
        self.state, effects = st.transition(self.state, event, self.timing)
        for effect in effects:
            try:
                self._apply(effect)
            except HardwareError as exc:
                # A port failing on the loop thread becomes a spoken error.
                log.error("%s failed: %s", type(effect).__name__, exc)
                self.post(st.Failed(self.state.turn, f"Something went wrong: {exc}"))

    def _record(self, turn: int) -> TurnRecord:
        return self._records.setdefault(turn, TurnRecord(turn))

    def _note(self, event: st.Event) -> None:
        """Stamp the current turn's record with what just happened."""
        now = time.monotonic()
        s = self.state
        match event:
            case st.Released(at=at) if s.phase is st.Phase.LISTENING:
                self._record(s.turn).marks["released"] = at
            case st.Heard(turn=turn, text=text) if turn == s.turn:
                rec = self._record(turn)
                rec.heard, rec.marks["heard"] = text, now
            case st.Answered(turn=turn) if turn == s.turn:
                rec = self._record(turn)
                rec.marks["answered"] = now
                answer = self._answers.pop(turn, None)
                if answer is not None:
                    self._adopt(rec, answer)

    def _adopt(self, rec: TurnRecord, answer: Answer) -> None:
        rec.intent, rec.answer, rec.is_error = answer.intent, answer.text, answer.is_error
        rec.details = dict(answer.details)
        if answer.volume is not None and answer.volume != self.volume:
            self.volume = answer.volume
            if self.on_volume is not None:
                self.on_volume(answer.volume)  # e.g. remember it; must return at once
        if answer.text:
            self._last_answer = answer

    # ---------------------------------------------------------------- effects

    def _apply(self, effect: st.Effect) -> None:
        match effect:
            case st.StartListening(turn=turn):
                # Earlier turns that never ended on their own (the tap of a
                # double press) are absorbed into this one.
                for stale in [t for t in self._records if t < turn]:
                    del self._records[stale]
                for stale in [t for t in list(self._answers) if t < turn]:
                    self._answers.pop(stale, None)  # answers of interrupted turns
                self._record(turn).marks["pressed"] = self.state.pressed_at
                self._start_listening(turn)
                if self.on_press is not None:
                    # e.g. a speculative look, so "what do you see?" is
                    # answered on release; must return at once.
                    self.on_press()
            case st.StopListening(turn=turn, keep=keep):
                stop = self._listen_stop.pop(turn, None)
                if stop is not None:
                    self._listen_stop[turn] = (stop[0], keep)
                    stop[0].set()
            case st.PlayEarcon(earcon=kind):
                self._play(earcon(kind, self.hw.earpiece.sample_rate))
            case st.SetLed(mode=mode):
                self._show(mode)
            case st.Respond(turn=turn, utterance=text):
                self._spawn("respond", self._respond, turn, lambda: self.responder.respond(text))
            case st.Describe(turn=turn):
                self._spawn("describe", self._respond, turn, self.responder.describe)
            case st.Speak(turn=turn, text=text, is_error=is_error):
                self._speech_cancel = threading.Event()
                self._spawn("speak", self._speak, turn, text, is_error, self._speech_cancel)
            case st.StopSpeaking():
                self._stop_speaking()
            case st.StartTimer(name=name, turn=turn, seconds=seconds):
                self._timers[name] = (time.monotonic() + seconds, turn)
            case st.CancelTimer(name=name):
                self._timers.pop(name, None)
            case st.TurnEnded(turn=turn, outcome=outcome):
                rec = self._records.pop(turn, TurnRecord(turn))
                rec.outcome = outcome
                rec.marks.setdefault("done", time.monotonic())
                self._finished.put(rec)
                if self.on_turn is not None:
                    self.on_turn(rec)

    def _show(self, mode: st.LedMode) -> None:
        led = self.hw.led
        if mode is st.LedMode.OFF:
            led.off()
        elif mode is st.LedMode.LISTENING:
            led.on()
        elif mode is st.LedMode.THINKING:
            led.blink(on_time=0.1, off_time=0.1)
        elif mode is st.LedMode.SPEAKING:
            led.pulse(fade_in=0.5, fade_out=0.5)
        else:
            led.blink(on_time=0.05, off_time=0.25)

    def _play(self, pcm: Pcm) -> float:
        """Queue audio; return when its first sample will be heard (monotonic)."""
        now = time.monotonic()
        starts = max(now, self._audio_end)
        self._audio_end = starts + len(pcm) / self.hw.earpiece.sample_rate
        self.hw.earpiece.play(pcm)
        return starts

    def _stop_speaking(self) -> None:
        with self._speech_lock:
            self._speech_cancel.set()
            self.hw.earpiece.stop()
            self._audio_end = time.monotonic()

    def _spawn(self, what: str, target: Callable[..., None], turn: int, *args: Any) -> None:
        def guarded() -> None:
            try:
                target(turn, *args)
            except Exception as exc:  # a worker must always report back
                log.exception("%s worker failed", what)
                self.post(st.Failed(turn, _speakable(exc)))

        threading.Thread(target=guarded, name=f"companion-{what}-{turn}", daemon=True).start()

    # ---------------------------------------------------------------- workers

    def _start_listening(self, turn: int) -> None:
        stop = threading.Event()
        self._listen_stop[turn] = (stop, False)
        self._spawn("listen", self._listen, turn, stop)

    def _listen(self, turn: int, stop: threading.Event) -> None:
        mic = self.hw.microphone
        with self._listen_lock:
            mic.start()
            stream = self.recognizer.start()
            try:
                while not stop.is_set():
                    chunk = mic.read(READ_TIMEOUT_S)
                    if chunk is not None:
                        stream.feed(chunk)
                # Take what was captured before the release, so the last word
                # is not clipped; bounded, because a fake (or a stuck driver)
                # can always have another chunk ready.
                backlog = 0
                while backlog < DRAIN_LIMIT_S * mic.sample_rate:
                    chunk = mic.read(0.0)
                    if chunk is None:
                        break
                    stream.feed(chunk)
                    backlog += len(chunk)
            finally:
                mic.stop()
            _, keep = self._listen_stop.pop(turn, (stop, False))
            if not keep:
                stream.cancel()
                return
            rec = self._records.get(turn)
            if rec is not None:
                rec.marks["audio_in"] = time.monotonic()
            transcript = stream.finish()
        self.post(st.Heard(turn, transcript.text))

    def _respond(self, turn: int, make: Callable[[], Answer]) -> None:
        answer = make()
        self._answers[turn] = answer
        self.post(st.Answered(turn, answer.text, answer.is_error))

    def _speak(self, turn: int, text: str, is_error: bool, cancel: threading.Event) -> None:
        rec = self._records.get(turn)
        ear = self.hw.earpiece
        if is_error:
            with self._speech_lock:
                if not cancel.is_set():
                    self._play(earcon(st.Earcon.ERROR, ear.sample_rate))
        for sentence in self.synthesizer.sentences(text):
            pcm = resample(sentence, self.synthesizer.sample_rate, ear.sample_rate)
            pcm = (pcm.astype(np.float32) * self.volume).astype(np.int16)
            with self._speech_lock:
                if cancel.is_set():
                    return
                starts = self._play(pcm)
            if rec is not None:
                rec.marks.setdefault("first_audio", starts)
                rec.speech.append(pcm)
        remaining = max(0.0, self._audio_end - time.monotonic())
        if ear.wait_done(remaining + PORT_TIMEOUT_S) or cancel.is_set():
            # The earpiece says all of it was heard: trust it over our own
            # estimate (an unpaced fake plays instantly).
            self._audio_end = min(self._audio_end, time.monotonic())
            if rec is not None:
                rec.marks["done"] = time.monotonic()
            self.post(st.SpeechDone(turn))
        else:
            raise HardwareError("the earpiece stopped playing")


def _speakable(exc: BaseException) -> str:
    """One sentence for the user; details stay in the log."""
    text = str(exc).strip() or type(exc).__name__
    return f"Sorry, something went wrong: {text.rstrip('.')}."


class DeviceContext:
    """The :class:`~device.skills.base.SkillContext` the runtime gives skills."""

    def __init__(
        self,
        runtime_or_none: Runtime | None,
        *,
        language: Language,
        capture: Callable[[], Frame],
        volume: float = 0.8,
    ) -> None:
        self._runtime = runtime_or_none
        self._language = language
        self._capture = capture
        self._volume = volume

    def bind(self, runtime: Runtime) -> None:
        self._runtime = runtime

    @property
    def language(self) -> Language:
        return self._language

    @property
    def volume(self) -> float:
        return self._runtime.volume if self._runtime else self._volume

    @property
    def last_answer(self) -> Answer | None:
        return self._runtime.last_answer if self._runtime else None

    def now(self) -> datetime:
        return datetime.now().astimezone()

    def capture(self) -> Frame:
        return self._capture()
