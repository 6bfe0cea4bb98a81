"""English: the sentences, the requests understood, the names of things, and
the grammar (plurals, articles, numbers, the clock)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final

from device.language.tongue import Messages, Naming, Period, Requests, Tongue, spans_named
from device.vision.coco import COCO_LABELS
from device.vision.grouping import (
    ANIMALS_FIRST_COMMON,
    VEHICLES_FIRST_COMMON,
    Group,
    Nearness,
    Side,
    nearness,
    side_of,
)
from device.vision.light import ColourName, LightWord

MESSAGES: Final = Messages(
    fallback="Sorry, I didn't catch that.",
    help="You can ask me what time it is or what I see, whether something is there, "
    "its colour, and what I saw before. You can also say repeat, louder, quieter or stop.",
    nothing_said_yet="I haven't said anything yet.",
    louder="Louder.",
    loudest="That's as loud as I go.",
    quieter="Quieter.",
    quietest="That's as quiet as I go.",
    camera_error="I can't see right now: the camera isn't answering.",
    vision_model_error=(
        "I can't see right now: my vision model files are damaged. They need to be installed again."
    ),
    too_dark="It's too dark for me to see anything.",
    blurred="It's too blurred to make out anything.",
    mixed_colours="I see a mix of colours.",
    main_colours="I mostly see {colours}.",
    sign="A sign says {signs}.",
    sign_more='A sign says {signs}, and more: say "read that" for all of it.',
    mood_one="Someone looks {mood}.",
    mood_many="Someone near you looks {mood}.",
    no_text="I can't find any text to read.",
    read="It says: {text}.",
    clear_ahead=(
        "I don't see anything close ahead. I only know people, vehicles, animals "
        "and common objects, so watch for steps and holes."
    ),
    no_faces="I can't read faces right now.",
    not_clear="No. {what}",
    which_thing="Which thing do you mean? Ask me about one first, like: is there a car?",
    memory_off="My memory of what I see is switched off.",
    forgot="I've forgotten everything I saw.",
    unknown_thing=(
        "I can't recognise that, so I can't tell whether I've seen it. "
        "I know people, animals, vehicles and common objects."
    ),
    saw_nothing="I don't remember seeing anything {when}.",
)

#: What is said to ask for each skill.  Every word of every phrase must be in
#: PocketSphinx's CMU dictionary (``tests/skills/test_vocabulary.py``), written
#: in lower case; the grammar adds "please" before and after each phrase
#: (``device/skills/registry.py``).  Keywords match whole words.
_COMMANDS: Final[Mapping[str, Requests]] = {
    "time": Requests(
        phrases=(
            "what time is it",
            "what time is it now",
            "what's the time",
            "what is the time",
            "what's the time now",
            "tell me the time",
            "can you tell me the time",
            "do you know the time",
            "do you know what time it is",
            "have you got the time",
            "check the time",
            "the time",
            "time",
        ),
        keywords={"time": 0.6, "what time": 0.8, "clock": 0.5, "hour": 0.5, "o'clock": 0.6},
    ),
    "see": Requests(
        phrases=(
            "what do you see",
            "what can you see",
            "what's in front of me",
            "what is in front of me",
            "describe the scene",
            "describe what you see",
            "tell me what you see",
            "what's around me",
            "what am i looking at",
            "look around",
            "what's ahead",
            "how bright is it",
            "is it dark",
            "describe",
            "look",
        ),
        keywords={
            "see": 0.6,
            "in front": 0.7,
            "describe": 0.7,
            "scene": 0.7,
            "look": 0.5,
            "looking": 0.5,
            "around me": 0.5,
            "surroundings": 0.6,
            "bright": 0.4,
            "dark": 0.4,
        },
    ),
    "more": Requests(
        phrases=(
            "tell me more",
            "more",
            "more detail",
            "what else",
            "what else do you see",
            "anything else",
        ),
        keywords={"more": 0.7, "else": 0.6, "detail": 0.7},
    ),
    "read": Requests(
        phrases=(
            "read that",
            "read this",
            "read it",
            "read the sign",
            "what does it say",
            "what does the sign say",
            "read",
        ),
        keywords={"read": 0.8, "say": 0.3, "sign": 0.5},
    ),
    "repeat": Requests(
        phrases=(
            "repeat",
            "repeat that",
            "can you repeat that",
            "say that again",
            "say it again",
            "what did you say",
            "come again",
            "pardon",
            "one more time",
            "again",
            "i didn't catch that",
            "i missed that",
            "what was that",
        ),
        keywords={
            "repeat": 0.8,
            "again": 0.6,
            "pardon": 0.8,
            "what did you say": 0.8,
            "what was that": 0.7,
            "one more time": 0.7,
            "did not catch": 0.7,
        },
    ),
    "louder": Requests(
        phrases=(
            "louder",
            "speak louder",
            "a bit louder",
            "speak up",
            "turn it up",
            "volume up",
            "turn the volume up",
            "raise the volume",
            "increase the volume",
            "i can't hear you",
            "too quiet",
        ),
        keywords={
            "louder": 0.9,
            "speak up": 0.8,
            "up": 0.2,
            "can not hear": 0.7,
            "too quiet": 0.8,
            "increase": 0.5,
            "raise": 0.5,
        },
    ),
    "quieter": Requests(
        phrases=(
            "quieter",
            "speak quieter",
            "a bit quieter",
            "softer",
            "speak softer",
            "speak softly",
            "turn it down",
            "volume down",
            "turn the volume down",
            "lower the volume",
            "decrease the volume",
            "too loud",
            "not so loud",
        ),
        keywords={
            "quieter": 0.9,
            "softer": 0.9,
            "softly": 0.8,
            "down": 0.2,
            "too loud": 0.8,
            "not so loud": 0.8,
            "lower": 0.5,
            "decrease": 0.5,
        },
    ),
    "stop": Requests(
        phrases=(
            "stop",
            "stop it",
            "stop talking",
            "okay stop",
            "be quiet",
            "quiet",
            "shut up",
            "that's enough",
            "enough",
            "never mind",
            "cancel",
            "silence",
        ),
        keywords={
            "stop": 0.8,
            "enough": 0.6,
            "cancel": 0.8,
            "shut up": 0.9,
            "be quiet": 0.8,
            "never mind": 0.8,
            "silence": 0.7,
        },
    ),
    "help": Requests(
        phrases=(
            "help",
            "help me",
            "what can you do",
            "what can i ask",
            "what can i ask you",
            "how does this work",
            "how do i use this",
            "what are the commands",
            "list the commands",
            "instructions",
            # Who the device is: what it can do is the answer.
            "who are you",
        ),
        keywords={
            "help": 0.8,
            "commands": 0.7,
            "instructions": 0.7,
            "what can you do": 0.8,
            "what can i": 0.6,
            "how does this work": 0.8,
            "who are you": 0.8,
        },
    ),
}

#: How each COCO class is said (the dataset's names are sometimes terse).
THINGS: Final[Mapping[str, str]] = {
    **{label: label for label in COCO_LABELS},
    "dining table": "table",
    "tv": "TV",
    "sports ball": "ball",
    "cell phone": "phone",
    "hair drier": "hair dryer",
}

#: Plurals that the +s / +es rule gets wrong (of a whole name or its last word).
_IRREGULAR: Final[Mapping[str, str]] = {
    "person": "people",
    "mouse": "mice",
    "knife": "knives",
    "sheep": "sheep",
    "skis": "skis",
    "scissors": "scissors",
}

LIGHT: Final[Mapping[LightWord, str]] = {
    "very dark": "It's very dark here.",
    "dark": "It's dark here.",
    "dim": "It's dim here.",
    "fairly bright": "It's fairly bright here.",
    "bright": "It's bright here.",
    "very bright": "It's very bright here.",
}

COLOURS: Final[Mapping[ColourName, str]] = {
    "red": "red",
    "orange": "orange",
    "yellow": "yellow",
    "green": "green",
    "blue": "blue",
    "purple": "purple",
    "pink": "pink",
    "brown": "brown",
    "white": "white",
    "grey": "grey",
    "black": "black",
}

#: The face model's labels are nouns for some moods; "looks surprise" is not English.
MOODS: Final[Mapping[str, str]] = {
    "happy": "happy",
    "sad": "sad",
    "angry": "angry",
    "surprise": "surprised",
    "fear": "afraid",
    "disgust": "disgusted",
}

_NUMBERS: Final = (
    *("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)
#: Beside a side ("two on your left"), small numbers are words, larger ones digits.
_SPELLED_BESIDE_A_SIDE: Final = 6

_SIDE: Final[Mapping[Side, str]] = {
    "left": "on your left",
    "ahead": "ahead",
    "right": "on your right",
}
_KIND: Final = {"animal": "an animal", "vehicle": "a vehicle"}


def plural(label: str) -> str:
    word = THINGS[label]
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


def counted(n: int, label: str) -> str:
    """'a dog', 'an umbrella', 'three people', 'about 30 cars'."""
    if n == 1:
        word = THINGS[label]
        article = "an" if word[0] in "aeiou" else "a"
        return f"{article} {word}"
    number = _NUMBERS[n] if n < len(_NUMBERS) else f"about {round(n, -1)}"
    return f"{number} {plural(label)}"


def listing(items: Sequence[str], *, last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    return ", ".join([*items[:-2], f" {last} ".join(items[-2:])])


def quotes(lines: Sequence[str]) -> str:
    return listing([f'"{line}"' for line in lines])


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def group(g: Group) -> str:
    near = g.nearest
    if g.alternatives:
        maybe = listing([counted(1, x) for x in (g.label, *g.alternatives)], last="or")
        close = " close" if g.close_side else ""
        kind = _KIND.get(g.kind, "something")
        return _sentence(f"{kind}{close} {_SIDE[side_of(near.box)]}, maybe {maybe}")
    close_side = g.close_side
    if g.side is not None:
        text = f"{counted(g.count, g.label)} {_SIDE[g.side]}"
        if close_side and g.count == 1:
            text = f"{counted(1, g.label)} close {_SIDE[close_side]}"
        elif close_side:
            text += ", one of them close"
        elif g.count == 1 and nearness(near.box) == "far":
            text += ", far away"
        return _sentence(text)
    parts = []
    for side, n in g.by_side:
        number = _NUMBERS[n] if n <= _SPELLED_BESIDE_A_SIDE else str(n)
        close = " close" if side == close_side else ""
        parts.append(f"{number}{close} {_SIDE[side]}")
    return _sentence(f"{counted(g.count, g.label)}: {listing(parts)}")


def count(label: str, n: int) -> str:
    return f"I don't see any {plural(label)}." if n == 0 else f"I see {counted(n, label)}."


def colour_of(label: str, colours: Sequence[ColourName], nearest: bool) -> str:
    """One thing's colours: "The bicycle is red.", "The nearest car is white." """
    which = "the nearest" if nearest else "the"
    return _sentence(f"{which} {THINGS[label]} is {listing([COLOURS[c] for c in colours])}")


_DISTANCE: Final[Mapping[Nearness, str]] = {
    "close": "close to you",
    "": "neither close nor far",
    "far": "far away",
}


def distance(label: str, near: Nearness) -> str:
    return _sentence(f"the {THINGS[label]} is {_DISTANCE[near]}")


def none_on_side(label: str | None, side: Side) -> str:
    what = f"any {plural(label)}" if label else "anything"
    return f"I don't see {what} {_SIDE[side]}."


_SIDE_WORDS: Final[Mapping[str, Side]] = {
    "left": "left",
    "right": "right",
    "ahead": "ahead",
    "front": "ahead",
    "straight": "ahead",
}


def asked_side(utterance: str) -> Side | None:
    for word in re.findall(r"[a-z]+", utterance.lower()):
        if word in _SIDE_WORDS:
            return _SIDE_WORDS[word]
    return None


def never_seen(label: str) -> str:
    return f"I don't remember seeing any {plural(label)}."


def last_seen(label: str, when: str, side: Side | None) -> str:
    where = f", {_SIDE[side]}" if side else ""
    return f"I last saw {counted(1, label)} {when}{where}."


def saw(counts: Sequence[tuple[str, int]], when: str) -> str:
    return _sentence(f"{when} I saw {listing([counted(n, label) for label, n in counts])}")


_PERIOD_WORDS: Final[Mapping[Period, str]] = {
    "morning": "this morning",
    "afternoon": "this afternoon",
    "evening": "this evening",
    "today": "today",
    "yesterday": "yesterday",
    "recent": "recently",
}
#: What a question says to ask about a period, in the order they are looked for.
_PERIOD_ASKED: Final[tuple[tuple[str, Period], ...]] = (
    ("yesterday", "yesterday"),
    ("morning", "morning"),
    ("afternoon", "afternoon"),
    ("evening", "evening"),
    ("tonight", "evening"),
    ("today", "today"),
)


def asked_period(utterance: str) -> Period | None:
    words = set(re.findall(r"[a-z]+", utterance.lower()))
    return next((period for word, period in _PERIOD_ASKED if word in words), None)


def asks_what(utterance: str) -> bool:
    return "what" in re.findall(r"[a-z]+", utterance.lower())


def period_words(period: Period) -> str:
    return _PERIOD_WORDS[period]


def when(moment: datetime, now: datetime) -> str:
    """'a minute ago', '25 minutes ago', 'at 9:05 this morning', 'yesterday at
    6:10 in the evening', 'on Monday at 9:05 in the morning'."""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 2:
        return "a minute ago"
    if minutes < 60:
        return f"{minutes} minutes ago"
    clock = time(moment.hour, moment.minute).removeprefix("It's ").rstrip(".")
    days = (now.date() - moment.date()).days
    if days == 0:
        # "at 9:05 in the morning" -> "at 9:05 this morning" when it is today's.
        return "at " + clock.replace("in the morning", "this morning").replace(
            "in the afternoon", "this afternoon"
        ).replace("in the evening", "this evening")
    if days == 1:
        return f"yesterday at {clock}"
    return f"on {moment.strftime('%A')} at {clock}" if days < 7 else f"{days} days ago"


def _period(hour: int) -> str:
    if 5 <= hour < 12:
        return "in the morning"
    if 12 <= hour < 18:
        return "in the afternoon"
    if 18 <= hour < 21:
        return "in the evening"
    return "at night"


def time(hour: int, minute: int) -> str:
    """Never "9:05", which speech engines read as "nine zero five": the first
    minutes of an hour are "5 minutes past 9"."""
    twelve = hour % 12 or 12
    if minute == 0:
        if hour in (0, 12):
            return "It's midnight." if hour == 0 else "It's noon."
        return f"It's {twelve} o'clock {_period(hour)}."
    if minute < 10:
        minutes = "1 minute" if minute == 1 else f"{minute} minutes"
        if hour in (0, 12):
            return f"It's {minutes} past {'midnight' if hour == 0 else 'noon'}."
        return f"It's {minutes} past {twelve} {_period(hour)}."
    return f"It's {twelve}:{minute:02d} {_period(hour)}."


#: Names the recognisers' vocabularies lack (tests/skills/test_vocabulary.py),
#: so the grammar asks about the rest; Whisper's free text still names them,
#: and :func:`asked_things` understands them there.
UNHEARD: Final = frozenset({"frisbee", "skateboard", "broccoli", "remote"})


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


#: Other nouns for things, singular and plural, that the grammar also asks about.
_OTHER_NOUNS: Final = (
    ("bike", "bikes"),
    ("puppy", "puppies"),
    ("kitten", "kittens"),
    ("mug", "mugs"),
    ("sofa", "sofas"),
    ("man", "men"),
    ("woman", "women"),
    ("child", "children"),
    ("vehicle", "vehicles"),
    ("animal", "animals"),
)


#: What the slots of a request template become: the article and the name, the
#: name alone, the plural.
_SLOTS: Final = ("a_thing", "thing", "things")
SLOT_WORD: Final = "thing"


def _each_thing() -> list[tuple[str, str]]:
    """(singular, plural) of every thing the grammar can hear, then the other nouns."""
    names = [
        (THINGS[label].lower(), plural(label).lower())
        for label in COCO_LABELS
        if label not in UNHEARD
    ]
    return [*names, *_OTHER_NOUNS]


def fill(template: str, only: Sequence[str] | None = None) -> tuple[str, ...]:
    if "{" not in template:
        return (template,)
    names = (
        [(THINGS[x].lower(), plural(x).lower()) for x in only if x not in UNHEARD]
        if only is not None
        else _each_thing()
    )
    return tuple(template.format(a_thing=_a(one), thing=one, things=many) for one, many in names)


def slot_forms(template: str) -> tuple[str, ...]:
    return (template.format(a_thing=f"a {SLOT_WORD}", thing=SLOT_WORD, things=SLOT_WORD),)


REQUESTS: Final[Mapping[str, Requests]] = {
    **_COMMANDS,
    "count": Requests(
        phrases=(
            # Not "how many dogs are there": "there" made "where am i" a count.
            "how many {things}",
            "count the {things}",
            "how many",
        ),
        keywords={"how many": 0.8, "count": 0.7},
    ),
    "find": Requests(
        phrases=(
            "is there {a_thing}",
            "are there any {things}",
            "do you see {a_thing}",
            "can you see {a_thing}",
            "where is the {thing}",
            "where are the {things}",
            # A follow-up (device/dialogue.py): "it" is the thing last talked about.
            # "And the horse?" is no phrase: it repeats the last question
            # (SkillRegistry.respond), whichever it was.
            "where is it",
        ),
        keywords={"where": 0.6, "is there": 0.3, "are there": 0.3},
    ),
    "colour": Requests(
        phrases=(
            "what colour is the {thing}",
            "what color is the {thing}",
            "what colour are the {things}",
            "what color are the {things}",
            "what colour is it",
            "what color is it",
        ),
        keywords={"colour": 0.6, "color": 0.6, "colours": 0.6, "colors": 0.6},
    ),
    "side": Requests(
        phrases=(
            "what is on my left",
            "what is on my right",
            "what is on the left",
            "what is on the right",
            "and on my left",
            "and on my right",
            "and on the left",
            "and on the right",
            "anything on my left",
            "anything on my right",
            "what is to my left",
            "what is to my right",
        ),
        # "right" is a stop word ("right now"), so the right side rests on these.
        keywords={
            "on my left": 0.6,
            "on my right": 0.6,
            "on the left": 0.6,
            "on the right": 0.6,
            "to my left": 0.6,
            "to my right": 0.6,
        },
    ),
    "far": Requests(
        phrases=(
            # Not "how far away is it": "away" made "go away" a question.
            "how far is it",
            "how far",
            "how far is the {thing}",
            "how close is it",
            "how close is the {thing}",
            "is it close",
            "is it far",
        ),
        keywords={"how far": 0.8, "how close": 0.7, "far away": 0.5},
    ),
    "who": Requests(
        phrases=(
            "who is there",
            "who is here",
            "who is in front of me",
            "who is it",
            "who do you see",
            "who can you see",
            "who is around",
        ),
        keywords={"who is": 0.6, "who do": 0.6, "who can": 0.6},
    ),
    "memory": Requests(
        phrases=(
            "when did you last see {a_thing}",
            "when did you see {a_thing}",
            "have you seen {a_thing}",
            "have you seen my {things}",
            "have you seen any {things}",
            "did you see {a_thing}",
            # No "what did i see this morning/today": "good morning" and "what
            # did you eat today" matched them; the keywords carry those.
            "what did i see earlier",
            "what have you seen",
        ),
        keywords={"have you seen": 0.8, "last see": 0.7, "did i see": 0.7, "did you see": 0.5},
    ),
    "forget": Requests(
        phrases=(
            "forget everything",
            "forget what you saw",
            "forget what you have seen",
            "erase your memory",
            "delete your memory",
        ),
        keywords={"forget": 0.8, "erase": 0.6},
    ),
    "clear": Requests(
        phrases=(
            "is the way ahead clear",
            "is the way clear",
            "is the path clear",
            "is it clear ahead",
            "is anything in my way",
            "is there anything in my way",
            "can i walk ahead",
        ),
        keywords={"in my way": 0.9, "clear": 0.6, "path": 0.5, "way ahead": 0.7},
    ),
}

#: Other words for the things (and for kinds of things): lower case, whole words.
_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    **{w: ("person",) for w in ("man", "men", "woman", "women", "anyone", "anybody")},
    **{w: ("person",) for w in ("someone", "somebody", "kid", "kids", "child", "children")},
    **{w: ("bicycle",) for w in ("bike", "bikes")},
    **{w: ("motorcycle",) for w in ("motorbike", "motorbikes", "scooter")},
    **{w: ("dog",) for w in ("puppy", "puppies", "doggy")},
    **{w: ("cat",) for w in ("kitten", "kittens", "kitty")},
    **{w: ("truck",) for w in ("lorry", "lorries")},
    **{w: ("cup",) for w in ("mug", "mugs")},
    **{w: ("couch",) for w in ("sofa", "sofas")},
    **{w: ("tv",) for w in ("television", "televisions")},
    "automobile": ("car",),
    **{w: VEHICLES_FIRST_COMMON for w in ("vehicle", "vehicles")},
    **{w: ANIMALS_FIRST_COMMON for w in ("animal", "animals")},
}


# One utterance is named several times a turn (the matcher's slotted text,
# each slot skill's check, the answer, the ``--json`` slots): name it once.
@functools.lru_cache(maxsize=64)
def naming(utterance: str) -> Naming:
    words = re.sub(r"[^a-z'\s]", " ", utterance.lower()).split()
    bare = [w.strip("'") for w in words]
    spans: list[tuple[int, int, str]] = []  # (start, end, label)
    for label in COCO_LABELS:
        for form in {THINGS[label].lower(), plural(label).lower(), label}:
            said = form.split()
            for i in range(len(bare) - len(said) + 1):
                if bare[i : i + len(said)] == said:
                    spans.append((i, i + len(said), label))
    for i, word in enumerate(bare):
        spans.extend((i, i + 1, label) for label in _SYNONYMS.get(word, ()))
    return spans_named(words, spans)


ENGLISH: Final = Tongue(
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
