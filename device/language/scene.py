"""The scene in words: a vision report in, a short spoken answer out.

"Three people ahead, one close on your left. A dog on your right. A sign says
"EXIT"."  What is said, and in what order, is the same in every language;
only the words differ (each :class:`~device.language.tongue.Tongue`):

* the groups of :func:`device.vision.grouping.group`, most important first,
  one sentence each (how many, where, how near);
* text as read, quoted, second: after people, before the rest, since a sign
  is usually why someone asks;
* the mood most faces show, if not neutral, also second;
* **length**: whole sentences are added in order until the next one would
  pass ``max_words``; "tell me more" gets every sentence, then the light and
  the colours;
* with nothing found, the light and the colours are the answer (after saying
  the frame is blurred, if it is); too dark to see, just that.

Pure functions: the tests feed hand-made reports in every language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from device.language import Language
from device.language.tongue import Tongue
from device.language.tongues import tongue
from device.vision.grouping import group
from device.vision.light import SceneLight
from device.vision.pipeline import SceneReport
from device.vision.types import Detection, Face, TextLine

DEFAULT_MAX_WORDS: Final = 25
#: At most this many colours are spoken; more is a list, not an answer.
SPOKEN_COLOURS: Final = 2
#: A colour must cover this much of the view to be worth saying.
MIN_SPOKEN_SHARE: Final = 0.15


@dataclass(frozen=True)
class Description:
    """What is said about a scene, short and in full."""

    text: str
    """The short answer, at most ``max_words`` words (unless one sentence is longer)."""
    detail: str
    """Every sentence, for "tell me more"."""
    sentences: tuple[str, ...] = ()
    """The sentences of ``detail``, in order."""


def describe(
    report: SceneReport, language: Language, *, max_words: int = DEFAULT_MAX_WORDS
) -> Description:
    """What ``report`` shows, in ``language``: the short answer and the detail."""
    t = tongue(language)
    if report.too_dark:
        return _whole((t.messages.too_dark,))
    light = _light_sentences(report.light, t)
    found = compose(
        detections=report.objects,
        faces=report.faces,
        texts=report.texts,
        language=language,
        max_words=max_words,
    )
    if not found.sentences:
        # A blur score alone cannot tell a shaken camera from a plain wall,
        # so it only explains an empty result, before what can still be told.
        return _whole(((t.messages.blurred,) if report.blurred else ()) + light)
    sentences = found.sentences + light
    if report.faces_failed:  # short, once; the detail is in the log
        said = f"{found.text} {t.messages.no_faces}"
        return Description(said, " ".join((*sentences, t.messages.no_faces)), sentences)
    return Description(found.text, " ".join(sentences), sentences)


def light_and_colours(light: SceneLight, language: Language) -> str:
    """How light it is and the main colours (or that it is too dark to see)."""
    t = tongue(language)
    if light.light.too_dark:
        return t.messages.too_dark
    return " ".join(_light_sentences(light, t))


def compose(
    *,
    detections: Sequence[Detection],
    faces: Sequence[Face] = (),
    texts: Sequence[TextLine] = (),
    language: Language,
    max_words: int = DEFAULT_MAX_WORDS,
) -> Description:
    """The sentences about what was found, most important first; empty if nothing."""
    t = tongue(language)
    sentences = [t.group(g) for g in group(detections)]
    lines = [line.text for line in texts]
    sign = t.messages.sign.format(signs=t.quotes(lines)) if lines else ""
    if sign:
        sentences.insert(min(1, len(sentences)), sign)
    mood = _mood_sentence(faces, t)
    if mood:
        sentences.insert(min(1, len(sentences)), mood)
    short: list[str] = []
    words = 0
    for s in sentences:
        if s == sign:
            # A page of text would make the short answer a reading: it
            # quotes what fits, and says there is more ("read that" has all).
            s = _sign_within(lines, t, max_words - words)
        n = len(s.split())
        if short and words + n > max_words:
            break
        short.append(s)
        words += n
    return Description(" ".join(short), " ".join(sentences), tuple(sentences))


def _sign_within(lines: list[str], t: Tongue, budget: int) -> str:
    """The sign sentence with as many of ``lines`` as fit in ``budget`` words,
    saying there is more when some are left out; the shortest form if none fits."""
    whole = t.messages.sign.format(signs=t.quotes(lines))
    if len(whole.split()) <= budget:
        return whole
    for k in range(len(lines) - 1, 0, -1):
        fits = t.messages.sign_more.format(signs=t.quotes(lines[:k]))
        if len(fits.split()) <= budget:
            return fits
    first = lines[0].split()
    overhead = len(t.messages.sign_more.format(signs=t.quotes([""])).split())
    keep = max(1, min(len(first), budget - overhead))
    cut = " ".join(first[:keep]) + ("…" if keep < len(first) else "")
    return t.messages.sign_more.format(signs=t.quotes([cut]))


def _whole(sentences: tuple[str, ...]) -> Description:
    said = " ".join(sentences)
    return Description(said, said, sentences)


def _light_sentences(light: SceneLight, t: Tongue) -> tuple[str, ...]:
    level = t.light[light.light.word]
    names = [c.name for c in light.dominant(limit=SPOKEN_COLOURS, min_share=MIN_SPOKEN_SHARE)]
    if not names:
        return (level, t.messages.mixed_colours)
    colours = t.listing([t.colours[n] for n in names])
    return (level, t.messages.main_colours.format(colours=colours))


def _mood_sentence(faces: Sequence[Face], t: Tongue) -> str:
    moods = Counter(f.emotion for f in faces if f.emotion and f.emotion in t.moods)
    if not moods:
        return ""
    # most_common keeps first-seen order among ties, so a tie is said the same
    # way every time.
    mood = t.moods[moods.most_common(1)[0][0]]
    template = t.messages.mood_one if len(faces) == 1 else t.messages.mood_many
    return template.format(mood=mood)
