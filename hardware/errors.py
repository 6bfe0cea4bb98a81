"""Typed hardware errors.

Like gpiozero's ``exc.py``, every error is part of one tree and also subclasses
the builtin it resembles, so callers may catch either ``HardwareError`` or the
builtin.  Messages are written to be read aloud or printed as one line.
"""

from __future__ import annotations


class HardwareError(Exception):
    """Base of every error raised by the hardware layer."""


class BackendUnavailable(HardwareError, ImportError):
    """An explicitly requested backend cannot load on this machine."""


class CameraError(HardwareError, OSError):
    """The camera is absent, closed, or did not deliver a frame in time."""


class AudioDeviceError(HardwareError, OSError):
    """A microphone or earpiece could not be opened or stopped working."""


class AudioFileError(HardwareError, OSError):
    """A WAV file could not be written (or read) where it was asked for."""


class AudioFormatError(HardwareError, ValueError):
    """Audio data (for example a WAV file) is unreadable or not usable."""


class GpioError(HardwareError, OSError):
    """A button or LED pin could not be set up."""


class DeviceClosed(HardwareError, RuntimeError):
    """A port was used after ``close()``."""
