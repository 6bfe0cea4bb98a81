"""Each built-in skill's answer, in English and Korean, from a plain context."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from device.language import LANGUAGES, Language
from device.skills.base import Answer, Skill
from device.skills.builtin import (
    MAX_VOLUME,
    MIN_VOLUME,
    VOLUME_STEP,
    FallbackSkill,
    HelpSkill,
    LouderSkill,
    QuieterSkill,
    RepeatSkill,
    SeeSkill,
    StopSkill,
    TimeSkill,
)

from .context import Context, solid

ALL_SKILLS = (
    TimeSkill,
    SeeSkill,
    RepeatSkill,
    LouderSkill,
    QuieterSkill,
    StopSkill,
    HelpSkill,
    FallbackSkill,
)


@pytest.mark.parametrize("skill", ALL_SKILLS)
def test_every_skill_answers_under_its_own_name(skill: type[Skill]) -> None:
    ctx = Context(frame=solid((40, 40, 200)), last_answer=Answer("Hi.", intent="help"))
    for language in LANGUAGES:
        answer = skill().answer(replace(ctx, language=language), "")
        assert answer.intent == skill.name


@pytest.mark.parametrize("skill", ALL_SKILLS)
def test_every_skill_has_phrases_in_both_languages_or_none_at_all(skill: type[Skill]) -> None:
    counts = {language: len(skill.phrases.get(language, ())) for language in LANGUAGES}
    if skill is FallbackSkill:
        assert set(counts.values()) == {0}
    else:
        assert all(n >= 5 for n in counts.values()), counts


# -- time ------------------------------------------------------------------


def test_time_reads_the_context_clock() -> None:
    ctx = Context(clock=datetime(2024, 5, 17, 10, 40))
    answer = TimeSkill().answer(ctx, "what time is it")
    assert answer.text == "It's 10:40 in the morning."
    assert answer.details["time"] == "2024-05-17T10:40"
    korean = TimeSkill().answer(Context(language="ko", clock=ctx.clock), "몇 시야")
    assert korean.text == "지금은 오전 열 시 40분이에요."


# -- see -------------------------------------------------------------------


def test_see_names_the_colour_of_a_red_scene() -> None:
    ctx = Context(frame=solid((30, 30, 220)))
    answer = SeeSkill().answer(ctx, "what do you see")
    assert not answer.is_error
    assert "I mostly see red." in answer.text
    assert answer.details["colours"] == {"red": 1.0}
    assert answer.details["too_dark"] is False
    korean = SeeSkill().answer(Context(language="ko", frame=ctx.frame), "뭐가 보여")
    assert "주로 빨간색이 보여요." in korean.text


def test_see_names_two_colours_and_the_light() -> None:
    # Top half bright blue, bottom half white: a sky over snow.
    frame = np.empty((60, 80, 3), dtype=np.uint8)
    frame[:30] = (230, 120, 40)
    frame[30:] = (245, 245, 245)
    answer = SeeSkill().answer(Context(frame=frame), "")
    assert answer.text == "It's bright here. I mostly see blue and white."
    korean = SeeSkill().answer(Context(language="ko", frame=frame), "")
    assert korean.text == "여기는 밝아요. 주로 파란색과 흰색이 보여요."
    assert 0.6 <= float(answer.details["light_level"]) < 0.8  # type: ignore[arg-type]


def test_see_says_when_no_colour_stands_out() -> None:
    # Eight colours in equal stripes: none reaches the share worth naming.
    palette = [
        (0, 0, 220),
        (0, 140, 255),
        (0, 230, 230),
        (0, 200, 0),
        (220, 60, 0),
        (160, 0, 120),
        (245, 245, 245),
        (128, 128, 128),
    ]
    frame = np.concatenate([solid(c, width=10, height=40) for c in palette], axis=1)
    answer = SeeSkill().answer(Context(frame=frame), "")
    assert answer.text.endswith("I see a mix of colours.")
    korean = SeeSkill().answer(Context(language="ko", frame=frame), "")
    assert korean.text.endswith("여러 가지 색이 섞여 보여요.")


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "It's too dark for me to see anything."), ("ko", "너무 어두워서 아무것도 안 보여요.")],
)
def test_see_in_the_dark_says_so_and_names_no_colour(language: Language, text: str) -> None:
    rng = np.random.default_rng(7)
    # Sensor noise in a dark pocket: never above 12 of 255.
    frame = rng.integers(0, 12, size=(48, 64, 3), dtype=np.uint8)
    answer = SeeSkill().answer(Context(language=language, frame=frame), "")
    assert answer.text == text
    assert answer.details["too_dark"] is True
    assert not answer.is_error


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I can't see right now: the camera isn't answering."),
        ("ko", "지금은 볼 수 없어요. 카메라가 응답하지 않아요."),
    ],
)
def test_see_with_a_silent_camera_is_a_spoken_error(language: Language, text: str) -> None:
    answer = SeeSkill().answer(Context(language=language, frame=None), "what do you see")
    assert answer.is_error
    assert answer.text == text
    assert "timed out" in str(answer.details["error"])


# -- repeat ----------------------------------------------------------------


def test_repeat_says_the_last_answer_again() -> None:
    last = Answer("It's noon.", intent="time")
    answer = RepeatSkill().answer(Context(last_answer=last), "say that again")
    assert answer.text == "It's noon."
    assert answer.intent == "repeat"
    assert answer.details["repeated"] == "time"


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "I haven't said anything yet."), ("ko", "아직 아무 말도 안 했어요.")],
)
@pytest.mark.parametrize("last", [None, Answer("", intent="stop")])
def test_repeat_with_nothing_said_yet(language: Language, text: str, last: Answer | None) -> None:
    assert RepeatSkill().answer(Context(language=language, last_answer=last), "").text == text


# -- louder / quieter ------------------------------------------------------


@pytest.mark.parametrize(
    ("volume", "expected"),
    [(0.5, 0.65), (0.1, 0.25), (0.9, 1.0), (0.0, 0.25)],
)
def test_louder_steps_up_and_clamps(volume: float, expected: float) -> None:
    answer = LouderSkill().answer(Context(volume=volume), "louder")
    assert answer.volume == pytest.approx(expected)
    assert answer.text == "Louder."


@pytest.mark.parametrize(
    ("volume", "expected"),
    [(0.5, 0.35), (1.0, 0.85), (0.2, 0.1), (1.7, 0.85)],
)
def test_quieter_steps_down_and_clamps(volume: float, expected: float) -> None:
    answer = QuieterSkill().answer(Context(volume=volume), "quieter")
    assert answer.volume == pytest.approx(expected)
    assert answer.text == "Quieter."


def test_volume_limits_are_said_out_loud() -> None:
    top = LouderSkill().answer(Context(volume=MAX_VOLUME), "")
    assert (top.text, top.volume) == ("That's as loud as I go.", MAX_VOLUME)
    bottom = QuieterSkill().answer(Context(volume=MIN_VOLUME), "")
    assert (bottom.text, bottom.volume) == ("That's as quiet as I go.", MIN_VOLUME)
    assert (
        LouderSkill().answer(Context(language="ko", volume=1.0), "").text
        == "이미 가장 큰 소리예요."
    )
    assert QuieterSkill().answer(Context(language="ko", volume=0.1), "").text == (
        "이미 가장 작은 소리예요."
    )
    assert LouderSkill().answer(Context(language="ko"), "").text == "소리를 키울게요."
    assert QuieterSkill().answer(Context(language="ko"), "").text == "소리를 줄일게요."


def test_quieter_then_louder_walk_the_whole_range_in_steps() -> None:
    volume = MIN_VOLUME
    steps = 0
    while True:
        answer = LouderSkill().answer(Context(volume=volume), "")
        assert answer.volume is not None
        if answer.text == "That's as loud as I go.":
            break
        assert answer.volume - volume == pytest.approx(min(VOLUME_STEP, MAX_VOLUME - volume))
        volume = answer.volume
        steps += 1
    assert volume == MAX_VOLUME
    assert steps == 6  # 0.1 -> 0.25 -> ... -> 0.85 -> 1.0


# -- stop, help, fallback --------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_is_silence(language: Language) -> None:
    answer = StopSkill().answer(Context(language=language), "stop")
    assert answer == Answer(text="", intent="stop")


def test_help_lists_what_can_be_asked_in_two_sentences_at_most() -> None:
    english = HelpSkill().answer(Context(), "help").text
    korean = HelpSkill().answer(Context(language="ko"), "도움말").text
    for word in ("time", "see", "repeat", "louder", "quieter", "stop"):
        assert word in english
    for word in ("몇 시", "보이", "다시", "크게", "작게", "그만"):
        assert word in korean
    assert english.count(".") <= 2 and korean.count(".") <= 2


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Sorry, I didn't catch that."), ("ko", "죄송해요, 잘 못 알아들었어요.")],
)
def test_fallback(language: Language, text: str) -> None:
    answer = FallbackSkill().answer(Context(language=language), "the weather is lovely")
    assert answer.text == text
    assert answer.details["heard"] == "the weather is lovely"
