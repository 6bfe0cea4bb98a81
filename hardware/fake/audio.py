"""Fake microphone and earpiece: WAV files and arrays in, recordings out.

They enforce the ports' rules like the real adapters (int16 mono only,
``DeviceClosed`` after ``close()``) and, when ``paced``, take real time the way
hardware does, so latency figures measured on them mean what they would on a
device.  Test controls (``queue_utterance``, ``wait_drained``, ``played``,
``first_audio_at``, ...) sit beside the port methods, as gpiozero's mock pins
add ``drive_low()`` beside ``state``.
"""

from __future__ import annotations

import collections
import logging
import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hardware.errors import AudioDeviceError, DeviceClosed
from hardware.pcm import as_pcm, read_wav, write_wav
from hardware.pi.audio import DEFAULT_EARPIECE_RATE
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)


class WavMicrophone(Resource):
    """A microphone that "hears" queued utterances, then silence forever.

    While started, :meth:`read` returns the queued utterances' audio in
    ``chunk_ms`` chunks, in order, then silence (a real microphone never runs
    dry).  With ``paced`` chunk *k* (from 0) is released no earlier than
    ``start + (k + 1) * chunk_ms``, when a real one would have finished
    recording it.  Without, chunks holding speech come at once, but silence
    still comes one chunk per ``chunk_ms``: otherwise a listener looping on
    ``read()`` would spin, feeding minutes of silence to its recogniser in a
    fraction of a second.  A chunk's content is decided when it is read.
    """

    def __init__(
        self, *, paced: bool = True, chunk_ms: int = 100, sample_rate: int = MIC_RATE
    ) -> None:
        if chunk_ms <= 0 or sample_rate <= 0:
            raise ValueError(
                f"chunk_ms and sample_rate must be positive ({chunk_ms}, {sample_rate})"
            )
        self._rate = sample_rate
        self._paced = paced
        self._chunk = max(1, sample_rate * chunk_ms // 1000)
        self._chunk_s = self._chunk / sample_rate
        self._utterances: collections.deque[Pcm] = collections.deque()
        self._pos = 0  # samples of _utterances[0] already delivered
        self._started = False
        self._next_due = 0.0  # monotonic time the next chunk is recorded
        self._closed = False
        self._fail_reads = 0
        self._cond = threading.Condition()

    @property
    def sample_rate(self) -> int:
        return self._rate

    # -- test controls ---------------------------------------------------

    def fail_next(self, count: int = 1) -> None:
        """The next ``count`` reads raise ``AudioDeviceError``, as a sound card
        that went away mid-utterance does."""
        with self._cond:
            self._fail_reads = count

    def discard_queued(self) -> None:
        """Drop the speech not yet delivered: the speaker stopped talking."""
        with self._cond:
            self._utterances.clear()
            self._pos = 0
            self._cond.notify_all()

    def queue_utterance(self, pcm_or_path: Pcm | str | Path) -> float:
        """Queue speech (an int16 array at :attr:`sample_rate`, or a WAV path).

        WAVs are resampled to the microphone's rate.  Returns the duration in
        seconds.  A bad WAV raises ``AudioFormatError``.
        """
        if isinstance(pcm_or_path, str | Path):
            pcm, _ = read_wav(pcm_or_path, rate=self._rate)
        else:
            pcm = as_pcm(pcm_or_path, what="microphone audio").copy()
        with self._cond:
            self._check_open()
            if pcm.size:
                self._utterances.append(pcm)
            self._cond.notify_all()
        log.debug("fake microphone: queued %.2f s of speech", pcm.size / self._rate)
        return pcm.size / self._rate

    @property
    def speech_remaining_s(self) -> float:
        """Seconds of queued speech not yet delivered by :meth:`read`."""
        with self._cond:
            samples = sum(u.size for u in self._utterances) - self._pos
        return samples / self._rate

    def wait_drained(self, timeout: float) -> bool:
        """Wait until every queued utterance has been read (or dropped by stop)."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            self._check_open()
            while self._utterances:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
                self._check_open()
        return True

    # -- the port --------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise DeviceClosed("the fake microphone is closed")

    def start(self) -> None:
        with self._cond:
            self._check_open()
            if self._started:
                return
            self._started = True
            self._next_due = time.monotonic() + self._chunk_s
            self._cond.notify_all()

    def read(self, timeout: float) -> Pcm | None:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            if self._fail_reads > 0:
                self._fail_reads -= 1
                raise AudioDeviceError("fake microphone: input overflowed and the device went away")
            while True:
                self._check_open()
                now = time.monotonic()
                wake = deadline
                if self._started:
                    if now >= self._next_due or (not self._paced and self._utterances):
                        return self._next_chunk(now)
                    wake = min(deadline, self._next_due)
                if now >= deadline:
                    return None
                self._cond.wait(wake - now)

    def _next_chunk(self, now: float) -> Pcm:
        # Called with the lock held.
        if self._paced:
            self._next_due += self._chunk_s
        else:  # silence after this chunk starts in real time from now
            self._next_due = now + self._chunk_s
        chunk = np.zeros(self._chunk, dtype=np.int16)
        filled = 0
        while filled < self._chunk and self._utterances:
            head = self._utterances[0]
            take = min(self._chunk - filled, head.size - self._pos)
            chunk[filled : filled + take] = head[self._pos : self._pos + take]
            filled += take
            self._pos += take
            if self._pos == head.size:
                self._utterances.popleft()
                self._pos = 0
        self._cond.notify_all()  # wake wait_drained()
        return chunk

    def stop(self) -> None:
        with self._cond:
            if self._closed or not self._started:
                return
            self._started = False
            if self._pos:  # the rest of a half-heard utterance is gone, as with a real mic
                self._utterances.popleft()
                self._pos = 0
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._started = False
            self._utterances.clear()
            self._pos = 0
            self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class PlayedPiece:
    """One ``play()`` call as the fake earpiece heard it."""

    pcm: Pcm
    """The samples as queued."""
    queued_at: float
    """``time.monotonic()`` when ``play()`` was called."""
    started_at: float
    """Monotonic time its first sample was (or will be) heard."""
    heard_samples: int
    """How many samples were heard (all of them unless cut short)."""
    cut: bool
    """``True`` if ``stop()`` cut it short (or dropped it before it began)."""
    sample_rate: int
    """Hertz."""

    @property
    def heard(self) -> Pcm:
        return self.pcm[: self.heard_samples]


@dataclass(slots=True)
class _Piece:
    pcm: Pcm
    queued_at: float
    started_at: float
    heard_samples: int
    cut: bool = False


class RecordingEarpiece(Resource):
    """An earpiece that records everything it plays, with timestamps.

    With ``paced`` playback follows a timeline: a piece queued at *t* starts at
    ``max(t, end of the previous piece)`` and lasts ``len / sample_rate``, so
    ``stop()`` truncates each piece to what would have been heard by then.
    Without ``paced`` everything is heard the instant it is queued.

    ``keep_s`` bounds the recording: once the pieces kept hold more than that
    many seconds, the oldest finished ones are dropped, so a fake device that
    runs for days stays the same size.  ``None`` keeps everything.
    """

    def __init__(
        self,
        *,
        sample_rate: int = DEFAULT_EARPIECE_RATE,
        paced: bool = True,
        keep_s: float | None = None,
    ) -> None:
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, not {sample_rate}")
        if keep_s is not None and keep_s <= 0:
            raise ValueError(f"keep_s must be positive or None, not {keep_s}")
        self._rate = sample_rate
        self._paced = paced
        self._keep = None if keep_s is None else round(keep_s * sample_rate)
        self._kept = 0  # samples in self._pieces
        self._pieces: list[_Piece] = []
        self._end = 0.0  # monotonic time the last queued sample will have been heard
        self._interrupted = False
        self._fail_plays = 0
        self._mark = 0.0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def sample_rate(self) -> int:
        return self._rate

    def _check_open(self) -> None:
        if self._closed:
            raise DeviceClosed("the fake earpiece is closed")

    # -- the port --------------------------------------------------------

    def fail_next(self, count: int = 1) -> None:
        """The next ``count`` plays raise ``AudioDeviceError`` (an unplugged earpiece)."""
        with self._cond:
            self._fail_plays = count

    def play(self, pcm: Pcm) -> None:
        samples = as_pcm(pcm).copy()
        now = time.monotonic()
        with self._cond:
            self._check_open()
            if self._fail_plays > 0:
                self._fail_plays -= 1
                raise AudioDeviceError("fake earpiece: the output device is gone")
            if samples.size == 0:
                return
            start = max(now, self._end) if self._paced else now
            self._pieces.append(_Piece(samples, now, start, samples.size))
            self._kept += samples.size
            self._drop_oldest(now)
            if self._paced:
                self._end = start + samples.size / self._rate
            self._interrupted = False
            self._cond.notify_all()

    def _drop_oldest(self, now: float) -> None:
        """Keep the recording within ``keep_s`` (never a piece still playing:
        ``stop()`` may yet cut it)."""
        if self._keep is None:
            return
        while self._kept > self._keep and len(self._pieces) > 1:
            oldest = self._pieces[0]
            if self._paced and oldest.started_at + oldest.heard_samples / self._rate > now:
                return
            self._pieces.pop(0)
            self._kept -= oldest.pcm.size

    def stop(self) -> None:
        now = time.monotonic()
        with self._cond:
            if self._closed:
                return
            cut_short = False
            # Unpaced pieces were heard the instant they were queued: nothing to cut.
            for piece in self._pieces if self._paced else ():
                if piece.started_at + piece.heard_samples / self._rate > now:
                    heard = math.floor((now - piece.started_at) * self._rate)
                    piece.heard_samples = min(max(0, heard), piece.heard_samples)
                    piece.cut = cut_short = True
            self._interrupted = self._interrupted or cut_short
            self._end = min(self._end, now)
            self._cond.notify_all()
        if cut_short:
            log.debug("fake earpiece: stopped mid-playback")

    def wait_done(self, timeout: float) -> bool:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while True:
                self._check_open()
                if self._interrupted:
                    return False
                now = time.monotonic()
                if now >= self._end:
                    return True
                if now >= deadline:
                    return False
                self._cond.wait(min(self._end, deadline) - now)

    @property
    def is_playing(self) -> bool:
        with self._cond:
            return time.monotonic() < self._end

    def close(self) -> None:
        if self._closed:
            return
        self.stop()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- test controls ---------------------------------------------------

    @property
    def played(self) -> list[PlayedPiece]:
        """Every piece since the last :meth:`clear` (within ``keep_s``), oldest first."""
        with self._cond:
            return [
                PlayedPiece(p.pcm, p.queued_at, p.started_at, p.heard_samples, p.cut, self._rate)
                for p in self._pieces
            ]

    def mark(self) -> None:
        """Start a new measurement for :attr:`first_audio_at`."""
        with self._cond:
            self._mark = time.monotonic()

    @property
    def first_audio_at(self) -> float | None:
        """Monotonic time the first non-silent sample queued since :meth:`mark` is heard."""
        with self._cond:
            mark = self._mark
        for piece in self.played:
            if piece.queued_at < mark:
                continue
            loud = np.flatnonzero(piece.heard)
            if loud.size:
                return piece.started_at + float(loud[0]) / self._rate
        return None

    def track(self) -> Pcm:
        """What was heard as one continuous track; gaps between pieces are zeros."""
        # Pieces stop() dropped before they began left nothing, not even a pause.
        pieces = [p for p in self.played if p.heard_samples]
        if not pieces:
            return np.zeros(0, dtype=np.int16)
        t0 = pieces[0].started_at
        parts: list[Pcm] = []
        cursor = 0
        for piece in pieces:
            # Unpaced pieces all "start" when queued; never let them overlap.
            at = max(cursor, round((piece.started_at - t0) * self._rate))
            if at > cursor:
                parts.append(np.zeros(at - cursor, dtype=np.int16))
            parts.append(piece.heard)
            cursor = at + piece.heard_samples
        return np.concatenate(parts)

    def save_wav(self, path: str | Path) -> Path:
        """Write :meth:`track` as a WAV at :attr:`sample_rate`; returns the path."""
        return write_wav(path, self.track(), self._rate)

    def clear(self) -> None:
        """Forget the recording (playback in progress still finishes on time)."""
        with self._cond:
            self._pieces.clear()
            self._kept = 0
            self._mark = 0.0
