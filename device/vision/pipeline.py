"""Look at one frame: light, objects, text; then say it.

The stages run in order of cheapness, and the models are skipped when they
cannot help: a frame too dark to see anything goes straight to saying so.
Each stage's session is created on first use and kept (sessions are costly
to make and cheap to run), so a device that is only ever asked the time never
loads a vision model unless ``warm_up`` is asked for.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from device.vision.compose import DEFAULT_MAX_WORDS, Description, compose
from device.vision.light import SceneLight, measure, thumbnail
from device.vision.types import Detection, Face, TextLine
from device.vision.words import Language
from hardware.ports import Frame

log = logging.getLogger(__name__)

#: Variance of the Laplacian of a 320-px grey thumbnail below which a frame is
#: too blurred to make anything out (motion blur from walking, the lens
#: against fabric).  Measured on the six sample scenes: sharp 419-6911; under
#: a 9x9 Gaussian blur (still recognisable) 28-191; under 21x21 (mush) 5-27.
BLUR_THRESHOLD = 15.0
_BLUR_SIDE = 320


def blur_score(frame: Frame) -> float:
    small = thumbnail(frame, max_side=_BLUR_SIDE)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


@dataclass(frozen=True)
class SceneReport:
    """Everything one look found, plus the words for it."""

    description: Description
    light: SceneLight
    objects: tuple[Detection, ...] = ()
    faces: tuple[Face, ...] = ()
    texts: tuple[TextLine, ...] = ()
    blur: float = 0.0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.description.text

    def as_json(self) -> dict[str, object]:
        def box(b: tuple[float, float, float, float]) -> list[float]:
            return [round(v, 4) for v in b]

        return {
            "text": self.description.text,
            "detail": self.description.detail,
            "objects": [
                {"label": o.label, "score": round(o.score, 3), "box": box(o.box)}
                for o in self.objects
            ],
            "faces": [
                {
                    "score": round(f.score, 3),
                    "box": box(f.box),
                    "age": f.age,
                    "gender": f.gender,
                    "emotion": f.emotion,
                }
                for f in self.faces
            ],
            "texts": [
                {"text": t.text, "score": round(t.score, 3), "box": box(t.box)} for t in self.texts
            ],
            "light": self.light.as_details(),
            "blur": round(self.blur, 1),
            "timings_ms": self.timings_ms,
        }


class VisionPipeline:
    """The device's eyes.  Thread-safe: one look at a time."""

    def __init__(
        self,
        *,
        threads: int | None = None,
        read_text: bool = True,
        max_words: int = DEFAULT_MAX_WORDS,
    ) -> None:
        self._threads = threads
        self._read_text = read_text
        self._max_words = max_words
        self._detector: Any = None
        self._reader: Any = None
        self._lock = threading.Lock()
        self.last: SceneReport | None = None

    def _objects(self, frame: Frame) -> list[Detection]:
        if self._detector is None:
            from device.vision.detector import ObjectDetector

            self._detector = ObjectDetector(threads=self._threads)
        return list(self._detector.detect(frame))

    def _text(self, frame: Frame) -> list[TextLine]:
        if self._reader is None:
            from device.vision.text import TextReader

            self._reader = TextReader(threads=self._threads)
        return list(self._reader.read(frame))

    def warm_up(self) -> None:
        """Create every session now (at start-up) rather than at the first question."""
        blank = np.zeros((64, 64, 3), np.uint8)
        self._objects(blank)
        if self._read_text:
            self._text(blank)

    def look(
        self, frame: Frame, *, language: Language, max_words: int | None = None
    ) -> SceneReport:
        with self._lock:
            report = self._look(frame, language, max_words or self._max_words)
            self.last = report
            return report

    def _look(self, frame: Frame, language: Language, max_words: int) -> SceneReport:
        from device.skills.see import describe_scene  # the light-and-colour sentence

        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        light = measure(frame)
        blur = blur_score(frame)
        timings["light"] = _ms(t0)
        if light.light.too_dark:
            said = describe_scene(light, language)
            return SceneReport(
                Description(said, said, (said,)), light, blur=blur, timings_ms=timings
            )
        t = time.perf_counter()
        objects = self._objects(frame)
        timings["objects"] = _ms(t)
        texts: list[TextLine] = []
        if self._read_text:
            t = time.perf_counter()
            texts = self._text(frame)
            timings["text"] = _ms(t)
        # Nothing found in a blurred frame: say why, then what can still be
        # told (light, colours).  A blur score alone cannot tell a shaken
        # camera from a plain wall, so it only explains an empty result.
        nothing = describe_scene(light, language)
        if blur < BLUR_THRESHOLD:
            nothing = (
                "It's too blurred to make out anything. "
                if language == "en"
                else "화면이 흐려서 잘 안 보여요. "
            ) + nothing
        description = compose(
            detections=objects,
            texts=texts,
            language=language,
            max_words=max_words,
            nothing=nothing,
        )

        timings["total"] = _ms(t0)
        return SceneReport(description, light, tuple(objects), (), tuple(texts), blur, timings)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
