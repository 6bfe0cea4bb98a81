"""Text detection, the model-free half: DB pre- and post-processing.

PP-OCR's detector is a DB ("differentiable binarisation") network: it takes a
normalised image whose sides are multiples of 32 and returns, at the same
size, the probability that each pixel lies inside a line of text.  The text
kernels it marks are deliberately *shrunk* (that keeps neighbouring lines
apart), so each region found is grown back ("unclipped") by the DB ratio.

Why no pyclipper for the unclip
-------------------------------
PaddleOCR offsets the region's polygon with pyclipper by
``d = area * ratio / perimeter`` and takes the minimum-area rectangle of the
result.  It offsets the *rectangle* already fitted to the region, and a
rectangle offset by ``d`` (round joins) has as its minimum-area rectangle the
same rectangle with each side moved out by ``d``.  So the whole unclip is one
line of arithmetic here, exact, and the dependency buys nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Quad = npt.NDArray[np.float32]
"""Four corner points, shape (4, 2), (x, y) in pixels, clockwise from top-left."""
RotatedRect = tuple[Sequence[float], Sequence[float], float]
"""``cv2.minAreaRect``'s ((centre x, y), (width, height), angle in degrees)."""

# ImageNet statistics, in the BGR channel order PaddleOCR feeds (it never
# converts to RGB for the detector, and the network was trained that way).
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255.0
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255.0


@dataclass(frozen=True, slots=True)
class DetectParams:
    """DB post-processing thresholds (defaults are PP-OCRv6-tiny's own)."""

    thresh: float = 0.2
    """Probability above which a pixel counts as text."""
    box_thresh: float = 0.4
    """Mean probability inside a region below which it is dropped as noise."""
    unclip_ratio: float = 1.4
    """How far shrunk kernels are grown back (the DB paper's D' = A r / L)."""
    min_size: float = 3.0
    """Regions whose short side is below this many map pixels are dropped."""
    max_candidates: int = 1000
    """At most this many contours are examined (a noisy frame can have many)."""


def det_input_size(height: int, width: int, *, max_side: int) -> tuple[int, int]:
    """The (height, width) to feed the detector: fits ``max_side``, multiples of 32.

    Frames are only ever shrunk (a small frame is not blown up: enlarging
    adds no detail and costs time), but never below 32, the network's stride.
    """
    scale = min(1.0, max_side / max(height, width, 1))
    h = max(32, round(height * scale / 32) * 32)
    w = max(32, round(width * scale / 32) * 32)
    return h, w


def preprocess_det(frame: npt.NDArray[np.uint8], *, max_side: int) -> FloatArray:
    """A BGR frame as the detector's (1, 3, H, W) float32 input."""
    h, w = det_input_size(frame.shape[0], frame.shape[1], max_side=max_side)
    # INTER_AREA when shrinking: plain bilinear on a 12 MP frame aliases thin
    # strokes away, and thin strokes are exactly what text is made of.
    shrinking = h < frame.shape[0] or w < frame.shape[1]
    resized = cv2.resize(
        frame, (w, h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    )
    normalised = (resized.astype(np.float32) - _MEAN) / _STD
    return np.ascontiguousarray(normalised.transpose(2, 0, 1)[np.newaxis])


def order_quad(points: npt.ArrayLike) -> Quad:
    """Four points ordered top-left, top-right, bottom-right, bottom-left.

    Done by sorting on x, then y within each half (PaddleOCR's way), rather
    than by the x+y / x-y trick, which picks the same corner twice for boxes
    tilted near 45 degrees.
    """
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1], kind="stable")]
    tr, br = right[np.argsort(right[:, 1], kind="stable")]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def unclip_rect(rect: RotatedRect, ratio: float) -> RotatedRect:
    """A ``cv2.minAreaRect`` result grown on every side by the DB distance.

    ``d = area * ratio / perimeter``; see the module docstring for why this
    equals PaddleOCR's clipper-based unclip of a rectangle.
    """
    (cx, cy), (w, h), angle = rect
    perimeter = 2.0 * (w + h)
    if perimeter <= 0:
        return rect
    d = w * h * ratio / perimeter
    return (cx, cy), (w + 2 * d, h + 2 * d), angle


def box_score(prob: FloatArray, quad: Quad) -> float:
    """Mean probability inside ``quad`` (the DB "fast" score).

    Only the quad's bounding window is rasterised, so this stays cheap however
    large the map is.
    """
    map_h, map_w = prob.shape
    x0 = int(np.clip(np.floor(quad[:, 0].min()), 0, map_w - 1))
    x1 = int(np.clip(np.ceil(quad[:, 0].max()), 0, map_w - 1))
    y0 = int(np.clip(np.floor(quad[:, 1].min()), 0, map_h - 1))
    y1 = int(np.clip(np.ceil(quad[:, 1].max()), 0, map_h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    local = (quad - np.array([x0, y0], dtype=np.float32)).round().astype(np.int32)
    cv2.fillPoly(mask, [local], 1)
    return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def db_boxes(
    prob: FloatArray,
    *,
    src_height: int,
    src_width: int,
    params: DetectParams | None = None,
) -> list[tuple[Quad, float]]:
    """Text regions in a (H, W) probability map, as quads in source pixels.

    Returns ``(quad, score)`` pairs; quads are ordered corners (see
    :func:`order_quad`) scaled from map to source coordinates and clipped to
    the source frame.
    """
    p = params or DetectParams()
    map_h, map_w = prob.shape
    bitmap = (prob > p.thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    scale = np.array([src_width / map_w, src_height / map_h], dtype=np.float32)
    found: list[tuple[Quad, float]] = []
    for contour in contours[: p.max_candidates]:
        rect = cv2.minAreaRect(contour)
        if min(rect[1]) < p.min_size:
            continue
        quad = order_quad(cv2.boxPoints(rect))
        score = box_score(prob, quad)
        if score < p.box_thresh:
            continue
        grown = unclip_rect(rect, p.unclip_ratio)
        # +2: the grown box of a real character is comfortably bigger than
        # min_size; one that is not was a speck that survived the threshold.
        if min(grown[1]) < p.min_size + 2:
            continue
        quad = order_quad(cv2.boxPoints(grown)) * scale
        quad[:, 0] = np.clip(quad[:, 0], 0, src_width)
        quad[:, 1] = np.clip(quad[:, 1], 0, src_height)
        found.append((quad, score))
    return found


def quad_size(quad: Quad) -> tuple[float, float]:
    """(width, height) of an ordered quad: its longer opposite edges."""
    tl, tr, br, bl = quad
    width = max(math.dist(tl, tr), math.dist(bl, br))
    height = max(math.dist(tl, bl), math.dist(tr, br))
    return width, height
