"""A tiny but real recogniser engine, built the way the README tells engines to be.

It "recognises" how long the voiced utterance was ("heard 1.0 s") and keeps a
history of the template calls its streams received, so tests can check what
:class:`~device.speech.stream.BaseStream` did and did not hand to an engine.
It is registered by the tests (one :data:`~device.speech.registry.RECOGNIZERS`
line), which is also the proof that a new engine needs nothing else.
"""

from __future__ import annotations

from device.errors import SpeechError
from device.language import Language
from device.speech.base import RecognizerSettings, Transcript
from device.speech.stream import BaseStream
from hardware.ports import MIC_RATE, Pcm, Resource

ENGINE = "toy"


class ToyStream(BaseStream):
    """Counts decoded samples; ``calls`` records every template call in order."""

    def __init__(self, *, fail_decoding: bool = False, makes_out_words: bool = True) -> None:
        super().__init__(engine=ENGINE)
        self.fail_decoding = fail_decoding
        self.makes_out_words = makes_out_words
        self.calls: list[str] = []
        self.decoded: list[Pcm] = []

    def _decode(self, pcm: Pcm) -> None:
        self.calls.append("decode")
        if self.fail_decoding:
            raise SpeechError("toy decoder broke")
        self.decoded.append(pcm)

    def _result(self) -> Transcript:
        self.calls.append("result")
        seconds = sum(len(p) for p in self.decoded) / MIC_RATE
        if not self.makes_out_words:
            return Transcript.nothing(ENGINE)
        return Transcript(f"heard {seconds:.1f} s", 1.0, False, ENGINE)

    def _abandon(self) -> None:
        self.calls.append("abandon")
        self.decoded = []


class ToyRecognizer(Resource):
    def __init__(self, settings: RecognizerSettings) -> None:
        self.settings = settings
        self.closed = False

    @property
    def language(self) -> Language:
        return self.settings.language

    @property
    def name(self) -> str:
        return ENGINE

    def start(self) -> ToyStream:
        if self.closed:
            raise SpeechError("the toy recogniser is closed")
        return ToyStream()

    def close(self) -> None:
        self.closed = True


# The two functions device.speech.registry asks of an engine module.


def has_model(settings: RecognizerSettings) -> bool:
    return True


def open_recognizer(settings: RecognizerSettings) -> ToyRecognizer:
    return ToyRecognizer(settings)
