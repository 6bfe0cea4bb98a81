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
        open_hardware("pi", HardwareSettings(fake_camera=SCENE))
    assert "\n" not in str(info.value)


@pytest.mark.skipif(_pi_loads(), reason="this machine has Pi hardware")
def test_auto_falls_back_to_fake_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with open_hardware("auto", HardwareSettings(fake_camera=SCENE)) as hw:
        assert hw.kind == "fake" and hw.fake is not None
        assert hw.camera.capture().size > 0
    assert any("using fake hardware" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(_pi_loads(), reason="this machine has Pi hardware")
def test_auto_on_a_raspberry_pi_never_falls_back_to_fakes(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.write_bytes(b"Raspberry Pi Zero 2 W Rev 1.0\x00")
    with pytest.raises(BackendUnavailable):
        open_hardware("auto", HardwareSettings(fake_camera=SCENE), model=model)
    model.write_bytes(b"QEMU virt\x00")
    with open_hardware("auto", HardwareSettings(fake_camera=SCENE), model=model) as hw:
        assert hw.kind == "fake"


def test_fake_without_a_camera_source_is_a_camera_error() -> None:
    with pytest.raises(CameraError, match="needs an image"):
        open_hardware("fake", HardwareSettings(fake_camera=None))


def test_closing_a_set_closes_every_port_once() -> None:
    hw = open_hardware("fake", HardwareSettings(fake_camera=SCENE))
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
