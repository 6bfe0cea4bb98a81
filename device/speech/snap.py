"""Snapping a misheard transcript to the command phrase it sounds most like.

Whisper writes what it hears, and in street noise it hears commands *nearly*:
"star" for "stop", "소비 주묘" for "소리 줄여".  The skills' matcher compares
words, so a near miss in spelling is a miss.  This compares *sounds* instead,
as far as spelling shows them, over the recogniser's N best hypotheses, and
returns the nearest phrase and how far it is (0 same, 1 nothing shared):

* English: the letters alone (spaces and apostrophes dropped: "what's" and
  "what is" differ by one letter, "stop talking" and "start calling" by a few).
* Korean: each syllable's sounds, so "소비" against "소리" is one sound of
  four, not one syllable of two.  Spelling is written as it sounds
  (:func:`korean_sounds`): Whisper writes what it hears, "아페" for 앞에,
  "이써" for 있어, and a consonant that ends a syllable moves to the next
  one when that begins with a vowel; consonants that differ only in being
  aspirated or tense (ㄱ ㅋ ㄲ) are one sound, and a final consonant is the
  one it is said as (ㅅ ㅆ ㅈ ㅊ ㅌ ㅎ at the end all sound as ㄷ).  On the
  hearing set's Korean tuning questions this made 174 of 248 reach their
  skill against 160 for the plain letters (the jamo), and the same on the
  held-out ones.

The distance is Levenshtein's, normalised by the longer key, computed by
rapidfuzz (C++: the 5 x 327 English pairs take about a millisecond).  Where
the threshold lies is the recogniser's business (it was tuned on the hearing
set's questions that are not held out; see ``whisper_engine``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from device.language import Language

_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_NOT_LETTER = re.compile(r"[^a-z]")

# The parts of a Hangul syllable, in Unicode's order (U+AC00 + 588 i + 28 v + f).
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
#: A consonant that begins a syllable, as a sound: plain, aspirated and tense
#: are one; ㅇ there is silent.
_SOUND = {
    **dict.fromkeys("ㄱㄲㅋ", "k"),
    **dict.fromkeys("ㄷㄸㅌ", "t"),
    **dict.fromkeys("ㅂㅃㅍ", "p"),
    **dict.fromkeys("ㅅㅆ", "s"),
    **dict.fromkeys("ㅈㅉㅊ", "j"),
    **{"ㄴ": "n", "ㅁ": "m", "ㄹ": "l", "ㅎ": "h", "ㅇ": ""},
}
#: A consonant that ends a syllable before another consonant, or at the end.
_FINAL_SOUND = {
    **dict.fromkeys("ㄱㄲㅋㄳㄺ", "k"),
    **dict.fromkeys("ㄴㄵㄶ", "n"),
    **dict.fromkeys("ㄷㅅㅆㅈㅊㅌㅎ", "t"),
    **dict.fromkeys("ㄹㄼㄽㄾㅀ", "l"),
    **dict.fromkeys("ㅁㄻ", "m"),
    **dict.fromkeys("ㅂㅍㄿㅄ", "p"),
    "ㅇ": "G",  # ng
}
#: A double final before a vowel keeps its first part and sends on its second
#: (값이 is said 갑시, 앉아 안자); ㅎ moving on is silent (좋아: 조아).
_SPLITS = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅇ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ"}
_SPLITS |= {"ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅇ", "ㅄ": "ㅂㅅ", "ㅎ": "ㅇ"}


def korean_sounds(text: str) -> str:
    """The Hangul in ``text`` as the sounds it is said with (see the module doc)."""
    syllables = []
    for ch in _SYLLABLE.findall(text):
        n = ord(ch) - 0xAC00
        syllables.append((_INITIALS[n // 588], _VOWELS[n % 588 // 28], _FINALS[n % 28]))
    out = []
    for i, (initial, vowel, final) in enumerate(syllables):
        out += [_SOUND[initial], vowel]
        if not final:
            continue
        before_vowel = i + 1 < len(syllables) and syllables[i + 1][0] == "ㅇ"
        if before_vowel and final != "ㅇ":
            *stays, moves = _SPLITS.get(final, final)
            out += [_FINAL_SOUND[c] for c in stays] + [_SOUND[moves]]
        else:
            out.append(_FINAL_SOUND[final])
    return "".join(out)


def sound_key(text: str, language: Language) -> str:
    """What of ``text``'s spelling stands for its sound (see the module doc)."""
    if language == "ko":
        return korean_sounds(text)
    return _NOT_LETTER.sub("", text.lower())


@dataclass(frozen=True, slots=True)
class Snap:
    phrase: str
    distance: float


class PhraseSnapper:
    """The nearest of a fixed list of phrases to any of some hypotheses."""

    def __init__(self, phrases: Sequence[str], language: Language) -> None:
        self._language: Language = language
        self._phrases = [p for p in phrases if sound_key(p, language)]
        self._keys = [sound_key(p, language) for p in self._phrases]

    def nearest(self, hypotheses: Iterable[str]) -> Snap | None:
        """The closest phrase to the closest hypothesis; None without phrases or words."""
        few = self.nearest_few(hypotheses, 1)
        return few[0] if few else None

    def nearest_few(self, hypotheses: Iterable[str], limit: int) -> list[Snap]:
        """The ``limit`` phrases nearest to any of the hypotheses, nearest first."""
        found: dict[int, float] = {}
        for hypothesis in hypotheses:
            key = sound_key(hypothesis, self._language)
            if not key or not self._keys:
                continue
            for _, distance, index in process.extract(
                key, self._keys, scorer=Levenshtein.normalized_distance, limit=limit
            ):
                found[index] = min(float(distance), found.get(index, 1.0))
        ranked = sorted(found.items(), key=lambda item: item[1])[:limit]
        return [Snap(self._phrases[index], distance) for index, distance in ranked]
