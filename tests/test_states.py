"""Table tests of the pure press-to-talk state machine."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from device.states import (
    Announce,
    Answered,
    CancelTimer,
    Describe,
    Earcon,
    Effect,
    Event,
    Failed,
    Heard,
    LedMode,
    Phase,
    PlayEarcon,
    Pressed,
    Released,
    Respond,
    SetLed,
    Speak,
    SpeechDone,
    StartListening,
    StartTimer,
    State,
    StopListening,
    StopSpeaking,
    TimerFired,
    TimerName,
    Timing,
    TurnEnded,
    transition,
)

T = Timing(tap_max=0.3, double_window=0.5, max_listen=10.0)


def run(events: Sequence[Event], start: State | None = None) -> tuple[State, list[Effect]]:
    """Feed events in order; return the final state and every effect emitted."""
    state = start or State()
    effects: list[Effect] = []
    for event in events:
        state, out = transition(state, event, T)
        effects.extend(out)
    return state, effects


def test_hold_to_talk_full_turn() -> None:
    state, fx = run([Pressed(1.0)])
    assert state.phase is Phase.LISTENING and state.turn == 1
    assert fx == [
        StartListening(1),
        PlayEarcon(Earcon.LISTENING),
        SetLed(LedMode.LISTENING),
        StartTimer(TimerName.MAX_LISTEN, 1, 10.0),
    ]
    state, fx = transition(state, Released(3.0), T)
    assert state.phase is Phase.THINKING
    assert StopListening(1, keep=True) in fx and CancelTimer(TimerName.MAX_LISTEN) in fx
    state, fx = transition(state, Heard(1, "what time is it"), T)
    assert fx == [PlayEarcon(Earcon.GOT_IT), Respond(1, "what time is it")]
    state, fx = transition(state, Answered(1, "It's noon."), T)
    assert state.phase is Phase.SPEAKING
    assert fx == [SetLed(LedMode.SPEAKING), Speak(1, "It's noon.")]
    state, fx = transition(state, SpeechDone(1), T)
    assert state.phase is Phase.IDLE
    assert fx == [SetLed(LedMode.OFF), TurnEnded(1, "answered")]


def test_single_short_tap_is_ignored_after_window() -> None:
    state, fx = run([Pressed(1.0), Released(1.1)])
    assert state.phase is Phase.TAP_PENDING
    assert StopListening(1, keep=False) in fx
    assert StartTimer(TimerName.DOUBLE_WINDOW, 1, 0.5) in fx
    assert not any(isinstance(f, Respond | Describe) for f in fx)
    state, fx = transition(state, TimerFired(TimerName.DOUBLE_WINDOW, 1), T)
    assert state.phase is Phase.IDLE
    assert TurnEnded(1, "ignored tap") in fx


def test_double_press_describes() -> None:
    state, fx = run([Pressed(1.0), Released(1.1), Pressed(1.3), Released(1.4)])
    assert state.phase is Phase.THINKING and state.turn == 2
    assert Describe(2) in fx
    assert CancelTimer(TimerName.DOUBLE_WINDOW) in fx
    assert StopListening(2, keep=False) in fx
    state, fx = transition(state, Answered(2, "I see a dog."), T)
    assert Speak(2, "I see a dog.") in fx


def test_tap_then_hold_is_a_normal_question() -> None:
    state, fx = run([Pressed(1.0), Released(1.1), Pressed(1.3), Released(3.0)])
    assert state.phase is Phase.THINKING
    assert StopListening(2, keep=True) in fx
    assert not any(isinstance(f, Describe) for f in fx)


def test_hold_without_speech_cancels() -> None:
    state, fx = run([Pressed(1.0), Released(4.0), Heard(1, "  ")])
    assert state.phase is Phase.IDLE
    assert PlayEarcon(Earcon.CANCEL) in fx and TurnEnded(1, "cancelled") in fx
    assert not any(isinstance(f, Respond | Speak) for f in fx)


def test_an_unclear_hold_is_answered_not_cancelled() -> None:
    """Someone spoke but no words came of it: the skills (the fallback) answer."""
    state, fx = run([Pressed(1.0), Released(2.0), Heard(1, "", unclear=True)])
    assert state.phase is Phase.THINKING
    assert PlayEarcon(Earcon.GOT_IT) in fx and Respond(1, "") in fx
    assert not any(isinstance(f, TurnEnded) for f in fx)


def test_max_listen_ends_listening_without_release() -> None:
    state, fx = run([Pressed(1.0), TimerFired(TimerName.MAX_LISTEN, 1)])
    assert state.phase is Phase.THINKING
    assert StopListening(1, keep=True) in fx
    # The late release is ignored: the turn already moved on.
    state2, fx2 = transition(state, Released(20.0), T)
    assert state2 == state and fx2 == []


@pytest.mark.parametrize(
    "phase_events",
    [
        [Pressed(1.0), Released(2.0)],  # thinking
        [Pressed(1.0), Released(2.0), Heard(1, "hi"), Answered(1, "Hello.")],  # speaking
    ],
)
def test_barge_in_stops_answer_and_listens(phase_events: list[Event]) -> None:
    state, _ = run(phase_events)
    state, fx = transition(state, Pressed(5.0), T)
    assert state.phase is Phase.LISTENING and state.turn == 2
    assert fx[0] == StopSpeaking()
    assert TurnEnded(1, "interrupted") in fx and StartListening(2) in fx


def test_stale_results_from_an_interrupted_turn_are_ignored() -> None:
    state, _ = run([Pressed(1.0), Released(2.0), Pressed(3.0)])
    for stale in (
        Heard(1, "what time is it"),
        Answered(1, "Noon."),
        SpeechDone(1),
        TimerFired(TimerName.MAX_LISTEN, 1),
        Failed(1, "boom"),
    ):
        after, fx = transition(state, stale, T)
        assert after == state and fx == [], stale


def test_failure_is_spoken_then_idle() -> None:
    state, fx = run([Pressed(1.0), Released(2.0), Failed(1, "The microphone stopped.")])
    assert state.phase is Phase.ERROR
    assert Speak(1, "The microphone stopped.", is_error=True) in fx
    assert SetLed(LedMode.ERROR) in fx
    state, fx = transition(state, SpeechDone(1), T)
    assert state.phase is Phase.IDLE and TurnEnded(1, "error") in fx


def test_failure_while_speaking_the_error_gives_up_quietly() -> None:
    state, _ = run([Pressed(1.0), Released(2.0), Failed(1, "x")])
    state, fx = transition(state, Failed(1, "speech engine died"), T)
    assert state.phase is Phase.IDLE
    assert not any(isinstance(f, Speak) for f in fx)


def test_error_answer_lights_error_and_returns_to_idle() -> None:
    state, fx = run(
        [
            Pressed(1.0),
            Released(2.0),
            Heard(1, "what do you see"),
            Answered(1, "I can't see right now.", is_error=True),
        ]
    )
    assert state.phase is Phase.ERROR
    assert Speak(1, "I can't see right now.", is_error=True) in fx


def test_empty_answer_such_as_stop_goes_idle_silently() -> None:
    state, fx = run([Pressed(1.0), Released(2.0), Heard(1, "stop"), Answered(1, "")])
    assert state.phase is Phase.IDLE
    assert not any(isinstance(f, Speak) for f in fx)


def test_events_that_make_no_sense_in_a_phase_change_nothing() -> None:
    idle = State()
    for event in (Released(1.0), Heard(0, "x"), SpeechDone(0), Failed(0, "x")):
        assert transition(idle, event, T) == (idle, [])
    listening, _ = run([Pressed(1.0)])
    assert transition(listening, Pressed(1.1), T) == (listening, [])


def test_idle_announcement_without_text_is_the_ready_earcon_alone() -> None:
    state, fx = transition(State(), Announce(), T)
    assert state == State() and fx == [PlayEarcon(Earcon.READY)]


def test_spoken_announcement_is_a_turn_a_press_can_interrupt() -> None:
    state, fx = transition(State(), Announce("Hello."), T)
    assert state.phase is Phase.SPEAKING and state.turn == 1
    assert fx == [PlayEarcon(Earcon.READY), SetLed(LedMode.SPEAKING), Speak(1, "Hello.")]
    state, fx = transition(state, Pressed(5.0), T)
    assert state.phase is Phase.LISTENING and state.turn == 2
    assert StopSpeaking() in fx and TurnEnded(1, "interrupted") in fx


def test_error_announcement_is_spoken_as_an_error() -> None:
    state, fx = transition(State(), Announce("Bad config.", is_error=True), T)
    assert state.phase is Phase.ERROR
    # The error earcon comes with Speak(is_error=True), as for any error answer.
    assert fx == [SetLed(LedMode.ERROR), Speak(1, "Bad config.", is_error=True)]
    state, fx = transition(state, SpeechDone(1), T)
    assert state.phase is Phase.IDLE and TurnEnded(1, "error") in fx


def test_announcement_never_talks_over_the_user() -> None:
    listening, _ = transition(State(), Pressed(1.0), T)
    assert transition(listening, Announce("Hello."), T) == (listening, [])
