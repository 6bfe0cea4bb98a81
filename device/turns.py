"""What one turn is made of: its record, and the view of the device a skill gets.

Both are plain data.  A :class:`TurnRecord` is written only by the runtime
loop (workers send it what they measured as events); a :class:`TurnContext`
is a frozen snapshot the loop takes when it hands a request to the thinking
worker, so a skill never reads state another thread is changing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from device.dialogue import Topic
from device.language import Language
from device.skills.base import Answer
from hardware.ports import Frame, Pcm

Clock = Callable[[], datetime]
"""Local wall-clock time (aware).  Injected, so tests can stand at midnight."""


def local_now() -> datetime:
    """The device's local time: the default :data:`Clock`."""
    return datetime.now().astimezone()


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
    """Monotonic timestamps: pressed, released, audio_in, heard, answered, first_audio, done."""

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


@dataclass(frozen=True)
class TurnContext:
    """The :class:`~device.skills.base.SkillContext` of one request, fixed when it was made."""

    language: Language
    volume: float
    """Earpiece volume when the request was handed over, 0..1."""
    last_answer: Answer | None
    """The previous spoken answer (for "repeat that")."""
    camera: Callable[[], Frame]
    """Takes a fresh frame; raises ``CameraError`` (the port's contract)."""
    clock: Clock = local_now
    topic: Topic | None = None
    """What the conversation is about (:mod:`device.dialogue`)."""

    def now(self) -> datetime:
        return self.clock()

    def capture(self) -> Frame:
        return self.camera()
