"""The Camera port's contract, run against every camera backend that loads here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.errors import BackendUnavailable, CameraError, DeviceClosed
from hardware.fake.camera import FileCamera
from hardware.ports import Camera

SCENES = Path(__file__).parents[2] / "device" / "scenes"


def _pi_camera() -> Camera:
    from hardware.pi.camera import PiCamera

    try:
        return PiCamera(width=640, height=480)
    except (BackendUnavailable, CameraError) as exc:
        pytest.skip(f"no Pi camera here: {exc}")


BACKENDS: dict[str, Callable[[], Camera]] = {
    "fake-image": lambda: FileCamera(source=SCENES / "dog.jpg"),
    "pi": _pi_camera,
}


@pytest.fixture(params=sorted(BACKENDS))
def camera(request: pytest.FixtureRequest) -> Iterator[Camera]:
    cam = BACKENDS[request.param]()
    yield cam
    cam.close()


def test_capture_is_bgr_uint8_at_reported_resolution(camera: Camera) -> None:
    frame = camera.capture()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    w, h = camera.resolution
    assert frame.shape[:2] == (h, w)
    assert frame.std() > 5  # a real picture, not a blank buffer


def test_capture_after_close_raises_and_close_is_idempotent(camera: Camera) -> None:
    camera.close()
    camera.close()
    with pytest.raises(DeviceClosed):
        camera.capture()


# ---------------------------------------------------------------- fake-specific


def test_image_is_bgr_like_opencv(tmp_path: Path) -> None:
    img = np.zeros((40, 60, 3), np.uint8)
    img[:, :, 2] = 255  # pure red in BGR
    path = tmp_path / "red.png"
    cv2.imwrite(str(path), img)
    with FileCamera(source=path) as cam:
        frame = cam.capture()
    assert cam.resolution == (60, 40)
    assert frame[0, 0].tolist() == [0, 0, 255]


def test_folder_advances_one_image_per_capture_and_loops(tmp_path: Path) -> None:
    for i, level in enumerate((10, 200)):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((8, 8, 3), level, np.uint8))
    with FileCamera(source=tmp_path) as cam:
        levels = [int(cam.capture().mean()) for _ in range(3)]
    assert levels == [10, 200, 10]


def test_video_frames_advance_and_loop(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (32, 24))
    for level in (20, 120, 220):
        writer.write(np.full((24, 32, 3), level, np.uint8))
    writer.release()
    with FileCamera(source=path) as cam:
        levels = [int(cam.capture().mean()) for _ in range(4)]
    assert [round(v, -1) for v in levels] == [20, 120, 220, 20]


def test_huge_image_is_downscaled_on_load(tmp_path: Path) -> None:
    path = tmp_path / "12mp.png"
    cv2.imwrite(str(path), np.full((3000, 4000, 3), 90, np.uint8))
    with FileCamera(source=path) as cam:
        w, h = cam.resolution
        assert w * h <= 4_000_000 and abs(w / h - 4 / 3) < 0.01


@pytest.mark.parametrize("content", [b"", b"not an image at all"])
def test_unreadable_files_fail_with_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    with pytest.raises(CameraError, match="not an image"):
        FileCamera(source=path)


def test_missing_source_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="no such"):
        FileCamera(source=tmp_path / "absent.jpg")
    with pytest.raises(CameraError, match="no images"):
        FileCamera(source=tmp_path)


def test_fail_next_simulates_a_camera_that_stops_answering() -> None:
    with FileCamera(source=SCENES / "dog.jpg") as cam:
        cam.fail_next()
        with pytest.raises(CameraError, match="isn't answering"):
            cam.capture()
        assert cam.capture().size > 0  # and it recovers
