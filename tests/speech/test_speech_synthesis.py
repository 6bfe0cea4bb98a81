"""The synthesisers: real Piper and real espeak-ng, sentence by sentence."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from device.errors import ModelError, SpeechError
from device.speech.espeak_engine import EspeakSynthesizer, parse_wav
from device.speech.piper_engine import PiperSynthesizer, default_voice_path
from hardware.pcm import rms


def test_piper_yields_one_chunk_per_sentence(piper: PiperSynthesizer) -> None:
    chunks = list(piper.sentences("It is ten past three. I see a dog on your left! Anything else?"))
    assert len(chunks) == 3
    assert piper.sample_rate == 22050 and piper.language == "en"
    for chunk in chunks:
        assert chunk.dtype == np.int16 and chunk.ndim == 1
        assert chunk.size > 0.3 * piper.sample_rate and rms(chunk) > 500
    # Sentence-at-a-time means the first chunk is only the first sentence.
    assert len(chunks[0]) < sum(len(c) for c in chunks) / 2


def test_piper_yields_nothing_for_nothing(piper: PiperSynthesizer) -> None:
    assert list(piper.sentences("   ")) == []


def test_piper_missing_or_corrupt_voice_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        PiperSynthesizer(voice_path=tmp_path / "nope.onnx")
    real = default_voice_path()
    broken = tmp_path / real.name
    broken.write_bytes(b"not an onnx model")
    shutil.copy(real.with_name(real.name + ".json"), tmp_path)
    with pytest.raises(ModelError, match="corrupt"):
        PiperSynthesizer(voice_path=broken)


def test_piper_refuses_work_once_closed() -> None:
    voice = PiperSynthesizer()
    voice.close()
    with pytest.raises(SpeechError):
        list(voice.sentences("Hello."))


def test_espeak_yields_one_chunk_per_sentence(espeak_ko: EspeakSynthesizer) -> None:
    chunks = list(espeak_ko.sentences("지금은 세 시 십 분이에요. 왼쪽에 개가 있어요! 더 필요해요?"))
    assert len(chunks) == 3
    assert espeak_ko.sample_rate == 22050 and espeak_ko.language == "ko"
    for chunk in chunks:
        assert chunk.dtype == np.int16 and chunk.ndim == 1
        assert chunk.size > 0.3 * espeak_ko.sample_rate and rms(chunk) > 500


def test_espeak_takes_text_as_text_not_options(espeak_ko: EspeakSynthesizer) -> None:
    # On a command line "-w /tmp/x" would be an option; on stdin it is just words.
    (chunk,) = espeak_ko.sentences("-w /tmp/espeak-should-not-write-this")
    assert chunk.size > 0
    assert not Path("/tmp/espeak-should-not-write-this").exists()


def test_espeak_not_installed_is_a_one_line_model_error() -> None:
    with pytest.raises(ModelError, match=r"^espeak-ng is not installed: apt install espeak-ng$"):
        EspeakSynthesizer(executable="espeak-ng-not-here")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_unknown_voice_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="xx-nonexistent"):
        EspeakSynthesizer(voice="xx-nonexistent")


def test_hung_espeak_is_cut_off_by_the_timeout(tmp_path: Path) -> None:
    hung = tmp_path / "espeak-ng"
    hung.write_text("#!/bin/sh\nexec sleep 5\n")
    hung.chmod(hung.stat().st_mode | stat.S_IXUSR)
    with pytest.raises(ModelError, match=r"longer than 0\.3 s"):
        EspeakSynthesizer(executable=str(hung), timeout=0.3)


def test_parse_wav_reads_streamed_header_and_rejects_junk() -> None:
    samples = np.array([0, 1000, -1000, 32767], dtype="<i2").tobytes()
    header = (
        b"RIFF\xff\xff\xff\x7fWAVE"
        + b"fmt \x10\x00\x00\x00\x01\x00\x01\x00\x22\x56\x00\x00\x44\xac\x00\x00\x02\x00\x10\x00"
        + b"data\xff\xff\xff\x7f"  # streamed: the declared size is a placeholder
    )
    pcm, rate = parse_wav(header + samples + b"\x01")  # odd trailing byte is dropped
    assert rate == 22050
    assert pcm.tolist() == [0, 1000, -1000, 32767]
    with pytest.raises(SpeechError):
        parse_wav(b"this is not a wav file at all")


def test_a_long_sentence_reaches_piper_in_parts_cut_after_commas() -> None:
    from device.speech.piper_engine import MAX_PART_WORDS, speakable_parts

    help_text = (
        "You can ask me what time it is or what I see, whether something is there, "
        "its colour, and what I saw before. You can also say repeat, louder, quieter or stop."
    )
    parts = speakable_parts(help_text)
    assert parts == [
        "You can ask me what time it is or what I see,",
        "whether something is there, its colour, and what I saw before.",
        "You can also say repeat, louder, quieter or stop.",
    ]
    assert all(len(p.split()) <= MAX_PART_WORDS for p in parts)
    assert " ".join(parts) == help_text  # nothing lost
    # A long sentence with no comma cannot be cut, and is said whole.
    unbroken = " ".join(["word"] * (MAX_PART_WORDS + 3)) + "."
    assert speakable_parts(unbroken) == [unbroken]
    assert speakable_parts("  ") == []
