"""The talk button and status LED, through gpiozero.

The same adapter serves the real Pi and the fake device: gpiozero separates
device meaning from the pin backend, so the fake passes gpiozero's own
``MockFactory`` as ``pin_factory`` and everything above the pins (debounce
logic, hold timer, PWM pulsing) is gpiozero's real code.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from hardware.errors import BackendUnavailable, DeviceClosed, GpioError
from hardware.ports import ButtonEvent, ButtonEventKind, ButtonListener, Resource

log = logging.getLogger(__name__)


def _import_gpiozero() -> Any:
    try:
        import gpiozero
    except ImportError as exc:  # pragma: no cover - gpiozero is a core dependency
        raise BackendUnavailable(f"gpiozero is not installed ({exc})") from None
    return gpiozero


def default_pin_factory() -> Any:
    """gpiozero's real pin factory for this board, or ``BackendUnavailable``.

    gpiozero tries lgpio, RPi.GPIO, pigpio, then a native driver; off a Pi all
    fail and it raises ``BadPinFactory``, which we turn into one line.
    """
    gpiozero = _import_gpiozero()
    import warnings

    with warnings.catch_warnings():
        # gpiozero warns once per fallback it tries; the final error says enough.
        warnings.simplefilter("ignore")
        try:
            return gpiozero.Device._default_pin_factory()
        except gpiozero.BadPinFactory:
            raise BackendUnavailable(
                "no GPIO on this machine: gpiozero found no Raspberry Pi pin driver"
            ) from None


class GpioButton(Resource):
    """A momentary button between ``pin`` and ground (internal pull-up)."""

    def __init__(
        self, *, pin: int, bounce_time: float | None, hold_time: float, pin_factory: Any
    ) -> None:
        gpiozero = _import_gpiozero()
        try:
            self._button = gpiozero.Button(
                pin,
                pull_up=True,
                bounce_time=bounce_time or None,
                hold_time=hold_time,
                pin_factory=pin_factory,
            )
        except gpiozero.GPIOZeroError as exc:
            raise GpioError(f"talk button on GPIO{pin} cannot be set up: {exc}") from None
        self._listener: ButtonListener | None = None
        self._lock = threading.Lock()
        self._closed = False
        # gpiozero calls these on its own thread on a Pi, and inside
        # drive_low() on the caller's thread with MockFactory: either way
        # they only forward an event, as the ports' threading contract says.
        self._button.when_pressed = self._on_pressed
        self._button.when_released = self._on_released
        self._button.when_held = self._on_held

    def _emit(self, kind: ButtonEventKind) -> None:
        event = ButtonEvent(kind, time.monotonic())
        with self._lock:
            listener = self._listener
        if listener is not None:
            listener(event)

    def _on_pressed(self) -> None:
        self._emit(ButtonEventKind.PRESSED)

    def _on_released(self) -> None:
        self._emit(ButtonEventKind.RELEASED)

    def _on_held(self) -> None:
        self._emit(ButtonEventKind.HELD)

    @property
    def is_pressed(self) -> bool:
        if self._closed:
            raise DeviceClosed("the talk button is closed")
        return bool(self._button.is_pressed)

    def set_listener(self, listener: ButtonListener | None) -> None:
        if self._closed:
            raise DeviceClosed("the talk button is closed")
        with self._lock:
            self._listener = listener

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with self._lock:
            self._listener = None
        self._button.close()


class GpioLed(Resource):
    """The status LED; with ``pwm`` it can pulse, without it pulses as a blink."""

    def __init__(self, *, pin: int, pwm: bool, pin_factory: Any) -> None:
        gpiozero = _import_gpiozero()
        cls = gpiozero.PWMLED if pwm else gpiozero.LED
        try:
            self._led = cls(pin, pin_factory=pin_factory)
        except gpiozero.GPIOZeroError as exc:
            raise GpioError(f"status LED on GPIO{pin} cannot be set up: {exc}") from None
        self._pwm = pwm
        self._closed = False

    def _check(self) -> None:
        if self._closed:
            raise DeviceClosed("the status LED is closed")

    def on(self) -> None:
        self._check()
        self._led.on()

    def off(self) -> None:
        self._check()
        self._led.off()

    def blink(self, *, on_time: float, off_time: float) -> None:
        self._check()
        self._led.blink(on_time=on_time, off_time=off_time, background=True)

    def pulse(self, *, fade_in: float, fade_out: float) -> None:
        self._check()
        if self._pwm:
            self._led.pulse(fade_in_time=fade_in, fade_out_time=fade_out, background=True)
        else:
            self._led.blink(on_time=fade_in, off_time=fade_out, background=True)

    @property
    def is_lit(self) -> bool:
        self._check()
        return bool(self._led.is_lit)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._led.close()
