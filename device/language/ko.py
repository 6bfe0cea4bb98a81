"""Korean: the sentences, the requests understood, the names of things, and
the grammar (native numbers, counters, the particles that follow a final
consonant, the clock)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final

from device.language.tongue import Messages, Naming, Period, Requests, Tongue, spans_named
from device.vision.grouping import (
    ANIMALS_FIRST_COMMON,
    Group,
    Kind,
    Nearness,
    Side,
    kind_of,
    nearness,
    side_of,
)
from device.vision.light import ColourName, LightWord

MESSAGES: Final = Messages(
    fallback="죄송해요, 잘 못 알아들었어요.",
    help=(
        "몇 시인지, 앞에 뭐가 보이는지, 무엇이 있는지, 무슨 색인지, 전에 뭘 봤는지 물어보세요. "
        "다시, 크게, 작게, 그만이라고 말할 수도 있어요."
    ),
    nothing_said_yet="아직 아무 말도 안 했어요.",
    louder="소리를 키울게요.",
    loudest="이미 가장 큰 소리예요.",
    quieter="소리를 줄일게요.",
    quietest="이미 가장 작은 소리예요.",
    camera_error="지금은 볼 수 없어요. 카메라가 응답하지 않아요.",
    vision_model_error="지금은 볼 수 없어요. 시각 모델 파일이 손상되어 다시 설치해야 해요.",
    too_dark="너무 어두워서 아무것도 안 보여요.",
    blurred="화면이 흐려서 잘 안 보여요.",
    mixed_colours="여러 가지 색이 섞여 보여요.",
    # Every colour name ends in 색, a closed syllable, so the subject particle
    # after the list is always 이.
    main_colours="주로 {colours}이 보여요.",
    sign="표지판에 {signs}라고 쓰여 있어요.",
    sign_more='표지판에 {signs}라고 쓰여 있고, 더 있어요. 전부 들으려면 "읽어 줘"라고 하세요.',
    mood_one="누군가 {mood}.",
    mood_many="누군가 {mood}.",
    no_text="읽을 글자가 안 보여요.",
    read="{text}라고 쓰여 있어요.",
    clear_ahead=(
        "바로 앞에는 아무것도 안 보여요. 저는 사람, 차, 동물과 흔한 물건만 알아보니까 "
        "계단이나 구멍은 조심하세요."
    ),
    no_faces="지금은 얼굴을 읽을 수 없어요.",
    not_clear="아니요. {what}",
    which_thing="어떤 걸 말하는지 모르겠어요. 먼저 '차 있어?'처럼 물어봐 주세요.",
    memory_off="본 것을 기억하는 기능이 꺼져 있어요.",
    forgot="본 것을 모두 잊었어요.",
    unknown_thing=(
        "그건 제가 알아보지 못하는 거라서 봤는지 알 수 없어요. "
        "사람, 동물, 차와 흔한 물건만 알아봐요."
    ),
    saw_nothing="{when} 본 기억이 없어요.",
)

#: What is said to ask for each skill.  Every word of every phrase must be in
#: the Korean Vosk model's word list (``tests/skills/test_vocabulary.py``): the
#: model drops unknown words silently.  That is why the phrases are spaced the
#: way the model spells its words ("몇 시 예요": the model has "시" and "예요"
#: but no "시예요").  The grammar adds the polite 주세요 for a final 줘
#: (``device/skills/registry.py``).  Keywords are looked for anywhere in the
#: text with its spaces removed, so their spacing does not matter.
_COMMANDS: Final[Mapping[str, Requests]] = {
    "time": Requests(
        phrases=(
            "지금 몇 시야",
            "몇 시야",
            "몇 시 예요",
            "지금 몇 시 예요",
            "몇 시",
            "지금 몇 시",
            "몇 시지",
            "몇 시니",
            "시간 알려 줘",
            "지금 시간 알려 줘",
            "몇 시 인지 알려 줘",
            "지금 시간",
            "시간",
        ),
        keywords={"몇시": 0.8, "시간": 0.6},
    ),
    "see": Requests(
        phrases=(
            "뭐가 보여",
            "뭐가 보여요",
            "뭐 보여",
            "무엇이 보여요",
            "앞에 뭐가 있어",
            "앞에 뭐가 있어요",
            "앞에 뭐 있어",
            "앞에 뭐가 있니",
            "앞에 뭐가 보여",
            "주변 설명해 줘",
            "보이는 거 설명해 줘",
            "주위 에 뭐가 있어",
        ),
        keywords={
            "보여": 0.7,
            "보이": 0.6,
            "앞에": 0.6,
            "설명": 0.5,
            "묘사": 0.6,
            "주변": 0.5,
            "주위": 0.5,
        },
    ),
    "more": Requests(
        phrases=("더 말해 줘", "자세히 말해 줘", "더 자세히"),
        keywords={"자세히": 0.7, "또": 0.5, "더 말해": 0.7},
    ),
    "read": Requests(
        phrases=("읽어 줘", "이거 읽어 줘", "뭐라고 쓰여 있어", "글자 읽어 줘"),
        keywords={"읽어": 0.8, "쓰여": 0.7, "글자": 0.7},
    ),
    "repeat": Requests(
        phrases=(
            "다시 말해 줘",
            "다시 말해",
            "다시 한 번 말해 줘",
            "한 번 더 말해 줘",
            "다시 한 번",
            "다시",
            "뭐라고",
            "뭐라고 했어",
            "못 들었어",
        ),
        keywords={"다시": 0.7, "뭐라고": 0.8, "한번더": 0.6, "못들었": 0.7},
    ),
    "louder": Requests(
        phrases=(
            "크게",
            "더 크게",
            "크게 말해 줘",
            "더 크게 말해 줘",
            "소리 크게",
            "소리 키워",
            "소리 좀 키워",
            "소리 높여",
            "소리 올려",
            "볼륨 올려",
            "안 들려",
            "잘 안 들려",
        ),
        keywords={"크게": 0.8, "키워": 0.8, "높여": 0.6, "올려": 0.6, "안들려": 0.7},
    ),
    "quieter": Requests(
        phrases=(
            "작게",
            "더 작게",
            "작게 말해 줘",
            "소리 작게",
            "소리 줄여",
            "소리 좀 줄여",
            "소리 낮춰",
            "소리 내려",
            "볼륨 내려",
            "너무 커",
            "너무 시끄러워",
        ),
        keywords={"작게": 0.8, "줄여": 0.8, "낮춰": 0.6, "내려": 0.6, "너무커": 0.7, "시끄러": 0.7},
    ),
    "stop": Requests(
        phrases=(
            "그만",
            "그만해",
            "그만 말해",
            "멈춰",
            "정지",
            "중지",
            "조용히",
            "조용히 해",
            "취소",
            "됐어",
        ),
        keywords={"그만": 0.8, "멈춰": 0.8, "정지": 0.8, "중지": 0.8, "조용히": 0.7, "취소": 0.7},
    ),
    "help": Requests(
        phrases=(
            "도움말",
            "도움",
            "도와줘",
            "뭘 할 수 있어",
            "뭐 할 수 있어",
            "사용법",
            "사용법 알려 줘",
            "어떻게 써",
            "너는 누구 야",
        ),
        keywords={
            "도움": 0.8,
            "도와": 0.8,
            "사용법": 0.8,
            "할수있": 0.6,
            "너누구": 0.8,
            "너는누구": 0.8,
        },
    ),
}

#: Korean names for the 80 COCO classes.
THINGS: Final[Mapping[str, str]] = {
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

LIGHT: Final[Mapping[LightWord, str]] = {
    "very dark": "여기는 아주 어두워요.",
    "dark": "여기는 어두워요.",
    "dim": "여기는 조금 어두워요.",
    "fairly bright": "여기는 꽤 밝아요.",
    "bright": "여기는 밝아요.",
    "very bright": "여기는 아주 밝아요.",
}

COLOURS: Final[Mapping[ColourName, str]] = {
    "red": "빨간색",
    "orange": "주황색",
    "yellow": "노란색",
    "green": "초록색",
    "blue": "파란색",
    "purple": "보라색",
    "pink": "분홍색",
    "brown": "갈색",
    "white": "흰색",
    "grey": "회색",
    "black": "검은색",
}

#: Each mood with its verb, as "누군가 ..." ends: some read as seen (보여요),
#: the guesses as guesses (같아요).
MOODS: Final[Mapping[str, str]] = {
    "happy": "기뻐 보여요",
    "sad": "슬퍼 보여요",
    "angry": "화가 나 보여요",
    "surprise": "놀란 것 같아요",
    "fear": "겁먹은 것 같아요",
    "disgust": "불쾌해 보여요",
}

# Native Korean numbers as they stand before a counter (한 명, 두 마리, 스무 개).
_NATIVE: Final = (
    *("영", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"),
    *("열한", "열두", "열세", "열네", "열다섯", "열여섯", "열일곱", "열여덟", "열아홉", "스무"),
)
_COUNTERS: Final[Mapping[Kind, str]] = {"person": "명", "animal": "마리", "vehicle": "대"}
_SIDE: Final[Mapping[Side, str]] = {"left": "왼쪽", "ahead": "앞", "right": "오른쪽"}
_KIND: Final = {"animal": "동물", "vehicle": "차량"}


def number(n: int) -> str:
    """A native number as it stands before a counter; digits past twenty."""
    return _NATIVE[n] if n < len(_NATIVE) else str(n)


def counter(kind: Kind) -> str:
    """The counter word: people 명, animals 마리, vehicles 대, everything else 개."""
    return _COUNTERS.get(kind, "개")


def has_batchim(word: str) -> bool:
    """Does the last Hangul syllable end in a consonant (so 이/은/과, not 가/는/와)?"""
    last = word.strip()[-1:]
    if not last or not "가" <= last <= "힣":
        # Latin letters and digits: read aloud, most end in a vowel sound; be
        # conservative with the ones that clearly end in a consonant.
        return last.lower() in "lmnr013678"
    return (ord(last) - 0xAC00) % 28 != 0


def subject(word: str) -> str:
    """``word`` with its subject particle: 사람이, 개가."""
    return word + ("이" if has_batchim(word) else "가")


def topic(word: str) -> str:
    """``word`` with its topic particle: 한 명은, 한 마리는."""
    return word + ("은" if has_batchim(word) else "는")


def listing(items: Sequence[str]) -> str:
    """'가', '가와 나', '가, 나와 다': 과 after a final consonant, 와 after a vowel."""
    if len(items) < 2:
        return "".join(items)
    *first, before, last = items
    joined = before + ("과 " if has_batchim(before) else "와 ") + last
    return ", ".join([*first, joined])


def quotes(lines: Sequence[str]) -> str:
    return ", ".join(f'"{line}"' for line in lines)


def group(g: Group) -> str:
    name = THINGS[g.label]
    if g.alternatives:
        kind = _KIND.get(g.kind, "무언가")
        names = [THINGS[x] for x in (g.label, *g.alternatives)]
        maybe = names[0]
        for prev, nxt in itertools.pairwise(names):
            maybe += ("이나 " if has_batchim(prev) else "나 ") + nxt
        return f"{_SIDE[side_of(g.nearest.box)]}에 {subject(kind)} 있어요. {maybe} 같아요."
    unit = counter(g.kind)
    close_side = g.close_side
    if g.side is None:
        parts = []
        for side, n in g.by_side:
            where = f"{_SIDE[side]} 가까이에" if side == close_side else f"{_SIDE[side]}에"
            parts.append(f"{where} {number(n)} {unit}")
        return f"{subject(name)} {number(g.count)} {unit} 있어요: {', '.join(parts)}."
    where = f"{_SIDE[g.side]}에"
    if close_side and g.count == 1:
        return f"{_SIDE[close_side]} 가까이에 {subject(name)} 있어요."
    if g.count == 1 and nearness(g.nearest.box) == "far":
        return f"{where} 멀리 {subject(name)} 있어요."
    text = f"{where} {subject(name)} {number(g.count)} {unit} 있어요."
    if close_side:
        text += f" {topic('한 ' + unit)} 가까이에 있어요."
    return text


def count(label: str, n: int) -> str:
    name = THINGS[label]
    if n == 0:
        return f"{topic(name)} 안 보여요."
    return f"{subject(f'{name} {number(n)} {counter(kind_of(label))}')} 보여요."


#: The counters "how many" takes (몇 개, 몇 명...): after 몇, 개 is "how many
#: (things)", not a dog (개), and 대 is not a word for anything.
_COUNTER_WORDS: Final = ("명", "개", "마리", "대")


def colour_of(label: str, colours: Sequence[ColourName], nearest: bool) -> str:
    """One thing's colours: "자전거는 빨간색이에요.", "가장 가까운 자동차는 흰색이에요." """
    name = ("가장 가까운 " if nearest else "") + THINGS[label]
    # Every colour name ends in 색, a final consonant: 이에요.
    return f"{topic(name)} {listing([COLOURS[c] for c in colours])}이에요."


_DISTANCE: Final[Mapping[Nearness, str]] = {
    "close": "가까이 있어요",
    "": "가깝지도 멀지도 않아요",
    "far": "멀리 있어요",
}


def distance(label: str, near: Nearness) -> str:
    return f"{topic(THINGS[label])} {_DISTANCE[near]}."


def none_on_side(label: str | None, side: Side) -> str:
    what = subject(THINGS[label]) if label else "아무것도"
    return f"{_SIDE[side]}에는 {what} 안 보여요."


_SIDE_WORDS: Final[Mapping[str, Side]] = {"왼쪽": "left", "오른쪽": "right", "앞": "ahead"}


def asked_side(utterance: str) -> Side | None:
    for word in utterance.split():
        for stem, side in _SIDE_WORDS.items():
            if _HANGUL_ONLY.sub("", word).startswith(stem):
                return side
    return None


def never_seen(label: str) -> str:
    return f"{topic(THINGS[label])} 본 기억이 없어요."


def last_seen(label: str, when: str, side: Side | None) -> str:
    where = f" {_SIDE[side]}에서" if side else ""
    return f"{topic(THINGS[label])} {when}{where} 마지막으로 봤어요."


def saw(counts: Sequence[tuple[str, int]], when: str) -> str:
    names = [THINGS[label] for label, _ in counts]
    return f"{when} {listing(names)}{'을' if has_batchim(names[-1]) else '를'} 봤어요."


_PERIOD_WORDS: Final[Mapping[Period, str]] = {
    "morning": "오늘 아침에",
    "afternoon": "오늘 오후에",
    "evening": "오늘 저녁에",
    "today": "오늘",
    "yesterday": "어제",
    "recent": "최근에",
}
_PERIOD_ASKED: Final[tuple[tuple[str, Period], ...]] = (
    ("어제", "yesterday"),
    ("아침", "morning"),
    ("오전", "morning"),
    ("오후", "afternoon"),
    ("저녁", "evening"),
    ("밤", "evening"),
    ("오늘", "today"),
)


def asked_period(utterance: str) -> Period | None:
    words = [_HANGUL_ONLY.sub("", w) for w in utterance.split()]
    return next(
        (period for stem, period in _PERIOD_ASKED if any(w.startswith(stem) for w in words)),
        None,
    )


def asks_what(utterance: str) -> bool:
    return any(
        _HANGUL_ONLY.sub("", w).startswith(("뭐", "무엇", "무슨")) for w in utterance.split()
    )


def period_words(period: Period) -> str:
    return _PERIOD_WORDS[period]


def when(moment: datetime, now: datetime) -> str:
    """'방금', '25분 전', '오늘 오전 아홉 시 5분', '어제 저녁 여섯 시'."""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 2:
        return "방금"
    if minutes < 60:
        return f"{minutes}분 전에"
    clock = f"{_period(moment.hour)} {number(moment.hour % 12 or 12)} 시"
    if moment.minute:
        clock += f" {moment.minute}분"
    days = (now.date() - moment.date()).days
    if days == 0:
        return f"오늘 {clock}에"
    if days == 1:
        return f"어제 {clock}에"
    return f"{days}일 전에"


def _period(hour: int) -> str:
    if hour == 0 or hour >= 21:
        return "밤"
    if hour < 6:
        return "새벽"
    if hour < 12:
        return "오전"
    if hour < 18:
        return "오후"
    return "저녁"


def time(hour: int, minute: int) -> str:
    """Hours in native numbers written out (열 시, "yeol si"), minutes in
    digits (40분, read "sasip bun"): a voice reading "10시" says "sip si",
    which is wrong."""
    if minute == 0 and hour in (0, 12):
        return "지금은 자정이에요." if hour == 0 else "지금은 정오예요."
    clock = f"{_period(hour)} {number(hour % 12 or 12)} 시"
    if minute == 0:
        return f"지금은 {clock}예요."
    return f"지금은 {clock} {minute}분이에요."


#: Names the Korean model's vocabulary lacks (tests/skills/test_vocabulary.py),
#: so the grammar asks about the rest; :func:`asked_things` still understands
#: them in Whisper's free text.
UNHEARD: Final = frozenset({"parking meter", "chair", "scissors"})


#: Other nouns for things that the grammar also asks about, with their counters.
_OTHER_NOUNS: Final = (("강아지", "마리"), ("동물", "마리"), ("차", "대"))


SLOT_WORD: Final = "물건"


def fill(template: str, only: Sequence[str] | None = None) -> tuple[str, ...]:
    if "{" not in template:
        return (template,)
    labels = [x for x in (only if only is not None else THINGS) if x not in UNHEARD]
    names = [(THINGS[label], counter(kind_of(label))) for label in labels]
    others = _OTHER_NOUNS if only is None else ()
    return tuple(template.format(thing=name, counter=unit) for name, unit in (*names, *others))


def slot_forms(template: str) -> tuple[str, ...]:
    forms = (template.format(thing=SLOT_WORD, counter=unit) for unit in _COUNTER_WORDS)
    return tuple(dict.fromkeys(forms))


REQUESTS: Final[Mapping[str, Requests]] = {
    **_COMMANDS,
    "count": Requests(
        phrases=("{thing} 몇 {counter} 있어", "몇 명 있어", "{thing} 몇 {counter}", "몇 개 있어"),
        keywords={"몇 명": 0.8, "몇명": 0.8, "몇 개": 0.7, "몇개": 0.7, "몇 마리": 0.7},
    ),
    "find": Requests(
        # "어디 있어": a follow-up (device/dialogue.py), about the thing last talked about.
        phrases=(
            "{thing} 있어",
            "{thing} 보여",
            "{thing} 어디 있어",
            "어디 있어",
            "그거 어디 있어",
        ),
        keywords={"어디": 0.7},
    ),
    "colour": Requests(
        # The Vosk model has no "이야": "무슨 색이야" is heard as "무슨 색 야".
        phrases=(
            "{thing} 무슨 색 야",
            "{thing} 색깔 뭐야",
            "그거 무슨 색 야",
            "무슨 색 야",
            "색깔 알려 줘",
        ),
        keywords={"무슨색": 0.8, "색깔": 0.8},
    ),
    "side": Requests(
        phrases=(
            "왼쪽 에 뭐 있어",
            "오른쪽 에 뭐 있어",
            "왼쪽 에 뭐가 있어",
            "오른쪽 에 뭐가 있어",
            "왼쪽 은",
            "오른쪽 은",
        ),
        keywords={"왼쪽에": 0.6, "오른쪽에": 0.6, "왼쪽은": 0.6, "오른쪽은": 0.6},
    ),
    "far": Requests(
        phrases=("얼마나 멀어", "{thing} 얼마나 멀어", "가까워", "{thing} 가까워", "멀어"),
        keywords={"얼마나멀": 0.8, "가까워": 0.5, "멀어": 0.5},
    ),
    "who": Requests(
        phrases=("누가 있어", "누구 있어", "앞에 누가 있어", "누가 보여"),
        keywords={"누가": 0.6, "누구있": 0.7},
    ),
    "memory": Requests(
        phrases=(
            "{thing} 언제 마지막 으로 봤어",
            "{thing} 언제 봤어",
            "{thing} 본 적 있어",
            "{thing} 봤어",
            "오늘 아침 에 뭐 봤어",
            "오늘 뭐 봤어",
            "어제 뭐 봤어",
            "아까 뭐 봤어",
        ),
        keywords={"봤어": 0.7, "본적": 0.8, "마지막으로": 0.6},
    ),
    "forget": Requests(
        phrases=("다 잊어 줘", "본 거 다 잊어 줘", "기억 지워 줘", "기억 다 지워 줘"),
        keywords={"잊어": 0.8, "지워": 0.6},
    ),
    "clear": Requests(
        phrases=("앞에 길 막혀 있어", "길 막혀 있어", "지나갈 수 있어", "앞에 길 비어 있어"),
        keywords={"막혀": 0.8, "지나갈": 0.8, "비어": 0.5},
    ),
}

#: Other words for the things (and for kinds of things), as whole words.
_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    # Not 누구/누가: "who" asks who is there (WhoSkill), not whether someone is.
    **{w: ("person",) for w in ("사람들", "아이", "애", "남자", "여자")},
    **{w: ("dog",) for w in ("강아지", "개들")},
    "차": ("car", "truck", "bus"),
    "동물": ANIMALS_FIRST_COMMON,
    **{w: ("cell phone",) for w in ("핸드폰", "전화기", "스마트폰")},
    **{w: ("tv",) for w in ("티비", "텔레비")},
    "테이블": ("dining table",),
    "가방": ("backpack", "handbag", "suitcase"),
}
#: Particles a name may carry in a question ("개가", "말은", "컵도").
_PARTICLE: Final = re.compile(r"(?:이|가|은|는|도|을|를|랑|하고|들)$")
_NAMES: Final = {name.replace(" ", ""): (label,) for label, name in THINGS.items()}


def _is_counter(words: Sequence[str], i: int) -> bool:
    """Is word ``i`` the counter of a "how many" (몇 개, 몇개)?"""
    word = _HANGUL_ONLY.sub("", words[i])
    if word.startswith("몇"):
        return _PARTICLE.sub("", word[1:]) in _COUNTER_WORDS
    return i > 0 and words[i - 1].endswith("몇") and _PARTICLE.sub("", word) in _COUNTER_WORDS


_HANGUL_ONLY: Final = re.compile(r"[^가-힣]")


# One utterance is named several times a turn (the matcher's slotted text,
# each slot skill's check, the answer, the ``--json`` slots): name it once.
@functools.lru_cache(maxsize=64)
def naming(utterance: str) -> Naming:
    # Whole words only: 말 (horse) must not be found in 말해 (say); and the
    # counter of "몇 개" is not a dog (개).  A name may span up to three words
    # ("곰 인형", spaced or not) and carry a particle.
    words = utterance.split()
    spans: list[tuple[int, int, str]] = []
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 3) + 1):
            if _is_counter(words, j - 1):
                break
            packed = "".join(_HANGUL_ONLY.sub("", w) for w in words[i:j])
            for form in dict.fromkeys((packed, _PARTICLE.sub("", packed))):
                synonyms = _SYNONYMS.get(form, ()) if j == i + 1 else ()
                spans.extend((i, j, label) for label in _NAMES.get(form, ()) + synonyms)
    return spans_named(words, spans)


KOREAN: Final = Tongue(
    messages=MESSAGES,
    requests=REQUESTS,
    things=THINGS,
    light=LIGHT,
    colours=COLOURS,
    moods=MOODS,
    listing=listing,
    quotes=quotes,
    group=group,
    count=count,
    colour_of=colour_of,
    distance=distance,
    none_on_side=none_on_side,
    asked_side=asked_side,
    never_seen=never_seen,
    last_seen=last_seen,
    saw=saw,
    asked_period=asked_period,
    asks_what=asks_what,
    period_words=period_words,
    when=when,
    naming=naming,
    fill=fill,
    slot_forms=slot_forms,
    slot_word=SLOT_WORD,
    time=time,
)
