"""The recognisers on real synthesised speech, silence and noise."""

from __future__ import annotations

import re

import numpy as np
import pytest

from device.errors import SpeechError
from device.speech.base import Recognizer, Transcript
from device.speech.sphinx_engine import PocketSphinxRecognizer
from device.speech.voicing import VoicingDetector
from device.speech.vosk_engine import VoskRecognizer

from .helpers import Speak, hear, white_noise

OUT_OF_GRAMMAR_EN = "the weather is lovely in paris today"
OUT_OF_GRAMMAR_KO = "오늘 파리 날씨가 정말 좋네요"


# --- PocketSphinx (English) -------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    ["what time is it", "what do you see", "read this", "how much battery is left", "stop"],
)
def test_sphinx_recognises_each_command(
    sphinx: PocketSphinxRecognizer, say_en: Speak, phrase: str
) -> None:
    heard = hear(sphinx, say_en(phrase))
    assert (heard.text, heard.from_grammar, heard.engine) == (phrase, True, "pocketsphinx")
    assert 0.0 <= heard.confidence <= 1.0


def test_sphinx_does_not_force_other_speech_into_a_command(
    sphinx: PocketSphinxRecognizer, say_en: Speak
) -> None:
    heard = hear(sphinx, say_en(OUT_OF_GRAMMAR_EN))
    assert not heard.from_grammar
    assert heard.text not in sphinx.phrases
    # The free-form decoder's words, not a command; its exact wording varies
    # ("weather" / "weather's"), so ask for most of the sentence's words.
    said = set(re.findall(r"[a-z]+", heard.text))
    assert len(said & set(OUT_OF_GRAMMAR_EN.split())) >= 4, heard.text


@pytest.mark.parametrize("rms", [0.0, 300.0, 3000.0, 12000.0])
def test_sphinx_hears_nothing_in_silence_or_white_noise(
    sphinx: PocketSphinxRecognizer, rms: float
) -> None:
    heard = hear(sphinx, white_noise(seconds=2.0, rms=rms))
    assert heard.is_empty
    assert not heard.from_grammar


def test_sphinx_without_fallback_reports_unknown_words_and_rejects_other_speech(
    say_en: Speak,
) -> None:
    with PocketSphinxRecognizer(
        phrases=["What time is it?", "frobnicate the zorkmid"], free_form_fallback=False
    ) as recognizer:
        assert recognizer.phrases == ("what time is it",)
        assert recognizer.oov_phrases == ("frobnicate the zorkmid",)
        assert hear(recognizer, say_en("what time is it")).text == "what time is it"
        heard = hear(recognizer, say_en(OUT_OF_GRAMMAR_EN))
        assert heard.is_empty and not heard.from_grammar


def test_sphinx_stream_lifecycle(sphinx: PocketSphinxRecognizer, say_en: Speak) -> None:
    audio = say_en("what do you see")
    first = sphinx.start()
    first.feed(audio[:1600])
    # A new press while the last utterance is open (barge-in) ends the old one.
    second = sphinx.start()
    with pytest.raises(SpeechError):
        first.feed(audio[:1600])
    for i in range(0, len(audio), 1600):
        second.feed(audio[i : i + 1600])
    assert second.finish().text == "what do you see"
    with pytest.raises(SpeechError):
        second.finish()
    cancelled = sphinx.start()
    cancelled.feed(audio)
    cancelled.cancel()
    assert hear(sphinx, say_en("read this")).text == "read this"


# --- what every recogniser's stream does alike (device.speech.stream) --------


@pytest.fixture(
    params=[
        "sphinx",
        pytest.param("vosk_ko", marks=pytest.mark.slow),
        pytest.param("whisper_en", marks=pytest.mark.slow),
    ]
)
def any_recognizer(request: pytest.FixtureRequest) -> Recognizer:
    recognizer: Recognizer = request.getfixturevalue(request.param)
    return recognizer


def test_every_recogniser_streams_by_the_same_rules(any_recognizer: Recognizer) -> None:
    stream = any_recognizer.start()
    with pytest.raises(ValueError, match="int16"):
        stream.feed(np.zeros(1600, dtype=np.float32))
    stream.feed(white_noise(seconds=0.5, rms=0.0))
    assert stream.finish() == Transcript.nothing(any_recognizer.name)
    with pytest.raises(SpeechError, match="already finished"):
        stream.feed(white_noise(seconds=0.1, rms=0.0))
    with pytest.raises(SpeechError, match="already finished"):
        stream.finish()
    stream.cancel()  # harmless after the end


# --- Vosk (Korean) ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("phrase", ["지금 몇 시야", "무엇이 보여요", "도와줘"])
def test_vosk_recognises_korean_commands(
    vosk_ko: VoskRecognizer, say_ko: Speak, phrase: str
) -> None:
    heard = hear(vosk_ko, say_ko(phrase))
    assert (heard.text, heard.from_grammar, heard.engine) == (phrase, True, "vosk")
    assert vosk_ko.language == "ko"


@pytest.mark.slow
def test_vosk_leaves_out_phrases_with_unknown_words(vosk_ko: VoskRecognizer) -> None:
    assert vosk_ko.oov_phrases == ("배터리 얼마나 남았어",)
    assert "지금 몇 시야" in vosk_ko.phrases


@pytest.mark.slow
def test_vosk_does_not_force_other_speech_into_a_command(
    vosk_ko: VoskRecognizer, say_ko: Speak
) -> None:
    heard = hear(vosk_ko, say_ko(OUT_OF_GRAMMAR_KO))
    assert not heard.from_grammar
    assert not heard.is_empty  # the free-form decoder's (poor) words
    assert heard.text not in vosk_ko.phrases


@pytest.mark.slow
@pytest.mark.parametrize("rms", [0.0, 3000.0])
def test_vosk_hears_nothing_in_silence_or_white_noise(vosk_ko: VoskRecognizer, rms: float) -> None:
    heard = hear(vosk_ko, white_noise(seconds=2.0, rms=rms))
    assert heard.is_empty and not heard.from_grammar


@pytest.mark.slow
def test_vosk_cancel_then_next_utterance(vosk_ko: VoskRecognizer, say_ko: Speak) -> None:
    stream = vosk_ko.start()
    stream.feed(say_ko("너무 커"))
    stream.cancel()
    with pytest.raises(SpeechError):
        stream.finish()
    assert hear(vosk_ko, say_ko("지금 몇 시야")).text == "지금 몇 시야"


# --- the voicing gate both recognisers use ----------------------------------


def test_voicing_is_independent_of_chunking(say_en: Speak) -> None:
    speech = say_en("when did you last see a bicycle")
    whole, chunked = VoicingDetector(), VoicingDetector()
    whole.feed(speech)
    for i in range(0, len(speech), 1234):
        chunked.feed(speech[i : i + 1234])
    assert whole.heard_speech and chunked.heard_speech
    assert whole.voiced_seconds == chunked.voiced_seconds > 0.3
    hiss = VoicingDetector()
    hiss.feed(white_noise(seconds=5.0, rms=2000.0, seed=3))
    assert not hiss.heard_speech and hiss.voiced_seconds == 0.0
