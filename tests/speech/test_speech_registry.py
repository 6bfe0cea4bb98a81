"""The recogniser registry: names, languages, "auto", and adding an engine."""

from __future__ import annotations

import inspect
from contextlib import closing
from pathlib import Path

import pytest

from device.config import Config, SpeechConfig
from device.errors import ConfigError
from device.language import LANGUAGES
from device.speech import registry
from device.speech.base import RecognizerSettings
from device.speech.factory import open_recognizer
from device.speech.models import MODELS
from device.speech.registry import (
    AUTO,
    RECOGNIZERS,
    RecognizerSpec,
    check_recognizer_name,
    choose_recognizer,
    recognizer_names,
)

from . import toy_engine
from .toy_engine import ToyRecognizer


@pytest.mark.parametrize("name", list(RECOGNIZERS))
def test_every_registered_engine_module_provides_the_two_entry_points(name: str) -> None:
    spec = RECOGNIZERS[name]
    engine = spec.engine()
    for function in ("open_recognizer", "has_model"):
        params = list(inspect.signature(getattr(engine, function)).parameters)
        assert params == ["settings"], (name, function)
    assert spec.languages and set(spec.languages) <= set(LANGUAGES)


def test_every_language_has_a_recogniser() -> None:
    for language in LANGUAGES:
        assert any(language in spec.languages for spec in RECOGNIZERS.values()), language


def test_names_are_auto_then_the_registered_engines() -> None:
    assert recognizer_names() == (AUTO, *RECOGNIZERS)
    assert {"vosk", "pocketsphinx"} <= set(RECOGNIZERS)
    for name in recognizer_names():
        check_recognizer_name(name)


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        check_recognizer_name("sphinx")
    assert str(caught.value) == (
        "speech.recognizer = 'sphinx' must be one of 'auto', 'whisper', 'vosk', 'pocketsphinx'"
    )


@pytest.mark.parametrize(
    ("name", "language", "message"),
    [
        (
            "pocketsphinx",
            "ko",
            "'pocketsphinx' has no Korean model; use 'whisper' or 'vosk' or 'auto'",
        ),
        ("espeak", "en", "'espeak' must be one of"),
    ],
)
def test_an_engine_that_cannot_serve_the_language_is_one_config_error_line(
    name: str, language: str, message: str
) -> None:
    settings = RecognizerSettings(language=language)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=message) as caught:
        choose_recognizer(name, settings)
    assert "\n" not in str(caught.value)


def test_auto_is_todays_choice(tmp_path: Path) -> None:
    def auto(language: str) -> str:
        settings = RecognizerSettings(language=language, models_root=tmp_path)  # type: ignore[arg-type]
        return choose_recognizer(AUTO, settings)

    # Whisper's weights are dependencies (English) and in the ko extra (Korean).
    assert auto("ko") == "whisper"
    assert auto("en") == "whisper"
    (tmp_path / MODELS["vosk-en"].top_dir).mkdir()  # `companion models fetch` was run
    assert auto("en") == "whisper"


def test_auto_takes_the_engine_whose_model_the_user_named(tmp_path: Path) -> None:
    for language in ("en", "ko"):
        settings = RecognizerSettings(language=language, vosk_model_dir=tmp_path)  # type: ignore[arg-type]
        assert choose_recognizer(AUTO, settings) == "vosk"


def test_a_named_engine_is_chosen_as_named(tmp_path: Path) -> None:
    settings = RecognizerSettings(language="en", models_root=tmp_path)
    assert choose_recognizer("vosk", settings) == "vosk"
    assert choose_recognizer("pocketsphinx", settings) == "pocketsphinx"


@pytest.fixture
def toy_registered(monkeypatch: pytest.MonkeyPatch) -> str:
    """The toy engine added the way the README says: one registry line."""
    monkeypatch.setitem(RECOGNIZERS, "toy", RecognizerSpec(toy_engine.__name__, ("en", "ko")))
    return "toy"


def test_a_new_engine_is_one_registry_line(toy_registered: str) -> None:
    # The config accepts it, the factory opens it, and "auto" still prefers the
    # engines listed before it.
    cfg = Config().with_overrides(speech={"recognizer": toy_registered})
    assert cfg.speech.recognizer == "toy"
    settings = RecognizerSettings(language="ko", phrases=("지금 몇 시야",))
    with closing(open_recognizer(settings, recognizer=cfg.speech.recognizer)) as recognizer:
        assert isinstance(recognizer, ToyRecognizer)
        assert (recognizer.name, recognizer.language) == ("toy", "ko")
        assert recognizer.settings is settings
    assert registry.choose_recognizer(AUTO, RecognizerSettings(language="en")) != "toy"


def test_the_config_rejects_an_unregistered_recognizer() -> None:
    with pytest.raises(ConfigError, match="recognizer = 'toy' must be one of"):
        SpeechConfig(recognizer="toy")
