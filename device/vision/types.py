"""What the vision stages report: plain frozen data, boxes normalised to 0..1.

A box is ``(x1, y1, x2, y2)`` in fractions of the frame's width and height,
origin top-left, so it means the same at any resolution and the scene
composer never needs the frame size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from device.vision.light import ColourName

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Detection:
    """One object: a COCO-80 class name, the detector's score, and where it is."""

    label: str
    score: float
    box: Box
    colours: tuple[ColourName, ...] = ()
    """Its main colours, most first, as measured in its box by the pipeline
    (``device.vision.light.colours_in``); ``()`` until measured."""


@dataclass(frozen=True, slots=True)
class Face:
    score: float
    box: Box
    age: float | None = None
    """Estimated years, if the attribute model ran."""
    gender: str | None = None
    """"female" / "male" as the model labels it, if it ran."""
    emotion: str | None = None
    """The most likely expression ("happy", "neutral", ...), if the model ran."""


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text as read, in reading order within the frame."""

    text: str
    score: float
    box: Box
