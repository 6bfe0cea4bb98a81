"""COCO-80 object detection: MobileNetV3 CenterNet (512x512) through onnxruntime.

The pre- and post-processing are small pure functions, testable without a
model:

- :func:`letterbox` fits any frame (1x1 to 12 MP) into the model's square
  input without distorting it, and records how, in a :class:`Letterbox`;
- :func:`decode` turns the model's ``[1, 100, 6]`` detections back into
  boxes in normalised frame coordinates;
- :func:`nms` removes duplicate boxes of one class.

The preprocessing follows the model's own inference code
(610265158/mobilenetv3_centernet ``lib/core/api``, and
``src/object/centernet.ts`` in ``@vladmandic/human``): RGB, NHWC, float
0..255 with no mean/std (the first convolution folds the normalisation in),
the resized image centred on zero padding.  See ``models/recipe_objects.py``
for how the file is made and ``models/manifest.toml`` for why this model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from device.vision.coco import COCO_LABELS
from device.vision.frames import to_bgr
from device.vision.models import open_session
from device.vision.types import Detection
from hardware.ports import Resource

MODEL_NAME = "objects"
DEFAULT_SCORE_THRESHOLD = 0.25
"""Measured on darknet's sample photos (device/scenes): the weakest expected
class is the truck in dog.jpg at 0.28, and the first object that is not in a
photo at all (a "potted plant" in dog.jpg) scores 0.23.  What still passes at
0.25 and is wrong is a second label on a real object (the truck also scores
"car", the horse "cow"/"sheep"); the manifest's ``why`` has the figures."""
DEFAULT_IOU = 0.5
MAX_DETECTIONS = 20
"""A spoken description names a handful of things; twenty is plenty."""

FloatArray = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Letterbox:
    """How a frame was fitted into the model's square input."""

    scale: float
    """Input pixels per frame pixel (the same on both axes)."""
    pad_x: int
    """Columns of padding left of the image, in input pixels."""
    pad_y: int
    """Rows of padding above the image, in input pixels."""
    width: int
    """The frame's width in pixels."""
    height: int
    """The frame's height in pixels."""
    size: int
    """The model input's side in pixels."""

    def to_frame(self, boxes: FloatArray) -> FloatArray:
        """``(N, 4)`` x1,y1,x2,y2 in input pixels -> normalised frame coordinates, 0..1."""
        out = np.asarray(boxes, dtype=np.float32).reshape(-1, 4).copy()
        out[:, 0::2] = (out[:, 0::2] - self.pad_x) / (self.scale * self.width)
        out[:, 1::2] = (out[:, 1::2] - self.pad_y) / (self.scale * self.height)
        return np.clip(out, 0.0, 1.0)


def letterbox(frame: NDArray[Any], size: int) -> tuple[FloatArray, Letterbox]:
    """A BGR ``uint8`` frame as the model's ``[1, size, size, 3]`` RGB float input.

    The frame is scaled to fit (up or down) keeping its aspect ratio and
    centred on black padding, as the model was trained: stretching instead
    would squash a portrait frame's people into wide shapes.
    """
    if frame.size == 0:
        raise ValueError(f"empty frame (shape {frame.shape})")
    bgr = to_bgr(np.asarray(frame, dtype=np.uint8))
    height, width = bgr.shape[:2]
    scale = min(size / width, size / height)
    new_w = min(size, max(1, round(width * scale)))
    new_h = min(size, max(1, round(height * scale)))
    # INTER_AREA averages when shrinking (a 12 MP frame, without aliasing);
    # it is also much cheaper than converting colour at full resolution, so
    # the colour conversion comes after the resize.
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(bgr, (new_w, new_h), interpolation=interp)
    pad_x, pad_y = (size - new_w) // 2, (size - new_h) // 2
    canvas = np.zeros((size, size, 3), dtype=np.uint8)
    canvas[pad_y : pad_y + new_h, pad_x : pad_x + new_w] = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    tensor = canvas.astype(np.float32)[np.newaxis]
    return tensor, Letterbox(scale, pad_x, pad_y, width, height, size)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Candidate detections, before NMS: parallel arrays."""

    boxes: FloatArray
    """``(N, 4)`` x1,y1,x2,y2, normalised to the frame, clipped to 0..1."""
    scores: FloatArray
    classes: NDArray[np.intp]
    """Indices into :data:`device.vision.coco.COCO_LABELS`."""


def decode(detections: NDArray[Any], lb: Letterbox, *, score_threshold: float) -> Decoded:
    """The model's ``[1, K, 6]`` (x1, y1, x2, y2, score, class) rows as frame boxes.

    Coordinates are input pixels of the letterboxed image; they are mapped
    back through the letterbox.  Rows below the threshold, with a class the
    model should not produce (NaN, out of range), or whose box lies entirely
    in the padding (zero area once clipped to the frame) are dropped.
    """
    rows = np.asarray(detections, dtype=np.float32).reshape(-1, 6)
    scores = rows[:, 4]
    classes = rows[:, 5]
    ok = (
        np.isfinite(scores)
        & np.isfinite(classes)
        & (scores >= score_threshold)
        & (classes >= 0)
        & (classes < len(COCO_LABELS))
    )
    rows = rows[ok]
    boxes = lb.to_frame(rows[:, :4])
    visible = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    return Decoded(
        boxes=boxes[visible],
        scores=rows[visible, 4].copy(),
        classes=rows[visible, 5].astype(np.intp),
    )


def iou_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pairwise intersection over union of ``(N, 4)`` and ``(M, 4)`` boxes."""
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.asarray(np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0), np.float32)


def nms(
    boxes: FloatArray,
    scores: FloatArray,
    iou: float,
    classes: NDArray[np.intp] | None = None,
) -> NDArray[np.intp]:
    """Indices of the boxes to keep, best score first.

    A box is dropped when a better-scoring box *of the same class* overlaps
    it by more than ``iou``; boxes of different classes never suppress each
    other (a person on a bicycle is two things).  ``classes=None`` treats
    all boxes as one class.
    """
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float32).reshape(-1)
    if classes is None:
        classes = np.zeros(len(scores), dtype=np.intp)
    order = np.argsort(-scores, kind="stable")
    overlap = iou_matrix(boxes, boxes)
    suppressed = np.zeros(len(scores), dtype=bool)
    keep: list[int] = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        suppressed |= (overlap[i] > iou) & (classes == classes[i])
    return np.asarray(keep, dtype=np.intp)


class ObjectDetector(Resource):
    """One onnxruntime session for the detector, made once; ``detect`` per frame."""

    def __init__(
        self,
        *,
        threads: int | None = None,
        score_threshold: float = DEFAULT_SCORE_THRESHOLD,
        iou_threshold: float = DEFAULT_IOU,
        max_detections: int = MAX_DETECTIONS,
        name: str = MODEL_NAME,
        root: Path | None = None,
    ) -> None:
        self.score_threshold = score_threshold
        self.iou_threshold = iou_threshold
        self.max_detections = max_detections
        self._session: Any = open_session(name, threads=threads, root=root)
        first = self._session.get_inputs()[0]
        self._input: str = first.name
        self.size = int(first.shape[1])  # NHWC: [1, size, size, 3]
        # The graph has three outputs (heatmap, sizes, detections); only the
        # decoded detections are needed, so only they are computed and copied.
        self._output: str = next(o.name for o in self._session.get_outputs() if o.shape[-1] == 6)

    def detect(self, frame: NDArray[Any]) -> list[Detection]:
        """Objects in a BGR frame, best first, boxes normalised to the frame."""
        if self._session is None:
            raise RuntimeError("ObjectDetector is closed")
        tensor, lb = letterbox(frame, self.size)
        (raw,) = self._session.run([self._output], {self._input: tensor})
        found = decode(raw, lb, score_threshold=self.score_threshold)
        keep = nms(found.boxes, found.scores, self.iou_threshold, found.classes)
        return [
            Detection(
                label=COCO_LABELS[int(found.classes[i])],
                score=float(found.scores[i]),
                box=(
                    float(found.boxes[i, 0]),
                    float(found.boxes[i, 1]),
                    float(found.boxes[i, 2]),
                    float(found.boxes[i, 3]),
                ),
            )
            for i in keep[: self.max_detections]
        ]

    def close(self) -> None:
        self._session = None
