"""The noisy hearing set: questions, voices, street noise, mixed at a chosen SNR.

Everything is made here, reproducibly (fixed texts, fixed seeds, the
device's own synthesisers), so the set needs no downloaded corpus and no
committed audio: ``utterances(language)`` gives the same samples on every
machine with the same packages.

* **Questions**: at least 40 English and 25 Korean, covering every intent the
  device answers, phrased as people ask (many are not the grammar's exact
  phrases) plus free-form sentences that must *not* trigger a command
  (expected intent ``fallback``).  Every fourth question is **held out**: it
  is reported separately and is not to be used when tuning thresholds, so a
  tuned figure can be checked against questions the tuning never saw.
* **Voices**: English: Piper (the device's own voice, deterministic), and
  espeak-ng's American and British voices (one slower, one with a female
  variant).  Korean: espeak-ng's Korean voice, plain and as a slower female
  variant.  No registry ships a second Korean voice, so the two Korean
  "voices" are one synthesiser: the Korean figures say more about robustness
  to noise than about real speakers.
* **Noise**: "street with people": babble (six talkers saying other
  sentences, in both languages, at random offsets) plus traffic (brown noise
  with a slow random swell, like passing cars) in equal power.  It fills the
  whole hold, before and after the words, as it would in the street.
* **SNR** is speech power over noise power, the speech measured over its
  active frames only (its leading and trailing silence would flatter it).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from device.language import Language
from device.speech.base import Synthesizer
from hardware.pcm import resample
from hardware.ports import MIC_RATE, Pcm

CLEAN = None
#: The noise levels every figure is given at (dB SNR); ``None`` is clean.
LEVELS: tuple[float | None, ...] = (CLEAN, 20.0, 10.0, 5.0)
#: Silence held before and after the words (the button is pressed a beat early).
PAD_S = 0.3


@dataclass(frozen=True)
class Question:
    text: str
    intent: str
    """The skill that should answer; ``fallback`` for sentences that are no command."""
    held_out: bool = False
    """Not to be tuned on (every fourth question)."""


def _questions(rows: list[tuple[str, str]]) -> tuple[Question, ...]:
    return tuple(
        Question(text, intent, held_out=i % 4 == 3) for i, (text, intent) in enumerate(rows)
    )


ENGLISH = _questions(
    [
        ("What time is it?", "time"),
        ("Can you tell me the time?", "time"),
        ("What's the time now?", "time"),
        ("Do you know what time it is?", "time"),
        ("What do you see?", "see"),
        ("What's in front of me?", "see"),
        ("Describe what you see.", "see"),
        ("What am I looking at?", "see"),
        ("Look around.", "see"),
        ("What can you see right now?", "see"),
        ("Tell me more.", "more"),
        ("What else do you see?", "more"),
        ("Anything else?", "more"),
        ("Read that.", "read"),
        ("What does the sign say?", "read"),
        ("Read the sign for me.", "read"),
        ("How many people are there?", "count"),
        ("How many cars can you see?", "count"),
        ("Count the people.", "count"),
        ("Say that again.", "repeat"),
        ("Can you repeat that?", "repeat"),
        ("What did you say?", "repeat"),
        ("Speak louder.", "louder"),
        ("Turn the volume up.", "louder"),
        ("I can't hear you.", "louder"),
        ("Speak quieter.", "quieter"),
        ("Turn it down.", "quieter"),
        ("That's too loud.", "quieter"),
        ("Stop talking.", "stop"),
        ("Be quiet.", "stop"),
        ("Never mind.", "stop"),
        ("What can you do?", "help"),
        ("Help me.", "help"),
        ("How does this work?", "help"),
        ("The weather is lovely in Paris today.", "fallback"),
        ("I need to buy some bread and milk.", "fallback"),
        ("My sister is coming to visit next week.", "fallback"),
        ("Let's meet at the station after lunch.", "fallback"),
        ("This coffee is much too sweet.", "fallback"),
        ("We should leave before the rain starts.", "fallback"),
        ("What time does the train leave?", "time"),
        ("Is there anything in front of me?", "see"),
        # Added with the scene questions (issue 9), after the tuning of issue 8.
        ("Is there a dog?", "find"),
        ("Where is the car?", "find"),
        ("Is the way ahead clear?", "clear"),
        ("Is anything in my way?", "clear"),
        ("What colour is the car?", "colour"),
        ("What is on my left?", "side"),
        ("How far is it?", "far"),
        ("Who is there?", "who"),
        ("When did you last see a bicycle?", "memory"),
        ("Have you seen my keys?", "memory"),
        ("What did I see this morning?", "memory"),
        ("Forget everything.", "forget"),
        ("Anything on my right?", "side"),
    ]
)

KOREAN = _questions(
    [
        ("지금 몇 시야?", "time"),
        ("몇 시예요?", "time"),
        ("시간 알려 줘.", "time"),
        ("지금 시간 알려 주세요.", "time"),
        ("뭐가 보여?", "see"),
        ("앞에 뭐가 있어?", "see"),
        ("주변 설명해 줘.", "see"),
        ("보이는 거 설명해 줘.", "see"),
        ("더 자세히 말해 줘.", "more"),
        ("이거 읽어 줘.", "read"),
        ("뭐라고 쓰여 있어?", "read"),
        ("몇 명 있어?", "count"),
        ("사람 몇 명 있어?", "count"),
        ("다시 말해 줘.", "repeat"),
        ("뭐라고 했어?", "repeat"),
        ("더 크게 말해 줘.", "louder"),
        ("소리 좀 키워.", "louder"),
        ("작게 말해 줘.", "quieter"),
        ("소리 줄여.", "quieter"),
        ("그만해.", "stop"),
        ("조용히 해.", "stop"),
        ("뭘 할 수 있어?", "help"),
        ("사용법 알려 줘.", "help"),
        ("오늘 파리 날씨가 정말 좋네요.", "fallback"),
        ("내일 아침에 빵을 사러 갈 거예요.", "fallback"),
        ("동생이 다음 주에 놀러 와요.", "fallback"),
        ("점심 먹고 역에서 만나요.", "fallback"),
        ("비가 오기 전에 출발하자.", "fallback"),
        # Added with the scene questions (issue 9), after the tuning of issue 8.
        ("개 있어?", "find"),
        ("자동차 어디 있어?", "find"),
        ("지나갈 수 있어?", "clear"),
        ("앞에 길 막혀 있어?", "clear"),
        ("자동차 무슨 색이야?", "colour"),
        ("왼쪽에 뭐 있어?", "side"),
        ("얼마나 멀어?", "far"),
        ("누가 있어?", "who"),
        ("자전거 언제 봤어?", "memory"),
        ("고양이 본 적 있어?", "memory"),
        ("앞에 누가 있어?", "who"),
        ("다 잊어 줘.", "forget"),
        ("본 거 다 잊어 줘.", "forget"),
    ]
)

QUESTIONS: dict[Language, tuple[Question, ...]] = {"en": ENGLISH, "ko": KOREAN}

#: (name, espeak-ng voice or "piper", words per minute or None for the default).
VOICES: dict[Language, tuple[tuple[str, str, int | None], ...]] = {
    "en": (
        ("piper", "piper", None),
        ("espeak-us-f", "en-us+f3", None),
        ("espeak-gb", "en-gb", 150),
    ),
    "ko": (("espeak-ko", "ko", None), ("espeak-ko-f-slow", "ko+f3", 140)),
}

#: What the babble talkers say: none of it is a command.
_BABBLE = (
    "the market opens early on saturdays and closes at noon",
    "she said the new bridge will be finished next spring",
    "we walked along the river until the lights came on",
    "the band played three songs and then it started to rain",
    "오늘은 사람이 정말 많네요",
    "저기 새로 생긴 가게에 가 봤어요",
)


@functools.cache
def voice(name: str) -> Synthesizer:
    """One synthesiser per voice name, kept for the whole run."""
    for voices in VOICES.values():
        for vname, spec, wpm in voices:
            if vname == name:
                if spec == "piper":
                    from device.speech.piper_engine import PiperSynthesizer

                    return PiperSynthesizer(deterministic=True)
                from device.speech.espeak_engine import EspeakSynthesizer

                lang: Language = "ko" if spec.startswith("ko") else "en"
                return EspeakSynthesizer(voice=spec, language=lang, words_per_minute=wpm)
    raise KeyError(f"no voice {name!r}")


def speak(voice_name: str, text: str) -> Pcm:
    """``text`` in ``voice_name``, at the microphone's rate, without padding."""
    synth = voice(voice_name)
    parts = [resample(p, synth.sample_rate, MIC_RATE) for p in synth.sentences(text)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int16)


def _rng(*key: object) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _unit_rms(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return x / max(float(np.sqrt(np.mean(x**2))), 1e-9)


@functools.cache
def street_noise(seconds: float = 30.0) -> npt.NDArray[np.float64]:
    """The noise bed, unit RMS: babble and traffic in equal power (see module doc)."""
    n = int(seconds * MIC_RATE)
    rng = _rng("street", seconds)
    babble = np.zeros(n)
    talkers = [("espeak-us-f", t) for t in _BABBLE[:4]] + [("espeak-ko", t) for t in _BABBLE[4:]]
    for k, (name, text) in enumerate(talkers):
        talk = speak(name, text).astype(np.float64)
        gap = np.zeros(int(rng.uniform(0.1, 0.8) * MIC_RATE))
        loop = np.tile(np.concatenate([talk, gap]), n // (len(talk) + len(gap)) + 2)
        start = int(rng.integers(0, len(loop) - n))
        babble += _unit_rms(loop[start : start + n]) * rng.uniform(0.6, 1.0) * (0.9**k)
    brown = np.cumsum(rng.normal(size=n))
    brown -= np.convolve(brown, np.ones(MIC_RATE // 20) / (MIC_RATE // 20), "same")  # no DC drift
    swell = np.interp(np.arange(n), np.linspace(0, n, 12), rng.uniform(0.3, 1.0, 12))
    traffic = _unit_rms(brown) * swell
    return _unit_rms(_unit_rms(babble) + _unit_rms(traffic))


def active_rms(pcm: Pcm) -> float:
    """RMS over the frames holding speech (within 30 dB of the loudest 20 ms)."""
    frame = MIC_RATE // 50
    n = len(pcm) // frame
    if n == 0:
        return 0.0
    power = np.mean(pcm[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1)
    active = power[power >= power.max() / 1000]
    return float(np.sqrt(np.mean(active)))


def mix(speech: Pcm, snr_db: float | None, *, key: object) -> Pcm:
    """``speech`` with :data:`PAD_S` either side, and noise at ``snr_db`` over all of it."""
    pad = np.zeros(int(PAD_S * MIC_RATE))
    clean = np.concatenate([pad, speech.astype(np.float64), pad])
    if snr_db is None:
        return np.rint(clean).astype(np.int16)
    bed = street_noise()
    start = int(_rng("offset", key).integers(0, len(bed) - len(clean)))
    # Scaled over this very stretch, so every utterance gets exactly its SNR
    # (the bed's loudness swells, like passing traffic, from one stretch to the next).
    stretch = _unit_rms(bed[start : start + len(clean)])
    noise = stretch * active_rms(speech) / 10 ** (snr_db / 20)
    mixed = clean + noise
    peak = float(np.max(np.abs(mixed)))
    if peak > 32000:  # keep the ratio; never clip
        mixed *= 32000 / peak
    return np.rint(mixed).astype(np.int16)


@dataclass(frozen=True)
class Utterance:
    question: Question
    voice: str
    level: float | None
    audio: Pcm


def utterances(
    language: Language, levels: tuple[float | None, ...] = LEVELS
) -> Iterator[Utterance]:
    """Every question in every voice at every level, one level at a time.

    Level by level, because a recogniser may carry something from one
    utterance to the next (PocketSphinx keeps the cepstral mean of the last
    one that held speech): a clean question right after a 5 dB one is not how
    a wearer meets noise, who is in the street, or not, for a while.
    """
    speech = {
        (vname, q.text): speak(vname, q.text)
        for vname, _, _ in VOICES[language]
        for q in QUESTIONS[language]
    }
    for level in levels:
        for vname, _, _ in VOICES[language]:
            for q in QUESTIONS[language]:
                pcm = speech[(vname, q.text)]
                yield Utterance(q, vname, level, mix(pcm, level, key=(vname, q.text, level)))
