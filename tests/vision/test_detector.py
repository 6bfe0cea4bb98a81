"""The object detector: pure pre/post-processing, then the real model on real photos."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from device.checksums import sha256_of
from device.vision.coco import COCO_LABELS
from device.vision.detector import (
    DEFAULT_SCORE_THRESHOLD,
    Letterbox,
    ObjectDetector,
    decode,
    letterbox,
    nms,
)
from device.vision.models import load_manifest, verify
from device.vision.types import Detection

SCENES = Path(__file__).resolve().parents[2] / "device" / "scenes"


# -- letterbox ---------------------------------------------------------------


def test_letterbox_keeps_aspect_and_centres_a_landscape_frame() -> None:
    frame = np.full((100, 200, 3), 255, dtype=np.uint8)
    tensor, lb = letterbox(frame, 64)
    assert tensor.shape == (1, 64, 64, 3)
    assert tensor.dtype == np.float32
    assert lb.scale == pytest.approx(64 / 200)
    assert (lb.pad_x, lb.pad_y) == (0, 16)
    image = tensor[0]
    # 32 rows of picture in the middle, 16 rows of black above and below.
    assert image[:16].max() == 0 and image[48:].max() == 0
    assert image[16:48].min() == 255


def test_letterbox_pads_a_portrait_frame_left_and_right() -> None:
    tensor, lb = letterbox(np.full((300, 100, 3), 200, dtype=np.uint8), 60)
    assert (lb.pad_x, lb.pad_y) == (20, 0)
    assert tensor[0, :, :20].max() == 0 and tensor[0, :, 40:].max() == 0
    assert tensor[0, :, 20:40].min() == 200


def test_letterbox_feeds_rgb_from_a_bgr_frame() -> None:
    frame = np.zeros((10, 10, 3), dtype=np.uint8)
    frame[..., 0] = 255  # pure blue in OpenCV's BGR
    tensor, _ = letterbox(frame, 10)
    assert tensor[0, 5, 5].tolist() == [0.0, 0.0, 255.0]


def test_letterbox_inverse_maps_input_pixels_back_to_the_frame() -> None:
    _, lb = letterbox(np.zeros((100, 200, 3), dtype=np.uint8), 64)
    # The picture occupies x 0..64, y 16..48 of the input: its corners are the frame's.
    corners = np.array([[0, 16, 64, 48], [16, 24, 32, 40]], dtype=np.float32)
    mapped = lb.to_frame(corners)
    np.testing.assert_allclose(mapped[0], [0, 0, 1, 1], atol=1e-6)
    np.testing.assert_allclose(mapped[1], [0.25, 0.25, 0.5, 0.75], atol=1e-6)
    # Anything in the padding clips to the frame's edge.
    np.testing.assert_allclose(lb.to_frame(np.array([[-5, 0, 70, 10]]))[0], [0, 0, 1, 0])


def test_letterbox_handles_one_pixel_huge_grey_and_bgra_frames() -> None:
    tensor, lb = letterbox(np.full((1, 1, 3), 7, dtype=np.uint8), 32)
    assert tensor.shape == (1, 32, 32, 3) and lb.scale == 32
    assert tensor[0].max() == 7
    _, lb = letterbox(np.zeros((3000, 4000, 3), dtype=np.uint8), 512)
    assert lb.scale == pytest.approx(512 / 4000) and lb.pad_y == (512 - 384) // 2
    assert letterbox(np.zeros((20, 10), dtype=np.uint8), 16)[0].shape == (1, 16, 16, 3)
    assert letterbox(np.zeros((20, 10, 4), dtype=np.uint8), 16)[0].shape == (1, 16, 16, 3)
    with pytest.raises(ValueError, match="empty"):
        letterbox(np.zeros((0, 10, 3), dtype=np.uint8), 16)


# -- decode ------------------------------------------------------------------


def test_decode_undoes_the_letterbox_and_filters_rows() -> None:
    lb = Letterbox(scale=0.5, pad_x=0, pad_y=50, width=400, height=200, size=200)
    rows = np.array(
        [
            [100, 50, 200, 150, 0.9, 16],  # the whole right half of the frame: a dog
            [0, 50, 20, 60, 0.2, 0],  # below the threshold
            [0, 0, 200, 40, 0.8, 2],  # wholly in the top padding
            [-10, 40, 50, 100, 0.7, 1],  # crosses the edges: clipped
            [0, 50, 10, 60, 0.9, np.nan],  # not a class
            [0, 50, 10, 60, 0.9, 80],  # out of range
        ],
        dtype=np.float32,
    )[np.newaxis]
    out = decode(rows, lb, score_threshold=0.5)
    assert [COCO_LABELS[c] for c in out.classes] == ["dog", "bicycle"]
    np.testing.assert_allclose(out.boxes[0], [0.5, 0, 1, 1], atol=1e-6)
    np.testing.assert_allclose(out.boxes[1], [0, 0, 0.25, 0.5], atol=1e-6)
    np.testing.assert_allclose(out.scores, [0.9, 0.7], atol=1e-6)


# -- nms ---------------------------------------------------------------------


def test_nms_suppresses_overlapping_boxes_of_one_class_only() -> None:
    boxes = np.array(
        [
            [0.10, 0.10, 0.50, 0.50],
            [0.12, 0.11, 0.52, 0.50],  # same place, same class, lower: goes
            [0.11, 0.10, 0.50, 0.51],  # same place, another class: stays
            [0.60, 0.60, 0.90, 0.90],  # same class elsewhere: stays
        ],
        dtype=np.float32,
    )
    scores = np.array([0.6, 0.9, 0.5, 0.3], dtype=np.float32)
    classes = np.array([0, 0, 1, 0], dtype=np.intp)
    assert nms(boxes, scores, 0.5, classes).tolist() == [1, 2, 3]
    # Without classes all boxes compete, so the other class's copy goes too.
    assert nms(boxes, scores, 0.5).tolist() == [1, 3]
    # A loose enough threshold keeps everything, best first.
    assert nms(boxes, scores, 0.99, classes).tolist() == [1, 0, 2, 3]
    assert nms(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.5).tolist() == []


# -- the real model ----------------------------------------------------------


@pytest.fixture(scope="module")
def detector() -> Iterator[ObjectDetector]:
    with ObjectDetector(threads=2) as det:
        yield det


def photo(name: str) -> np.ndarray:
    frame = cv2.imread(str(SCENES / name))
    assert frame is not None, name
    return frame


def best(found: list[Detection], label: str) -> Detection:
    matches = [d for d in found if d.label == label]
    assert matches, f"no {label} in {[(d.label, round(d.score, 2)) for d in found]}"
    return matches[0]


def test_model_file_matches_the_manifest() -> None:
    entry = load_manifest()["objects"]
    path = verify(entry)
    assert sha256_of(path) == entry.sha256
    assert path.stat().st_size == entry.size
    assert entry.task == "objects" and entry.licence == "MIT"


def test_dog_photo_has_a_dog_lower_left_a_bicycle_and_a_truck_upper_right(
    detector: ObjectDetector,
) -> None:
    found = detector.detect(photo("dog.jpg"))
    assert [d.score for d in found] == sorted((d.score for d in found), reverse=True)
    assert all(d.score >= DEFAULT_SCORE_THRESHOLD for d in found)
    dog, bicycle, truck = (best(found, x) for x in ("dog", "bicycle", "truck"))
    centre = lambda d: ((d.box[0] + d.box[2]) / 2, (d.box[1] + d.box[3]) / 2)  # noqa: E731
    dx, dy = centre(dog)
    assert dx < 0.45 and dy > 0.55, dog.box
    tx, ty = centre(truck)
    assert tx > 0.55 and ty < 0.4, truck.box
    assert 0.2 < centre(bicycle)[0] < 0.7, bicycle.box
    for d in found:
        x1, y1, x2, y2 = d.box
        assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("person.jpg", {"person", "dog", "horse"}),
        ("horses.jpg", {"horse"}),
        ("eagle.jpg", {"bird"}),
        ("giraffe.jpg", {"giraffe", "zebra"}),
    ],
)
def test_other_photos_find_their_classes(
    detector: ObjectDetector, name: str, expected: set[str]
) -> None:
    labels = {d.label for d in detector.detect(photo(name))}
    assert expected <= labels, labels


def test_a_painting_with_no_coco_object_gives_nothing(detector: ObjectDetector) -> None:
    assert detector.detect(photo("scream.jpg")) == []


def test_one_pixel_black_and_huge_frames(detector: ObjectDetector) -> None:
    assert detector.detect(np.full((1, 1, 3), 128, dtype=np.uint8)) == []
    assert detector.detect(np.zeros((480, 640, 3), dtype=np.uint8)) == []
    # 12 MP, as a Camera Module 3 still: downscaled by the letterbox, same answer.
    huge = cv2.resize(photo("dog.jpg"), (4056, 3040), interpolation=cv2.INTER_LINEAR)
    assert {"dog", "bicycle"} <= {d.label for d in detector.detect(huge)}
