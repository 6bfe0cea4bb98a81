"""Frame shapes the vision stages accept.

Camera frames are BGR ``uint8`` (OpenCV's layout, and picamera2's RGB888);
grey and BGRA images (from files, or a different camera format) are converted
rather than crashing a stage.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt


def to_bgr(frame: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """A ``uint8`` frame as 3-channel BGR; ValueError for any other shape."""
    if frame.ndim == 2:
        return np.asarray(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 3:
        return np.asarray(frame, dtype=np.uint8)
    raise ValueError(f"expected an HxW, HxWx3 or HxWx4 frame, got shape {frame.shape}")
