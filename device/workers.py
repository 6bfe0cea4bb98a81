"""The runtime's workers: one long-lived thread per kind of slow work.

A :class:`Worker` runs the jobs it is given one at a time, in order, for the
life of the device: listening, looking, thinking and speaking each have one.
So "one recogniser stream at a time" or "one answer speaking at a time" is
true by construction, not by locks, and no thread is created per turn (a new
thread per effect also gave every turn a fresh glibc malloc arena).

A job talks to the rest of the device in one direction only: it *posts
events* to the runtime loop (results, and the timestamps it measured).  It
reads nothing that the loop changes: what it needs (the turn, the volume, a
cancel flag, a stop channel) is handed to it when the loop submits it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from device import states as st
from device.skills.base import Answer
from device.speech.base import Recognizer, Synthesizer
from hardware.errors import HardwareError
from hardware.pcm import resample
from hardware.ports import Earpiece, Microphone, Pcm

log = logging.getLogger(__name__)

#: How long a worker may wait on one port call before the turn fails.
PORT_TIMEOUT_S = 2.0
#: Mic chunks are read with this timeout so a release is acted on within it.
READ_TIMEOUT_S = 0.02
#: At release, at most this much already-captured audio is still decoded.
DRAIN_LIMIT_S = 0.5


# ----------------------------------------------------------------- what jobs post


@dataclass(frozen=True)
class Measured:
    """Timestamps (and answer audio) a worker measured for a turn's record."""

    turn: int
    marks: dict[str, float] = field(default_factory=dict)
    speech: Pcm | None = None


@dataclass(frozen=True)
class Thought:
    """A skill's whole answer; the loop adopts it, then steps ``Answered``."""

    turn: int
    answer: Answer


Post = Callable[[object], None]
"""Hands one event to the runtime loop (thread-safe)."""


# ----------------------------------------------------------------- the worker


class Worker:
    """One thread that runs submitted jobs in order until closed.

    A job that raises is logged and reported through ``on_error(turn, exc)``
    (the runtime turns it into a spoken ``Failed``), and the worker goes on
    with the next job: one bad turn must not leave the device deaf or mute.
    """

    def __init__(self, kind: str, *, on_error: Callable[[int, Exception], None]) -> None:
        self.kind = kind
        self._on_error = on_error
        self._jobs: queue.SimpleQueue[tuple[int, Callable[[], None]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"companion-{kind}", daemon=True)
        self._thread.start()

    def submit(self, turn: int, job: Callable[[], None]) -> None:
        self._jobs.put((turn, job))

    def close(self, timeout: float) -> bool:
        """Finish the job in hand (later ones are dropped); True if the thread ended."""
        # Drop what has not started: the device is going away.
        try:
            while True:
                self._jobs.get_nowait()
        except queue.Empty:
            pass
        self._jobs.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the %s worker did not stop within %.1f s", self.kind, timeout)
            return False
        return True

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            turn, job = item
            try:
                job()
            except Exception as exc:  # a worker must always report back
                log.exception("%s worker failed", self.kind)
                self._on_error(turn, exc)


# ----------------------------------------------------------------- listening


class ListenControl:
    """How the loop tells one listening job to stop: keep the words, or drop them.

    A one-slot channel rather than a shared flag, so the job reads the
    decision and nothing else of the loop's.
    """

    def __init__(self) -> None:
        self._decision: queue.SimpleQueue[bool] = queue.SimpleQueue()

    def stop(self, *, keep: bool) -> None:
        self._decision.put(keep)

    def poll(self) -> bool | None:
        """``True`` (keep), ``False`` (drop), or ``None`` while still listening."""
        try:
            return self._decision.get_nowait()
        except queue.Empty:
            return None


def listen(
    turn: int, *, mic: Microphone, recognizer: Recognizer, control: ListenControl, post: Post
) -> None:
    """Feed the microphone to the recogniser until told to stop; post ``Heard``."""
    mic.start()
    stream = recognizer.start()
    keep: bool | None = None
    try:
        while keep is None:
            chunk = mic.read(READ_TIMEOUT_S)
            if chunk is not None:
                stream.feed(chunk)
            keep = control.poll()
        if keep:
            # Take what was captured before the release, so the last word is
            # not clipped; bounded, because a fake (or a stuck driver) can
            # always have another chunk ready.
            backlog = 0
            while backlog < DRAIN_LIMIT_S * mic.sample_rate:
                chunk = mic.read(0.0)
                if chunk is None:
                    break
                stream.feed(chunk)
                backlog += len(chunk)
    except BaseException:
        stream.cancel()
        raise
    finally:
        mic.stop()
    if not keep:
        stream.cancel()
        return
    post(Measured(turn, {"audio_in": time.monotonic()}))
    transcript = stream.finish()
    post(st.Heard(turn, transcript.text, unclear=transcript.unclear))


# ----------------------------------------------------------------- speaking


class Playback:
    """One answer's access to the earpiece, which the loop can cut off at once.

    The lock makes "check the cancel flag, then queue audio" one step against
    "set the flag, then silence the earpiece": without it a sentence could be
    queued just after a barge-in silenced the earpiece, and play over the
    next question.
    """

    def __init__(self, earpiece: Earpiece) -> None:
        self.earpiece = earpiece
        self._lock = threading.Lock()
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        with self._lock:
            return self._cancelled

    def play(self, pcm: Pcm) -> bool:
        """Queue ``pcm``; False (and nothing queued) if cancelled."""
        with self._lock:
            if self._cancelled:
                return False
            self.earpiece.play(pcm)
            return True

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            self.earpiece.stop()


def speak(
    turn: int,
    text: str,
    *,
    synthesizer: Synthesizer,
    playback: Playback,
    volume: float,
    audio_free_at: float,
    post: Post,
) -> None:
    """Synthesise ``text`` sentence by sentence and play it; post ``SpeechDone``.

    ``audio_free_at`` is when the earcons the loop already queued end, so the
    first sentence's start (``first_audio``) is when it will really be heard.
    """
    rate = playback.earpiece.sample_rate
    ends = audio_free_at
    first = True
    for sentence in synthesizer.sentences(text):
        pcm = resample(sentence, synthesizer.sample_rate, rate)
        pcm = (pcm.astype(np.float32) * volume).astype(np.int16)
        now = time.monotonic()
        starts = max(now, ends)
        if not playback.play(pcm):
            return  # barged over: the turn has already ended
        ends = starts + len(pcm) / rate
        post(Measured(turn, {"first_audio": starts} if first else {}, speech=pcm))
        first = False
    remaining = max(0.0, ends - time.monotonic())
    if playback.earpiece.wait_done(remaining + PORT_TIMEOUT_S) or playback.cancelled:
        post(Measured(turn, {"done": time.monotonic()}))
        post(st.SpeechDone(turn))
    else:
        raise HardwareError("the earpiece stopped playing")
