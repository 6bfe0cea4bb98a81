"""The assistant's typed errors.

Each message is one plain line, fit to print or to speak.  The CLI turns any
``CompanionError`` into that line and a non-zero exit, never a traceback.
"""

from __future__ import annotations


class CompanionError(Exception):
    """Base of every error the assistant reports to the user."""


class ConfigError(CompanionError, ValueError):
    """The configuration file is unreadable, has an unknown key or a bad value."""


class ModelError(CompanionError, OSError):
    """A model is missing, corrupt, or does not match its pinned checksum."""


class SpeechError(CompanionError, RuntimeError):
    """A recogniser or synthesiser failed while running."""
