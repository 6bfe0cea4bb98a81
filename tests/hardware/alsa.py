"""Drive the real sounddevice/PortAudio stack with no sound card: ALSA's ``file`` plugin.

A ``type file`` PCM over ``slave.pcm "null"`` reads capture audio from its
``infile`` and writes playback audio to its ``file``.  Two of them (one per
direction) sit behind an ``asym`` PCM, each direction wrapped in its own
``plug`` so that the microphone runs at 16 kHz and the earpiece at its own rate
(22,050 Hz for Piper): both directions are then bit-exact.  (One ``plug``
around the ``asym`` would force a single rate and resample the earpiece.)

Facts this module is built around, measured on Debian 12 (alsa-lib 1.2.8,
PortAudio 19.6):

- PortAudio reads the ALSA configuration once, when it initialises, which
  ``sounddevice`` does at import.  The environment from :attr:`AlsaFileConfig.env`
  must therefore be in ``os.environ`` *before* ``import sounddevice``, and the
  capture file must already exist then (PortAudio opens every PCM to probe it).
- Neither direction is paced: the ``null`` slave is always ready.  A capture
  stream reading a regular file delivers it in milliseconds and then repeats its
  last period forever (so pad it with silence); an output stream left running
  writes hundreds of MB of zeros a second.
- The file plugin also copies *captured* audio into its ``file``, so the capture
  PCM's ``file`` is ``/dev/null`` here.
- Playback output starts with priming zeros: two periods with a fixed block
  size (3,200 samples at 16 kHz, 4,410 at 22,050 Hz, with 100 ms blocks),
  about 1,900 at 16 kHz when PortAudio picks the block size.
- ALSA reads capture a whole period at a time; from a pipe holding less, the
  read comes back short and the rest of the period keeps stale samples.
- PortAudio cannot abort a stream whose thread is blocked reading an empty
  capture pipe (it reads with cancellation disabled): abort waits for data.

:class:`PipeLoopback` therefore uses named pipes instead of regular files,
with a pump thread as the sound card's clock: it feeds the capture pipe one
block at a time in real time (speech, else silence) and drains the playback
pipe in real time.  Both directions are then paced and bounded, so a
microphone's bounded queue is not flooded and ``stop()``/``wait_done()`` on a
real earpiece behave as they would on a device.  :func:`write_alsa_file_config`
with regular files suits one-shot, fixed-length transfers (``sounddevice.rec``).
"""

from __future__ import annotations

import collections
import fcntl
import logging
import os
import select
import shutil
import sys
import tempfile
import termios
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hardware.errors import DeviceClosed
from hardware.pcm import as_pcm
from hardware.ports import MIC_RATE, Pcm, Resource

log = logging.getLogger(__name__)

SYSTEM_ALSA_CONF = "/usr/share/alsa/alsa.conf"
CAPTURE_ENV = "COMPANION_ALSA_CAPTURE"
PLAYBACK_ENV = "COMPANION_ALSA_PLAYBACK"
DEFAULT_PCM = "companion_loopback"
DEFAULT_PLAYBACK_RATE = 22_050

# One page: the smallest pipe Linux allows, so the playback pipe adds under
# 0.1 s of latency on top of PortAudio's own buffer.
_PLAYBACK_PIPE_BYTES = 4096


@dataclass(frozen=True, slots=True)
class AlsaFileConfig:
    """A written ALSA configuration and how to activate it."""

    path: Path
    """The configuration file."""
    device: str
    """PCM name to pass as ``device=`` (it is also made the ALSA default)."""
    capture_path: Path
    """Where capture audio is read from (raw S16_LE mono at the capture rate)."""
    playback_path: Path
    """Where playback audio is written (raw S16_LE mono at the playback rate)."""
    env: dict[str, str]
    """Variables to put in ``os.environ`` before ``sounddevice`` is imported."""


def _quoted(path: Path) -> str:
    text = str(path)
    if any(c in text for c in '"\\\n'):
        raise ValueError(f"{text!r}: ALSA config paths must not contain quotes or backslashes")
    return f'"{text}"'


def _source(var: str, path: Path, literal: bool) -> str:
    if literal:
        return _quoted(path)
    # Resolved by alsa-lib when the PCM is opened, so one config serves any path.
    return f'{{ @func getenv vars [ {var} ] default "/dev/null" }}'


def alsa_file_config_text(
    *,
    capture_path: Path,
    playback_path: Path,
    device: str = DEFAULT_PCM,
    capture_rate: int = MIC_RATE,
    playback_rate: int = DEFAULT_PLAYBACK_RATE,
    literal_paths: bool = False,
) -> str:
    """The ALSA configuration text (see the module docstring for its shape)."""
    if not device.replace("_", "").isalnum():
        raise ValueError(f"{device!r}: PCM names must be letters, digits and underscores")
    infile = _source(CAPTURE_ENV, capture_path, literal_paths)
    outfile = _source(PLAYBACK_ENV, playback_path, literal_paths)
    return f"""# Written by tests/hardware/alsa.py: a sound card made of two files.
pcm.{device}_capture {{
    type file
    slave.pcm "null"
    infile {infile}
    # The plugin also copies captured audio to "file"; throw that copy away.
    file "/dev/null"
    format "raw"
}}
pcm.{device}_playback {{
    type file
    slave.pcm "null"
    file {outfile}
    format "raw"
}}
pcm.{device} {{
    type asym
    capture.pcm {{
        type plug
        slave {{ pcm "{device}_capture" rate {capture_rate} channels 1 format S16_LE }}
    }}
    playback.pcm {{
        type plug
        slave {{ pcm "{device}_playback" rate {playback_rate} channels 1 format S16_LE }}
    }}
}}
pcm.!default "{device}"
"""


def write_alsa_file_config(
    directory: str | Path,
    *,
    capture_path: str | Path,
    playback_path: str | Path,
    device: str = DEFAULT_PCM,
    capture_rate: int = MIC_RATE,
    playback_rate: int = DEFAULT_PLAYBACK_RATE,
    literal_paths: bool = False,
) -> AlsaFileConfig:
    """Write ``asound-<device>.conf`` into ``directory`` and return how to use it.

    The capture file must exist before PortAudio initialises; a missing one is
    created empty here (it then reads as silence).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    cap, play = Path(capture_path).absolute(), Path(playback_path).absolute()
    if not cap.exists():
        cap.touch()
    text = alsa_file_config_text(
        capture_path=cap,
        playback_path=play,
        device=device,
        capture_rate=capture_rate,
        playback_rate=playback_rate,
        literal_paths=literal_paths,
    )
    path = folder / f"asound-{device}.conf"
    path.write_text(text, encoding="utf-8")
    env = {"ALSA_CONFIG_PATH": f"{SYSTEM_ALSA_CONF}:{path}"}
    if not literal_paths:
        env |= {CAPTURE_ENV: str(cap), PLAYBACK_ENV: str(play)}
    return AlsaFileConfig(path, device, cap, play, env)


def write_capture_file(
    path: str | Path, pcm: Pcm, *, pad_s: float = 1.0, rate: int = MIC_RATE
) -> Path:
    """Write ``pcm`` as raw capture input, followed by ``pad_s`` of silence.

    The pad matters: after end of file the plugin repeats its last period.
    """
    p = Path(path)
    pad = np.zeros(round(pad_s * rate), dtype="<i2")
    p.write_bytes(np.asarray(pcm, dtype="<i2").tobytes() + pad.tobytes())
    return p


class PipeLoopback(Resource):
    """An ALSA "sound card" made of two named pipes, paced in real time.

    Create it, put :attr:`env` into ``os.environ``, *then* import sounddevice
    and open :attr:`device`.  A background pump plays the part of the sound
    card's clock:

    - capture: every ``capture_block_ms`` it writes one block into the capture
      pipe, the next block of :meth:`feed` audio or else silence, keeping at
      most two blocks in the pipe.  A capture stream therefore runs in real
      time and never finds the pipe empty for long.  Both matter: ALSA reads a
      whole period at a time and a short read leaves stale samples in the rest
      of it (so blocks must be whole periods: open the microphone with the
      same block size), and PortAudio cannot abort a stream whose thread is
      blocked reading an empty pipe (so the pipe must keep flowing).
    - playback: it drains the playback pipe no faster than real time, so the
      output stream (blocked on the full pipe) plays at the real rate, and
      keeps everything for :meth:`played`.
    """

    def __init__(
        self,
        *,
        directory: str | Path | None = None,
        device: str = DEFAULT_PCM,
        capture_rate: int = MIC_RATE,
        playback_rate: int = DEFAULT_PLAYBACK_RATE,
        capture_block_ms: int = 100,
    ) -> None:
        self.capture_rate, self.playback_rate = capture_rate, playback_rate
        self.capture_block = capture_rate * capture_block_ms // 1000
        if not 0 < 2 * self.capture_block <= select.PIPE_BUF:
            # Larger writes are not atomic, and a reader could see half a block.
            raise ValueError(
                f"capture blocks must be 1..{select.PIPE_BUF // 2} samples, "
                f"not {self.capture_block}"
            )
        self._block_s = self.capture_block / capture_rate
        folder = (
            Path(tempfile.mkdtemp(prefix="companion-alsa-"))
            if directory is None
            else Path(directory)
        )
        folder.mkdir(parents=True, exist_ok=True)
        self._dir = folder
        # A temporary folder of our own goes at exit even if close() is forgotten.
        self._remove_dir = (
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            if directory is None
            else None
        )
        cap, play = folder / f"{device}-capture.fifo", folder / f"{device}-playback.fifo"
        for fifo in (cap, play):
            fifo.unlink(missing_ok=True)
            os.mkfifo(fifo)
        # Holding both ends open (O_RDWR) means ALSA's opens never block and
        # an empty capture pipe never reads as end of file (after which the
        # plugin would repeat its last period forever).  Non-blocking so that
        # the pump can never hang on them.
        self._cap_fd = os.open(cap, os.O_RDWR | os.O_NONBLOCK)
        self._play_fd = os.open(play, os.O_RDWR | os.O_NONBLOCK)
        fcntl.fcntl(self._play_fd, fcntl.F_SETPIPE_SZ, _PLAYBACK_PIPE_BYTES)
        self.config = write_alsa_file_config(
            folder,
            capture_path=cap,
            playback_path=play,
            device=device,
            capture_rate=capture_rate,
            playback_rate=playback_rate,
        )
        self._cond = threading.Condition()
        self._to_capture: collections.deque[bytes] = collections.deque()
        self._played: list[bytes] = []
        self._closed = threading.Event()
        self._pump = threading.Thread(target=self._pump_loop, name="alsa-loopback", daemon=True)
        self._pump.start()
        log.debug("ALSA pipe loopback %r in %s", device, folder)

    @property
    def env(self) -> dict[str, str]:
        return dict(self.config.env)

    @property
    def device(self) -> str:
        return self.config.device

    # -- capture -----------------------------------------------------------

    def feed(self, pcm: Pcm) -> None:
        """Queue ``pcm`` for the microphone to hear, after what is already queued.

        It is cut into whole blocks; the last is completed with silence.
        """
        self._check_open()
        samples = as_pcm(pcm, what="loopback capture audio").astype("<i2")
        blocks = -(-samples.size // self.capture_block)
        padded = np.zeros(blocks * self.capture_block, dtype="<i2")
        padded[: samples.size] = samples
        with self._cond:
            self._to_capture.extend(
                padded[i : i + self.capture_block].tobytes()
                for i in range(0, padded.size, self.capture_block)
            )

    def discard_capture(self) -> int:
        """Drop fed audio nobody has captured yet; return how many samples went."""
        self._check_open()
        with self._cond:
            dropped = sum(len(b) for b in self._to_capture)
            self._to_capture.clear()
            while True:
                try:
                    chunk = os.read(self._cap_fd, 65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                dropped += len(chunk)
        return dropped // 2

    # -- playback ----------------------------------------------------------

    def played(self) -> Pcm:
        """Everything the earpiece wrote so far (priming and idle zeros included)."""
        with self._cond:
            data = b"".join(self._played)
        return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2").astype(np.int16)

    def clear_played(self) -> None:
        with self._cond:
            self._played.clear()

    # -- the pump ----------------------------------------------------------

    def _pump_loop(self) -> None:
        next_block = play_due = time.monotonic()
        while not self._closed.is_set():
            now = time.monotonic()
            if now >= next_block:
                self._capture_tick()
                # After a long stall (a busy machine) restart the clock rather
                # than burst to catch up.
                next_block = max(next_block + self._block_s, now - self._block_s)
            if now >= play_due:
                try:
                    ready, _, _ = select.select([self._play_fd], [], [], max(0.0, next_block - now))
                except (OSError, ValueError):  # closed under us by close()
                    return
                if ready:
                    play_due = max(play_due, now - 0.05) + self._drain_once()
            else:
                self._closed.wait(max(0.0, min(next_block, play_due) - now))

    def _capture_tick(self) -> None:
        block_bytes = 2 * self.capture_block
        try:
            queued = int.from_bytes(
                fcntl.ioctl(self._cap_fd, termios.FIONREAD, b"\0" * 4), sys.byteorder
            )
        except OSError:
            return
        if queued >= 2 * block_bytes:
            return  # no stream is reading: don't pile up stale silence
        with self._cond:
            block = self._to_capture[0] if self._to_capture else bytes(block_bytes)
            try:
                os.write(self._cap_fd, block)
            except (BlockingIOError, OSError):
                return
            if self._to_capture:
                self._to_capture.popleft()
                self._cond.notify_all()

    def _drain_once(self) -> float:
        """Read what the earpiece wrote; return how long it takes to play."""
        try:
            chunk = os.read(self._play_fd, _PLAYBACK_PIPE_BYTES)
        except OSError:  # BlockingIOError included: nothing after all
            return 0.0
        with self._cond:
            self._played.append(chunk)
        return len(chunk) / 2 / self.playback_rate

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise DeviceClosed("the ALSA pipe loopback is closed")

    def close(self) -> None:
        """Stop the pump and remove the pipes.  Close the streams using it first:
        a capture stream left running would block forever on the silent pipe."""
        if self._closed.is_set():
            return
        self._closed.set()
        with self._cond:
            self._cond.notify_all()
        self._pump.join(timeout=2.0)
        for fd in (self._cap_fd, self._play_fd):
            os.close(fd)
        if self._remove_dir is not None:
            self._remove_dir()
