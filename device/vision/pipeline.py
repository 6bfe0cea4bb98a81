"""Look at one frame: light, blur, objects, faces, text.

The result is data (a :class:`SceneReport`); putting it into words is
:func:`device.language.scene.describe`'s job, in whichever language is asked.
The stages run in order of cheapness, and the models are skipped when they
cannot help: a frame too dark to see anything is reported as such at once.
Each stage's session is created on first use and kept (sessions are costly
to make and cheap to run), so a device that is only ever asked the time never
loads a vision model unless ``warm_up`` is asked for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from device.errors import ModelError
from device.vision.evidence import backed
from device.vision.light import SceneLight, box_colours, measure, thumbnail
from device.vision.types import Box, Detection, Face, TextLine
from hardware.errors import CameraError
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
    """Everything one look found: data only (the words are
    :func:`device.language.scene.describe`'s)."""

    light: SceneLight
    objects: tuple[Detection, ...] = ()
    faces: tuple[Face, ...] = ()
    texts: tuple[TextLine, ...] = ()
    blur: float = 0.0
    """Variance of the Laplacian (see :func:`blur_score`); higher is sharper."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage, and their ``total``."""
    faces_failed: bool = False
    """The face models failed in this look (and are off from now on)."""

    @property
    def too_dark(self) -> bool:
        """Too dark to see anything (the models did not run)."""
        return self.light.light.too_dark

    @property
    def blurred(self) -> bool:
        """Too blurred to make anything out (see :data:`BLUR_THRESHOLD`)."""
        return self.blur < BLUR_THRESHOLD

    def as_json(self) -> dict[str, object]:
        def box(b: tuple[float, float, float, float]) -> list[float]:
            return [round(v, 4) for v in b]

        return {
            "objects": [
                {
                    "label": o.label,
                    "score": round(o.score, 3),
                    "box": box(o.box),
                    "colours": list(o.colours),
                }
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
        faces: bool = True,
        on_look: Callable[[SceneReport, Frame], None] | None = None,
    ) -> None:
        """``on_look`` is told of every finished look (the visual memory), on
        the thread that looked, after the look's answer can go ahead."""
        self._on_look = on_look
        self._threads = threads
        self._read_text = read_text
        self._find_faces = faces
        self._detector: Any = None
        self._reader: Any = None
        self._faces: Any = None
        self._lock = threading.Lock()
        self._pending: tuple[float, threading.Event] | None = None
        self._prefetched: tuple[float, SceneReport | CameraError] | None = None
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

    def _face(self, frame: Frame, people: list[Box]) -> list[Face]:
        if self._faces is None:
            from device.vision.faces import FaceFinder

            self._faces = FaceFinder(threads=self._threads)
        return list(self._faces.find(frame, people=people))

    def warm_up(self) -> None:
        """Check every model file and create the sessions every look needs, now.

        The face models load on the first person seen (most looks have none,
        and they would add ~70 MB); their files are still checked here, so a
        missing or altered one is a start-up error.
        """
        from device.vision.models import load_manifest, verify

        for entry in load_manifest().values():
            verify(entry)
        blank = np.zeros((64, 64, 3), np.uint8)
        self._objects(blank)
        if self._read_text:
            self._text(blank)

    @property
    def reads_text(self) -> bool:
        """Whether every look reads text (else only ``look(read_text=True)`` does)."""
        return self._read_text

    def look(self, frame: Frame, *, read_text: bool | None = None) -> SceneReport:
        """Analyse ``frame`` now; the report also becomes :attr:`last`."""
        with self._lock:
            report = self._analyse(frame, self._read_text if read_text is None else read_text)
        self.last = report
        self._told(report, frame)
        return report

    def prefetch(self, capture: Callable[[], Frame]) -> Callable[[], None]:
        """Mark a speculative look as begun now; return the work that does it.

        Called on a button press: while the wearer is still speaking, the
        camera frame is taken and analysed, so when the question turns out to
        be "what do you see?" the answer is ready on release.  The caller
        runs the returned work on a thread of its own (the runtime's look
        worker); :meth:`recent` waits for it.  A failed capture is kept for
        :meth:`recent` to raise; any other failure is only logged, and the
        skill's own fresh look will report it.
        """
        done = threading.Event()
        self._pending = (time.monotonic(), done)

        def work() -> None:
            looked: tuple[SceneReport, Frame] | None = None
            try:
                frame = capture()
                with self._lock:
                    report = self._analyse(frame, self._read_text)
                    self._prefetched = (time.monotonic(), report)
                looked = (report, frame)
            except CameraError as exc:
                # Kept and raised by recent(): the camera failed when the
                # wearer pressed, and the answer must say so.
                self._prefetched = (time.monotonic(), exc)
            except Exception as exc:  # the skill's own fresh look will report it
                log.warning("speculative look failed: %s", exc)
            finally:
                done.set()
            if looked is not None:  # after done: the answer does not wait for this
                self._told(*looked)

        return work

    def _told(self, report: SceneReport, frame: Frame) -> None:
        if self._on_look is None:
            return
        try:
            self._on_look(report, frame)
        except Exception as exc:  # remembering must never break seeing
            log.warning("a look's observer failed: %s", exc)

    def recent(self, *, max_age: float = 10.0) -> SceneReport | None:
        """The speculative look's report, if one was started within ``max_age`` s.

        The report returned also becomes :attr:`last`.

        Raises the ``CameraError`` the speculative capture met, if it met one.

        Waits for it to finish (it started before the question was even heard,
        so this is never longer than a fresh look would take).
        """
        pending = self._pending
        if pending is None or time.monotonic() - pending[0] > max_age:
            return None
        pending[1].wait(timeout=10.0)
        got = self._prefetched
        if got is None or got[0] < pending[0]:
            return None
        self._pending = None  # each speculative look answers one question
        if isinstance(got[1], CameraError):
            raise got[1]
        self.last = got[1]
        return got[1]

    def _analyse(self, frame: Frame, read_text: bool) -> SceneReport:
        timings: dict[str, float] = {}
        t = time.perf_counter()
        light = measure(frame)
        blur = blur_score(frame)
        timings["light"] = _ms(t)
        if light.light.too_dark:  # the models would only find noise
            return SceneReport(light, blur=blur, timings_ms=_with_total(timings))
        t = time.perf_counter()
        # Only what the frame backs: a flat frame or a logo makes the
        # detector name things that are not there (device.vision.evidence).
        objects = tuple(backed(self._objects(frame), frame))
        timings["objects"] = _ms(t)
        # Colours now, while the frame is here: "what colour is the car?" is
        # asked of the look, which keeps no image.
        t = time.perf_counter()
        colours = box_colours(frame, [o.box for o in objects]) if objects else []
        objects = tuple(replace(o, colours=c) for o, c in zip(objects, colours, strict=True))
        timings["colours"] = _ms(t)
        # Faces only where the detector saw a person: it is the check that
        # keeps BlazeFace's animal heads out, and it costs nothing otherwise.
        people = [o.box for o in objects if o.label == "person"]
        faces: tuple[Face, ...] = ()
        faces_failed = False
        if self._find_faces and people:
            t = time.perf_counter()
            try:
                faces = tuple(self._face(frame, people))
            except ModelError as exc:
                # A face model altered or lost since the start: the rest of the
                # look still stands.  Said once, logged in full, then faces are off.
                log.error("faces are off until a restart: %s", exc)
                self._find_faces = False
                faces_failed = True
            timings["faces"] = _ms(t)
        texts: tuple[TextLine, ...] = ()
        if read_text:
            t = time.perf_counter()
            texts = tuple(self._text(frame))
            timings["text"] = _ms(t)
        return SceneReport(
            light, objects, faces, texts, blur, _with_total(timings), faces_failed=faces_failed
        )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _with_total(timings: dict[str, float]) -> dict[str, float]:
    return {**timings, "total": round(sum(timings.values()), 1)}
