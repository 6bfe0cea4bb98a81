"""What one language must supply for the device to speak it.

A language is one :class:`Tongue` value (``device/language/en.py`` builds
``ENGLISH``, ``ko.py`` builds ``KOREAN``): its fixed sentences
(:class:`Messages`), the requests it understands for each skill
(:class:`Requests`), its names for things, and the few functions whose
grammar cannot be a table (numbers, plurals, counters, particles).  Because
these are frozen dataclasses, mypy refuses a language that leaves one out;
``tests/language/test_tables.py`` checks the rest (every COCO class named,
the same ``str.format`` slots in every language, requests for every skill).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from device.vision.grouping import Group, Nearness, Side
from device.vision.light import ColourName, LightWord

Period = Literal["morning", "afternoon", "evening", "today", "yesterday", "recent"]
"""A span of time a memory question asks about."""


@dataclass(frozen=True, slots=True)
class Messages:
    """Every fixed sentence the device says.  ``{name}`` marks a value filled
    in with ``str.format``; every language has the same slots."""

    fallback: str
    """No skill matched the request."""
    help: str
    """What can be asked (two sentences at most)."""
    nothing_said_yet: str
    """"Repeat that" before anything was said."""
    louder: str
    """The volume went up a step."""
    loudest: str
    """"Louder" at full volume."""
    quieter: str
    """The volume went down a step."""
    quietest: str
    """"Quieter" at the lowest volume."""
    camera_error: str
    """The camera did not give a frame (said after the error earcon)."""
    vision_model_error: str
    """A vision model file is missing or fails its pin: the device hears and
    talks, but cannot look until the models are reinstalled."""
    too_dark: str
    """Too dark to see anything (then nothing else about the scene is said)."""
    blurred: str
    """Said before the light when a blurred frame showed nothing."""
    mixed_colours: str
    """No colour covers enough of the view to name."""
    main_colours: str
    """``{colours}``: the main colours' names as one list (``Tongue.listing``)."""
    sign: str
    """``{signs}``: the lines of text seen, quoted, as one list (``Tongue.quotes``)."""
    sign_more: str
    """As ``sign``, when only the first lines fit the short answer: says there is more."""
    mood_one: str
    """``{mood}``: the one face's mood word (``Tongue.moods``)."""
    mood_many: str
    """``{mood}``: the mood most faces in view show."""
    no_text: str
    """"Read that" with no text in view."""
    read: str
    """``{text}``: every line read, joined by ". "."""
    clear_ahead: str
    """"Is the way ahead clear?" with nothing known close ahead (says what it can't know)."""
    no_faces: str
    """After a look whose face models failed (logged in full): faces are off."""
    not_clear: str
    """``{what}``: the sentence about the nearest thing in the way (``Tongue.group``)."""
    which_thing: str
    """"How far?" with nothing talked about: asks what is meant."""
    memory_off: str
    """A memory question when ``memory.enabled`` is false."""
    forgot: str
    """"Forget everything" done."""
    unknown_thing: str
    """"Have you seen my keys?": a thing the detector cannot know."""
    saw_nothing: str
    """``{when}`` (``Tongue.period_words``): nothing remembered in that time."""


@dataclass(frozen=True, slots=True)
class Requests:
    """How one skill is asked for in one language."""

    phrases: tuple[str, ...]
    """Example requests: the recogniser's grammar and the matcher's reference
    sentences, in a fixed order (the grammar's).  Every word must be in the
    language's recogniser vocabulary (``tests/skills/test_vocabulary.py``)."""
    keywords: Mapping[str, float]
    """Words that on their own say this skill is meant, each with how sure it
    makes us, in (0, 1] (see :mod:`device.skills.matcher`)."""


@dataclass(frozen=True, slots=True)
class Tongue:
    """Everything the device says in one language: tables, then grammar."""

    messages: Messages
    requests: Mapping[str, Requests]
    """What is said to ask for each skill, by skill name (``"time"``, ``"see"``...);
    every language names the same skills, the fallback has none."""
    things: Mapping[str, str]
    """A name for each of the 80 COCO classes, as it stands alone ("table")."""
    light: Mapping[LightWord, str]
    """A sentence for each light level ("It's dim here.")."""
    colours: Mapping[ColourName, str]
    """A name for each colour the light measurement reports."""
    moods: Mapping[str, str]
    """A word for each face expression but "neutral", as ``mood_one`` takes it."""
    listing: Callable[[Sequence[str]], str]
    """Names as a spoken list ("grey and yellow", "회색과 노란색")."""
    quotes: Callable[[Sequence[str]], str]
    """Lines of text, each quoted, as a list (for ``Messages.sign``)."""
    group: Callable[[Group], str]
    """One sentence about one group of things: how many, where, how near."""
    count: Callable[[str, int], str]
    """The answer to "how many <label>s?" when ``n`` are in view (0 included)."""
    colour_of: Callable[[str, Sequence[ColourName], bool], str]
    """The colours of one thing ("The bicycle is red."); the flag says it is
    the nearest of several."""
    distance: Callable[[str, Nearness], str]
    """How near one thing is, as :func:`~device.vision.grouping.nearness` says."""
    none_on_side: Callable[[str | None, Side], str]
    """Nothing (label None) or none of a thing on one side."""
    asked_side: Callable[[str], Side | None]
    """The side a question asks about ("and on my left?"), or None."""
    never_seen: Callable[[str], str]
    """No look remembered holds this class."""
    last_seen: Callable[[str, str, Side | None], str]
    """The last look with this class: ``when`` (from :attr:`when`) and the side."""
    saw: Callable[[Sequence[tuple[str, int]], str], str]
    """What was seen in a period (``period_words``): (label, most at once), most seen first."""
    asked_period: Callable[[str], Period | None]
    """The period a memory question asks about ("this morning"), or None."""
    asks_what: Callable[[str], bool]
    """Whether a memory question asks *what* was seen ("what did I see?"),
    not whether one thing was ("have you seen my keys?")."""
    period_words: Callable[[Period], str]
    """A period as the answer says it ("this morning", "오늘 아침에")."""
    when: Callable[[datetime, datetime], str]
    """When something was seen, said from now ("at 9:05 this morning")."""
    naming: Callable[[str], Naming]
    """Where an utterance names things (COCO classes, synonyms included:
    "bike", "vehicle", "강아지"), for :meth:`asked_things` and :meth:`slotted`."""
    fill: Callable[[str, Sequence[str] | None], tuple[str, ...]]
    """A request template (``Requests.phrases``, "is there {a_thing}") said of
    every thing the recogniser can hear (or of the COCO classes given, those
    it can hear): the grammar's phrases.  A phrase without a slot is returned
    alone."""
    slot_forms: Callable[[str], tuple[str, ...]]
    """A request template with :data:`slot word <Tongue.slot_word>` in its
    slot ("is there a thing"): the matcher's reference phrases."""
    slot_word: str
    """The word that stands for any thing's name, in :meth:`slotted` and
    :attr:`slot_forms`: the matcher compares requests, not 80 names each."""
    time: Callable[[int, int], str]
    """One sentence telling the time, from a 24-hour hour and a minute."""

    def asked_things(self, utterance: str) -> tuple[str, ...]:
        """The COCO classes ``utterance`` names, the first named first, each
        once; ``()`` if it names none."""
        out: list[str] = []
        for _, _, label in self.naming(utterance).spans:
            if label not in out:
                out.append(label)
        return tuple(out)

    def slotted(self, utterance: str) -> str:
        """``utterance`` with every thing's name replaced by :attr:`slot_word`
        ("is there a dog" -> "is there a thing")."""
        named = self.naming(utterance)
        words = list(named.words)
        # One span per class a synonym stands for ("vehicle"): replace each place once.
        for start, end in sorted({(s, e) for s, e, _ in named.spans}, reverse=True):
            words[start:end] = [self.slot_word]
        return " ".join(words)


def is_template(phrase: str) -> bool:
    """Whether a request phrase has a slot for a thing's name ("is there {a_thing}")."""
    return "{" in phrase


@dataclass(frozen=True, slots=True)
class Naming:
    """The words of an utterance and the spans of them that name things."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]
    """(start, end, COCO label) in the order named; a label may repeat (a
    synonym that stands for several classes gives one span per class)."""


def spans_named(words: Sequence[str], spans: list[tuple[int, int, str]]) -> Naming:
    """The named spans of ``words`` to keep, (start, end, label), in the order
    named: a longer name covers shorter ones inside it ("teddy bear" is not
    also a bear).  Both languages' ``naming`` end with this."""
    order = {span: n for n, span in reversed(list(enumerate(spans)))}
    longest_first = sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], order[s]))
    covered: dict[int, tuple[int, int]] = {}
    kept: list[tuple[int, int, str]] = []
    for start, end, label in longest_first:
        owners = {covered[i] for i in range(start, end) if i in covered}
        if owners and owners != {(start, end)}:
            continue
        for i in range(start, end):
            covered[i] = (start, end)
        kept.append((start, end, label))
    kept.sort(key=lambda s: (s[0], order[s]))
    return Naming(words=tuple(words), spans=tuple(kept))
