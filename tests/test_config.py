"""Configuration loading: defaults, the documented file, and loud failures."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from device.config import (
    DEFAULT_CONFIG_PATH,
    PROFILES_DIR,
    Config,
    board_profile,
    describe_fields,
    load_config,
)
from device.errors import ConfigError


def test_documented_default_file_equals_the_built_in_defaults() -> None:
    assert load_config(DEFAULT_CONFIG_PATH) == Config()


def test_documented_file_lists_every_field_and_every_field_has_a_docstring() -> None:
    data = tomllib.loads(DEFAULT_CONFIG_PATH.read_text())
    for key, default, doc in describe_fields():
        section, name = key.split(".")
        assert name in data[section], f"{key} missing from companion.toml"
        documented = data[section][name]
        # TOML has arrays where the dataclass has (immutable) tuples.
        assert (tuple(documented) if isinstance(documented, list) else documented) == default, key
        assert doc, f"{key} has no docstring"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.toml"
    p.write_text(text)
    return p


def test_partial_file_keeps_other_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[device]\nlanguage = "ko"\n[button]\nmax_listen = 5\n'))
    assert cfg.device.language == "ko"
    assert cfg.button.max_listen == 5.0 and isinstance(cfg.button.max_listen, float)
    assert cfg.button.pin == Config().button.pin


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[device]\nlangauge = 'en'\n",
            "unknown key 'device.langauge' (did you mean 'device.language'?)",
        ),
        ("[speach]\n", "unknown section '[speach]' (did you mean '[speech]'?)"),
        ("[device]\nlanguage = 'fr'\n", "device.language = 'fr' must be one of 'en', 'ko'"),
        ("[button]\npin = 'seventeen'\n", "button.pin must be int, not str"),
        ("[button]\npin = 99\n", "button.pin = 99 is out of range (0..27)"),
        ("[led]\npwm = 1\n", "led.pwm must be bool, not int"),
        (
            "[speech]\nrecognizer = 'sphinx'\n",
            "speech.recognizer = 'sphinx' must be one of 'auto', 'whisper', 'vosk', 'pocketsphinx'",
        ),
        ("[speech]\nrecognizer = 3\n", "speech.recognizer must be str, not int"),
        ("[audio]\nvolume = 3\n", "audio.volume = 3.0 is out of range"),
        ("device = 3\n", "[device] must be a table"),
        ("[device\n", "not valid TOML"),
        # Fault injection (issue 12): these were tracebacks, not one line.
        ("[button]\npin = " + "9" * 5000 + "\n", "a value is out of reach"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("[button]\npin = 22\n[led]\npin = 22\n", "button.pin and led.pin are both GPIO 22"),
    ],
)
def test_bad_files_fail_with_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_something_that_is_not_a_file_is_refused_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "companion.toml"
    os.mkfifo(fifo)  # reading it would block the start for ever
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)
    big = write(tmp_path, "# " + "x" * 2_000_000 + "\n")
    with pytest.raises(ConfigError, match="too big"):
        load_config(big)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")


def test_overrides_are_validated() -> None:
    cfg = Config().with_overrides(device={"language": "ko"})
    assert cfg.device.language == "ko"
    with pytest.raises(ConfigError, match="command line"):
        Config().with_overrides(device={"language": "xx"})


def test_pi_zero_profile_loads_and_trades_voice_and_text_for_memory() -> None:
    cfg = load_config(DEFAULT_CONFIG_PATH.parent / "profiles" / "pi-zero-2w.toml")
    assert cfg.speech.english_voice == "espeak" and not cfg.vision.read_text
    assert cfg.device == Config().device


def test_fake_questions_are_a_list_of_strings(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, '[fake]\nquestions = ["What time is it?", "Louder"]\n'))
    assert cfg.fake.questions == ("What time is it?", "Louder")
    with pytest.raises(ConfigError, match="list of strings"):
        load_config(write(tmp_path, "[fake]\nquestions = [1, 2]\n"))
    with pytest.raises(ConfigError, match="list of strings"):
        load_config(write(tmp_path, '[fake]\nquestions = "What time is it?"\n'))


def test_speech_recognizer_is_auto_or_a_registered_engine(tmp_path: Path) -> None:
    assert Config().speech.recognizer == "auto"
    cfg = load_config(write(tmp_path, '[speech]\nrecognizer = "pocketsphinx"\n'))
    assert cfg.speech.recognizer == "pocketsphinx"
    with pytest.raises(ConfigError, match=r"command line: speech\.recognizer = 'sphinx'"):
        Config().with_overrides(speech={"recognizer": "sphinx"})


def test_a_profile_is_the_base_and_the_users_file_wins(tmp_path: Path) -> None:
    profile = PROFILES_DIR / "pi-zero-2w.toml"
    on_profile = load_config(None, base=profile)
    assert on_profile.speech.english_voice == "espeak" and not on_profile.vision.read_text
    user = write(tmp_path, '[speech]\nenglish_voice = "piper"\n[device]\nlanguage = "ko"\n')
    cfg = load_config(user, base=profile)
    assert cfg.speech.english_voice == "piper"  # the user's choice
    assert not cfg.vision.read_text  # the profile's, untouched by the user
    assert cfg.device.language == "ko"


@pytest.mark.parametrize(("kib", "expected"), [(438_000, "pi-zero-2w.toml"), (3_900_000, None)])
def test_small_boards_get_the_zero_profile(tmp_path: Path, kib: int, expected: str | None) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(f"MemTotal:       {kib} kB\nMemFree:         1000 kB\n")
    profile = board_profile(meminfo)
    assert (profile.name if profile else None) == expected
    assert board_profile(tmp_path / "absent") is None
