"""Questions about the scene: is there a X, where is the X, is the way clear.

The answers come from the look's detections alone, so each test builds the
scene it asks about, and checks that a thing absent from it is never said.
"""

from __future__ import annotations

import pytest

from device.dialogue import Topic
from device.language import LANGUAGES, Language
from device.skills.registry import default_registry
from device.skills.scene_questions import (
    ClearSkill,
    ColourSkill,
    FarSkill,
    FindSkill,
    SideSkill,
    WhoSkill,
)
from device.vision.pipeline import SceneReport
from device.vision.types import Detection, Face
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


# --- colour, side, distance, who, follow-ups --------------------------------

COLOURED = scene(
    Detection("bicycle", 0.9, MIDDLE_AHEAD, colours=("red",)),
    Detection("car", 0.8, FAR_RIGHT, colours=("white", "grey")),
    Detection("car", 0.7, NEAR_LEFT, colours=("blue",)),
)


@pytest.mark.parametrize(
    ("language", "utterance", "said", "colours"),
    [
        ("en", "what colour is the bicycle", "The bicycle is red.", ["red"]),
        ("en", "what color is the car", "The nearest car is blue.", ["blue"]),
        ("ko", "자전거 무슨 색 야", "자전거는 빨간색이에요.", ["red"]),
        ("ko", "자동차 색깔 뭐야", "가장 가까운 자동차는 파란색이에요.", ["blue"]),
    ],
)
def test_a_things_colour_is_the_colour_measured_in_its_box(
    language: Language, utterance: str, said: str, colours: list[str]
) -> None:
    answer = ColourSkill(FakeEyes(COLOURED)).answer(
        Context(language=language, frame=FRAME), utterance
    )
    assert (answer.text, answer.details["colours"]) == (said, colours)


def test_the_colour_of_an_absent_thing_is_not_guessed() -> None:
    answer = ColourSkill(FakeEyes(COLOURED)).answer(Context(frame=FRAME), "what colour is the dog")
    assert answer.text == "I don't see any dogs." and answer.details["found"] is False


def test_what_colour_is_it_follows_the_conversation() -> None:
    eyes = FakeEyes(COLOURED)
    ctx = Context(frame=FRAME, topic=Topic(("bicycle",), "find"))
    assert ColourSkill(eyes).answer(ctx, "what colour is it").text == "The bicycle is red."
    # With nothing talked about, "it" is the view: its light and colours.
    alone = ColourSkill(eyes).answer(Context(frame=FRAME), "what colour is it")
    assert "grey" in alone.text and "bicycle" not in alone.text


@pytest.mark.parametrize(
    ("utterance", "topic", "said", "found"),
    [
        ("what is on my left", None, "A person close on your left.", True),
        ("and on my right", Topic(("dog",), "find"), "I don't see any dogs on your right.", False),
        ("and on my right", Topic(("person",), "side"), "A car on your right, far away.", True),
    ],
)
def test_what_is_on_a_side(utterance: str, topic: Topic | None, said: str, found: bool) -> None:
    ctx = Context(frame=FRAME, topic=topic)
    answer = SideSkill(FakeEyes(STREET)).answer(ctx, utterance)
    assert (answer.text, answer.details["found"]) == (said, found)


@pytest.mark.parametrize(
    ("utterance", "topic", "said", "near"),
    [
        ("how far is the person", None, "The person is close to you.", "close"),
        ("how far is it", Topic(("dog",), "find"), "The dog is neither close nor far.", ""),
        ("how far is the car", None, "The car is far away.", "far"),
    ],
)
def test_how_far(utterance: str, topic: Topic | None, said: str, near: str) -> None:
    answer = FarSkill(FakeEyes(STREET)).answer(Context(frame=FRAME, topic=topic), utterance)
    assert (answer.text, answer.details["near"]) == (said, near)


def test_how_far_with_nothing_talked_about_asks_which_thing() -> None:
    eyes = FakeEyes(STREET)
    answer = FarSkill(eyes).answer(Context(frame=FRAME), "how far is it")
    assert answer.text.startswith("Which thing") and eyes.looks == []


def test_who_is_there_says_the_people_and_their_mood() -> None:
    people = SceneReport(
        DIM_GREY,
        objects=(Detection("person", 0.9, NEAR_LEFT), Detection("dog", 0.8, MIDDLE_AHEAD)),
        faces=(Face(0.9, NEAR_LEFT, emotion="happy"),),
        blur=500.0,
    )
    answer = WhoSkill(FakeEyes(people)).answer(Context(frame=FRAME), "who is there")
    assert answer.text == "A person close on your left. Someone looks happy."
    assert answer.details["count"] == 1
    nobody = WhoSkill(FakeEyes(scene())).answer(Context(frame=FRAME), "who is there")
    assert nobody.text == "I don't see any people." and nobody.details["count"] == 0


def test_a_follow_up_reaches_the_skill_through_the_registry() -> None:
    registry = default_registry(eyes=FakeEyes(COLOURED))
    first = registry.respond(Context(frame=FRAME), "is there a bicycle")
    topic = Topic(tuple(first.details["about"]), first.intent)  # type: ignore[arg-type]
    ctx = Context(frame=FRAME, topic=topic)
    assert registry.respond(ctx, "where is it").intent == "find"
    assert registry.respond(ctx, "what colour is it").text == "The bicycle is red."
    # "And the car?" repeats the last question about the car.
    again = registry.respond(ctx, "and the car")
    assert again.intent == "find" and "car" in again.text
    # With no conversation, "where is it?" is no question for the camera.
    assert registry.respond(Context(frame=FRAME), "where is it").intent == "fallback"


def test_can_you_see_a_thing_asks_whether_it_is_there() -> None:
    registry = default_registry(eyes=FakeEyes(STREET))
    answer = registry.respond(Context(frame=FRAME), "can you see my dog anywhere")
    assert answer.intent == "find" and answer.details["found"] is True
