"""Fixtures for the hardware contract tests.

Audio: the real sounddevice adapters run over :class:`tests.hardware.alsa.PipeLoopback`,
ALSA's ``file`` plugin reading and writing named pipes.  PortAudio reads the
ALSA configuration once, when it initialises (at ``import sounddevice``), so
the fixture below puts the loopback's environment in place first.
If something earlier in the session already imported sounddevice, PortAudio is
re-initialised with ``sounddevice._terminate()``/``_initialize()`` (the
library's own, if private, way to rescan devices), and again at teardown so
later tests don't see a loopback whose pipes are gone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.hardware.alsa import PipeLoopback


def _reinitialise_portaudio() -> None:
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


@pytest.fixture(scope="module")
def alsa_loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipeLoopback]:
    """A pipe-backed ALSA sound card; skips if PortAudio cannot load here.

    Module-scoped: torn down (environment restored, PortAudio re-initialised)
    as soon as the module using it is done, so the rest of the session runs
    as if it had never existed.
    """
    loopback = PipeLoopback(directory=tmp_path_factory.mktemp("alsa"))
    saved = {key: os.environ.get(key) for key in loopback.env}
    os.environ.update(loopback.env)
    try:
        _reinitialise_portaudio()
        try:
            import sounddevice
        except OSError as exc:
            pytest.skip(f"sounddevice cannot load PortAudio here ({exc})")
        names = [dev["name"] for dev in sounddevice.query_devices()]
        if loopback.device not in names:
            pytest.skip(f"PortAudio does not list the ALSA loopback {loopback.device!r}: {names}")
        yield loopback
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        loopback.close()
        _reinitialise_portaudio()
