"""The set of skills, the recognisers' grammar they make, and dispatch."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import ClassVar, Final, Protocol, runtime_checkable

from device.dialogue import Topic
from device.language import LANGUAGES, Language
from device.language.scene import DEFAULT_MAX_WORDS
from device.language.tongue import is_template
from device.language.tongues import tongue
from device.memory import VisualMemory
from device.skills.base import Answer, Skill, SkillContext
from device.skills.builtin import (
    FallbackSkill,
    HelpSkill,
    LouderSkill,
    QuieterSkill,
    RepeatSkill,
    SeeSkill,
    StopSkill,
    TimeSkill,
)
from device.skills.look import CountSkill, Eyes, MoreSkill, ReadSkill
from device.skills.matcher import DEFAULT_THRESHOLD, Intent, IntentMatcher, Match
from device.skills.memory_questions import ForgetSkill, MemorySkill
from device.skills.scene_questions import (
    ClearSkill,
    ColourSkill,
    FarSkill,
    FindSkill,
    SideSkill,
    WhoSkill,
)
from device.skills.textsim import STOP_WORDS, normalise


@runtime_checkable
class KeywordSkill(Skill, Protocol):
    """A skill that also gives the matcher weighted keywords (all built-ins do)."""

    keywords: ClassVar[Mapping[Language, Mapping[str, float]]]


#: Polite frames added to every English phrase in the grammar.  With a grammar,
#: PocketSphinx can only hear what the grammar allows, so "what time is it
#: please" would otherwise be forced onto some other phrase.  Korean politeness
#: lives in verb endings instead, written into the phrases themselves; the one
#: mechanical variant is the polite request ending 줘 -> 주세요.
_EN_FRAMES: Final = ("{}", "{} please", "please {}")
_KO_ENDINGS: Final = (("줘", "주세요"),)


def phrase_variants(phrase: str, language: Language) -> list[str]:
    """``phrase`` and the polite forms the grammar also accepts (see above)."""
    if language == "en":
        return [frame.format(phrase) for frame in _EN_FRAMES]
    out = [phrase]
    for plain, polite in _KO_ENDINGS:
        if phrase.endswith(f" {plain}"):
            out.append(phrase[: -len(plain)] + polite)
    return out


@runtime_checkable
class SlotSkill(Skill, Protocol):
    """A skill that answers only utterances that fill its slots (a thing's name)."""

    def accepts(self, utterance: str, language: Language, topic: Topic | None) -> bool:
        """Whether ``utterance`` fills the slots, or follows up ``topic``."""
        ...


#: The things a compiled grammar names (``grammar_phrases(compact=True)``):
#: the likeliest on a walk.  Other names still reach the skills through the
#: engines' free-form fallback and the matcher's slot.
GRAMMAR_THINGS: Final = (
    "person",
    "car",
    "bus",
    "truck",
    "bicycle",
    "motorcycle",
    "dog",
    "cat",
    "bird",
    "bench",
    "chair",
    "cup",
    "bottle",
    "cell phone",
    "traffic light",
)

log = logging.getLogger(__name__)

#: A request to look that names a thing is a question about that thing.
_ASKS_ABOUT_A_THING: Final = {"see": "find"}
#: Skills that change the device (the volume, the memory), not just answer.
ACTING: Final = frozenset({"louder", "quieter", "forget"})
#: How far an acting skill must score above the next one to be acted on,
#: and above its opposite.  From the matcher's table
#: (tests/skills/matcher_cases.py) and the phrases: the closest real request,
#: "please speak more softly", wins by 0.15 (over "more"), and every real
#: louder or quieter request beats its opposite by 0.32 or more.  Whisper's
#: garbles of other voices ("is it not" for "is it dark?", "what's not" for
#: "what's that?") gave louder over quieter by 0.02; a bare "turn it", 0.12.
CLOSE_CALL: Final = 0.1
OPPOSITE_CALL: Final = 0.2
OPPOSITES: Final = {"louder": "quieter", "quieter": "louder"}


class SkillRegistry:
    """The skills the device answers with, and the one it falls back on."""

    def __init__(
        self,
        skills: Iterable[Skill],
        *,
        fallback: Skill,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self._skills: dict[str, Skill] = {}
        for skill in skills:
            if skill.name in self._skills or skill.name == fallback.name:
                raise ValueError(f"two skills are called {skill.name!r}")
            self._skills[skill.name] = skill
        self._fallback = fallback
        self._matcher = IntentMatcher(
            (_intent_of(skill) for skill in self._skills.values()),
            threshold=threshold,
            slot_words={language: tongue(language).slot_word for language in LANGUAGES},
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The matchable skills' names, in registration order (not the fallback)."""
        return tuple(self._skills)

    @property
    def fallback(self) -> Skill:
        return self._fallback

    def get(self, name: str) -> Skill:
        """The skill called ``name`` (the fallback included); ``KeyError`` if none."""
        if name == self._fallback.name:
            return self._fallback
        return self._skills[name]

    def grammar_phrases(self, language: Language, *, compact: bool = False) -> list[str]:
        """Every phrase the recogniser for ``language`` should accept, once each.

        The skills' phrases plus polite variants, in a stable order (skills in
        registration order) so the grammar, and so the recogniser, is the same
        from one start to the next.  ``compact`` fills the templates with
        :data:`GRAMMAR_THINGS` only, for engines that compile a grammar: with
        every name (5,589 English phrases) PocketSphinx took 6 s to decode
        "what time is it", with 400 phrases 0.4 s.
        """
        return _phrases_of(self._skills.values(), language, compact=compact)

    def acting_phrases(self, language: Language) -> list[str]:
        """The phrases of the skills that act on the device (:data:`ACTING`)
        and of no other: a recogniser that snaps near misses to phrases takes
        these only when it is sure."""
        calm = set(
            _phrases_of((s for s in self._skills.values() if s.name not in ACTING), language)
        )
        acting = (s for s in self._skills.values() if s.name in ACTING)
        return [p for p in _phrases_of(acting, language) if p not in calm]

    def example_phrases(self, language: Language) -> list[str]:
        """One phrase per skill, its first, in registration order.

        What a recogniser may be told to expect (Whisper's prompt): one of
        each request, rather than all, which steered the Korean model to
        the skills' words without making it write them for other speech.
        """
        # A template's first filling: "is there a person".
        return [
            tongue(language).fill(skill.phrases[language][0], None)[0]
            for skill in self._skills.values()
            if skill.phrases.get(language)
        ]

    def match(self, utterance: str, language: Language, topic: Topic | None = None) -> Match | None:
        """The best skill for ``utterance``, or ``None`` (the fallback's turn).

        A skill that changes something (:data:`ACTING`) must also win clearly,
        and more clearly still over its opposite: "is it not" scores louder
        0.56 and quieter 0.54, and a misheard "quieter" must never turn the
        volume up (issue 13).  A close call gets "didn't catch that", and the
        wearer says it again.
        """
        ranked = self.scores(utterance, language, topic)
        best = ranked[0]
        if best.score < self._matcher.threshold:
            return None
        if best.name in ACTING:
            runner_up = ranked[1].score if len(ranked) > 1 else 0.0
            opposite = next((m.score for m in ranked if m.name == OPPOSITES.get(best.name)), 0.0)
            if best.score - runner_up < CLOSE_CALL or best.score - opposite < OPPOSITE_CALL:
                log.info("%r: %s is a close call, not acted on", utterance, best.name)
                return None
        return best

    def scores(self, utterance: str, language: Language, topic: Topic | None = None) -> list[Match]:
        """Every skill's score for ``utterance``, best first (for ``--json`` and tuning).

        A skill with slots (:class:`SlotSkill`) scores 0 when the utterance
        fills none: "where are my keys?" sounds like "where is the dog?", but
        names no thing the camera knows, so it is not a question for the camera.
        """
        found = self._matcher.scores(
            utterance, language, slotted=tongue(language).slotted(utterance)
        )
        passed_over = {
            m.name
            for m in found
            if isinstance(skill := self._skills[m.name], SlotSkill)
            and not skill.accepts(utterance, language, topic)
        }
        kept = [m for m in found if m.name not in passed_over]
        kept += [Match(name, 0.0) for name in passed_over]
        # "Can you see my dog?" sounds like "what can you see?", but names a
        # thing: it asks whether the dog is there.
        instead = _ASKS_ABOUT_A_THING.get(kept[0].name)
        if instead in self._skills and tongue(language).asked_things(utterance):
            top = kept[0]
            kept = [Match(instead, top.score)] + [m for m in kept if m.name != instead]
        return kept

    def _ellipsis(self, utterance: str, ctx: SkillContext) -> Match | None:
        """ "And the horse?" after "where is the dog?": a thing's name alone,
        in a conversation, asks the last question again about that thing."""
        topic = ctx.topic
        if topic is None or topic.intent not in self._skills:
            return None
        words = tongue(ctx.language)
        if not words.asked_things(utterance):
            return None
        # The name and little else: a long garble that holds a name is not "and the X?".
        others = [
            w
            for w in normalise(words.slotted(utterance), ctx.language).split()
            if w != words.slot_word and w not in STOP_WORDS[ctx.language]
        ]
        return Match(topic.intent, 0.0) if len(others) <= 1 else None

    def answer_with(self, name: str, ctx: SkillContext, utterance: str = "") -> Answer:
        """Let the skill called ``name`` answer directly, without matching.

        For requests that come without speech, such as the double press that
        means "describe what's in front of me".  ``KeyError`` if no such skill.
        """
        return self.get(name).answer(ctx, utterance)

    def respond(self, ctx: SkillContext, utterance: str) -> Answer:
        """Let the best-matching skill answer ``utterance``; else the fallback."""
        found = self.match(utterance, ctx.language, ctx.topic)
        if found is None:
            found = self._ellipsis(utterance, ctx)
        if found is None:
            return self._fallback.answer(ctx, utterance)
        answer = self._skills[found.name].answer(ctx, utterance)
        # The score and the slots go along for ``--json`` and for tuning the threshold.
        extra = {"match_score": round(found.score, 3), "slots": slots(utterance, ctx.language)}
        return replace(answer, details={**answer.details, **extra})


def _phrases_of(skills: Iterable[Skill], language: Language, *, compact: bool = False) -> list[str]:
    """The skills' phrases with their variants, once each, in a stable order."""
    seen: dict[str, None] = {}
    words = tongue(language)
    only = GRAMMAR_THINGS if compact else None
    for skill in skills:
        for template in skill.phrases.get(language, ()):
            for phrase in words.fill(template, only):
                for variant in phrase_variants(" ".join(phrase.split()), language):
                    seen.setdefault(variant, None)
    return list(seen)


def slots(utterance: str, language: Language) -> dict[str, object]:
    """What a request names, for ``--json``: the things (COCO classes), the
    side and the period, each only if it names one."""
    words = tongue(language)
    found: dict[str, object] = {}
    if things := words.asked_things(utterance):
        found["things"] = list(things)
    if side := words.asked_side(utterance):
        found["side"] = side
    if period := words.asked_period(utterance):
        found["period"] = period
    return found


def _intent_of(skill: Skill) -> Intent:
    """What the matcher knows of ``skill``: a template's phrases with the slot
    word for the name ("is there a thing"), not one phrase per thing."""
    phrases: dict[Language, list[str]] = {}
    slotted = False
    for language, templates in skill.phrases.items():
        forms = phrases.setdefault(language, [])
        for template in templates:
            if is_template(template):
                slotted = True
                forms.extend(tongue(language).slot_forms(template))
            else:
                forms.append(template)
    return Intent(
        name=skill.name,
        phrases=phrases,
        keywords=skill.keywords if isinstance(skill, KeywordSkill) else {},
        slotted=slotted,
    )


def default_registry(
    *,
    threshold: float = DEFAULT_THRESHOLD,
    eyes: Eyes | None = None,
    max_words: int = DEFAULT_MAX_WORDS,
    memory: VisualMemory | None = None,
) -> SkillRegistry:
    """The built-in skills; with ``eyes`` (the vision pipeline) also the follow-ups.

    ``max_words`` is the most words a short scene description has (the
    config's ``vision.max_words``); ``memory`` the visual memory the memory
    questions answer from (None: switched off, and they say so).
    """
    looking: Sequence[Skill] = (
        (
            MoreSkill(eyes),
            ReadSkill(eyes),
            CountSkill(eyes),
            FindSkill(eyes),
            ClearSkill(eyes),
            ColourSkill(eyes),
            SideSkill(eyes),
            FarSkill(eyes),
            WhoSkill(eyes),
            MemorySkill(memory),
            ForgetSkill(memory),
        )
        if eyes is not None
        else ()
    )
    skills: Sequence[Skill] = (
        *looking,
        TimeSkill(),
        SeeSkill(eyes, max_words=max_words),
        RepeatSkill(),
        LouderSkill(),
        QuieterSkill(),
        StopSkill(),
        HelpSkill(),
    )
    return SkillRegistry(skills, fallback=FallbackSkill(), threshold=threshold)


__all__ = ["KeywordSkill", "SkillRegistry", "SlotSkill", "default_registry", "slots"]
