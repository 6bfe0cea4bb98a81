"""Questions about the scene: is there a X, where is the X, is the way clear.

The answers come from the look's detections alone, so each test builds the
scene it asks about, and checks that a thing absent from it is never said.
"""

from __future__ import annotations

import pytest

from device.language import LANGUAGES, Language
from device.skills.scene_questions import ClearSkill, FindSkill
from device.vision.pipeline import SceneReport
from device.vision.types import Detection
from hardware.errors import CameraError

from .context import Context, solid
from .eyes import FakeEyes
from .test_look import DIM_GREY

FRAME = solid((90, 90, 90))
# Boxes as (x1, y1, x2, y2) shares of the frame; the height says how near.
NEAR_LEFT = (0.05, 0.2, 0.3, 0.9)
MIDDLE_AHEAD = (0.4, 0.3, 0.6, 0.7)
FAR_AHEAD = (0.45, 0.45, 0.55, 0.55)
FAR_RIGHT = (0.8, 0.45, 0.9, 0.55)
ACROSS_THE_MIDDLE = (0.1, 0.3, 0.6, 0.8)  # centre on the left, but it blocks the path


def scene(*objects: Detection) -> SceneReport:
    return SceneReport(DIM_GREY, objects=objects, texts=(), blur=500.0)


STREET = scene(
    Detection("person", 0.9, NEAR_LEFT),
    Detection("car", 0.8, FAR_RIGHT),
    Detection("dog", 0.7, MIDDLE_AHEAD),
)


@pytest.mark.parametrize(
    ("language", "utterance", "said", "side"),
    [
        ("en", "is there a dog", "A dog ahead.", "ahead"),
        ("en", "where is the car", "A car on your right, far away.", "right"),
        ("en", "is there a vehicle", "A car on your right, far away.", "right"),
        ("en", "can you see anyone", "A person close on your left.", "left"),
        ("ko", "개 있어", "앞에 개가 한 마리 있어요.", "ahead"),
        ("ko", "차 어디 있어", "오른쪽에 멀리 자동차가 있어요.", "right"),
    ],
)
def test_a_thing_in_view_is_said_where_it_is(
    language: Language, utterance: str, said: str, side: str
) -> None:
    answer = FindSkill(FakeEyes(STREET)).answer(Context(language=language, frame=FRAME), utterance)
    assert answer.intent == "find"
    assert answer.details["found"] is True and answer.details["side"] == side
    assert answer.text == said


@pytest.mark.parametrize(
    ("language", "utterance", "said"),
    [
        ("en", "is there a bicycle", "I don't see any bicycles."),
        ("en", "where are the cats", "I don't see any cats."),
        ("ko", "고양이 있어", "고양이는 안 보여요."),
    ],
)
def test_an_absent_thing_is_said_to_be_absent(
    language: Language, utterance: str, said: str
) -> None:
    answer = FindSkill(FakeEyes(STREET)).answer(Context(language=language, frame=FRAME), utterance)
    assert answer.text == said
    assert answer.details["found"] is False and answer.details["claimed"] == []


def test_only_things_in_the_scene_are_claimed() -> None:
    answer = FindSkill(FakeEyes(STREET)).answer(Context(frame=FRAME), "is there a dog or a cat")
    assert answer.details["claimed"] == ["dog"]
    assert "cat" not in answer.text


def test_a_question_naming_nothing_is_a_description() -> None:
    answer = FindSkill(FakeEyes(STREET)).answer(Context(frame=FRAME), "is there anything here")
    assert answer.intent == "see" and "dog" in answer.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_camera_that_fails_is_a_spoken_error(language: Language) -> None:
    for skill in (FindSkill, ClearSkill):
        eyes = FakeEyes(STREET, speculative=CameraError("no frame within 2.0 s"))
        answer = skill(eyes).answer(Context(language=language, frame=FRAME), "is there a dog")
        assert answer.is_error, skill


@pytest.mark.parametrize(
    ("objects", "clear", "claimed"),
    [
        ((), True, []),
        ((Detection("dog", 0.7, MIDDLE_AHEAD),), False, ["dog"]),
        ((Detection("bench", 0.7, ACROSS_THE_MIDDLE),), False, ["bench"]),
        # Far ahead or off to a side is not in the way.
        ((Detection("car", 0.7, FAR_AHEAD), Detection("person", 0.9, NEAR_LEFT)), True, []),
    ],
)
def test_is_the_way_ahead_clear(
    objects: tuple[Detection, ...], clear: bool, claimed: list[str]
) -> None:
    answer = ClearSkill(FakeEyes(scene(*objects))).answer(Context(frame=FRAME), "is the way clear")
    assert answer.details["clear"] is clear and answer.details["claimed"] == claimed
    if clear:
        # It says what it cannot know rather than promising a safe path.
        assert "watch for steps" in answer.text
    else:
        assert answer.text.startswith("No. ") and claimed[0] in answer.text


def test_is_the_way_clear_in_korean() -> None:
    ctx = Context(language="ko", frame=FRAME)
    blocked = ClearSkill(FakeEyes(STREET)).answer(ctx, "지나갈 수 있어")
    assert blocked.text == "아니요. 앞에 개가 한 마리 있어요."
    free = ClearSkill(FakeEyes(scene())).answer(ctx, "지나갈 수 있어")
    assert "조심하세요" in free.text and free.details["clear"] is True
