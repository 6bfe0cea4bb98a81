"""The intent matcher: paraphrases, garbles and negatives in both languages."""

from __future__ import annotations

import pytest

from device.dialogue import Topic
from device.language import Language
from device.language.tongues import tongue
from device.skills.matcher import DEFAULT_THRESHOLD, Intent, IntentMatcher, normalise
from device.skills.registry import SkillRegistry, default_registry, phrase_variants
from device.skills.textsim import jamo, sound_key, word_similarity
from device.vision.pipeline import VisionPipeline

from .matcher_cases import REQUESTS, UNRELATED

TOPIC = Topic(("dog",), "find")


@pytest.fixture(scope="module")
def registry() -> SkillRegistry:
    return default_registry(eyes=VisionPipeline())


@pytest.mark.parametrize(("language", "text", "skill"), REQUESTS)
def test_request_finds_its_skill(
    registry: SkillRegistry, language: Language, text: str, skill: str
) -> None:
    found = registry.match(text, language)
    assert found is not None, f"{text!r} fell through: {registry.scores(text, language)[:3]}"
    assert found.name == skill, registry.scores(text, language)[:3]


@pytest.mark.parametrize(("language", "text"), UNRELATED)
def test_unrelated_sentence_is_left_to_fallback(
    registry: SkillRegistry, language: Language, text: str
) -> None:
    assert registry.match(text, language) is None, registry.scores(text, language)[:3]


def test_threshold_sits_inside_the_gap(registry: SkillRegistry) -> None:
    """The calibration the docstring of matcher.py describes still holds.

    Every request must beat every unrelated sentence by a margin on both sides
    of the threshold, so a phrase or keyword change that erodes the gap fails
    here before it shows up as a flaky match.
    """
    lowest_request = min(registry.scores(t, lang)[0].score for lang, t, _ in REQUESTS)
    highest_unrelated = max(registry.scores(t, lang)[0].score for lang, t in UNRELATED)
    assert highest_unrelated + 0.03 <= DEFAULT_THRESHOLD <= lowest_request - 0.03, (
        highest_unrelated,
        lowest_request,
    )


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("text", ["", "   ", "?!", "..."])
def test_empty_or_punctuation_only_matches_nothing(
    registry: SkillRegistry, language: Language, text: str
) -> None:
    assert registry.match(text, language) is None
    assert all(m.score == 0.0 for m in registry.scores(text, language))


def test_every_grammar_phrase_matches_its_own_skill(registry: SkillRegistry) -> None:
    """What the recogniser can output must land on the skill it came from."""
    wrong = []
    for name in registry.names:
        skill = registry.get(name)
        for language, templates in skill.phrases.items():
            for phrase in (p for t in templates for p in tongue(language).fill(t)):
                for variant in phrase_variants(phrase, language):
                    # In a conversation, so the follow-ups ("where is it") count too.
                    found = registry.match(variant, language, TOPIC)
                    if found is None or found.name != name:
                        wrong.append((name, variant, found))
    assert wrong == []


@pytest.mark.parametrize(
    ("first", "second", "skill"),
    [
        # Pairs that differ in one word and mean different things.
        ("what did you say", "what can i ask", "repeat"),
        ("what can i ask", "what did you say", "help"),
        ("turn it up", "turn it down", "louder"),
        ("turn it down", "turn it up", "quieter"),
        ("too quiet", "be quiet", "louder"),
        ("be quiet", "too quiet", "stop"),
        ("더 크게", "더 작게", "louder"),
        ("더 작게", "더 크게", "quieter"),
    ],
)
def test_near_pairs_are_told_apart(
    registry: SkillRegistry, first: str, second: str, skill: str
) -> None:
    language: Language = "ko" if first[0] >= "\uac00" else "en"
    found = registry.match(first, language)
    other = registry.match(second, language)
    assert found is not None and found.name == skill
    assert other is not None and other.name != skill


def test_korean_matches_with_particles_and_any_spacing(registry: SkillRegistry) -> None:
    for text in ("몇 시예요", "몇시예요", "몇 시 예요", "몇  시  예요"):
        found = registry.match(text, "ko")
        assert found is not None and found.name == "time", text


def test_scores_are_sorted_and_bounded(registry: SkillRegistry) -> None:
    scores = registry.scores("could you tell me what time it is", "en")
    assert [m.score for m in scores] == sorted((m.score for m in scores), reverse=True)
    assert all(0.0 <= m.score <= 1.0 for m in scores)
    assert {m.name for m in scores} == set(registry.names)


def test_a_higher_threshold_rejects_a_weak_match() -> None:
    intents = [
        Intent("time", {"en": ["what time is it"]}, {"en": {"time": 0.6}}),
        Intent("see", {"en": ["what do you see"]}),
    ]
    loose = IntentMatcher(intents, threshold=0.3)
    strict = IntentMatcher(intents, threshold=0.99)
    assert loose.match("time please", "en") is not None
    assert strict.match("time please", "en") is None
    assert strict.match("what time is it", "en") is not None


def test_matcher_rejects_duplicate_names_and_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="unique"):
        IntentMatcher([Intent("a", {"en": ["x"]}), Intent("a", {"en": ["y"]})])
    with pytest.raises(ValueError, match="threshold"):
        IntentMatcher([Intent("a", {"en": ["x"]})], threshold=1.5)


def test_an_intent_without_phrases_in_a_language_never_matches_there() -> None:
    matcher = IntentMatcher([Intent("time", {"en": ["what time is it"]})])
    assert matcher.match("what time is it", "ko") is None
    assert matcher.match("지금 몇 시야", "ko") is None


@pytest.mark.parametrize(
    ("language", "raw", "expected"),
    [
        ("en", "What's the TIME?", "what is the time"),
        ("en", "  can't   hear you!! ", "can not hear you"),
        ("en", "it’s ok", "it is ok"),
        ("ko", "몇 시예요?", "몇 시예요"),
        ("ko", "  앞에   뭐가 있어!", "앞에 뭐가 있어"),
    ],
)
def test_normalise(language: Language, raw: str, expected: str) -> None:
    assert normalise(raw, language) == expected


def test_jamo_spells_korean_the_way_it_sounds() -> None:
    # A final consonant carried over to the next (vowel-initial) syllable.
    assert jamo("앞에") == jamo("아페")
    # Tense and plain consonants fold together; vowels still count.
    assert jamo("씨") == jamo("시")
    assert jamo("시") != jamo("사")


def test_sound_key_and_word_similarity_follow_pronunciation() -> None:
    assert sound_key("louder") == sound_key("lauder")
    assert sound_key("scene") == sound_key("seen")
    assert word_similarity("lauder", "louder", "en") >= 0.7
    assert word_similarity("tie", "time", "en") >= 0.7
    # Different words that merely look alike stay apart.
    assert word_similarity("say", "see", "en") < 0.55
    assert word_similarity("off", "up", "en") < 0.55
