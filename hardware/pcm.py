"""PCM helpers shared by the fakes, the speech engines and the CLI.

WAV files go through the standard library's ``wave`` (PCM only, which is all a
speech device needs); rate conversion goes through ``soxr``, a well-kept
high-quality resampler, rather than a hand-rolled interpolator.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from hardware.errors import AudioFileError, AudioFormatError
from hardware.ports import Pcm


def as_pcm(pcm: Any, *, what: str = "earpiece audio") -> Pcm:
    """Check ``pcm`` is mono int16 audio (the ports' one format); ``(n, 1)`` is flattened.

    Raises ``AudioFormatError`` otherwise: silently converting floats would
    play full-scale noise.
    """
    arr = np.asarray(pcm)
    if arr.dtype != np.int16:
        raise AudioFormatError(f"{what} must be int16 samples, not {arr.dtype}")
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise AudioFormatError(f"{what} must be mono (1-D), not shape {arr.shape}")
    return arr


def resample(pcm: Pcm, from_rate: int, to_rate: int) -> Pcm:
    """Convert mono int16 ``pcm`` from ``from_rate`` to ``to_rate`` Hz."""
    if from_rate == to_rate or pcm.size == 0:
        return pcm.astype(np.int16, copy=False)
    out = np.asarray(soxr.resample(pcm.astype(np.float32), from_rate, to_rate, quality="HQ"))
    clipped: Pcm = np.clip(np.rint(out), -32768, 32767).astype(np.int16)
    return clipped


def read_wav(path: str | Path, *, rate: int | None = None) -> tuple[Pcm, int]:
    """Read a PCM WAV as mono int16.

    Stereo is mixed down; 8-bit and 32-bit PCM are rescaled to 16-bit.  With
    ``rate`` the audio is resampled and ``rate`` is returned.

    Raises :class:`AudioFormatError` with a one-line reason for anything that
    is not a readable PCM WAV (missing, truncated, compressed, empty header).
    """
    p = Path(path)
    try:
        with wave.open(str(p), "rb") as w:
            channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise AudioFormatError(f"{p}: no such file") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioFormatError(f"{p}: not a readable PCM WAV file ({exc})") from None
    if src_rate <= 0 or channels <= 0:
        raise AudioFormatError(f"{p}: WAV header has no valid rate or channel count")
    usable = len(frames) - len(frames) % (width * channels)
    raw = frames[:usable]
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.int32)
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.int64) >> 16
    else:
        raise AudioFormatError(f"{p}: {8 * width}-bit WAV is not supported (use 16-bit PCM)")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    pcm = np.clip(samples, -32768, 32767).astype(np.int16)
    if rate is not None:
        return resample(pcm, src_rate, rate), rate
    return pcm, src_rate


def write_wav(path: str | Path, pcm: Pcm, rate: int) -> Path:
    """Write mono int16 ``pcm`` as a 16-bit WAV; parent folders are created.

    :class:`AudioFileError` (one line) if it cannot be written: a directory,
    a read-only or full disk, a path under ``/proc``.
    """
    p = Path(path)
    if p.is_dir():
        raise AudioFileError(f"cannot write {p}: it is a directory, not a file name")
    frames = np.asarray(pcm, dtype="<i2").tobytes()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # The file is opened here, not by wave.open(name): when wave opens it
        # and that fails, its half-made writer prints a traceback as it is
        # collected (Wave_write.__del__, Python 3.11).
        with p.open("wb") as f:
            w = wave.open(f, "wb")  # noqa: SIM115 (closed by _close_quietly)
            try:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(rate)
                w.writeframes(frames)
            finally:
                _close_quietly(w)
    except OSError as exc:
        raise AudioFileError(f"cannot write {p}: {exc.strerror or exc}") from exc
    return p


def _close_quietly(w: Any) -> None:
    """Close a wave writer; a failure in close is raised once, not again at collection."""
    try:
        w.close()
    finally:
        w._file = None  # close() cleans up only if its writes succeed


def rms(pcm: Pcm) -> float:
    """Root-mean-square level in int16 units (0 for empty input)."""
    if pcm.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(pcm.astype(np.float64)))))
