"""Questions about what the device saw before, answered from its visual memory."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from device.language import Language
from device.memory import VisualMemory
from device.skills.memory_questions import ForgetSkill, MemorySkill, period_span
from device.vision.pipeline import SceneReport
from device.vision.types import Detection

from .context import Context
from .test_look import DIM_GREY

AHEAD = (0.4, 0.3, 0.6, 0.7)
MORNING = datetime(2026, 12, 2, 9, 0)
NOON = datetime(2026, 12, 2, 12, 0)


def seen(*labels: str) -> SceneReport:
    return SceneReport(
        DIM_GREY, objects=tuple(Detection(x, 0.9, AHEAD) for x in labels), blur=500.0
    )


def memory_of(*looks: tuple[datetime, SceneReport]) -> VisualMemory:
    at = [MORNING]
    memory = VisualMemory(None, clock=lambda: at[0].timestamp())
    for when, report in looks:
        at[0] = when
        memory.remember(report)
    at[0] = NOON
    return memory


MEMORY = memory_of(
    (MORNING, seen("bicycle", "dog")),
    (MORNING + timedelta(minutes=10), seen("cup")),
    (datetime(2026, 12, 1, 19, 0), seen("horse")),  # last night: older, but kept
)


@pytest.mark.parametrize(
    ("language", "utterance", "said", "was_seen"),
    [
        (
            "en",
            "when did you last see a bicycle",
            "I last saw a bicycle at 9 o'clock this morning, ahead.",
            True,
        ),
        ("en", "have you seen a cat", "I don't remember seeing any cats.", False),
        ("ko", "자전거 언제 봤어", "자전거는 오늘 오전 아홉 시에 앞에서 마지막으로 봤어요.", True),
        ("ko", "고양이 본 적 있어", "고양이는 본 기억이 없어요.", False),
    ],
)
def test_when_did_you_last_see(
    language: Language, utterance: str, said: str, was_seen: bool
) -> None:
    ctx = Context(language=language, clock=NOON)
    answer = MemorySkill(MEMORY).answer(ctx, utterance)
    assert (answer.text, answer.details["seen"]) == (said, was_seen)


def test_a_thing_it_cannot_recognise_is_said_so_not_denied() -> None:
    answer = MemorySkill(MEMORY).answer(Context(clock=NOON), "have you seen my keys")
    assert answer.details["seen"] is None and "can't recognise" in answer.text


@pytest.mark.parametrize(
    ("utterance", "labels"),
    [
        ("what did i see this morning", ["bicycle", "dog", "cup"]),
        ("what did i see yesterday", ["horse"]),
        ("what did i see this afternoon", []),
    ],
)
def test_what_did_i_see_in_a_period(utterance: str, labels: list[str]) -> None:
    answer = MemorySkill(MEMORY).answer(Context(clock=NOON), utterance)
    assert answer.details["labels"] == labels
    if not labels:
        assert answer.text == "I don't remember seeing anything this afternoon."


def test_the_morning_ends_at_noon() -> None:
    start, end = period_span("morning", NOON + timedelta(hours=3))
    assert (start.hour, end.hour) == (5, 12)


def test_forget_everything_erases_the_memory_and_says_so() -> None:
    memory = memory_of((MORNING, seen("bicycle")))
    for language, said in (
        ("en", "I've forgotten everything I saw."),
        ("ko", "본 것을 모두 잊었어요."),
    ):
        answer = ForgetSkill(memory).answer(Context(language=language, clock=NOON), "")
        assert answer.text == said
    assert memory.looks() == []
    again = MemorySkill(memory).answer(Context(clock=NOON), "have you seen a bicycle")
    assert again.details["seen"] is False


def test_a_switched_off_memory_says_so() -> None:
    for skill in (MemorySkill(None), ForgetSkill(None)):
        assert skill.answer(Context(clock=NOON), "have you seen a dog").text == (
            "My memory of what I see is switched off."
        )
