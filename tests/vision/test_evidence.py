"""What it takes to name a thing (device/vision/evidence.py), on real frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.honest_vision import notice, shapes_logo
from device.language.scene import describe
from device.vision.evidence import backed, box_edges, edge_map
from device.vision.pipeline import VisionPipeline
from device.vision.types import Detection
from hardware.fake.camera import read_image

ROOT = Path(__file__).parents[2]
FRAMES = ROOT / "bench" / "frames"
SCENES = ROOT / "device" / "scenes"


def test_a_box_on_a_flat_frame_is_not_backed_and_one_on_a_photo_is() -> None:
    flat = np.full((480, 640, 3), 200, np.uint8)
    assert not edge_map(flat).any()
    claim = Detection("kite", 0.9, (0.2, 0.2, 0.6, 0.6))
    assert backed([claim], flat) == []
    dog = read_image(SCENES / "dog.jpg")
    assert box_edges(edge_map(dog), (0.15, 0.35, 0.42, 0.95)) > 0.3  # the dog's box
    real = Detection("dog", 0.38, (0.15, 0.35, 0.42, 0.95))
    assert backed([real], dog) == [real]


def test_a_sparse_frame_needs_a_sure_score() -> None:
    """A wall with one small busy patch (a pin, a crater): the box has edges,
    the frame has few, so only a sure score names a thing there."""
    frame = np.full((480, 640, 3), 180, np.uint8)
    frame[200:240, 300:340] = np.random.default_rng(0).integers(0, 255, (40, 40, 3))
    box = (300 / 640, 200 / 480, 340 / 640, 240 / 480)
    assert box_edges(edge_map(frame), box) > 0.5
    unsure, sure = Detection("kite", 0.33, box), Detection("kite", 0.6, box)
    assert backed([unsure, sure], frame) == [sure]


@pytest.fixture(scope="module")
def eyes() -> VisionPipeline:
    return VisionPipeline()


@pytest.mark.parametrize(
    "frame",
    [
        lambda: notice(1),
        lambda: shapes_logo(2),
        lambda: read_image(FRAMES / "logo.jpg"),
        lambda: read_image(FRAMES / "retina.jpg"),
        lambda: read_image(FRAMES / "moon.jpg"),
    ],
    ids=["notice", "shapes-logo", "logo", "retina", "moon"],
)
def test_frames_with_nothing_in_them_name_nothing(eyes: VisionPipeline, frame: object) -> None:
    """Issue 13: "A person close ahead. Someone looks fear. A kite close ahead." for a logo."""
    assert callable(frame)
    report = eyes.look(frame())
    assert report.objects == () and report.faces == ()
    said = describe(report, "en").text
    assert "ahead" not in said and "looks" not in said, said


def test_the_photos_keep_their_things(eyes: VisionPipeline) -> None:
    for name, things in (("dog", {"dog", "bicycle", "truck"}), ("giraffe", {"giraffe", "zebra"})):
        labels = {o.label for o in eyes.look(read_image(SCENES / f"{name}.jpg")).objects}
        assert things <= labels, (name, labels)
