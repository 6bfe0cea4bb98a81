"""Light level and dominant colours of a camera frame, measured with OpenCV.

Everything here is a pure function of one BGR ``uint8`` frame and returns a
frozen dataclass, so it is cheap to test and to reuse (the object detector will
add its findings next to these).

Why a named-colour histogram and not k-means
--------------------------------------------
We need *names* from a fixed list of eleven, not cluster centres.  k-means
(``cv2.kmeans``) would give centres that still have to be named, and it has
two faults for this job: a centre is the *average* of its members, so a red and
a green region that land in one cluster come out as a muddy brown that is in
neither; and it iterates from random seeds, so the same frame can be described
differently twice, which a listener hears as the device being unsure.  Naming
every pixel of a small thumbnail with fixed HSV rules and counting the names is
deterministic, costs one colour conversion and a ``bincount`` (a Pi Zero does it
in a millisecond or two), and its shares add up to 1 by construction.

Why luma and not luminance
--------------------------
The light level is the mean of Rec. 601 luma, Y', computed on the
gamma-encoded pixels (what ``cv2.COLOR_BGR2GRAY`` gives).  Because gamma
encoding is roughly perceptual, a mean of Y' tracks how bright a scene *looks*;
a mean of linear luminance would be dominated by a few bright lamps.

Note that a camera with auto-exposure pulls an ordinary scene towards a mean
of about 0.4-0.5, so this measures "how bright the picture is" rather than lux;
once the camera's exposure metadata reaches the assistant it can refine the
word, and these thresholds stay the fallback.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import cv2
import numpy as np
import numpy.typing as npt

from hardware.ports import Frame

ColourName = Literal[
    "red",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "brown",
    "white",
    "grey",
    "black",
]
COLOUR_NAMES: Final[tuple[ColourName, ...]] = typing.get_args(ColourName)
_INDEX: Final[dict[ColourName, int]] = {name: i for i, name in enumerate(COLOUR_NAMES)}

LightWord = Literal["very dark", "dark", "dim", "fairly bright", "bright", "very bright"]

#: Longest side of the thumbnail everything is measured on.  96 px keeps ~7,000
#: pixels: plenty for shares of a few percent, and the area-averaging resize
#: also removes most sensor noise that would otherwise scatter pixel colours.
THUMB_SIDE: Final = 96

#: Upper bounds of mean luma for each word, in order.  Chosen so an ordinary
#: auto-exposed indoor frame (mean 0.4-0.5) is "fairly bright", and a frame the
#: camera could not lift above a quarter of full scale is "dark".
_LIGHT_WORDS: Final[tuple[tuple[float, LightWord], ...]] = (
    (0.12, "very dark"),
    (0.25, "dark"),
    (0.40, "dim"),
    (0.60, "fairly bright"),
    (0.80, "bright"),
)

#: A frame is too dark to see when even its brighter parts stay below this:
#: nothing but noise.  "Brighter parts" is the 95th percentile of each pixel's
#: strongest channel, not of luma: sensor noise is per channel, and a saturated
#: blue wall (luma 0.11) is dark-looking but perfectly visible.  A high
#: percentile rather than the mean keeps a dark room with one lit lamp (where
#: something *is* visible) out of it.
TOO_DARK_HIGHLIGHTS: Final = 0.12
_HIGHLIGHT_PERCENTILE: Final = 95.0


@dataclass(frozen=True, slots=True)
class LightReading:
    """How much light the frame shows."""

    level: float
    """Mean luma (Rec. 601 Y' of the gamma-encoded frame), 0..1."""
    highlights: float
    """95th percentile of the strongest channel, 0..1: how bright the brighter
    part of the view is."""
    word: LightWord
    """``level`` in words, for speaking."""
    too_dark: bool
    """True when nothing in view rises above noise (see :data:`TOO_DARK_HIGHLIGHTS`)."""


@dataclass(frozen=True, slots=True)
class ColourShare:
    """One named colour and how much of the frame it covers."""

    name: ColourName
    share: float
    """Fraction of the frame's area, 0..1."""


@dataclass(frozen=True, slots=True)
class SceneLight:
    """Light and colours of one frame, measured together on one thumbnail."""

    light: LightReading
    colours: tuple[ColourShare, ...]
    """Every colour present, largest share first; shares sum to 1."""

    def dominant(self, *, limit: int = 3, min_share: float = 0.15) -> tuple[ColourShare, ...]:
        """The colours worth mentioning: at most ``limit``, each covering ``min_share``."""
        return _dominant(self.colours, limit=limit, min_share=min_share)

    def as_details(self) -> dict[str, object]:
        """Plain values for ``Answer.details`` / ``--json``."""
        return {
            "light_level": round(self.light.level, 3),
            "light_highlights": round(self.light.highlights, 3),
            "light_word": self.light.word,
            "too_dark": self.light.too_dark,
            "colours": {c.name: round(c.share, 3) for c in self.colours},
        }


def thumbnail(frame: Frame, *, max_side: int = THUMB_SIDE) -> Frame:
    """``frame`` shrunk (never enlarged) so its longer side is at most ``max_side``.

    Area averaging (``INTER_AREA``) so every source pixel counts once: the mean
    light level survives the resize, and no detail is aliased into false colours.
    Raises ``ValueError`` if ``frame`` is not a non-empty BGR ``uint8`` image.
    """
    _check_frame(frame)
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    height, width = frame.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1.0:
        return frame
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(np.ascontiguousarray(frame), size, interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.uint8)


def measure(frame: Frame) -> SceneLight:
    """Light level and colour shares of ``frame`` (downscaled once for both)."""
    small = thumbnail(frame)
    return SceneLight(light=_light_of(small), colours=_colours_of(small))


def measure_light(frame: Frame) -> LightReading:
    """The light level of ``frame``."""
    return _light_of(thumbnail(frame))


def is_too_dark(frame: Frame) -> bool:
    """True when ``frame`` is too dark to make anything out."""
    return measure_light(frame).too_dark


def dominant_colours(
    frame: Frame, *, limit: int = 3, min_share: float = 0.15
) -> tuple[ColourShare, ...]:
    """At most ``limit`` named colours each covering ``min_share`` of ``frame``."""
    return _dominant(_colours_of(thumbnail(frame)), limit=limit, min_share=min_share)


#: The side the frame is shrunk to before colours are measured in boxes.
_BOX_THUMB_SIDE: Final = 240
#: The middle of an object's box that its colour is measured in: a box also
#: holds background at its edges and corners.
_BOX_CORE: Final = 0.7
#: How far around the box its surroundings reach, as a share of its size.
_RING: Final = 0.3
#: A colour must cover this share of the box's core to be named at all.
_MIN_SHARE: Final = 0.04
#: Added to both shares before their ratio is taken (see :func:`box_colours`).
_EASE: Final = 0.02
#: A second colour is named only if it covers this share of the core.
_SECOND_COLOUR_SHARE: Final = 0.25


def colours_in(frame: Frame, box: tuple[float, float, float, float]) -> tuple[ColourName, ...]:
    """The colours of the thing in ``box`` (shares of the frame), most telling first."""
    return box_colours(frame, [box])[0]


def box_colours(
    frame: Frame, boxes: Sequence[tuple[float, float, float, float]]
) -> list[tuple[ColourName, ...]]:
    """The colours of the thing in each box, most telling first (see below).

    Figure against ground: a thin red bicycle in front of a grey wall has
    more grey than red pixels in its box, but the grey is the wall's, which
    is all around the box too.  Each colour is scored by how much it covers
    of the box's core times how much likelier it is there than in a ring
    around the box (``share * ln(share / share_around)``, each share eased by
    :data:`_EASE` so a colour missing from the ring does not win by dividing
    by nothing).  The best is named, and a second if it too stands out and
    covers :data:`_SECOND_COLOUR_SHARE` of the core.  A thing the colour of
    its surroundings (nothing stands out) takes the core's commonest colour.
    """
    names, (h, w) = _names_map(frame)
    return [_colours_of_box(names, w, h, box) for box in boxes]


def _colours_of_box(
    names: npt.NDArray[np.intp], w: int, h: int, box: tuple[float, float, float, float]
) -> tuple[ColourName, ...]:
    x1, y1, x2, y2 = box
    cx, cy, half_w, half_h = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2, (y2 - y1) / 2
    core = _region(names, w, h, cx, cy, half_w * _BOX_CORE, half_h * _BOX_CORE)
    if core.size == 0:
        return ()
    inside = _shares(core)
    outer = _region(names, w, h, cx, cy, half_w * (1 + _RING), half_h * (1 + _RING))
    ring = _counts(outer) - _counts(_region(names, w, h, cx, cy, half_w, half_h))
    around = ring / max(int(ring.sum()), 1)
    stands_out = inside * np.log((inside + _EASE) / (around + _EASE))
    ranked = sorted(
        (i for i in range(len(COLOUR_NAMES)) if inside[i] >= _MIN_SHARE and stands_out[i] > 0),
        key=lambda i: (-float(stands_out[i]), i),
    )
    if not ranked:  # nothing stands out: the thing is its surroundings' colour
        return (COLOUR_NAMES[int(np.argmax(inside))],)
    first, *rest = ranked
    second = [i for i in rest[:1] if inside[i] >= _SECOND_COLOUR_SHARE]
    return tuple(COLOUR_NAMES[i] for i in (first, *second))


def _names_map(frame: Frame) -> tuple[npt.NDArray[np.intp], tuple[int, int]]:
    small = thumbnail(frame, max_side=_BOX_THUMB_SIDE)
    h, w = small.shape[:2]
    return _classify(small).reshape(h, w), (h, w)


def _region(
    names: npt.NDArray[np.intp], w: int, h: int, cx: float, cy: float, hw: float, hh: float
) -> npt.NDArray[np.intp]:
    left, right = max(int((cx - hw) * w), 0), min(int(np.ceil((cx + hw) * w)), w)
    top, bottom = max(int((cy - hh) * h), 0), min(int(np.ceil((cy + hh) * h)), h)
    return names[top:bottom, left:right]


def _counts(names: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    return np.bincount(names.ravel(), minlength=len(COLOUR_NAMES)).astype(np.int64)


def _shares(names: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    counts = _counts(names)
    return counts / max(int(counts.sum()), 1)


def colour_name(bgr: tuple[int, int, int]) -> ColourName:
    """The name of one BGR colour (0..255 each), by the same rules as frames."""
    pixel = np.array([[bgr]], dtype=np.uint8)
    return COLOUR_NAMES[int(_classify(pixel)[0])]


# -- internals ---------------------------------------------------------------


def _dominant(
    colours: tuple[ColourShare, ...], *, limit: int, min_share: float
) -> tuple[ColourShare, ...]:
    return tuple(c for c in colours if c.share >= min_share)[: max(limit, 0)]


def _check_frame(frame: Frame) -> None:
    if not isinstance(frame, np.ndarray):
        raise ValueError(f"a frame must be a numpy array, not {type(frame).__name__}")
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(
            f"a frame must be BGR uint8 of shape (height, width, 3), "
            f"not {frame.dtype} {frame.shape}"
        )
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"a frame must not be empty, got shape {frame.shape}")


def _light_of(small: Frame) -> LightReading:
    small = np.ascontiguousarray(small)
    luma = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    level = float(luma.mean()) / 255.0
    highlights = float(np.percentile(small.max(axis=2), _HIGHLIGHT_PERCENTILE)) / 255.0
    word: LightWord = "very bright"
    for bound, candidate in _LIGHT_WORDS:
        if level < bound:
            word = candidate
            break
    return LightReading(
        level=level,
        highlights=highlights,
        word=word,
        too_dark=highlights < TOO_DARK_HIGHLIGHTS,
    )


def _colours_of(small: Frame) -> tuple[ColourShare, ...]:
    names = _classify(small)
    counts = np.bincount(names, minlength=len(COLOUR_NAMES))
    total = int(counts.sum())
    # Sort by share, then by palette order so equal shares come out the same
    # way every time.
    order = sorted(
        (i for i in range(len(COLOUR_NAMES)) if counts[i]),
        key=lambda i: (-int(counts[i]), i),
    )
    return tuple(ColourShare(COLOUR_NAMES[i], int(counts[i]) / total) for i in order)


def _classify(image: Frame) -> npt.NDArray[np.intp]:
    """Name every pixel: an index into :data:`COLOUR_NAMES`, flattened.

    Hue bands are the usual ones for English colour words.  Lightness splits
    a hue in two where English does: dark orange/yellow is brown, light red or
    bright magenta is pink, dark magenta is purple.  Low saturation means no
    hue at all (white, grey, black); the saturation needed to count as coloured
    rises as a pixel gets darker, because in shadow sensor noise alone gives
    grey pixels a random tint.
    """
    pixels = np.ascontiguousarray(image.reshape(-1, 1, 3), dtype=np.float32) / np.float32(255.0)
    hsv = cv2.cvtColor(pixels, cv2.COLOR_BGR2HSV).reshape(-1, 3)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]  # degrees 0..360, 0..1, 0..1

    achromatic = sat < 0.20 + 0.25 * np.clip(0.5 - val, 0.0, None)
    reddish = (hue < 15) | (hue >= 340)
    orange_band = (hue >= 15) & (hue < 40)
    yellow_band = (hue >= 40) & (hue < 70)
    magenta_band = (hue >= 290) & (hue < 340)

    conditions = [
        val < 0.16,
        achromatic & (val >= 0.80),
        achromatic & (val < 0.30),
        achromatic,
        reddish & (val >= 0.70) & (sat < 0.50),  # light red
        reddish & (hue < 15) & (val < 0.45),  # dark warm red: wood, leather
        reddish,
        orange_band & ((val < 0.60) | (sat < 0.45)),  # dark or muted orange: tan
        orange_band,
        yellow_band & (val < 0.45),  # dark yellow: khaki
        yellow_band,
        (hue >= 70) & (hue < 170),
        (hue >= 170) & (hue < 260),
        (hue >= 260) & (hue < 290),
        magenta_band & (val >= 0.60),
        magenta_band,
    ]
    choices = [
        _INDEX["black"],
        _INDEX["white"],
        _INDEX["black"],
        _INDEX["grey"],
        _INDEX["pink"],
        _INDEX["brown"],
        _INDEX["red"],
        _INDEX["brown"],
        _INDEX["orange"],
        _INDEX["brown"],
        _INDEX["yellow"],
        _INDEX["green"],
        _INDEX["blue"],
        _INDEX["purple"],
        _INDEX["pink"],
        _INDEX["purple"],
    ]
    named = np.select(conditions, choices, default=_INDEX["grey"])
    return np.asarray(named, dtype=np.intp)
