"""The scene composer: detections in, a short natural sentence out.

"Three people ahead, one close on your left. A dog on your right. A sign says
"EXIT"."  Rules, in order of what a person walking wants to know first:

* **Importance**: people, then vehicles and road things (hazards), then
  animals, then furniture and large objects, then small things (cups, phones).
* **Counts**: grouped by class, in words up to twenty.
* **Where**: the box centre's horizontal third: on your left / ahead / on your
  right (the camera looks where the wearer's chest faces).
* **Nearness**: box height as a share of the frame: over ``NEAR_HEIGHT`` is
  close, under ``FAR_HEIGHT`` is far away.  Crude, but it needs no depth model
  and is right for people and cars, the things whose distance matters.
* **Text** is quoted as read.
* **Length**: whole sentences are added in importance order until the next
  one would pass ``max_words``; "tell me more" uses the full detail.

Pure functions: the tests feed hand-made detections in both languages.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from device.vision.types import Box, Detection, Face, TextLine
from device.vision.words import (
    ANIMALS,
    KOREAN,
    VEHICLES,
    Language,
    count_en,
    counter_ko,
    has_batchim,
    number_ko,
    subject_ko,
    topic_ko,
)

NEAR_HEIGHT = 0.55
FAR_HEIGHT = 0.12
DEFAULT_MAX_WORDS = 25

_HAZARDS = frozenset({"traffic light", "stop sign", "fire hydrant", "parking meter", "bench"})
_LARGE = frozenset(
    {
        "chair",
        "couch",
        "bed",
        "dining table",
        "toilet",
        "tv",
        "refrigerator",
        "potted plant",
        "umbrella",
        "suitcase",
        "sink",
        "oven",
    }
)


def importance(label: str) -> int:
    """Lower is said first."""
    if label == "person":
        return 0
    if label in VEHICLES or label in _HAZARDS:
        return 1
    if label in ANIMALS:
        return 2
    if label in _LARGE:
        return 3
    return 4


Side = str  # "left" | "ahead" | "right"


def side_of(box: tuple[float, float, float, float]) -> Side:
    cx = (box[0] + box[2]) / 2
    if cx < 1 / 3:
        return "left"
    if cx > 2 / 3:
        return "right"
    return "ahead"


def nearness(box: tuple[float, float, float, float]) -> str:
    h = box[3] - box[1]
    if h >= NEAR_HEIGHT:
        return "close"
    if h <= FAR_HEIGHT:
        return "far"
    return ""


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple[Detection, ...]
    alternatives: tuple[str, ...] = ()
    """Other names the detector gave this one object (then ``items`` has one)."""

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def side(self) -> Side | None:
        """The shared side of every item, or None if they are spread out."""
        sides = {side_of(d.box) for d in self.items}
        return sides.pop() if len(sides) == 1 else None

    @property
    def nearest(self) -> Detection:
        return max(self.items, key=lambda d: d.box[3] - d.box[1])


#: Two boxes of different classes overlapping this much are one object the
#: detector could not name for sure (measured: CenterNet gives the dog photo's
#: truck an identical "car" box, and person.jpg's horse "sheep" and "cow").
SAME_OBJECT_IOU = 0.7
PART_INSIDE = 0.8
PART_SCORE_RATIO = 0.6


def _iou(a: Box, b: Box) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _confusable(a: str, b: str) -> bool:
    """Different names the detector mixes up for one object: within animals or
    within vehicles.  A cup and a person in the same place are two things."""
    return a != b and ({a, b} <= ANIMALS or {a, b} <= VEHICLES)


def _part_of(small: Detection, big: Detection) -> bool:
    """A weak box of the same class lying inside a strong one is a part of it.

    Per-class NMS keeps it (its IoU with the whole is small): on the dog photo
    the bicycle's front wheel came back as a second "bicycle" at 0.30 inside
    the 0.54 one.  Two real objects, one behind the other, score alike, so
    the score ratio keeps them apart.
    """
    a, b = small.box, big.box
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1])
    inside = w * h / area if area > 0 else 0.0
    return inside >= PART_INSIDE and small.score < PART_SCORE_RATIO * big.score


def merge_same_object(detections: Sequence[Detection]) -> list[tuple[Detection, tuple[str, ...]]]:
    """Each object once, with the other labels the detector gave the same box.

    Best score first; a lower-scored box of another class that covers the same
    object becomes an alternative name instead of a second object.
    """
    things: list[tuple[Detection, list[str]]] = []
    for d in sorted(detections, key=lambda d: -d.score):
        for best, alternatives in things:
            if _confusable(best.label, d.label) and _iou(best.box, d.box) >= SAME_OBJECT_IOU:
                if d.label not in alternatives:
                    alternatives.append(d.label)
                break
            if best.label == d.label and _part_of(d, best):
                break
        else:
            things.append((d, []))
    return [(best, tuple(alts)) for best, alts in things]


def _rank(label: str, nearest: Detection) -> tuple[int, float]:
    # Something close matters as much as the class above it: a dog at your
    # knee before a car across the street.
    h = nearest.box[3] - nearest.box[1]
    return (importance(label) - (1 if nearness(nearest.box) == "close" else 0), -h)


def group(detections: Sequence[Detection]) -> list[Group]:
    by_label: dict[str, list[Detection]] = defaultdict(list)
    unsure: list[Group] = []
    for best, alternatives in merge_same_object(detections):
        if alternatives:
            unsure.append(Group(best.label, (best,), alternatives))
        else:
            by_label[best.label].append(best)
    groups = [Group(label, tuple(items)) for label, items in by_label.items()] + unsure
    # Important (or close) first; among equals, more of them first, then the biggest.
    return sorted(
        groups, key=lambda g: (_rank(g.label, g.nearest)[0], -g.count, _rank(g.label, g.nearest)[1])
    )


# --------------------------------------------------------------------------- English

_EN_SIDE = {"left": "on your left", "ahead": "ahead", "right": "on your right"}
_EN_NUMBERS_SHORT = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _by_side(g: Group) -> list[tuple[Side, int]]:
    """How many of the group stand on each side, left to right."""
    counts: dict[Side, int] = defaultdict(int)
    for d in g.items:
        counts[side_of(d.box)] += 1
    return [(side, counts[side]) for side in ("left", "ahead", "right") if counts[side]]


def _kind_en(g: Group) -> str:
    labels = {g.label, *g.alternatives}
    if labels <= ANIMALS:
        return "an animal"
    if labels <= VEHICLES:
        return "a vehicle"
    return "something"


def _en_group(g: Group) -> str:
    near = g.nearest
    if g.alternatives:
        names = [count_en(1, x) for x in (g.label, *g.alternatives)]
        maybe = ", ".join(names[:-1]) + " or " + names[-1]
        close = " close" if nearness(near.box) == "close" else ""
        text = f"{_kind_en(g)}{close} {_EN_SIDE[side_of(near.box)]}, maybe {maybe}"
        return text[0].upper() + text[1:] + "."
    close_side = side_of(near.box) if nearness(near.box) == "close" else None
    if g.side is not None:
        text = f"{count_en(g.count, g.label)} {_EN_SIDE[g.side]}"
        if close_side and g.count == 1:
            text = f"{count_en(1, g.label)} close {_EN_SIDE[close_side]}"
        elif close_side:
            text += ", one of them close"
        elif g.count == 1 and nearness(near.box) == "far":
            text += ", far away"
    else:
        parts = []
        for side, n in _by_side(g):
            part = f"{_EN_NUMBERS_SHORT.get(n, str(n))} {_EN_SIDE[side]}"
            if side == close_side:
                part = f"{_EN_NUMBERS_SHORT.get(n, str(n))} close {_EN_SIDE[side]}"
            parts.append(part)
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
        text = f"{count_en(g.count, g.label)}: {listed}"
    return text[0].upper() + text[1:] + "."


def _quoted(lines: Sequence[TextLine], *, joiner: str, last: str) -> str:
    quoted = [f'"{t.text}"' for t in lines]
    if len(quoted) == 1:
        return quoted[0]
    return joiner.join(quoted[:-1]) + last + quoted[-1]


def _en_text(lines: Sequence[TextLine]) -> str:
    return f"A sign says {_quoted(lines, joiner=', ', last=' and ')}."


# --------------------------------------------------------------------------- Korean

_KO_SIDE = {"left": "왼쪽에", "ahead": "앞에", "right": "오른쪽에"}


def _ko_group(g: Group) -> str:
    name = KOREAN.get(g.label, g.label)
    if g.alternatives:
        labels = {g.label, *g.alternatives}
        kind = "동물" if labels <= ANIMALS else "차량" if labels <= VEHICLES else "무언가"
        where = _KO_SIDE[side_of(g.nearest.box)]
        names = [KOREAN.get(x, x) for x in (g.label, *g.alternatives)]
        maybe = names[0]
        for prev, nxt in itertools.pairwise(names):
            maybe += ("이나 " if has_batchim(prev) else "나 ") + nxt
        return f"{where} {subject_ko(kind)} 있어요. {maybe} 같아요."
    counter = counter_ko(g.label)
    near = g.nearest
    close_side = side_of(near.box) if nearness(near.box) == "close" else None
    if g.side is None:
        parts = []
        for side, n in _by_side(g):
            where = _KO_SIDE[side].removesuffix("에")
            where += " 가까이에" if side == close_side else "에"
            parts.append(f"{where} {number_ko(n)} {counter}")
        return f"{subject_ko(name)} {number_ko(g.count)} {counter} 있어요: {', '.join(parts)}."
    where = _KO_SIDE[g.side]
    if close_side and g.count == 1:
        return f"{_KO_SIDE[close_side].removesuffix('에')} 가까이에 {subject_ko(name)} 있어요."
    if g.count == 1 and nearness(near.box) == "far":
        return f"{where} 멀리 {subject_ko(name)} 있어요."
    text = f"{where} {subject_ko(name)} {number_ko(g.count)} {counter} 있어요."
    if close_side:
        text += f" {topic_ko('한 ' + counter)} 가까이에 있어요."
    return text


def _ko_text(lines: Sequence[TextLine]) -> str:
    return f"표지판에 {_quoted(lines, joiner=', ', last=', ')}라고 쓰여 있어요."


# --------------------------------------------------------------------------- both


def _faces_sentence(faces: Sequence[Face], language: Language) -> str:
    moods = [f.emotion for f in faces if f.emotion and f.emotion != "neutral"]
    if not moods:
        return ""
    mood = max(set(moods), key=moods.count)
    if language == "en":
        who = "Someone" if len(faces) == 1 else "Someone near you"
        return f"{who} looks {mood}."
    ko = {
        "happy": "기뻐",
        "sad": "슬퍼",
        "angry": "화가 나",
        "surprise": "놀란 것 같아",
        "fear": "겁먹은 것 같아",
        "disgust": "불쾌해",
    }.get(mood, mood)
    return f"누군가 {ko} 보여요." if not ko.endswith("같아") else f"누군가 {ko}요."


@dataclass(frozen=True)
class Description:
    """What the composer says, short and in full."""

    text: str
    """The short answer, at most ``max_words`` words (unless one sentence is longer)."""
    detail: str
    """Every sentence, for "tell me more"."""
    sentences: tuple[str, ...] = field(default=())


def compose(
    *,
    detections: Sequence[Detection],
    faces: Sequence[Face] = (),
    texts: Sequence[TextLine] = (),
    language: Language,
    max_words: int = DEFAULT_MAX_WORDS,
    nothing: str = "",
) -> Description:
    """Turn findings into sentences, most important first.

    ``nothing`` is said when there is nothing to report (the caller passes the
    light-and-colour sentence, so the answer is never empty).
    """
    group_sentence = _en_group if language == "en" else _ko_group
    sentences = [group_sentence(g) for g in group(detections)]
    if texts:
        # Text goes second: after people, before the rest, since a sign is
        # usually why someone asks.
        text_sentence = _en_text(texts) if language == "en" else _ko_text(texts)
        sentences.insert(min(1, len(sentences)), text_sentence)
    mood = _faces_sentence(faces, language)
    if mood:
        sentences.insert(min(1, len(sentences)), mood)
    if not sentences:
        return Description(nothing, nothing, (nothing,) if nothing else ())
    short: list[str] = []
    words = 0
    for s in sentences:
        n = len(s.split())
        if short and words + n > max_words:
            break
        short.append(s)
        words += n
    return Description(" ".join(short), " ".join(sentences), tuple(sentences))
