"""A hand-written :class:`~device.skills.base.SkillContext` for skill tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from device.dialogue import Topic
from device.language import Language
from device.skills.base import Answer
from hardware.errors import CameraError
from hardware.ports import Frame


@dataclass(frozen=True)
class Context:
    """Everything a skill may read, fixed at construction.

    ``frame=None`` stands for a camera that does not answer: :meth:`capture`
    then raises :class:`CameraError`, as a real camera adapter would.
    """

    language: Language = "en"
    volume: float = 0.5
    last_answer: Answer | None = None
    clock: datetime = datetime(2024, 5, 17, 10, 40)
    frame: Frame | None = None
    topic: Topic | None = None

    def now(self) -> datetime:
        return self.clock

    def capture(self) -> Frame:
        if self.frame is None:
            raise CameraError("camera timed out after 2.0 s")
        return self.frame


def solid(bgr: tuple[int, int, int], *, width: int = 64, height: int = 48) -> Frame:
    """A frame of one colour."""
    return np.full((height, width, 3), bgr, dtype=np.uint8)
