"""The conversation's topic: set by answers about things, gone after a minute."""

from __future__ import annotations

from device.dialogue import FOLLOW_UP_S, Dialogue, Topic


def test_an_answer_about_a_thing_makes_it_the_topic() -> None:
    d = Dialogue()
    d.heard("find", {"about": ["dog"]}, at=100.0)
    assert d.topic(101.0) == Topic(("dog",), "find")


def test_other_answers_keep_the_topic_and_the_conversation_going() -> None:
    d = Dialogue()
    d.heard("find", {"about": ["dog"]}, at=100.0)
    d.heard("time", {}, at=150.0)  # "what time is it?" in between
    assert d.topic(150.0 + FOLLOW_UP_S - 1) == Topic(("dog",), "find")


def test_a_minute_of_silence_ends_the_conversation() -> None:
    d = Dialogue()
    d.heard("find", {"about": ["dog"]}, at=100.0)
    assert d.topic(100.0 + FOLLOW_UP_S + 0.1) is None


def test_an_answer_about_nothing_clears_the_topic() -> None:
    d = Dialogue()
    d.heard("find", {"about": ["dog"]}, at=100.0)
    d.heard("forget", {"about": []}, at=101.0)
    assert d.topic(102.0) is None


def test_a_malformed_about_is_no_topic() -> None:
    d = Dialogue()
    d.heard("find", {"about": "dog"}, at=1.0)  # a string, not a list of labels
    assert d.topic(1.0) is None
