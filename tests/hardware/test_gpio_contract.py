"""Button and StatusLed contracts, on every pin backend that loads here.

The fake is our real gpiozero adapter on gpiozero's MockFactory, so these run
gpiozero's own debounce, hold and PWM code.  The Pi backend is skipped where
gpiozero finds no Pi pin driver.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from hardware.errors import BackendUnavailable, DeviceClosed, GpioError
from hardware.fake.gpio import KEPT_PIN_STATES, ScriptedPresser, mock_pin_factory, pin_level
from hardware.pi.gpio import GpioButton, GpioLed, default_pin_factory
from hardware.ports import Button, ButtonEvent, ButtonEventKind, StatusLed

BUTTON_PIN, LED_PIN = 17, 27


@pytest.fixture(params=["mock", "pi"])
def factory(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "mock":
        f = mock_pin_factory()
    else:
        try:
            f = default_pin_factory()
        except BackendUnavailable as exc:
            pytest.skip(str(exc))
    yield f
    f.close()
    if hasattr(f, "reset"):
        f.reset()


def _presser(factory: Any) -> ScriptedPresser:
    if not hasattr(factory, "reset"):
        pytest.skip("pressing needs a finger on real hardware")
    return ScriptedPresser(pin_factory=factory, pin=BUTTON_PIN)


def test_button_reports_press_hold_release_in_order(factory: Any) -> None:
    presser = _presser(factory)
    events: list[ButtonEvent] = []
    held = threading.Event()

    def listen(e: ButtonEvent) -> None:
        events.append(e)
        if e.kind is ButtonEventKind.HELD:
            held.set()

    with GpioButton(pin=BUTTON_PIN, bounce_time=None, hold_time=0.1, pin_factory=factory) as b:
        button: Button = b
        button.set_listener(listen)
        assert not button.is_pressed
        presser.press()
        assert button.is_pressed
        assert held.wait(2.0), "no HELD event after hold_time"
        presser.release()
        assert not button.is_pressed
    kinds = [e.kind for e in events]
    assert kinds == [ButtonEventKind.PRESSED, ButtonEventKind.HELD, ButtonEventKind.RELEASED]
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps) and stamps[-1] - stamps[0] >= 0.1


def test_button_without_listener_and_after_close(factory: Any) -> None:
    presser = _presser(factory)
    b = GpioButton(pin=BUTTON_PIN, bounce_time=None, hold_time=1.0, pin_factory=factory)
    presser.press()  # no listener: nothing to deliver to, must not fail
    presser.release()
    b.close()
    b.close()
    with pytest.raises(DeviceClosed):
        b.set_listener(lambda e: None)


def test_led_on_off_blink_pulse(factory: Any) -> None:
    with GpioLed(pin=LED_PIN, pwm=True, pin_factory=factory) as led_:
        led: StatusLed = led_
        led.on()
        assert led.is_lit
        led.off()
        assert not led.is_lit
        led.blink(on_time=0.02, off_time=0.02)
        time.sleep(0.1)
        led.pulse(fade_in=0.05, fade_out=0.05)
        time.sleep(0.08)
        led.off()
        assert not led.is_lit


def test_mock_led_levels_follow_commands() -> None:
    f = mock_pin_factory()
    try:
        with GpioLed(pin=LED_PIN, pwm=True, pin_factory=f) as led:
            led.on()
            assert pin_level(f, LED_PIN) == 1.0
            led.pulse(fade_in=0.2, fade_out=0.2)
            seen = set()
            end = time.monotonic() + 0.4
            while time.monotonic() < end:
                seen.add(round(pin_level(f, LED_PIN), 1))
                time.sleep(0.01)
            assert len(seen) >= 4, f"pulse should pass through several levels, saw {seen}"
            led.off()
            assert pin_level(f, LED_PIN) == 0.0
        # Without PWM, pulse degrades to a blink: only full on and full off.
        with GpioLed(pin=LED_PIN, pwm=False, pin_factory=f) as led:
            led.pulse(fade_in=0.03, fade_out=0.03)
            levels = set()
            end = time.monotonic() + 0.2
            while time.monotonic() < end:
                levels.add(pin_level(f, LED_PIN))
                time.sleep(0.005)
            assert levels == {0.0, 1.0}
    finally:
        f.close()
        f.reset()


def test_a_fake_pin_keeps_only_its_newest_state_changes() -> None:
    """A fake device running for days must not grow (issue 10's soak)."""
    f = mock_pin_factory()
    try:
        with GpioLed(pin=LED_PIN, pwm=True, pin_factory=f) as led:
            for _ in range(3 * KEPT_PIN_STATES):
                led.on()
                led.off()
            led.on()
            states = f.pin(LED_PIN).states
            assert KEPT_PIN_STATES <= len(states) <= 2 * KEPT_PIN_STATES
            assert [s.state for s in states[-3:]] == [1.0, 0.0, 1.0]
    finally:
        f.close()
        f.reset()


def test_claiming_the_same_pin_twice_is_a_clear_gpio_error() -> None:
    f = mock_pin_factory()
    try:
        with (
            GpioLed(pin=LED_PIN, pwm=False, pin_factory=f),
            pytest.raises(GpioError, match="GPIO27"),
        ):
            GpioButton(pin=LED_PIN, bounce_time=None, hold_time=1.0, pin_factory=f)
    finally:
        f.close()
        f.reset()


def test_default_pin_factory_off_a_pi_is_one_line() -> None:
    try:
        default_pin_factory()
    except BackendUnavailable as exc:
        assert "no GPIO on this machine" in str(exc)
    else:
        pytest.skip("this machine has real GPIO")
