"""Backend selection: explicit backends fail fast, auto falls back with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.errors import BackendUnavailable, CameraError, DeviceClosed
from hardware.select import (
    HardwareSettings,
    UnavailableCamera,
    default_backend,
    open_hardware,
)

SCENE = Path(__file__).parents[2] / "device" / "scenes" / "dog.jpg"


def _settings(*, fake_camera: Path | None = SCENE) -> HardwareSettings:
    """The default settings, made the one way the device makes them (from its config)."""
    from dataclasses import replace

    from device.assistant import hardware_settings
    from device.config import Config

    return replace(hardware_settings(Config()), fake_camera=fake_camera)


def _pi_loads() -> bool:
    try:
        from hardware.pi.gpio import default_pin_factory

        default_pin_factory()
    except BackendUnavailable:
        return False
    return True


@pytest.mark.skipif(_pi_loads(), reason="this machine has Pi hardware")
def test_explicit_pi_fails_fast_with_one_line() -> None:
    with pytest.raises(BackendUnavailable) as info:
        open_hardware("pi", _settings())
    assert "\n" not in str(info.value)


@pytest.mark.skipif(_pi_loads(), reason="this machine has Pi hardware")
def test_auto_falls_back_to_fake_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with open_hardware("auto", _settings()) as hw:
        assert hw.kind == "fake" and hw.scripted() is hw.fake
        assert hw.camera.capture().size > 0
    assert any("using fake hardware" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(_pi_loads(), reason="this machine has Pi hardware")
def test_auto_on_a_raspberry_pi_never_falls_back_to_fakes(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.write_bytes(b"Raspberry Pi Zero 2 W Rev 1.0\x00")
    with pytest.raises(BackendUnavailable):
        open_hardware("auto", _settings(), model=model)
    model.write_bytes(b"QEMU virt\x00")
    with open_hardware("auto", _settings(), model=model) as hw:
        assert hw.kind == "fake"


def test_fake_without_a_camera_source_is_a_camera_error() -> None:
    with pytest.raises(CameraError, match="needs an image"):
        open_hardware("fake", _settings(fake_camera=None))


def test_closing_a_set_closes_every_port_once() -> None:
    hw = open_hardware("fake", _settings())
    hw.close()
    hw.close()
    assert hw.fake is not None
    with pytest.raises(DeviceClosed):
        hw.camera.capture()
    with pytest.raises(DeviceClosed):
        hw.microphone.start()


def test_unavailable_camera_speaks_its_reason() -> None:
    cam = UnavailableCamera("the camera isn't answering (no camera found)")
    with pytest.raises(CameraError, match="no camera found"):
        cam.capture()


@pytest.mark.parametrize(("value", "expected"), [(None, "auto"), ("fake", "fake"), ("pi", "pi")])
def test_environment_chooses_the_default(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: str
) -> None:
    if value is None:
        monkeypatch.delenv("COMPANION_HARDWARE", raising=False)
    else:
        monkeypatch.setenv("COMPANION_HARDWARE", value)
    assert default_backend() == expected


def test_environment_typo_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_HARDWARE", "piu")
    with pytest.raises(BackendUnavailable, match="COMPANION_HARDWARE"):
        default_backend()


def test_auto_resolves_to_pi_on_a_raspberry_pi_and_stays_open_elsewhere(tmp_path: Path) -> None:
    from hardware.select import resolve_backend

    model = tmp_path / "model"
    model.write_bytes(b"Raspberry Pi 4 Model B Rev 1.4\x00")
    assert resolve_backend("auto", model=model) == "pi"
    assert resolve_backend("fake", model=model) == "fake"
    model.write_bytes(b"QEMU virt\x00")
    assert resolve_backend("auto", model=model) == "auto"


def test_scripted_controls_are_refused_on_real_hardware() -> None:
    from hardware.select import HardwareSet

    with open_hardware("fake", _settings()) as fake:
        real_looking = HardwareSet(
            "pi", fake.camera, fake.button, fake.led, fake.microphone, fake.earpiece
        )
        with pytest.raises(BackendUnavailable, match="fake hardware"):
            real_looking.scripted()
