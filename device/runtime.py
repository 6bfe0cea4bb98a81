"""The one runtime loop: events in, :func:`device.states.transition`, effects out.

Threads and who owns what:

* **The loop thread** owns all mutable state: the state machine's state, the
  timers, the turn records, the volume and the last answer.  It also makes
  the port calls that must be quick (LED, earcons, cutting playback off).  It
  blocks on its event queue until the next event or timer deadline: no
  polling, so an idle device uses no CPU.
* **Foreign threads** (gpiozero and PortAudio callbacks) only enqueue.
* **Four workers** (:mod:`device.workers`), one long-lived thread each, do
  the slow parts one job at a time: *listen* feeds the microphone to the
  recogniser while the button is held; *look* takes and analyses a frame as
  soon as the button is pressed (so "what do you see?" is answered on
  release); *think* runs a skill; *speak* synthesises sentence by sentence
  and queues the audio.  A job gets everything it needs when it is
  submitted and reports back only by posting events carrying its turn
  number; results of an older turn are dropped by the state machine, and
  measurements of a turn that has ended are dropped here.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from device import states as st
from device.dialogue import Dialogue
from device.earcons import earcon
from device.heap import return_free_memory
from device.language import Language
from device.skills.base import Answer, SkillContext
from device.speech.base import Recognizer, Synthesizer
from device.turns import Clock, TurnContext, TurnRecord, local_now
from device.workers import ListenControl, Measured, Playback, Thought, Worker, listen, speak
from hardware.errors import HardwareError
from hardware.ports import ButtonEvent, ButtonEventKind, Pcm
from hardware.select import HardwareSet

log = logging.getLogger(__name__)

#: How long a stop waits, in all, for the loop and the workers to finish the
#: job in hand.  Generous: on a slow board or a loaded host one decode can take
#: tens of seconds, and closing an engine under a worker still using it
#: aborts the process.  Within systemd's 90 s stop timeout.
WORKER_JOIN_S = 60.0
#: Finished turns kept for :meth:`Runtime.next_turn`; older ones are dropped, so
#: a device that nobody asks (``companion run``) does not pile up answer audio.
KEPT_TURNS = 8


class _Ping:
    """A no-op the loop answers, proving it is not stuck (systemd's watchdog)."""

    def __init__(self) -> None:
        self.answered = threading.Event()


@dataclass(frozen=True)
class Responder:
    """Turns an utterance (or a double press) into an :class:`Answer`."""

    respond: Callable[[SkillContext, str], Answer]
    describe: Callable[[SkillContext], Answer]


@dataclass(frozen=True)
class RuntimeView:
    """What other threads may see of the loop: a copy, published after each step."""

    state: st.State = field(default_factory=st.State)
    marks: dict[str, float] = field(default_factory=dict)
    """The current turn's timestamps so far."""


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
        language: Language,
        volume: float = 0.8,
        clock: Clock = local_now,
        look_ahead: Callable[[], Callable[[], None]] | None = None,
        on_turn: Callable[[TurnRecord], None] | None = None,
        on_volume: Callable[[float], None] | None = None,
        kept_turns: int = KEPT_TURNS,
    ) -> None:
        self.hw = hardware
        self.recognizer = recognizer
        self.synthesizer = synthesizer
        self.responder = responder
        self.timing = timing
        self.language: Language = language
        self.clock = clock
        self.look_ahead = look_ahead
        """Called on the loop at every press; the work it returns (a speculative
        look) runs on the look worker."""
        self.on_turn = on_turn
        """Called on the loop with every finished turn; must return at once."""
        self.on_volume = on_volume
        """Called on the loop when the volume changes; must return at once."""
        # -- owned by the loop thread
        self.volume = volume
        self.state = st.State()
        self._timers: dict[st.TimerName, tuple[float, int]] = {}
        self._records: dict[int, TurnRecord] = {}
        self._last_answer: Answer | None = None
        self._dialogue = Dialogue()
        self._listening: dict[int, ListenControl] = {}
        self._playback: Playback | None = None
        self._earcons_end = 0.0  # when the earcons the loop queued will have been heard
        # -- shared, thread-safe
        self._events: queue.Queue[object] = queue.Queue()
        self._changed = threading.Condition()
        self._view = RuntimeView()
        self._finished: collections.deque[TurnRecord] = collections.deque(maxlen=kept_turns)
        self._thread: threading.Thread | None = None
        self._workers: dict[str, Worker] = {}

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        for kind in ("listen", "think", "speak"):
            self._workers[kind] = Worker(kind, on_error=self._worker_failed)
        # A speculative look that fails is only logged: if the question was
        # "what do you see?", the skill looks again and reports the error.
        self._workers["look"] = Worker("look", on_error=lambda turn, exc: None)
        self.hw.button.set_listener(self._on_button)
        self._thread = threading.Thread(target=self._loop, name="companion-loop", daemon=True)
        self._thread.start()

    def close(self) -> bool:
        """Stop the loop, then the workers (each finishes the job in hand).

        True if every one ended within :data:`WORKER_JOIN_S`: only then may
        the engines they use be closed.
        """
        if self._thread is None:
            return True
        deadline = time.monotonic() + WORKER_JOIN_S
        self.hw.button.set_listener(None)
        self._events.put(None)
        self._thread.join(timeout=WORKER_JOIN_S)
        stopped = not self._thread.is_alive()
        self._thread = None
        # The loop has stopped: what it owned is this thread's now.
        for control in self._listening.values():
            control.stop(keep=False)
        if self._playback is not None:
            self._playback.cancel()
        for worker in self._workers.values():
            stopped &= worker.close(max(0.1, deadline - time.monotonic()))
        self._workers.clear()
        return stopped

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

    # ---------------------------------------------------------------- observing

    @property
    def view(self) -> RuntimeView:
        """The loop's state and the current turn's marks, as of its last step."""
        return self._view

    def wait_until(self, ready: Callable[[RuntimeView], bool], timeout: float) -> bool:
        """Wait until ``ready(view)`` holds after some step; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: ready(self._view), timeout)

    def next_turn(self, timeout: float) -> TurnRecord:
        """The oldest finished turn not yet taken, waiting up to ``timeout`` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._finished), timeout):
                raise TimeoutError(f"no turn ended within {timeout:.0f} s")
            return self._finished.popleft()

    # ---------------------------------------------------------------- the loop

    def _on_button(self, event: ButtonEvent) -> None:
        if event.kind is ButtonEventKind.PRESSED:
            self.post(st.Pressed(event.timestamp))
        elif event.kind is ButtonEventKind.RELEASED:
            self.post(st.Released(event.timestamp))
        # HELD is informational: gestures are timed from press/release stamps.

    def _worker_failed(self, turn: int, exc: Exception) -> None:
        self.post(st.Failed(turn, _speakable(exc)))

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
                self._handle(event)
            # Checked after every event too, so a busy queue cannot starve a timer.
            for fired in self._due_timers():
                self._step(fired)
            self._publish()

    def _handle(self, event: object) -> None:
        match event:
            case _Ping():
                event.answered.set()
            case Measured(turn=turn, marks=marks, speech=speech):
                rec = self._records.get(turn)  # None: the turn already ended
                if rec is not None:
                    for name, at in marks.items():
                        rec.marks.setdefault(name, at)
                    if speech is not None:
                        rec.speech.append(speech)
            case Thought(turn=turn, answer=answer):
                if turn == self.state.turn:
                    self._adopt(self._record(turn), answer)
                self._step(st.Answered(turn, answer.text, answer.is_error))
            case _:
                self._step(event)  # type: ignore[arg-type]

    def _publish(self) -> None:
        rec = self._records.get(self.state.turn)
        view = RuntimeView(self.state, dict(rec.marks) if rec is not None else {})
        with self._changed:
            self._view = view
            self._changed.notify_all()

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
                self._record(turn).marks["answered"] = now

    def _adopt(self, rec: TurnRecord, answer: Answer) -> None:
        rec.intent, rec.answer, rec.is_error = answer.intent, answer.text, answer.is_error
        rec.details = dict(answer.details)
        if answer.volume is not None and answer.volume != self.volume:
            self.volume = answer.volume
            if self.on_volume is not None:
                self.on_volume(answer.volume)  # e.g. remember it
        if answer.text:
            self._last_answer = answer
            self._dialogue.heard(answer.intent, answer.details, time.monotonic())

    def _context(self) -> TurnContext:
        """A snapshot for the skill: it must not read what the loop changes."""
        return TurnContext(
            language=self.language,
            volume=self.volume,
            last_answer=self._last_answer,
            camera=self.hw.camera.capture,
            clock=self.clock,
            topic=self._dialogue.topic(time.monotonic()),
        )

    # ---------------------------------------------------------------- effects

    def _apply(self, effect: st.Effect) -> None:
        match effect:
            case st.StartListening(turn=turn):
                # Earlier turns that never ended on their own (the tap of a
                # double press) are absorbed into this one.
                for stale in [t for t in self._records if t < turn]:
                    del self._records[stale]
                self._record(turn).marks["pressed"] = self.state.pressed_at
                self._start_listening(turn)
                if self.look_ahead is not None:
                    self._workers["look"].submit(turn, self.look_ahead())
            case st.StopListening(turn=turn, keep=keep):
                control = self._listening.pop(turn, None)
                if control is not None:
                    control.stop(keep=keep)
            case st.PlayEarcon(earcon=kind):
                self._play_earcon(kind)
            case st.SetLed(mode=mode):
                self._show(mode)
            case st.Respond(turn=turn, utterance=text):
                self._think(turn, lambda ctx: self.responder.respond(ctx, text))
            case st.Describe(turn=turn):
                self._think(turn, self.responder.describe)
            case st.Speak(turn=turn, text=text, is_error=is_error):
                self._speak(turn, text, is_error=is_error)
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
                with self._changed:
                    self._finished.append(rec)
                if self.on_turn is not None:
                    self.on_turn(rec)
                if self.state.phase is st.Phase.IDLE:
                    # Idle: nobody waits on the few ms this takes (device.heap).
                    # On the look worker, so a speculative look at the next
                    # press is what waits, at most that long, not the loop.
                    self._workers["look"].submit(turn, return_free_memory)

    def _start_listening(self, turn: int) -> None:
        control = ListenControl()
        self._listening[turn] = control
        mic, recognizer, post = self.hw.microphone, self.recognizer, self._events.put
        self._workers["listen"].submit(
            turn,
            lambda: listen(turn, mic=mic, recognizer=recognizer, control=control, post=post),
        )

    def _think(self, turn: int, make: Callable[[SkillContext], Answer]) -> None:
        ctx, post = self._context(), self._events.put
        self._workers["think"].submit(turn, lambda: post(Thought(turn, make(ctx))))

    def _speak(self, turn: int, text: str, *, is_error: bool) -> None:
        # Any earlier answer was already cut off (barge-in and errors stop
        # speaking first), and the earcons queued just before stay audible.
        if is_error:
            self._play_earcon(st.Earcon.ERROR)
        playback = self._playback = Playback(self.hw.earpiece)
        synth, volume, free_at = self.synthesizer, self.volume, self._earcons_end
        post = self._events.put
        self._workers["speak"].submit(
            turn,
            lambda: speak(
                turn,
                text,
                synthesizer=synth,
                playback=playback,
                volume=volume,
                audio_free_at=free_at,
                post=post,
            ),
        )

    def _stop_speaking(self) -> None:
        if self._playback is not None:
            self._playback.cancel()
            self._playback = None
        else:
            self.hw.earpiece.stop()
        self._earcons_end = time.monotonic()

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

    def _play_earcon(self, kind: st.Earcon) -> None:
        pcm: Pcm = earcon(kind, self.hw.earpiece.sample_rate)
        starts = max(time.monotonic(), self._earcons_end)
        self.hw.earpiece.play(pcm)
        self._earcons_end = starts + len(pcm) / self.hw.earpiece.sample_rate


def _speakable(exc: BaseException) -> str:
    """One sentence for the user; details stay in the log."""
    text = str(exc).strip() or type(exc).__name__
    return f"Sorry, something went wrong: {text.rstrip('.')}."
