"""Fake GPIO: gpiozero's ``MockFactory`` pins, and a scripted finger.

The button and LED are the real :mod:`hardware.pi.gpio` adapters running on
mock pins, so the fake enforces the same rules the hardware does.  The
:class:`ScriptedPresser` is the test control: it drives the button pin the way
a finger would (low = pressed, since the button pulls to ground).
"""

from __future__ import annotations

import time
from typing import Any

#: The most state changes a fake pin remembers (see ``mock_pin_factory``).
KEPT_PIN_STATES = 1000


def mock_pin_factory() -> Any:
    """A fresh ``MockFactory`` whose pins support PWM (for ``PWMLED.pulse``).

    A mock pin records every change of state, for ``assert_states``, and
    keeps them all: the LED's pulses while thinking added about four a
    second, so a fake device running for days (the soak, the smoke image)
    grew without bound.  These pins keep the newest :data:`KEPT_PIN_STATES`.
    """
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    class BoundedHistoryPin(MockPWMPin):  # type: ignore[misc]  # gpiozero has no hints
        def _change_state(self, value: float) -> bool:
            changed: bool = super()._change_state(value)
            if len(self.states) > 2 * KEPT_PIN_STATES:  # trimmed now and then, not every change
                del self.states[:-KEPT_PIN_STATES]
            return changed

    return MockFactory(pin_class=BoundedHistoryPin)


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
