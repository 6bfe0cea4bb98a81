"""Pocket Companion: the assistant (state machine, speech, skills, CLI)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pocket-companion")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"
