"""The registry: dispatch, fallback, and the grammar handed to recognisers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

import pytest

from device.language import LANGUAGES, Language
from device.language.tongues import tongue
from device.skills.base import Answer, SkillContext
from device.skills.builtin import FallbackSkill, TimeSkill
from device.skills.matcher import DEFAULT_THRESHOLD
from device.skills.registry import KeywordSkill, SkillRegistry, default_registry, phrase_variants
from device.vision.pipeline import VisionPipeline

from .context import Context, solid


@pytest.fixture(scope="module")
def registry() -> SkillRegistry:
    return default_registry(eyes=VisionPipeline())


def test_default_registry_has_the_built_in_skills(registry: SkillRegistry) -> None:
    assert set(registry.names) == {
        "time",
        "see",
        "repeat",
        "louder",
        "quieter",
        "stop",
        "help",
        "more",
        "read",
        "count",
        "find",
        "clear",
        "colour",
        "side",
        "far",
        "who",
        "memory",
        "forget",
    }
    assert registry.fallback.name == "fallback"
    assert registry.get("fallback") is registry.fallback
    with pytest.raises(KeyError):
        registry.get("weather")


def test_every_skill_asks_in_the_words_of_the_language_tables(registry: SkillRegistry) -> None:
    """The phrases and keywords live in ``device/language/<lang>.py`` only."""
    for name in registry.names:
        skill = registry.get(name)
        assert isinstance(skill, KeywordSkill), name
        for language in LANGUAGES:
            requests = tongue(language).requests[name]
            assert skill.phrases[language] == requests.phrases, (name, language)
            assert skill.keywords[language] == requests.keywords, (name, language)


@pytest.mark.parametrize(
    ("language", "utterance", "text"),
    [
        ("en", "can you tell me the time", "It's 10:40 in the morning."),
        ("en", "what time is eat", "It's 10:40 in the morning."),
        ("ko", "지금 몇 시야", "지금은 오전 열 시 40분이에요."),
        ("en", "the weather is lovely in paris today", "Sorry, I didn't catch that."),
        ("en", "", "Sorry, I didn't catch that."),
        ("ko", "오늘 날씨가 좋네요", "죄송해요, 잘 못 알아들었어요."),
        ("ko", "", "죄송해요, 잘 못 알아들었어요."),
    ],
)
def test_respond_dispatches_or_falls_back(
    registry: SkillRegistry, language: Language, utterance: str, text: str
) -> None:
    ctx = Context(language=language, clock=datetime(2024, 5, 17, 10, 40))
    assert registry.respond(ctx, utterance).text == text


def test_respond_carries_the_match_score(registry: SkillRegistry) -> None:
    answer = registry.respond(Context(volume=0.5), "louder please")
    assert answer.intent == "louder" and answer.volume == pytest.approx(0.65)
    score = answer.details["match_score"]
    assert isinstance(score, float) and DEFAULT_THRESHOLD <= score <= 1.0
    assert "match_score" not in registry.respond(Context(), "call my mother").details


@pytest.mark.parametrize(
    ("language", "heard"),
    [
        ("en", "is it not"),  # Whisper's "is it dark?" in espeak's en-us voice
        ("en", "what's not"),  # its "what's that?" in en-gb
        ("en", "turn it"),
    ],
)
def test_a_close_call_between_actions_is_not_acted_on(
    registry: SkillRegistry, language: Language, heard: str
) -> None:
    """The volume must never move on a guess, least of all the wrong way."""
    top, second = registry.scores(heard, language)[:2]
    assert {top.name, second.name} == {"louder", "quieter"}  # both would pass the threshold
    assert registry.match(heard, language) is None
    answer = registry.respond(Context(language=language, volume=0.5), heard)
    assert answer.intent == "fallback" and answer.volume is None


@pytest.mark.parametrize(
    ("language", "said", "intent"),
    [
        ("en", "please speak more softly", "quieter"),  # the closest real request
        ("en", "turn the volume down", "quieter"),
        ("ko", "작게 말해 줘", "quieter"),
        ("ko", "소리 키워 줘", "louder"),
    ],
)
def test_a_clear_request_to_act_is_still_acted_on(
    registry: SkillRegistry, language: Language, said: str, intent: str
) -> None:
    found = registry.match(said, language)
    assert found is not None and found.name == intent


def test_nothing_said_is_the_fallback(registry: SkillRegistry) -> None:
    """An unclear hold (``Heard.unclear``) reaches the skills as ""."""
    answer = registry.respond(Context(), "")
    assert answer.intent == "fallback" and answer.text == "Sorry, I didn't catch that."


def test_respond_uses_the_request_language(registry: SkillRegistry) -> None:
    ctx = Context(language="ko", frame=solid((30, 30, 220)))
    answer = registry.respond(ctx, "앞에 뭐가 있어")
    assert answer.intent == "see"
    assert "빨간색" in answer.text


def test_answer_with_skips_matching(registry: SkillRegistry) -> None:
    answer = registry.answer_with("see", Context(frame=None))
    assert answer.intent == "see" and answer.is_error
    with pytest.raises(KeyError):
        registry.answer_with("weather", Context())


@pytest.mark.parametrize("language", LANGUAGES)
def test_grammar_is_every_phrase_and_variant_once(
    registry: SkillRegistry, language: Language
) -> None:
    grammar = registry.grammar_phrases(language)
    assert len(grammar) == len(set(grammar))
    assert grammar == registry.grammar_phrases(language)  # stable order
    for name in registry.names:
        for template in registry.get(name).phrases[language]:
            for phrase in tongue(language).fill(template):
                assert set(phrase_variants(phrase, language)) <= set(grammar), phrase
    for phrase in grammar:
        assert phrase == " ".join(phrase.split()) and phrase == phrase.lower()
        assert "{" not in phrase, phrase


@pytest.mark.parametrize(
    ("language", "asked", "filled"),
    [
        ("en", "is there a dog", True),
        ("en", "is there an apple", True),
        ("en", "where are the teddy bears", True),
        ("en", "how many buses", True),
        ("ko", "고양이 어디 있어", True),
        ("ko", "버스 몇 대 있어", True),
        ("ko", "사람 몇 명 있어", True),
    ],
)
def test_templates_are_said_of_every_thing_in_the_grammar(
    registry: SkillRegistry, language: Language, asked: str, filled: bool
) -> None:
    assert (asked in registry.grammar_phrases(language)) is filled


def test_an_unhearable_name_stays_out_of_the_grammar(registry: SkillRegistry) -> None:
    """PocketSphinx's dictionary has no "frisbee": a grammar word it lacks breaks it."""
    assert not any("frisbee" in phrase for phrase in registry.grammar_phrases("en"))


@pytest.mark.parametrize(
    ("language", "utterance", "skill"),
    [
        ("en", "is there a giraffe", "find"),
        ("en", "where's the frisbee", "find"),  # not in the grammar, still understood
        ("en", "do you see any bikes", "find"),
        ("en", "how many umbrellas", "count"),
        ("en", "what tie is it", "time"),  # "tie" is a COCO class, but this is the time
        ("ko", "기린 있어", "find"),
        ("ko", "우산 몇 개 있어", "count"),
        ("ko", "가위 어디 있어", "find"),
    ],
)
def test_any_thing_fills_a_slot(
    registry: SkillRegistry, language: Language, utterance: str, skill: str
) -> None:
    found = registry.match(utterance, language)
    assert found is not None and found.name == skill, registry.scores(utterance, language)[:3]


@pytest.mark.parametrize(
    ("language", "utterance"),
    [("en", "where are my keys"), ("en", "is there a thing"), ("ko", "열쇠 어디 있어")],
)
def test_a_question_naming_nothing_the_camera_knows_is_not_for_find(
    registry: SkillRegistry, language: Language, utterance: str
) -> None:
    scores = dict(registry.scores(utterance, language))
    assert scores["find"] == 0.0
    found = registry.match(utterance, language)
    assert found is None or found.name != "find"


def test_grammar_variants() -> None:
    assert phrase_variants("stop", "en") == ["stop", "stop please", "please stop"]
    assert phrase_variants("다시 말해 줘", "ko") == ["다시 말해 줘", "다시 말해 주세요"]
    assert phrase_variants("크게", "ko") == ["크게"]
    # Only a whole word is replaced: "도와줘" is one vocabulary word.
    assert phrase_variants("도와줘", "ko") == ["도와줘"]


class _Echo:
    """A skill outside the built-ins, to show the registry takes any Skill."""

    name: ClassVar[str] = "echo"
    phrases: ClassVar[Mapping[Language, Sequence[str]]] = {"en": ["echo echo"], "ko": []}

    def answer(self, ctx: SkillContext, utterance: str) -> Answer:
        return Answer(text=utterance, intent=self.name)


def test_a_skill_without_keywords_matches_on_phrases_alone() -> None:
    registry = SkillRegistry([_Echo(), TimeSkill()], fallback=FallbackSkill())
    assert registry.respond(Context(), "echo echo").text == "echo echo"
    assert registry.respond(Context(), "what time is it").intent == "time"
    assert "echo echo" in registry.grammar_phrases("en")


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="time"):
        SkillRegistry([TimeSkill(), TimeSkill()], fallback=FallbackSkill())
    with pytest.raises(ValueError, match="fallback"):
        SkillRegistry([FallbackSkill()], fallback=FallbackSkill())


def test_a_compiled_grammar_names_only_the_common_things(registry: SkillRegistry) -> None:
    """PocketSphinx took 6 s to decode with every name in its grammar."""
    full, compact = registry.grammar_phrases("en"), registry.grammar_phrases("en", compact=True)
    assert "is there a dog" in compact and "is there a giraffe" not in compact
    assert "is there a giraffe" in full and set(compact) <= set(full)
    assert len(compact) < len(full) / 3
    assert "what time is it" in compact  # every phrase without a slot stays
