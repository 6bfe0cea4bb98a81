"""Fake eyes for skill tests: the real vision pipeline's rules, a fixed scene."""

from __future__ import annotations

from dataclasses import replace

from device.vision.pipeline import SceneReport
from hardware.errors import CameraError
from hardware.ports import Frame


class FakeEyes:
    """Eyes that always see ``scene`` (its text only on a look that reads text)."""

    def __init__(
        self,
        scene: SceneReport,
        *,
        reads_text: bool = True,
        speculative: SceneReport | CameraError | None = None,
    ) -> None:
        self._scene = scene
        self._reads_text = reads_text
        self._speculative = speculative
        self.last: SceneReport | None = None
        self.looks: list[bool] = []
        """Whether each fresh look read text, in order."""

    @property
    def reads_text(self) -> bool:
        return self._reads_text

    def look(self, frame: Frame, *, read_text: bool | None = None) -> SceneReport:
        reading = self._reads_text if read_text is None else read_text
        self.looks.append(reading)
        self.last = self._scene if reading else replace(self._scene, texts=())
        return self.last

    def recent(self, *, max_age: float = 10.0) -> SceneReport | None:
        got, self._speculative = self._speculative, None  # one question each
        if isinstance(got, CameraError):
            raise got
        if got is not None:
            self.last = got
        return got
