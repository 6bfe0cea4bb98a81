"""What it takes to name a thing: the detector's word, backed by the frame.

The object detector was trained on photos full of things, and on a frame
with almost nothing in it, it still names something: a blank notice on a
wall came out as "a kite", a logo as "a person" and "a stop sign", a
retina as "an umbrella" (issue 13).  Two checks, on a grey copy of the frame
at 640 px (so the figures do not depend on the camera's resolution):

* **structure in the box**: a real thing has edges inside its box.  The
  share of the box's pixels with a Sobel gradient above ``EDGE_LEVEL`` must
  reach ``MIN_BOX_EDGES``;
* **a sparse frame asks for more**: when the whole frame has few edges (a
  wall, a page, a sky, a logo), a thing is named only with a score of
  ``SPARSE_MIN_SCORE``.

Both were set on the tune half of ``bench/honest_vision.py`` (the README
gives the figures of both halves): there, every real thing had 0.37 or more
of its box in edges and every false one on a flat frame 0.19 or less (the
rest were tiny boxes on a pin or a crater); the real photos' frames had
0.37 or more in edges, the flat ones and the logos 0.10 or less.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from device.vision.frames import to_bgr
from device.vision.types import Detection
from hardware.ports import Frame

WORKING_SIDE = 640
EDGE_LEVEL = 40.0
"""Sobel gradient magnitude (of 0..255 grey) that counts as an edge."""
MIN_BOX_EDGES = 0.25
SPARSE_FRAME = 0.2
"""A frame with fewer edges than this share of its pixels is sparse."""
SPARSE_MIN_SCORE = 0.5


def edge_map(frame: Frame) -> npt.NDArray[np.bool_]:
    """Which pixels of ``frame``, scaled to :data:`WORKING_SIDE`, are on an edge."""
    bgr = to_bgr(frame)
    h, w = bgr.shape[:2]
    scale = WORKING_SIDE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    grey = cv2.cvtColor(cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    g = grey.astype(np.float32)
    magnitude = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    edges: npt.NDArray[np.bool_] = magnitude > EDGE_LEVEL
    return edges


def box_edges(edges: npt.NDArray[np.bool_], box: tuple[float, float, float, float]) -> float:
    """The share of edge pixels inside ``box`` (normalised x1, y1, x2, y2)."""
    h, w = edges.shape
    x1, y1, x2, y2 = box
    c1, r1 = min(w - 1, int(x1 * w)), min(h - 1, int(y1 * h))
    c2, r2 = max(c1 + 1, int(np.ceil(x2 * w))), max(r1 + 1, int(np.ceil(y2 * h)))
    return float(edges[r1:r2, c1:c2].mean())


def backed(detections: Sequence[Detection], frame: Frame) -> list[Detection]:
    """The detections the frame backs, in their order."""
    if not detections:
        return []
    edges = edge_map(frame)
    sparse = float(edges.mean()) < SPARSE_FRAME
    return [
        d
        for d in detections
        if box_edges(edges, d.box) >= MIN_BOX_EDGES and (not sparse or d.score >= SPARSE_MIN_SCORE)
    ]
