"""The grammar that cannot be a table: English plurals, articles and numbers;
Korean native numbers, counters and particles."""

from __future__ import annotations

import pytest

from device.language import Language, en, ko
from device.language.tongues import tongue


@pytest.mark.parametrize(
    ("n", "label", "said"),
    [
        (1, "dog", "a dog"),
        (1, "umbrella", "an umbrella"),
        (1, "tv", "a TV"),
        (3, "person", "three people"),
        (2, "bus", "two buses"),
        (2, "knife", "two knives"),
        (4, "wine glass", "four wine glasses"),
        (2, "dining table", "two tables"),
        (2, "sheep", "two sheep"),
        (20, "cup", "twenty cups"),
        (25, "car", "about 20 cars"),
        (34, "car", "about 30 cars"),
    ],
)
def test_english_counts_articles_and_plurals(n: int, label: str, said: str) -> None:
    assert en.counted(n, label) == said


def test_plural_of_compound_and_y_words() -> None:
    assert en.plural("teddy bear") == "teddy bears"
    assert en.plural("skis") == "skis"
    assert en.plural("mouse") == "mice"
    assert en.plural("hair drier") == "hair dryers"


def test_english_lists() -> None:
    assert en.listing(["grey"]) == "grey"
    assert en.listing(["grey", "blue"]) == "grey and blue"
    assert en.listing(["a", "b", "c"], last="or") == "a, b or c"


@pytest.mark.parametrize(
    ("word", "batchim"),
    [("사람", True), ("개", False), ("말", True), ("자동차", False), ("EXIT", False), ("3", True)],
)
def test_korean_final_consonant(word: str, batchim: bool) -> None:
    assert ko.has_batchim(word) is batchim


def test_korean_particles_and_lists() -> None:
    assert ko.subject("사람") == "사람이" and ko.subject("개") == "개가"
    assert ko.topic("한 명") == "한 명은" and ko.topic("한 마리") == "한 마리는"
    assert ko.listing(["회색", "파란색"]) == "회색과 파란색"
    assert ko.listing(["개", "고양이"]) == "개와 고양이"
    assert ko.listing(["빨간색", "회색", "파란색"]) == "빨간색, 회색과 파란색"


def test_korean_native_numbers_and_counters() -> None:
    assert [ko.number(n) for n in (1, 2, 3, 4, 10, 12, 20, 21)] == [
        *("한", "두", "세", "네", "열", "열두", "스무", "21"),
    ]
    assert [ko.counter(k) for k in ("person", "animal", "vehicle", "small", "road")] == [
        *("명", "마리", "대", "개", "개"),
    ]


@pytest.mark.parametrize(
    ("label", "n", "english", "korean"),
    [
        ("person", 0, "I don't see any people.", "사람은 안 보여요."),
        ("person", 3, "I see three people.", "사람 세 명이 보여요."),
        ("dog", 1, "I see a dog.", "개 한 마리가 보여요."),
        ("car", 2, "I see two cars.", "자동차 두 대가 보여요."),
        ("cup", 0, "I don't see any cups.", "컵은 안 보여요."),
    ],
)
def test_how_many(label: str, n: int, english: str, korean: str) -> None:
    assert tongue("en").count(label, n) == english
    assert tongue("ko").count(label, n) == korean


@pytest.mark.parametrize(
    ("language", "utterance", "label"),
    [
        ("en", "how many people are there", "person"),
        ("en", "how many dogs", "dog"),
        ("en", "how many tvs", "tv"),
        ("en", "how many phones", "cell phone"),
        ("en", "how many teddy bears", "teddy bear"),
        ("en", "how many hot dogs", "hot dog"),
        ("en", "how many", None),
        ("ko", "사람 몇 명 있어", "person"),
        ("ko", "곰 인형 몇 개 있어", "teddy bear"),
        ("ko", "곰인형 몇 개", "teddy bear"),
        ("ko", "자동차 몇 대", "car"),
        ("ko", "몇 개 있어", None),
    ],
)
def test_the_thing_a_how_many_question_names(
    language: Language, utterance: str, label: str | None
) -> None:
    assert next(iter(tongue(language).asked_things(utterance)), None) == label
