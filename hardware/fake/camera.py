"""A camera that shows files: one image, a folder of images, or a video.

Frames are read through OpenCV, so they arrive in the same BGR layout as
picamera2's ``RGB888``.  A folder advances one image per capture and a video
one frame per capture, both looping, so a scripted scene can change between
questions.  Test controls: :meth:`FileCamera.fail_next` makes the camera
"stop answering", as a loose ribbon cable would.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from hardware.errors import CameraError, DeviceClosed
from hardware.ports import Frame, Resource

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
#: Beyond this many pixels a frame is scaled down on load: a 12 MP photo would
#: otherwise cost ~36 MB per frame for no gain (the models look at < 1 MP).
MAX_PIXELS = 4_000_000


def _fit(frame: Frame, max_pixels: int) -> Frame:
    h, w = frame.shape[:2]
    if h * w <= max_pixels:
        return frame
    scale = (max_pixels / (h * w)) ** 0.5
    size = (max(1, int(w * scale)), max(1, int(h * scale)))
    return np.asarray(cv2.resize(frame, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


#: No photo is this big; reading one whole would cost the memory a Zero lacks.
MAX_IMAGE_BYTES = 100_000_000


def truncation(data: bytes) -> str | None:
    """Why a JPEG or PNG is cut short, or None if it is whole (or another format).

    OpenCV decodes a truncated JPEG without an error, filling the missing
    part with grey, and the device would then describe the grey.
    """
    if data.startswith(b"\xff\xd8"):
        # In a JPEG's coded data a 0xFF byte is always followed by 0x00 or a
        # restart marker, so the end-of-image marker after the last
        # start-of-scan is the real end (a thumbnail's comes before it).
        # (With no scan at all it is not a photo cut short: OpenCV says so.)
        scan = data.rfind(b"\xff\xda")
        if scan >= 0 and data.find(b"\xff\xd9", scan) < 0:
            return "the JPEG is cut short (no end-of-image marker)"
    elif data.startswith(b"\x89PNG\r\n\x1a\n") and data.rfind(b"IEND", len(data) - 64) < 0:
        return "the PNG is cut short (no IEND chunk)"
    return None


def read_image(path: Path, *, max_pixels: int = MAX_PIXELS) -> Frame:
    """Decode an image file as BGR, or raise :class:`CameraError` saying why."""
    if path.is_dir():
        raise CameraError(f"{path}: is a folder; give one image file")
    if not path.is_file():
        raise CameraError(f"{path}: no such image file")
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise CameraError(f"{path}: {size:,} bytes is too big for an image")
        data = path.read_bytes()
    except OSError as exc:
        raise CameraError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    why = truncation(data)
    if why is not None:
        raise CameraError(f"{path}: {why}")
    # IMREAD_REDUCED_* would be faster for huge JPEGs, but it is JPEG-only;
    # decode then resize keeps every format working.
    try:  # OpenCV asserts on an empty buffer rather than returning None
        frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    except cv2.error:
        frame = None
    if frame is None:
        raise CameraError(f"{path}: not an image OpenCV can read")
    return _fit(np.asarray(frame, dtype=np.uint8), max_pixels)


class FileCamera(Resource):
    """The fake camera."""

    def __init__(self, *, source: str | Path, max_pixels: int = MAX_PIXELS) -> None:
        self._source = Path(source)
        self._max_pixels = max_pixels
        self._lock = threading.Lock()
        self._closed = False
        self._fail_next = 0
        self._index = 0
        self._video: Any = None
        self._images: list[Path] = []
        if self._source.is_dir():
            self._images = sorted(
                p for p in self._source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
            )
            if not self._images:
                raise CameraError(f"{self._source}: folder holds no images")
        elif self._source.suffix.lower() in IMAGE_SUFFIXES:
            self._images = [self._source]
        elif self._source.is_file():
            self._video = cv2.VideoCapture(str(self._source))
            if not self._video.isOpened():
                raise CameraError(f"{self._source}: neither an image nor a video OpenCV can read")
        else:
            raise CameraError(f"{self._source}: no such image, folder or video")
        # Read the first frame now so a bad file fails at start-up, not mid-question.
        self._current = self._next_frame()

    def _next_frame(self) -> Frame:
        if self._video is not None:
            ok, frame = self._video.read()
            if not ok:  # end of the video: loop
                self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = self._video.read()
            if not ok:
                raise CameraError(f"{self._source}: video has no readable frames")
            return _fit(np.asarray(frame, dtype=np.uint8), self._max_pixels)
        path = self._images[self._index % len(self._images)]
        self._index += 1
        return read_image(path, max_pixels=self._max_pixels)

    @property
    def resolution(self) -> tuple[int, int]:
        h, w = self._current.shape[:2]
        return (w, h)

    def fail_next(self, count: int = 1) -> None:
        """Test control: the next ``count`` captures raise ``CameraError``."""
        with self._lock:
            self._fail_next = count

    def capture(self) -> Frame:
        with self._lock:
            if self._closed:
                raise DeviceClosed("the camera is closed")
            if self._fail_next > 0:
                self._fail_next -= 1
                raise CameraError("the camera isn't answering")
            frame = self._current
            if self._video is not None or len(self._images) > 1:
                self._current = self._next_frame()
            return frame.copy()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._video is not None:
                self._video.release()
