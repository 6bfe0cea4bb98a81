"""Reading text in a camera frame: detect lines, recognise them, put them in order.

The models are PP-OCR's (see ``models/manifest.toml`` for which and why); the
pre- and post-processing lives in :mod:`device.vision.text_detect` and
:mod:`device.vision.text_recognise` as pure functions.  This module adds the
reading order and :class:`TextReader`, which owns the two sessions.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from device.errors import ModelError
from device.vision.frames import to_bgr
from device.vision.models import load_manifest, models_dir, open_session, verify
from device.vision.text_detect import DetectParams, Quad, db_boxes, preprocess_det
from device.vision.text_recognise import crop_quad, ctc_greedy, load_charset, preprocess_rec
from device.vision.types import Box, TextLine
from hardware.ports import Resource

log = logging.getLogger(__name__)

DET_MODEL = "text-detect"
REC_MODEL = "text-recognise"
CHARSET = "text-charset"

LINE_OVERLAP = 0.5
"""Two boxes share a line when their vertical overlap is this share of the shorter."""
WORD_GAP = 1.5
"""Boxes on one line further apart than this many line heights are separate texts."""


def _vertical_share(a: Box, b: Box) -> float:
    """Vertical overlap of two boxes as a share of the shorter one's height."""
    shared = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    return shared / shorter if shorter > 0 else 0.0


def _horizontal_gap(a: Box, b: Box) -> float:
    return max(b[0] - a[2], a[0] - b[2], 0.0)


def reading_order(boxes: Sequence[Box], *, overlap: float = LINE_OVERLAP) -> list[list[int]]:
    """Indices of ``boxes`` grouped into lines: lines top to bottom, left to right within.

    Boxes are taken top to bottom; each joins the line whose horizontally
    nearest box it overlaps most vertically, if that overlap is at least
    ``overlap`` of the shorter height (so a small word can sit on a line of
    tall ones).  Comparing with the nearest box, not the line's whole
    vertical span, follows a tilted line word by word without its growing
    span swallowing the line below; sorting by top edge alone would split a
    line whose words' tops differ by a pixel.
    """
    lines: list[list[int]] = []
    for i in sorted(range(len(boxes)), key=lambda k: (boxes[k][1] + boxes[k][3]) / 2):
        best, best_share = -1, overlap
        for n, line in enumerate(lines):
            nearest = min(line, key=lambda j: _horizontal_gap(boxes[i], boxes[j]))
            share = _vertical_share(boxes[i], boxes[nearest])
            if share >= best_share:
                best, best_share = n, share
        if best < 0:
            lines.append([i])
        else:
            lines[best].append(i)
    centre = [sum((boxes[i][1] + boxes[i][3]) / 2 for i in line) / len(line) for line in lines]
    ordered = [lines[n] for n in sorted(range(len(lines)), key=centre.__getitem__)]
    return [sorted(line, key=lambda i: boxes[i][0]) for line in ordered]


def join_line(items: Sequence[TextLine], *, gap: float = WORD_GAP) -> list[TextLine]:
    """Merge one line's left-to-right pieces that are close enough to be one text.

    PP-OCR's detector already keeps a spaced phrase in one box, but splits it
    where a gap or a change of size breaks the line; those pieces read as one.
    Pieces further apart than ``gap`` line heights (two signs side by side)
    stay separate, so the composer can quote each on its own.
    """
    merged: list[TextLine] = []
    for item in items:
        if merged:
            last = merged[-1]
            height = max(last.box[3] - last.box[1], item.box[3] - item.box[1])
            if item.box[0] - last.box[2] <= gap * height:
                n_last, n_item = len(last.text), len(item.text)
                merged[-1] = TextLine(
                    text=f"{last.text} {item.text}",
                    score=(last.score * n_last + item.score * n_item) / (n_last + n_item),
                    box=(
                        min(last.box[0], item.box[0]),
                        min(last.box[1], item.box[1]),
                        max(last.box[2], item.box[2]),
                        max(last.box[3], item.box[3]),
                    ),
                )
                continue
        merged.append(item)
    return merged


#: A word: two letters or more, in any script (Hangul syllables count).
_WORD = re.compile(r"[^\W\d_]{2,}")
#: A line of digits alone is quoted only when read this surely.
MIN_NUMBER_SCORE = 0.95


def reads_as_words(text: str, score: float) -> bool:
    """Whether a line read is worth quoting aloud (issue 13).

    Textures and edges are read as "0", "8", "C000", "●": one letter, one
    digit, a symbol.  A line needs a word, or else be a sure read of a number
    of two digits or more that is not one digit repeated (a bus's "24" is
    quoted, a grille's "000" is not).
    """
    if _WORD.search(text):
        return True
    digits = "".join(c for c in text if c.isdigit())
    return (
        len(digits) >= 2
        and len(set(digits)) > 1
        and score >= MIN_NUMBER_SCORE
        and not any(c.isalpha() for c in text)
    )


def quad_to_box(quad: Quad, *, width: int, height: int) -> Box:
    """An ordered quad in pixels as a normalised, axis-aligned box."""
    x1, y1 = quad.min(axis=0)
    x2, y2 = quad.max(axis=0)
    return (
        float(np.clip(x1 / width, 0.0, 1.0)),
        float(np.clip(y1 / height, 0.0, 1.0)),
        float(np.clip(x2 / width, 0.0, 1.0)),
        float(np.clip(y2 / height, 0.0, 1.0)),
    )


def as_bgr(frame: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """A frame as 3-channel BGR ``uint8``; grey and BGRA frames are converted."""
    if frame.dtype != np.uint8:
        raise ValueError(f"expected a uint8 frame, got {frame.dtype}")
    return to_bgr(frame)


class TextReader(Resource):
    """Reads the text in BGR frames with PP-OCR's detector and recogniser.

    Both sessions are made once, here; :meth:`read` may then be called from
    one thread at a time (the vision worker), as often as wanted.
    """

    def __init__(
        self,
        *,
        threads: int | None = None,
        max_side: int = 640,
        min_score: float = 0.5,
        batch_size: int = 6,
        params: DetectParams | None = None,
        det_model: str = DET_MODEL,
        rec_model: str = REC_MODEL,
        charset: str = CHARSET,
        root: Path | None = None,
    ) -> None:
        """
        ``max_side`` bounds the detector's input: 640 finds sign-sized text in
        a camera frame, and the detector's cost grows with its square.
        ``min_score`` drops lines the recogniser is unsure of (PaddleOCR's
        0.5): a wrong word spoken aloud is worse than none.  ``root`` is a
        models folder other than the default (tests of a corrupt copy).
        """
        self.max_side = max_side
        self.min_score = min_score
        self.batch_size = max(1, batch_size)
        self.params = params or DetectParams()
        base = root or models_dir()
        entry = load_manifest(base / "manifest.toml").get(charset)
        if entry is None:
            raise ModelError(f"character dictionary {charset!r} is not in the manifest")
        self.charset = load_charset(verify(entry, base))
        self._det = open_session(det_model, threads=threads, root=root)
        self._rec = open_session(rec_model, threads=threads, root=root)
        classes = self._rec.get_outputs()[0].shape[-1]
        # Checked now, not on the first read: a dictionary from another model
        # version would otherwise fail only once there is text in view.
        if isinstance(classes, int) and classes != len(self.charset):
            raise ModelError(
                f"{rec_model!r} has {classes} classes but {charset!r} gives "
                f"{len(self.charset)}: the model and its dictionary do not belong together"
            )
        self._det_input = self._det.get_inputs()[0].name
        self._rec_input = self._rec.get_inputs()[0].name
        self.timings_ms: dict[str, float] = {}
        """Milliseconds of the last :meth:`read`, per stage (for the benchmark)."""

    def detect(self, frame: npt.NDArray[np.uint8]) -> list[tuple[Quad, float]]:
        """Text regions in a BGR frame, as (quad in frame pixels, score)."""
        h, w = frame.shape[:2]
        tensor = preprocess_det(frame, max_side=self.max_side)
        prob = self._det.run(None, {self._det_input: tensor})[0]
        return db_boxes(prob[0, 0], src_height=h, src_width=w, params=self.params)

    def recognise(self, crops: Sequence[npt.NDArray[np.uint8]]) -> list[tuple[str, float]]:
        """(text, score) for each upright line crop, in the order given."""
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        # Similar aspects share a batch, so few columns are padding.
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            tensor = preprocess_rec([crops[i] for i in chunk])
            probs = self._rec.run(None, {self._rec_input: tensor})[0]
            for i, result in zip(chunk, ctc_greedy(probs, self.charset), strict=True):
                results[i] = result
        return results

    def read(self, frame: npt.NDArray[Any]) -> list[TextLine]:
        """Every line of text read confidently, in reading order."""
        if self._det is None:
            raise RuntimeError("this TextReader is closed")
        if frame.size == 0:
            return []
        bgr = as_bgr(frame)
        h, w = bgr.shape[:2]
        t0 = time.perf_counter()
        regions = self.detect(bgr)
        t1 = time.perf_counter()
        crops = [crop_quad(bgr, quad) for quad, _ in regions]
        texts = self.recognise(crops)
        t2 = time.perf_counter()
        self.timings_ms = {"text_detect": (t1 - t0) * 1e3, "text_recognise": (t2 - t1) * 1e3}
        found = [
            TextLine(text=text, score=score, box=quad_to_box(quad, width=w, height=h))
            for (quad, _), (text, score) in zip(regions, texts, strict=True)
            if text and score >= self.min_score
        ]
        lines = reading_order([t.box for t in found])
        ordered = [piece for line in lines for piece in join_line([found[i] for i in line])]
        ordered = [t for t in ordered if reads_as_words(t.text, t.score)]
        log.debug("read %d text lines in %.0f ms", len(ordered), (t2 - t0) * 1e3)
        return ordered

    def close(self) -> None:
        """Drop the sessions (onnxruntime frees their memory when collected)."""
        self._det = None
        self._rec = None
