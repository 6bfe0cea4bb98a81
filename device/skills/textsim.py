"""Text similarity for intent matching: normalising, features, weights.

The pieces :mod:`device.skills.matcher` scores with, kept apart so each can be
read (and tested) on its own.  Nothing here knows about skills.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from device.language import Language

#: How alike (0..1) a misheard word must be to a reference word to earn credit.
_SOFT_WORD_MIN: Final = 0.55
#: The similarity of two English words that differ in spelling but share a
#: sound key (see :func:`sound_key`).
_SOUNDS_ALIKE: Final = 0.7

#: The least a non-stop feature weighs, even one found in most intents.
_IDF_FLOOR: Final = 0.05
#: The weight of a stop word (:data:`STOP_WORDS`): enough to break ties only.
_STOP_WEIGHT: Final = 0.01
#: How much more than a single-intent feature an unseen feature weighs.  Of
#: 1, 2, 3 and 4, 3 gave the widest gap between requests and unrelated
#: sentences on the calibration table (0.04, 0.13, 0.155, 0.135) with seven
#: skills.  With the nineteen of the scene and memory questions, of 1.5, 2,
#: 2.5, 3, 3.5, 4, 5, 6 and 8, 4 gave the widest (0.064; 3 gave 0.038).
_UNSEEN_FACTOR: Final = 4.0

#: English contractions are expanded before matching, so "what's the time" and
#: "what is the time" are the same request whichever the recogniser produced.
_CONTRACTIONS: Final[Mapping[str, str]] = {
    "what's": "what is",
    "what're": "what are",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "where's": "where is",
    "how's": "how is",
    "i'm": "i am",
    "i've": "i have",
    "you're": "you are",
    "can't": "can not",
    "cannot": "can not",
    "don't": "do not",
    "didn't": "did not",
    "doesn't": "does not",
    "isn't": "is not",
    "won't": "will not",
    "let's": "let us",
}

#: Words that carry no request on their own (see :class:`Weights`).  Korean
#: particles are part of words and handled by the character n-grams, so its
#: list holds only free-standing softeners and request endings.
STOP_WORDS: Final[Mapping[Language, frozenset[str]]] = {
    "en": frozenset(
        {
            *("a", "an", "the", "is", "are", "am", "was", "it", "its", "this", "that"),
            # Not "who": it is what "who is there" asks (the who skill).
            *("what", "how", "do", "does", "did", "can", "could", "would", "will"),
            *("you", "your", "me", "my", "i", "to", "of", "in", "on", "at", "for", "with"),
            *("and", "or", "be", "please", "just", "now", "right", "so", "some", "any"),
            *("ok", "okay", "hey", "oh", "well"),
        }
    ),
    "ko": frozenset({"좀", "줘", "주세요", "해", "해요", "요", "이제"}),
}

# Anything that is not a letter, digit, apostrophe or whitespace is noise here.
_PUNCTUATION = re.compile(r"[^\w\s']+")

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def normalise(text: str, language: Language) -> str:
    """Lower-case words separated by single spaces, punctuation removed.

    English contractions are expanded (see :data:`_CONTRACTIONS`).
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _PUNCTUATION.sub(" ", text)
    words: list[str] = []
    for word in text.split():
        word = word.strip("'")
        if not word:
            continue
        if language == "en":
            words.extend(_CONTRACTIONS.get(word, word).split())
        else:
            words.append(word)
    return " ".join(words)


def _phonetic_jamo_table() -> dict[str, str]:
    """Jamo -> the initial-consonant jamo that sounds (nearly) the same.

    Final consonants become the matching initial ones, and tense and aspirated
    consonants fold into the plain ones: they are what a recogniser confuses
    most ("씨" for "시"), and no two of our phrases differ only there.
    """
    folds = {"ᄁᄏ": "ᄀ", "ᄄᄐ": "ᄃ", "ᄈᄑ": "ᄇ", "ᄊ": "ᄉ", "ᄍᄎ": "ᄌ"}
    table: dict[str, str] = {}
    for variants, plain in folds.items():
        table.update(dict.fromkeys(variants, plain))
    for code in range(0x11A8, 0x11C3):  # the 27 modern final consonants
        tail = chr(code)
        name = unicodedata.name(tail).replace("JONGSEONG", "CHOSEONG")
        try:
            lead = unicodedata.lookup(name)
        except KeyError:
            continue
        if not "\u1100" <= lead <= "\u1112":  # clusters (ㄺ): no modern initial form
            continue
        table[tail] = table.get(lead, lead)
    # Initial ㅇ is silent and dropped by jamo(); final ㅇ is "ng" and must stay.
    table["\u11bc"] = "ŋ"
    return table


_PHONETIC_JAMO: Final = _phonetic_jamo_table()
_SILENT_LEAD: Final = "\u110b"  # initial ㅇ


def jamo(text: str) -> str:
    """Hangul as a rough phoneme string: its jamo, spelled the way they sound.

    Syllables are split into jamo (NFD); the silent initial ㅇ is dropped and a
    final consonant is written as the matching initial one.  Korean carries a
    final consonant over into a following vowel ("앞에" is said "아페"), so a
    recogniser's misspelling often differs from our phrase only in where the
    consonant sits; in this form "앞에" and "아페" are the same string.
    """
    out: list[str] = []
    for ch in text:
        if _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST:
            for part in unicodedata.normalize("NFD", ch):
                if part != _SILENT_LEAD:
                    out.append(_PHONETIC_JAMO.get(part, part))
        else:
            out.append(ch)
    return "".join(out)


_SOUND_GROUPS: Final = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@functools.lru_cache(maxsize=4096)
def sound_key(word: str) -> str:
    """The Soundex code of an English word, not cut to four characters.

    The first letter is kept; the rest become consonant classes, vowels ignored.
    A recogniser's errors are errors of sound, so "lauder" and "louder", or
    "quitter" and "quieter", share a key although their spellings differ.
    """
    key = [word[:1]]
    previous = _SOUND_GROUPS.get(word[:1], "")
    for letter in word[1:]:
        code = _SOUND_GROUPS.get(letter, "")
        if code and code != previous:
            key.append(code)
        if letter not in "hw":  # Soundex: h and w do not separate equal codes
            previous = code
    return "".join(key)


def _ngrams(text: str, n: int) -> list[str]:
    if len(text) < n:
        return [text] if text else []
    return [text[i : i + n] for i in range(len(text) - n + 1)]


@dataclass(frozen=True, slots=True)
class Features:
    """What a text is compared by."""

    words: Counter[str]
    """Whole words, with counts."""
    chars: Counter[str]
    """Character n-grams (see :func:`features`), with counts."""


def features(normalised: str, language: Language, *, slot_word: str = "") -> Features:
    """Word and character features of a text already passed through :func:`normalise`.

    ``slot_word`` stands for any thing's name ("is there a thing"): it is a
    word feature only.  Its letters say nothing, and as n-grams they would
    make "what thing is it" (from "what tie is it") look like "where is the thing".
    """
    words = Counter(normalised.split())
    spelled = [w for w in normalised.split() if w != slot_word] if slot_word else normalised.split()
    if language == "ko":
        packed = "".join(spelled)
        # Boundary markers let a one-syllable command ("크게") still have bigrams.
        chars = Counter(_ngrams(f"^{packed}$", 2))
        chars.update("j" + g for g in _ngrams(jamo(packed), 3))
    else:
        # Trigrams of each content word, not of the whole text: trigrams of
        # "is it" or across word gaps would make every question alike.
        chars = Counter(
            g for w in spelled if w not in STOP_WORDS["en"] for g in _ngrams(f" {w} ", 3)
        )
    return Features(words=words, chars=chars)


def _idf(df: int, count: int) -> float:
    return max(_IDF_FLOOR, math.log((count - df + 0.5) / (df + 0.5)))


class Weights:
    """Inverse document frequency of features over intents, for one language."""

    def __init__(
        self, per_intent: Sequence[set[str]], *, stop: frozenset[str] = frozenset()
    ) -> None:
        count = len(per_intent)
        df: Counter[str] = Counter()
        for intent_features in per_intent:
            df.update(intent_features)
        self._weights = {f: _idf(d, count) for f, d in df.items()}
        # A handful of intents is too few to learn that "are" or "my" mean
        # nothing: a function word found in one intent would look as telling
        # as "louder".  Stop words weigh next to nothing: "what do you see" is
        # "see", and they only break ties between phrases with the same content.
        self._weights.update(dict.fromkeys(stop, _STOP_WEIGHT))
        self.stop = stop
        # A feature no reference has: as specific as one seen in a single intent.
        self._unseen = _UNSEEN_FACTOR * _idf(1, count)

    def __call__(self, feature: str) -> float:
        return self._weights.get(feature, self._unseen)

    def known(self, feature: str) -> bool:
        """Whether some intent's reference has ``feature``."""
        return feature in self._weights


@functools.lru_cache(maxsize=4096)
def word_similarity(a: str, b: str, language: Language) -> float:
    """How alike two words are, 0..1, as a recogniser would confuse them.

    The best of three views (Korean words are compared as phonetic jamo):

    - spelling: Dice of padded letter trigrams;
    - one slip: words of four or more letters one edit apart score
      ``1 - 1/length`` ("tie"/"time" 0.75).  Shorter words one edit apart
      are too often different words ("day"/"say");
    - sound (English): the same Soundex key scores :data:`_SOUNDS_ALIKE`, if
      the key has a consonant after the first letter or the words are one edit
      apart ("lauder"/"louder", "sea"/"see", but not "say"/"see").
    """
    if a == b:
        return 1.0
    if language == "ko":
        a, b = jamo(a), jamo(b)
    grams_a, grams_b = set(_ngrams(f" {a} ", 3)), set(_ngrams(f" {b} ", 3))
    similarity = 2.0 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))
    longer = max(len(a), len(b))
    one_slip = edit_distance(a, b) == 1
    if one_slip and longer >= 4:
        similarity = max(similarity, 1.0 - 1.0 / longer)
    if language == "en" and min(len(a), len(b)) >= 3:
        key = sound_key(a)
        if key == sound_key(b) and (len(key) >= 2 or one_slip):
            similarity = max(similarity, _SOUNDS_ALIKE)
    return similarity


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def soft_dice(a: Counter[str], b: Counter[str], weight: Weights, language: Language) -> float:
    """Weighted Dice of word multisets where a misheard word earns partial credit.

    A word of ``a`` missing from ``b``, and from every other reference too,
    stands in for its best look-alike in ``b`` if they are at least
    :data:`_SOFT_WORD_MIN` alike: it then weighs
    what the look-alike weighs and is credited with that times the similarity,
    so "lauder" counts as 0.7 of "louder".  A word with no look-alike keeps its
    own (unseen, so high) weight and counts against the match.
    """
    total = sum(weight(f) * n for f, n in b.items())
    shared = 0.0
    for word, n in a.items():
        if word in b:
            total += weight(word) * n
            shared += weight(word) * min(n, b[word])
            continue
        if word in weight.stop:  # a stop word must not stand in for a real one
            continue
        if weight.known(word):
            # A word some request uses was heard as itself: "where" is not a
            # misheard "there".  Only words no request has may be look-alikes.
            total += weight(word) * n
            continue
        similarity, stand_in = max(
            ((word_similarity(word, other, language), other) for other in b),
            default=(0.0, word),
        )
        if similarity >= _SOFT_WORD_MIN:
            total += weight(stand_in) * n
            shared += weight(stand_in) * similarity * min(n, b[stand_in])
        else:
            total += weight(word) * n
    if total <= 0.0:
        return 0.0
    return min(1.0, 2.0 * shared / total)


def dice(a: Counter[str], b: Counter[str], weight: Weights) -> float:
    """Weighted Dice overlap of two feature multisets, 0..1."""
    total = sum(weight(f) * n for f, n in a.items()) + sum(weight(f) * n for f, n in b.items())
    if total <= 0.0:
        return 0.0
    shared = sum(weight(f) * min(n, b[f]) for f, n in a.items() if f in b)
    return 2.0 * shared / total


def keyword_key(keyword: str, language: Language) -> str:
    """How a keyword is looked for in :func:`keyword_haystack`'s output."""
    normalised = normalise(keyword, language)
    if not normalised:
        raise ValueError(f"empty keyword {keyword!r}")
    # English: whole words only, hence the padding spaces.  Korean: anywhere
    # in the text with spaces removed, because particles attach to words.
    return normalised.replace(" ", "") if language == "ko" else f" {normalised} "


def keyword_haystack(normalised: str, language: Language) -> str:
    """The text keywords are searched in (see :func:`keyword_key`)."""
    return normalised.replace(" ", "") if language == "ko" else f" {normalised} "
