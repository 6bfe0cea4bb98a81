"""The libcamera camera, through picamera2.

picamera2 is imported inside the constructor: it needs libcamera's Python
bindings, which exist only on Raspberry Pi OS (``apt install python3-picamera2``),
and importing it at module level would make this package unusable elsewhere
(the mistake picamera2 itself makes with libcamera).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from hardware.errors import BackendUnavailable, CameraError, DeviceClosed
from hardware.ports import Frame, Resource

log = logging.getLogger(__name__)


def _ignore(job: object) -> None:
    """picamera2 returns a waitable job only when given a signal function."""


class PiCamera(Resource):
    """Camera Module 3 / AI Camera, streaming ``RGB888`` (BGR bytes, like OpenCV)."""

    def __init__(self, *, width: int, height: int, camera_num: int = 0) -> None:
        try:
            from picamera2 import Picamera2
        except ImportError as exc:
            raise BackendUnavailable(
                f"picamera2 is not available ({exc}); on Raspberry Pi OS: "
                "apt install python3-picamera2 and use a venv with --system-site-packages"
            ) from None
        try:
            cams = Picamera2.global_camera_info()
        except RuntimeError as exc:
            raise CameraError(f"libcamera cannot list cameras: {exc}") from None
        if not cams:
            raise CameraError("no camera found: check the ribbon cable and camera_auto_detect=1")
        self._lock = threading.Lock()
        self._closed = False
        self._cam: Any = Picamera2(camera_num)
        try:
            # A low-rate stream keeps a fresh frame ready without loading the CPU.
            config = self._cam.create_still_configuration(
                main={"size": (width, height), "format": "RGB888"},
                buffer_count=2,
                controls={"FrameRate": 5.0},
            )
            self._cam.configure(config)
            self._cam.start()
        except RuntimeError as exc:
            self._cam.close()
            raise CameraError(f"the camera would not start: {exc}") from None
        self._size = (width, height)

    @property
    def resolution(self) -> tuple[int, int]:
        return self._size

    def capture(self) -> Frame:
        with self._lock:
            if self._closed:
                raise DeviceClosed("the camera is closed")
            try:
                # Ask for a job and wait on it with a timeout: a hung sensor
                # must not hang the device (a plain capture_array blocks forever).
                job = self._cam.capture_array("main", signal_function=_ignore)
                frame = self._cam.wait(job, timeout=2.0)
            except (RuntimeError, TimeoutError) as exc:
                raise CameraError(f"the camera isn't answering ({exc})") from None
        return np.ascontiguousarray(frame[:, :, :3], dtype=np.uint8)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._cam.stop()
            finally:
                self._cam.close()
