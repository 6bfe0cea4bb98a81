"""Where things are and which belong together: facts, not words.

The scene sentences (:mod:`device.language.scene`) are built from these, in
every language alike:

* **Importance**: people, then vehicles and road things (hazards), then
  animals, then furniture and large objects, then small things (cups, phones).
* **Where**: the box centre's horizontal third: left / ahead / right (the
  camera looks where the wearer's chest faces).
* **Nearness**: box height as a share of the frame: over ``NEAR_HEIGHT`` is
  close, under ``FAR_HEIGHT`` is far.  Crude, but it needs no depth model and
  is right for people and cars, the things whose distance matters.  Both are
  set by a person (1.7 m) seen by the Camera Module 3 (41 degrees high): a
  share ``h`` of the frame is ``1.7 / (2 tan(20.5) h)`` metres away, so close
  is nearer than about 4 m, far beyond about 10 m.  Far was 0.12 (19 m) until
  ``bench/scene_tuning.py``'s campus photo, where people a long way off
  stand 13-16 % of the frame high and were "neither close nor far".
* **Groups**: the detections of one class, each object once (see
  :func:`merge_same_object`), most important first.

Pure functions of :class:`~device.vision.types.Detection` values.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from device.vision.types import Box, Detection

NEAR_HEIGHT: Final = 0.55
FAR_HEIGHT: Final = 0.22

Kind = Literal["person", "vehicle", "road", "animal", "large", "small"]
"""What sort of thing a COCO class is: it sets importance, and how languages
count it (Korean counters) or name it when unsure ("an animal")."""

ANIMALS: Final = frozenset(
    ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"]
)
VEHICLES: Final = frozenset(
    ["bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"]
)
#: The kinds' classes, the likelier ones first: "is there a vehicle?" reports
#: "no" about a car, the first named, when none is there.
VEHICLES_FIRST_COMMON: Final = (
    "car",
    "truck",
    "bus",
    "motorcycle",
    "bicycle",
    "train",
    "boat",
    "airplane",
)
ANIMALS_FIRST_COMMON: Final = (
    "dog",
    "cat",
    "horse",
    "bird",
    "cow",
    "sheep",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
)
assert set(VEHICLES_FIRST_COMMON) == VEHICLES and set(ANIMALS_FIRST_COMMON) == ANIMALS
_ROAD: Final = frozenset({"traffic light", "stop sign", "fire hydrant", "parking meter", "bench"})
_LARGE: Final = frozenset(
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
_IMPORTANCE: Final[dict[Kind, int]] = {
    "person": 0,
    "vehicle": 1,
    "road": 1,
    "animal": 2,
    "large": 3,
    "small": 4,
}


def kind_of(label: str) -> Kind:
    if label == "person":
        return "person"
    if label in VEHICLES:
        return "vehicle"
    if label in _ROAD:
        return "road"
    if label in ANIMALS:
        return "animal"
    if label in _LARGE:
        return "large"
    return "small"


def importance(label: str) -> int:
    """Lower is said first."""
    return _IMPORTANCE[kind_of(label)]


Side = Literal["left", "ahead", "right"]
SIDES: Final[tuple[Side, ...]] = ("left", "ahead", "right")
"""Left to right, the order sides are listed in."""

Nearness = Literal["close", "", "far"]


def side_of(box: Box) -> Side:
    cx = (box[0] + box[2]) / 2
    if cx < 1 / 3:
        return "left"
    if cx > 2 / 3:
        return "right"
    return "ahead"


def nearness(box: Box) -> Nearness:
    h = box[3] - box[1]
    if h >= NEAR_HEIGHT:
        return "close"
    if h <= FAR_HEIGHT:
        return "far"
    return ""


@dataclass(frozen=True)
class Group:
    """The objects of one class, or one object the detector was unsure of."""

    label: str
    items: tuple[Detection, ...]
    alternatives: tuple[str, ...] = ()
    """Other names the detector gave this one object (then ``items`` has one).
    They are always of the label's kind (see :func:`merge_same_object`)."""

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def kind(self) -> Kind:
        return kind_of(self.label)

    @property
    def side(self) -> Side | None:
        """The shared side of every item, or None if they are spread out."""
        sides = {side_of(d.box) for d in self.items}
        return sides.pop() if len(sides) == 1 else None

    @property
    def by_side(self) -> list[tuple[Side, int]]:
        """How many of the group stand on each side, left to right."""
        counts = Counter(side_of(d.box) for d in self.items)
        return [(side, counts[side]) for side in SIDES if counts[side]]

    @property
    def nearest(self) -> Detection:
        return max(self.items, key=lambda d: d.box[3] - d.box[1])

    @property
    def close_side(self) -> Side | None:
        """The side of the nearest item if it is close, else None."""
        near = self.nearest.box
        return side_of(near) if nearness(near) == "close" else None


#: Two boxes of different classes overlapping this much are one object the
#: detector could not name for sure (measured: CenterNet gives the dog photo's
#: truck an identical "car" box, and person.jpg's horse "sheep" and "cow").
SAME_OBJECT_IOU: Final = 0.7
PART_INSIDE: Final = 0.8
PART_SCORE_RATIO: Final = 0.6


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


def _rank(g: Group) -> tuple[int, int, float]:
    # Something close matters as much as the class above it: a dog at your
    # knee before a car across the street.  Among equals, more of them first,
    # then the biggest.
    h = g.nearest.box[3] - g.nearest.box[1]
    close = 1 if nearness(g.nearest.box) == "close" else 0
    return (importance(g.label) - close, -g.count, -h)


def group(detections: Sequence[Detection]) -> list[Group]:
    """The detections as groups, in the order they are worth saying."""
    by_label: dict[str, list[Detection]] = defaultdict(list)
    unsure: list[Group] = []
    for best, alternatives in merge_same_object(detections):
        if alternatives:
            unsure.append(Group(best.label, (best,), alternatives))
        else:
            by_label[best.label].append(best)
    groups = [Group(label, tuple(items)) for label, items in by_label.items()] + unsure
    return sorted(groups, key=_rank)
