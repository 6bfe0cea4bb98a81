"""Snapping a misheard transcript to the command phrase it sounds most like.

Whisper writes what it hears, and in street noise it hears commands *nearly*:
"star" for "stop", "소비 주묘" for "소리 줄여".  The skills' matcher compares
words, so a near miss in spelling is a miss.  This compares *sounds* instead,
as far as spelling shows them, over the recogniser's N best hypotheses, and
returns the nearest phrase and how far it is (0 same, 1 nothing shared):

* English: the letters alone (spaces and apostrophes dropped: "what's" and
  "what is" differ by one letter, "stop talking" and "start calling" by a few).
* Korean: the jamo, the letters inside each Hangul syllable (Unicode NFD), so
  "소비" against "소리" is one letter of six, not one syllable of two.

The distance is Levenshtein's, normalised by the longer key, computed by
rapidfuzz (C++: the 5 x 327 English pairs take about a millisecond).  Where
the threshold lies is the recogniser's business (it was tuned on the hearing
set's questions that are not held out; see ``whisper_engine``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from device.language import Language

_HANGUL = re.compile(r"[^\uac00-\ud7a3]")
_NOT_LETTER = re.compile(r"[^a-z]")


def sound_key(text: str, language: Language) -> str:
    """What of ``text``'s spelling stands for its sound (see the module doc)."""
    if language == "ko":
        return unicodedata.normalize("NFD", _HANGUL.sub("", text))
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
        best: Snap | None = None
        for hypothesis in hypotheses:
            key = sound_key(hypothesis, self._language)
            if not key or not self._keys:
                continue
            _, distance, index = process.extractOne(
                key, self._keys, scorer=Levenshtein.normalized_distance
            )
            if best is None or distance < best.distance:
                best = Snap(self._phrases[index], float(distance))
        return best

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
