"""Snapping misheard transcripts to the phrase they sound like (device.speech.snap)."""

from __future__ import annotations

import pytest

from device.speech.snap import PhraseSnapper, sound_key


def test_english_keys_are_the_letters_alone() -> None:
    assert sound_key("What's the time, now?", "en") == "whatsthetimenow"
    assert sound_key("42 !", "en") == ""


def test_korean_keys_are_the_sounds_of_the_syllables() -> None:
    key = sound_key("소리 줄여!", "ko")
    assert key == "sㅗlㅣjㅜlㅕ"  # ㅇ before a vowel is silent: one wrong sound costs an eighth
    # Written as said: a final consonant moves on to the vowel after it...
    assert sound_key("앞에 뭐가 있어", "ko") == sound_key("아페 뭐가 이써", "ko")
    # ...plain, aspirated and tense consonants are one sound...
    assert sound_key("까", "ko") == sound_key("카", "ko") == sound_key("가", "ko")
    # ...and a final is the sound it is said as, a double one sending its second on.
    assert sound_key("몇 시", "ko") == sound_key("멷 시", "ko") == "mㅕtsㅣ"
    assert sound_key("값이", "ko") == sound_key("갑시", "ko")
    assert sound_key("좋아", "ko") == sound_key("조아", "ko")
    assert sound_key("hello 123", "ko") == ""


def test_a_near_miss_in_korean_snaps_to_its_phrase() -> None:
    snapper = PhraseSnapper(["지금 몇 시야", "소리 줄여", "소리 좀 키워"], "ko")
    snap = snapper.nearest(["소비 주묘"])  # heard in noise for 소리 줄여
    assert snap is not None and snap.phrase == "소리 줄여"
    assert snap.distance == pytest.approx(3 / 8)  # l->p, l->m, ㅕ->ㅛ


def test_the_nearest_of_all_hypotheses_wins() -> None:
    snapper = PhraseSnapper(["stop", "what time is it", "speak louder"], "en")
    snap = snapper.nearest(["start calling", "what time is at", "speak louder"])
    assert snap is not None and (snap.phrase, snap.distance) == ("speak louder", 0.0)
    far = snapper.nearest(["the weather is lovely in paris today"])
    assert far is not None and far.distance > 0.5


def test_nothing_to_compare_is_none() -> None:
    assert PhraseSnapper(["stop"], "en").nearest(["", "…"]) is None
    assert PhraseSnapper([], "en").nearest(["stop"]) is None
    assert PhraseSnapper(["123"], "en").nearest(["stop"]) is None  # a phrase with no letters
