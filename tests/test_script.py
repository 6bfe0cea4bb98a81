"""``[fake] questions`` steps: parsed and checked when the config loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from device.config import Config, load_config
from device.errors import ConfigError
from device.script import Step, parse_script, parse_step


def test_each_kind_of_step() -> None:
    assert parse_step("What time is it?") == Step("say", "What time is it?")
    assert parse_step(" (double press) ") == Step("double press")
    assert parse_step("(tap)") == Step("tap")
    assert parse_step("(hold)") == Step("hold", seconds=1.0)
    assert parse_step("(hold 2.5)") == Step("hold", seconds=2.5)
    assert parse_step("(wait 0)") == Step("wait", seconds=0.0)
    assert parse_step("(note warmed up)") == Step("note", "warmed up")
    assert parse_step("q/Question.WAV") == Step("wav", "q/Question.WAV")
    assert parse_step("(while answering) (tap)") == Step("tap", while_answering=True)
    assert parse_step("(while answering) What time is it?") == Step(
        "say", "What time is it?", while_answering=True
    )


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("", "nothing to do"),
        ("(while answering)", "nothing to do"),
        ("(press twice)", "is not a step"),
        ("(hold long)", "is not seconds"),
        ("(wait 9000)", "0 to 600"),
        ("(tap 3)", "takes nothing after it"),
    ],
)
def test_a_malformed_step_is_one_line_naming_it(entry: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as err:
        parse_step(entry)
    assert "\n" not in str(err.value)


def test_the_script_is_checked_as_a_whole(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="first step cannot be"):
        parse_script(("(while answering) (tap)",))
    with pytest.raises(ConfigError, match="is not a WAV file here"):
        parse_script((str(tmp_path / "absent.wav"),))
    wav = tmp_path / "q.wav"
    wav.write_bytes(b"RIFF")
    assert parse_script(("Hello", str(wav))) == [Step("say", "Hello"), Step("wav", str(wav))]


def test_the_config_refuses_a_bad_step_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "companion.toml"
    path.write_text('[fake]\nquestions = ["What time is it?", "(hold forever)"]\n')
    with pytest.raises(ConfigError, match=rf"{path}: fake.questions: '\(hold forever\)'"):
        load_config(path)
    assert Config().with_overrides(fake={"questions": ["(tap)"]}).fake.questions == ("(tap)",)
