"""Words for things: COCO class names as people say them, in English and Korean.

Kept apart from the composer so the grammar (plurals, articles, counters,
particles) can be tested on its own.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "ko"]

#: English plurals that the +s / +es rule gets wrong.
_IRREGULAR = {
    "person": "people",
    "mouse": "mice",
    "knife": "knives",
    "sheep": "sheep",
    "skis": "skis",
    "scissors": "scissors",
    "skateboard": "skateboards",
}

#: How a COCO label is said (the dataset's names are sometimes terse).
_SAY_EN = {
    "dining table": "table",
    "potted plant": "potted plant",
    "tv": "TV",
    "sports ball": "ball",
    "cell phone": "phone",
    "hair drier": "hair dryer",
}

#: Korean names for the 80 COCO classes.
KOREAN = {
    "person": "사람",
    "bicycle": "자전거",
    "car": "자동차",
    "motorcycle": "오토바이",
    "airplane": "비행기",
    "bus": "버스",
    "train": "기차",
    "truck": "트럭",
    "boat": "배",
    "traffic light": "신호등",
    "fire hydrant": "소화전",
    "stop sign": "정지 표지판",
    "parking meter": "주차 요금기",
    "bench": "벤치",
    "bird": "새",
    "cat": "고양이",
    "dog": "개",
    "horse": "말",
    "sheep": "양",
    "cow": "소",
    "elephant": "코끼리",
    "bear": "곰",
    "zebra": "얼룩말",
    "giraffe": "기린",
    "backpack": "배낭",
    "umbrella": "우산",
    "handbag": "핸드백",
    "tie": "넥타이",
    "suitcase": "여행 가방",
    "frisbee": "프리스비",
    "skis": "스키",
    "snowboard": "스노보드",
    "sports ball": "공",
    "kite": "연",
    "baseball bat": "야구 방망이",
    "baseball glove": "야구 글러브",
    "skateboard": "스케이트보드",
    "surfboard": "서핑보드",
    "tennis racket": "테니스 라켓",
    "bottle": "병",
    "wine glass": "와인잔",
    "cup": "컵",
    "fork": "포크",
    "knife": "칼",
    "spoon": "숟가락",
    "bowl": "그릇",
    "banana": "바나나",
    "apple": "사과",
    "sandwich": "샌드위치",
    "orange": "오렌지",
    "broccoli": "브로콜리",
    "carrot": "당근",
    "hot dog": "핫도그",
    "pizza": "피자",
    "donut": "도넛",
    "cake": "케이크",
    "chair": "의자",
    "couch": "소파",
    "potted plant": "화분",
    "bed": "침대",
    "dining table": "식탁",
    "toilet": "변기",
    "tv": "텔레비전",
    "laptop": "노트북",
    "mouse": "마우스",
    "remote": "리모컨",
    "keyboard": "키보드",
    "cell phone": "휴대폰",
    "microwave": "전자레인지",
    "oven": "오븐",
    "toaster": "토스터",
    "sink": "싱크대",
    "refrigerator": "냉장고",
    "book": "책",
    "clock": "시계",
    "vase": "꽃병",
    "scissors": "가위",
    "teddy bear": "곰 인형",
    "hair drier": "헤어드라이어",
    "toothbrush": "칫솔",
}

ANIMALS = frozenset(
    ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"]
)
VEHICLES = frozenset(["bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"])

_EN_NUMBERS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
# Native Korean numbers as they stand before a counter (한 명, 두 마리, 스무 개).
_KO_NATIVE = [
    "영",
    "한",
    "두",
    "세",
    "네",
    "다섯",
    "여섯",
    "일곱",
    "여덟",
    "아홉",
    "열",
    "열한",
    "열두",
    "열세",
    "열네",
    "열다섯",
    "열여섯",
    "열일곱",
    "열여덟",
    "열아홉",
    "스무",
]


def say_en(label: str) -> str:
    return _SAY_EN.get(label, label)


def plural_en(label: str) -> str:
    word = say_en(label)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    head, _, last = word.rpartition(" ")
    if last in _IRREGULAR:
        return f"{head} {_IRREGULAR[last]}".strip()
    if last.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def count_en(n: int, label: str) -> str:
    """'a dog', 'an umbrella', 'three people', 'about 30 cars'."""
    if n == 1:
        word = say_en(label)
        article = "an" if word[0] in "aeiou" else "a"
        return f"{article} {word}"
    number = _EN_NUMBERS[n] if n < len(_EN_NUMBERS) else f"about {round(n, -1)}"
    return f"{number} {plural_en(label)}"


def counter_ko(label: str) -> str:
    """The counter word: people 명, animals 마리, vehicles 대, everything else 개."""
    if label == "person":
        return "명"
    if label in ANIMALS:
        return "마리"
    if label in VEHICLES:
        return "대"
    return "개"


def number_ko(n: int) -> str:
    return _KO_NATIVE[n] if n < len(_KO_NATIVE) else str(n)


def has_batchim(word: str) -> bool:
    """Does the last Hangul syllable end in a consonant (so 이/은/을, not 가/는/를)?"""
    last = word.strip()[-1:]
    if not last or not "가" <= last <= "힣":
        # Latin letters and digits: read aloud, most end in a vowel sound; be
        # conservative with the ones that clearly end in a consonant.
        return last.lower() in "lmnr013678"
    return (ord(last) - 0xAC00) % 28 != 0


def subject_ko(word: str) -> str:
    """``word`` with its subject particle: 사람이, 개가."""
    return word + ("이" if has_batchim(word) else "가")


def topic_ko(word: str) -> str:
    """``word`` with its topic particle: 한 명은, 한 마리는."""
    return word + ("은" if has_batchim(word) else "는")
