"""Speech output through the ``espeak-ng`` program (Korean by default).

No registry ships a neural Korean voice, while Debian and Raspberry Pi OS ship
espeak-ng with a Korean voice.  Running the program once per sentence (it
writes a WAV to stdout) keeps the first sentence's latency short and needs no
binding library.  The text goes in on stdin, never on the command line, so
text that starts with "-" cannot be taken for an option.
"""

from __future__ import annotations

import logging
import shutil
import struct
import subprocess
from collections.abc import Iterator

import numpy as np

from device.errors import ModelError, SpeechError
from device.language import Language
from device.speech.base import split_sentences
from hardware.ports import Pcm, Resource

log = logging.getLogger(__name__)

_NOT_INSTALLED = "espeak-ng is not installed: apt install espeak-ng"


def parse_wav(data: bytes) -> tuple[Pcm, int]:
    """Mono int16 samples and rate from a 16-bit PCM WAV held in memory.

    espeak-ng streams its WAV, so the RIFF and data sizes in the header are
    placeholders (0x7FFFF000-ish); everything after the ``data`` header is
    taken as audio instead of trusting the declared size.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("espeak-ng did not produce a WAV file")
    pos, rate, channels, bits = 12, 0, 0, 0
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if tag == b"fmt ":
            fmt, channels, rate = struct.unpack_from("<HHI", data, body)
            bits = struct.unpack_from("<H", data, body + 14)[0]
            if fmt != 1 or bits != 16:
                raise SpeechError(f"espeak-ng WAV is not 16-bit PCM (format {fmt}, {bits} bit)")
        elif tag == b"data":
            if not rate or not channels:
                raise SpeechError("espeak-ng WAV has no format header before its data")
            raw = data[body:]
            raw = raw[: len(raw) - len(raw) % (2 * channels)]
            pcm = np.frombuffer(raw, dtype="<i2").astype(np.int16)
            if channels > 1:
                pcm = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16)
            return pcm, rate
        pos = body + size + (size & 1)
    raise SpeechError("espeak-ng WAV has no audio data")


class EspeakSynthesizer(Resource):
    """The :class:`~device.speech.base.Synthesizer` for any espeak-ng voice."""

    def __init__(
        self,
        *,
        voice: str = "ko",
        language: Language = "ko",
        words_per_minute: int | None = None,
        executable: str = "espeak-ng",
        timeout: float = 10.0,
    ) -> None:
        found = shutil.which(executable)
        if found is None:
            raise ModelError(_NOT_INSTALLED)
        self._command = [found, "-v", voice, "--stdout"]
        if words_per_minute is not None:
            self._command += ["-s", str(int(words_per_minute))]
        self._language: Language = language
        self._timeout = timeout
        self._closed = False
        # One short run up front: fails fast on a missing voice, and tells the rate.
        try:
            _, self._rate = self._speak(".")
        except SpeechError as exc:
            raise ModelError(f"espeak-ng cannot speak with voice {voice!r}: {exc}") from exc

    @property
    def language(self) -> Language:
        return self._language

    @property
    def sample_rate(self) -> int:
        return self._rate

    def sentences(self, text: str) -> Iterator[Pcm]:
        """Yield one int16 array per sentence; each is one espeak-ng run."""
        for sentence in split_sentences(text):
            if self._closed:
                raise SpeechError("the espeak-ng voice is closed")
            pcm, rate = self._speak(sentence)
            if rate != self._rate:
                raise SpeechError(f"espeak-ng changed its rate from {self._rate} to {rate} Hz")
            if pcm.size:
                yield pcm

    def close(self) -> None:
        # Nothing stays running between sentences; closing only refuses new work.
        self._closed = True

    def _speak(self, sentence: str) -> tuple[Pcm, int]:
        try:
            done = subprocess.run(
                self._command,
                input=sentence.encode("utf-8"),
                capture_output=True,
                timeout=self._timeout,
                check=False,
            )
        except FileNotFoundError:
            raise SpeechError(_NOT_INSTALLED) from None
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng took longer than {self._timeout:g} s") from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why = reason[-1] if reason else f"exit status {done.returncode}"
            raise SpeechError(f"espeak-ng failed: {why}")
        return parse_wav(done.stdout)
