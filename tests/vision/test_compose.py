"""The scene composer's wording, in English and Korean."""

from __future__ import annotations

import pytest

from device.vision.compose import compose, importance, nearness, side_of
from device.vision.types import Detection, Face, TextLine
from device.vision.words import count_en, has_batchim, plural_en, subject_ko, topic_ko

LEFT, AHEAD, RIGHT = (0.05, 0.4, 0.25, 0.6), (0.4, 0.4, 0.6, 0.6), (0.75, 0.4, 0.95, 0.6)
CLOSE_LEFT = (0.05, 0.1, 0.3, 0.95)
FAR_AHEAD = (0.48, 0.45, 0.52, 0.5)


def d(label: str, box: tuple[float, float, float, float], score: float = 0.8) -> Detection:
    return Detection(label, score, box)


@pytest.mark.parametrize(
    ("n", "label", "said"),
    [
        (1, "dog", "a dog"),
        (1, "umbrella", "an umbrella"),
        (3, "person", "three people"),
        (2, "bus", "two buses"),
        (2, "knife", "two knives"),
        (4, "wine glass", "four wine glasses"),
        (2, "dining table", "two tables"),
        (2, "sheep", "two sheep"),
        (25, "car", "about 20 cars"),
    ],
)
def test_english_counts_articles_and_plurals(n: int, label: str, said: str) -> None:
    assert count_en(n, label) == said


def test_plural_of_compound_and_y_words() -> None:
    assert plural_en("teddy bear") == "teddy bears"
    assert plural_en("skis") == "skis"


def test_sides_and_nearness_from_boxes() -> None:
    assert [side_of(b) for b in (LEFT, AHEAD, RIGHT)] == ["left", "ahead", "right"]
    assert nearness(CLOSE_LEFT) == "close" and nearness(FAR_AHEAD) == "far"
    assert nearness(AHEAD) == ""


def test_importance_people_then_vehicles_then_animals_then_small_things() -> None:
    order = sorted(["cup", "dog", "truck", "person", "chair"], key=importance)
    assert order == ["person", "truck", "dog", "chair", "cup"]


def test_english_scene_sentence() -> None:
    dets = [
        d("cup", AHEAD),
        d("dog", RIGHT),
        d("person", AHEAD),
        d("person", AHEAD),
        d("person", CLOSE_LEFT),
    ]
    text = compose(detections=dets, language="en").text
    assert text == (
        "Three people: one close on your left and two ahead. A dog on your right. A cup ahead."
    )


def test_english_single_close_and_far_things() -> None:
    assert compose(detections=[d("car", CLOSE_LEFT)], language="en").text == (
        "A car close on your left."
    )
    assert compose(detections=[d("bus", FAR_AHEAD)], language="en").text == (
        "A bus ahead, far away."
    )


def test_text_is_quoted_after_the_most_important_thing() -> None:
    out = compose(
        detections=[d("person", LEFT), d("bench", RIGHT)],
        texts=[TextLine("EXIT", 0.9, AHEAD)],
        language="en",
    )
    assert out.sentences == (
        "A person on your left.",
        'A sign says "EXIT".',
        "A bench on your right.",
    )


def test_short_answer_respects_the_word_limit_and_detail_keeps_everything() -> None:
    dets = [
        d(label, box)
        for label, box in [
            ("person", LEFT),
            ("car", RIGHT),
            ("dog", AHEAD),
            ("chair", LEFT),
            ("cup", RIGHT),
            ("book", AHEAD),
            ("laptop", LEFT),
        ]
    ]
    out = compose(detections=dets, language="en", max_words=12)
    assert len(out.text.split()) <= 12
    assert out.text.startswith("A person on your left.")
    assert "laptop" not in out.text and "laptop" in out.detail
    assert len(out.detail.split()) > 12


def test_nothing_found_says_the_fallback() -> None:
    out = compose(detections=[], language="en", nothing="It's dim here.")
    assert out.text == out.detail == "It's dim here."


def test_a_mood_is_mentioned_when_a_face_shows_one() -> None:
    faces = [Face(0.9, AHEAD, emotion="happy")]
    out = compose(detections=[d("person", AHEAD)], faces=faces, language="en")
    assert out.sentences == ("A person ahead.", "Someone looks happy.")


# --------------------------------------------------------------------------- Korean


@pytest.mark.parametrize(
    ("word", "batchim"),
    [("사람", True), ("개", False), ("말", True), ("자동차", False), ("EXIT", False)],
)
def test_korean_final_consonant(word: str, batchim: bool) -> None:
    assert has_batchim(word) is batchim


def test_korean_particles() -> None:
    assert subject_ko("사람") == "사람이" and subject_ko("개") == "개가"
    assert topic_ko("한 명") == "한 명은" and topic_ko("한 마리") == "한 마리는"


def test_korean_scene_uses_counters_and_sides() -> None:
    dets = [
        d("person", AHEAD),
        d("person", AHEAD),
        d("person", AHEAD),
        d("dog", RIGHT),
        d("car", LEFT),
        d("car", LEFT),
    ]
    out = compose(detections=dets, language="ko")
    assert out.sentences == (
        "앞에 사람이 세 명 있어요.",
        "왼쪽에 자동차가 두 대 있어요.",
        "오른쪽에 개가 한 마리 있어요.",
    )


def test_korean_spread_group_close_thing_and_text() -> None:
    dets = [d("person", CLOSE_LEFT), d("person", AHEAD), d("horse", FAR_AHEAD)]
    out = compose(detections=dets, texts=[TextLine("EXIT", 0.9, AHEAD)], language="ko")
    assert out.sentences == (
        "사람이 두 명 있어요: 왼쪽 가까이에 한 명, 앞에 한 명.",
        '표지판에 "EXIT"라고 쓰여 있어요.',
        "앞에 멀리 말이 있어요.",
    )


def test_two_names_for_one_box_become_one_unsure_object() -> None:
    box = (0.6, 0.1, 0.9, 0.3)
    dets = [Detection("car", 0.52, box), Detection("truck", 0.28, box)]
    en = compose(detections=dets, language="en")
    assert en.sentences == ("A vehicle on your right, maybe a car or a truck.",)
    ko = compose(detections=dets, language="ko")
    assert ko.sentences == ("오른쪽에 차량이 있어요. 자동차나 트럭 같아요.",)


def test_unrelated_classes_in_one_place_stay_two_things() -> None:
    dets = [Detection("person", 0.9, AHEAD), Detection("cup", 0.5, AHEAD)]
    assert compose(detections=dets, language="en").sentences == (
        "A person ahead.",
        "A cup ahead.",
    )


def test_a_weak_part_inside_a_strong_box_of_its_class_is_not_counted() -> None:
    whole, wheel = (0.15, 0.23, 0.73, 0.83), (0.18, 0.24, 0.34, 0.38)
    dets = [Detection("bicycle", 0.54, whole), Detection("bicycle", 0.30, wheel)]
    assert compose(detections=dets, language="en").text == "A bicycle close ahead."
    # Two real bikes, one behind the other, score alike and are both counted.
    dets = [Detection("bicycle", 0.54, whole), Detection("bicycle", 0.50, wheel)]
    assert compose(detections=dets, language="en").text.startswith("Two bicycles")


def test_something_close_is_said_before_a_more_important_thing_far_off() -> None:
    dets = [Detection("car", 0.8, FAR_AHEAD), Detection("dog", 0.8, CLOSE_LEFT)]
    assert compose(detections=dets, language="en").sentences[0] == "A dog close on your left."
