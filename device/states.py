"""The press-to-talk state machine: ``transition(state, event) -> (state, effects)``.

Pure: no threads, no clocks, no I/O.  Time enters only through the timestamps
carried by button events and through timer events the runtime delivers, so the
whole behaviour is a table that tests can walk through.

Every utterance is a *turn* with its own number.  Effects carry the turn that
asked for them and results (``Heard``, ``Answered``, ``SpeechDone``,
``Failed``) come back carrying it too; a result from an older turn (for example
an answer that arrives after the user barged in) is ignored.

The gestures:

* **hold to talk**: press, speak, release.  Listening starts on the press so
  the first word is never clipped.
* **too-short tap**: a press shorter than ``tap_max`` is not speech; alone it
  is ignored once the double-press window closes.
* **double press**: two taps within ``double_window`` mean "describe".
* **hold with no speech**: the recogniser hears nothing, so the turn is
  cancelled with the cancel earcon and no answer.  If the hold held voiced
  sound but no words were made out (``Heard.unclear``), the skills answer
  it as nothing said: "Sorry, I didn't catch that."
* **maximum listening time**: listening ends by itself after ``max_listen``.
* **barge-in**: a press while thinking or speaking stops the answer and starts
  listening.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

# --------------------------------------------------------------------------- states


class Phase(enum.Enum):
    IDLE = "idle"
    LISTENING = "listening"
    TAP_PENDING = "tap_pending"  # one short tap seen; a second may follow
    THINKING = "thinking"
    SPEAKING = "speaking"
    ERROR = "error"  # speaking an error message


@dataclass(frozen=True, slots=True)
class Timing:
    """The gesture thresholds, in seconds (from the ``[button]`` config)."""

    tap_max: float = 0.35
    double_window: float = 0.45
    max_listen: float = 12.0


@dataclass(frozen=True, slots=True)
class State:
    phase: Phase = Phase.IDLE
    turn: int = 0
    pressed_at: float = 0.0
    """Timestamp of the press that started the current listening."""
    after_tap: bool = False
    """The current press followed a short tap: a short release means "describe"."""


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Pressed:
    at: float


@dataclass(frozen=True, slots=True)
class Released:
    at: float


class TimerName(enum.Enum):
    DOUBLE_WINDOW = "double_window"
    MAX_LISTEN = "max_listen"


@dataclass(frozen=True, slots=True)
class TimerFired:
    name: TimerName
    turn: int


@dataclass(frozen=True, slots=True)
class Heard:
    turn: int
    text: str
    unclear: bool = False
    """No words, but someone spoke (``Transcript.unclear``)."""


@dataclass(frozen=True, slots=True)
class Answered:
    turn: int
    text: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class SpeechDone:
    turn: int


@dataclass(frozen=True, slots=True)
class Failed:
    turn: int
    message: str


@dataclass(frozen=True, slots=True)
class Announce:
    """The device speaks up on its own (start-up: "ready", or a bad config file).

    Only an idle device announces: an announcement never talks over the user.
    Empty ``text`` is the earcon alone.
    """

    text: str = ""
    is_error: bool = False


Event = Pressed | Released | TimerFired | Heard | Answered | SpeechDone | Failed | Announce

# --------------------------------------------------------------------------- effects


class Earcon(enum.Enum):
    LISTENING = "listening"
    GOT_IT = "got_it"
    CANCEL = "cancel"
    ERROR = "error"
    READY = "ready"


class LedMode(enum.Enum):
    OFF = "off"
    LISTENING = "listening"
    THINKING = "thinking"
    SPEAKING = "speaking"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class StartListening:
    turn: int


@dataclass(frozen=True, slots=True)
class StopListening:
    turn: int
    keep: bool
    """True: finish recognition and report ``Heard``.  False: discard."""


@dataclass(frozen=True, slots=True)
class PlayEarcon:
    earcon: Earcon


@dataclass(frozen=True, slots=True)
class SetLed:
    mode: LedMode


@dataclass(frozen=True, slots=True)
class Respond:
    """Answer the utterance (report ``Answered``)."""

    turn: int
    utterance: str


@dataclass(frozen=True, slots=True)
class Describe:
    """Describe the scene without any speech (report ``Answered``)."""

    turn: int


@dataclass(frozen=True, slots=True)
class Speak:
    """Say ``text`` (report ``SpeechDone``)."""

    turn: int
    text: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class StopSpeaking:
    pass


@dataclass(frozen=True, slots=True)
class StartTimer:
    name: TimerName
    turn: int
    seconds: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    name: TimerName


@dataclass(frozen=True, slots=True)
class TurnEnded:
    """The turn is over (answered, cancelled, ignored or barged over)."""

    turn: int
    outcome: str


Effect = (
    StartListening
    | StopListening
    | PlayEarcon
    | SetLed
    | Respond
    | Describe
    | Speak
    | StopSpeaking
    | StartTimer
    | CancelTimer
    | TurnEnded
)

Result = tuple[State, list[Effect]]

# --------------------------------------------------------------------------- transition


def _start_listening(s: State, at: float, timing: Timing, *, after_tap: bool) -> Result:
    turn = s.turn + 1
    return (
        State(Phase.LISTENING, turn, pressed_at=at, after_tap=after_tap),
        [
            StartListening(turn),
            PlayEarcon(Earcon.LISTENING),
            SetLed(LedMode.LISTENING),
            StartTimer(TimerName.MAX_LISTEN, turn, timing.max_listen),
        ],
    )


def _barge_in(s: State, at: float, timing: Timing) -> Result:
    state, effects = _start_listening(s, at, timing, after_tap=False)
    return state, [StopSpeaking(), TurnEnded(s.turn, "interrupted"), *effects]


def _to_idle(s: State, outcome: str, *extra: Effect) -> Result:
    return (
        State(Phase.IDLE, s.turn),
        [*extra, SetLed(LedMode.OFF), TurnEnded(s.turn, outcome)],
    )


def _finish_listening(s: State) -> Result:
    return (
        replace(s, phase=Phase.THINKING),
        [
            CancelTimer(TimerName.MAX_LISTEN),
            StopListening(s.turn, keep=True),
            SetLed(LedMode.THINKING),
        ],
    )


def _fail(s: State, message: str) -> Result:
    return (
        replace(s, phase=Phase.ERROR),
        [
            CancelTimer(TimerName.MAX_LISTEN),
            StopListening(s.turn, keep=False),
            StopSpeaking(),
            SetLed(LedMode.ERROR),
            Speak(s.turn, message, is_error=True),
        ],
    )


def _announce(s: State, text: str, *, is_error: bool) -> Result:
    if not text.strip():
        return s, [PlayEarcon(Earcon.ERROR if is_error else Earcon.READY)]
    # Its own turn, so a press barges in on it like on any answer.  An error
    # announcement gets its earcon from Speak(is_error=True), as answers do.
    turn = s.turn + 1
    if is_error:
        return State(Phase.ERROR, turn), [SetLed(LedMode.ERROR), Speak(turn, text, is_error=True)]
    return (
        State(Phase.SPEAKING, turn),
        [PlayEarcon(Earcon.READY), SetLed(LedMode.SPEAKING), Speak(turn, text)],
    )


def _is_current(s: State, e: Event) -> bool:
    """Results and timers of an older turn are stale and ignored."""
    return not isinstance(e, Pressed | Released) and getattr(e, "turn", None) == s.turn


def transition(s: State, e: Event, timing: Timing) -> Result:
    """The next state and what the runtime must do, for one event."""
    if isinstance(e, Failed) and _is_current(s, e) and s.phase is not Phase.IDLE:
        if s.phase is Phase.ERROR:  # the error message itself failed: give up quietly
            return _to_idle(s, "failed")
        return _fail(s, e.message)

    match s.phase, e:
        case Phase.IDLE, Pressed(at=at):
            return _start_listening(s, at, timing, after_tap=False)
        case Phase.IDLE, Announce(text=text, is_error=is_error):
            return _announce(s, text, is_error=is_error)

        case Phase.LISTENING, Released(at=at) if at - s.pressed_at < timing.tap_max:
            stop: list[Effect] = [
                CancelTimer(TimerName.MAX_LISTEN),
                StopListening(s.turn, keep=False),
            ]
            if s.after_tap:
                return (
                    replace(s, phase=Phase.THINKING),
                    [*stop, PlayEarcon(Earcon.GOT_IT), SetLed(LedMode.THINKING), Describe(s.turn)],
                )
            return (
                replace(s, phase=Phase.TAP_PENDING),
                [
                    *stop,
                    SetLed(LedMode.OFF),
                    StartTimer(TimerName.DOUBLE_WINDOW, s.turn, timing.double_window),
                ],
            )
        case Phase.LISTENING, Released():
            return _finish_listening(s)
        case Phase.LISTENING, TimerFired(name=TimerName.MAX_LISTEN) if _is_current(s, e):
            return _finish_listening(s)

        case Phase.TAP_PENDING, Pressed(at=at):
            # The tap and this press are one gesture: the tap's turn is not
            # reported on its own.
            state, effects = _start_listening(s, at, timing, after_tap=True)
            return state, [CancelTimer(TimerName.DOUBLE_WINDOW), *effects]
        case Phase.TAP_PENDING, TimerFired(name=TimerName.DOUBLE_WINDOW) if _is_current(s, e):
            return _to_idle(s, "ignored tap")

        case Phase.THINKING, Heard(text=text, unclear=unclear) if _is_current(s, e):
            if not text.strip() and not unclear:
                return _to_idle(s, "cancelled", PlayEarcon(Earcon.CANCEL))
            # Unclear speech goes to the skills as nothing said: the fallback
            # answers it ("Sorry, I didn't catch that").
            return s, [PlayEarcon(Earcon.GOT_IT), Respond(s.turn, text)]
        case Phase.THINKING, Answered(text=text, is_error=is_error) if _is_current(s, e):
            if not text.strip():
                return _to_idle(s, "answered", StopSpeaking())
            mode = LedMode.ERROR if is_error else LedMode.SPEAKING
            return (
                replace(s, phase=Phase.ERROR if is_error else Phase.SPEAKING),
                [SetLed(mode), Speak(s.turn, text, is_error=is_error)],
            )

        case Phase.THINKING | Phase.SPEAKING | Phase.ERROR, Pressed(at=at):
            return _barge_in(s, at, timing)
        case Phase.SPEAKING | Phase.ERROR, SpeechDone() if _is_current(s, e):
            return _to_idle(s, "answered" if s.phase is Phase.SPEAKING else "error")

    return s, []
