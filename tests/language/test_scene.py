"""The scene in words: hand-made vision reports said in English and Korean."""

from __future__ import annotations

import pytest

from device.language import LANGUAGES, Language
from device.language.scene import compose, describe, light_and_colours
from device.vision.light import ColourName, ColourShare, LightReading, LightWord, SceneLight
from device.vision.pipeline import BLUR_THRESHOLD, SceneReport
from device.vision.types import Detection, Face, TextLine

# Neither close nor far: a third of the frame high (grouping.nearness).
LEFT, AHEAD, RIGHT = (0.05, 0.35, 0.25, 0.68), (0.4, 0.35, 0.6, 0.68), (0.75, 0.35, 0.95, 0.68)
CLOSE_LEFT = (0.05, 0.1, 0.3, 0.95)
FAR_AHEAD = (0.48, 0.45, 0.52, 0.5)
SHARP = BLUR_THRESHOLD * 10


def d(label: str, box: tuple[float, float, float, float], score: float = 0.8) -> Detection:
    return Detection(label, score, box)


def light(
    word: LightWord = "dim", *colours: tuple[ColourName, float], too_dark: bool = False
) -> SceneLight:
    shares = tuple(ColourShare(name, share) for name, share in colours)
    return SceneLight(LightReading(0.3, 0.5, word, too_dark), shares)


GREY_AND_BLUE = light("dim", ("grey", 0.6), ("blue", 0.4))


def report(*objects: Detection, blur: float = SHARP) -> SceneReport:
    return SceneReport(GREY_AND_BLUE, objects=objects, blur=blur)


# --------------------------------------------------------------------------- describe


def test_things_found_are_the_answer_and_the_detail_adds_the_light() -> None:
    said = describe(report(d("dog", RIGHT)), "en")
    assert said.text == "A dog on your right."
    assert said.detail == "A dog on your right. It's dim here. I mostly see grey and blue."
    assert said.sentences[-2:] == ("It's dim here.", "I mostly see grey and blue.")
    korean = describe(report(d("dog", RIGHT)), "ko")
    assert korean.text == "오른쪽에 개가 한 마리 있어요."
    assert korean.detail.endswith("여기는 조금 어두워요. 주로 회색과 파란색이 보여요.")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "It's dim here. I mostly see grey and blue."),
        ("ko", "여기는 조금 어두워요. 주로 회색과 파란색이 보여요."),
    ],
)
def test_nothing_found_says_the_light_and_colours(language: Language, said: str) -> None:
    out = describe(report(), language)
    assert out.text == out.detail == said


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "It's too blurred to make out anything. It's dim here."),
        ("ko", "화면이 흐려서 잘 안 보여요. 여기는 조금 어두워요."),
    ],
)
def test_a_blurred_frame_with_nothing_found_says_why(language: Language, said: str) -> None:
    assert describe(report(blur=BLUR_THRESHOLD / 2), language).text.startswith(said)
    # Found things need no excuse, blurred or not.
    blurred_dog = report(d("dog", RIGHT), blur=BLUR_THRESHOLD / 2)
    assert "흐려" not in describe(blurred_dog, language).text
    assert "blurred" not in describe(blurred_dog, language).text


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "It's too dark for me to see anything."), ("ko", "너무 어두워서 아무것도 안 보여요.")],
)
def test_too_dark_is_all_that_is_said(language: Language, said: str) -> None:
    dark = SceneReport(light("very dark", ("black", 1.0), too_dark=True), blur=0.0)
    out = describe(dark, language)
    assert (out.text, out.detail, out.sentences) == (said, said, (said,))
    assert light_and_colours(dark.light, language) == said


def test_colours_none_one_or_two_named() -> None:
    assert light_and_colours(light("bright", ("red", 1.0)), "en") == (
        "It's bright here. I mostly see red."
    )
    assert light_and_colours(light("bright", ("red", 1.0)), "ko") == (
        "여기는 밝아요. 주로 빨간색이 보여요."
    )
    mixed = light("fairly bright", *((c, 0.125) for c in ("red", "blue", "green", "grey")))
    assert light_and_colours(mixed, "en") == "It's fairly bright here. I see a mix of colours."
    assert light_and_colours(mixed, "ko") == "여기는 꽤 밝아요. 여러 가지 색이 섞여 보여요."


def test_the_word_limit_is_the_callers() -> None:
    dets = [d("person", LEFT), d("car", RIGHT), d("dog", AHEAD), d("cup", RIGHT)]
    assert describe(report(*dets), "en", max_words=4).text == "A person on your left."
    assert len(describe(report(*dets), "en", max_words=100).text.split()) > 12


# --------------------------------------------------------------------------- English


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
    two = [d("person", CLOSE_LEFT), d("person", (0.1, 0.4, 0.2, 0.5))]
    assert compose(detections=two, language="en").text == (
        "Two people on your left, one of them close."
    )


def test_text_is_quoted_after_the_most_important_thing() -> None:
    out = compose(
        detections=[d("person", LEFT), d("bench", RIGHT)],
        texts=[TextLine("EXIT", 0.9, AHEAD), TextLine("PUSH", 0.9, AHEAD)],
        language="en",
    )
    assert out.sentences == (
        "A person on your left.",
        'A sign says "EXIT" and "PUSH".',
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


@pytest.mark.parametrize(
    ("faces", "said"),
    [
        ([Face(0.9, AHEAD, emotion="happy")], "Someone looks happy."),
        ([Face(0.9, AHEAD, emotion="surprise")], "Someone looks surprised."),
        (
            [Face(0.9, AHEAD, emotion="fear"), Face(0.9, LEFT, emotion="neutral")],
            "Someone near you looks afraid.",
        ),
    ],
)
def test_a_mood_is_mentioned_when_a_face_shows_one(faces: list[Face], said: str) -> None:
    out = compose(detections=[d("person", AHEAD)], faces=faces, language="en")
    assert out.sentences == ("A person ahead.", said)


def test_neutral_faces_say_nothing_and_a_tie_is_said_the_same_every_time() -> None:
    neutral = [Face(0.9, AHEAD, emotion="neutral"), Face(0.9, LEFT, emotion=None)]
    assert compose(detections=[], faces=neutral, language="en").sentences == ()
    tie = [Face(0.9, AHEAD, emotion="sad"), Face(0.9, LEFT, emotion="happy")]
    assert compose(detections=[], faces=tie, language="en").text == "Someone near you looks sad."


def test_two_names_for_one_box_become_one_unsure_object() -> None:
    box = (0.6, 0.1, 0.9, 0.3)
    dets = [Detection("car", 0.52, box), Detection("truck", 0.28, box)]
    assert compose(detections=dets, language="en").sentences == (
        "A vehicle on your right, maybe a car or a truck.",
    )
    assert compose(detections=dets, language="ko").sentences == (
        "오른쪽에 차량이 있어요. 자동차나 트럭 같아요.",
    )
    animals = [
        Detection(x, s, CLOSE_LEFT) for x, s in (("sheep", 0.5), ("cow", 0.4), ("horse", 0.3))
    ]
    assert compose(detections=animals, language="en").text == (
        "An animal close on your left, maybe a sheep, a cow or a horse."
    )
    assert compose(detections=animals, language="ko").text == (
        "왼쪽에 동물이 있어요. 양이나 소나 말 같아요."
    )


def test_a_weak_part_inside_a_strong_box_of_its_class_is_not_said() -> None:
    whole, wheel = (0.15, 0.23, 0.73, 0.83), (0.18, 0.24, 0.34, 0.38)
    dets = [Detection("bicycle", 0.54, whole), Detection("bicycle", 0.30, wheel)]
    assert compose(detections=dets, language="en").text == "A bicycle close ahead."


# --------------------------------------------------------------------------- Korean


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
    texts = [TextLine("EXIT", 0.9, AHEAD), TextLine("출구", 0.9, AHEAD)]
    out = compose(detections=dets, texts=texts, language="ko")
    assert out.sentences == (
        "사람이 두 명 있어요: 왼쪽 가까이에 한 명, 앞에 한 명.",
        '표지판에 "EXIT", "출구"라고 쓰여 있어요.',
        "앞에 멀리 말이 있어요.",
    )


def test_korean_close_one_of_many_and_moods() -> None:
    two = [d("dog", CLOSE_LEFT), d("dog", (0.1, 0.4, 0.2, 0.5))]
    assert compose(detections=two, language="ko").text == (
        "왼쪽에 개가 두 마리 있어요. 한 마리는 가까이에 있어요."
    )
    faces = [Face(0.9, AHEAD, emotion="happy")]
    assert compose(detections=[], faces=faces, language="ko").text == "누군가 기뻐 보여요."
    faces = [Face(0.9, AHEAD, emotion="surprise")]
    assert compose(detections=[], faces=faces, language="ko").text == "누군가 놀란 것 같아요."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_class_can_be_said_alone_in_a_crowd_and_spread_out(language: Language) -> None:
    from device.vision.coco import COCO_LABELS

    for label in COCO_LABELS:
        for dets in ([d(label, AHEAD)], [d(label, LEFT)] * 25, [d(label, LEFT), d(label, RIGHT)]):
            (sentence,) = compose(detections=dets, language=language, max_words=100).sentences
            assert sentence.endswith(".") and "{" not in sentence, sentence


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_of_text_is_quoted_only_as_far_as_the_word_limit(language: Language) -> None:
    """Issue 13: "stops at 25 words" was false when a page was quoted (~70 words)."""
    lines = [
        "Region-based segmentation",
        "Let us first determine markers of the coins and the",
        "background. These markers are pixels that we can label",
        "unambiguously as either object or background. Here,",
    ]
    texts = [
        TextLine(line, 0.98, (0.1, 0.1 * n, 0.9, 0.1 * n + 0.08)) for n, line in enumerate(lines)
    ]
    said = compose(detections=[], texts=texts, language=language)
    assert len(said.text.split()) <= 25, said.text
    assert '"Region-based segmentation"' in said.text
    assert ("read that" if language == "en" else "읽어 줘") in said.text
    assert all(line in said.detail for line in lines)  # "tell me more" keeps every line
    # One line longer than the limit on its own: its first words, cut.
    long = [TextLine(" ".join(["word"] * 40), 0.98, (0.1, 0.1, 0.9, 0.2))]
    cut = compose(detections=[], texts=long, language=language)
    assert len(cut.text.split()) <= 25 and "…" in cut.text, cut.text
    # Text that fits is said as before.
    short = compose(
        detections=[], texts=[TextLine("EXIT", 0.99, (0.4, 0.1, 0.6, 0.2))], language=language
    )
    assert "EXIT" in short.text and "read that" not in short.text
