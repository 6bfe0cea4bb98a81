"""The rules BaseStream enforces for every engine, checked on a tiny real engine."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from device.errors import SpeechError
from device.speech.base import RecognitionStream, Transcript
from device.speech.stream import KeptAudio
from hardware.ports import MIC_RATE, Pcm

from .helpers import CHUNK, white_noise
from .toy_engine import ToyStream


def vowel(seconds: float = 1.0) -> Pcm:
    """A 150 Hz tone with six harmonics: voiced, as a sung vowel is."""
    t = np.arange(int(seconds * MIC_RATE)) / MIC_RATE
    harmonics = np.arange(1, 7)[:, None]
    wave = (np.sin(2 * np.pi * 150 * harmonics * t) / harmonics).sum(axis=0)
    return np.asarray(wave / np.abs(wave).max() * 8000, dtype=np.int16)


def feed_all(stream: RecognitionStream, pcm: Pcm) -> None:
    for i in range(0, len(pcm), CHUNK):
        stream.feed(pcm[i : i + CHUNK])


def test_a_stream_that_heard_voice_asks_the_engine_for_its_result() -> None:
    stream = ToyStream()
    feed_all(stream, vowel(1.0))
    assert stream.finish() == Transcript("heard 1.0 s", 1.0, False, "toy")
    assert stream.calls == ["decode"] * 10 + ["result"]
    assert stream.done


@pytest.mark.parametrize("rms", [0.0, 3000.0])
def test_silence_or_noise_is_an_empty_transcript_without_asking_the_engine(rms: float) -> None:
    stream = ToyStream()
    feed_all(stream, white_noise(seconds=1.0, rms=rms))
    heard = stream.finish()
    assert heard == Transcript.nothing("toy") and heard.is_empty
    assert stream.calls == ["decode"] * 10 + ["abandon"]


def test_voice_the_engine_makes_no_words_of_is_unclear_not_silence() -> None:
    """ "What's that?" in a voice not the device's own: someone spoke."""
    stream = ToyStream(makes_out_words=False)
    feed_all(stream, vowel(0.75))
    heard = stream.finish()
    assert heard.is_empty and heard.unclear
    quiet = ToyStream(makes_out_words=False)
    feed_all(quiet, white_noise(seconds=1.0, rms=3000.0))
    assert not quiet.finish().unclear


def test_the_engine_decodes_the_audio_with_the_noise_floor_added() -> None:
    stream = ToyStream()
    stream.feed(np.zeros(CHUNK, dtype=np.int16))
    (decoded,) = stream.decoded
    assert decoded.dtype == np.int16 and decoded.shape == (CHUNK,)
    # Digital silence became a faint floor (5 LSB), not louder, not still zeros.
    assert 0 < np.abs(decoded).max() <= 40 and 3.0 < decoded.std() < 7.0
    stream.cancel()


@pytest.mark.parametrize(
    "bad",
    [np.zeros(CHUNK, dtype=np.float32), np.zeros((CHUNK, 2), dtype=np.int16)],
    ids=["float32", "stereo"],
)
def test_feed_rejects_audio_that_is_not_mono_int16(bad: Pcm) -> None:
    stream = ToyStream()
    with pytest.raises(ValueError, match="mono int16"):
        stream.feed(bad)
    # A caller's mistake reaches no decoder and leaves the utterance open.
    assert stream.calls == [] and not stream.done
    feed_all(stream, vowel(0.5))
    assert stream.finish().text == "heard 0.5 s"


def test_a_finished_stream_refuses_more_audio_and_a_second_finish() -> None:
    stream = ToyStream()
    feed_all(stream, vowel(0.5))
    stream.finish()
    with pytest.raises(SpeechError, match="already finished"):
        stream.feed(vowel(0.1))
    with pytest.raises(SpeechError, match="already finished"):
        stream.finish()
    stream.cancel()  # harmless, and does not abandon what was finished
    assert stream.calls.count("result") == 1 and "abandon" not in stream.calls


def test_cancel_abandons_once_and_ends_the_utterance() -> None:
    stream = ToyStream()
    feed_all(stream, vowel(0.5))
    stream.cancel()
    stream.cancel()
    assert stream.calls == ["decode"] * 5 + ["abandon"] and stream.decoded == []
    with pytest.raises(SpeechError, match="already finished"):
        stream.finish()
    with pytest.raises(SpeechError, match="already finished"):
        stream.feed(vowel(0.1))


def test_a_decoder_that_fails_cancels_the_utterance() -> None:
    stream = ToyStream(fail_decoding=True)
    with pytest.raises(SpeechError, match="toy decoder broke"):
        stream.feed(vowel(0.1))
    assert stream.done and stream.calls == ["decode", "abandon"]
    with pytest.raises(SpeechError, match="already finished"):
        stream.feed(vowel(0.1))


def test_kept_audio_stops_at_its_limit_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    kept = KeptAudio(max_seconds=0.25)
    chunks = [np.full(CHUNK, i, dtype=np.int16) for i in range(5)]
    with caplog.at_level(logging.WARNING, logger="device.speech.stream"):
        for chunk in chunks:
            kept.add(chunk)
    # 0.1 s chunks: the third crosses 0.25 s and is kept whole; the rest are dropped.
    np.testing.assert_array_equal(kept.take(), np.concatenate(chunks[:3]))
    assert len(caplog.records) == 1 and "not kept" in caplog.text
    assert len(kept.take()) == 0  # taking forgets
    kept.add(chunks[4])
    kept.clear()
    assert kept.take().dtype == np.int16 and len(kept.take()) == 0
