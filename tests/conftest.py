"""Test tiers.

``slow`` is given by one rule, here, instead of by hand per test: a test is
slow when it loads a real model (a speech engine, a voice, a vision model) or
runs the ``companion`` program.  ``pytest -m "not slow"`` is then the fast
tier (the pure parts: state machine, config, composer, matcher, fakes) and
runs in seconds; the full suite is what CI runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

#: Fixtures that load real models (see each conftest).
MODEL_FIXTURES = frozenset(
    {
        # tests/e2e/conftest.py
        "engines_en",
        "engines_ko",
        "engines_ko_voice",
        "say",
        "make_device",
        "eyes",
        # tests/speech/conftest.py
        "piper",
        "espeak_ko",
        "say_en",
        "say_ko",
        "sphinx",
        "vosk_ko",
        "whisper_en",
        "whisper_ko",
        # tests/vision
        "detector",
        "reader",
        "finder",
    }
)
#: Modules whose every test runs the device program or loads models directly.
SLOW_MODULES = frozenset({"test_cli.py", "test_service.py", "test_speech_models.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & MODEL_FIXTURES or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def private_speech_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Speech models prepared during the tests go to a folder of this session's.

    Whisper base is joined from its two packages into the speech-models
    folder on first use; without this that would be the user's own
    ``~/.local/share``.  A test about that folder sets its own.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPANION_MODELS_DIR", str(tmp_path_factory.mktemp("speech-models")))
        yield
