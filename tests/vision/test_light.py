"""Light level and colour names, on synthetic frames and on real photos."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import cv2
import numpy as np
import pytest

from device.vision.light import (
    COLOUR_NAMES,
    THUMB_SIDE,
    ColourName,
    box_colours,
    colour_name,
    colours_in,
    dominant_colours,
    is_too_dark,
    measure,
    measure_light,
    thumbnail,
)
from hardware.ports import Frame


def solid(bgr: tuple[int, int, int], *, width: int = 64, height: int = 48) -> Frame:
    return np.full((height, width, 3), bgr, dtype=np.uint8)


# BGR values a person would name without hesitating.
NAMED: list[tuple[tuple[int, int, int], ColourName]] = [
    ((0, 0, 255), "red"),
    ((40, 30, 200), "red"),
    ((0, 128, 255), "orange"),
    ((0, 215, 255), "yellow"),
    ((0, 255, 255), "yellow"),
    ((0, 200, 0), "green"),
    ((50, 140, 60), "green"),
    ((255, 0, 0), "blue"),
    ((230, 216, 173), "blue"),  # light blue
    ((128, 0, 128), "purple"),
    ((200, 60, 130), "purple"),
    ((203, 192, 255), "pink"),
    ((180, 105, 255), "pink"),
    ((19, 69, 139), "brown"),
    ((30, 60, 100), "brown"),
    ((255, 255, 255), "white"),
    ((235, 240, 238), "white"),
    ((128, 128, 128), "grey"),
    ((90, 95, 92), "grey"),
    ((0, 0, 0), "black"),
    ((20, 25, 22), "black"),
]


@pytest.mark.parametrize(("bgr", "name"), NAMED)
def test_colour_names(bgr: tuple[int, int, int], name: ColourName) -> None:
    assert colour_name(bgr) == name
    # A whole frame of it is that colour, all of it.
    shares = measure(solid(bgr)).colours
    assert [(c.name, c.share) for c in shares] == [(name, 1.0)]


def test_every_name_is_reachable() -> None:
    assert {name for _, name in NAMED} == set(COLOUR_NAMES)


def test_pure_red_frame() -> None:
    scene = measure(solid((0, 0, 255)))
    assert scene.dominant()[0].name == "red"
    assert not scene.light.too_dark


def test_black_frame_is_too_dark() -> None:
    frame = np.zeros((480, 640, 3), dtype=np.uint8)
    light = measure_light(frame)
    assert light.too_dark and light.word == "very dark" and light.level == 0.0
    assert is_too_dark(frame)


def test_dark_noise_is_too_dark_but_one_lamp_is_not() -> None:
    rng = np.random.default_rng(3)
    dark = rng.integers(0, 20, size=(480, 640, 3), dtype=np.uint8)
    assert is_too_dark(dark)
    lit = dark.copy()
    lit[100:260, 200:440] = 230  # a lamp filling an eighth of the view
    light = measure_light(lit)
    assert not light.too_dark
    assert light.word in ("very dark", "dark")  # still a dark room overall


def test_a_saturated_blue_wall_is_dark_looking_but_visible() -> None:
    light = measure_light(solid((255, 0, 0)))
    assert light.level < 0.15  # pure blue has little luma ...
    assert not light.too_dark  # ... but is plainly visible


@pytest.mark.parametrize(
    ("grey", "word"),
    [
        (20, "very dark"),
        (50, "dark"),
        (90, "dim"),
        (128, "fairly bright"),
        (180, "bright"),
        (230, "very bright"),
    ],
)
def test_light_words_follow_the_mean_level(grey: int, word: str) -> None:
    light = measure_light(solid((grey, grey, grey)))
    assert light.level == pytest.approx(grey / 255, abs=0.005)
    assert light.word == word


def test_one_pixel_frame() -> None:
    scene = measure(np.array([[[0, 0, 255]]], dtype=np.uint8))
    assert [c.name for c in scene.colours] == ["red"]
    assert scene.light.level == pytest.approx(0.299, abs=0.01)  # Rec. 601 red weight
    assert measure(np.zeros((1, 1, 3), dtype=np.uint8)).light.too_dark


def test_large_frame_is_measured_on_a_thumbnail_without_big_copies() -> None:
    frame = np.zeros((3000, 4000, 3), dtype=np.uint8)
    frame[:, :2000] = (0, 0, 255)  # left half red
    frame[:, 2000:] = (255, 255, 255)  # right half white
    tracemalloc.start()
    try:
        scene = measure(frame)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < frame.nbytes // 10  # no full-size float or HSV copy was made
    assert {c.name: round(c.share, 2) for c in scene.colours} == {"red": 0.5, "white": 0.5}
    assert thumbnail(frame).shape == (72, THUMB_SIDE, 3)


def test_thumbnail_never_enlarges_and_keeps_the_aspect() -> None:
    small = solid((1, 2, 3), width=40, height=30)
    assert thumbnail(small) is small
    assert thumbnail(solid((1, 2, 3), width=5000, height=10)).shape == (1, THUMB_SIDE, 3)
    assert thumbnail(solid((1, 2, 3), width=10, height=5000)).shape == (THUMB_SIDE, 1, 3)


def test_a_non_contiguous_view_is_fine() -> None:
    frame = np.zeros((200, 300, 3), dtype=np.uint8)
    frame[:, :, 2] = 255
    view = frame[::2, ::3]  # a strided view, as a crop or decimation gives
    assert [c.name for c in measure(view).colours] == ["red"]


def test_shares_are_sorted_and_dominant_filters_them() -> None:
    # Small enough not to be resized, so no edge pixels blend into new colours.
    frame = np.zeros((50, 80, 3), dtype=np.uint8)
    frame[:30] = (255, 0, 0)  # 60 % blue
    frame[30:45] = (0, 200, 0)  # 30 % green
    frame[45:] = (0, 0, 255)  # 10 % red
    scene = measure(frame)
    assert [(c.name, round(c.share, 2)) for c in scene.colours] == [
        ("blue", 0.6),
        ("green", 0.3),
        ("red", 0.1),
    ]
    assert sum(c.share for c in scene.colours) == pytest.approx(1.0)
    assert [c.name for c in scene.dominant()] == ["blue", "green"]
    assert [c.name for c in scene.dominant(min_share=0.05)] == ["blue", "green", "red"]
    assert [c.name for c in scene.dominant(limit=1)] == ["blue"]
    assert [c.name for c in dominant_colours(frame, limit=2, min_share=0.0)] == ["blue", "green"]


def test_details_are_plain_values() -> None:
    details = measure(solid((0, 0, 255))).as_details()
    assert details["colours"] == {"red": 1.0}
    assert details["too_dark"] is False
    assert isinstance(details["light_level"], float)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((0, 10, 3), dtype=np.uint8),
        np.zeros((10, 10), dtype=np.uint8),
        np.zeros((10, 10, 4), dtype=np.uint8),
        np.zeros((10, 10, 3), dtype=np.float32),
    ],
)
def test_malformed_frames_are_refused(bad: Frame) -> None:
    with pytest.raises(ValueError, match="frame"):
        measure(bad)


# -- real photos -------------------------------------------------------------

_PHOTO_DIRS = (
    Path(__file__).resolve().parents[2] / "device" / "scenes",
    Path("/usr/share/darknet/data"),  # Debian's darknet package
)


def _photo(name: str) -> Frame:
    for folder in _PHOTO_DIRS:
        path = folder / name
        if path.exists():
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            assert image is not None, f"{path} did not decode"
            return np.asarray(image, dtype=np.uint8)
    pytest.skip(f"no {name} in {', '.join(map(str, _PHOTO_DIRS))}")


@pytest.mark.parametrize(
    ("name", "main"),
    [
        ("giraffe.jpg", ["green", "brown"]),  # a giraffe and a zebra in foliage
        ("horses.jpg", ["brown", "blue", "grey"]),  # dry grassland, grey-blue sky
        ("person.jpg", ["brown", "blue"]),  # the same grass, sky and a blue jacket
        ("dog.jpg", ["grey", "yellow", "green"]),  # grey porch, yellow wall, trees
        # Munch's sky is orange and ochre in near-equal parts, so no order.
        ("scream.jpg", {"orange", "brown", "black"}),
    ],
)
def test_real_photos(name: str, main: list[ColourName] | set[ColourName]) -> None:
    scene = measure(_photo(name))
    named = [c.name for c in scene.dominant(limit=len(main), min_share=0.1)]
    if isinstance(main, set):
        assert set(named) == main, scene.colours
    else:
        assert named == main, scene.colours
    assert not scene.light.too_dark
    assert scene.light.word in ("dim", "fairly bright", "bright")


def test_a_real_photo_darkened_becomes_too_dark() -> None:
    photo = _photo("dog.jpg")
    assert not is_too_dark(photo)
    night = (photo.astype(np.uint16) * 2 // 50).astype(np.uint8)  # about 1/25 of the light
    assert is_too_dark(night)


# --- the colour of one thing, in its box ----------------------------------------

BOX = (0.3, 0.3, 0.7, 0.7)


def _wall(bgr: tuple[int, int, int]) -> np.ndarray:
    return np.full((240, 320, 3), bgr, dtype=np.uint8)


def test_a_thin_coloured_thing_against_its_background_is_its_own_colour() -> None:
    """A bicycle's thin red frame in front of a grey wall: more grey than red in
    its box, but the grey is the wall's."""
    frame = _wall((128, 128, 128))
    x1, y1, x2 = 96, 72, 224  # BOX in pixels (it ends at row 168)
    for offset in range(0, 96, 12):  # thin red bars across the box
        frame[y1 + offset // 2 : y1 + offset // 2 + 3, x1:x2] = (30, 30, 200)
    assert colours_in(frame, BOX)[0] == "red"


def test_a_white_horse_on_green_grass_is_white() -> None:
    frame = _wall((40, 160, 40))
    frame[80:160, 110:210] = (235, 235, 235)
    assert colours_in(frame, BOX) == ("white",)


def test_a_thing_the_colour_of_its_surroundings_takes_that_colour() -> None:
    assert colours_in(_wall((128, 128, 128)), BOX) == ("grey",)


def test_two_colours_are_named_when_both_stand_out() -> None:
    frame = _wall((40, 160, 40))
    frame[72:120, 96:224] = (200, 60, 20)  # blue top
    frame[120:168, 96:224] = (10, 10, 10)  # black bottom
    assert set(colours_in(frame, BOX)) == {"blue", "black"}


def test_boxes_at_the_edge_of_the_frame_are_measured() -> None:
    frame = _wall((30, 30, 200))
    assert box_colours(frame, [(0.0, 0.0, 0.2, 0.2), (0.9, 0.9, 1.0, 1.0)]) == [("red",), ("red",)]
