"""Microphone and earpiece over sounddevice (PortAudio): I2S or a USB headset.

sounddevice is imported inside the constructors, so this module imports on
machines without PortAudio; there the constructors raise
``BackendUnavailable``.

Threading: PortAudio calls the stream callbacks on its own real-time thread.
They only copy samples into or out of a lock-protected buffer and return;
anything slow there (logging included, which takes locks and may do I/O) would
cause audible glitches, so warnings are logged later on the caller's thread.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from types import ModuleType
from typing import Any

from hardware.errors import AudioDeviceError, BackendUnavailable, DeviceClosed
from hardware.pcm import as_pcm
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)

DEFAULT_EARPIECE_RATE = 22_050


def _import_sounddevice() -> ModuleType:
    try:
        import sounddevice
    except OSError as exc:  # sounddevice raises OSError when libportaudio is missing
        raise BackendUnavailable(
            f"sounddevice cannot load PortAudio: apt install libportaudio2 ({exc})"
        ) from None
    except ImportError as exc:
        raise BackendUnavailable(
            f"sounddevice is not installed: pip install sounddevice ({exc})"
        ) from None
    module: ModuleType = sounddevice
    return module


def _one_line(exc: BaseException) -> str:
    # PortAudio and sounddevice messages can span lines (device lists); errors
    # here are read aloud or printed on one line.
    return " ".join(str(exc).split()) or type(exc).__name__


def _why_not_opened(exc: BaseException, direction: str) -> str:
    """PortAudio's reason, in plain words where it has a well-known cause.

    "Error querying device -1" is PortAudio asking for the default device
    (index -1) when ALSA lists none: no sound card at all.
    """
    text = _one_line(exc)
    if "querying device -1" in text:
        return (
            f"there is no {direction} sound device at all (ALSA lists no sound card: "
            "is the audio board or USB headset connected? `aplay -l` lists what is found)"
        )
    return text


def _block_frames(rate: int, block_ms: int) -> int:
    if rate <= 0 or block_ms <= 0:
        raise ValueError(f"sample_rate and block_ms must be positive (got {rate}, {block_ms})")
    return max(1, rate * block_ms // 1000)


class SoundDeviceMicrophone(Resource):
    """16 kHz mono int16 capture through a PortAudio input stream.

    The stream is opened here (so a missing device fails at start-up, not at
    the first press) and runs only between :meth:`start` and :meth:`stop`.
    At most ``max_queued_s`` of unread audio is kept; beyond that the oldest
    block is dropped (a live microphone's newest audio matters most), counted in
    :attr:`dropped_blocks` and warned about once.
    """

    def __init__(
        self,
        *,
        device: str | int | None = None,
        sample_rate: int = MIC_RATE,
        block_ms: int = 100,
        max_queued_s: float = 30.0,
    ) -> None:
        sd = _import_sounddevice()
        self._rate = sample_rate
        self._label = str(device) if device is not None else "default"
        self._pa_error: type[Exception] = sd.PortAudioError
        frames = _block_frames(sample_rate, block_ms)
        maxlen = max(1, round(max_queued_s * 1000 / block_ms))
        self._blocks: collections.deque[Pcm] = collections.deque(maxlen=maxlen)
        self._cond = threading.Condition()
        self._running = False
        self._closed = False
        self.dropped_blocks = 0
        """Blocks discarded because nobody read them in time."""
        self.overflows = 0
        """Callbacks in which PortAudio reported lost input."""
        self._warned = False
        try:
            self._stream = sd.InputStream(
                device=device,
                samplerate=sample_rate,
                channels=1,
                dtype="int16",
                blocksize=frames,
                callback=self._callback,
            )
        except (sd.PortAudioError, ValueError, TypeError) as exc:
            raise AudioDeviceError(
                f"microphone {self._label} cannot be opened: {_why_not_opened(exc, 'input')}"
            ) from None
        log.debug("microphone %s open at %d Hz, %d-frame blocks", self._label, sample_rate, frames)

    @property
    def sample_rate(self) -> int:
        return self._rate

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        block = indata[:, 0].copy()  # PortAudio reuses its buffer after we return
        with self._cond:
            if not self._running:
                return
            if status.input_overflow:
                self.overflows += 1
            if len(self._blocks) == self._blocks.maxlen:
                self.dropped_blocks += 1  # the append below pushes out the oldest
            self._blocks.append(block)
            self._cond.notify_all()

    def _check_open(self) -> None:
        if self._closed:
            raise DeviceClosed(f"microphone {self._label} is closed")

    def start(self) -> None:
        with self._cond:
            self._check_open()
            if self._running:
                return
            self._blocks.clear()
            self._running = True
        try:
            self._stream.start()
        except self._pa_error as exc:
            with self._cond:
                self._running = False
            raise AudioDeviceError(
                f"microphone {self._label} failed to start: {_one_line(exc)}"
            ) from None

    def read(self, timeout: float) -> Pcm | None:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while True:
                self._check_open()
                if self._blocks:
                    block = self._blocks.popleft()
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            warn = self.dropped_blocks > 0 and not self._warned
            self._warned = self._warned or warn
        if warn:
            log.warning(
                "microphone %s: audio is not being read fast enough; dropping the "
                "oldest blocks (%d so far)",
                self._label,
                self.dropped_blocks,
            )
        return block

    def stop(self) -> None:
        with self._cond:
            if self._closed or not self._running:
                return
            self._running = False
            self._blocks.clear()
            self._cond.notify_all()
        # abort, not stop: nothing captured after this is wanted, and abort does
        # not wait for a blocked device read (stop can hang on one).
        self._stream.abort()

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._running = False
            self._blocks.clear()
            self._cond.notify_all()  # blocked readers raise DeviceClosed
        self._stream.abort()
        self._stream.close()


class SoundDeviceEarpiece(Resource):
    """Mono int16 playback through one PortAudio output stream, kept running.

    The stream runs from construction to :meth:`close` and plays silence when
    nothing is queued: starting and stopping it per sentence would add latency
    and, on I2S amplifiers, clicks.  :meth:`stop` empties the software queue at
    once; what PortAudio already holds (about one output latency, ~0.1 s) still
    plays out.
    """

    def __init__(
        self,
        *,
        device: str | int | None = None,
        sample_rate: int = DEFAULT_EARPIECE_RATE,
        block_ms: int = 50,
    ) -> None:
        sd = _import_sounddevice()
        self._rate = sample_rate
        self._label = str(device) if device is not None else "default"
        frames = _block_frames(sample_rate, block_ms)
        self._pieces: collections.deque[Pcm] = collections.deque()
        self._head = 0  # samples of _pieces[0] already handed to PortAudio
        self._pending = 0  # samples queued and not yet handed over
        self._handed_over_at = 0.0  # when the callback took the last queued sample
        self._interrupted = False
        self._closed = False
        self._cond = threading.Condition()
        self.underflows = 0
        """Callbacks in which PortAudio reported an output underflow."""
        label = self._label
        try:
            self._stream = sd.OutputStream(
                device=device,
                samplerate=sample_rate,
                channels=1,
                dtype="int16",
                blocksize=frames,
                callback=self._callback,
            )
        except (sd.PortAudioError, ValueError, TypeError) as exc:
            raise AudioDeviceError(
                f"earpiece {label} cannot be opened at {sample_rate} Hz: "
                f"{_why_not_opened(exc, 'output')}"
            ) from None
        try:
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stream.close()
            raise AudioDeviceError(f"earpiece {label} failed to start: {_one_line(exc)}") from None
        # Time from handing a sample to PortAudio until it is heard.
        self._tail_s = float(self._stream.latency)
        log.debug("earpiece %s open at %d Hz, latency %.3f s", label, sample_rate, self._tail_s)

    @property
    def sample_rate(self) -> int:
        return self._rate

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        out = outdata[:, 0]
        filled = 0
        with self._cond:
            if status.output_underflow:
                self.underflows += 1
            while filled < frames and self._pieces:
                piece = self._pieces[0]
                take = min(frames - filled, len(piece) - self._head)
                out[filled : filled + take] = piece[self._head : self._head + take]
                filled += take
                self._head += take
                if self._head == len(piece):
                    self._pieces.popleft()
                    self._head = 0
            if filled:
                self._pending -= filled
                if self._pending == 0:
                    self._handed_over_at = time.monotonic()
                    self._cond.notify_all()
        out[filled:] = 0

    def _check_open(self) -> None:
        if self._closed:
            raise DeviceClosed(f"earpiece {self._label} is closed")

    def play(self, pcm: Pcm) -> None:
        samples = as_pcm(pcm)
        with self._cond:
            self._check_open()
            if samples.size == 0:
                return
            # Our own copy: the caller may reuse its array while we play.
            self._pieces.append(samples.copy())
            self._pending += samples.size
            self._interrupted = False

    def stop(self) -> None:
        with self._cond:
            if self._closed:
                return
            if self._pending:
                self._interrupted = True
            self._pieces.clear()
            self._head = 0
            self._pending = 0
            self._handed_over_at = 0.0  # what PortAudio holds no longer counts
            self._cond.notify_all()

    def wait_done(self, timeout: float) -> bool:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while True:
                self._check_open()
                if self._interrupted:
                    return False
                now = time.monotonic()
                if self._pending == 0:
                    heard_at = self._handed_over_at + self._tail_s
                    if now >= heard_at:
                        return True
                    wake = min(deadline, heard_at)
                else:
                    wake = deadline
                if now >= deadline:
                    return False
                self._cond.wait(wake - now)

    @property
    def is_playing(self) -> bool:
        with self._cond:
            return self._pending > 0 or (
                self._handed_over_at > 0 and time.monotonic() < self._handed_over_at + self._tail_s
            )

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._pieces.clear()
            self._pending = 0
            self._cond.notify_all()
        # abort: drop what PortAudio holds rather than wait for it to play out.
        self._stream.abort()
        self._stream.close()
