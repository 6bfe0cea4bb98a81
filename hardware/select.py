"""Choose and open a hardware backend, the way gpiozero chooses pin factories.

``pi`` opens the real adapters and fails fast, with a one-line reason, if any
of them cannot load.  ``fake`` opens the fakes.  ``auto`` is ``pi`` on a
Raspberry Pi and otherwise tries ``pi`` and falls back to ``fake`` with a
logged warning: on a Pi a missing sound card or GPIO chip is an error to
report, never a reason to run deaf and mute on fakes.  The
``COMPANION_HARDWARE`` environment variable, when set, is the default choice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from hardware.errors import BackendUnavailable, CameraError, HardwareError
from hardware.ports import Button, Camera, Earpiece, Frame, Microphone, Resource, StatusLed

if TYPE_CHECKING:  # the fakes import OpenCV and gpiozero: only when opened
    from hardware.fake.audio import RecordingEarpiece, WavMicrophone
    from hardware.fake.camera import FileCamera
    from hardware.fake.gpio import ScriptedPresser

log = logging.getLogger(__name__)

BackendName = Literal["pi", "fake", "auto"]
BACKENDS: tuple[BackendName, ...] = ("pi", "fake", "auto")


@dataclass(frozen=True, kw_only=True)
class HardwareSettings:
    """Everything the adapters need, as plain values (no device config types).

    No defaults here: they live once, in ``device/config.py`` (and the
    documented ``device/companion.toml``), which fills every field.
    """

    button_pin: int
    bounce_time: float
    hold_time: float
    led_pin: int
    led_pwm: bool
    camera_size: tuple[int, int]
    input_device: str
    """PortAudio device name or index as text; "" for the system default."""
    output_device: str
    output_rate: int
    fake_camera: Path | None
    """Image, folder or video for the fake camera."""
    fake_paced: bool
    fake_earpiece_keep_s: float | None = None
    """How many seconds of what it played the fake earpiece keeps; None: all."""


@dataclass(frozen=True)
class FakeControls:
    """The fake backend's test controls, beside its ports (as gpiozero's mock pins
    add ``drive_low()``): a finger on the button, a voice into the microphone,
    an ear on the earpiece, a hand on the camera."""

    pin_factory: Any
    """gpiozero's ``MockFactory`` (gpiozero ships no type hints)."""
    presser: ScriptedPresser
    microphone: WavMicrophone
    earpiece: RecordingEarpiece
    camera: FileCamera


@dataclass
class HardwareSet(Resource):
    """The five ports of one device, closed together."""

    kind: Literal["pi", "fake"]
    camera: Camera
    button: Button
    led: StatusLed
    microphone: Microphone
    earpiece: Earpiece
    fake: FakeControls | None = None
    _closed: bool = field(default=False, repr=False)

    def scripted(self) -> FakeControls:
        """The fake backend's controls; a clear error on real hardware."""
        if self.fake is None:
            raise BackendUnavailable(
                "this needs the fake hardware (a mock button and a file microphone): "
                "use --hardware fake"
            )
        return self.fake

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        errors: list[str] = []
        # Reverse of opening order; one failing close must not leak the rest.
        for port in (self.earpiece, self.microphone, self.led, self.button, self.camera):
            try:
                port.close()
            except HardwareError as exc:
                errors.append(str(exc))
        if errors:
            log.warning("while closing hardware: %s", "; ".join(errors))


class UnavailableCamera(Resource):
    """Stands in for a camera that failed to open, so the device still talks.

    Every capture raises the original reason, which the "see" skill speaks.
    """

    def __init__(self, reason: str) -> None:
        self._reason = reason

    @property
    def resolution(self) -> tuple[int, int]:
        return (0, 0)

    def capture(self) -> Frame:
        raise CameraError(self._reason)

    def close(self) -> None:
        pass


def default_backend() -> BackendName:
    value = os.environ.get("COMPANION_HARDWARE", "auto")
    if value not in BACKENDS:
        raise BackendUnavailable(f"COMPANION_HARDWARE={value!r}: use one of {', '.join(BACKENDS)}")
    return value


def _device(value: str) -> str | int | None:
    if not value:
        return None
    return int(value) if value.isdigit() else value


PartName = Literal["button", "led", "microphone", "earpiece", "camera"]
#: Opening order (closing is the reverse): the cheap, likely-to-fail GPIO first.
PARTS: tuple[PartName, ...] = ("button", "led", "microphone", "earpiece", "camera")


def pi_part_openers(settings: HardwareSettings) -> dict[PartName, Callable[[], Resource]]:
    """How to open each real adapter, one at a time.

    ``open_pi`` opens them all; ``companion doctor`` opens each on its own so
    one broken part does not hide the state of the others.  Both therefore
    open the same adapters with the same arguments.
    """
    from hardware.pi.audio import SoundDeviceEarpiece, SoundDeviceMicrophone
    from hardware.pi.camera import PiCamera
    from hardware.pi.gpio import GpioButton, GpioLed, default_pin_factory

    factory: list[Any] = []

    def pins() -> Any:  # made once, on first use, and shared by button and LED
        if not factory:
            factory.append(default_pin_factory())
        return factory[0]

    return {
        "button": lambda: GpioButton(
            pin=settings.button_pin,
            bounce_time=settings.bounce_time,
            hold_time=settings.hold_time,
            pin_factory=pins(),
        ),
        "led": lambda: GpioLed(pin=settings.led_pin, pwm=settings.led_pwm, pin_factory=pins()),
        "microphone": lambda: SoundDeviceMicrophone(device=_device(settings.input_device)),
        "earpiece": lambda: SoundDeviceEarpiece(
            device=_device(settings.output_device), sample_rate=settings.output_rate
        ),
        "camera": lambda: PiCamera(width=settings.camera_size[0], height=settings.camera_size[1]),
    }


def open_pi(settings: HardwareSettings, *, camera_required: bool = True) -> HardwareSet:
    """Open the real adapters; raise :class:`BackendUnavailable` if any cannot load."""
    openers = pi_part_openers(settings)
    opened: dict[PartName, Resource] = {}
    try:
        for name in PARTS:
            try:
                opened[name] = openers[name]()
            except CameraError as exc:
                if name != "camera" or camera_required:
                    raise
                # A device that cannot see can still tell the time and say why.
                log.warning("camera unavailable, continuing without it: %s", exc)
                opened[name] = UnavailableCamera(f"the camera isn't answering ({exc})")
    except BaseException:
        for port in reversed(opened.values()):
            port.close()
        raise
    return HardwareSet(
        "pi",
        cast(Camera, opened["camera"]),
        cast(Button, opened["button"]),
        cast(StatusLed, opened["led"]),
        cast(Microphone, opened["microphone"]),
        cast(Earpiece, opened["earpiece"]),
    )


def open_fake(settings: HardwareSettings) -> HardwareSet:
    """Open the fakes: files for the camera and mic, mock pins for button and LED."""
    from hardware.fake.audio import RecordingEarpiece, WavMicrophone
    from hardware.fake.camera import FileCamera
    from hardware.fake.gpio import ScriptedPresser, mock_pin_factory
    from hardware.pi.gpio import GpioButton, GpioLed

    if settings.fake_camera is None:
        raise CameraError("the fake camera needs an image, folder or video to show")
    camera = FileCamera(source=settings.fake_camera)
    factory = mock_pin_factory()
    button = GpioButton(
        pin=settings.button_pin,
        bounce_time=settings.bounce_time,
        hold_time=settings.hold_time,
        pin_factory=factory,
    )
    led = GpioLed(pin=settings.led_pin, pwm=settings.led_pwm, pin_factory=factory)
    mic = WavMicrophone(paced=settings.fake_paced)
    ear = RecordingEarpiece(
        sample_rate=settings.output_rate,
        paced=settings.fake_paced,
        keep_s=settings.fake_earpiece_keep_s,
    )
    presser = ScriptedPresser(pin_factory=factory, pin=settings.button_pin)
    controls = FakeControls(factory, presser, mic, ear, camera)
    return HardwareSet("fake", camera, button, led, mic, ear, fake=controls)


#: The board's name, as the firmware's device tree gives it.
DEVICE_TREE_MODEL = Path("/proc/device-tree/model")


def is_raspberry_pi(model: Path = DEVICE_TREE_MODEL) -> bool:
    try:
        return "Raspberry Pi" in model.read_text(errors="replace")
    except OSError:
        return False


def resolve_backend(kind: BackendName, *, model: Path = DEVICE_TREE_MODEL) -> BackendName:
    """``pi`` or ``fake`` when that is decided; ``auto`` (off a Pi) means "try pi, else fake"."""
    if kind == "auto" and is_raspberry_pi(model):
        return "pi"
    return kind


def open_hardware(
    kind: BackendName,
    settings: HardwareSettings,
    *,
    camera_required: bool = True,
    model: Path = DEVICE_TREE_MODEL,
) -> HardwareSet:
    """Open ``kind``; ``auto`` is ``pi`` on a Pi, else ``pi`` falling back to ``fake``."""
    kind = resolve_backend(kind, model=model)
    if kind == "pi":
        return open_pi(settings, camera_required=camera_required)
    if kind == "fake":
        return open_fake(settings)
    try:
        return open_pi(settings, camera_required=camera_required)
    except BackendUnavailable as exc:
        log.warning("no Pi hardware (%s); using fake hardware", exc)
        return open_fake(settings)
