"""The skills that use the eyes: see, tell me more, read that, how many.

The eyes are a fake with the real pipeline's rules: a look becomes ``last``,
a speculative look answers one question, text is read only when asked for.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from device.language import LANGUAGES, Language
from device.skills.builtin import SeeSkill
from device.skills.look import CountSkill, MoreSkill, ReadSkill
from device.vision.light import ColourShare, LightReading, SceneLight
from device.vision.pipeline import SceneReport
from device.vision.types import Detection, TextLine
from hardware.errors import CameraError

from .context import Context, solid
from .eyes import FakeEyes

# Neither close nor far: a third of the frame high (grouping.nearness).
LEFT, AHEAD, RIGHT = (0.05, 0.35, 0.25, 0.68), (0.4, 0.35, 0.6, 0.68), (0.75, 0.35, 0.95, 0.68)
DIM_GREY = SceneLight(LightReading(0.3, 0.5, "dim", False), (ColourShare("grey", 1.0),))
STREET = SceneReport(
    DIM_GREY,
    objects=(
        Detection("person", 0.9, LEFT),
        Detection("person", 0.8, LEFT),
        Detection("dog", 0.7, RIGHT),
    ),
    texts=(TextLine("EXIT", 0.9, AHEAD), TextLine("PUSH", 0.8, AHEAD)),
    blur=500.0,
)
FRAME = solid((90, 90, 90))


@pytest.mark.parametrize(
    ("language", "utterance", "label", "n", "said"),
    [
        ("en", "how many people", "person", 2, "I see two people."),
        ("en", "how many dogs", "dog", 1, "I see a dog."),
        ("en", "how many", "person", 2, "I see two people."),
        ("en", "how many cars", "car", 0, "I don't see any cars."),
        ("ko", "사람 몇 명 있어", "person", 2, "사람 두 명이 보여요."),
        ("ko", "개 몇 마리 있어", "dog", 1, "개 한 마리가 보여요."),
        ("ko", "몇 개 있어", "person", 2, "사람 두 명이 보여요."),
        ("ko", "자동차 몇 대", "car", 0, "자동차는 안 보여요."),
    ],
)
def test_how_many(language: Language, utterance: str, label: str, n: int, said: str) -> None:
    ctx = Context(language=language, frame=FRAME)
    answer = CountSkill(FakeEyes(STREET)).answer(ctx, utterance)
    assert (answer.text, answer.details["counted"], answer.details["count"]) == (said, label, n)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_look_taken_on_the_press_answers_without_a_new_capture(language: Language) -> None:
    eyes = FakeEyes(STREET, speculative=replace(STREET, objects=()))
    # No camera at all now: the answer can only come from the speculative look.
    answer = CountSkill(eyes).answer(Context(language=language, frame=None), "how many people")
    assert not answer.is_error and answer.details["count"] == 0
    assert eyes.looks == []
    # It answered one question; the next one looks afresh (and meets the dead camera).
    again = CountSkill(eyes).answer(Context(language=language, frame=None), "how many people")
    assert again.is_error


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "I can't see right now: the camera isn't answering."),
        ("ko", "지금은 볼 수 없어요. 카메라가 응답하지 않아요."),
    ],
)
def test_a_camera_that_failed_on_the_press_is_a_spoken_error(language: Language, said: str) -> None:
    for make in (SeeSkill, CountSkill, ReadSkill):
        eyes = FakeEyes(STREET, speculative=CameraError("no frame within 2.0 s"))
        answer = make(eyes).answer(Context(language=language, frame=FRAME), "")
        assert answer.is_error and answer.text == said, make
        assert "2.0 s" in str(answer.details["error"])
        assert eyes.looks == []  # the failure is reported, not hidden by a second try


@pytest.mark.parametrize(
    ("language", "said", "nothing"),
    [
        ("en", "It says: EXIT. PUSH.", "I can't find any text to read."),
        ("ko", "EXIT. PUSH라고 쓰여 있어요.", "읽을 글자가 안 보여요."),
    ],
)
def test_read_that(language: Language, said: str, nothing: str) -> None:
    ctx = Context(language=language, frame=FRAME)
    assert ReadSkill(FakeEyes(STREET)).answer(ctx, "read that").text == said
    blank = FakeEyes(replace(STREET, texts=()))
    assert ReadSkill(blank).answer(ctx, "read that").text == nothing


def test_read_that_reads_text_even_when_looks_skip_it() -> None:
    eyes = FakeEyes(STREET, reads_text=False, speculative=replace(STREET, texts=()))
    answer = ReadSkill(eyes).answer(Context(frame=FRAME), "read that")
    assert answer.text == "It says: EXIT. PUSH."
    assert eyes.looks == [True]  # a fresh look, reading, not the speculative one


@pytest.mark.parametrize("language", LANGUAGES)
def test_tell_me_more_adds_what_the_short_answer_left_out(language: Language) -> None:
    eyes = FakeEyes(STREET)
    ctx = Context(language=language, frame=FRAME)
    seen = SeeSkill(eyes, max_words=5).answer(ctx, "what do you see")
    more = MoreSkill(eyes).answer(ctx, "tell me more")
    assert len(seen.text.split()) <= 5 and more.text.startswith(seen.text)
    assert len(more.text) > len(seen.text)
    assert ("EXIT" in more.text) and ("dim" in more.text or "어두워요" in more.text)
    assert eyes.looks == [True]  # "more" tells the last look, it does not look again
    assert more.details["objects"] == seen.details["objects"]


def test_tell_me_more_before_any_look_looks_now() -> None:
    eyes = FakeEyes(STREET)
    more = MoreSkill(eyes).answer(Context(frame=FRAME), "tell me more")
    assert more.text.startswith("Two people on your left.") and eyes.looks == [True]


def test_see_says_the_scene_short() -> None:
    answer = SeeSkill(FakeEyes(STREET)).answer(Context(frame=FRAME), "what do you see")
    assert answer.text == (
        'Two people on your left. A sign says "EXIT" and "PUSH". A dog on your right.'
    )
    korean = SeeSkill(FakeEyes(STREET)).answer(Context(language="ko", frame=FRAME), "뭐가 보여")
    assert korean.text == (
        '왼쪽에 사람이 두 명 있어요. 표지판에 "EXIT", "PUSH"라고 쓰여 있어요. '
        "오른쪽에 개가 한 마리 있어요."
    )
    objects = answer.details["objects"]
    assert isinstance(objects, list) and {o["label"] for o in objects} == {"person", "dog"}
