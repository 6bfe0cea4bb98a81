"""The ports: what the assistant may ask of the hardware, and nothing more.

Each port is a ``typing.Protocol``.  The Pi adapters (``hardware.pi``) and the
fakes (``hardware.fake``) implement them; the assistant (``device``) sees only
these shapes and plain data.  Every port holds a resource, so every port has
``close()`` and works as a context manager (via :class:`Resource`).

Threading contract: callbacks registered on a port (button events) may arrive
on any thread.  A listener must only hand the event over (enqueue) and return.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

#: Frames are BGR, ``uint8``, shape ``(height, width, 3)``: OpenCV's layout, and
#: picamera2's ``RGB888`` is the same bytes.
Frame = npt.NDArray[np.uint8]

#: Mono signed 16-bit PCM samples.
Pcm = npt.NDArray[np.int16]

#: The microphone's fixed format: what both recognisers want.
MIC_RATE = 16_000


class Resource:
    """Mixin giving ``with`` support to anything with ``close()``."""

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@runtime_checkable
class Camera(Protocol):
    """A camera that can hand over its latest frame."""

    @property
    def resolution(self) -> tuple[int, int]:
        """``(width, height)`` of the frames :meth:`capture` returns."""
        ...

    def capture(self) -> Frame:
        """The latest frame (BGR).  Raises ``CameraError`` if none can be had."""
        ...

    def close(self) -> None: ...


class ButtonEventKind(enum.Enum):
    PRESSED = "pressed"
    RELEASED = "released"
    HELD = "held"


@dataclass(frozen=True, slots=True)
class ButtonEvent:
    kind: ButtonEventKind
    timestamp: float
    """``time.monotonic()`` seconds when the edge was seen."""


ButtonListener = Callable[[ButtonEvent], None]


@runtime_checkable
class Button(Protocol):
    """The talk button.  Debounced; reports press, release and hold."""

    @property
    def is_pressed(self) -> bool: ...

    def set_listener(self, listener: ButtonListener | None) -> None:
        """Deliver every event to ``listener`` (on any thread), or stop."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class StatusLed(Protocol):
    """One status light (or a vibration motor driven the same way)."""

    def on(self) -> None: ...

    def off(self) -> None: ...

    def blink(self, *, on_time: float, off_time: float) -> None:
        """Blink in the background until told otherwise."""
        ...

    def pulse(self, *, fade_in: float, fade_out: float) -> None:
        """Breathe in the background; a non-PWM LED blinks instead."""
        ...

    @property
    def is_lit(self) -> bool: ...

    def close(self) -> None: ...


@runtime_checkable
class Microphone(Protocol):
    """16 kHz mono int16 audio, in chunks, while started."""

    @property
    def sample_rate(self) -> int: ...

    def start(self) -> None:
        """Begin capturing.  Chunks queue up until :meth:`read` takes them."""
        ...

    def read(self, timeout: float) -> Pcm | None:
        """The next chunk, or ``None`` if none arrived within ``timeout`` s."""
        ...

    def stop(self) -> None:
        """Stop capturing and drop anything not yet read."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Earpiece(Protocol):
    """Plays mono int16 PCM at :attr:`sample_rate`; can be cut off at once."""

    @property
    def sample_rate(self) -> int: ...

    def play(self, pcm: Pcm) -> None:
        """Queue ``pcm`` behind anything already queued; returns at once."""
        ...

    def stop(self) -> None:
        """Silence now and drop everything queued (barge-in)."""
        ...

    def wait_done(self, timeout: float) -> bool:
        """Block until everything queued has been heard.

        Returns ``True`` when playback finished, ``False`` on timeout or if
        :meth:`stop` cut it short.
        """
        ...

    @property
    def is_playing(self) -> bool: ...

    def close(self) -> None: ...
