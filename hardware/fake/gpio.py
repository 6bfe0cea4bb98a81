"""Fake GPIO: gpiozero's ``MockFactory`` pins, and a scripted finger.

The button and LED are the real :mod:`hardware.pi.gpio` adapters running on
mock pins, so the fake enforces the same rules the hardware does.  The
:class:`ScriptedPresser` is the test control: it drives the button pin the way
a finger would (low = pressed, since the button pulls to ground).
"""

from __future__ import annotations

import time
from typing import Any


def mock_pin_factory() -> Any:
    """A fresh ``MockFactory`` whose pins support PWM (for ``PWMLED.pulse``)."""
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    return MockFactory(pin_class=MockPWMPin)


class ScriptedPresser:
    """Presses and releases the mock talk button.

    With ``MockFactory``, ``drive_low()`` runs gpiozero's ``when_pressed``
    synchronously on this thread (on a Pi it runs on a background thread);
    our button adapter only enqueues, so either way the press is delivered
    without waiting on the device.
    """

    def __init__(self, *, pin_factory: Any, pin: int) -> None:
        self._pin = pin_factory.pin(pin)

    def press(self) -> None:
        self._pin.drive_low()

    def release(self) -> None:
        self._pin.drive_high()

    def tap(self, *, duration: float = 0.08) -> None:
        self.press()
        time.sleep(duration)
        self.release()

    def double_press(self, *, duration: float = 0.08, gap: float = 0.12) -> None:
        self.tap(duration=duration)
        time.sleep(gap)
        self.tap(duration=duration)

    @property
    def is_pressed(self) -> bool:
        return not bool(self._pin.state)


def pin_level(pin_factory: Any, pin: int) -> float:
    """The level a mock output pin is driven to (0..1; PWM gives fractions)."""
    return float(pin_factory.pin(pin).state)
